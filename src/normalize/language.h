// Normalize: the language of a text, its stopwords and its Snowball stems.
//
// Later stages weigh words by what they say about a text: function words say
// nothing, and inflected forms of one word ("négociations", "négocier") should
// count as one. Both depend on the language, so a text's language is
// identified first, cheaply, from what tokenize() already produced:
//   * by script for the scripts that name one language here (Arabic, Cyrillic
//     read as Russian, Han as Chinese, kana as Japanese);
//   * for Latin script, by which language's stopword list the first few
//     hundred words hit most (function words are the most frequent words of
//     every language, and the lists below barely overlap in their frequent
//     members). Text with no evidence is taken as English.
// Stopword lists were written for this project, in natural spelling, and are
// compared after normalize_word(), so "für" and "fur", "için" and "icin" match.
// Stems come from Snowball (libstemmer), applied to normalised words.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "normalize/tokenize.h"

struct sb_stemmer;

namespace kindred::normalize {

enum class Language : uint8_t {
  kUnknown = 0,
  kEnglish,
  kFrench,
  kGerman,
  kSpanish,
  kItalian,
  kPortuguese,
  kDutch,
  kTurkish,
  kRussian,
  kArabic,
  kChinese,
  kJapanese,
};
inline constexpr size_t kLanguageCount = 13;

// ISO 639-1 code ("en", "tr", ...); "und" for kUnknown.
std::string_view language_code(Language language);
// The inverse of language_code(); kUnknown for a code not listed.
Language language_from_code(std::string_view code);

// The language of a tokenised text, from its first `max_tokens` tokens (see
// the file comment). kUnknown only when the text has no word at all.
Language identify_language(std::string_view text, std::span<const Token> tokens,
                           size_t max_tokens = 200);

// True for a function word of `language`, given its normalised form or its
// hash (word_hash, a Token's hash). kUnknown has no stopwords.
bool is_stopword(Language language, uint64_t word_hash);
bool is_stopword(Language language, std::string_view normalized_word);

// Snowball stemmers, one per language, created on first use.
// Thread-safety: none (a Snowball stemmer keeps its working state in the
// object); use one Stemmer per thread.
class Stemmer {
 public:
  Stemmer() = default;
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // The stem of a normalised word. Languages without a Snowball stemmer
  // (Chinese, Japanese: their words are already split by the tokeniser) and
  // kUnknown return the word itself. The view is valid until the next call.
  std::string_view stem(Language language, std::string_view normalized_word);

  // True when `language` has a Snowball stemmer.
  static bool has_stemmer(Language language);

 private:
  std::array<sb_stemmer*, kLanguageCount> stemmers_{};
};

}  // namespace kindred::normalize
