// libFuzzer target: the zstd decoder (concatenated frames, truncation).
#include <vector>

#include "fuzz_common.h"
#include "ingest/byte_stream.h"
#include "ingest/codecs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto stream = kindred::ingest::make_zstd_stream(
      kindred::ingest::make_memory_stream(kindred::fuzz::bytes_of(data, size)));
  std::vector<char> buf(64 << 10);
  uint64_t total = 0;
  // Decompression bombs: stop after 16 MiB of output.
  while (total < (16u << 20)) {
    size_t got = 0;
    if (!stream->read(buf.data(), buf.size(), &got).is_ok() || got == 0) break;
    if (got > buf.size()) __builtin_trap();
    total += got;
  }
  return 0;
}
