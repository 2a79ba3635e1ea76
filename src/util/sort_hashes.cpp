#include "util/sort_hashes.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace kindred::util {

void sort_unique_hashes(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch) {
  const size_t n = values.size();
  if (n < 64) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return;
  }
  // LSD radix sort on the top 8 * passes bits, enough that a group of equal
  // top bits holds 1/8 of a value on average. All histograms in one read.
  const int passes = std::min(8, (static_cast<int>(std::bit_width(n)) + 3 + 7) / 8);
  const int low_bit = 64 - 8 * passes;
  scratch.resize(n);
  uint32_t counts[8][256];
  std::memset(counts, 0, sizeof(counts[0]) * static_cast<size_t>(passes));
  if (passes == 2) {  // the common case (64 to 8,191 values), unrolled
    for (uint64_t v : values) {
      ++counts[0][(v >> 48) & 0xFF];
      ++counts[1][v >> 56];
    }
  } else {
    for (uint64_t v : values) {
      for (int p = 0; p < passes; ++p) ++counts[p][(v >> (low_bit + 8 * p)) & 0xFF];
    }
  }
  uint64_t* from = values.data();
  uint64_t* to = scratch.data();
  for (int p = 0; p < passes; ++p) {
    uint32_t sum = 0;
    for (uint32_t& c : counts[p]) {
      const uint32_t here = c;
      c = sum;
      sum += here;
    }
    const int shift = low_bit + 8 * p;
    for (size_t i = 0; i < n; ++i) to[counts[p][(from[i] >> shift) & 0xFF]++] = from[i];
    std::swap(from, to);
  }
  // Sorted on the top bits: insertion sort finishes, moving a value only
  // within its rare group of equal top bits. Crafted input could make the
  // groups large and this quadratic, so past a budget of moves std::sort
  // finishes instead.
  uint64_t* sorted = from;
  size_t moves = 0;
  const size_t budget = 4 * n;
  for (size_t i = 1; i < n && moves <= budget; ++i) {
    const uint64_t v = sorted[i];
    if (sorted[i - 1] <= v) continue;
    size_t j = i;
    while (j > 0 && sorted[j - 1] > v) {
      sorted[j] = sorted[j - 1];
      --j;
    }
    moves += i - j;
    sorted[j] = v;
  }
  if (moves > budget) std::sort(sorted, sorted + n);
  // Into `values` without duplicates.
  size_t out = 0;
  uint64_t* dst = values.data();
  dst[out++] = sorted[0];
  for (size_t i = 1; i < n; ++i) {
    dst[out] = sorted[i];
    out += sorted[i] != dst[out - 1];
  }
  values.resize(out);
}

}  // namespace kindred::util
