// Disjoint sets over 0..n-1 (union-find with path halving), for grouping
// without member lists. cluster/families.cpp keeps its own, which also tracks
// each set's members and original for the guarded union.
#pragma once

#include <cstdint>
#include <numeric>
#include <vector>

namespace kindred::util {

class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  uint32_t find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void unite(uint32_t a, uint32_t b) { parent_[find(a)] = find(b); }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace kindred::util
