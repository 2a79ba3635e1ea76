// Story, part 1: per-document evidence that survives rewriting.
//
// Independent reports of one event share few word n-grams, but they share
// content words, rare names (often spelled differently: Riyadh/Riyad,
// Zelenskyy/Zelensky) and quotations (often worded differently). This file
// extracts those from a tokenised text:
//   * content terms: Snowball stems (in the text's language) of non-stopwords
//     with their counts;
//   * names: capitalised words seen capitalised mid-sentence, as phonetic-ish
//     keys so that transliteration variants meet;
//   * years and other numbers written in the text;
//   * quotations: spans between quotation marks of 4+ words, with the speaker
//     when the sentence says who spoke ("..., said X", "X said: ...").
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "normalize/language.h"
#include "normalize/tokenize.h"

namespace kindred::story {

// True for English function words and reporting verbs ("the", "said", ...),
// given a normalised word.
bool is_stopword(std::string_view normalized_word);
// The same test on the word's hash (normalize::word_hash, a Token's hash).
bool is_stopword_hash(uint64_t word_hash);

// The same test in a text of `language`: the list above or the language's own
// (normalize/language.h).
bool is_stopword_hash(normalize::Language language, uint64_t word_hash);

// The Snowball stem of a word in `language`, normalised: "negotiations" and
// "negotiating" -> "negoti"; "müzakereleri" and "müzakere" -> "muzaker".
std::string stem(std::string_view word,
                 normalize::Language language = normalize::Language::kEnglish);

// The hash of a lower-case word's stem as a quotation's bags hold it.
uint64_t stem_hash(std::string_view word,
                   normalize::Language language = normalize::Language::kEnglish);

// Hashes of the stems of every token of a text (as Quote::stems holds them),
// and, when `stop` is given, which tokens are stopwords.
std::vector<uint64_t> token_stems(std::string_view text, std::span<const normalize::Token> tokens,
                                  normalize::Language language, std::vector<char>* stop = nullptr);

// A key under which spelling variants of a name meet: 'y' read as 'i', 'x' as
// "ks", "ph" as 'f', an 'h' after a consonant or at the end dropped, doubled
// letters collapsed. "riyadh"/"riyad" -> "riad"; "zelenskyy"/"zelensky" -> "zelenski".
std::string name_key(std::string_view normalized_word);

// True when two name keys are spelling variants of one name: equal, or (for
// keys of six letters or more, where one edit is a variant and not another
// word: "riad" and "road" must stay apart) one insertion, deletion or
// substitution apart. "wrobel"/"vrobel", "zelenski"/"zelensk".
bool spelling_variants(const std::string& a, const std::string& b);

// The name key of a speaker's surname: the last word, after a space or a hyphen
// ("Sergey Lavrov" -> "lavrov", "Santos-Kahn" -> "kahn").
std::string surname_key(const std::string& speaker);

struct Quote {
  uint32_t begin = 0, end = 0;  ///< bytes of the quoted words (marks excluded)
  std::string speaker;          ///< as written ("Sergey Lavrov"); empty when unknown

  /// Hashes of the stems of all its words, sorted (a bag).
  std::span<const uint64_t> stems() const { return {bags_.data(), stems_}; }
  /// The same for its non-stopwords only.
  std::span<const uint64_t> content() const {
    return std::span<const uint64_t>(bags_).subspan(stems_);
  }
  /// Sets both bags from the stem hash of each word and whether it is a
  /// stopword (sorted here).
  void set_stems(std::span<const uint64_t> stems, std::span<const char> stop);
  /// Heap bytes the bags hold.
  size_t bag_bytes() const { return bags_.capacity() * sizeof(uint64_t); }

 private:
  // PERF: both bags in one exactly sized allocation: every document's
  // quotations are kept until the stories are found (~3.7 a document), and
  // a second vector cost 24 B and an allocation each.
  std::vector<uint64_t> bags_;  // stems, then content
  uint32_t stems_ = 0;          // the size of stems()
};

struct StoryFeatures {
  std::vector<std::pair<uint64_t, uint32_t>> terms;  ///< (stem hash, count), sorted by hash
  std::vector<std::string> names;                    ///< name keys, sorted, unique
  std::vector<Quote> quotes;
  std::optional<int64_t> time;  ///< publication time (seconds since 1970) when the date parses
  /// Calendar years the text writes (four-digit numbers 1900-2099) and the
  /// year of `time`, sorted, unique: two reports of one event name its year,
  /// two events of one kind usually happened in different years.
  std::vector<uint16_t> years;
  /// Those of `years` that date the text: in a date (a month name within three
  /// words, or year-month-day in digits), written twice, or the year of
  /// `time`. A single passing "since 2006" does not date a report.
  std::vector<uint16_t> dated_years;
  /// The days of the week the text names, bit 0 = Monday (English names).
  uint8_t weekdays = 0;
  /// Other numbers the text writes ("23", "5.6", "1,000"; two characters or
  /// more), hashed, sorted, unique: the dead, the score, the magnitude.
  std::vector<uint64_t> numbers;
  normalize::Language language =
      normalize::Language::kUnknown;  ///< identify_language() of the text
};

// `time` is the document's DocInfo::time (empty when undated).
StoryFeatures extract_features(std::string_view text, std::span<const normalize::Token> tokens,
                               std::optional<int64_t> time);

// |a ∩ b| of two sorted vectors (bags: repeated values count as often as both have them).
size_t sorted_intersection(std::span<const uint64_t> a, std::span<const uint64_t> b);

// A whole text taken as one quotation (no speaker): for matching sentences.
Quote make_quote(std::string_view text);

// Similarity of two quotations in [0, 1]: the overlap coefficient (shared /
// smaller) of their content-stem bags, capped by that of all their stems; 0
// when they share fewer than min(3, smaller) content stems. "I don't know what
// they would do at the negotiating table" and "I don't know what they have to
// do at the negotiations table" score 0.83; unrelated remarks that share "the
// whole ... relations" score 0.
double quote_similarity(const Quote& a, const Quote& b);

// Sentences of a text as byte ranges: split after . ! ? (and closing quotes)
// followed by whitespace, and at blank lines.
std::vector<std::pair<uint32_t, uint32_t>> split_sentences(std::string_view text);

}  // namespace kindred::story
