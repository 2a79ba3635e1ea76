// Params: every tunable of the batch pipeline, with defaults that work on news.
//
// The defaults are chosen to find abridged and lightly rewritten copies, not
// only near-identical ones: on real wire copy an abridged version can share 90%
// of its shingles with the source while their Jaccard is only 0.3, so links are
// decided on containment and LSH is tuned to propose pairs down to Jaccard ~0.2.
// PARAMS.md gives the trade-off of each value.
#pragma once

#include <cstdint>
#include <string>

#include "kindred/status.h"

namespace kindred {

struct Params {
  // --- shingling ---
  uint32_t shingle_size = 5;  ///< words per shingle (k of word k-grams)

  // --- sketch (one-permutation MinHash with optimal densification) ---
  uint32_t sketch_bins = 128;  ///< bins = the "permutations" of classic MinHash
  uint64_t seed =
      0x6b696e6472656421ull;  ///< hash seed; sketches are comparable only with equal seeds

  // --- LSH banding: candidates are pairs equal on all `rows` bins of some band ---
  uint32_t bands = 64;        ///< bands * rows must be <= sketch_bins
  uint32_t rows = 2;          ///< P(candidate | Jaccard J) = 1 - (1 - J^rows)^bands
  uint32_t max_bucket = 256;  ///< larger buckets propose a star and a chain, not all pairs

  // --- verification: computed exactly on the shingle sets of every candidate ---
  double near_duplicate = 0.8;  ///< Jaccard >= this: near_duplicate
  double contained = 0.8;       ///< containment of the smaller document >= this: contained
  double link = 0.5;            ///< max containment >= this: overlapping (weakest reported link)
  uint32_t min_shared = 5;      ///< shared shingles a non-exact link needs (guards tiny texts)

  // --- stories: independent reports of one event (see src/story/stories.h) ---
  double story_link = 0.33;      ///< story similarity for two articles to be merged first
  double story_cohesion = 0.30;  ///< mean similarity two groups of articles need to merge
  double story_window_days = 3;  ///< dates further apart than this discount the similarity

  /// Checks ranges and consistency; the message names the offending option.
  Status validate() const;
  /// "shingle:5,bins:128,lsh:64x2,near:0.8,contained:0.8,link:0.5" (for logs and outputs)
  std::string to_spec() const;
};

}  // namespace kindred
