// libFuzzer target: JSON Lines reader (line splitting, simdjson, UTF-8 repair).
#include "fuzz_common.h"
#include "ingest/byte_stream.h"
#include "ingest/jsonl_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kindred::fuzz::Context c;
  auto stream = kindred::ingest::make_memory_stream(kindred::fuzz::bytes_of(data, size));
  kindred::ingest::read_jsonl(*stream, "fuzz.jsonl", c.ctx);
  return 0;
}
