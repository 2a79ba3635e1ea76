#include <gtest/gtest.h>

#include <random>
#include <set>

#include "candidates/pairs.h"

namespace kindred::candidates {
namespace {

// Naive reference: every pair of documents sharing a key in some band.
std::set<uint64_t> naive_pairs(const index::BandTable& t) {
  std::set<uint64_t> out;
  for (uint32_t a = 0; a < t.size(); ++a) {
    for (uint32_t b = a + 1; b < t.size(); ++b) {
      for (uint32_t band = 0; band < t.bands(); ++band) {
        if (t.key(a, band) == t.key(b, band)) {
          out.insert(pack_pair(a, b));
          break;
        }
      }
    }
  }
  return out;
}

TEST(CandidatePairs, EqualNaiveAllPairsBelowTheBucketCap) {
  std::mt19937 rng(5);
  index::BandTable table(8);
  for (int d = 0; d < 300; ++d) {
    std::vector<uint32_t> keys(8);
    for (auto& k : keys) k = rng() % 64;  // small key space: many collisions
    table.add(keys);
  }
  CandidateStats stats;
  const auto pairs = candidate_pairs(table, 1000, sequential_bands, &stats);
  const auto expected = naive_pairs(table);
  EXPECT_EQ(std::set<uint64_t>(pairs.begin(), pairs.end()), expected);
  EXPECT_EQ(stats.pairs, expected.size());
  EXPECT_EQ(stats.capped_buckets, 0u);
  EXPECT_TRUE(std::is_sorted(pairs.begin(), pairs.end()));
}

TEST(CandidatePairs, OversizedBucketProposesStarAndChain) {
  index::BandTable table(1);
  for (uint32_t d = 0; d < 10; ++d) table.add(std::vector<uint32_t>{7});
  CandidateStats stats;
  const auto pairs = candidate_pairs(table, 4, sequential_bands, &stats);
  EXPECT_EQ(stats.capped_buckets, 1u);
  EXPECT_EQ(stats.largest_bucket, 10u);
  // Star from doc 0 (9 pairs) plus chain 1-2 ... 8-9 (8 pairs): linear, not quadratic.
  EXPECT_EQ(pairs.size(), 17u);
  std::set<uint64_t> got(pairs.begin(), pairs.end());
  for (uint32_t d = 1; d < 10; ++d) EXPECT_TRUE(got.count(pack_pair(0, d)));
  for (uint32_t d = 1; d + 1 < 10; ++d) EXPECT_TRUE(got.count(pack_pair(d, d + 1)));
}

TEST(BandKeys, EqualBandsGiveEqualKeysAndBandsAreSalted) {
  std::vector<uint32_t> s1 = {1, 2, 3, 4, 5, 6}, s2 = {1, 2, 9, 9, 5, 6};
  std::vector<uint32_t> k1(3), k2(3);
  index::band_keys(s1, 3, 2, k1);
  index::band_keys(s2, 3, 2, k2);
  EXPECT_EQ(k1[0], k2[0]);
  EXPECT_NE(k1[1], k2[1]);
  EXPECT_EQ(k1[2], k2[2]);
  std::vector<uint32_t> same = {4, 4, 4, 4}, k3(2);
  index::band_keys(same, 2, 2, k3);
  EXPECT_NE(k3[0], k3[1]);  // same values in two bands must not collide across bands
}

}  // namespace
}  // namespace kindred::candidates
