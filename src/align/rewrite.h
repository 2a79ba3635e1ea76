// Align, part 3: reused passages that survive rewording, reordering and
// summarising, at sentence level. The exact aligner (passages.h) needs shared
// word n-grams; this one needs only shared words, weighted so that frequent
// words count for little.
//
// Method (our own reading of the PAN 2014 text-alignment winners, Sanchez-Perez
// et al., and of Glinos, Torrejón & Ramos):
//   1. sentences: each text is cut at sentence ends (. ! ? then whitespace) and
//      blank lines; shorter sentences than `min_sentence_words` join the next,
//      longer ones than `max_sentence_words` are cut;
//   2. weights: a term's weight is its inverse sentence frequency over the
//      sentences of BOTH texts, isf = ln(N / sf). Words found in most sentences
//      (the, of, said, ...) weigh about nothing, so no stopword list is needed
//      and no language is assumed: stopwords cannot make two sentences similar
//      by themselves;
//   3. seeds: sentence pairs whose tf-isf cosine and isf-weighted Dice both
//      reach `seed_cosine` / `seed_dice`;
//   4. extension: seeds closer than `max_gap` sentences on both sides are
//      linked (single linkage; order may differ, so moved clauses and sentences
//      still join); a cluster spans its seeds' sentences. A cluster whose two
//      spans are not similar as wholes (tf-isf cosine under `min_fragment_cosine`)
//      is split again with a smaller gap;
//   5. resolution: fragments overlapping on either side keep the better one
//      (higher cosine times words); fragments adjacent on both sides merge when
//      the merged spans stay similar;
//   6. summary: separately, seeds clustered on one side only (a compact region,
//      gap `summary_gap`), spread over the other: when they reach at least
//      `summary_cover` of the other text's sentences, the region is reported as
//      condensing that whole text (kind summary), unless most of the seeded
//      sentences of the other text (more than `summary_adjacent`) sit next to
//      another seeded one: a summary takes a point here and there, while runs
//      of consecutive seeded sentences trace one passage reused sentence by
//      sentence (step 4 reports that).
// Terms are one per token and come from the caller (terms_of()), so a stemmer
// can be put in front of the aligner without touching it.
//
// Cost: O(words) for sentences and weights, plus the shared-term postings of
// each sentence of a (at most |sentences a| x |sentences b| additions), and
// the seeds' clustering (seeds x window).
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "kindred/results.h"
#include "normalize/tokenize.h"

namespace kindred::align {

struct RewriteParams {
  uint32_t min_sentence_words = 5;    ///< a shorter sentence joins the next one
  uint32_t max_sentence_words = 60;   ///< a longer one is cut every this many words
  double seed_cosine = 0.33;          ///< tf-isf cosine of a seed's two sentences
  double seed_dice = 0.33;            ///< isf-weighted Dice of a seed's two sentences
  uint32_t max_gap = 4;               ///< sentences between two seeds that may link, each side
  double min_fragment_cosine = 0.34;  ///< tf-isf cosine of a passage's two spans as wholes
  uint32_t min_words = 15;            ///< shortest passage, in words of each side
  // A passage of one seed is a single pair of similar sentences: it needs more.
  double single_seed_cosine = 0.5;  ///< cosine a one-seed passage needs
  // Summary detection.
  uint32_t summary_gap = 3;       ///< sentences between seeds of the condensing region
  double summary_cover = 0.4;     ///< share of the condensed text's sentences its seeds span
  double summary_density = 0.05;  ///< share of them they seed, at least
  uint32_t summary_seeds = 2;     ///< distinct sentences of the condensed text seeded, at least
  /// Share of those seeded sentences next to another seeded one, at most (a
  /// summary's seeds are spread apart; runs of them are a passage's)
  double summary_adjacent = 2.0 / 3.0;
  double summary_cosine = 0.25;  ///< tf-isf cosine of the region and the whole condensed text
  double summary_ratio = 3.0;    ///< condensed text words / condensing region words, at least
  /// A region is not a summary when passages with sides balanced within
  /// `summary_balanced` (words, larger over smaller) cover `summary_explained` of it.
  double summary_explained = 0.6;
  double summary_balanced = 1.5;
};

// A sentence as tokens [begin, end).
struct Sentence {
  uint32_t begin = 0, end = 0;
};

// Sentences of a text from its tokens (see step 1 above).
std::vector<Sentence> split_sentences(std::string_view text,
                                      std::span<const normalize::Token> tokens,
                                      const RewriteParams& params = {});

// The term of one token, given its original bytes and the token. The default
// (an empty function) is the normalised word's hash (Token::hash); a stemmer
// maps the normalised word to its stem and hashes that.
using TermFn = std::function<uint64_t(std::string_view word, const normalize::Token& token)>;
std::vector<uint64_t> terms_of(std::string_view text, std::span<const normalize::Token> tokens,
                               const TermFn& term = {});

// A rewritten or summarised passage in token indices.
struct RewriteAlignment {
  uint32_t a_begin = 0, a_end = 0;             ///< [begin, end) token indices in a
  uint32_t b_begin = 0, b_end = 0;             ///< [begin, end) token indices in b
  uint32_t seeds = 0;                          ///< similar sentence pairs inside
  double cosine = 0;                           ///< tf-isf cosine of the two spans as wholes
  PassageKind kind = PassageKind::kRewritten;  ///< kRewritten or kSummary
};

struct RewriteStats {
  uint64_t sentences_a = 0, sentences_b = 0;
  uint64_t postings = 0;  ///< shared-term additions while seeding
  uint64_t seeds = 0;
};

// The seeds (step 3): every pair (sentence of a, sentence of b) similar enough,
// ordered by a then b.
std::vector<std::pair<uint32_t, uint32_t>> similar_sentences(std::span<const uint64_t> terms_a,
                                                             std::span<const Sentence> sentences_a,
                                                             std::span<const uint64_t> terms_b,
                                                             std::span<const Sentence> sentences_b,
                                                             const RewriteParams& params = {});

// Rewritten and summarised passages of two texts given as one term per token
// and their sentences; sorted by a_begin, non-overlapping on either side.
std::vector<RewriteAlignment> align_rewritten(std::span<const uint64_t> terms_a,
                                              std::span<const Sentence> sentences_a,
                                              std::span<const uint64_t> terms_b,
                                              std::span<const Sentence> sentences_b,
                                              const RewriteParams& params = {},
                                              RewriteStats* stats = nullptr);

}  // namespace kindred::align
