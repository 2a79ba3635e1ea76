// HTML pages: one file (or one WARC response) is one document, its text the
// article extracted by html_extract.h after charset conversion (charset.h).
#pragma once

#include <string>
#include <string_view>

#include "ingest/byte_stream.h"
#include "ingest/read_context.h"
#include "kindred/document.h"

namespace kindred::ingest {

struct HtmlPageInfo {
  std::string charset;           ///< the charset the page was decoded from
  bool charset_unknown = false;  ///< a declared charset was unknown (decoded as UTF-8)
  bool body_from_json_ld = false;
  uint64_t tags_dropped = 0;  ///< by the nesting guard
};

// Decodes and extracts one page into doc->text, title, date, url and source
// (the site name); doc->invalid_utf8 counts repaired bytes. `http_charset`
// (may be empty) is the charset of an HTTP Content-Type header; `base_url`
// (may be empty) resolves a relative canonical link. Returns kTooLarge when
// the page is too costly to parse and kDataError when it holds no article
// text; the messages carry no file name (the caller adds it).
Status html_to_document(std::string_view bytes, std::string_view http_charset,
                        std::string_view base_url, Document* doc, HtmlPageInfo* info);

// Reads `stream` as one HTML page with id `id`; `file` names it in its Origin
// and in messages. Returns false when a rejection stopped reading.
bool read_html(ByteStream& stream, const std::string& file, std::string id, ReadContext& ctx);

}  // namespace kindred::ingest
