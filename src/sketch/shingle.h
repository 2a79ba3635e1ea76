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
#include "sketch/minhash.h"

namespace kindred::sketch {

// Hash of every window of `k` tokens, in text order (duplicates kept), into
// `out` (replaced). A text with fewer than k tokens but at least one yields a
// single shingle of all its tokens, so short texts still compare.
void shingle_hashes(std::span<const normalize::Token> tokens, uint32_t k,
                    std::vector<uint64_t>& out);

// shingle_hashes() and minhash.sketch() of them in one pass (the sketch
// needs no sorted or distinct input): `sketch` must hold minhash.bins() values.
// PERF: one loop instead of two keeps the multiplies of both in flight together.
void shingle_hashes_and_sketch(std::span<const normalize::Token> tokens, uint32_t k,
                               const OnePermutationMinHash& minhash, std::vector<uint64_t>& out,
                               std::span<uint32_t> sketch);

// Sorts and deduplicates shingle hashes in place (util::sort_unique_hashes).
void sort_into_set(std::vector<uint64_t>& hashes);

// The set of shingles: shingle_hashes() sorted and deduplicated
// (util::sort_unique_hashes).
void shingle_set(std::span<const normalize::Token> tokens, uint32_t k, std::vector<uint64_t>& out);

}  // namespace kindred::sketch
