// UTF-8 decoding and repair. Everything downstream of ingest may assume valid
// UTF-8: ingest calls repair_utf8() on every text it reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kindred::util {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes one code point starting at s[i]. On success sets `cp` and returns the
// sequence length (1..4). On an invalid sequence (overlong, surrogate, > U+10FFFF,
// truncated, stray continuation byte) returns 0 and sets cp to U+FFFD; the
// caller then skips one byte (the maximal-subpart rule of Unicode §3.9 is not
// needed here because we only count and replace).
int decode_utf8(std::string_view s, size_t i, char32_t& cp);

// True when `s` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view s);

// Replaces every invalid byte sequence of `s` with U+FFFD (each maximal run of
// bad bytes becomes one replacement character). Returns how many runs were
// replaced; 0 leaves `s` untouched. Also removes NUL bytes (counted likewise),
// since they break C interfaces and terminals.
uint32_t repair_utf8(std::string& s);

// Appends the UTF-8 encoding of `cp` to `out`.
void append_utf8(std::string& out, char32_t cp);

}  // namespace kindred::util
