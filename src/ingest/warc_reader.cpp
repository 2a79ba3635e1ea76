#include "ingest/warc_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "ingest/charset.h"
#include "ingest/codecs.h"
#include "ingest/html_reader.h"
#include "ingest/sniff.h"
#include "util/utf8.h"

namespace kindred::ingest {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;
constexpr size_t kMaxHeaderLine = 64 << 10;        // one WARC header line
constexpr size_t kMaxHeaderBytes = 1 << 20;        // all of a record's WARC header
constexpr size_t kMaxHttpHeaderBytes = 256 << 10;  // HTTP status line and headers

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// "<urn:uuid:...>" -> "urn:uuid:..." (WARC/1.0 wraps URIs in angle brackets).
std::string unbracket(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  std::string out(s);
  util::repair_utf8(out);
  return out;
}

bool parse_length(std::string_view s, uint64_t* out) {
  s = trim(s);
  if (s.empty() || s.size() > 18) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// Where a WARC header line ("WARC/1.0", "WARC/1.1") starts in `bytes`, which
// begin at the start of a line; npos when none does.
size_t find_header(std::string_view bytes) {
  constexpr std::string_view kMagic = "WARC/1.";
  for (size_t at = 0; at < bytes.size();) {
    if (bytes.substr(at).starts_with(kMagic)) return at;
    const size_t nl = bytes.find('\n', at);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return std::string_view::npos;
}

// Buffered reading of the (decompressed) stream with the consumed offset.
class Input {
 public:
  explicit Input(ByteStream& stream)
      : stream_(stream), buf_(new char[kChunkBytes]) {}  // not zeroed: always written before read

  // The next line without its "\n" / "\r\n", keeping at most `max` bytes
  // (*too_long then says more were discarded). False at the end of the stream
  // or after an error, when nothing of a line was read.
  bool line(size_t max, std::string* out, bool* too_long) {
    out->clear();
    *too_long = false;
    bool any = false;
    for (;;) {
      if (begin_ == end_ && !fill()) return any;
      any = true;
      const char* data = base() + begin_;
      const size_t avail = end_ - begin_;
      const void* nl = std::memchr(data, '\n', avail);
      const size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : avail;
      const size_t keep = std::min(take, max - std::min(max, out->size()));
      out->append(data, keep);
      if (keep < take) *too_long = true;
      consume(nl ? take + 1 : take);
      if (nl) break;
    }
    if (!out->empty() && out->back() == '\r') out->pop_back();
    return true;
  }

  // Appends up to n bytes to *out (or drops them when out is null); returns
  // how many there were: fewer than n at the end of the stream or an error.
  uint64_t read(uint64_t n, std::string* out) {
    uint64_t done = 0;
    while (done < n) {
      if (begin_ == end_ && !fill()) break;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n - done, end_ - begin_));
      if (out != nullptr) out->append(base() + begin_, take);
      consume(take);
      done += take;
    }
    return done;
  }

  // Drops up to n bytes and returns how many there were (fewer at the end of
  // the stream). In case n turns out to run past the end, the bytes from the
  // first line that may start a WARC header on (from the first byte when
  // `keep_all`) are kept in *kept, their stream offset in *kept_at; at most
  // `cap` of them, else none.
  uint64_t skip(uint64_t n, uint64_t cap, bool keep_all, std::string* kept, uint64_t* kept_at) {
    constexpr std::string_view kMagic = "WARC/1.";
    kept->clear();
    bool keeping = keep_all, given_up = false;
    bool line_start = true;  // the content starts a line (its header ended with one)
    if (keeping) *kept_at = consumed_;
    uint64_t done = 0;
    while (done < n) {
      if (begin_ == end_ && !fill()) break;
      const char* data = base() + begin_;
      size_t take = static_cast<size_t>(std::min<uint64_t>(n - done, end_ - begin_));
      if (!keeping && !given_up) {
        // A line start whose bytes (as far as they go here) match the magic.
        auto after_newline = [&](size_t from) {
          const void* nl = std::memchr(data + from, '\n', take - from);
          return nl == nullptr ? take
                               : static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
        };
        for (size_t at = line_start ? 0 : after_newline(0); at < take; at = after_newline(at)) {
          const size_t m = std::min(kMagic.size(), take - at);
          if (std::string_view(data + at, m) == kMagic.substr(0, m)) {
            keeping = true;
            *kept_at = consumed_ + at;
            kept->assign(data + at, take - at);
            break;
          }
        }
      } else if (keeping && !given_up) {
        kept->append(data, take);
      }
      if (kept->size() > cap) {
        kept->clear();
        kept->shrink_to_fit();
        keeping = false;
        given_up = true;
      }
      line_start = data[take - 1] == '\n';
      consume(take);
      done += take;
    }
    return done;
  }

  // Hands `bytes` out again as the stream's next bytes, from stream offset
  // `offset` on: reading resumes at a record header found inside the bytes a
  // wrong Content-Length claimed. Only once the stream has ended.
  void replay(std::string bytes, uint64_t offset) {
    replay_ = std::move(bytes);
    replaying_ = true;
    begin_ = 0;
    end_ = replay_.size();
    consumed_ = offset;
  }

  uint64_t offset() const { return consumed_; }
  const Status& status() const { return status_; }
  bool ended_cleanly() const { return at_end_ && status_.is_ok(); }

 private:
  const char* base() const { return replaying_ ? replay_.data() : buf_.get(); }
  bool fill() {
    if (replaying_) {
      replaying_ = false;
      replay_ = std::string();
      begin_ = end_ = 0;
    }
    if (at_end_) return false;
    begin_ = end_ = 0;
    size_t got = 0;
    Status st = stream_.read(buf_.get(), kChunkBytes, &got);
    end_ = got;
    if (!st.is_ok()) {
      status_ = std::move(st);
      at_end_ = true;
    } else if (got == 0) {
      at_end_ = true;
    }
    return got > 0;
  }
  void consume(size_t n) {
    begin_ += n;
    consumed_ += n;
  }

  ByteStream& stream_;
  std::unique_ptr<char[]> buf_;
  size_t begin_ = 0, end_ = 0;
  uint64_t consumed_ = 0;
  bool at_end_ = false;
  Status status_;
  std::string replay_;  // bytes handed out again (replay()), before the end
  bool replaying_ = false;
};

struct Headers {
  std::vector<std::pair<std::string, std::string>> fields;  // lowercased name, value

  std::string get(std::string_view name) const {
    for (const auto& [k, v] : fields) {
      if (k == name) return v;
    }
    return {};
  }
  // Parses "Name: value" lines, folding continuation lines.
  void add_line(std::string_view line) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (!fields.empty()) {
        fields.back().second += ' ';
        fields.back().second += trim(line);
      }
      return;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    fields.emplace_back(lowered(trim(line.substr(0, colon))),
                        std::string(trim(line.substr(colon + 1))));
  }
};

struct HttpResponse {
  int status = 0;
  Headers headers;
  size_t body_begin = 0;  // offset of the payload in the block
};

// The HTTP status line and headers at the start of `block`; false when they
// are not there or do not end within kMaxHttpHeaderBytes.
bool parse_http(std::string_view block, HttpResponse* out) {
  if (!block.starts_with("HTTP/")) return false;
  const std::string_view head = block.substr(0, kMaxHttpHeaderBytes);
  size_t end = head.find("\r\n\r\n");
  size_t sep = 4;
  const size_t lf = head.find("\n\n");
  if (lf != std::string_view::npos && (end == std::string_view::npos || lf < end)) {
    end = lf;
    sep = 2;
  }
  if (end == std::string_view::npos) {
    if (block.size() > kMaxHttpHeaderBytes) return false;
    end = block.size();  // headers only, no payload
    sep = 0;
  }
  std::string_view lines = head.substr(0, end);
  size_t nl = lines.find('\n');
  const std::string_view status_line = trim(lines.substr(0, nl));
  const size_t space = status_line.find(' ');
  if (space == std::string_view::npos || status_line.size() < space + 4) return false;
  int code = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    const char c = status_line[i];
    if (c < '0' || c > '9') return false;
    code = code * 10 + (c - '0');
  }
  out->status = code;
  while (nl != std::string_view::npos) {
    lines.remove_prefix(nl + 1);
    nl = lines.find('\n');
    std::string_view line = lines.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out->headers.add_line(line);
  }
  out->body_begin = std::min(block.size(), end + sep);
  return true;
}

// Undoes chunked transfer coding; false when `body` is not validly chunked
// (then it is used as it is: many archivers store payloads de-chunked).
bool dechunk(std::string_view body, std::string* out) {
  out->clear();
  size_t i = 0;
  for (;;) {
    const size_t nl = body.find('\n', i);
    if (nl == std::string_view::npos) return false;
    std::string_view size_line = trim(body.substr(i, nl - i));
    size_line = size_line.substr(0, size_line.find(';'));
    if (size_line.empty() || size_line.size() > 15) return false;
    uint64_t size = 0;
    for (char c : size_line) {
      const char l = lower(c);
      int digit = -1;
      if (l >= '0' && l <= '9') digit = l - '0';
      if (l >= 'a' && l <= 'f') digit = l - 'a' + 10;
      if (digit < 0) return false;
      size = size * 16 + static_cast<uint64_t>(digit);
    }
    i = nl + 1;
    if (size == 0) return true;
    if (size > body.size() - i) return false;
    out->append(body.substr(i, static_cast<size_t>(size)));
    i += static_cast<size_t>(size);
    if (body.substr(i).starts_with("\r\n")) {
      i += 2;
    } else if (body.substr(i).starts_with("\n")) {
      i += 1;
    }
  }
}

bool is_html_type(std::string_view mime) {
  return mime == "text/html" || mime == "application/xhtml+xml" || mime == "application/xhtml";
}

std::string mime_of(std::string_view content_type) {
  return lowered(trim(content_type.substr(0, content_type.find(';'))));
}

class WarcReader {
 public:
  WarcReader(ByteStream& stream, const std::string& file, ReadContext& ctx)
      : in_(stream), file_(file), ctx_(ctx), limit_(ctx.options().max_document_bytes) {}

  bool run();

 private:
  enum class Next { kGoOn, kStop, kResync };

  Next record(uint64_t offset);
  Next page(uint64_t offset, const Headers& warc, std::string block, bool http);
  bool truncated(uint64_t offset, const std::string& what);
  Next ran_short(uint64_t offset, const std::string& id, uint64_t length, std::string_view held,
                 uint64_t held_at, std::string kept, uint64_t kept_at);
  std::string at(uint64_t offset) const {
    return file_ + ": WARC record at byte " + std::to_string(offset);
  }
  bool reject(uint64_t offset, std::string id, StatusCode code, const std::string& what) {
    return ctx_.reject(Origin{file_, 0, offset}, std::move(id),
                       Status(code, at(offset) + ": " + what));
  }

  Input in_;
  const std::string& file_;
  ReadContext& ctx_;
  uint64_t limit_;
  bool stopped_ = false;  // a truncation or stream error ended the file
};

bool WarcReader::truncated(uint64_t offset, const std::string& what) {
  stopped_ = true;
  const Status& st = in_.status();
  if (!st.is_ok()) {
    return reject(offset, {}, st.code(), st.message() + " (" + what + ")");
  }
  return reject(offset, {}, StatusCode::kCorrupt, "truncated WARC record: " + what);
}

// The content of the record at `offset` ended before its Content-Length did.
// When the stream ended cleanly the length was wrong, and if a record header
// follows inside the bytes it claimed (`held`, read from stream offset
// held_at, then `kept` from kept_at), reading resumes there; otherwise the
// file ends with a truncation.
WarcReader::Next WarcReader::ran_short(uint64_t offset, const std::string& id, uint64_t length,
                                       std::string_view held, uint64_t held_at, std::string kept,
                                       uint64_t kept_at) {
  const std::string claim =
      "Content-Length " + std::to_string(length) + " runs past the end of the file";
  std::string again;
  uint64_t again_at = 0;
  if (in_.ended_cleanly()) {
    if (const size_t p = find_header(held); p != std::string_view::npos) {
      again.assign(held.substr(p));
      again_at = held_at + p;
      if (kept_at == held_at + held.size()) again += kept;  // contiguous: nothing lost between
    } else if (const size_t q = find_header(kept); q != std::string_view::npos) {
      again = kept.substr(q);
      again_at = kept_at + q;
    }
  }
  if (again.empty()) return truncated(offset, claim) ? Next::kGoOn : Next::kStop;
  const bool go_on = reject(offset, id, StatusCode::kCorrupt,
                            claim + "; resuming at the record at byte " + std::to_string(again_at));
  in_.replay(std::move(again), again_at);
  return go_on ? Next::kGoOn : Next::kStop;
}

bool WarcReader::run() {
  std::string line;
  bool too_long = false;
  bool lost = false;  // skipping bytes that are not a record, after one rejection
  while (!stopped_) {
    const uint64_t offset = in_.offset();
    if (!in_.line(kMaxHeaderLine, &line, &too_long)) break;
    if (!too_long && trim(line).empty()) continue;
    if (too_long || !line.starts_with("WARC/")) {
      if (!lost && !reject(offset, {}, StatusCode::kCorrupt,
                           "expected a WARC header line ('WARC/1.0' or 'WARC/1.1'); skipping to "
                           "the next record")) {
        return false;
      }
      lost = true;
      continue;
    }
    lost = false;
    const Next next = record(offset);
    if (next == Next::kStop) {
      ctx_.stats().bytes += in_.offset();
      return false;
    }
    if (next == Next::kResync) lost = true;
  }
  ctx_.stats().bytes += in_.offset();
  if (stopped_) return true;  // the truncation was reported and the sink chose to go on
  if (!in_.status().is_ok()) {
    const Status& st = in_.status();
    return ctx_.reject(Origin{file_, 0, in_.offset()}, {},
                       Status(st.code(), file_ + ": " + st.message() + " after byte " +
                                             std::to_string(in_.offset())));
  }
  return true;
}

WarcReader::Next WarcReader::record(uint64_t offset) {
  Headers warc;
  std::string line;
  bool too_long = false;
  size_t header_bytes = 0;
  for (;;) {
    if (!in_.line(kMaxHeaderLine, &line, &too_long)) {
      return truncated(offset, "the header does not end") ? Next::kGoOn : Next::kStop;
    }
    header_bytes += line.size() + 2;
    if (too_long || header_bytes > kMaxHeaderBytes) {
      return reject(offset, {}, StatusCode::kCorrupt, "WARC header over the size limit")
                 ? Next::kResync
                 : Next::kStop;
    }
    if (trim(line).empty()) break;
    warc.add_line(line);
  }
  uint64_t length = 0;
  if (!parse_length(warc.get("content-length"), &length)) {
    return reject(offset, unbracket(warc.get("warc-record-id")), StatusCode::kCorrupt,
                  "missing or invalid Content-Length")
               ? Next::kResync
               : Next::kStop;
  }
  const std::string type = lowered(trim(warc.get("warc-type")));
  const std::string warc_mime = mime_of(warc.get("content-type"));
  const bool http = warc_mime == "application/http" || (type == "response" && warc_mime.empty());
  const bool wanted = type == "response" || (type == "resource" && is_html_type(warc_mime));
  const std::string record_id = unbracket(warc.get("warc-record-id"));
  const uint64_t content_at = in_.offset();
  // A wrong Content-Length shows only when the stream ends before it; what
  // skipping keeps for that case is bounded like a record that is read.
  const uint64_t keep_cap = limit_ + kMaxHttpHeaderBytes;
  std::string block;  // the content read so far
  bool ran_out = false;
  auto skip_rest = [&](uint64_t n) {
    std::string kept;
    uint64_t kept_at = 0;
    const bool keep_all = find_header(block) != std::string_view::npos;
    if (in_.skip(n, keep_cap, keep_all, &kept, &kept_at) == n) return Next::kGoOn;
    ran_out = true;
    return ran_short(offset, record_id, length, block, content_at, std::move(kept), kept_at);
  };
  auto read_short = [&] { return ran_short(offset, record_id, length, block, content_at, {}, 0); };
  if (!wanted) {
    if (type == "resource") {
      ++ctx_.stats().warc_non_html;
    } else {
      ++ctx_.stats().warc_skipped;
    }
    return skip_rest(length);
  }
  // The HTTP headers tell whether the payload is wanted before it is read.
  const uint64_t head = std::min<uint64_t>(length, kMaxHttpHeaderBytes);
  if (in_.read(head, &block) != head) return read_short();
  if (http) {
    HttpResponse response;
    if (parse_http(block, &response)) {
      if (response.status < 200 || response.status > 299) {
        ++ctx_.stats().warc_not_ok;
        return skip_rest(length - head);
      }
      const std::string mime = mime_of(response.headers.get("content-type"));
      const bool sniffed =
          (mime.empty() || mime == "application/octet-stream" || mime == "unk" ||
           mime == "text/plain") &&
          sniff_content(std::string_view(block).substr(response.body_begin)) == Format::kHtml;
      if (!is_html_type(mime) && !sniffed) {
        ++ctx_.stats().warc_non_html;
        return skip_rest(length - head);
      }
    }
  } else if (!is_html_type(warc_mime) && sniff_content(block) != Format::kHtml) {
    ++ctx_.stats().warc_non_html;
    return skip_rest(length - head);
  }
  if (length > limit_ + kMaxHttpHeaderBytes) {
    if (skip_rest(length - head) == Next::kStop) return Next::kStop;
    if (ran_out) return Next::kGoOn;  // not a record that large: rejected as such
    return reject(offset, record_id, StatusCode::kTooLarge,
                  "record of " + std::to_string(length) + " bytes exceeds max_document_bytes (" +
                      std::to_string(limit_) + ")")
               ? Next::kGoOn
               : Next::kStop;
  }
  if (in_.read(length - head, &block) != length - head) return read_short();
  return page(offset, warc, std::move(block), http);
}

WarcReader::Next WarcReader::page(uint64_t offset, const Headers& warc, std::string block,
                                  bool http) {
  const std::string uri = unbracket(warc.get("warc-target-uri"));
  std::string id = unbracket(warc.get("warc-record-id"));
  if (ctx_.options().warc_id == WarcId::kTargetUri && !uri.empty()) id = uri;
  if (id.empty()) id = file_ + '@' + std::to_string(offset);
  auto fail = [&](StatusCode code, const std::string& what) {
    return reject(offset, id, code, (uri.empty() ? "" : "(" + uri + ") ") + what) ? Next::kGoOn
                                                                                  : Next::kStop;
  };

  std::string_view payload = block;
  std::string content_type = warc.get("content-type");
  Headers http_headers;
  if (http) {
    HttpResponse response;
    if (!parse_http(block, &response))
      return fail(StatusCode::kDataError, "malformed HTTP response");
    payload.remove_prefix(response.body_begin);
    http_headers = std::move(response.headers);
    content_type = http_headers.get("content-type");
  }
  std::string decoded;
  if (lowered(http_headers.get("transfer-encoding")).find("chunked") != std::string::npos &&
      dechunk(payload, &decoded)) {
    block = std::move(decoded);
    payload = block;
  }
  const std::string coding = lowered(trim(http_headers.get("content-encoding")));
  if (!coding.empty() && coding != "identity") {
    std::unique_ptr<ByteStream> codec;
    if ((coding == "gzip" || coding == "x-gzip" || coding == "deflate") &&
        (payload.starts_with("\x1f\x8b") || coding == "deflate")) {
      codec = make_gzip_stream(make_memory_stream(payload));
    } else if (coding == "zstd" && payload.starts_with("\x28\xb5\x2f\xfd")) {
      codec = make_zstd_stream(make_memory_stream(payload));
    } else if (sniff_content(payload) != Format::kHtml) {
      return fail(StatusCode::kDataError, "unsupported Content-Encoding '" + coding + "'");
    }
    if (codec) {
      Status st = read_up_to(*codec, limit_, &decoded);
      if (!st.is_ok()) {
        return fail(StatusCode::kDataError,
                    "cannot undo Content-Encoding '" + coding + "': " + st.message());
      }
      block = std::move(decoded);
      payload = block;
    }
  }
  if (payload.size() > limit_) {
    return fail(StatusCode::kTooLarge, "payload of " + std::to_string(payload.size()) +
                                           " bytes exceeds max_document_bytes (" +
                                           std::to_string(limit_) + ")");
  }

  Document doc;
  HtmlPageInfo info;
  Status st = html_to_document(payload, charset_from_content_type(content_type), uri, &doc, &info);
  if (info.charset_unknown) ++ctx_.stats().charset_unknown;
  if (!st.is_ok()) return fail(st.code(), st.message());
  doc.id = std::move(id);
  if (!uri.empty()) doc.url = uri;
  if (doc.date.empty()) {
    doc.date = std::string(trim(warc.get("warc-date")));
    util::repair_utf8(doc.date);
  }
  doc.origin = Origin{file_, 0, offset};
  return ctx_.deliver(std::move(doc)) ? Next::kGoOn : Next::kStop;
}

}  // namespace

bool read_warc(ByteStream& stream, const std::string& file, ReadContext& ctx) {
  WarcReader reader(stream, file, ctx);
  return reader.run();
}

}  // namespace kindred::ingest
