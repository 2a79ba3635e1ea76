// JSON Lines: one JSON object per line, each turned into a Document through
// the configured field names, or into a Rejection naming FILE:LINE.
#pragma once

#include <memory>
#include <string>

#include "ingest/byte_stream.h"
#include "ingest/line_reader.h"
#include "ingest/read_context.h"

namespace kindred::ingest {

// Turns single JSON lines into Documents; keeps the simdjson parser's buffers
// between lines, so one instance should serve a whole file.
class JsonLineParser {
 public:
  explicit JsonLineParser(JsonFields fields);
  ~JsonLineParser();
  JsonLineParser(const JsonLineParser&) = delete;
  JsonLineParser& operator=(const JsonLineParser&) = delete;

  // Parses `line` (whose bytes must be followed by kLinePadding readable
  // bytes, as LineReader guarantees) read from `file`. On success fills *doc,
  // origin included. On failure returns a kDataError whose message starts with
  // "FILE:LINE: ", and sets *id when the record had one.
  Status parse(const Line& line, const std::string& file, Document* doc, std::string* id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Handles one line of a JSON Lines stream as read_jsonl() does: a line over
// `limit` bytes is rejected (kTooLarge), a blank line skipped, any other parsed
// into a document or a rejection. Returns false when the caller's sink asked to
// stop. Shared with readers of byte ranges of a file (include/kindred/stages.h).
bool consume_jsonl_line(const Line& line, const std::string& file, uint64_t limit,
                        JsonLineParser& parser, ReadContext& ctx);

// Reads every line of `stream`; `file` names it in ids and messages. A
// truncated or unreadable stream ends with one rejection naming the last line
// and the byte reached. Returns false when a rejection stopped reading.
bool read_jsonl(ByteStream& stream, const std::string& file, ReadContext& ctx);

}  // namespace kindred::ingest
