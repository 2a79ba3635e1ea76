#include "normalize/tokenize.h"

#include <utf8proc.h>

#include <array>
#include <cstdlib>
#include <limits>

#include "core/check.h"
#include "util/hash.h"
#include "util/utf8.h"

namespace kindred::normalize {

namespace {

enum class CharClass : uint8_t {
  kSeparator,  // whitespace, punctuation, symbols
  kWord,       // letter, mark or digit of a spaced script
  kDigit,      // ASCII digit (a word character that also allows "3.5")
  kJoiner,     // apostrophe: joins two word characters, dropped from the normal form
  kNumberSep,  // '.' or ',': joins two digits, kept
  kIsolated,   // character of a script written without spaces: a token on its own
};

constexpr std::array<CharClass, 128> make_ascii_classes() {
  std::array<CharClass, 128> t{};
  for (auto& c : t) c = CharClass::kSeparator;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = CharClass::kWord;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = CharClass::kWord;
  for (int c = '0'; c <= '9'; ++c) t[c] = CharClass::kDigit;
  t['\''] = CharClass::kJoiner;
  t['.'] = CharClass::kNumberSep;
  t[','] = CharClass::kNumberSep;
  return t;
}
constexpr auto kAsciiClasses = make_ascii_classes();

bool is_unspaced_script(char32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||    // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||    // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) ||    // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) ||    // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||    // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||    // CJK unified ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||    // CJK compatibility ideographs
         (cp >= 0x20000 && cp <= 0x3FFFF);    // CJK extensions B and later
}

CharClass classify_non_ascii(char32_t cp) {
  if (cp == 0x2019 || cp == 0x02BC || cp == 0xFF07) return CharClass::kJoiner;  // ’ ʼ ＇
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return is_unspaced_script(cp) ? CharClass::kIsolated : CharClass::kWord;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return is_unspaced_script(cp) ? CharClass::kIsolated : CharClass::kWord;
    case UTF8PROC_CATEGORY_ND:
      return CharClass::kDigit;
    case UTF8PROC_CATEGORY_CF:
      // Soft hyphen, zero-width (non-)joiners: invisible inside words.
      return CharClass::kJoiner;
    default:
      return CharClass::kSeparator;
  }
}

struct Decoded {
  CharClass cls;
  int length;  // bytes; 1 for an invalid byte
};

Decoded decode_at(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {kAsciiClasses[c], 1};
  char32_t cp;
  const int n = util::decode_utf8(text, i, cp);
  if (n == 0) return {CharClass::kSeparator, 1};
  return {classify_non_ascii(cp), n};
}

bool is_word_class(CharClass c) { return c == CharClass::kWord || c == CharClass::kDigit; }

constexpr utf8proc_option_t kNormalizeOptions = static_cast<utf8proc_option_t>(
    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
    UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);

// Normalises the raw bytes of one word (joiners already removed) into `out`.
void normalize_into(std::string_view raw, bool ascii, std::string& out) {
  out.clear();
  if (ascii) {
    // PERF: the ASCII fast path avoids utf8proc's allocation for most English words.
    for (char ch : raw) out.push_back((ch >= 'A' && ch <= 'Z') ? char(ch + 32) : ch);
    return;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()),
                              static_cast<utf8proc_ssize_t>(raw.size()), &mapped,
                              kNormalizeOptions);
  if (n < 0) {  // cannot happen on valid UTF-8; keep the raw bytes rather than lose the word
    out.assign(raw);
    return;
  }
  out.assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
}

}  // namespace

uint64_t word_hash(std::string_view normalized_word) {
  return util::hash_bytes(normalized_word, 0x776f7264ull);
}

void tokenize(std::string_view text, std::vector<Token>& out) {
  KINDRED_CHECK(text.size() < std::numeric_limits<uint32_t>::max(), "text over 4 GiB");
  out.clear();
  std::string raw;   // the word's bytes without joiners
  std::string norm;  // its normal form
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    Decoded d = decode_at(text, i);
    if (d.cls == CharClass::kIsolated) {
      normalize_into(text.substr(i, static_cast<size_t>(d.length)), false, norm);
      if (!norm.empty()) {
        out.push_back({uint32_t(i), uint32_t(i + static_cast<size_t>(d.length)), word_hash(norm)});
      }
      i += static_cast<size_t>(d.length);
      continue;
    }
    if (!is_word_class(d.cls)) {
      i += static_cast<size_t>(d.length);
      continue;
    }
    // A word starts at i: extend while word characters, or a joiner between two.
    const size_t begin = i;
    raw.clear();
    bool ascii = true;
    CharClass prev = d.cls;
    while (i < n) {
      d = decode_at(text, i);
      const auto len = static_cast<size_t>(d.length);
      if (is_word_class(d.cls)) {
        if (len > 1) ascii = false;
        raw.append(text, i, len);
        prev = d.cls;
        i += len;
        continue;
      }
      if (d.cls == CharClass::kJoiner || d.cls == CharClass::kNumberSep) {
        if (i + len >= n) break;
        const Decoded next = decode_at(text, i + len);
        const bool joins = d.cls == CharClass::kJoiner
                               ? is_word_class(next.cls)
                               : prev == CharClass::kDigit && next.cls == CharClass::kDigit;
        if (!joins) break;
        if (d.cls == CharClass::kNumberSep) raw.append(text, i, len);
        i += len;
        continue;
      }
      break;
    }
    normalize_into(raw, ascii, norm);
    if (!norm.empty()) out.push_back({uint32_t(begin), uint32_t(i), word_hash(norm)});
  }
}

std::string normalize_word(std::string_view word) {
  std::string raw;
  bool ascii = true;
  for (size_t i = 0; i < word.size();) {
    Decoded d = decode_at(word, i);
    const auto len = static_cast<size_t>(d.length);
    if (d.cls != CharClass::kJoiner && d.cls != CharClass::kSeparator) {
      if (len > 1) ascii = false;
      raw.append(word, i, len);
    }
    i += len;
  }
  std::string norm;
  normalize_into(raw, ascii, norm);
  return norm;
}

uint64_t sequence_fingerprint(const std::vector<Token>& tokens) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ tokens.size();
  for (const Token& t : tokens) h = util::mix64(h ^ t.hash) + 0x632be59bd9b4e019ull;
  return h;
}

}  // namespace kindred::normalize
