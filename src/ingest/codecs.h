// Streaming decompressors layered over a raw ByteStream. Both accept several
// concatenated members/frames (as `cat a.gz b.gz` or `zstd --rsyncable`
// produce) and tell a clean end from a truncated one.
#pragma once

#include <memory>

#include "ingest/byte_stream.h"

namespace kindred::ingest {

// gzip (zlib inflate with automatic header detection).
std::unique_ptr<ByteStream> make_gzip_stream(std::unique_ptr<ByteStream> raw);

// zstd (ZSTD_decompressStream).
std::unique_ptr<ByteStream> make_zstd_stream(std::unique_ptr<ByteStream> raw);

}  // namespace kindred::ingest
