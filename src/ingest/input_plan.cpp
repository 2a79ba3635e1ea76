#include "kindred/input_plan.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/byte_stream.h"
#include "ingest/folder_walk.h"
#include "ingest/jsonl_reader.h"
#include "ingest/line_reader.h"
#include "ingest/read_context.h"
#include "ingest/reader.h"
#include "ingest/sniff.h"

namespace kindred::ingest {

namespace {

Status file_error(const std::string& file) {
  const int err = errno;
  return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
                file + ": " + std::strerror(err));
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Result<File> open_at(const std::string& file, uint64_t offset) {
  File f(std::fopen(file.c_str(), "rb"));
  if (!f) return file_error(file);
  if (fseeko(f.get(), static_cast<off_t>(offset), SEEK_SET) != 0) return file_error(file);
  return f;
}

// The bytes of an open file from where it stands to its end, uncompressed.
class FileTail : public ByteStream {
 public:
  explicit FileTail(File f) : file_(std::move(f)) {}
  Status read(char* buffer, size_t capacity, size_t* got) override {
    *got = std::fread(buffer, 1, capacity, file_.get());
    if (*got < capacity && std::ferror(file_.get())) {
      return Status(StatusCode::kIoError, std::strerror(errno));
    }
    return Status::ok();
  }

 private:
  File file_;
};

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The JSON Lines records starting in [begin, end), numbered and placed as a
// read of the whole file (ingest::read_jsonl) numbers and places them.
bool read_jsonl_range(const InputPiece& piece, ReadContext& ctx) {
  const std::string& file = piece.file;
  auto opened = open_at(file, piece.begin == 0 ? 0 : piece.begin - 1);
  if (!opened) return ctx.reject(Origin{file, 0, piece.begin}, {}, opened.status());
  File f = std::move(*opened);
  // The first record starts at `start`: `begin` itself when a line ends just
  // before it, else after the next newline.
  uint64_t start = piece.begin;
  uint64_t first_line = piece.newlines + 1;
  if (piece.begin > 0) {
    uint64_t at = piece.begin - 1;  // where the newline ending the previous line is sought
    int c = std::fgetc(f.get());
    while (c != EOF && c != '\n') {
      c = std::fgetc(f.get());
      ++at;
    }
    if (c == EOF) return true;  // no line starts in the range
    start = at + 1;
    if (at >= piece.begin) ++first_line;  // that newline lies inside the range
  }
  if (start >= piece.end) return true;
  if (fseeko(f.get(), static_cast<off_t>(start), SEEK_SET) != 0) {
    return ctx.reject(Origin{file, first_line, start}, {}, file_error(file));
  }
  // LineReader strips a byte-order mark from the first line it reads, which is
  // right only at the start of the file.
  char head[3] = {};
  const size_t head_got = std::fread(head, 1, sizeof head, f.get());
  const bool inner_bom = start > 0 && std::string_view(head, head_got) == kBom;
  if (fseeko(f.get(), static_cast<off_t>(start), SEEK_SET) != 0) {
    return ctx.reject(Origin{file, first_line, start}, {}, file_error(file));
  }

  FileTail stream(std::move(f));
  const uint64_t limit = ctx.options().max_document_bytes;
  LineReader reader(stream, limit);
  JsonLineParser parser(ctx.options().fields);
  std::string restored;  // the first line with its byte-order mark put back
  Line line;
  bool go_on = true;
  bool past_end = false;
  while (go_on && reader.next(&line)) {
    if (start + line.offset >= piece.end) {
      past_end = true;
      break;
    }
    const bool first = line.number == 1;
    line.number += first_line - 1;
    line.offset += start;
    if (first && inner_bom) {
      line.length += kBom.size();
      if (!line.too_long) {
        restored.assign(kBom);
        restored.append(line.bytes);
        restored.append(kLinePadding, '\0');
        line.bytes = std::string_view(restored.data(), restored.size() - kLinePadding);
      }
      if (line.length > limit) {
        line.too_long = true;
        line.bytes = {};
      }
    }
    go_on = consume_jsonl_line(line, file, limit, parser, ctx);
  }
  ctx.stats().bytes += reader.bytes();
  if (!go_on) return false;
  if (!past_end && !reader.status().is_ok()) {
    const uint64_t lines = first_line - 1 + reader.lines();
    const uint64_t bytes = start + reader.bytes();
    const Status& st = reader.status();
    std::string msg = file + ": " + st.message() + " after line " + std::to_string(lines) +
                      " (byte " + std::to_string(bytes) + ")";
    return ctx.reject(Origin{file, lines + 1, bytes}, {}, Status(st.code(), std::move(msg)));
  }
  return true;
}

// JSON Lines by every rule ingest has: the name says so, the content is not
// compressed, and after a byte-order mark and blanks it opens with '{' (so no
// strong sign of WARC or HTML overrules the name). Byte ranges of such a file
// read as the whole file does.
bool splittable(const std::string& file, std::string_view name) {
  if (format_from_name(name) != Format::kJsonLines) return false;
  auto opened = open_at(file, 0);
  if (!opened) return false;
  char buf[kSniffBytes];
  const size_t got = std::fread(buf, 1, sizeof buf, opened->get());
  std::string_view head(buf, got);
  if (sniff_codec(head) != Codec::kNone) return false;
  if (head.starts_with(kBom)) head.remove_prefix(kBom.size());
  const size_t first = head.find_first_not_of(" \t\r\n\f\v");
  return first != std::string_view::npos && head[first] == '{';
}

InputPiece piece(InputPiece::Kind kind, std::string file, std::string id, uint64_t size) {
  InputPiece p;
  p.kind = kind;
  p.file = std::move(file);
  p.id = std::move(id);
  p.size = size;
  return p;
}

// A file: one piece, or byte ranges of at most `split_bytes` when it is a
// large, uncompressed JSON Lines file.
void plan_file(InputPiece whole, std::string_view name, uint64_t split_bytes, InputPlan& plan) {
  plan.bytes += whole.size;
  // At most 2^32 ranges, so that the bounds below cannot overflow.
  split_bytes = std::max(split_bytes, (whole.size >> 32) + 1);
  if (whole.size > split_bytes && splittable(whole.file, name)) {
    const uint64_t n = (whole.size + split_bytes - 1) / split_bytes;
    const uint64_t q = whole.size / n, r = whole.size % n;
    auto bound = [&](uint64_t i) { return i * q + i * r / n; };  // floor(size * i / n)
    for (uint64_t i = 0; i < n; ++i) {
      InputPiece range = piece(InputPiece::Kind::kJsonlRange, whole.file, {}, 0);
      range.begin = bound(i);
      range.end = bound(i + 1);
      range.size = range.end - range.begin;
      plan.pieces.push_back(std::move(range));
    }
    return;
  }
  plan.pieces.push_back(std::move(whole));
}

}  // namespace

const char* piece_kind_name(InputPiece::Kind kind) {
  switch (kind) {
    case InputPiece::Kind::kPath:
      return "path";
    case InputPiece::Kind::kFolderFile:
      return "folder_file";
    case InputPiece::Kind::kJsonlRange:
      return "jsonl_range";
  }
  return "path";
}

InputPlan plan_inputs(std::span<const std::string> paths, uint64_t split_bytes) {
  split_bytes = std::max<uint64_t>(split_bytes, 1);
  InputPlan plan;
  for (const std::string& path : paths) {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (path != "-" && std::filesystem::is_directory(st)) {
      FolderVisitor visitor;
      visitor.unlistable = [&](const std::string& folder, const std::error_code&) {
        // Read as a PATH, it reports what `kindred scan` reports.
        plan.pieces.push_back(piece(InputPiece::Kind::kPath, folder, {}, 0));
        return FolderVisitor::Next::kSkipFolder;
      };
      visitor.skipped = [&] { ++plan.files_skipped; };
      visitor.want_sizes = true;
      visitor.file = [&](const FolderFile& f) {
        plan_file(piece(InputPiece::Kind::kFolderFile, f.path, f.rel, f.size), f.name, split_bytes,
                  plan);
        return true;
      };
      walk_folder(path, {}, visitor);
      continue;
    }
    uint64_t size = 0;
    if (std::filesystem::is_regular_file(st)) {
      const uintmax_t s = std::filesystem::file_size(path, ec);
      if (!ec) size = s;
    }
    if (path == "-") {
      plan.pieces.push_back(piece(InputPiece::Kind::kPath, path, {}, 0));
      continue;
    }
    plan_file(piece(InputPiece::Kind::kPath, path, {}, size),
              std::filesystem::path(path).filename().string(), split_bytes, plan);
  }
  return plan;
}

std::vector<std::vector<InputPiece>> group_shards(std::span<const InputPiece> pieces,
                                                  uint64_t target_bytes) {
  std::vector<std::vector<InputPiece>> shards;
  std::vector<InputPiece> current;
  uint64_t size = 0;
  for (const InputPiece& piece : pieces) {
    if (!current.empty() && size + piece.size > target_bytes) {
      shards.push_back(std::move(current));
      current.clear();
      size = 0;
    }
    current.push_back(piece);
    size += std::max<uint64_t>(piece.size, 1);
  }
  if (!current.empty()) shards.push_back(std::move(current));
  return shards;
}

Status read_input(const InputPiece& piece, const ReadOptions& options,
                  const std::function<bool(Document&&)>& on_document,
                  const std::function<bool(Rejection&&)>& on_reject, ReadStats* stats) {
  if (piece.kind == InputPiece::Kind::kPath) {
    return read_path(piece.file, options, on_document, on_reject, stats);
  }
  ReadStats local;
  ReadContext ctx(options, on_document, on_reject, stats != nullptr ? *stats : local);
  if (piece.kind == InputPiece::Kind::kJsonlRange) {
    if (piece.begin == 0) ++ctx.stats().files;
    read_jsonl_range(piece, ctx);
    return ctx.stop_status();
  }
  // A file inside a folder: read as the walk reads it.
  const std::string name = std::filesystem::path(piece.file).filename().string();
  read_folder_file(FolderFile{piece.file, piece.id, name, piece.size}, ctx);
  return ctx.stop_status();
}

Result<uint64_t> count_newlines(const std::string& file, uint64_t begin, uint64_t end) {
  auto opened = open_at(file, begin);
  if (!opened) return opened.status();
  std::vector<char> buf(size_t{1} << 20);
  uint64_t count = 0;
  uint64_t left = end > begin ? end - begin : 0;
  while (left > 0) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    const size_t got = std::fread(buf.data(), 1, want, opened->get());
    count += static_cast<uint64_t>(std::count(buf.data(), buf.data() + got, '\n'));
    left -= got;
    if (got < want) {
      if (std::ferror(opened->get())) return file_error(file);
      break;
    }
  }
  return count;
}

}  // namespace kindred::ingest
