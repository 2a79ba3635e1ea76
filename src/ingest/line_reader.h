// LineReader: splits a ByteStream into lines without ever holding more than
// one over-long line's limit plus one read chunk, so JSON Lines files of many
// GB are read in bounded memory and a runaway line cannot exhaust it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "ingest/byte_stream.h"
#include "kindred/status.h"

namespace kindred::ingest {

// Readable (zeroed or stale, never unmapped) bytes that follow every line's
// bytes in memory, so a parser such as simdjson can read past the end.
inline constexpr size_t kLinePadding = 64;

inline constexpr size_t kDefaultChunkBytes = size_t{1} << 20;

struct Line {
  std::string_view bytes;  ///< without "\n" or "\r\n"; a leading UTF-8 BOM removed on line 1; empty
                           ///< when too_long
  uint64_t number = 0;     ///< 1-based
  uint64_t offset = 0;     ///< byte offset of the line's start in the stream
  uint64_t length = 0;     ///< bytes in the line, terminator excluded (counted even when too_long)
  bool too_long = false;   ///< longer than max_line_bytes: skipped, not buffered
};

class LineReader {
 public:
  LineReader(ByteStream& stream, uint64_t max_line_bytes, size_t chunk_bytes = kDefaultChunkBytes);

  // The next line; false at the end of the stream or after a read error, in
  // which case status() tells which. After an error, the complete lines read
  // before it are still returned first; a final unterminated fragment is not
  // (it may be cut short).
  bool next(Line* line);

  const Status& status() const { return status_; }  ///< the stream's error, unprefixed
  uint64_t lines() const { return lines_; }         ///< lines returned so far
  uint64_t bytes() const { return bytes_; }         ///< bytes read from the stream so far

 private:
  bool read_more();  // false when nothing more can come (end or error)
  void make_room();
  bool emit(size_t end, bool has_newline, Line* line);

  ByteStream& stream_;
  uint64_t max_line_bytes_;
  size_t chunk_bytes_;

  std::unique_ptr<char[]> buf_;  // capacity_ + kLinePadding bytes
  size_t capacity_ = 0;
  size_t begin_ = 0;  // start of the current line
  size_t scan_ = 0;   // where the search for '\n' resumes
  size_t end_ = 0;    // end of valid data

  bool skipping_ = false;    // inside a too-long line, discarding to its newline
  uint64_t skipped_ = 0;     // bytes of it discarded so far
  bool skipped_cr_ = false;  // the last byte discarded was '\r' (not counted in its length)
  bool at_end_ = false;      // the stream ended or failed
  Status status_;
  uint64_t lines_ = 0;
  uint64_t bytes_ = 0;
  uint64_t line_offset_ = 0;  // stream offset of begin_
};

}  // namespace kindred::ingest
