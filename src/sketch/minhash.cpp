#include "sketch/minhash.h"

#include <algorithm>
#include <limits>

#include "core/check.h"
#include "util/hash.h"

namespace kindred::sketch {

namespace {
constexpr uint32_t kEmpty = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kMaxBins = 4096;
}  // namespace

OnePermutationMinHash::OnePermutationMinHash(uint32_t bins, uint64_t seed)
    : bins_(bins), seed_(seed) {
  KINDRED_CHECK(bins >= 1 && bins <= kMaxBins, "sketch bins out of range");
}

void OnePermutationMinHash::sketch(std::span<const uint64_t> shingles,
                                   std::span<uint32_t> out) const {
  KINDRED_CHECK(out.size() == bins_, "sketch output has the wrong size");
  std::fill(out.begin(), out.end(), kEmpty);
  // A separate occupancy bitmap: a bin's true minimum may itself be 0xFFFFFFFF.
  uint64_t filled[kMaxBins / 64] = {};
  for (uint64_t s : shingles) {
    const uint64_t g = util::mix64(s ^ seed_);
    const uint32_t bin = util::fast_range(static_cast<uint32_t>(g >> 32), bins_);
    const auto value = static_cast<uint32_t>(g);
    out[bin] = std::min(out[bin], value);
    filled[bin >> 6] |= uint64_t{1} << (bin & 63);
  }
  if (shingles.empty()) return;
  auto is_filled = [&](uint32_t b) { return (filled[b >> 6] >> (b & 63)) & 1; };
  for (uint32_t i = 0; i < bins_; ++i) {
    if (is_filled(i)) continue;
    // Probe sequence of bin i: depends only on (seed, i, attempt), never on the set,
    // so two documents agree on where bin i borrows from.
    for (uint64_t attempt = 1;; ++attempt) {
      const uint64_t p = util::mix64(seed_ ^ (uint64_t{i} << 32) ^ attempt ^ 0x5bd1e995ull);
      const uint32_t j = util::fast_range(static_cast<uint32_t>(p >> 32), bins_);
      if (is_filled(j)) {
        out[i] = out[j];
        break;
      }
    }
  }
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
  std::vector<uint32_t> out(permutations, kEmpty);
  for (uint32_t p = 0; p < permutations; ++p) {
    const uint64_t salt = util::mix64(seed + 0x9e3779b97f4a7c15ull * (p + 1));
    for (uint64_t s : shingles) {
      out[p] = std::min(out[p], static_cast<uint32_t>(util::mix64(s ^ salt)));
    }
  }
  return out;
}

}  // namespace kindred::sketch
