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

  /// Checks ranges (kParamRows) and consistency; the message names the offending option.
  Status validate() const;
  /// Every parameter as option:value, in table order, the seed included:
  /// "shingle:5,bins:128,seed:7739838812307940385,bands:64,rows:2,..." (for logs and outputs)
  std::string to_spec() const;
};

// ---------------------------------------------------------------------------
// The parameter table: every list of parameters is read from it (validation,
// the spec string, the options of `kindred scan`/`index`/`compare` and of
// `kindred-dask scan`, Python's Params keywords, the live store's codec), so a
// new parameter is one field above and one row here. The defaults are the
// field initialisers above.

struct ParamRow {
  const char* name;    ///< the field, and Python's keyword: "shingle_size"
  const char* option;  ///< the command-line option without "--", and the spec key: "shingle"
  const char* help;    ///< one line for --help
  double min;          ///< smallest valid value (or, with min_exclusive, the bound above it)
  double max;          ///< largest valid value (kNoLimit: none)
  bool min_exclusive;  ///< valid values are (min, max], not [min, max]
  static constexpr double kNoLimit = 1e300;
};

// Calls f(row, member pointer) for every field of Params, in the table's order
// (which is also the order the live store writes them in: do not reorder).
template <typename F>
void for_each_param(F&& f) {
  constexpr double kNo = ParamRow::kNoLimit;
  f(ParamRow{"shingle_size", "shingle", "Words per shingle", 1, 32, false}, &Params::shingle_size);
  f(ParamRow{"sketch_bins", "bins", "MinHash sketch size (bins)", 8, 4096, false},
    &Params::sketch_bins);
  f(ParamRow{"seed", "seed", "Hash seed", 0, kNo, false}, &Params::seed);
  f(ParamRow{"bands", "bands", "LSH bands", 1, kNo, false}, &Params::bands);
  f(ParamRow{"rows", "rows", "LSH rows per band", 1, kNo, false}, &Params::rows);
  f(ParamRow{"max_bucket", "max-bucket", "LSH bucket size above which pairs are capped", 2, kNo,
             false},
    &Params::max_bucket);
  f(ParamRow{"near_duplicate", "near", "Jaccard for near_duplicate", 0, 1, true},
    &Params::near_duplicate);
  f(ParamRow{"contained", "contained", "Containment of the smaller text for contained", 0, 1, true},
    &Params::contained);
  f(ParamRow{"link", "link", "Containment (either way) for the weakest link, overlapping", 0, 1,
             true},
    &Params::link);
  f(ParamRow{"min_shared", "min-shared", "Shared shingles a non-exact link needs", 0, kNo, false},
    &Params::min_shared);
  f(ParamRow{"story_link", "story-link", "Story similarity for two articles to join first", 0, 1,
             true},
    &Params::story_link);
  f(ParamRow{"story_cohesion", "story-cohesion", "Mean similarity two groups need to merge", 0, 1,
             true},
    &Params::story_cohesion);
  f(ParamRow{"story_window_days", "story-window", "Days apart before dates discount stories", 0,
             kNo, true},
    &Params::story_window_days);
}

}  // namespace kindred
