#include "story/candidates.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <unordered_map>

namespace kindred::story {

void sequential_ranges(size_t n, const std::function<void(size_t, size_t)>& body) {
  body(0, n);
}

uint32_t rarity_weight(uint32_t units, size_t list_length) {
  if (list_length == 0 || list_length >= units) return 0;
  return static_cast<uint32_t>(std::lround(1024.0 * std::log(double(units) / double(list_length))));
}

namespace {

// A posting list: its units (by index, or by time when ranked) and the
// rarity of its feature.
struct PostingList {
  std::vector<uint32_t> units;
  uint32_t rarity = 0;  // rarity_weight() of the list's length
  bool ranked = false;  // longer than max_postings: read by time around each unit
};

struct Entry {
  uint32_t list;
  uint32_t position;  // of the unit on the list
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
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  std::vector<uint64_t> features;
  uint32_t units = 0;
  for (uint32_t d = 0; d < n; ++d) {
    features.clear();
    input.features(d, features);
    units += !features.empty();
    for (uint64_t f : features) postings[f].push_back(d);
  }
  std::vector<std::optional<int64_t>> time(n);
  for (uint32_t d = 0; d < n; ++d) time[d] = input.time ? input.time(d) : std::nullopt;
  auto by_time = [&](uint32_t a, uint32_t b) { return time_before(time[a], a, time[b], b); };

  // Lists of two or more units, ordered rarest first (shortest, then by
  // feature), each by time; and for each unit where it stands on them, in
  // the same order.
  std::vector<std::pair<uint64_t, std::vector<uint32_t>>> by_feature;
  for (auto& [feature, list] : postings) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    if (list.size() >= 2) by_feature.emplace_back(feature, std::move(list));
  }
  std::unordered_map<uint64_t, std::vector<uint32_t>>().swap(postings);
  std::sort(by_feature.begin(), by_feature.end(), [](const auto& a, const auto& b) {
    return list_before(a.second.size(), a.first, b.second.size(), b.first);
  });
  std::vector<PostingList> lists;
  lists.reserve(by_feature.size());
  for (auto& [feature, list] : by_feature) {
    PostingList p;
    p.rarity = rarity_weight(units, list.size());
    p.ranked = list.size() > params.max_postings;
    std::sort(list.begin(), list.end(), by_time);  // a unit's read budget may cut any list
    p.units = std::move(list);
    lists.push_back(std::move(p));
  }
  std::vector<std::pair<uint64_t, std::vector<uint32_t>>>().swap(by_feature);
  std::vector<std::vector<Entry>> entries(n);
  for (uint32_t l = 0; l < lists.size(); ++l) {
    const auto& u = lists[l].units;
    for (uint32_t i = 0; i < u.size(); ++i) entries[u[i]].push_back({l, i});
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
      for (const Entry& e : entries[x]) {
        slots.push_back({static_cast<uint32_t>(lists[e.list].units.size()), e.position});
      }
      read_here += read_ranges(slots, params, ranges);
      for (size_t k = 0; k < ranges.size(); ++k) {
        const PostingList& p = lists[entries[x][k].list];
        for (size_t i = ranges[k].first; i < ranges[k].second; ++i) {
          const uint32_t y = p.units[i];
          if (y == x) continue;
          if (shared[y]++ == 0) touched.push_back(y);
          score[y] += p.rarity;
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
    for (const PostingList& p : lists) stats->ranked_lists += p.ranked;
    stats->bounded_units = bounded.load();
    stats->pairs = pairs.size();
    stats->postings_read = read.load();
  }
  return pairs;
}

}  // namespace kindred::story
