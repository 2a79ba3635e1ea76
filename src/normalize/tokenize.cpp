#include "normalize/tokenize.h"

#include <utf8proc.h>

#include "kindred/version.h"  // KINDRED_HAVE_ICU
#if KINDRED_HAVE_ICU
#include <unicode/ubrk.h>
#else
// Built without ICU (-DKINDRED_USE_ICU=OFF): a run of an unspaced script
// becomes one token per character, as when ICU has no data.
using UChar = char16_t;
#endif

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

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
  kUnspaced,   // letter or mark of a script written without spaces: words found by ICU
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

__extension__ using uint128 = unsigned __int128;

// Masks keeping the first `len` bytes of the low and high 8-byte halves.
constexpr std::array<uint64_t, 17> make_half_masks(bool high) {
  std::array<uint64_t, 17> m{};
  for (size_t len = 0; len <= 16; ++len) {
    const size_t bytes = high ? (len > 8 ? len - 8 : 0) : (len < 8 ? len : 8);
    m[len] = bytes == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * bytes)) - 1;
  }
  return m;
}
constexpr auto kLowMask = make_half_masks(false);
constexpr auto kHighMask = make_half_masks(true);

// The hash of a word of len <= 16 bytes at p, where 16 bytes are readable
// (what lies past the word is masked off). No branch depends on the length:
// word lengths vary too much for a branch predictor.
// `lo` and `hi` are the 16 bytes as two little-endian halves.
inline uint64_t short_word_hash(uint64_t lo, uint64_t hi, size_t len) {
  lo &= kLowMask[len];
  hi &= kHighMask[len];
  const uint128 m =
      uint128{lo ^ 0x9e3779b97f4a7c15ull} * (hi ^ 0xc2b2ae3d27d4eb4full ^ (uint64_t{len} << 32));
  uint64_t h = static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 32);
}

inline uint64_t short_word_hash(const char* p, size_t len) {
  uint64_t lo, hi;
  std::memcpy(&lo, p, 8);
  std::memcpy(&hi, p + 8, 8);
  return short_word_hash(lo, hi, len);
}

// Hash of a normal form held in a buffer with at least 16 readable bytes.
inline uint64_t padded_word_hash(const char* p, size_t len) {
  return len <= 16 ? short_word_hash(p, len) : util::hash_bytes({p, len}, 0x776f7264ull);
}

bool is_unspaced_script(char32_t cp) {
  return (cp >= 0x0E00 && cp <= 0x0EFF) ||  // Thai, Lao
         (cp >= 0x1000 && cp <= 0x109F) ||  // Myanmar
         (cp >= 0x1780 && cp <= 0x17FF) ||  // Khmer
         (cp >= 0x3040 && cp <= 0x30FF) ||  // Hiragana, Katakana
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK unified ideographs
         (cp >= 0xF900 && cp <= 0xFAFF) ||  // CJK compatibility ideographs
         (cp >= 0x20000 && cp <= 0x3FFFF);  // CJK extensions B and later
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
      return is_unspaced_script(cp) ? CharClass::kUnspaced : CharClass::kWord;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return is_unspaced_script(cp) ? CharClass::kUnspaced : CharClass::kWord;
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

bool is_word_class(CharClass c) {
  return c == CharClass::kWord || c == CharClass::kDigit;
}

constexpr utf8proc_option_t kNormalizeOptions =
    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                                   UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);

// Letter foldings after NFKC, case folding and mark stripping (which already
// turn İ into i, ё into е and أ إ آ into ا). Each pair would otherwise split a
// word in two spellings that real copies mix:
//   ı (dotless i)   -> i   Turkish: ISTANBUL, İstanbul and istanbul alike
//   ـ (tatweel)      -> removed   Arabic elongation, pure typography
//   ٱ (alef wasla)   -> ا
//   ى (alef maqsura) -> ي   often written for final yeh (Egypt) and back
//   ة (teh marbuta)  -> ه   often written without its dots
//   ی ک (Persian)     -> ي ك   same letters from Persian keyboards
//   ٠-٩ ۰-۹ (Arabic-Indic digits) -> 0-9
// Only non-ASCII words reach this, and only a few code points change, so the
// rewrite is done in place when nothing matches.
void fold_letters(std::string& s) {
  bool any = false;
  for (size_t i = 0; i + 1 < s.size() && !any; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    any = c == 0xC4 || (c >= 0xD8 && c <= 0xDB);
  }
  if (!any) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    const int len = util::decode_utf8(s, i, cp);
    if (len == 0) {
      out += s[i++];
      continue;
    }
    i += static_cast<size_t>(len);
    switch (cp) {
      case 0x0131:
        cp = U'i';
        break;
      case 0x0640:
        continue;
      case 0x0671:
        cp = 0x0627;
        break;
      case 0x0649:
        cp = 0x064A;
        break;
      case 0x0629:
        cp = 0x0647;
        break;
      case 0x06CC:
        cp = 0x064A;
        break;
      case 0x06A9:
        cp = 0x0643;
        break;
      default:
        if (cp >= 0x0660 && cp <= 0x0669) cp = U'0' + (cp - 0x0660);
        if (cp >= 0x06F0 && cp <= 0x06F9) cp = U'0' + (cp - 0x06F0);
        break;
    }
    util::append_utf8(out, cp);
  }
  s = std::move(out);
}

// Normalises the raw bytes of one word (joiners already removed) into `out`.
void normalize_into(std::string_view raw, bool ascii, std::string& out) {
  out.clear();
  if (ascii) {
    // PERF: the ASCII fast path avoids utf8proc's allocation for most English words.
    for (char ch : raw) out.push_back((ch >= 'A' && ch <= 'Z') ? char(ch + 32) : ch);
    return;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const auto n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()),
                   static_cast<utf8proc_ssize_t>(raw.size()), &mapped, kNormalizeOptions);
  if (n < 0) {  // cannot happen on valid UTF-8; keep the raw bytes rather than lose the word
    out.assign(raw);
    return;
  }
  out.assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  std::free(mapped);
  fold_letters(out);
}

#if KINDRED_HAVE_ICU
struct BreakIteratorCloser {
  void operator()(UBreakIterator* it) const { ubrk_close(it); }
};

// ICU's word break iterator for this thread, or null when ICU cannot open one
// (no data). Opening one loads the rules and dictionaries (~100 us the first
// time, a few us after); setting new text is cheap, so each thread keeps one.
// It holds no state between calls that matters: every use sets its text.
UBreakIterator* word_breaker() {
  thread_local std::unique_ptr<UBreakIterator, BreakIteratorCloser> it = [] {
    UErrorCode err = U_ZERO_ERROR;
    UBreakIterator* bi = ubrk_open(UBRK_WORD, "", nullptr, 0, &err);
    if (U_FAILURE(err)) bi = nullptr;
    return std::unique_ptr<UBreakIterator, BreakIteratorCloser>(bi);
  }();
  return it.get();
}

#endif

// Longest run handed to ICU at once, in UTF-16 units (ICU counts in int32_t;
// a cut inside a run only splits one word).
constexpr size_t kMaxSegmentUnits = size_t{1} << 20;

// Appends the words of `run`, a stretch of unspaced-script letters starting at
// byte `base` of the text, as found by ICU's dictionary-based word break.
class Segmenter {
 public:
  void words(std::string_view run, size_t base, std::vector<Token>& out) {
    size_t start = 0;
    while (start < run.size()) {
      units_.clear();
      offsets_.clear();
      size_t i = start;
      while (i < run.size() && units_.size() < kMaxSegmentUnits) {
        char32_t cp;
        int len = util::decode_utf8(run, i, cp);
        if (len == 0) len = 1;  // cannot happen: the run was decoded before
        const auto at = static_cast<uint32_t>(i);
        if (cp >= 0x10000) {
          units_.push_back(static_cast<UChar>(0xD800 + ((cp - 0x10000) >> 10)));
          offsets_.push_back(at);
          units_.push_back(static_cast<UChar>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        } else {
          units_.push_back(static_cast<UChar>(cp));
        }
        offsets_.push_back(at);
        i += static_cast<size_t>(len);
      }
      offsets_.push_back(static_cast<uint32_t>(i));
      segment(run, base, out);
      start = i;
    }
  }

 private:
  void emit(std::string_view run, size_t base, size_t b, size_t e, std::vector<Token>& out) {
    normalize_into(run.substr(b, e - b), false, norm_);
    if (!norm_.empty()) out.push_back({uint32_t(base + b), uint32_t(base + e), word_hash(norm_)});
  }

  void segment(std::string_view run, size_t base, std::vector<Token>& out) {
#if KINDRED_HAVE_ICU
    if (icu_segment(run, base, out)) return;
#endif
    // No ICU data: one token per character, as before segmentation existed.
    for (size_t u = 0; u + 1 < offsets_.size(); ++u) {
      if (offsets_[u] != offsets_[u + 1]) emit(run, base, offsets_[u], offsets_[u + 1], out);
    }
  }

#if KINDRED_HAVE_ICU
  // False when ICU cannot segment (no data); nothing was emitted then.
  bool icu_segment(std::string_view run, size_t base, std::vector<Token>& out) {
    UBreakIterator* bi = word_breaker();
    UErrorCode err = U_ZERO_ERROR;
    if (bi != nullptr) ubrk_setText(bi, units_.data(), static_cast<int32_t>(units_.size()), &err);
    if (bi == nullptr || U_FAILURE(err)) return false;
    int32_t prev = ubrk_first(bi);
    for (int32_t next = ubrk_next(bi); next != UBRK_DONE; prev = next, next = ubrk_next(bi)) {
      const size_t b = offsets_[static_cast<size_t>(prev)];
      const size_t e = offsets_[static_cast<size_t>(next)];
      if (e > b) emit(run, base, b, e, out);
    }
    ubrk_setText(bi, nullptr, 0, &err);  // drop the pointer to units_
    return true;
  }
#endif

  std::vector<UChar> units_;
  std::vector<uint32_t> offsets_;  // byte offset in the run of each unit, and of the end
  std::string norm_;
};

}  // namespace

namespace {

// Room for the normal form of one ASCII word on the fast path; longer words
// (rare outside junk) take the general path.
constexpr size_t kAsciiWordRoom = 256;

bool is_ascii_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (static_cast<unsigned char>(c | 0x20) >= 'a' &&
                                    static_cast<unsigned char>(c | 0x20) <= 'z');
}

#if defined(__SSE2__)
// Byte masks (0xFF or 0) of the 16 bytes in `v` that are ASCII letters, and
// that are ASCII digits. Signed compares: bytes >= 0x80 are negative, so never
// letters or digits. OR-ing 0x20 lower-cases a letter.
__m128i ascii_letters(__m128i v) {
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  return _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                       _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
}
__m128i ascii_digits(__m128i v) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                       _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
}
#endif

// Writes the lower-case form of the run of ASCII letters and digits at `src`
// (at most `avail` bytes) to `dst` and returns its length, stopping at `room`.
// `plain_end` tells that the run ended at an ASCII byte that cannot continue
// a word (a space, a quote), which spares the caller looking at it.
// OR-ing 0x20 lower-cases a letter and leaves a digit alone. The SSE2 loop
// does 16 bytes per step (it may write up to 16 bytes past the run, within
// `room`); the scalar loop is its reference and finishes the tail.
size_t ascii_alnum_run(const unsigned char* src, size_t avail, char* dst, size_t room,
                       bool& plain_end) {
  size_t k = 0;
  plain_end = false;
#if defined(__SSE2__)
  const __m128i case_bit = _mm_set1_epi8(0x20);
  while (k + 16 <= avail && k + 16 <= room) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k));
    const __m128i lower = _mm_or_si128(v, case_bit);
    const auto word =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ascii_letters(v), ascii_digits(v))));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + k), lower);
    if (word != 0xFFFFu) {
      // Bytes that may continue the word: apostrophe, '.', ',', non-ASCII.
      const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                                        _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                                           _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                                                        _mm_cmplt_epi8(v, _mm_setzero_si128())));
      const auto run = static_cast<unsigned>(std::countr_one(word));
      plain_end = ((static_cast<unsigned>(_mm_movemask_epi8(special)) >> run) & 1u) == 0;
      return k + run;
    }
    k += 16;
  }
#endif
  while (k < avail && k < room && is_ascii_alnum(src[k])) {
    dst[k] = static_cast<char>(src[k] | 0x20);
    ++k;
  }
  return k;
}

#if defined(__SSE2__)
// Bitmask of the bytes at p[0..16) that are ASCII letters or digits, or not ASCII.
unsigned word_or_non_ascii_mask(const unsigned char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i non_ascii = _mm_cmplt_epi8(v, _mm_setzero_si128());
  return static_cast<unsigned>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ascii_letters(v), ascii_digits(v)), non_ascii)));
}
#endif

#if defined(__SSE2__)
// Block path: the 64 bytes at p as bitmasks (bit k = byte k) of the bytes
// that are ASCII letters or digits (`word`) and of those that could make a
// word end differently than at its last letter or digit (`undecided`):
// non-ASCII bytes, apostrophes, and '.' or ',' after a digit.
struct BlockMasks {
  uint64_t word = 0;
  uint64_t undecided = 0;
};

BlockMasks block_masks(const unsigned char* p) {
  uint64_t letters = 0, digits = 0, non_ascii = 0, apostrophes = 0, seps = 0;
  for (int part = 0; part < 4; ++part) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
    const __m128i number_sep =
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
    auto bits = [part](__m128i x) {
      return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(x))) << (16 * part);
    };
    letters |= bits(ascii_letters(v));
    digits |= bits(ascii_digits(v));
    non_ascii |= bits(v);  // the top bit of each byte
    apostrophes |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
    seps |= bits(number_sep);
  }
  BlockMasks m;
  m.word = letters | digits;
  // An apostrophe decides only between two word bytes (at byte 63 the next
  // byte is unknown); '.' and ',' only after a digit.
  const uint64_t joining_apostrophes =
      apostrophes & ((m.word << 1) & ((m.word >> 1) | (uint64_t{1} << 63)));
  m.undecided = non_ascii | joining_apostrophes | (seps & (digits << 1));
  return m;
}

// Tokenises the words that end within the 64 bytes at text[i] when the
// block is plain (no undecided byte), where text has at least 80 bytes from
// i and i is not inside a word. Returns the position after the last complete
// word (or after the block), or i when the block is not plain or holds no
// complete word: the caller then takes the word-at-a-time path.
// PERF: word boundaries come from bit tricks on the masks, so no branch
// depends on where a word ends, and the words' hashes are independent of one
// another (the word-at-a-time loop was latency-bound: 460 MB/s).
size_t plain_block(const unsigned char* text, size_t i, std::vector<Token>& out) {
  const BlockMasks m = block_masks(text + i);
  if (m.undecided != 0) return i;
  const uint64_t starts = m.word & ~(m.word << 1);
  uint64_t ends = m.word & ~(m.word >> 1);  // the last byte of each word
  uint64_t open = starts;
  if (m.word >> 63) ends &= ~(uint64_t{1} << 63);  // the last word may go on
  if (ends == 0) return i;
  const size_t first = out.size();
  out.resize(first + static_cast<size_t>(std::popcount(ends)));
  Token* t = out.data() + first;
  while (ends != 0) {
    const auto b = static_cast<size_t>(std::countr_zero(open));
    const auto e = static_cast<size_t>(std::countr_zero(ends)) + 1;
    open &= open - 1;
    ends &= ends - 1;
    const size_t len = e - b;
    const unsigned char* w = text + i + b;
    uint64_t hash;
    if (len <= 16) {
      uint64_t lo, hi;
      std::memcpy(&lo, w, 8);
      std::memcpy(&hi, w + 8, 8);
      hash = short_word_hash(lo | 0x2020202020202020ull, hi | 0x2020202020202020ull, len);
    } else {
      char lowered[64];
      for (size_t k = 0; k < len; ++k) lowered[k] = static_cast<char>(w[k] | 0x20);
      hash = util::hash_bytes({lowered, len}, 0x776f7264ull);
    }
    *t++ = {uint32_t(i + b), uint32_t(i + e), hash};
  }
  return open != 0 ? i + static_cast<size_t>(std::countr_zero(open)) : i + 64;
}
#endif

// The fast path for a word made only of ASCII: its normal form is the word in
// lower case without apostrophes, built in `norm` while scanning, without
// decoding or utf8proc. Returns the normal form's length, or 0, having
// consumed nothing, when a non-ASCII byte could belong to the word (a letter,
// a digit or a joiner) or the word is longer than kAsciiWordRoom: the general
// path then takes the word from its first byte, so both paths always agree
// (tests/unit/normalize/tokenize_test.cpp checks that). On success `end` is
// one past the word.
size_t ascii_word(std::string_view text, size_t begin, size_t& end, char* norm) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t len = 0;
  size_t i = begin;
  for (;;) {
    bool plain_end = false;
    const size_t run = ascii_alnum_run(p + i, n - i, norm + len, kAsciiWordRoom - len, plain_end);
    len += run;
    i += run;
    if (len >= kAsciiWordRoom) return 0;
    if (plain_end || i >= n) break;
    const unsigned char c = p[i];
    if (c >= 0x80) return 0;
    const CharClass cls = kAsciiClasses[c];
    if (cls != CharClass::kJoiner && cls != CharClass::kNumberSep) break;
    // An apostrophe joins two word characters; '.' and ',' join two digits.
    if (i + 1 >= n) break;
    const unsigned char next = p[i + 1];
    if (next >= 0x80) return 0;
    const bool prev_digit = norm[len - 1] >= '0' && norm[len - 1] <= '9';
    const bool joins =
        cls == CharClass::kJoiner ? is_ascii_alnum(next) : prev_digit && next >= '0' && next <= '9';
    if (!joins) break;
    if (cls == CharClass::kNumberSep) norm[len++] = static_cast<char>(c);
    ++i;
  }
  end = i;
  return len;
}

// One word of any script starting at `i` (a word character): extends while
// word characters, or a joiner between two. Returns one past its end.
size_t general_word(std::string_view text, size_t i, Decoded d, std::string& raw, std::string& norm,
                    std::vector<Token>& out) {
  const size_t n = text.size();
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
  return i;
}

template <bool kAsciiFastPath>
void tokenize_impl(std::string_view text, std::vector<Token>& out) {
  KINDRED_CHECK(text.size() < std::numeric_limits<uint32_t>::max(), "text over 4 GiB");
  out.clear();
  std::string raw;                       // the word's bytes without joiners
  std::string norm;                      // its normal form
  char ascii_norm[kAsciiWordRoom] = {};  // hashed 16 bytes at a time: initialised once
  Segmenter segmenter;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  [[maybe_unused]] size_t word_at_a_time_until = 0;  // where the block path may be tried again
  while (i < n) {
    if constexpr (kAsciiFastPath) {
      // PERF: news text is mostly ASCII; this loop tokenises it without
      // decoding or utf8proc (tokenising went from 122 to ~400 MB/s per core).
#if defined(__SSE2__)
      if (i >= word_at_a_time_until && i + 80 <= n) {
        const size_t next = plain_block(bytes, i, out);
        if (next != i) {
          i = next;
          continue;
        }
        word_at_a_time_until = i + 64;
      }
      // Skip to the next letter, digit or non-ASCII byte 16 bytes at a time,
      // without a branch per separator byte.
      if (i + 16 <= n) {
        const unsigned m = word_or_non_ascii_mask(bytes + i);
        if (m == 0) {
          i += 16;
          continue;
        }
        i += static_cast<size_t>(std::countr_zero(m));
      }
#endif
      if (bytes[i] < 0x80) {
        if (!is_ascii_alnum(bytes[i])) {
          ++i;
          continue;
        }
        size_t end = 0;
        if (const size_t len = ascii_word(text, i, end, ascii_norm)) {
          out.push_back({uint32_t(i), uint32_t(end), padded_word_hash(ascii_norm, len)});
          i = end;
          continue;
        }
      }
    }
    Decoded d = decode_at(text, i);
    if (d.cls == CharClass::kUnspaced) {
      // The whole run of unspaced-script letters goes to ICU at once.
      const size_t begin = i;
      while (i < n && d.cls == CharClass::kUnspaced) {
        i += static_cast<size_t>(d.length);
        if (i < n) d = decode_at(text, i);
      }
      segmenter.words(text.substr(begin, i - begin), begin, out);
      continue;
    }
    if (!is_word_class(d.cls)) {
      i += static_cast<size_t>(d.length);
      continue;
    }
    i = general_word(text, i, d, raw, norm, out);
  }
}

}  // namespace

void tokenize(std::string_view text, std::vector<Token>& out) {
  tokenize_impl<true>(text, out);
}

void tokenize_reference(std::string_view text, std::vector<Token>& out) {
  tokenize_impl<false>(text, out);
}

uint64_t word_hash(std::string_view normalized_word) {
  if (normalized_word.size() > 16) return util::hash_bytes(normalized_word, 0x776f7264ull);
  char padded[16] = {};
  std::memcpy(padded, normalized_word.data(), normalized_word.size());
  return short_word_hash(padded, normalized_word.size());
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
  // PERF: four independent chains (token i feeds lane i % 4) instead of one:
  // each step is a multiply chain, and one chain was 6% of sketching.
  uint64_t lane[4] = {0x9e3779b97f4a7c15ull ^ tokens.size(), 0x632be59bd9b4e019ull,
                      0x85ebca6b2f1e3a91ull, 0xc2b2ae3d27d4eb4full};
  size_t i = 0;
  for (; i + 4 <= tokens.size(); i += 4) {
    for (int l = 0; l < 4; ++l)
      lane[l] = util::mix64(lane[l] ^ tokens[i + l].hash) + 0x632be59bd9b4e019ull;
  }
  for (int l = 0; i < tokens.size(); ++i, ++l) {
    lane[l] = util::mix64(lane[l] ^ tokens[i].hash) + 0x632be59bd9b4e019ull;
  }
  return util::mix64(lane[0] ^ util::mix64(lane[1] ^ util::mix64(lane[2] ^ util::mix64(lane[3]))));
}

}  // namespace kindred::normalize
