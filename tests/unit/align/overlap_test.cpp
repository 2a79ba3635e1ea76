#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "align/overlap.h"

namespace kindred::align {
namespace {

std::vector<uint64_t> random_set(std::mt19937_64& rng, size_t n, uint64_t universe) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < n; ++i) v.push_back(rng() % universe);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Against std::set_intersection, on balanced (merge) and skewed (galloping) sizes.
TEST(Overlap, EqualsNaiveIntersection) {
  std::mt19937_64 rng(11);
  for (auto [na, nb] :
       {std::pair<size_t, size_t>{500, 600}, {10, 5000}, {4000, 3}, {0, 10}, {1, 1}}) {
    for (int t = 0; t < 20; ++t) {
      const auto a = random_set(rng, na, 3000), b = random_set(rng, nb, 3000);
      std::vector<uint64_t> inter;
      std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(inter));
      const Overlap o = overlap(a, b);
      EXPECT_EQ(o.shared, inter.size());
      EXPECT_EQ(o.size_a, a.size());
      EXPECT_EQ(o.size_b, b.size());
    }
  }
}

}  // namespace
}  // namespace kindred::align
