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

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/check.h"
#include "util/hash.h"

namespace kindred::sketch {

class OnePermutationMinHash {
 public:
  static constexpr uint32_t kMaxBins = 4096;
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;  ///< an empty bin, before densification

  OnePermutationMinHash(uint32_t bins, uint64_t seed);

  uint32_t bins() const { return bins_; }

  // Writes the sketch of `shingles` (any order, duplicates allowed) into `out`,
  // which must hold bins() values. An empty set gives an all-0xFFFFFFFF sketch.
  // Thread-safe: const and allocation-free.
  void sketch(std::span<const uint64_t> shingles, std::span<uint32_t> out) const;

  // sketch() one shingle at a time, for loops that make shingles on the fly
  // (sketch::shingle_hashes_and_sketch): construct over `out` (bins() values),
  // add() each shingle, then finish(). The result equals sketch() of the same
  // shingles, which is written this way.
  class Builder {
   public:
    Builder(const OnePermutationMinHash& hasher, std::span<uint32_t> out)
        : out_(out.data()), bins_(hasher.bins_), seed_(hasher.seed_) {
      KINDRED_CHECK(out.size() == bins_, "sketch output has the wrong size");
      std::fill(out.begin(), out.end(), kEmpty);
    }
    void add(uint64_t shingle) {
      const uint64_t g = util::mix64(shingle ^ seed_);
      const uint32_t bin = util::fast_range(static_cast<uint32_t>(g >> 32), bins_);
      const auto value = static_cast<uint32_t>(g);
      out_[bin] = std::min(out_[bin], value);  // a store every time: a branch here mispredicts
      filled_[bin >> 6] |= uint64_t{1} << (bin & 63);
      any_ = true;
    }
    // Fills empty bins by densification; an empty set leaves all 0xFFFFFFFF.
    // Inline, like add(): the builder then never escapes its caller, so the
    // compiler keeps its fields out of the way of the caller's stores.
    void finish() {
      if (!any_) return;
      auto is_filled = [&](uint32_t b) { return (filled_[b >> 6] >> (b & 63)) & 1; };
      for (uint32_t i = 0; i < bins_; ++i) {
        if (is_filled(i)) continue;
        // Probe sequence of bin i: depends only on (seed, i, attempt), never on
        // the set, so two documents agree on where bin i borrows from.
        for (uint64_t attempt = 1;; ++attempt) {
          const uint64_t p = util::mix64(seed_ ^ (uint64_t{i} << 32) ^ attempt ^ 0x5bd1e995ull);
          const uint32_t j = util::fast_range(static_cast<uint32_t>(p >> 32), bins_);
          if (is_filled(j)) {
            out_[i] = out_[j];
            break;
          }
        }
      }
    }

   private:
    uint32_t* out_;
    uint32_t bins_;
    uint64_t seed_;
    bool any_ = false;
    // A separate occupancy bitmap: a bin's true minimum may itself be 0xFFFFFFFF.
    uint64_t filled_[kMaxBins / 64] = {};
  };

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
