#include "ingest/sniff.h"

#include <string>

namespace kindred::ingest {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[i]) != prefix[i]) return false;
  }
  return true;
}

bool contains_nocase(std::string_view s, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= s.size(); ++i) {
    if (starts_with_nocase(s.substr(i), needle)) return true;
  }
  return false;
}

std::string_view skip_bom_and_blanks(std::string_view s) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  const size_t first = s.find_first_not_of(" \t\r\n\f\v");
  return first == std::string_view::npos ? std::string_view() : s.substr(first);
}

bool looks_like_html(std::string_view s) {
  if (starts_with_nocase(s, "<!doctype html") || starts_with_nocase(s, "<html")) return true;
  // Pages that open with a comment, an XML declaration or a bare <head>.
  if (starts_with_nocase(s, "<!--") || starts_with_nocase(s, "<?xml") ||
      starts_with_nocase(s, "<head")) {
    return contains_nocase(s.substr(0, kSniffBytes), "<html");
  }
  return false;
}

}  // namespace

const char* format_name(Format format) {
  switch (format) {
    case Format::kUnknown:
      return "unknown";
    case Format::kText:
      return "text";
    case Format::kJsonLines:
      return "jsonl";
    case Format::kHtml:
      return "html";
    case Format::kWarc:
      return "warc";
  }
  return "unknown";
}

Format format_from_name(std::string_view name) {
  std::string lowered(name);
  for (char& c : lowered) c = lower(c);
  std::string_view s = lowered;
  for (std::string_view suffix : {".gz", ".zst", ".zstd"}) {
    if (s.ends_with(suffix)) {
      s.remove_suffix(suffix.size());
      break;
    }
  }
  if (s.ends_with(".txt")) return Format::kText;
  if (s.ends_with(".jsonl") || s.ends_with(".json") || s.ends_with(".ndjson")) {
    return Format::kJsonLines;
  }
  if (s.ends_with(".html") || s.ends_with(".htm") || s.ends_with(".xhtml")) return Format::kHtml;
  if (s.ends_with(".warc")) return Format::kWarc;
  return Format::kUnknown;
}

Format sniff_content(std::string_view prefix) {
  if (prefix.starts_with("WARC/")) return Format::kWarc;
  if (looks_like_html(skip_bom_and_blanks(prefix))) return Format::kHtml;
  return Format::kUnknown;
}

Format choose_format(std::string_view prefix, std::string_view name) {
  if (Format f = sniff_content(prefix); f != Format::kUnknown) return f;
  if (Format f = format_from_name(name); f != Format::kUnknown) return f;
  if (skip_bom_and_blanks(prefix).starts_with('{')) return Format::kJsonLines;
  return Format::kUnknown;
}

}  // namespace kindred::ingest
