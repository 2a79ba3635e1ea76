// ByteStream: the bytes of one input (a file or stdin), decompressed when the
// first bytes carry a gzip or zstd magic number. Readers above see plain bytes
// and never learn the codec except through its name in messages.
//
// Reads are chunked (the callers ask for about 1 MiB at a time), so inputs of
// many GB go through in bounded memory.
#pragma once

#include <cstddef>
#include <memory>
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

}  // namespace kindred::ingest
