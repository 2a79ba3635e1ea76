// Ingest: turns what users have (folders of .txt, JSON Lines, compressed or
// not, stdin) into Documents, and every record it cannot use into a Rejection.
//
// Formats are chosen by content where the bytes tell (gzip and zstd magic
// numbers), else by extension: `.txt` is one document per file, `.jsonl` /
// `.json` / `.ndjson` one per line. A directory is walked recursively in
// sorted order, so runs are reproducible; files of other extensions are
// skipped and counted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "kindred/document.h"
#include "kindred/pipeline.h"
#include "kindred/status.h"

namespace kindred::ingest {

// JSON Lines field names (`--id-field` etc. on the command line).
struct JsonFields {
  std::string id = "id";
  std::string text = "text";
  std::string title = "title";
  std::string date = "date";
  std::string url = "url";
  std::string source = "source";
};

struct ReadOptions {
  JsonFields fields;
  uint64_t max_document_bytes = 64ull << 20;  ///< larger documents (and JSON lines) are rejected
};

struct ReadStats {
  uint64_t files = 0;          ///< files opened
  uint64_t files_skipped = 0;  ///< files of an unsupported extension inside directories
  uint64_t records = 0;        ///< documents delivered
  uint64_t rejected = 0;       ///< rejections delivered
  uint64_t bytes = 0;          ///< decompressed bytes read
};

// Receives each document read; returns false to stop reading. Must not throw.
using DocumentSink = std::function<bool(Document&&)>;
// Receives each rejected record; returns false to stop reading (fail-fast). Must not throw.
using RejectSink = std::function<bool(Rejection&&)>;

// Reads one PATH argument: a directory, a file, or "-" (JSON Lines on stdin).
// Record ids: a .txt file's id is its path relative to the directory argument
// (or the path as given for a file argument); a JSON line's id is its id field,
// or "<file>:<line>" when the record has none.
// Every problem is reported through `on_reject` with the file and line or byte
// offset in the Status message; reading goes on with the next record or file
// while on_reject returns true. Returns the Status of the rejection that stopped
// reading, kCancelled when on_document asked to stop, or ok.
// That includes a PATH that cannot be read at all (missing: kNotFound;
// unreadable: kIoError; a file of an unsupported extension: kInvalidArgument).
// `stats` is added to, not reset, so several PATHs can share one. A null
// on_reject means stop at the first rejection.
Status read_path(std::string_view path, const ReadOptions& options, const DocumentSink& on_document,
                 const RejectSink& on_reject, ReadStats* stats = nullptr);

}  // namespace kindred::ingest
