// Sketch, part 2: MinHash signatures of shingle sets.
//
// The production sketch is one-permutation MinHash (Li, Owen & Zhang 2012):
// each shingle is hashed once, falls into one of `bins` bins, and each bin
// keeps its minimum. Empty bins (short texts) are filled by optimal
// densification (Shrivastava 2017): bin i borrows the value of the first
// non-empty bin on its own pseudo-random probe sequence, so equal sets get equal
// sketches and P[sketch_a[i] == sketch_b[i]] stays ~ Jaccard(a, b). It costs one
// hash per shingle instead of one per shingle and permutation.
//
// classic_minhash() is the textbook k-permutation version, kept as the
// reference the tests compare the estimator against.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace kindred::sketch {

class OnePermutationMinHash {
 public:
  OnePermutationMinHash(uint32_t bins, uint64_t seed);

  uint32_t bins() const { return bins_; }

  // Writes the sketch of `shingles` (any order, duplicates allowed) into `out`,
  // which must hold bins() values. An empty set gives an all-0xFFFFFFFF sketch.
  // Thread-safe: const and allocation-free.
  void sketch(std::span<const uint64_t> shingles, std::span<uint32_t> out) const;

 private:
  uint32_t bins_;
  uint64_t seed_;
};

// Fraction of equal positions: the MinHash estimate of Jaccard similarity.
double estimate_jaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

// Reference: `permutations` independent hash functions, minimum of each.
std::vector<uint32_t> classic_minhash(std::span<const uint64_t> shingles, uint32_t permutations,
                                      uint64_t seed);

}  // namespace kindred::sketch
