#include "normalize/language.h"

#include <libstemmer.h>

#include <algorithm>

#include "normalize/word_set.h"
#include "util/utf8.h"

namespace kindred::normalize {

uint32_t stopword_languages(uint64_t hash);  // stopwords.cpp: bit l set for Language l

namespace {

struct LanguageInfo {
  std::string_view code;
  const char* snowball;  // libstemmer algorithm name, nullptr when none
};

constexpr std::array<LanguageInfo, kLanguageCount> kInfo = {{
    {"und", nullptr},
    {"en", "english"},
    {"fr", "french"},
    {"de", "german"},
    {"es", "spanish"},
    {"it", "italian"},
    {"pt", "portuguese"},
    {"nl", "dutch"},
    {"tr", "turkish"},
    {"ru", "russian"},
    {"ar", "arabic"},
    {"zh", nullptr},
    {"ja", nullptr},
}};

enum class Script { kOther, kLatin, kCyrillic, kArabic, kHan, kKana };

Script script_of(char32_t cp) {
  if (cp < 0x250) return Script::kLatin;  // ASCII digits count as Latin: harmless
  if (cp >= 0x400 && cp < 0x530) return Script::kCyrillic;
  if ((cp >= 0x600 && cp < 0x780) || (cp >= 0x8A0 && cp < 0x900) || (cp >= 0xFB50 && cp < 0xFE00) ||
      (cp >= 0xFE70 && cp < 0xFF00)) {
    return Script::kArabic;
  }
  if (cp >= 0x3040 && cp < 0x3100) return Script::kKana;
  if ((cp >= 0x3400 && cp < 0x4DC0) || (cp >= 0x4E00 && cp < 0xA000) ||
      (cp >= 0xF900 && cp < 0xFB00)) {
    return Script::kHan;
  }
  if (cp >= 0x1E00 && cp < 0x1F00) return Script::kLatin;  // Latin Extended Additional
  return Script::kOther;
}

// Languages told apart by their stopwords, in order of preference on a tie.
constexpr std::array<Language, 8> kLatinLanguages = {
    Language::kEnglish, Language::kFrench,     Language::kGerman, Language::kSpanish,
    Language::kItalian, Language::kPortuguese, Language::kDutch,  Language::kTurkish,
};

}  // namespace

std::string_view language_code(Language language) {
  return kInfo[static_cast<size_t>(language)].code;
}

Language language_from_code(std::string_view code) {
  for (size_t l = 1; l < kLanguageCount; ++l) {
    if (kInfo[l].code == code) return static_cast<Language>(l);
  }
  return Language::kUnknown;
}

Language identify_language(std::string_view text, std::span<const Token> tokens,
                           size_t max_tokens) {
  if (tokens.empty()) return Language::kUnknown;
  const size_t n = std::min(tokens.size(), max_tokens);
  std::array<size_t, 6> by_script{};
  std::array<size_t, kLatinLanguages.size()> hits{};
  for (size_t k = 0; k < n; ++k) {
    char32_t cp = 0;
    if (util::decode_utf8(text, tokens[k].begin, cp) == 0) continue;
    const Script s = script_of(cp);
    ++by_script[static_cast<size_t>(s)];
    if (s != Script::kLatin) continue;
    const uint32_t in = stopword_languages(tokens[k].hash);
    if (in == 0) continue;
    for (size_t l = 0; l < kLatinLanguages.size(); ++l) {
      hits[l] += (in >> static_cast<unsigned>(kLatinLanguages[l])) & 1u;
    }
  }
  // The script of most words decides, except that Japanese mixes Han and kana:
  // any real share of kana makes Han text Japanese.
  size_t best = static_cast<size_t>(Script::kLatin);
  for (size_t s = 0; s < by_script.size(); ++s) {
    if (s != static_cast<size_t>(Script::kOther) && by_script[s] > by_script[best]) best = s;
  }
  const size_t kana = by_script[static_cast<size_t>(Script::kKana)];
  const size_t han = by_script[static_cast<size_t>(Script::kHan)];
  switch (static_cast<Script>(best)) {
    case Script::kCyrillic:
      return Language::kRussian;
    case Script::kArabic:
      return Language::kArabic;
    case Script::kHan:
    case Script::kKana:
      return 4 * kana >= han ? Language::kJapanese : Language::kChinese;
    case Script::kLatin:
    case Script::kOther:
      break;
  }
  if (by_script[static_cast<size_t>(Script::kLatin)] == 0) return Language::kUnknown;
  size_t winner = 0;
  for (size_t l = 1; l < hits.size(); ++l) {
    if (hits[l] > hits[winner]) winner = l;
  }
  return kLatinLanguages[winner];  // English when no stopword hit at all
}

Stemmer::~Stemmer() {
  for (sb_stemmer* s : stemmers_) sb_stemmer_delete(s);
}

bool Stemmer::has_stemmer(Language language) {
  return kInfo[static_cast<size_t>(language)].snowball != nullptr;
}

std::string_view Stemmer::stem(Language language, std::string_view word) {
  const size_t l = static_cast<size_t>(language);
  if (kInfo[l].snowball == nullptr || word.empty()) return word;
  if (stemmers_[l] == nullptr) {
    stemmers_[l] = sb_stemmer_new(kInfo[l].snowball, "UTF_8");
    if (stemmers_[l] == nullptr) return word;  // out of memory: unstemmed is still correct
  }
  const sb_symbol* out = sb_stemmer_stem(
      stemmers_[l], reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (out == nullptr) return word;
  return {reinterpret_cast<const char*>(out), static_cast<size_t>(sb_stemmer_length(stemmers_[l]))};
}

}  // namespace kindred::normalize
