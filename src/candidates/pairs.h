// Candidates: the distinct document pairs that share an LSH bucket.
//
// Each band's (key, doc) entries are sorted and scanned for runs of equal keys.
// A bucket of m documents proposes all m(m-1)/2 pairs while m <= max_bucket.
// A larger bucket (boilerplate, or one text republished thousands of times)
// would make the work quadratic; it proposes a star from its first member plus
// the chain of consecutive members instead, 2m pairs that still connect every
// member to the family while each member's strongest links come from other bands.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "index/band_table.h"

namespace kindred::candidates {

struct CandidateStats {
  uint64_t pairs = 0;           ///< distinct pairs returned
  uint64_t capped_buckets = 0;  ///< buckets over max_bucket
  uint64_t largest_bucket = 0;
};

// Encodes the pair (a, b), a < b, in one integer that sorts by (a, b).
inline uint64_t pack_pair(uint32_t a, uint32_t b) {
  return (uint64_t{a} << 32) | b;
}
inline uint32_t pair_first(uint64_t p) {
  return static_cast<uint32_t>(p >> 32);
}
inline uint32_t pair_second(uint64_t p) {
  return static_cast<uint32_t>(p);
}

// All distinct candidate pairs of the table, sorted. `parallel_for_bands(count,
// body)` runs body(i) for every i in [0, count), possibly concurrently (pass a
// sequential loop to run on the calling thread); the caller chooses the
// threading. It is called twice with count = bands: once per band, then once
// per range of first documents to merge the bands' pairs.
using BandLoop = std::function<void(uint32_t bands, const std::function<void(uint32_t)>& body)>;
std::vector<uint64_t> candidate_pairs(const index::BandTable& table, uint32_t max_bucket,
                                      const BandLoop& parallel_for_bands, CandidateStats* stats);

// Sequential BandLoop, for tests and single-threaded callers.
void sequential_bands(uint32_t bands, const std::function<void(uint32_t)>& body);

}  // namespace kindred::candidates
