#include "util/sort_hashes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace kindred::util {
namespace {

// The counting-sort kernel against std::sort + std::unique, on uniform values
// (its fast case), on skewed ones (all in one bucket: still correct) and with
// many duplicates, at sizes on both sides of its small-input cut-off.
TEST(SortUniqueHashes, AgreesWithStdSortOnAnyInput) {
  std::mt19937_64 rng(7);
  std::vector<uint64_t> scratch;
  for (size_t n : {0, 1, 2, 63, 64, 65, 500, 4096, 70000}) {
    for (int shape = 0; shape < 3; ++shape) {
      std::vector<uint64_t> values(n);
      for (uint64_t& v : values) {
        v = rng();
        if (shape == 1) v >>= 40;             // skewed: every value in the first bucket
        if (shape == 2) v = v % (n / 4 + 1);  // many duplicates
      }
      std::vector<uint64_t> expected = values;
      std::sort(expected.begin(), expected.end());
      expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
      sort_unique_hashes(values, scratch);
      ASSERT_EQ(values, expected) << "n=" << n << " shape=" << shape;
    }
  }
}

}  // namespace
}  // namespace kindred::util
