// Format detection: what a file holds, decided by its content where the bytes
// tell and by its name otherwise. docs/input.md gives the order for users.
//
//   1. compression: gzip / zstd magic numbers (byte_stream.h) are undone first,
//      and the rest is decided on the decompressed bytes;
//   2. "WARC/" at byte 0: a WARC archive;
//   3. after an optional BOM and whitespace, "<!doctype html", "<html", or a
//      leading comment / "<?xml" / "<head" followed by "<html" within the first
//      KiB: an HTML page;
//   4. otherwise the name: .txt, .jsonl/.json/.ndjson, .html/.htm/.xhtml, .warc
//      (after one .gz/.zst/.zstd suffix);
//   5. a name that tells nothing and a first non-blank byte '{': JSON Lines.
// A brace is too weak a sign to overrule a name, so a .txt file opening with
// '{' stays a text document; the strong signs (2, 3) do overrule names.
#pragma once

#include <string_view>

namespace kindred::ingest {

enum class Format { kUnknown, kText, kJsonLines, kHtml, kWarc };

// "text", "jsonl", "html", "warc" or "unknown".
const char* format_name(Format format);

// The format a file name announces once one compression suffix is set aside.
Format format_from_name(std::string_view name);

// Bytes sniff_content() wants to see when the stream has that many.
inline constexpr size_t kSniffBytes = 1024;

// The format the first bytes of a (decompressed) stream prove, or kUnknown.
// `prefix` should hold kSniffBytes bytes unless the stream is shorter.
Format sniff_content(std::string_view prefix);

// The format of a file: its content's when that is strong (WARC, HTML), else
// its name's, else JSON Lines when it opens with '{', else kUnknown.
Format choose_format(std::string_view prefix, std::string_view name);

}  // namespace kindred::ingest
