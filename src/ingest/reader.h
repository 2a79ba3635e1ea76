// Ingest: turns what users have (folders of .txt, JSON Lines, HTML pages, WARC
// archives, compressed or not, stdin) into Documents, and every record it
// cannot use into a Rejection.
//
// Formats are chosen by content where the bytes tell (gzip and zstd magic
// numbers, "WARC/", an HTML doctype), else by extension: `.txt` and
// `.html`/`.htm` are one document per file, `.jsonl` / `.json` / `.ndjson` one
// per line, `.warc` one per HTML response record (sniff.h has the order;
// docs/input.md the details). A directory is walked recursively in sorted
// order, so runs are reproducible; files of no recognisable format are
// skipped and counted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "kindred/document.h"
#include "kindred/pipeline.h"
#include "kindred/read_options.h"
#include "kindred/status.h"

namespace kindred::ingest {

// Receives each document read; returns false to stop reading. Must not throw.
using DocumentSink = std::function<bool(Document&&)>;
// Receives each rejected record; returns false to stop reading (fail-fast). Must not throw.
using RejectSink = std::function<bool(Rejection&&)>;

// Reads one PATH argument: a directory, a file, or "-" (stdin: JSON Lines
// unless its content is WARC or HTML).
// Record ids: a .txt or HTML file's id is its path relative to the directory
// argument (or the path as given for a file argument); a JSON line's id is its
// id field, or "<file>:<line>" when the record has none; a WARC record's is
// chosen by ReadOptions::warc_id.
// Every problem is reported through `on_reject` with the file and line or byte
// offset in the Status message; reading goes on with the next record or file
// while on_reject returns true. Returns the Status of the rejection that stopped
// reading, kCancelled when on_document asked to stop, or ok.
// That includes a PATH that cannot be read at all (missing: kNotFound;
// unreadable: kIoError; a file of no recognisable format: kInvalidArgument).
// `stats` is added to, not reset, so several PATHs can share one. A null
// on_reject means stop at the first rejection.
Status read_path(std::string_view path, const ReadOptions& options, const DocumentSink& on_document,
                 const RejectSink& on_reject, ReadStats* stats = nullptr);

// The same, except that content of no recognisable format is read as one
// plain-text document (id: PATH) instead of being refused (a file with no
// known extension, `.md`, ...) or read as JSON Lines (stdin). `kindred
// compare` reads its A and B this way: any file is a document, and a WARC,
// HTML, JSON Lines or compressed one is read as scan reads it.
Status read_path_or_text(std::string_view path, const ReadOptions& options,
                         const DocumentSink& on_document, const RejectSink& on_reject,
                         ReadStats* stats = nullptr);

}  // namespace kindred::ingest
