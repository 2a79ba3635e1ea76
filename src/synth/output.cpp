#include "synth/output.h"

#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace kindred::synth {

namespace {
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

Codec codec_for_path(std::string_view path) {
  if (ends_with(path, ".gz")) return Codec::kGzip;
  if (ends_with(path, ".zst")) return Codec::kZstd;
  return Codec::kNone;
}

struct OutputStream::Impl {
  std::string path;
  std::FILE* file = nullptr;
  bool owned = false;
  Codec codec = Codec::kNone;
  z_stream gz{};
  bool gz_open = false;
  ZSTD_CCtx* zstd = nullptr;
  std::vector<unsigned char> buffer = std::vector<unsigned char>(1 << 17);
  uint64_t in = 0, out = 0;
  Status failed;

  Status fail(const std::string& what) {
    if (failed.is_ok()) failed = Status(StatusCode::kIoError, path + ": " + what);
    return failed;
  }

  Status put(const unsigned char* data, size_t n) {
    if (n == 0) return Status::ok();
    if (std::fwrite(data, 1, n, file) != n)
      return fail(std::string("write failed: ") + std::strerror(errno));
    out += n;
    return Status::ok();
  }

  // Compresses `data`; `finish` ends the stream.
  Status gzip(std::string_view data, bool finish) {
    gz.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    gz.avail_in = static_cast<uInt>(data.size());
    for (;;) {
      gz.next_out = buffer.data();
      gz.avail_out = static_cast<uInt>(buffer.size());
      const int rc = deflate(&gz, finish ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) return fail("gzip compression failed");
      if (Status s = put(buffer.data(), buffer.size() - gz.avail_out); !s.is_ok()) return s;
      if (finish ? rc == Z_STREAM_END : (gz.avail_in == 0 && gz.avail_out != 0))
        return Status::ok();
    }
  }

  Status zstd_compress(std::string_view data, bool finish) {
    ZSTD_inBuffer input{data.data(), data.size(), 0};
    for (;;) {
      ZSTD_outBuffer output{buffer.data(), buffer.size(), 0};
      const size_t rc =
          ZSTD_compressStream2(zstd, &output, &input, finish ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(rc))
        return fail(std::string("zstd compression failed: ") + ZSTD_getErrorName(rc));
      if (Status s = put(buffer.data(), output.pos); !s.is_ok()) return s;
      if (finish ? rc == 0 : input.pos == input.size) return Status::ok();
    }
  }

  // Compresses in slices zlib's 32-bit counters can hold.
  Status compress(std::string_view data, bool finish) {
    constexpr size_t kSlice = 1u << 30;
    while (data.size() > kSlice) {
      if (Status s = codec == Codec::kGzip ? gzip(data.substr(0, kSlice), false)
                                           : zstd_compress(data.substr(0, kSlice), false);
          !s.is_ok()) {
        return s;
      }
      data.remove_prefix(kSlice);
    }
    return codec == Codec::kGzip ? gzip(data, finish) : zstd_compress(data, finish);
  }

  void release() {
    if (gz_open) deflateEnd(&gz);
    gz_open = false;
    ZSTD_freeCCtx(zstd);
    zstd = nullptr;
    if (file && owned) std::fclose(file);
    file = nullptr;
  }
};

OutputStream::OutputStream() : impl_(std::make_unique<Impl>()) {}
OutputStream::~OutputStream() {
  impl_->release();
}

Status OutputStream::open(const std::string& path, int level) {
  Impl& m = *impl_;
  m.release();
  m.path = path == "-" ? "stdout" : path;
  m.failed = Status::ok();
  m.in = m.out = 0;
  m.codec = path == "-" ? Codec::kNone : codec_for_path(path);
  const int max_level = m.codec == Codec::kGzip ? 9 : 19;
  if (m.codec != Codec::kNone && level != kDefaultLevel && (level < 1 || level > max_level)) {
    return Status(StatusCode::kInvalidArgument,
                  std::string(m.codec == Codec::kGzip ? "gzip" : "zstd") +
                      " level must be in [1, " + std::to_string(max_level) + "]");
  }
  if (path == "-") {
    m.file = stdout;
    m.owned = false;
  } else {
    m.file = std::fopen(path.c_str(), "wb");
    if (!m.file) return m.fail(std::strerror(errno));
    m.owned = true;
  }
  if (m.codec == Codec::kGzip) {
    // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&m.gz, level == kDefaultLevel ? 1 : level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      return m.fail("cannot start gzip compression");
    }
    m.gz_open = true;
  } else if (m.codec == Codec::kZstd) {
    m.zstd = ZSTD_createCCtx();
    if (!m.zstd || ZSTD_isError(ZSTD_CCtx_setParameter(m.zstd, ZSTD_c_compressionLevel,
                                                       level == kDefaultLevel ? 3 : level))) {
      return m.fail("cannot start zstd compression");
    }
  }
  return Status::ok();
}

Status OutputStream::write(std::string_view data) {
  Impl& m = *impl_;
  if (!m.failed.is_ok()) return m.failed;
  if (!m.file) return m.fail("write to a closed stream");
  m.in += data.size();
  if (m.codec == Codec::kNone)
    return m.put(reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return m.compress(data, false);
}

Status OutputStream::close() {
  Impl& m = *impl_;
  if (!m.file) return m.failed;
  if (m.failed.is_ok() && m.codec != Codec::kNone) m.compress({}, true);
  if (std::fflush(m.file) != 0) m.fail(std::string("write failed: ") + std::strerror(errno));
  if (m.owned && std::fclose(m.file) != 0)
    m.fail(std::string("close failed: ") + std::strerror(errno));
  m.file = nullptr;
  m.release();
  return m.failed;
}

Codec OutputStream::codec() const {
  return impl_->codec;
}
uint64_t OutputStream::bytes_in() const {
  return impl_->in;
}
uint64_t OutputStream::bytes_out() const {
  return impl_->out;
}

}  // namespace kindred::synth
