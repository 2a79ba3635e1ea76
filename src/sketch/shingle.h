// Sketch, part 1: word shingles.
//
// A shingle is a window of k consecutive tokens. Its 64-bit hash is a rolling
// polynomial over the tokens' word hashes, finished with a bijective mix, so
// each window costs O(1) whatever k is.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "normalize/tokenize.h"

namespace kindred::sketch {

// Hash of every window of `k` tokens, in text order (duplicates kept), into
// `out` (replaced). A text with fewer than k tokens but at least one yields a
// single shingle of all its tokens, so short texts still compare.
void shingle_hashes(std::span<const normalize::Token> tokens, uint32_t k,
                    std::vector<uint64_t>& out);

// The set of shingles: shingle_hashes() sorted and deduplicated.
void shingle_set(std::span<const normalize::Token> tokens, uint32_t k, std::vector<uint64_t>& out);

// Sorts and deduplicates `values` in place. Shingle hashes are uniform, so a
// counting sort on their top bits puts each value within a few places of its
// final one, and one insertion-sort pass finishes: O(n) where std::sort is
// O(n log n) (it was 45% of sketching). Any input is sorted correctly, and
// input crafted to crowd one bucket falls back to std::sort rather than going
// quadratic. `scratch` is reused memory.
void sort_unique_uniform(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch);

}  // namespace kindred::sketch
