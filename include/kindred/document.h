// Document: one article as kindred sees it, after ingest and before analysis.
#pragma once

#include <cstdint>
#include <string>

namespace kindred {

// Where a document came from, so every message and output can point back to it.
struct Origin {
  std::string file;     ///< path as given by the user, or "-" for stdin
  uint64_t line = 0;    ///< 1-based line for JSON Lines; 0 when not line-based
  uint64_t offset = 0;  ///< byte offset of the record in the (decompressed) stream
};

struct Document {
  std::string id;      ///< unique within a run: relative path for .txt, the id field for JSONL
  std::string text;    ///< valid UTF-8 (ingest repairs invalid bytes to U+FFFD)
  std::string title;   ///< optional metadata; empty when unknown
  std::string date;    ///< optional, as given (ISO 8601 recommended)
  std::string url;     ///< optional
  std::string source;  ///< optional: outlet or feed name
  Origin origin;
  uint32_t invalid_utf8 = 0;  ///< number of invalid byte sequences replaced at ingest
};

}  // namespace kindred
