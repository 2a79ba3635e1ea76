#include "synth/jsonl.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace kindred::synth {

namespace {

// 1 for the bytes that need an escape.
constexpr std::array<uint8_t, 256> make_escape_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<size_t>(c)] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  return t;
}
constexpr std::array<uint8_t, 256> kNeedsEscape = make_escape_table();

void append_field(std::string& out, const char* key, std::string_view value) {
  out += key;
  append_json_string(out, value);
}

// Nonzero when one of the 8 bytes of `x` is below 0x20, '"' or '\\' (the
// classic has-zero-byte test; exact as a yes/no answer).
inline uint64_t has_escape(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
  return (((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) |
          ((backslash - kOnes) & ~backslash)) &
         kHigh;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    // PERF: skips 8 clean bytes at a time (news text has an escape every ~100 bytes).
    while (i + 8 <= s.size()) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (has_escape(word)) break;
      i += 8;
    }
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kNeedsEscape[c]) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out.append(u, sizeof u);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_document_jsonl(std::string& out, const Document& doc) {
  append_field(out, "{\"id\":", doc.id);
  append_field(out, ",\"title\":", doc.title);
  append_field(out, ",\"text\":", doc.text);
  append_field(out, ",\"date\":", doc.date);
  append_field(out, ",\"source\":", doc.source);
  out += "}\n";
}

void append_truth_jsonl(std::string& out, const TruthPair& pair) {
  append_field(out, "{\"source\":", doc_id(pair.source));
  append_field(out, ",\"copy\":", doc_id(pair.copy));
  append_field(out, ",\"kind\":", copy_kind_name(pair.kind));
  out += ",\"kept\":";
  char buf[32];
  const auto r =
      std::to_chars(buf, buf + sizeof buf, pair.kept_fraction, std::chars_format::fixed, 4);
  out.append(buf, r.ptr);
  out += "}\n";
}

}  // namespace kindred::synth
