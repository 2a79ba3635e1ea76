#include "util/sort_hashes.h"

#include <algorithm>
#include <bit>

namespace kindred::util {

void sort_unique_hashes(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch) {
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

}  // namespace kindred::util
