#include "align/overlap.h"

#include <algorithm>

namespace kindred::align {

namespace {

uint64_t intersect_merge(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  uint64_t shared = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    // Branch-light merge: advance both cursors by comparison results.
    const uint64_t x = a[i], y = b[j];
    shared += x == y;
    i += x <= y;
    j += y <= x;
  }
  return shared;
}

// For |small| << |large|: binary search each element in the remaining suffix.
uint64_t intersect_gallop(std::span<const uint64_t> small, std::span<const uint64_t> large) {
  uint64_t shared = 0;
  auto lo = large.begin();
  for (uint64_t x : small) {
    lo = std::lower_bound(lo, large.end(), x);
    if (lo == large.end()) break;
    shared += *lo == x;
  }
  return shared;
}

}  // namespace

Overlap overlap(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  Overlap o;
  o.size_a = a.size();
  o.size_b = b.size();
  const auto& small = a.size() <= b.size() ? a : b;
  const auto& large = a.size() <= b.size() ? b : a;
  // PERF: galloping wins once the size ratio exceeds ~16 (log2 of the larger set).
  o.shared =
      small.size() * 16 < large.size() ? intersect_gallop(small, large) : intersect_merge(a, b);
  return o;
}

}  // namespace kindred::align
