// libFuzzer target: the gzip decoder (multi-member streams, truncation).
#include "fuzz_common.h"
#include "ingest/codecs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kindred::fuzz::drain(*kindred::ingest::make_gzip_stream(
      kindred::ingest::make_memory_stream(kindred::fuzz::bytes_of(data, size))));
  return 0;
}
