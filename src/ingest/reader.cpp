#include "ingest/reader.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "ingest/byte_stream.h"
#include "ingest/jsonl_reader.h"
#include "ingest/read_context.h"
#include "ingest/text_reader.h"

namespace kindred::ingest {
namespace fs = std::filesystem;

namespace {

enum class Format { kUnknown, kText, kJsonLines };

// The format a file name announces once one compression suffix is set aside;
// whether the file really is compressed is decided by its magic number.
Format format_of(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  std::string_view s = lower;
  for (std::string_view suffix : {".gz", ".zst", ".zstd"}) {
    if (s.ends_with(suffix)) {
      s.remove_suffix(suffix.size());
      break;
    }
  }
  if (s.ends_with(".txt")) return Format::kText;
  if (s.ends_with(".jsonl") || s.ends_with(".json") || s.ends_with(".ndjson")) {
    return Format::kJsonLines;
  }
  return Format::kUnknown;
}

// Reads an opened file in its format. Returns false when reading must stop.
bool read_stream(ByteStream& stream, Format format, const std::string& file, std::string id,
                 ReadContext& ctx) {
  ++ctx.stats().files;
  if (format == Format::kText) return read_text(stream, file, std::move(id), ctx);
  return read_jsonl(stream, file, ctx);
}

// Walks `dir` (whose entries have ids starting with `rel_prefix`) in sorted
// order. Returns false when reading must stop.
bool walk(const fs::path& dir, const std::string& rel_prefix, ReadContext& ctx) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  auto cannot_list = [&] {
    return ctx.reject(
        Origin{dir.string(), 0, 0}, {},
        Status(StatusCode::kIoError, dir.string() + ": cannot read directory: " + ec.message()));
  };
  fs::directory_iterator it(dir, ec);
  if (ec) return cannot_list();
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    entries.push_back(*it);
  }
  if (ec && !cannot_list()) return false;
  // Byte order of names; recursing in place then yields the files sorted by
  // path, component by component, as std::filesystem::path compares them.
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.path().filename().native() < b.path().filename().native();
  });

  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.')) continue;  // hidden files and directories
    const std::string rel = rel_prefix.empty() ? name : rel_prefix + '/' + name;
    std::error_code link_ec, type_ec;
    const bool is_link = entry.is_symlink(link_ec);
    const fs::file_status st = entry.status(type_ec);  // follows links
    if (fs::is_directory(st)) {
      // Links to directories are not followed: they could loop, or read a
      // folder twice under two names.
      if (!is_link && !walk(entry.path(), rel, ctx)) return false;
      continue;
    }
    const Format format = format_of(name);
    // Devices, FIFOs and sockets are not documents (and could block forever).
    const bool readable = fs::is_regular_file(st) || type_ec || link_ec;
    if (format == Format::kUnknown || !readable) {
      ++ctx.stats().files_skipped;
      continue;
    }
    const std::string file = entry.path().string();
    auto stream = open_stream(file);
    if (!stream) {
      // Unreadable or a dangling link: the open error names it precisely. Only
      // a .txt file's name is a document id; a JSON Lines file holds many.
      std::string id = format == Format::kText ? rel : std::string();
      if (!ctx.reject(Origin{file, 0, 0}, std::move(id), stream.status())) return false;
      continue;
    }
    if (!read_stream(**stream, format, file, rel, ctx)) return false;
  }
  return true;
}

}  // namespace

Status read_path(std::string_view path, const ReadOptions& options, const DocumentSink& on_document,
                 const RejectSink& on_reject, ReadStats* stats) {
  ReadStats local;
  ReadContext ctx(options, on_document, on_reject, stats != nullptr ? *stats : local);
  const std::string file(path);
  // Problems with PATH itself go through on_reject like any bad record, so a
  // caller has one place to decide between failing fast and going on.
  auto path_problem = [&](Status status) {
    ctx.reject(Origin{file, 0, 0}, {}, std::move(status));
    return ctx.stop_status();
  };

  Format format = Format::kJsonLines;  // stdin is always JSON Lines
  if (path != "-") {
    std::error_code ec;
    const fs::file_status st = fs::status(file, ec);
    if (!fs::exists(st)) {
      const bool missing = st.type() == fs::file_type::not_found || path.empty();
      return path_problem(Status(missing ? StatusCode::kNotFound : StatusCode::kIoError,
                                 file + ": " + (ec ? ec.message() : std::string("cannot access"))));
    }
    if (fs::is_directory(st)) {
      walk(fs::path(file), {}, ctx);
      return ctx.stop_status();
    }
    format = format_of(fs::path(file).filename().string());
    if (format == Format::kUnknown) {
      return path_problem(Status(StatusCode::kInvalidArgument,
                                 file + ": unsupported file type (expected .txt, .jsonl, .json or "
                                        ".ndjson, optionally compressed as .gz or .zst)"));
    }
  }
  auto stream = open_stream(file);
  if (!stream) return path_problem(stream.status());
  read_stream(**stream, format, file, file, ctx);
  return ctx.stop_status();
}

}  // namespace kindred::ingest
