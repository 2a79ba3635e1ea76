#include "sketch/shingle.h"

#include <algorithm>

#include "util/hash.h"
#include "util/sort_hashes.h"

namespace kindred::sketch {

namespace {
constexpr uint64_t kBase = 0x100000001b3ull * 2 + 1;  // odd multiplier of the polynomial
}

void shingle_hashes(std::span<const normalize::Token> tokens, uint32_t k,
                    std::vector<uint64_t>& out) {
  out.clear();
  const size_t n = tokens.size();
  if (n == 0) return;
  const size_t w = std::min<size_t>(k, n);
  out.reserve(n - w + 1);
  // H = sum t[i+j] * B^(w-1-j)  (mod 2^64); rolled forward one token at a time.
  uint64_t top = 1;  // B^(w-1)
  for (size_t j = 1; j < w; ++j) top *= kBase;
  uint64_t h = 0;
  for (size_t j = 0; j < w; ++j) h = h * kBase + tokens[j].hash;
  out.push_back(util::mix64(h ^ w));
  for (size_t i = w; i < n; ++i) {
    h = (h - tokens[i - w].hash * top) * kBase + tokens[i].hash;
    out.push_back(util::mix64(h ^ w));
  }
}

void shingle_set(std::span<const normalize::Token> tokens, uint32_t k, std::vector<uint64_t>& out) {
  shingle_hashes(tokens, k, out);
  // Scratch per thread: one allocation per thread rather than per document.
  thread_local std::vector<uint64_t> scratch;
  util::sort_unique_hashes(out, scratch);
}

}  // namespace kindred::sketch
