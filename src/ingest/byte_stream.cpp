#include "ingest/byte_stream.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "ingest/codecs.h"

namespace kindred::ingest {
namespace {

constexpr unsigned char kGzipMagic[] = {0x1f, 0x8b};
constexpr unsigned char kZstdMagic[] = {0x28, 0xb5, 0x2f, 0xfd};
constexpr size_t kSniffBytes = sizeof(kZstdMagic);

std::string errno_message(std::string_view path, std::string_view what, int err) {
  std::string msg(path);
  msg += ": ";
  msg += what;
  msg += ": ";
  msg += std::strerror(err);
  return msg;
}

// A file descriptor read with read(2). The first bytes, read ahead to sniff the
// codec, are kept in `prefix_` and handed out again before anything else.
class FdStream final : public ByteStream {
 public:
  FdStream(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~FdStream() override {
    if (owned_) ::close(fd_);
  }
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;

  // Reads until `n` bytes are buffered in the prefix or the stream ends (a
  // pipe may deliver the magic number over several reads).
  Status fill_prefix(size_t n) {
    while (prefix_.size() < n) {
      char buf[kSniffBytes];
      size_t got = 0;
      Status st = read_fd(buf, n - prefix_.size(), &got);
      if (!st.is_ok()) return st;
      if (got == 0) break;
      prefix_.append(buf, got);
    }
    return Status::ok();
  }
  std::string_view prefix() const { return prefix_; }

  Status read(char* buffer, size_t capacity, size_t* got) override {
    if (prefix_pos_ < prefix_.size()) {
      size_t n = std::min(capacity, prefix_.size() - prefix_pos_);
      std::memcpy(buffer, prefix_.data() + prefix_pos_, n);
      prefix_pos_ += n;
      *got = n;
      return Status::ok();
    }
    return read_fd(buffer, capacity, got);
  }

 private:
  Status read_fd(char* buffer, size_t capacity, size_t* got) {
    *got = 0;
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) {
        *got = static_cast<size_t>(n);
        return Status::ok();
      }
      if (errno != EINTR)
        return Status(StatusCode::kIoError, std::string("read failed: ") + std::strerror(errno));
    }
  }

  int fd_;
  bool owned_;
  std::string prefix_;
  size_t prefix_pos_ = 0;
};

class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(std::string_view bytes) : bytes_(bytes) {}
  Status read(char* buffer, size_t capacity, size_t* got) override {
    const size_t n = std::min(capacity, bytes_.size() - pos_);
    if (n > 0) std::memcpy(buffer, bytes_.data() + pos_, n);
    pos_ += n;
    *got = n;
    return Status::ok();
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

Status read_up_to(ByteStream& stream, uint64_t max_bytes, std::string* out) {
  constexpr size_t kChunk = size_t{1} << 20;
  out->clear();
  while (out->size() <= max_bytes) {
    const uint64_t room = max_bytes - out->size();  // room + 1 bytes may still be read
    const size_t want = room >= kChunk ? kChunk : static_cast<size_t>(room) + 1;
    const size_t old = out->size();
    out->resize(old + want);
    size_t got = 0;
    Status st = stream.read(out->data() + old, want, &got);
    out->resize(old + got);
    if (!st.is_ok()) return st;
    if (got == 0) break;
  }
  // Reading grew the buffer a chunk at a time, so a 100-byte file sits in a
  // MiB. Documents are kept until their batch is analysed: give it back.
  if (out->capacity() - out->size() > out->size() / 8 + 64) out->shrink_to_fit();
  return Status::ok();
}

std::unique_ptr<ByteStream> make_memory_stream(std::string_view bytes) {
  return std::make_unique<MemoryStream>(bytes);
}

Status PeekStream::peek(size_t n, std::string_view* out) {
  while (buffered_.size() - pos_ < n && !at_end_ && error_.is_ok()) {
    const size_t old = buffered_.size();
    const size_t want = std::max<size_t>(n - (old - pos_), 4096);
    buffered_.resize(old + want);
    size_t got = 0;
    Status st = inner_.read(buffered_.data() + old, want, &got);
    buffered_.resize(old + got);
    if (!st.is_ok()) {
      error_ = std::move(st);
    } else if (got == 0) {
      at_end_ = true;
    }
  }
  *out = std::string_view(buffered_).substr(pos_);
  return error_;
}

Status PeekStream::read(char* buffer, size_t capacity, size_t* got) {
  if (pos_ < buffered_.size()) {
    const size_t n = std::min(capacity, buffered_.size() - pos_);
    std::memcpy(buffer, buffered_.data() + pos_, n);
    pos_ += n;
    *got = n;
    if (pos_ == buffered_.size()) {
      buffered_.clear();
      buffered_.shrink_to_fit();
      pos_ = 0;
    }
    return Status::ok();
  }
  *got = 0;
  if (!error_.is_ok()) return error_;
  if (at_end_) return Status::ok();
  return inner_.read(buffer, capacity, got);
}

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "plain";
    case Codec::kGzip:
      return "gzip";
    case Codec::kZstd:
      return "zstd";
  }
  return "unknown";
}

Codec sniff_codec(std::string_view prefix) {
  auto starts_with = [&](const unsigned char* magic, size_t n) {
    return prefix.size() >= n && std::memcmp(prefix.data(), magic, n) == 0;
  };
  if (starts_with(kGzipMagic, sizeof(kGzipMagic))) return Codec::kGzip;
  if (starts_with(kZstdMagic, sizeof(kZstdMagic))) return Codec::kZstd;
  return Codec::kNone;
}

Result<std::unique_ptr<ByteStream>> open_stream(std::string_view path, Codec* codec) {
  std::unique_ptr<FdStream> raw;
  if (path == "-") {
    raw = std::make_unique<FdStream>(STDIN_FILENO, /*owned=*/false);
  } else {
    std::string p(path);
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      return Status(err == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
                    errno_message(path, "cannot open", err));
    }
    raw = std::make_unique<FdStream>(fd, /*owned=*/true);
  }
  if (Status st = raw->fill_prefix(kSniffBytes); !st.is_ok()) {
    return Status(st.code(), std::string(path) + ": " + st.message());
  }
  Codec found = sniff_codec(raw->prefix());
  if (codec != nullptr) *codec = found;
  switch (found) {
    case Codec::kGzip:
      return make_gzip_stream(std::move(raw));
    case Codec::kZstd:
      return make_zstd_stream(std::move(raw));
    case Codec::kNone:
      break;
  }
  return std::unique_ptr<ByteStream>(std::move(raw));
}

}  // namespace kindred::ingest
