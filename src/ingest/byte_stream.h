// ByteStream: the bytes of one input (a file or stdin), decompressed when the
// first bytes carry a gzip or zstd magic number. Readers above see plain bytes
// and never learn the codec except through its name in messages.
//
// Reads are chunked (the callers ask for about 1 MiB at a time), so inputs of
// many GB go through in bounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kindred/status.h"

namespace kindred::ingest {

enum class Codec { kNone, kGzip, kZstd };

// "gzip", "zstd" or "plain".
const char* codec_name(Codec codec);

class ByteStream {
 public:
  virtual ~ByteStream() = default;

  // Reads up to `capacity` bytes into `buffer` and sets `*got`; `*got == 0`
  // with an ok Status means the end of the stream. A truncated or corrupt
  // compressed stream returns kCorrupt, an OS error kIoError; their messages
  // describe only the damage ("truncated gzip stream"), since the caller knows
  // the file name and how far it got. Bytes delivered before an error are good.
  virtual Status read(char* buffer, size_t capacity, size_t* got) = 0;
};

// The codec a stream starting with `prefix` is compressed with.
Codec sniff_codec(std::string_view prefix);

// Opens `path` ("-" is stdin), sniffs its first bytes and returns a stream of
// the decompressed content; `*codec` (may be null) receives the codec found.
// A missing file is kNotFound, any other failure kIoError, with path and strerror.
Result<std::unique_ptr<ByteStream>> open_stream(std::string_view path, Codec* codec = nullptr);

// Reads `stream` to its end into *out, but never more than max_bytes + 1 bytes:
// enough to tell that the content is too large without holding all of it.
// Returns the stream's error, if any (out then holds what came before it).
// On success *out's capacity is close to its size (callers keep it).
Status read_up_to(ByteStream& stream, uint64_t max_bytes, std::string* out);

// A stream over bytes already in memory (not copied: `bytes` must outlive it).
// Used for HTTP payloads inside WARC records, tests and fuzz targets.
std::unique_ptr<ByteStream> make_memory_stream(std::string_view bytes);

// Wraps a stream so its first bytes can be looked at before anyone reads it:
// peek() buffers them and read() hands them out again, then the rest.
class PeekStream final : public ByteStream {
 public:
  explicit PeekStream(ByteStream& inner) : inner_(inner) {}

  // Reads until at least `n` bytes are buffered or the stream ends, and points
  // *out at everything buffered (possibly more than n, fewer at the end). An
  // error is returned here and again by the read() that reaches it.
  Status peek(size_t n, std::string_view* out);
  bool at_end() const { return at_end_; }  ///< peek() met the end of the stream

  Status read(char* buffer, size_t capacity, size_t* got) override;

 private:
  ByteStream& inner_;
  std::string buffered_;
  size_t pos_ = 0;
  bool at_end_ = false;
  Status error_;  // met while peeking; handed to the reader after the bytes
};

}  // namespace kindred::ingest
