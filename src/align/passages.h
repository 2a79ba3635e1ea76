// Align, part 2: the reused passages of two texts, with offsets.
//
// Seed, chain, extend, in the spirit of BLAST and passim, over words rather
// than letters (a word is a token's normalised hash, so case, accents, curly or
// straight quotes and every kind of dash are already equal):
//   1. seeds: word n-grams (`seed_words`) shared by both texts; the shorter
//      text is indexed, and n-grams found more than `max_seed_occurrences`
//      times in either text (boilerplate) seed nothing;
//   2. runs: seeds on one diagonal (b index - a index) that touch or overlap;
//   3. regions: runs linked when the later one starts after the earlier one on
//      both sides, within `max_gap` words of its end, on a diagonal at most
//      `max_gap` away; a region is a group of linked runs;
//   4. a region is a band of cells: each row (word of a) covers `band` words
//      either side of the diagonals of the runs reaching it (each run is
//      extended both ways, ungapped, until its score falls `x_drop` below its
//      best), and the whole gap between two linked runs. Local alignment
//      (Smith-Waterman, linear gaps) is computed over the band;
//   5. passages are taken best first over all regions (highest score, then
//      the earliest end in a, then in b): the best local alignment is traced
//      back, its words are masked on both sides, the bands it touches are
//      brought up to date, and so on until no alignment scores `min_score`.
// Step 5 is exactly the repeated Smith-Waterman of the brute-force reference in
// tests/unit/align/passages_naive_test.cpp ("best local alignment, mask,
// repeat"), restricted to the bands. Out of reach by design: a passage without
// a shared n-gram, and the joining of two passages separated by more than
// `max_gap` unshared words on either side (they come out as two passages).
// On random edited copies the two agree exactly in more than 99.9% of cases;
// the rest differ by a word or two where a path leaves a band (that test
// states the tolerance).
//
// Cost: O((n + m) log n) for the seeds, then the band cells: about
// len * (2 * band + 1) per region of len words, plus the gaps inside it.
// Masking a passage recomputes band rows only from the first cell it touches
// until a row comes out unchanged, so taking k passages from one long region
// does not cost k passes over it. Text repeated up to max_seed_occurrences
// times in both documents costs up to that many bands per repeat.
//
// Thread-safety: free functions without shared state; call them from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/results.h"
#include "normalize/tokenize.h"

namespace kindred::align {

struct AlignParams {
  uint32_t seed_words = 3;             ///< words per seed n-gram
  uint32_t max_seed_occurrences = 50;  ///< n-grams seen more often in either text seed nothing
  uint32_t max_gap = 32;  ///< unshared words between two runs (on either side) a passage may bridge
  uint32_t band = 8;      ///< words each band row reaches either side of a run's diagonal
  // Scoring, per word. A passage of k verbatim words scores k * match.
  int32_t match = 2;      ///< equal words
  int32_t mismatch = -3;  ///< a word replaced by another
  int32_t gap = -2;       ///< a word present on one side only (linear gap cost)
  int32_t x_drop = 12;    ///< a run's ungapped extension stops this far below its best score
  // Which local alignments become passages.
  int32_t min_score = 12;     ///< the search stops below this score
  uint32_t min_words = 8;     ///< shortest passage reported, in matched words
  double min_identity = 0.5;  ///< matched_words / max(a_words, b_words) of a reported passage
};

// One local alignment in word (token) indices, with its edit script.
struct WordAlignment {
  uint32_t a_begin = 0, a_end = 0;  ///< [begin, end) token indices in a
  uint32_t b_begin = 0, b_end = 0;  ///< [begin, end) token indices in b
  uint32_t matched = 0;             ///< '=' columns
  int32_t score = 0;
  /// One character per alignment column, first to last: '=' equal words,
  /// 'x' a word of a replaced by a word of b, 'a' a word of a only, 'b' a word of b only.
  /// Starts and ends with '=' (a local alignment is trimmed to matched ends).
  std::string ops;
};

// Work done by one call (for tests and benchmarks).
struct AlignStats {
  uint64_t seeds = 0;    ///< shared n-gram occurrences (pairs of positions)
  uint64_t runs = 0;     ///< seeds merged along diagonals
  uint64_t regions = 0;  ///< chains of runs, each a band
  uint64_t cells = 0;    ///< band cells computed, recomputations included
};

// The aligned reused passages of two word-hash sequences (Token::hash of each
// token), taken best first and returned sorted by a_begin; they do not overlap
// on either side. Only alignments passing min_score, min_words and
// min_identity are returned. `stats`, when given, receives the work done.
std::vector<WordAlignment> align_words(std::span<const uint64_t> a, std::span<const uint64_t> b,
                                       const AlignParams& params = {}, AlignStats* stats = nullptr);

// Identity from which an aligned passage is verbatim rather than edited.
inline constexpr double kVerbatimIdentity = 0.95;

// The passage of an alignment: token indices become byte offsets into the
// original texts (begin of the first token, end of the last); its kind is
// verbatim or edited (by kVerbatimIdentity) and its confidence its identity.
Passage to_passage(const WordAlignment& w, std::span<const normalize::Token> a,
                   std::span<const normalize::Token> b);

// Aligned reused passages between two texts (tokens from normalize::tokenize
// of each), sorted by a_begin, non-overlapping on each side. Offsets are bytes
// of text_a and text_b; the texts are only used to check that the tokens lie
// inside them (tokens carry all that is needed).
std::vector<Passage> align_passages(std::string_view text_a, std::span<const normalize::Token> a,
                                    std::string_view text_b, std::span<const normalize::Token> b,
                                    const AlignParams& params = {});

}  // namespace kindred::align
