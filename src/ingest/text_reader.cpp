#include "ingest/text_reader.h"

#include <algorithm>
#include <utility>

#include "ingest/charset.h"
#include "util/utf8.h"

namespace kindred::ingest {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n\f\v";

std::string_view trim(std::string_view s) {
  const size_t first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kWhitespace) - first + 1);
}

}  // namespace

std::string title_from_text(std::string_view text, size_t max_bytes) {
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    if (!line.empty()) {
      if (line.size() > max_bytes) {
        size_t cut = max_bytes;
        // Back up over continuation bytes (10xxxxxx) to the start of a character.
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        line = trim(line.substr(0, cut));
      }
      return std::string(line);
    }
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return {};
}

bool read_text(ByteStream& stream, const std::string& file, std::string id, ReadContext& ctx) {
  const uint64_t limit = ctx.options().max_document_bytes;
  std::string text;
  // At most limit + 1 bytes: enough to know the file is too large without
  // holding all of it. The buffer comes back sized to the text.
  const Status st = read_up_to(stream, limit, &text);
  ctx.stats().bytes += text.size();
  if (!st.is_ok()) {
    return ctx.reject(Origin{file, 0, text.size()}, std::move(id),
                      Status(st.code(), file + ": " + st.message() + " (byte " +
                                            std::to_string(text.size()) + ")"));
  }
  if (text.size() > limit) {
    return ctx.reject(
        Origin{file, 0, 0}, std::move(id),
        Status(StatusCode::kTooLarge,
               file + ": document exceeds max_document_bytes (" + std::to_string(limit) + ")"));
  }
  Document doc;
  // A text file declares nothing but, at most, a byte order mark: UTF-8 (the
  // common case, kept in place), UTF-16 or UTF-32 by its BOM, or a legacy
  // charset that the bytes show (charset.h, detect_charset).
  const std::string_view bom = charset_from_bom(text);
  bool utf8 = false;
  if (bom.empty() || bom == "UTF-8") {
    text.erase(0, bom_bytes(bom));
    utf8 = detect_charset(text, /*html=*/false) == "UTF-8";
  }
  if (utf8) {
    doc.invalid_utf8 = util::repair_utf8(text);
    doc.text = std::move(text);
  } else {
    const Decoded decoded = decode_to_utf8(text, {}, /*html=*/false, &doc.text);
    doc.invalid_utf8 = decoded.invalid;
  }
  doc.id = std::move(id);
  util::repair_utf8(doc.id);  // file names need not be UTF-8
  doc.title = title_from_text(doc.text);
  doc.origin = Origin{file, 0, 0};
  return ctx.deliver(std::move(doc));
}

}  // namespace kindred::ingest
