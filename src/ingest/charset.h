// Charsets: finding what a page declares and converting it to UTF-8 (ICU).
//
// Order of authority, as browsers use it: a byte order mark, then the charset
// of the HTTP Content-Type header (WARC), then <meta charset> or
// <meta http-equiv="Content-Type"> (or an XML declaration) within the first
// 4 KiB, else UTF-8 when the bytes are UTF-8, else what ICU's detector guesses
// (detect_charset). Labels are mapped as the WHATWG Encoding standard does
// where ICU's own meaning differs (iso-8859-1 and us-ascii decode as
// windows-1252, gb2312/gbk as gb18030, ...). A label nobody knows falls back to
// UTF-8 with repair, and the caller counts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ingest/byte_stream.h"

namespace kindred::ingest {

// The charset parameter of a Content-Type value ("text/html; charset=ISO-8859-1"
// gives "ISO-8859-1"); empty when there is none.
std::string charset_from_content_type(std::string_view content_type);

// The charset a byte order mark at the start of `bytes` names ("UTF-8",
// "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"), or empty.
std::string_view charset_from_bom(std::string_view bytes);

// The length of the byte order mark of `charset` (as charset_from_bom names
// it): 3, 2 or 4; 0 for an empty or other name.
size_t bom_bytes(std::string_view charset);

// The charset of bytes that declare none: "UTF-8" when they are UTF-8, or
// damaged UTF-8 (well-formed multi-byte sequences outnumber the bad ones, and
// NULs are under 1 in 8 bytes); otherwise the best guess of ICU's detector
// (on the first MiB; tags filtered when `html`) at confidence 10 of 100 or
// more, canonical as canonical_charset() gives it; "UTF-8" when it has none.
std::string detect_charset(std::string_view bytes, bool html);

// The charset an HTML page declares in its first 4 KiB: <meta charset>,
// <meta http-equiv="Content-Type" content="...; charset=...">, or
// <?xml ... encoding="..."?>. Empty when none.
std::string sniff_meta_charset(std::string_view html);

struct Decoded {
  std::string charset;    ///< the charset used, canonical ("UTF-8", "windows-1251", ...)
  uint32_t invalid = 0;   ///< byte sequences the charset could not map (each became U+FFFD)
  bool fallback = false;  ///< a declared charset was unknown: decoded as UTF-8 instead
  bool detected = false;  ///< nothing declared, not UTF-8: the charset is the detector's guess
};

// Decodes `bytes` to valid UTF-8 in `*out`, choosing the charset by the order
// above from the BOM, `declared` (the HTTP header's charset; may be empty),
// when `html` the page's own declaration, and the bytes themselves. Never fails: unknown labels
// fall back to UTF-8, invalid sequences become U+FFFD (counted), NUL bytes are removed (counted). A
// BOM is not copied to the output.
Decoded decode_to_utf8(std::string_view bytes, std::string_view declared, bool html,
                       std::string* out);

// A stream of `inner`'s content converted from `charset` (an ICU name, such
// as charset_from_bom gives) to UTF-8 as it is read; bad sequences become
// U+FFFD, a BOM becomes the UTF-8 BOM. Null when ICU has no such converter.
// `inner` must outlive it.
std::unique_ptr<ByteStream> make_utf8_stream(ByteStream& inner, const std::string& charset);

// The canonical name of a charset label after WHATWG-style aliasing, or empty
// when the label is not one ICU can decode (tests and diagnostics).
std::string canonical_charset(std::string_view label);

}  // namespace kindred::ingest
