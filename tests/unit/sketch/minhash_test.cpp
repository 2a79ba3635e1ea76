#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "sketch/minhash.h"

namespace kindred::sketch {
namespace {

// Two random sets with a chosen Jaccard similarity.
void make_pair(std::mt19937_64& rng, size_t size, double jaccard, std::vector<uint64_t>& a,
               std::vector<uint64_t>& b) {
  // |A| = |B| = size, |A∩B| = s: J = s / (2 size - s).
  const auto shared =
      static_cast<size_t>(std::lround(2.0 * double(size) * jaccard / (1 + jaccard)));
  a.clear();
  b.clear();
  for (size_t i = 0; i < shared; ++i) {
    const uint64_t x = rng();
    a.push_back(x);
    b.push_back(x);
  }
  for (size_t i = shared; i < size; ++i) a.push_back(rng());
  for (size_t i = shared; i < size; ++i) b.push_back(rng());
}

double exact_jaccard(std::vector<uint64_t> a, std::vector<uint64_t> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<uint64_t> inter;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(inter));
  return double(inter.size()) / double(a.size() + b.size() - inter.size());
}

TEST(OnePermutationMinHash, EqualSetsGiveEqualSketchesWhateverTheOrder) {
  OnePermutationMinHash mh(128, 42);
  std::vector<uint64_t> a = {5, 9, 1, 77, 1000, 3};
  std::vector<uint64_t> b = {3, 1000, 77, 1, 9, 5, 5};
  std::vector<uint32_t> sa(128), sb(128);
  mh.sketch(a, sa);
  mh.sketch(b, sb);
  EXPECT_EQ(sa, sb);
  EXPECT_DOUBLE_EQ(estimate_jaccard(sa, sb), 1.0);
}

TEST(OnePermutationMinHash, DensificationFillsEveryBin) {
  OnePermutationMinHash mh(128, 1);
  std::vector<uint32_t> s(128);
  mh.sketch(std::vector<uint64_t>{12345}, s);  // one shingle, 127 empty bins
  EXPECT_TRUE(std::all_of(s.begin(), s.end(), [&](uint32_t v) { return v == s[0]; }));
}

// The estimator's error must be that of classic 128-permutation MinHash:
// RMSE ~ sqrt(J(1-J)/128). Checked against the reference implementation.
TEST(OnePermutationMinHash, AccuracyMatchesClassicMinHash) {
  std::mt19937_64 rng(2024);
  OnePermutationMinHash oph(128, 99);
  for (double j : {0.1, 0.3, 0.5, 0.8}) {
    for (size_t size : {60u, 500u}) {  // 60 < 128 bins exercises densification
      double se_oph = 0, se_classic = 0;
      const int trials = 200;
      std::vector<uint64_t> a, b;
      std::vector<uint32_t> sa(128), sb(128);
      for (int t = 0; t < trials; ++t) {
        make_pair(rng, size, j, a, b);
        const double truth = exact_jaccard(a, b);
        oph.sketch(a, sa);
        oph.sketch(b, sb);
        se_oph += std::pow(estimate_jaccard(sa, sb) - truth, 2);
        const uint64_t seed = rng();
        se_classic += std::pow(
            estimate_jaccard(classic_minhash(a, 128, seed), classic_minhash(b, 128, seed)) - truth,
            2);
      }
      const double rmse_oph = std::sqrt(se_oph / trials);
      const double rmse_classic = std::sqrt(se_classic / trials);
      const double theory = std::sqrt(j * (1 - j) / 128);
      EXPECT_LT(rmse_oph, 1.3 * theory) << "J=" << j << " size=" << size;
      EXPECT_LT(rmse_oph, 1.3 * rmse_classic) << "J=" << j << " size=" << size;
    }
  }
}

TEST(OnePermutationMinHash, EmptySetIsAllEmpty) {
  OnePermutationMinHash mh(64, 1);
  std::vector<uint32_t> s(64, 0);
  mh.sketch({}, s);
  EXPECT_TRUE(std::all_of(s.begin(), s.end(), [](uint32_t v) { return v == 0xFFFFFFFFu; }));
}

}  // namespace
}  // namespace kindred::sketch
