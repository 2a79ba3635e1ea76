#include "sketch/minhash.h"

#include <algorithm>

#include "core/check.h"
#include "util/hash.h"

namespace kindred::sketch {

OnePermutationMinHash::OnePermutationMinHash(uint32_t bins, uint64_t seed)
    : bins_(bins), seed_(seed) {
  KINDRED_CHECK(bins >= 1 && bins <= kMaxBins, "sketch bins out of range");
}

void OnePermutationMinHash::sketch(std::span<const uint64_t> shingles,
                                   std::span<uint32_t> out) const {
  Builder builder(*this, out);
  for (uint64_t s : shingles) builder.add(s);
  builder.finish();
}

double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  KINDRED_CHECK(a.size() == b.size(), "sketches of different sizes");
  if (a.empty()) return 0.0;
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return double(equal) / double(a.size());
}

std::vector<uint32_t> classic_minhash(std::span<const uint64_t> shingles, uint32_t permutations,
                                      uint64_t seed) {
  std::vector<uint32_t> out(permutations, OnePermutationMinHash::kEmpty);
  for (uint32_t p = 0; p < permutations; ++p) {
    const uint64_t salt = util::mix64(seed + 0x9e3779b97f4a7c15ull * (p + 1));
    for (uint64_t s : shingles) {
      out[p] = std::min(out[p], static_cast<uint32_t>(util::mix64(s ^ salt)));
    }
  }
  return out;
}

}  // namespace kindred::sketch
