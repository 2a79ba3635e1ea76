// WARC archives (ISO 28500: WARC/1.0 and 1.1), plain or gzip-compressed with
// one member per record as Common Crawl publishes them (the gzip layer is
// undone below, by byte_stream.h).
//
// Each `response` record holding an HTTP response with an HTML payload (and
// each `resource` record of type text/html) becomes one document through
// html_reader.h: chunked transfer coding and gzip/deflate/zstd content coding
// are undone, the charset comes from the HTTP Content-Type header, else the
// page's <meta>, else UTF-8. Other records are counted, not read:
// request/metadata/warcinfo/revisit/conversion in ReadStats::warc_skipped,
// non-HTML payloads in warc_non_html, non-2xx statuses in warc_not_ok.
//
// Document fields: id per ReadOptions::warc_id, url = WARC-Target-URI, date =
// the page's date else WARC-Date, source = the site name else the URI's host,
// origin = {file, 0, byte offset of the record's "WARC/" line in the
// decompressed stream}.
//
// Damage: a record that does not start with "WARC/" or lacks a valid
// Content-Length is rejected (kCorrupt) and reading resumes at the next
// "WARC/" line; a payload over max_document_bytes is rejected (kTooLarge) and
// skipped without being held; a truncated archive ends with one kCorrupt
// rejection naming the file and the byte offset of the cut record, after every
// complete record before it has been delivered.
#pragma once

#include <string>

#include "ingest/byte_stream.h"
#include "ingest/read_context.h"

namespace kindred::ingest {

// Reads every record of `stream`; `file` names it in origins and messages.
// Returns false when a rejection (or the document sink) stopped reading.
bool read_warc(ByteStream& stream, const std::string& file, ReadContext& ctx);

}  // namespace kindred::ingest
