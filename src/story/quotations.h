// Story, part 2b: the quotations of a story, each one record across articles.
//
// Quotes of a story's members are grouped into one Quotation when
//   * their words are the same (quote_similarity >= same_words), whatever the
//     articles say about who spoke: the record then lists every attribution;
//   * reworded (>= match), when no two named speakers differ;
//   * paraphrased or re-translated by one named speaker (spelling variants of
//     the surname are one speaker): >= same_speaker;
//   * re-translated so freely that single quotes share almost no word: a
//     speaker's turn (their quotes standing one after the other) in one article
//     and the same speaker's turn in another are compared as wholes; when each
//     is the other's best match among that speaker's turns and they share
//     enough content words, their quotes are aligned in order. In English a
//     word the other turn says with a synonym counts as shared (WordNet,
//     story/synonyms.h).
// Identical quotes (copies) are collapsed before comparing, and only quotes
// sharing a content stem are compared, so a story of many copies costs about
// its distinct quotes times the quotes sharing their words.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kindred/results.h"
#include "story/candidates.h"
#include "story/features.h"

namespace kindred::story {

struct QuotationParams {
  double match = 0.6;             ///< quote_similarity for two quotations to be one
  double same_words = 0.9;        ///< ... whatever their attributions say
  double same_speaker = 1.0 / 3;  ///< ... when one named speaker says both
  double turn_overlap = 0.25;     ///< content-stem overlap (shared / smaller) of two turns
  uint32_t turn_shared = 2;       ///< content stems two turns must share, at least
  uint32_t turn_gap_bytes = 160;  ///< most bytes between two quotes of one turn
  uint32_t max_postings = 256;    ///< quotes read per content stem when finding candidates
};

// The quotations of each story, numbered in story order; each story's ordered
// by first variant (document, then byte). The stories are processed through
// `loop` (story/candidates.h); the result does not depend on it.
std::vector<Quotation> story_quotations(std::span<const StoryFeatures> docs,
                                        std::span<const Story> stories,
                                        const QuotationParams& params = {},
                                        const RangeLoop& loop = sequential_ranges);

}  // namespace kindred::story
