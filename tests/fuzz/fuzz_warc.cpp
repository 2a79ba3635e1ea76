// libFuzzer target: WARC records (headers, resynchronisation, HTTP parsing,
// chunked and gzip payloads) down to the HTML extraction.
#include "fuzz_common.h"
#include "ingest/byte_stream.h"
#include "ingest/warc_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kindred::fuzz::Context c;
  auto stream = kindred::ingest::make_memory_stream(kindred::fuzz::bytes_of(data, size));
  kindred::ingest::read_warc(*stream, "fuzz.warc", c.ctx);
  return 0;
}
