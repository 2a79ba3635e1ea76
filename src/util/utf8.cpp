#include "util/utf8.h"

#include <simdjson.h>

namespace kindred::util {

int decode_utf8(std::string_view s, size_t i, char32_t& cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t left = s.size() - i;
  const unsigned char c0 = p[0];
  cp = kReplacementChar;
  if (c0 < 0x80) {
    cp = c0;
    return 1;
  }
  auto cont = [&](size_t k) { return k < left && (p[k] & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (!cont(1)) return 0;
    cp = (char32_t(c0 & 0x1F) << 6) | (p[1] & 0x3F);
    return 2;
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    char32_t v = (char32_t(c0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)) return 0;  // overlong or surrogate
    cp = v;
    return 3;
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    char32_t v = (char32_t(c0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
                 (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    if (v < 0x10000 || v > 0x10FFFF) return 0;
    cp = v;
    return 4;
  }
  return 0;
}

bool is_valid_utf8(std::string_view s) {
  return simdjson::validate_utf8(s.data(), s.size());
}

uint32_t repair_utf8(std::string& s) {
  // PERF: the common case (valid, no NUL) is one SIMD validation pass and a memchr.
  if (is_valid_utf8(s) && s.find('\0') == std::string::npos) return 0;
  std::string out;
  out.reserve(s.size() + 16);
  uint32_t replaced = 0;
  bool in_bad_run = false;
  for (size_t i = 0; i < s.size();) {
    char32_t cp;
    int n = decode_utf8(s, i, cp);
    if (n == 0 || cp == 0) {
      if (!in_bad_run) {
        if (cp != 0) append_utf8(out, kReplacementChar);
        ++replaced;
      }
      in_bad_run = cp != 0;  // NUL is dropped, never merged into a bad run
      i += n == 0 ? 1 : n;
      continue;
    }
    in_bad_run = false;
    out.append(s, i, n);
    i += n;
  }
  s.swap(out);
  return replaced;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

}  // namespace kindred::util
