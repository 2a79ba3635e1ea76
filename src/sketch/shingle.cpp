#include "sketch/shingle.h"

#include <algorithm>
#include <bit>

#include "util/hash.h"

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
  sort_unique_uniform(out, scratch);
}

void sort_unique_uniform(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch) {
  const size_t n = values.size();
  if (n < 64) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return;
  }
  // About one bucket per value, keyed by the top `bits` bits; the bucket
  // counts live in scratch after the n values.
  const int bits = std::min(16, static_cast<int>(std::bit_width(n)) - 1);
  const int shift = 64 - bits;
  const size_t buckets = size_t{1} << bits;
  scratch.resize(n + buckets + 1);
  uint64_t* start = scratch.data() + n;
  std::fill(start, start + buckets + 1, 0);
  for (uint64_t v : values) ++start[(v >> shift) + 1];
  for (size_t b = 1; b <= buckets; ++b) start[b] += start[b - 1];
  uint64_t* sorted = scratch.data();
  for (uint64_t v : values) sorted[start[v >> shift]++] = v;
  // Every value is now in its bucket's range, buckets in order: insertion sort
  // only moves values within a bucket. Crafted input could fill one bucket and
  // make that quadratic, so past a budget of moves std::sort finishes instead.
  size_t moves = 0;
  const size_t budget = 8 * n;
  for (size_t i = 1; i < n && moves <= budget; ++i) {
    const uint64_t v = sorted[i];
    size_t j = i;
    while (j > 0 && sorted[j - 1] > v) {
      sorted[j] = sorted[j - 1];
      --j;
    }
    moves += i - j;
    sorted[j] = v;
  }
  if (moves > budget) std::sort(sorted, sorted + n);
  // Copy back without duplicates.
  size_t out = 0;
  values[out++] = sorted[0];
  for (size_t i = 1; i < n; ++i) {
    if (sorted[i] != values[out - 1]) values[out++] = sorted[i];
  }
  values.resize(out);
}

}  // namespace kindred::sketch
