#include "ingest/charset.h"

#include "kindred/version.h"  // KINDRED_HAVE_ICU
#if KINDRED_HAVE_ICU
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <utility>

#include "util/utf8.h"

namespace kindred::ingest {
namespace {

constexpr size_t kMetaScanBytes = 4096;
constexpr size_t kDetectBytes = 1 << 20;  // what the charset detector looks at, at most
constexpr int32_t kMinConfidence = 10;    // ICU's 0-100 scale; below it the guess is noise
constexpr size_t kNulShare = 8;           // 1 NUL in 8 bytes or more: not UTF-8 text
constexpr size_t kMaxLabelBytes = 40;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool starts_with_nocase(std::string_view s, size_t at, std::string_view prefix) {
  if (at > s.size() || s.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trim_label(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '"' || s.front() == '\'')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (is_space(s.back()) || s.back() == '"' || s.back() == '\'')) {
    s.remove_suffix(1);
  }
  return s;
}

// The value after "charset" in a Content-Type-like string, or empty.
std::string charset_param(std::string_view s) {
  const std::string low = lowered(s);
  size_t at = 0;
  while ((at = low.find("charset", at)) != std::string::npos) {
    size_t i = at + 7;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && is_space(s[i])) ++i;
      char quote = 0;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) quote = s[i++];
      size_t end = i;
      while (end < s.size() && s[end] != ';' && s[end] != quote && !is_space(s[end]) &&
             (quote != 0 || (s[end] != '"' && s[end] != '\''))) {
        ++end;
      }
      return std::string(s.substr(i, end - i));
    }
    at += 7;
  }
  return {};
}

// One attribute of a tag being scanned: parses from `i`, returns false at '>' or the end.
bool next_attribute(std::string_view s, size_t& i, std::string* name, std::string* value) {
  while (i < s.size() && (is_space(s[i]) || s[i] == '/')) ++i;
  if (i >= s.size() || s[i] == '>') return false;
  const size_t name_begin = i;
  while (i < s.size() && !is_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/') ++i;
  *name = lowered(s.substr(name_begin, i - name_begin));
  value->clear();
  size_t j = i;
  while (j < s.size() && is_space(s[j])) ++j;
  if (j < s.size() && s[j] == '=') {
    i = j + 1;
    while (i < s.size() && is_space(s[i])) ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      const char quote = s[i++];
      const size_t end = s.find(quote, i);
      const size_t stop = end == std::string_view::npos ? s.size() : end;
      *value = std::string(s.substr(i, stop - i));
      i = end == std::string_view::npos ? s.size() : end + 1;
    } else {
      const size_t begin = i;
      while (i < s.size() && !is_space(s[i]) && s[i] != '>') ++i;
      *value = std::string(s.substr(begin, i - begin));
    }
  }
  if (name->empty()) ++i;  // a stray '=': step over it
  return true;
}

// WHATWG labels whose meaning differs from ICU's, or that ICU does not know.
constexpr std::array<std::pair<std::string_view, std::string_view>, 49> kAliases{{
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8"},
    {"x-unicode20utf8", "UTF-8"},
    {"iso-8859-1", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"l1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"ascii", "windows-1252"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"},
    {"windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"x-user-defined", "windows-1252"},
    {"iso-8859-9", "windows-1254"},
    {"iso8859-9", "windows-1254"},
    {"latin5", "windows-1254"},
    {"l5", "windows-1254"},
    {"windows-1254", "windows-1254"},
    {"iso-8859-11", "windows-874"},
    {"tis-620", "windows-874"},
    {"windows-874", "windows-874"},
    {"dos-874", "windows-874"},
    {"gb2312", "gb18030"},
    {"gbk", "gb18030"},
    {"x-gbk", "gb18030"},
    {"cp936", "gb18030"},
    {"chinese", "gb18030"},
    {"csgb2312", "gb18030"},
    {"gb_2312-80", "gb18030"},
    {"gb18030", "gb18030"},
    {"euc-kr", "windows-949"},
    {"ks_c_5601-1987", "windows-949"},
    {"cp949", "windows-949"},
    {"windows-949", "windows-949"},
    {"shift_jis", "Shift_JIS"},
    {"shift-jis", "Shift_JIS"},
    {"sjis", "Shift_JIS"},
    {"x-sjis", "Shift_JIS"},
    {"ms_kanji", "Shift_JIS"},
    {"windows-31j", "Shift_JIS"},
    {"ms932", "Shift_JIS"},
    {"utf-16", "UTF-16LE"},
    {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
    {"koi8", "KOI8-R"},
}};

bool label_chars_ok(std::string_view s) {
  if (s.empty() || s.size() > kMaxLabelBytes) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == ':' || c == '+';
  });
}

#if KINDRED_HAVE_ICU
struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

// Counts each unmappable or malformed sequence and writes U+FFFD for it
// (ICU's own substitute is U+001A in single-byte charsets).
void count_and_substitute(const void* context, UConverterToUnicodeArgs* args, const char*, int32_t,
                          UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset, close, clone: nothing to substitute
  ++*static_cast<uint32_t*>(const_cast<void*>(context));
  *err = U_ZERO_ERROR;
  static constexpr UChar kReplacement = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

// Appends UTF-16 `units` as UTF-8; a high surrogate left at the end (its pair
// comes with the next chunk) is returned in *carry instead.
void append_utf16(const UChar* units, size_t n, UChar* carry, std::string* out) {
  *carry = 0;
  for (size_t i = 0; i < n; ++i) {
    char32_t cp = units[i];
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (i + 1 == n) {
        *carry = units[i];
        return;
      }
      const char32_t low = units[i + 1];
      if (low >= 0xDC00 && low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        ++i;
      } else {
        cp = util::kReplacementChar;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = util::kReplacementChar;
    }
    util::append_utf8(*out, cp);
  }
}

// Converts with ICU, through UTF-16 in bounded chunks (any input size); false
// when the converter cannot be opened or fails.
bool icu_to_utf8(std::string_view bytes, const std::string& charset, std::string* out,
                 uint32_t* invalid) {
  UErrorCode err = U_ZERO_ERROR;
  ConverterPtr cnv(ucnv_open(charset.c_str(), &err));
  if (U_FAILURE(err) || cnv == nullptr) return false;
  uint32_t count = 0;
  err = U_ZERO_ERROR;
  ucnv_setToUCallBack(cnv.get(), count_and_substitute, &count, nullptr, nullptr, &err);
  if (U_FAILURE(err)) return false;
  constexpr size_t kUnits = size_t{1} << 16;
  std::unique_ptr<UChar[]> units(new UChar[kUnits + 1]);
  out->clear();
  out->reserve(bytes.size() + bytes.size() / 4);
  const char* src = bytes.data();
  const char* const src_end = bytes.data() + bytes.size();
  UChar carry = 0;
  for (;;) {
    UChar* target = units.get();
    if (carry != 0) *target++ = carry;
    err = U_ZERO_ERROR;
    ucnv_toUnicode(cnv.get(), &target, units.get() + kUnits + 1, &src, src_end, nullptr,
                   /*flush=*/true, &err);
    append_utf16(units.get(), static_cast<size_t>(target - units.get()), &carry, out);
    if (err == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(err)) return false;
    break;
  }
  if (carry != 0) util::append_utf8(*out, util::kReplacementChar);
  *invalid = count;
  return true;
}

// UTF-8 from a stream in another charset, converted as it is read.
class Utf8Stream final : public ByteStream {
 public:
  Utf8Stream(ByteStream& inner, ConverterPtr cnv)
      : inner_(inner),
        cnv_(std::move(cnv)),
        in_(std::make_unique_for_overwrite<char[]>(kInBytes)),
        units_(new UChar[kUnits + 1]) {
    UErrorCode err = U_ZERO_ERROR;
    ucnv_setToUCallBack(cnv_.get(), count_and_substitute, &invalid_, nullptr, nullptr, &err);
  }

  Status read(char* buffer, size_t capacity, size_t* got) override {
    *got = 0;
    while (pos_ == out_.size() && !done_) fill();
    if (pos_ == out_.size()) return error_;  // the end, or the inner stream's error
    const size_t n = std::min(capacity, out_.size() - pos_);
    std::memcpy(buffer, out_.data() + pos_, n);
    pos_ += n;
    *got = n;
    return Status::ok();
  }

 private:
  static constexpr size_t kInBytes = 64 << 10;
  static constexpr size_t kUnits = 64 << 10;

  // Converts the next chunk of the inner stream into out_.
  void fill() {
    out_.clear();
    pos_ = 0;
    char* const in = in_.get();
    size_t n = 0;
    Status st = inner_.read(in, kInBytes, &n);
    if (!st.is_ok()) error_ = std::move(st);
    const bool flush = !st.is_ok() || n == 0;
    const char* src = in;
    const char* const src_end = in + n;
    for (;;) {
      UChar* target = units_.get();
      if (carry_ != 0) *target++ = carry_;
      UErrorCode err = U_ZERO_ERROR;
      ucnv_toUnicode(cnv_.get(), &target, units_.get() + kUnits + 1, &src, src_end, nullptr, flush,
                     &err);
      append_utf16(units_.get(), static_cast<size_t>(target - units_.get()), &carry_, &out_);
      if (err == U_BUFFER_OVERFLOW_ERROR) continue;
      break;  // other failures cannot happen with the substituting callback
    }
    if (flush) {
      if (carry_ != 0) util::append_utf8(out_, util::kReplacementChar);
      carry_ = 0;
      done_ = true;
    }
  }

  ByteStream& inner_;
  ConverterPtr cnv_;
  std::unique_ptr<char[]> in_;
  std::unique_ptr<UChar[]> units_;
  std::string out_;
  size_t pos_ = 0;
  UChar carry_ = 0;
  uint32_t invalid_ = 0;
  bool done_ = false;
  Status error_;
};
#else
// Built without ICU (-DKINDRED_USE_ICU=OFF): only UTF-8 is decoded; a page in
// another charset is read as UTF-8 with repair and counted as a fallback.
bool icu_to_utf8(std::string_view, const std::string&, std::string*, uint32_t*) {
  return false;
}
#endif

}  // namespace

std::unique_ptr<ByteStream> make_utf8_stream(ByteStream& inner, const std::string& charset) {
#if KINDRED_HAVE_ICU
  UErrorCode err = U_ZERO_ERROR;
  ConverterPtr cnv(ucnv_open(charset.c_str(), &err));
  if (U_FAILURE(err) || cnv == nullptr) return nullptr;
  return std::make_unique<Utf8Stream>(inner, std::move(cnv));
#else
  (void)inner;
  (void)charset;
  return nullptr;  // no converter without ICU
#endif
}

std::string charset_from_content_type(std::string_view content_type) {
  return std::string(trim_label(charset_param(content_type)));
}

std::string_view charset_from_bom(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.starts_with("\xEF\xBB\xBF")) return "UTF-8";
  // FF FE 00 00 is UTF-32LE before it is UTF-16LE (a NUL first is no text).
  if (bytes.starts_with("\xFF\xFE\0\0"sv)) return "UTF-32LE";
  if (bytes.starts_with("\0\0\xFE\xFF"sv)) return "UTF-32BE";
  if (bytes.starts_with("\xFF\xFE")) return "UTF-16LE";
  if (bytes.starts_with("\xFE\xFF")) return "UTF-16BE";
  return {};
}

size_t bom_bytes(std::string_view charset) {
  if (charset == "UTF-8") return 3;
  if (charset.starts_with("UTF-32")) return 4;
  if (charset.starts_with("UTF-16")) return 2;
  return 0;
}

std::string detect_charset(std::string_view bytes, bool html) {
  // Damaged UTF-8 (a cut character, a stray byte) is repaired, not read as a
  // legacy charset: where well-formed multi-byte sequences outnumber the bad
  // ones, the text is UTF-8. NULs count against it (UTF-16 without a BOM).
  const size_t nul_count = static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\0'));
  if (nul_count * kNulShare < bytes.size() && util::is_valid_utf8(bytes)) return "UTF-8";
  size_t multibyte = 0, invalid = 0, nuls = 0;
  for (size_t i = 0; i < bytes.size();) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      nuls += c == 0;
      ++i;
      continue;
    }
    char32_t cp = 0;
    const int n = util::decode_utf8(bytes, i, cp);
    if (n > 0) {
      ++multibyte;
      i += static_cast<size_t>(n);
    } else {
      ++invalid;
      ++i;
    }
  }
  if (invalid == 0 && nuls * kNulShare < bytes.size()) return "UTF-8";
  if (multibyte > invalid && nuls * kNulShare < bytes.size()) return "UTF-8";
#if !KINDRED_HAVE_ICU
  (void)html;
  return "UTF-8";  // no detector without ICU: repaired as UTF-8
#else
  UErrorCode err = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&err);
  if (U_FAILURE(err) || det == nullptr) return "UTF-8";
  std::unique_ptr<UCharsetDetector, void (*)(UCharsetDetector*)> guard(det, ucsdet_close);
  const size_t sample = std::min(bytes.size(), kDetectBytes);
  ucsdet_setText(det, bytes.data(), static_cast<int32_t>(sample), &err);
  ucsdet_enableInputFilter(det, html);  // markup says nothing about the language
  int32_t count = 0;
  const UCharsetMatch** matches = ucsdet_detectAll(det, &count, &err);
  if (U_FAILURE(err) || matches == nullptr) return "UTF-8";
  for (int32_t m = 0; m < count; ++m) {
    UErrorCode e = U_ZERO_ERROR;
    const char* name = ucsdet_getName(matches[m], &e);
    const int32_t confidence = ucsdet_getConfidence(matches[m], &e);
    if (U_FAILURE(e) || name == nullptr || confidence < kMinConfidence) break;
    const std::string canonical = canonical_charset(name);
    // UTF-8 was ruled out above; ICU's converters for its IBM42x guesses
    // (visual-order Hebrew and Arabic) are no way to read news.
    if (canonical.empty() || canonical == "UTF-8" || std::string_view(name).starts_with("IBM")) {
      continue;
    }
    return canonical;
  }
  return "UTF-8";
#endif
}

std::string sniff_meta_charset(std::string_view html) {
  const std::string_view s = html.substr(0, std::min(html.size(), kMetaScanBytes));
  std::string name, value;
  if (starts_with_nocase(s, 0, "<?xml")) {
    const size_t end = s.find("?>");
    std::string_view decl = s.substr(0, end == std::string_view::npos ? s.size() : end);
    size_t i = 5;
    while (next_attribute(decl, i, &name, &value)) {
      if (name == "encoding") return std::string(trim_label(value));
    }
  }
  size_t i = 0;
  while ((i = s.find('<', i)) != std::string_view::npos) {
    if (starts_with_nocase(s, i, "<!--")) {
      const size_t end = s.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (!starts_with_nocase(s, i, "<meta") || i + 5 >= s.size() ||
        !(is_space(s[i + 5]) || s[i + 5] == '/')) {
      ++i;
      continue;
    }
    i += 5;
    std::string charset, content;
    bool content_type = false;
    while (next_attribute(s, i, &name, &value)) {
      if (name == "charset" && charset.empty()) charset = value;
      if (name == "http-equiv") content_type = lowered(trim_label(value)) == "content-type";
      if (name == "content") content = value;
    }
    if (!charset.empty()) return std::string(trim_label(charset));
    if (content_type) {
      std::string from_content = charset_param(content);
      if (!from_content.empty()) return std::string(trim_label(from_content));
    }
  }
  return {};
}

std::string canonical_charset(std::string_view label) {
  const std::string low = lowered(trim_label(label));
  if (!label_chars_ok(low)) return {};
  for (const auto& [alias, name] : kAliases) {
    if (alias == low) return std::string(name);
  }
#if KINDRED_HAVE_ICU
  UErrorCode err = U_ZERO_ERROR;
  ConverterPtr cnv(ucnv_open(low.c_str(), &err));
  if (U_FAILURE(err) || cnv == nullptr) return {};
  err = U_ZERO_ERROR;
  const char* standard = ucnv_getStandardName(low.c_str(), "IANA", &err);
  if (U_SUCCESS(err) && standard != nullptr) return standard;
  return low;
#else
  return {};
#endif
}

Decoded decode_to_utf8(std::string_view bytes, std::string_view declared, bool html,
                       std::string* out) {
  Decoded d;
  std::string charset(charset_from_bom(bytes));
  bytes.remove_prefix(bom_bytes(charset));
  if (charset.empty() && !trim_label(declared).empty()) {
    charset = canonical_charset(declared);
    if (charset.empty()) d.fallback = true;
  }
  if (charset.empty() && html) {
    const std::string meta = sniff_meta_charset(bytes);
    if (!meta.empty()) {
      charset = canonical_charset(meta);
      if (charset.empty()) d.fallback = true;
      // A page that could declare itself in ASCII is not UTF-16 (WHATWG).
      if (charset.starts_with("UTF-16")) charset = "UTF-8";
    }
  }
  if (charset.empty()) {
    charset = detect_charset(bytes, html);
    d.detected = charset != "UTF-8";
  }
  if (charset != "UTF-8") {
    if (!icu_to_utf8(bytes, charset, out, &d.invalid)) {
      d.fallback = true;
      charset = "UTF-8";
    }
  }
  if (charset == "UTF-8") out->assign(bytes);
  d.invalid += util::repair_utf8(*out);
  d.charset = std::move(charset);
  return d;
}

}  // namespace kindred::ingest
