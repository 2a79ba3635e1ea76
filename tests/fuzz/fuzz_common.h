// What the fuzz targets share: a ReadContext whose sinks accept everything,
// and limits small enough that one input never takes long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "ingest/byte_stream.h"
#include "ingest/read_context.h"
#include "util/utf8.h"

namespace kindred::fuzz {

inline constexpr uint64_t kMaxDocumentBytes = 1 << 20;

// Checks what every delivered document promises, so a broken promise crashes
// the fuzzer instead of passing unnoticed.
inline bool check_document(const Document& doc) {
  if (!util::is_valid_utf8(doc.text) || !util::is_valid_utf8(doc.title) ||
      !util::is_valid_utf8(doc.id) || !util::is_valid_utf8(doc.url) ||
      !util::is_valid_utf8(doc.date) || !util::is_valid_utf8(doc.source)) {
    __builtin_trap();
  }
  return true;
}

struct Context {
  ingest::ReadOptions options;
  ingest::ReadStats stats;
  ingest::DocumentSink on_document = [](Document&& doc) { return check_document(doc); };
  ingest::RejectSink on_reject = [](Rejection&&) { return true; };
  ingest::ReadContext ctx{options, on_document, on_reject, stats};

  Context() { options.max_document_bytes = kMaxDocumentBytes; }
};

inline std::string_view bytes_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Reads a decoder to its end or its first error, trapping on an impossible
// read count. Decompression bombs: stops after 16 MiB of output.
inline void drain(ingest::ByteStream& stream) {
  std::vector<char> buf(64 << 10);
  uint64_t total = 0;
  while (total < (16u << 20)) {
    size_t got = 0;
    if (!stream.read(buf.data(), buf.size(), &got).is_ok() || got == 0) break;
    if (got > buf.size()) __builtin_trap();
    total += got;
  }
}

}  // namespace kindred::fuzz
