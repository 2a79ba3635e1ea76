#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "story/candidates.h"

namespace kindred::story {
namespace {

// A small collection: each unit's features, time and the copy pairs.
struct Collection {
  std::vector<std::vector<uint64_t>> features;  // empty: not a unit
  std::vector<std::optional<int64_t>> time;
  std::set<uint64_t> copies;

  CandidateInput input() const {
    CandidateInput in;
    in.units = static_cast<uint32_t>(features.size());
    in.features = [this](uint32_t d, std::vector<uint64_t>& out) {
      out.insert(out.end(), features[d].begin(), features[d].end());
    };
    in.time = [this](uint32_t d) { return time[d]; };
    in.copies = [this](uint64_t k) { return copies.count(k) > 0; };
    return in;
  }
};

// The rule of candidates.h written the naive way: every pair of units, the
// features they share looked up one by one.
std::vector<uint64_t> brute_force(const Collection& c, const CandidateParams& p) {
  const auto n = static_cast<uint32_t>(c.features.size());
  std::map<uint64_t, std::vector<uint32_t>> holders;
  uint32_t units = 0;
  for (uint32_t d = 0; d < n; ++d) {
    units += !c.features[d].empty();
    for (uint64_t f : std::set<uint64_t>(c.features[d].begin(), c.features[d].end()))
      holders[f].push_back(d);
  }
  auto earlier = [&](uint32_t a, uint32_t b) {
    if (c.time[a].has_value() != c.time[b].has_value()) return c.time[a].has_value();
    if (c.time[a] && *c.time[a] != *c.time[b]) return *c.time[a] < *c.time[b];
    return a < b;
  };
  // The reach of x on each list it is on: how far in time order it reads on
  // each side (the whole list: its length), its read budget shared over its
  // lists shortest first, each getting the budget left over the lists left.
  auto reach = [&](uint32_t x) {
    std::vector<std::pair<size_t, uint64_t>> mine;  // (length, feature)
    for (const auto& [f, list] : holders) {
      if (list.size() >= 2 && std::count(list.begin(), list.end(), x))
        mine.emplace_back(list.size(), f);
    }
    std::sort(mine.begin(), mine.end());
    std::map<uint64_t, long> out;
    size_t budget = p.max_reads;
    for (size_t k = 0; k < mine.size(); ++k) {
      std::vector<uint32_t> list = holders[mine[k].second];
      std::sort(list.begin(), list.end(), earlier);
      const long px = std::find(list.begin(), list.end(), x) - list.begin();
      const long n_list = long(list.size());
      auto reads = [&](long side) {  // entries within `side` of x, x included
        return std::min(n_list, px + side + 1) - std::max(0L, px - side);
      };
      long side = list.size() <= p.max_postings ? n_list : long(std::max(1u, p.max_postings / 2));
      const size_t share = budget / (mine.size() - k);
      if (size_t(reads(side)) > share) side = long(std::max<size_t>(1, share / 2));
      budget -= std::min(budget, size_t(reads(side)));
      out[mine[k].second] = side;
    }
    return out;
  };
  std::vector<std::map<uint64_t, long>> reaches(n);
  for (uint32_t x = 0; x < n; ++x) reaches[x] = reach(x);
  // Whether y is within reach of x on the list of f.
  auto sees = [&](uint64_t f, uint32_t x, uint32_t y) {
    std::vector<uint32_t> list = holders[f];
    std::sort(list.begin(), list.end(), earlier);
    const long px = std::find(list.begin(), list.end(), x) - list.begin();
    const long py = std::find(list.begin(), list.end(), y) - list.begin();
    return std::abs(px - py) <= reaches[x].at(f);
  };
  std::set<uint64_t> out;
  for (uint32_t x = 0; x < n; ++x) {
    std::vector<std::pair<uint64_t, uint32_t>> ranked;  // (score, partner)
    for (uint32_t y = 0; y < n; ++y) {
      if (y == x || c.features[x].empty() || c.features[y].empty()) continue;
      uint32_t count = 0;
      uint64_t score = 0;
      for (const auto& [f, list] : holders) {
        const bool both =
            std::count(list.begin(), list.end(), x) && std::count(list.begin(), list.end(), y);
        if (both && sees(f, x, y)) ++count, score += rarity_weight(units, list.size());
      }
      if (count == 0) continue;
      if (c.copies.count(unit_pair_key(x, y))) {
        out.insert(unit_pair_key(x, y));
      } else if (count >= 2) {
        ranked.emplace_back(score, y);
      }
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (size_t i = 0; i < std::min<size_t>(ranked.size(), p.max_partners); ++i)
      out.insert(unit_pair_key(x, ranked[i].second));
  }
  return {out.begin(), out.end()};
}

// Units drawing features from a skewed vocabulary (a few features on most
// units, many on few), some undated, some not units, some copies.
Collection random_collection(uint32_t n, uint32_t seed) {
  std::mt19937 engine(seed);
  auto rng = [&] { return static_cast<uint32_t>(engine()); };
  Collection c;
  c.features.resize(n);
  c.time.resize(n);
  for (uint32_t d = 0; d < n; ++d) {
    if (rng() % 10 == 0) continue;  // a family member: speaks through its root
    const uint32_t k = 2 + rng() % 6;
    for (uint32_t i = 0; i < k; ++i) {
      const double u = std::uniform_real_distribution<double>(0, 1)(engine);
      c.features[d].push_back(static_cast<uint64_t>(std::pow(u, 3.0) * 60));
    }
    if (rng() % 5 != 0) c.time[d] = static_cast<int64_t>(rng() % 20) * 86400;
  }
  for (uint32_t i = 0; i < n / 8; ++i) c.copies.insert(unit_pair_key(rng() % n, rng() % n));
  return c;
}

void chunked(size_t n, const std::function<void(size_t, size_t)>& body) {
  for (size_t b = 0; b < n; b += 7) body(b, std::min(n, b + 7));
}

TEST(StoryCandidates, MatchesBruteForceOnRandomCollections) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const Collection c = random_collection(40 + seed * 5, seed);
    for (const auto& [postings, partners, reads] :
         {std::tuple{6u, 2u, 800u}, std::tuple{12u, 4u, 800u}, std::tuple{12u, 4u, 20u},
          std::tuple{1000u, 1000u, 30u}, std::tuple{1000u, 1000u, 1000000u}}) {
      CandidateParams p;
      p.max_postings = postings;
      p.max_partners = partners;
      p.max_reads = reads;
      EXPECT_EQ(candidate_pairs(c.input(), p), brute_force(c, p))
          << "seed " << seed << " max_postings " << postings << " max_partners " << partners
          << " max_reads " << reads;
      EXPECT_EQ(candidate_pairs(c.input(), p, chunked), brute_force(c, p)) << "seed " << seed;
    }
  }
}

// Runs the chunks of `loop`'s range on four threads at once, each a
// different share (so that the chunks finish in no fixed order).
void threaded(size_t n, const std::function<void(size_t, size_t)>& body) {
  std::vector<std::thread> threads;
  const size_t step = 97;
  for (size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t b = t * step; b < n; b += 4 * step) body(b, std::min(n, b + step));
    });
  }
  for (std::thread& t : threads) t.join();
}

TEST(StoryCandidates, ConcurrentChunksGiveTheSamePairs) {
  // Enough units and features for many chunks and parts of the lists (a
  // vocabulary of 5,000 features, skewed), some lists longer than
  // max_postings: the pairs and counts do not depend on the loop.
  std::mt19937 engine(7);
  auto rng = [&] { return static_cast<uint32_t>(engine()); };
  Collection c;
  const uint32_t n = 15000;
  c.features.resize(n);
  c.time.resize(n);
  for (uint32_t d = 0; d < n; ++d) {
    if (rng() % 10 == 0) continue;
    const uint32_t k = 3 + rng() % 12;
    for (uint32_t i = 0; i < k; ++i) {
      const double u = std::uniform_real_distribution<double>(0, 1)(engine);
      c.features[d].push_back(static_cast<uint64_t>(std::pow(u, 2.0) * 5000) |
                              (rng() % 4 == 0 ? uint64_t{1} << 63 : 0));
    }
    if (rng() % 5 != 0) c.time[d] = static_cast<int64_t>(rng() % 400) * 86400;
  }
  for (uint32_t i = 0; i < n / 8; ++i) c.copies.insert(unit_pair_key(rng() % n, rng() % n));
  CandidateParams p;
  CandidateStats one, four;
  const std::vector<uint64_t> sequential = candidate_pairs(c.input(), p, sequential_ranges, &one);
  EXPECT_EQ(candidate_pairs(c.input(), p, threaded, &four), sequential);
  EXPECT_EQ(candidate_pairs(c.input(), p, chunked), sequential);
  EXPECT_GT(one.ranked_lists, 0u);
  EXPECT_EQ(four.lists, one.lists);
  EXPECT_EQ(four.ranked_lists, one.ranked_lists);
  EXPECT_EQ(four.bounded_units, one.bounded_units);
  EXPECT_EQ(four.postings_read, one.postings_read);
  EXPECT_EQ(four.pairs, sequential.size());
}

TEST(StoryCandidates, UnboundedIsEveryPairSharingTwoFeatures) {
  const Collection c = random_collection(50, 99);
  CandidateParams p;
  p.max_postings = 1000;
  p.max_partners = 1000;
  p.max_reads = 1000000;
  std::vector<uint64_t> expected;
  for (uint32_t x = 0; x < 50; ++x) {
    for (uint32_t y = x + 1; y < 50; ++y) {
      std::set<uint64_t> fx(c.features[x].begin(), c.features[x].end());
      std::set<uint64_t> fy(c.features[y].begin(), c.features[y].end());
      std::vector<uint64_t> common;
      std::set_intersection(fx.begin(), fx.end(), fy.begin(), fy.end(), std::back_inserter(common));
      if (common.size() >= 2 || (!common.empty() && c.copies.count(unit_pair_key(x, y))))
        expected.push_back(unit_pair_key(x, y));
    }
  }
  EXPECT_EQ(candidate_pairs(c.input(), p), expected);
}

TEST(StoryCandidates, RarestSharedFeaturesFirst) {
  // Unit 0 shares two rare features with unit 1 and two common ones with
  // units 2..9; allowed one partner, it proposes unit 1.
  Collection c;
  c.features.assign(10, {100, 101});
  c.time.assign(10, std::nullopt);
  c.features[0] = {100, 101, 7, 8};
  c.features[1] = {7, 8};
  CandidateParams p;
  p.max_partners = 1;
  const std::vector<uint64_t> pairs = candidate_pairs(c.input(), p);
  EXPECT_TRUE(std::binary_search(pairs.begin(), pairs.end(), unit_pair_key(0, 1)));
  // Units 2..9 tie on what they share with 0 and with each other: each
  // proposes the lowest index, unit 0. One partner per unit, nine pairs.
  EXPECT_EQ(pairs.size(), 9u);
}

TEST(StoryCandidates, LongListsAreReadByTimeNotDropped) {
  // Forty units share two features, more than max_postings: each still
  // finds the units nearest in time, and not the farthest.
  Collection c;
  for (uint32_t d = 0; d < 40; ++d) {
    c.features.push_back({1, 2});
    c.time.push_back(int64_t{(d * 17) % 40} * 3600);  // input order is not time order
  }
  CandidateParams p;
  p.max_postings = 8;
  const std::vector<uint64_t> pairs = candidate_pairs(c.input(), p);
  auto has = [&](uint32_t x, uint32_t y) {
    return std::binary_search(pairs.begin(), pairs.end(), unit_pair_key(x, y));
  };
  // Hours 0 and 1 are units 0 and 33 (33 * 17 % 40 == 1); hour 39 is unit 7.
  EXPECT_TRUE(has(0, 33));
  EXPECT_FALSE(has(0, 7));
  EXPECT_EQ(pairs, brute_force(c, p));
}

TEST(StoryCandidates, ReadBudgetCutsCommonListsNotRareOnes) {
  // 301 units share two common features; units 0 and 300 also share two rare
  // ones, and are the farthest apart in time. On a budget of 40 entries a
  // unit, 0 still finds 300 through the rare lists, read first and whole,
  // and reads at most the budget (plus one neighbour a side on each list).
  Collection c;
  for (uint32_t d = 0; d <= 300; ++d) {
    c.features.push_back({1, 2});
    c.time.push_back(int64_t{d} * 3600);
  }
  c.features[0].insert(c.features[0].end(), {7, 8});
  c.features[300].insert(c.features[300].end(), {7, 8});
  CandidateParams p;
  p.max_reads = 40;
  CandidateStats stats;
  const std::vector<uint64_t> pairs = candidate_pairs(c.input(), p, sequential_ranges, &stats);
  EXPECT_TRUE(std::binary_search(pairs.begin(), pairs.end(), unit_pair_key(0, 300)));
  EXPECT_LE(stats.postings_read, 301u * (40 + 2 * 4));
  EXPECT_EQ(pairs, brute_force(c, p));
  // Unbounded, unit 150 reads both common lists 201 entries each.
  p.max_reads = 1000000;
  candidate_pairs(c.input(), p, sequential_ranges, &stats);
  EXPECT_GT(stats.postings_read, 301u * 2 * 150);
}

TEST(StoryCandidates, NoUnitsNoPairs) {
  Collection c;
  EXPECT_TRUE(candidate_pairs(c.input(), CandidateParams{}).empty());
  c.features.assign(3, {});
  c.time.assign(3, std::nullopt);
  EXPECT_TRUE(candidate_pairs(c.input(), CandidateParams{}).empty());
}

}  // namespace
}  // namespace kindred::story

namespace kindred::story {
namespace {

// The steps of the rule as a front end holding lists and units apart runs
// them: lists built and ordered by themselves, each unit's read ranges from
// its slots alone, the proposals of each list gathered per unit in another
// order, the partners chosen per unit. Their pairs are candidate_pairs()'s.
std::vector<uint64_t> composed(const Collection& c, const CandidateParams& p) {
  const auto n = static_cast<uint32_t>(c.features.size());
  std::map<uint64_t, std::vector<uint32_t>> lists;
  uint32_t units = 0;
  for (uint32_t d = 0; d < n; ++d) {
    units += !c.features[d].empty();
    for (uint64_t f : std::set<uint64_t>(c.features[d].begin(), c.features[d].end()))
      lists[f].push_back(d);
  }
  for (auto& [f, list] : lists) {
    std::sort(list.begin(), list.end(),
              [&](uint32_t a, uint32_t b) { return time_before(c.time[a], a, c.time[b], b); });
  }
  // Per unit: its lists of two or more in list_before() order, their ranges.
  std::map<uint32_t, std::map<uint64_t, Reading>> read;  // unit -> partner -> reading
  for (uint32_t x = 0; x < n; ++x) {
    std::vector<std::pair<size_t, uint64_t>> mine;
    for (const auto& [f, list] : lists) {
      if (list.size() >= 2 && std::count(list.begin(), list.end(), x))
        mine.emplace_back(list.size(), f);
    }
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
      return list_before(a.first, a.second, b.first, b.second);
    });
    std::vector<ListSlot> slots;
    for (const auto& [len, f] : mine) {
      const auto& list = lists[f];
      slots.push_back(
          {uint32_t(len), uint32_t(std::find(list.begin(), list.end(), x) - list.begin())});
    }
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    read_ranges(slots, p, ranges);
    for (size_t k = 0; k < mine.size(); ++k) {  // "at the list": its proposals for x
      const auto& list = lists[mine[k].second];
      for (uint32_t i = ranges[k].first; i < ranges[k].second; ++i) {
        if (list[i] == x) continue;
        Reading& r = read[x][list[i]];
        r.partner = list[i];
        r.lists += 1;
        r.score += rarity_weight(units, list.size());
      }
    }
  }
  std::vector<uint64_t> pairs;
  for (auto& [x, partners] : read) {
    std::vector<Reading> readings;
    for (auto it = partners.rbegin(); it != partners.rend(); ++it) {  // any order
      Reading r = it->second;
      r.copy = c.copies.count(unit_pair_key(x, uint32_t(r.partner))) > 0;
      readings.push_back(r);
    }
    std::vector<uint64_t> chosen;
    select_partners(readings, p.max_partners, chosen);
    for (uint64_t y : chosen) pairs.push_back(unit_pair_key(x, uint32_t(y)));
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

TEST(StoryCandidates, StepsComposedApartGiveTheSamePairs) {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    const Collection c = random_collection(60 + seed * 7, seed + 100);
    for (const auto& [postings, partners, reads] :
         {std::tuple{6u, 2u, 800u}, std::tuple{12u, 4u, 20u}, std::tuple{1000u, 3u, 30u}}) {
      CandidateParams p;
      p.max_postings = postings;
      p.max_partners = partners;
      p.max_reads = reads;
      const auto expected = candidate_pairs(c.input(), p);
      EXPECT_FALSE(expected.empty());
      EXPECT_EQ(composed(c, p), expected) << "seed " << seed << " postings " << postings;
    }
  }
}

}  // namespace
}  // namespace kindred::story
