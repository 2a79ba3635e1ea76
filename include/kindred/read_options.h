// What the readers (src/ingest) are told and what they count: the options of
// `kindred scan`'s Input group and the statistics of a read. Public because
// front ends that read input through the library (stages.h: read_input,
// read_and_sketch, scan_paths) pass them; the readers themselves stay private.
#pragma once

#include <cstdint>
#include <string>

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

// What a WARC document's id is.
enum class WarcId {
  kRecordId,   ///< WARC-Record-ID without its angle brackets ("urn:uuid:...")
  kTargetUri,  ///< WARC-Target-URI (unique only in crawls that fetch each page once)
};

struct ReadOptions {
  JsonFields fields;
  /// Larger documents, JSON lines and WARC payloads are rejected.
  uint64_t max_document_bytes = 64ull << 20;
  WarcId warc_id = WarcId::kRecordId;
};

struct ReadStats {
  uint64_t files = 0;            ///< files opened
  uint64_t files_skipped = 0;    ///< files of no recognisable format inside directories
  uint64_t records = 0;          ///< documents delivered
  uint64_t rejected = 0;         ///< rejections delivered
  uint64_t bytes = 0;            ///< decompressed bytes read
  uint64_t warc_skipped = 0;     ///< WARC records holding no page (request, metadata, warcinfo...)
  uint64_t warc_non_html = 0;    ///< WARC responses that are not HTML (images, PDF, feeds...)
  uint64_t warc_not_ok = 0;      ///< WARC responses with a non-2xx HTTP status (redirects, errors)
  uint64_t charset_unknown = 0;  ///< pages declaring a charset nobody knows (read as UTF-8)
};

}  // namespace kindred::ingest
