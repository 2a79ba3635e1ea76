// Story, candidate pairs: which units are compared at all.
//
// Comparing every pair of units is quadratic, so units are compared only
// when they share evidence that is rare enough to mean something: a unit's
// candidate features (its weightiest content stems and its names, chosen by
// the caller) go on posting lists, and two units on two or more common lists
// (or on one, when they are copies) are a candidate pair.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace kindred::story {

// Runs body(begin, end) over chunks covering [0, n), possibly concurrently:
// the caller chooses the threading. sequential_ranges runs one chunk here.
using RangeLoop = std::function<void(size_t n, const std::function<void(size_t, size_t)>& body)>;
void sequential_ranges(size_t n, const std::function<void(size_t, size_t)>& body);

// A unit pair as one key: the smaller unit in the high 32 bits.
inline uint64_t unit_pair_key(uint32_t x, uint32_t y) {
  return x < y ? (uint64_t{x} << 32) | y : (uint64_t{y} << 32) | x;
}

struct CandidateParams {
  uint32_t max_postings = 200;  ///< features on more units propose no candidates
};

// What the candidate search knows of the units 0..units-1.
struct CandidateInput {
  uint32_t units = 0;
  // Appends the candidate features of unit d to `out` (nothing for a
  // document that is not a unit). Called once per unit, from one thread.
  std::function<void(uint32_t d, std::vector<uint64_t>& out)> features;
  // Whether x and y are copies (one common feature suffices then).
  // Called concurrently.
  std::function<bool(uint64_t pair_key)> copies;
};

// The candidate unit pairs as unit_pair_key()s, sorted and distinct. The
// lists are walked through `loop`; the result does not depend on it.
std::vector<uint64_t> candidate_pairs(const CandidateInput& input, const CandidateParams& params,
                                      const RangeLoop& loop = sequential_ranges);

}  // namespace kindred::story
