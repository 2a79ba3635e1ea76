#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "sketch/shingle.h"
#include "util/hash.h"

namespace kindred::sketch {
namespace {

std::vector<normalize::Token> tokens_from(const std::vector<uint64_t>& hashes) {
  std::vector<normalize::Token> t;
  for (uint64_t h : hashes) t.push_back({0, 0, h});
  return t;
}

TEST(Shingle, OneHashPerWindow) {
  std::vector<uint64_t> out;
  shingle_hashes(tokens_from({1, 2, 3, 4, 5, 6, 7}), 5, out);
  EXPECT_EQ(out.size(), 3u);
}

TEST(Shingle, ShortTextGivesOneShingleAndEmptyGivesNone) {
  std::vector<uint64_t> out;
  shingle_hashes(tokens_from({1, 2}), 5, out);
  EXPECT_EQ(out.size(), 1u);
  shingle_hashes(tokens_from({}), 5, out);
  EXPECT_TRUE(out.empty());
}

// Naive reference: identical windows must hash alike, different windows differently.
TEST(Shingle, RollingHashMatchesWindowIdentity) {
  std::mt19937_64 rng(7);
  std::vector<uint64_t> words;
  for (int i = 0; i < 3000; ++i) words.push_back(rng() % 40);  // small vocabulary: many repeats
  for (uint32_t k : {1u, 3u, 5u, 8u}) {
    std::vector<uint64_t> hashes;
    shingle_hashes(tokens_from(words), k, hashes);
    ASSERT_EQ(hashes.size(), words.size() - k + 1);
    std::map<std::vector<uint64_t>, uint64_t> seen;
    std::map<uint64_t, std::vector<uint64_t>> by_hash;
    for (size_t i = 0; i + k <= words.size(); ++i) {
      std::vector<uint64_t> window(words.begin() + i, words.begin() + i + k);
      auto [it, fresh] = seen.emplace(window, hashes[i]);
      EXPECT_EQ(it->second, hashes[i]) << "same window, different hash at " << i;
      auto [jt, new_hash] = by_hash.emplace(hashes[i], window);
      EXPECT_EQ(jt->second, window) << "hash collision at " << i;
    }
  }
}

TEST(Shingle, SetIsSortedAndUnique) {
  std::vector<uint64_t> set;
  shingle_set(tokens_from({1, 2, 3, 1, 2, 3, 1, 2, 3}), 3, set);
  EXPECT_TRUE(std::is_sorted(set.begin(), set.end()));
  EXPECT_EQ(set.size(), 3u);  // windows 123, 231, 312
}

// The fused pass gives what its two steps give apart: the same shingle
// hashes in the same order, and the sketch of them (empty bins densified).
TEST(Shingle, FusedHashesAndSketchEqualTheTwoStepsApart) {
  std::mt19937_64 rng(9);
  const OnePermutationMinHash minhash(128, 42);
  for (size_t n : {0, 1, 4, 5, 6, 30, 700}) {
    std::vector<uint64_t> words(n);
    for (auto& w : words) w = rng() % 50;  // repeats, so windows repeat too
    const auto tokens = tokens_from(words);
    std::vector<uint64_t> apart, fused;
    std::vector<uint32_t> sketch_apart(128), sketch_fused(128);
    shingle_hashes(tokens, 5, apart);
    minhash.sketch(apart, sketch_apart);
    shingle_hashes_and_sketch(tokens, 5, minhash, fused, sketch_fused);
    EXPECT_EQ(fused, apart) << n << " tokens";
    EXPECT_EQ(sketch_fused, sketch_apart) << n << " tokens";
    if (n == 700) {
      // A plain loop, independent of OnePermutationMinHash::Builder: every bin
      // of 128 is filled by 700 shingles, so no densification is involved.
      std::vector<uint32_t> plain(128, UINT32_MAX);
      for (uint64_t s : apart) {
        const uint64_t g = util::mix64(s ^ 42);
        const uint32_t bin = util::fast_range(static_cast<uint32_t>(g >> 32), 128);
        plain[bin] = std::min(plain[bin], static_cast<uint32_t>(g));
      }
      ASSERT_EQ(std::count(plain.begin(), plain.end(), UINT32_MAX), 0);
      EXPECT_EQ(sketch_fused, plain);
    }
    sort_into_set(fused);
    std::vector<uint64_t> set;
    shingle_set(tokens, 5, set);
    EXPECT_EQ(fused, set);
  }
}

}  // namespace
}  // namespace kindred::sketch
