#include "story/candidates.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <numeric>

namespace kindred::story {

void sequential_ranges(size_t n, const std::function<void(size_t, size_t)>& body) {
  body(0, n);
}

uint32_t rarity_weight(uint32_t units, size_t list_length) {
  if (list_length == 0 || list_length >= units) return 0;
  return static_cast<uint32_t>(std::lround(1024.0 * std::log(double(units) / double(list_length))));
}

namespace {

// The posting lists, flat: list l holds units[begin[l], begin[l + 1]) (by
// time), ordered rarest first (list_before()).
struct PostingLists {
  std::vector<uint32_t> units;
  std::vector<uint32_t> begin;   // lists + 1 offsets into `units`
  std::vector<uint32_t> rarity;  // rarity_weight() of each list's length
  size_t size() const { return rarity.size(); }
  uint32_t length(uint32_t l) const { return begin[l + 1] - begin[l]; }
};

struct Entry {
  uint32_t list;
  uint32_t position;  // of the unit on the list
};

// Which part of the posting lists a feature's list is built in (names are
// small ids under the top bit, so the bits are mixed first).
constexpr uint32_t kPartBits = 11;
uint32_t part_of(uint64_t feature) {
  return static_cast<uint32_t>((feature * 0x9E3779B97F4A7C15ull) >> (64 - kPartBits));
}

// A list of two or more units, built in one part: its feature and units.
struct PartList {
  uint64_t feature;
  uint32_t part, begin, length;  // units in the part's `units`
};

}  // namespace

size_t read_ranges(std::span<const ListSlot> slots, const CandidateParams& params,
                   std::vector<std::pair<uint32_t, uint32_t>>& out) {
  const uint32_t window = std::max(1u, params.max_postings / 2);  // each side of a unit
  // The budget, shared max-min fairly over the lists rarest first: a list
  // within its share is read as it would be unbounded, and what it leaves
  // goes to the longer lists after it.
  size_t budget = params.max_reads, total = 0;
  for (size_t k = 0; k < slots.size(); ++k) {
    const size_t length = slots[k].length, position = slots[k].position;
    size_t from = 0, to = length;
    if (length > params.max_postings) {  // ranked: the nearest in time
      from = position >= window ? position - window : 0;
      to = std::min<size_t>(to, position + window + 1);
    }
    const size_t share = budget / (slots.size() - k);
    if (to - from > share) {  // the nearest in time within the share, at least one a side
      const size_t half = std::max<size_t>(1, share / 2);
      from = position >= half ? position - half : 0;
      to = std::min<size_t>(length, position + half + 1);
    }
    budget -= std::min(budget, to - from);
    total += to - from;
    out.emplace_back(static_cast<uint32_t>(from), static_cast<uint32_t>(to));
  }
  return total;
}

bool select_partners(std::vector<Reading>& read, uint32_t max_partners,
                     std::vector<uint64_t>& out) {
  thread_local std::vector<std::pair<uint64_t, uint64_t>>
      ranked;  // (~score: highest first, partner)
  ranked.clear();
  for (const Reading& r : read) {
    if (r.copy) {
      out.push_back(r.partner);
    } else if (r.lists >= 2) {
      ranked.emplace_back(~r.score, r.partner);
    }
  }
  const bool bounded = ranked.size() > max_partners;
  if (bounded) {
    std::nth_element(ranked.begin(), ranked.begin() + max_partners, ranked.end());
    ranked.resize(max_partners);
  }
  for (const auto& [s, y] : ranked) out.push_back(y);
  return bounded;
}

std::vector<uint64_t> candidate_pairs(const CandidateInput& input, const CandidateParams& params,
                                      const RangeLoop& loop, CandidateStats* stats) {
  const uint32_t n = input.units;
  // PERF: the lists are built through `loop` too (one unordered_map fed one
  // unit at a time was a serial section of the story stage): each chunk of
  // units gathers its (feature, unit) pairs grouped by part, each part sorts
  // its pairs into lists, and the lists are ordered as one pass would order
  // them. About kParts chunks and kParts parts, so that a loop with a coarse
  // grain still splits them.
  constexpr uint32_t kParts = 1u << kPartBits;
  const size_t chunk = std::max<size_t>(64, (size_t{n} + kParts - 1) / kParts);
  const size_t chunks = (size_t{n} + chunk - 1) / chunk;
  struct Posting {
    uint64_t feature;
    uint32_t unit;
  };
  std::vector<std::vector<Posting>> of_chunk(chunks);
  std::vector<uint32_t> part_begin(chunks * (kParts + 1));  // per chunk: where each part starts
  std::vector<uint32_t> units_of_chunk(chunks, 0);
  std::vector<std::optional<int64_t>> time(n);
  loop(chunks, [&](size_t first, size_t last) {
    std::vector<uint64_t> features;
    std::vector<Posting> got;
    for (size_t c = first; c < last; ++c) {
      got.clear();
      const auto end = static_cast<uint32_t>(std::min<size_t>(n, (c + 1) * chunk));
      for (auto d = static_cast<uint32_t>(c * chunk); d < end; ++d) {
        features.clear();
        input.features(d, features);
        units_of_chunk[c] += !features.empty();
        for (uint64_t f : features) got.push_back({f, d});
        time[d] = input.time ? input.time(d) : std::nullopt;
      }
      // Grouped by part, units ascending within each (a stable counting sort).
      uint32_t* begin = part_begin.data() + c * (kParts + 1);
      for (const Posting& p : got) ++begin[part_of(p.feature) + 1];
      std::partial_sum(begin, begin + kParts + 1, begin);
      std::vector<uint32_t> fill(begin, begin + kParts);
      of_chunk[c].resize(got.size());
      for (const Posting& p : got) of_chunk[c][fill[part_of(p.feature)]++] = p;
    }
  });
  const uint32_t units = std::accumulate(units_of_chunk.begin(), units_of_chunk.end(), 0u);
  auto by_time = [&](uint32_t a, uint32_t b) { return time_before(time[a], a, time[b], b); };

  // Each part's lists of two or more distinct units, by feature.
  std::vector<std::vector<uint32_t>> part_units(kParts);
  std::vector<std::vector<PartList>> part_lists(kParts);
  loop(kParts, [&](size_t first, size_t last) {
    std::vector<Posting> here;
    for (auto part = static_cast<uint32_t>(first); part < last; ++part) {
      here.clear();
      for (size_t c = 0; c < chunks; ++c) {
        const uint32_t* begin = part_begin.data() + c * (kParts + 1);
        here.insert(here.end(), of_chunk[c].begin() + begin[part],
                    of_chunk[c].begin() + begin[part + 1]);
      }
      // Chunks hold ascending units, so a stable sort by feature keeps each list by unit.
      std::stable_sort(here.begin(), here.end(),
                       [](const Posting& a, const Posting& b) { return a.feature < b.feature; });
      std::vector<uint32_t>& out = part_units[part];
      for (size_t k = 0; k < here.size();) {
        size_t r = k;
        const auto begin = static_cast<uint32_t>(out.size());
        for (; r < here.size() && here[r].feature == here[k].feature; ++r) {
          if (out.size() == begin || out.back() != here[r].unit) out.push_back(here[r].unit);
        }
        const auto length = static_cast<uint32_t>(out.size() - begin);
        if (length >= 2) {
          part_lists[part].push_back({here[k].feature, part, begin, length});
        } else {
          out.resize(begin);
        }
        k = r;
      }
    }
  });
  std::vector<std::vector<Posting>>().swap(of_chunk);
  std::vector<uint32_t>().swap(part_begin);

  // Lists ordered rarest first (shortest, then by feature), each by time;
  // and for each unit where it stands on them, in the same order.
  std::vector<PartList> order;
  for (const auto& v : part_lists) order.insert(order.end(), v.begin(), v.end());
  std::vector<std::vector<PartList>>().swap(part_lists);
  std::sort(order.begin(), order.end(), [](const PartList& a, const PartList& b) {
    return list_before(a.length, a.feature, b.length, b.feature);
  });
  PostingLists lists;
  lists.begin.resize(order.size() + 1, 0);
  lists.rarity.resize(order.size());
  for (size_t l = 0; l < order.size(); ++l) lists.begin[l + 1] = lists.begin[l] + order[l].length;
  lists.units.resize(lists.begin.back());
  loop(order.size(), [&](size_t first, size_t last) {
    for (size_t l = first; l < last; ++l) {
      const PartList& p = order[l];
      const uint32_t* from = part_units[p.part].data() + p.begin;
      uint32_t* to = lists.units.data() + lists.begin[l];
      std::copy(from, from + p.length, to);
      std::sort(to, to + p.length, by_time);  // a unit's read budget may cut any list
      lists.rarity[l] = rarity_weight(units, p.length);
    }
  });
  std::vector<std::vector<uint32_t>>().swap(part_units);
  std::vector<PartList>().swap(order);
  // Each unit's entries, by list: counted, placed, then each unit's sorted.
  std::vector<uint32_t> entry_begin(size_t{n} + 1, 0);
  for (uint32_t u : lists.units) ++entry_begin[u + 1];
  std::partial_sum(entry_begin.begin(), entry_begin.end(), entry_begin.begin());
  std::vector<Entry> entry(lists.units.size());
  {
    std::vector<uint32_t> fill(entry_begin.begin(), entry_begin.end() - 1);
    for (uint32_t l = 0; l < lists.size(); ++l) {  // in list order: each unit's come sorted
      for (uint32_t i = lists.begin[l]; i < lists.begin[l + 1]; ++i) {
        entry[fill[lists.units[i]]++] = {l, i - lists.begin[l]};
      }
    }
  }

  std::mutex mu;
  std::vector<uint64_t> pairs;
  std::atomic<uint64_t> bounded{0};
  std::atomic<uint64_t> read{0};
  loop(n, [&](size_t begin, size_t end) {
    // Per-thread scratch over all units, all zero between units: each unit
    // resets what it touched.
    thread_local std::vector<uint32_t> shared;
    thread_local std::vector<uint64_t> score;
    if (shared.size() < n) shared.assign(n, 0), score.assign(n, 0);
    std::vector<uint32_t> touched;
    std::vector<ListSlot> slots;
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    std::vector<Reading> readings;
    std::vector<uint64_t> partners, local;
    uint64_t read_here = 0;
    for (auto x = static_cast<uint32_t>(begin); x < end; ++x) {
      touched.clear();
      // Where the unit stands on its lists (rarest first) and what it reads of them.
      slots.clear();
      ranges.clear();
      const Entry* entries = entry.data() + entry_begin[x];
      const size_t count = entry_begin[x + 1] - entry_begin[x];
      for (size_t k = 0; k < count; ++k) {
        slots.push_back({lists.length(entries[k].list), entries[k].position});
      }
      read_here += read_ranges(slots, params, ranges);
      for (size_t k = 0; k < ranges.size(); ++k) {
        const uint32_t l = entries[k].list;
        const uint32_t* on = lists.units.data() + lists.begin[l];
        const uint32_t rarity = lists.rarity[l];
        for (size_t i = ranges[k].first; i < ranges[k].second; ++i) {
          const uint32_t y = on[i];
          if (y == x) continue;
          if (shared[y]++ == 0) touched.push_back(y);
          score[y] += rarity;
        }
      }
      readings.clear();
      for (uint32_t y : touched) {
        readings.push_back({y, shared[y], score[y], input.copies(unit_pair_key(x, y))});
        shared[y] = 0;
        score[y] = 0;
      }
      partners.clear();
      if (select_partners(readings, params.max_partners, partners)) {
        bounded.fetch_add(1, std::memory_order_relaxed);
      }
      for (uint64_t y : partners) local.push_back(unit_pair_key(x, static_cast<uint32_t>(y)));
    }
    read.fetch_add(read_here, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mu);
    pairs.insert(pairs.end(), local.begin(), local.end());
  });
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  if (stats) {
    stats->lists = lists.size();
    stats->ranked_lists = 0;
    for (uint32_t l = 0; l < lists.size(); ++l) {
      stats->ranked_lists += lists.length(l) > params.max_postings;
    }
    stats->bounded_units = bounded.load();
    stats->pairs = pairs.size();
    stats->postings_read = read.load();
  }
  return pairs;
}

}  // namespace kindred::story
