#include "ingest/codecs.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "core/check.h"

namespace kindred::ingest {
namespace {

constexpr size_t kInputChunk = 1 << 20;  // compressed bytes read from the file at a time

// Compressed input read from the raw stream on demand.
class InputBuffer {
 public:
  // PERF: not zeroed (every byte is written before it is read); zeroing a MiB
  // per stream was most of the time of the gzip and zstd fuzz targets.
  explicit InputBuffer(std::unique_ptr<ByteStream> raw)
      : raw_(std::move(raw)), buf_(std::make_unique_for_overwrite<char[]>(kInputChunk)) {}

  // Reads the next chunk; on return either size() > 0 or eof() (or an error).
  Status refill() {
    size_t got = 0;
    Status st = raw_->read(buf_.get(), kInputChunk, &got);
    size_ = got;
    if (st.is_ok() && got == 0) eof_ = true;
    return st;
  }
  char* data() { return buf_.get(); }
  size_t size() const { return size_; }
  bool eof() const { return eof_; }

 private:
  std::unique_ptr<ByteStream> raw_;
  std::unique_ptr<char[]> buf_;
  size_t size_ = 0;
  bool eof_ = false;
};

// zlib counts in uInt; a caller's capacity larger than that is served in parts.
uInt clamp_uint(size_t n) {
  return static_cast<uInt>(std::min<size_t>(n, std::numeric_limits<uInt>::max()));
}

class GzipStream final : public ByteStream {
 public:
  explicit GzipStream(std::unique_ptr<ByteStream> raw) : in_(std::move(raw)) {
    // 15 + 32: the largest window, and detect the gzip (or zlib) header.
    int rc = inflateInit2(&zs_, 15 + 32);
    KINDRED_CHECK(rc == Z_OK, "inflateInit2 failed (out of memory)");
  }
  ~GzipStream() override { inflateEnd(&zs_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  Status read(char* buffer, size_t capacity, size_t* got) override {
    *got = 0;
    if (capacity == 0) return Status::ok();
    const uInt cap = clamp_uint(capacity);
    zs_.next_out = reinterpret_cast<Bytef*>(buffer);
    zs_.avail_out = cap;
    while (zs_.avail_out == cap) {
      if (zs_.avail_in == 0 && !in_.eof()) {
        if (Status st = in_.refill(); !st.is_ok()) return st;
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(in_.size());
      }
      // inflate may still hold output when the last call filled the buffer, so
      // the end of input is only final once nothing is pending.
      if (zs_.avail_in == 0 && in_.eof() && !output_pending_) {
        if (member_open_) return Status(StatusCode::kCorrupt, "truncated gzip stream");
        break;
      }
      if (zs_.avail_in > 0) member_open_ = true;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      output_pending_ = zs_.avail_out == 0;
      if (rc == Z_STREAM_END) {
        // Another member may follow (concatenated gzip files are valid gzip).
        member_open_ = false;
        output_pending_ = false;
        inflateReset(&zs_);
      } else if (rc == Z_BUF_ERROR) {
        // No progress possible: more input is needed; the loop refills or ends.
        // (With input and output room zlib always progresses; if it ever did
        // not, stop rather than spin.)
        if (zs_.avail_in > 0) return Status(StatusCode::kCorrupt, "corrupt gzip stream: stalled");
        output_pending_ = false;
      } else if (rc != Z_OK) {
        std::string msg = "corrupt gzip stream";
        if (zs_.msg != nullptr) msg += std::string(": ") + zs_.msg;
        return Status(StatusCode::kCorrupt, msg);
      }
    }
    *got = cap - zs_.avail_out;
    return Status::ok();
  }

 private:
  InputBuffer in_;
  z_stream zs_{};
  bool member_open_ = false;     // inside a member: its end has not been seen
  bool output_pending_ = false;  // the last inflate filled the output buffer
};

class ZstdStream final : public ByteStream {
 public:
  explicit ZstdStream(std::unique_ptr<ByteStream> raw)
      : in_(std::move(raw)), dctx_(ZSTD_createDCtx()) {
    KINDRED_CHECK(dctx_ != nullptr, "ZSTD_createDCtx failed (out of memory)");
  }
  ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }
  ZstdStream(const ZstdStream&) = delete;
  ZstdStream& operator=(const ZstdStream&) = delete;

  Status read(char* buffer, size_t capacity, size_t* got) override {
    *got = 0;
    ZSTD_outBuffer out{buffer, capacity, 0};
    while (out.pos == 0 && capacity > 0) {
      if (input_.pos == input_.size && !in_.eof()) {
        if (Status st = in_.refill(); !st.is_ok()) return st;
        input_ = ZSTD_inBuffer{in_.data(), in_.size(), 0};
      }
      if (input_.pos == input_.size && in_.eof() && !output_pending_) {
        if (frame_open_) return Status(StatusCode::kCorrupt, "truncated zstd stream");
        break;
      }
      const size_t in_before = input_.pos;
      const size_t out_before = out.pos;
      size_t rc = ZSTD_decompressStream(dctx_, &out, &input_);
      if (ZSTD_isError(rc)) {
        return Status(StatusCode::kCorrupt,
                      std::string("corrupt zstd stream: ") + ZSTD_getErrorName(rc));
      }
      const bool progressed = input_.pos != in_before || out.pos != out_before;
      // rc == 0: a frame ended and is fully flushed; a next frame may follow.
      // A call that did nothing says nothing about frames: between frames, with
      // no input left, zstd answers the size of the next frame's header, and
      // taking that as "a frame is open" reported a clean end as truncated
      // whenever the last frame's output had exactly filled the caller's buffer.
      if (progressed) frame_open_ = rc != 0;
      output_pending_ = out.pos == out.size;
      if (!progressed && input_.pos == input_.size && in_.eof()) {
        output_pending_ = false;  // nothing left to flush
      }
    }
    *got = out.pos;
    return Status::ok();
  }

 private:
  InputBuffer in_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  bool frame_open_ = false;      // a frame has started and not ended
  bool output_pending_ = false;  // the last call filled the output buffer
};

}  // namespace

std::unique_ptr<ByteStream> make_gzip_stream(std::unique_ptr<ByteStream> raw) {
  return std::make_unique<GzipStream>(std::move(raw));
}

std::unique_ptr<ByteStream> make_zstd_stream(std::unique_ptr<ByteStream> raw) {
  return std::make_unique<ZstdStream>(std::move(raw));
}

}  // namespace kindred::ingest
