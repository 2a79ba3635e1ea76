#include "ingest/html_reader.h"

#include <utility>

#include "ingest/charset.h"
#include "ingest/html_extract.h"
#include "ingest/text_reader.h"
#include "util/utf8.h"

namespace kindred::ingest {

Status html_to_document(std::string_view bytes, std::string_view http_charset,
                        std::string_view base_url, Document* doc, HtmlPageInfo* info) {
  std::string utf8;
  const Decoded decoded = decode_to_utf8(bytes, http_charset, /*html=*/true, &utf8);
  info->charset = decoded.charset;
  info->charset_unknown = decoded.fallback;
  Result<Article> extracted = extract_article(utf8, base_url);
  if (!extracted) return extracted.status();
  Article& a = *extracted;
  info->body_from_json_ld = a.body_from_json_ld;
  info->tags_dropped = a.tags_dropped;
  if (a.text.empty()) {
    return Status(StatusCode::kDataError,
                  "no article text found in the HTML page (charset " + decoded.charset + ")");
  }
  doc->text = std::move(a.text);
  doc->title = title_from_text(a.title);
  doc->date = std::move(a.date);
  doc->url = std::move(a.url);
  doc->source = std::move(a.site);
  doc->invalid_utf8 = decoded.invalid;
  return Status::ok();
}

bool read_html(ByteStream& stream, const std::string& file, std::string id, ReadContext& ctx) {
  const uint64_t limit = ctx.options().max_document_bytes;
  std::string bytes;
  Status st = read_up_to(stream, limit, &bytes);
  ctx.stats().bytes += bytes.size();
  if (!st.is_ok()) {
    return ctx.reject(Origin{file, 0, bytes.size()}, std::move(id),
                      Status(st.code(), file + ": " + st.message() + " (byte " +
                                            std::to_string(bytes.size()) + ")"));
  }
  if (bytes.size() > limit) {
    return ctx.reject(
        Origin{file, 0, 0}, std::move(id),
        Status(StatusCode::kTooLarge,
               file + ": document exceeds max_document_bytes (" + std::to_string(limit) + ")"));
  }
  Document doc;
  HtmlPageInfo info;
  st = html_to_document(bytes, {}, {}, &doc, &info);
  if (info.charset_unknown) ++ctx.stats().charset_unknown;
  if (!st.is_ok()) {
    return ctx.reject(Origin{file, 0, 0}, std::move(id),
                      Status(st.code(), file + ": " + st.message()));
  }
  doc.id = std::move(id);
  util::repair_utf8(doc.id);  // file names need not be UTF-8
  doc.origin = Origin{file, 0, 0};
  return ctx.deliver(std::move(doc));
}

}  // namespace kindred::ingest
