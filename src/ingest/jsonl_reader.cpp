#include "ingest/jsonl_reader.h"

#include "ingest/json_document.h"

#include <simdjson.h>

#include <string_view>
#include <utility>

#include "util/utf8.h"

namespace kindred::ingest {
namespace {

static_assert(kLinePadding >= simdjson::SIMDJSON_PADDING, "LineReader must pad lines for simdjson");

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

}  // namespace

struct JsonLineParser::Impl {
  JsonFields fields;
  simdjson::dom::parser parser;
  simdjson::padded_string repaired;  // the line after UTF-8 repair, when it needed one

  // "FILE:LINE: what"
  static Status error(const std::string& file, const Line& line, std::string_view what) {
    std::string msg = file;
    msg += ':';
    msg += std::to_string(line.number);
    msg += ": ";
    msg += what;
    return Status(StatusCode::kDataError, std::move(msg));
  }
};

JsonLineParser::JsonLineParser(JsonFields fields) : impl_(std::make_unique<Impl>()) {
  impl_->fields = std::move(fields);
}

JsonLineParser::~JsonLineParser() = default;

Status JsonLineParser::parse(const Line& line, const std::string& file, Document* doc,
                             std::string* id) {
  Impl& im = *impl_;
  const JsonFields& f = im.fields;
  simdjson::dom::element root;
  uint32_t line_repairs = 0;
  auto err =
      im.parser.parse(line.bytes.data(), line.bytes.size(), /*realloc_if_needed=*/false).get(root);
  if (err != simdjson::SUCCESS) {
    // simdjson refuses invalid UTF-8 (and raw NUL bytes) anywhere in the
    // document. Such bytes sit inside strings in practice, and a record should
    // not be lost to them: repair the whole line, count, and parse again.
    // Repair never touches ASCII, so the JSON structure is unchanged.
    std::string bytes(line.bytes);
    line_repairs = util::repair_utf8(bytes);
    if (line_repairs > 0) {
      im.repaired = simdjson::padded_string(bytes);
      err = im.parser.parse(im.repaired).get(root);
    }
  }
  if (err != simdjson::SUCCESS) {
    return Impl::error(file, line, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  // Bad bytes repaired on the whole line are counted as the text's: the text
  // is nearly always where they were, and the count is per document anyway.
  doc->invalid_utf8 = line_repairs;
  if (Status st = document_from_json(root, f, doc, id); !st.is_ok()) {
    return Impl::error(file, line, st.message());
  }
  if (doc->id.empty()) {
    doc->id = file + ':' + std::to_string(line.number);  // *id stays empty: the record has none
  }
  doc->origin = Origin{file, line.number, line.offset};
  return Status::ok();
}

bool consume_jsonl_line(const Line& line, const std::string& file, uint64_t limit,
                        JsonLineParser& parser, ReadContext& ctx) {
  Origin origin{file, line.number, line.offset};
  if (line.too_long) {
    return ctx.reject(std::move(origin), {},
                      Status(StatusCode::kTooLarge, file + ':' + std::to_string(line.number) +
                                                        ": line of " + std::to_string(line.length) +
                                                        " bytes exceeds max_document_bytes (" +
                                                        std::to_string(limit) + ")"));
  }
  if (is_blank(line.bytes)) return true;
  Document doc;
  std::string id;
  if (Status st = parser.parse(line, file, &doc, &id); !st.is_ok()) {
    return ctx.reject(std::move(origin), std::move(id), std::move(st));
  }
  return ctx.deliver(std::move(doc));
}

bool read_jsonl(ByteStream& stream, const std::string& file, ReadContext& ctx) {
  const uint64_t limit = ctx.options().max_document_bytes;
  LineReader reader(stream, limit);
  JsonLineParser parser(ctx.options().fields);
  Line line;
  bool go_on = true;
  while (go_on && reader.next(&line)) go_on = consume_jsonl_line(line, file, limit, parser, ctx);
  ctx.stats().bytes += reader.bytes();
  if (!go_on) return false;
  if (!reader.status().is_ok()) {
    // Everything before the damage has been delivered; say how far that was.
    const Status& st = reader.status();
    std::string msg = file + ": " + st.message() + " after line " + std::to_string(reader.lines()) +
                      " (byte " + std::to_string(reader.bytes()) + ")";
    return ctx.reject(Origin{file, reader.lines() + 1, reader.bytes()}, {},
                      Status(st.code(), std::move(msg)));
  }
  return true;
}

}  // namespace kindred::ingest
