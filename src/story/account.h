// Story, part 3: the merged account of a story.
//
// Each fact of a story once, however each article words it, with its wordings
// (variants) and the articles that tell it, in narrative order:
//   * sentences: each member's sentences (split_sentences), their content
//     stems weighted by the story's own inverse sentence frequency,
//     isf = ln((N + background) / (sentences using the stem + 1)), counted
//     over the N distinct sentences so that copies do not make their words
//     common, and smoothed so that in a story of two short articles the words
//     they share (each in two of few sentences) still weigh about as much as
//     the others;
//   * one fact: articles are read longest first; a sentence joins the account
//     sentence whose shown wording it matches best, each account sentence
//     taking at most one sentence of an article: the same wording, an
//     isf-weighted cosine of content stems >= `same_sentence` (sharing
//     `min_shared` stems or more), or a variant of
//     the same quotation (quotations.h). Two sentences writing numbers with
//     none in common are different facts ("12 dead" / "20 dead"). Every variant
//     is judged against the shown wording, never against another variant, so
//     facts cannot chain into each other;
//   * order: an article's matched sentences whose account positions rise with
//     its own order (the longest increasing run) anchor it; what only it tells
//     goes right after the anchor it follows (before the first anchor when it
//     opens the article), so sources interleave in the order they tell things;
//   * additions: account sentences with one source are what that source adds.
// Cost: candidates are found through the rarest stems of a sentence only (a
// prefix of its stems by weight: a sentence sharing none of them cannot reach
// `same_sentence`, by Cauchy-Schwarz), at most `max_candidates` per sentence,
// plus the account sentences sharing a quotation; placing an article costs
// O(account sentences). So a story costs O(sentences x max_candidates +
// documents x account sentences), documents capped at `max_documents`.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "kindred/results.h"

namespace kindred::story {

struct AccountParams {
  double same_sentence = 0.5;    ///< isf-weighted cosine of content stems for one fact
  uint32_t min_shared = 2;       ///< content stems two wordings of one fact share, at least
  double background = 20;        ///< isf prior, in pseudo-sentences
  uint32_t min_words = 4;        ///< shorter sentences (datelines, bylines) are left out
  uint32_t max_documents = 64;   ///< articles read per story (largest first); the rest only counted
  uint32_t max_candidates = 64;  ///< account sentences compared per sentence, at most
  /// Compare every sentence with every account sentence (the naive reference
  /// for tests; the result is the same while max_candidates is not reached).
  bool exhaustive = false;
  /// Tokenise and stem each sentence alone (the reference for tests; the
  /// result is the same as taking each sentence's range of the whole text's
  /// tokens, which an ASCII text does).
  bool sentences_alone = false;
};

// `texts[d]` is document d's text; `quotations` may hold any quotations
// (those of other stories are ignored). Returns the account of `story`.
std::vector<AccountSentence> merged_account(const Story& story,
                                            std::span<const std::string_view> texts,
                                            std::span<const Quotation> quotations = {},
                                            const AccountParams& params = {});

}  // namespace kindred::story
