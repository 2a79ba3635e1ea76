// Align, part 4: every reused passage of two texts, of whatever kind, reported
// once. Runs the exact aligner (passages.h) and the rewrite aligner
// (rewrite.h) and resolves what both found:
//   - an exact passage no rewritten passage touches stays as it is (verbatim
//     when identity >= `verbatim_identity`, else edited), so verbatim reuse is
//     reported exactly as align_words() reports it;
//   - a rewritten passage whose span is mostly (>= `absorb`) covered, on both
//     sides, by the exact passages inside it is dropped: they say it better
//     (several of them are reported as one edited passage spanning them all);
//     so is one whose span on either side verbatim passages alone cover for
//     `absorb`: that side is copied, and the other side's words beyond the
//     copy have no counterpart;
//   - otherwise the rewritten passage absorbs the exact fragments it overlaps
//     on both sides (one passage spanning all of them), so a reworded passage
//     with a few verbatim runs is one passage, not a string of fragments;
//   - last, passages in the same order on both sides that follow one another
//     within `condense_gap` words on one side, while on the other they reach
//     across at least RewriteParams::summary_ratio times as many words and
//     summary_cover of that text, become one `summary` passage: a compact
//     region condensing a text sentence by sentence, which the rewrite
//     aligner's own summary test (seeds alone) can miss, would otherwise be
//     reported as a string of fragments (PAN 2013 summary granularity 1.24).
//     Verbatim passages join none (a copy is not a condensation), and the
//     summary's other side may take in no passage outside it.
// The rewrite aligner runs only when the exact passages leave at least
// `rewrite.min_words` words outside them in both texts: a rewritten passage
// needs that many words on each side, so where one text is (nearly) all
// inside exact passages, as with copies, contained copies and lightly edited
// ones, it could only restate them. This keeps copies at the exact aligner's
// cost (the passages of scan's copy links); where it runs, all of the above
// applies.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "align/passages.h"
#include "align/rewrite.h"
#include "kindred/results.h"
#include "normalize/tokenize.h"

namespace kindred::align {

struct ReuseParams {
  AlignParams exact;
  RewriteParams rewrite;
  bool rewritten = true;  ///< run the rewrite aligner (false: exact passages only)
  double verbatim_identity =
      kVerbatimIdentity;  ///< identity from which an exact passage is verbatim
  double absorb = 0.7;    ///< exact coverage of a rewritten span from which it is dropped
  /// The same for the condensing side of a summary (summaries copy phrases:
  /// only a region nearly all verbatim is not one)
  double absorb_summary = 0.8;
  /// The same for verbatim passages alone (so verbatim reuse keeps its exact ends)
  double absorb_verbatim = 0.5;
  /// Words between passages on the condensing side of a summary made of them (0: none made)
  uint32_t condense_gap = 20;
};

// One passage in token indices, with what a viewer needs to show it.
struct ReuseSpan {
  uint32_t a_begin = 0, a_end = 0;  ///< [begin, end) token indices in a
  uint32_t b_begin = 0, b_end = 0;  ///< [begin, end) token indices in b
  uint32_t matched =
      0;  ///< exact: '=' columns; else min over sides of words whose term the other span has
  double score = 0;  ///< exact: alignment score; else similar sentence pairs inside
  PassageKind kind = PassageKind::kVerbatim;
  double confidence = 1;  ///< see Passage::confidence
  /// Verbatim and edited passages: the edit script (WordAlignment::ops; for
  /// several joined, theirs with the words between as unaligned); else empty
  std::string ops;
};

// Every passage of a and b (terms: one per token, from terms_of()), sorted by
// a_begin. `text_*` and `tokens_*` are those the terms were made from.
std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  std::span<const uint64_t> terms_a, std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  std::span<const uint64_t> terms_b,
                                  const ReuseParams& params = {});

// A text's terms for the rewrite aligner, one per token (pipeline::reuse_terms
// gives stems), asked for only when the rewrite aligner runs (see above).
using TextTermsFn = std::function<std::vector<uint64_t>(std::string_view text,
                                                        std::span<const normalize::Token> tokens)>;

// The same with the terms computed by `terms` when needed; an empty function
// gives the default terms (normalised words, terms_of()).
std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  const TextTermsFn& terms, const ReuseParams& params = {});

// A text's terms for the rewrite aligner, one per token, computed by the
// caller the first time they are asked for (see the header: only when the
// rewrite aligner runs); the span must stay valid until find_reuse returns.
// A caller that aligns one text with many keeps its terms between calls.
using LazyTerms = std::function<std::span<const uint64_t>()>;

// The same with each text's terms from its own LazyTerms.
std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  const LazyTerms& terms_a, std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  const LazyTerms& terms_b, const ReuseParams& params = {});

// The same with the default terms (normalised words).
std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  const ReuseParams& params = {});

// Byte offsets and counts of a span (as to_passage() does for an exact alignment).
Passage to_passage(const ReuseSpan& s, std::span<const normalize::Token> a,
                   std::span<const normalize::Token> b);

// How much of the shorter text is reused, in [0, 1]: the words of its side of
// each passage, weighted by the passage's confidence, over its words.
double reuse_score(const std::vector<ReuseSpan>& spans, size_t words_a, size_t words_b);

// For display: per token of terms[begin, end), whether its term is absent from
// other[other_begin, other_end).
std::vector<bool> unshared(std::span<const uint64_t> terms, uint32_t begin, uint32_t end,
                           std::span<const uint64_t> other, uint32_t other_begin,
                           uint32_t other_end);

}  // namespace kindred::align
