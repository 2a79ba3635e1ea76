// Plain-text documents: one file is one document. The whole file is read (it
// is one record), but never more than max_document_bytes + 1 chunk of it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ingest/byte_stream.h"
#include "ingest/read_context.h"

namespace kindred::ingest {

inline constexpr size_t kMaxTitleBytes = 300;

// The first line holding anything but whitespace, trimmed and cut to
// `max_bytes` at a UTF-8 character boundary; empty when there is none.
// `text` must be valid UTF-8 (the cut relies on it).
std::string title_from_text(std::string_view text, size_t max_bytes = kMaxTitleBytes);

// Reads `stream` as one document with id `id`; `file` names it in its Origin
// and in messages. Returns false when a rejection stopped reading.
bool read_text(ByteStream& stream, const std::string& file, std::string id, ReadContext& ctx);

}  // namespace kindred::ingest
