#include "ingest/reader.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "ingest/byte_stream.h"
#include "ingest/charset.h"
#include "ingest/folder_walk.h"
#include "ingest/html_reader.h"
#include "ingest/jsonl_reader.h"
#include "ingest/read_context.h"
#include "ingest/sniff.h"
#include "ingest/text_reader.h"
#include "ingest/warc_reader.h"

namespace kindred::ingest {
namespace fs = std::filesystem;

namespace {

// Reads an opened file in its format. Returns false when reading must stop.
bool read_stream(ByteStream& stream, Format format, const std::string& file, std::string id,
                 ReadContext& ctx) {
  ++ctx.stats().files;
  switch (format) {
    case Format::kText:
      return read_text(stream, file, std::move(id), ctx);
    case Format::kHtml:
      return read_html(stream, file, std::move(id), ctx);
    case Format::kWarc:
      return read_warc(stream, file, ctx);
    case Format::kJsonLines:
    case Format::kUnknown:
      break;
  }
  return read_jsonl(stream, file, ctx);
}

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// The format of a stream (sniff.h), looking at no more bytes than it needs:
// a pipe delivering one short JSON line is not kept waiting for a full KiB.
// A read error is left in *error (the reader meets it again).
Format detect_format(PeekStream& peek, std::string_view name, Status* error) {
  size_t want = 16;
  for (;;) {
    std::string_view prefix;
    *error = peek.peek(want, &prefix);
    size_t i = prefix.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    while (i < prefix.size() && blank(prefix[i])) ++i;
    const bool decided = !error->is_ok() || peek.at_end() || prefix.size() >= kSniffBytes ||
                         (i < prefix.size() && prefix[i] != '<');
    if (decided) return choose_format(prefix, name);
    want = i < prefix.size() ? kSniffBytes : prefix.size() + 64;
  }
}

// A stream whose byte order mark says UTF-16 or UTF-32 is read through a
// converter, so that every reader (and the format sniffing) sees UTF-8; null
// for any other stream (a read error is met again by the reader).
std::unique_ptr<ByteStream> utf8_view(PeekStream& raw) {
  std::string_view prefix;
  raw.peek(4, &prefix);
  const std::string_view bom = charset_from_bom(prefix);
  if (bom.empty() || bom == "UTF-8") return nullptr;
  return make_utf8_stream(raw, std::string(bom));
}

// Walks `dir` (folder_walk.h has the rule), reading each file in its format.
// Returns false when reading must stop.
bool walk(const std::string& dir, ReadContext& ctx) {
  FolderVisitor visitor;
  visitor.unlistable = [&](const std::string& folder, const std::error_code& ec) {
    const bool go_on = ctx.reject(
        Origin{folder, 0, 0}, {},
        Status(StatusCode::kIoError, folder + ": cannot read directory: " + ec.message()));
    return go_on ? FolderVisitor::Next::kGoOn : FolderVisitor::Next::kStop;
  };
  visitor.skipped = [&] { ++ctx.stats().files_skipped; };
  visitor.file = [&](const FolderFile& entry) { return read_folder_file(entry, ctx); };
  return walk_folder(dir, {}, visitor);
}

// read_path and read_path_or_text: `unknown_as_text` says what content of no
// recognisable format is (plain text, or refused in a file and JSON Lines on stdin).
Status read_one_path(std::string_view path, const ReadOptions& options,
                     const DocumentSink& on_document, const RejectSink& on_reject, ReadStats* stats,
                     bool unknown_as_text) {
  ReadStats local;
  ReadContext ctx(options, on_document, on_reject, stats != nullptr ? *stats : local);
  const std::string file(path);
  // Problems with PATH itself go through on_reject like any bad record, so a
  // caller has one place to decide between failing fast and going on.
  auto path_problem = [&](Status status) {
    ctx.reject(Origin{file, 0, 0}, {}, std::move(status));
    return ctx.stop_status();
  };

  std::string name;  // stdin has none: JSON Lines unless the content says otherwise
  if (path != "-") {
    std::error_code ec;
    const fs::file_status st = fs::status(file, ec);
    if (!fs::exists(st)) {
      const bool missing = st.type() == fs::file_type::not_found || path.empty();
      return path_problem(Status(missing ? StatusCode::kNotFound : StatusCode::kIoError,
                                 file + ": " + (ec ? ec.message() : std::string("cannot access"))));
    }
    if (fs::is_directory(st)) {
      walk(file, ctx);
      return ctx.stop_status();
    }
    name = fs::path(file).filename().string();
  }
  auto stream = open_stream(file);
  if (!stream) return path_problem(stream.status());
  PeekStream raw(**stream);
  const std::unique_ptr<ByteStream> utf8 = utf8_view(raw);
  PeekStream peek(utf8 ? *utf8 : raw);
  Status sniff_error;
  Format format = detect_format(peek, name, &sniff_error);
  if (format == Format::kUnknown && unknown_as_text && sniff_error.is_ok()) {
    format = Format::kText;
  } else if (format == Format::kUnknown) {
    if (path != "-") {
      return path_problem(Status(StatusCode::kInvalidArgument,
                                 file + ": unsupported file type (expected .txt, .jsonl, .json, "
                                        ".ndjson, .html, .htm or .warc, optionally compressed as "
                                        ".gz or .zst, or content that shows one of them)"));
    }
    format = Format::kJsonLines;
  }
  read_stream(peek, format, file, file, ctx);
  return ctx.stop_status();
}

}  // namespace

bool read_folder_file(const FolderFile& entry, ReadContext& ctx) {
  const Format by_name = format_from_name(entry.name);
  // One document per file: its name is the id.
  auto id_for = [&](Format f) {
    return f == Format::kText || f == Format::kHtml ? entry.rel : std::string();
  };
  auto stream = open_stream(entry.path);
  if (!stream) {
    // Unreadable or a dangling link: the open error names it precisely. A
    // file that does not even look like a document by name is only counted.
    if (by_name == Format::kUnknown) {
      ++ctx.stats().files_skipped;
      return true;
    }
    return ctx.reject(Origin{entry.path, 0, 0}, id_for(by_name), stream.status());
  }
  PeekStream raw(**stream);
  const std::unique_ptr<ByteStream> utf8 = utf8_view(raw);
  PeekStream peek(utf8 ? *utf8 : raw);
  Status sniff_error;
  const Format format = detect_format(peek, entry.name, &sniff_error);
  if (format == Format::kUnknown) {
    if (sniff_error.is_ok()) {
      ++ctx.stats().files_skipped;
      return true;
    }
    return ctx.reject(Origin{entry.path, 0, 0}, {},
                      Status(sniff_error.code(), entry.path + ": " + sniff_error.message()));
  }
  return read_stream(peek, format, entry.path, id_for(format), ctx);
}

Status read_path(std::string_view path, const ReadOptions& options, const DocumentSink& on_document,
                 const RejectSink& on_reject, ReadStats* stats) {
  return read_one_path(path, options, on_document, on_reject, stats, false);
}

Status read_path_or_text(std::string_view path, const ReadOptions& options,
                         const DocumentSink& on_document, const RejectSink& on_reject,
                         ReadStats* stats) {
  return read_one_path(path, options, on_document, on_reject, stats, true);
}

}  // namespace kindred::ingest
