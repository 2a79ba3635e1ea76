// Charsets: finding what a page declares and converting it to UTF-8 (ICU).
//
// Order of authority, as browsers use it: a byte order mark, then the charset
// of the HTTP Content-Type header (WARC), then <meta charset> or
// <meta http-equiv="Content-Type"> (or an XML declaration) within the first
// 4 KiB, else UTF-8. Labels are mapped as the WHATWG Encoding standard does
// where ICU's own meaning differs (iso-8859-1 and us-ascii decode as
// windows-1252, gb2312/gbk as gb18030, ...). A label nobody knows falls back to
// UTF-8 with repair, and the caller counts it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kindred::ingest {

// The charset parameter of a Content-Type value ("text/html; charset=ISO-8859-1"
// gives "ISO-8859-1"); empty when there is none.
std::string charset_from_content_type(std::string_view content_type);

// The charset a UTF-8 / UTF-16 byte order mark at the start of `bytes` names
// ("UTF-8", "UTF-16LE", "UTF-16BE"), or empty.
std::string_view charset_from_bom(std::string_view bytes);

// The charset an HTML page declares in its first 4 KiB: <meta charset>,
// <meta http-equiv="Content-Type" content="...; charset=...">, or
// <?xml ... encoding="..."?>. Empty when none.
std::string sniff_meta_charset(std::string_view html);

struct Decoded {
  std::string charset;    ///< the charset used, canonical ("UTF-8", "windows-1251", ...)
  uint32_t invalid = 0;   ///< byte sequences the charset could not map (each became U+FFFD)
  bool fallback = false;  ///< a declared charset was unknown: decoded as UTF-8 instead
};

// Decodes `bytes` to valid UTF-8 in `*out`, choosing the charset by the order
// above from the BOM, `declared` (the HTTP header's charset; may be empty) and,
// when `html`, the page's own declaration. Never fails: unknown labels fall
// back to UTF-8, invalid sequences become U+FFFD (counted), NUL bytes are
// removed (counted). A BOM is not copied to the output.
Decoded decode_to_utf8(std::string_view bytes, std::string_view declared, bool html,
                       std::string* out);

// The canonical name of a charset label after WHATWG-style aliasing, or empty
// when the label is not one ICU can decode (tests and diagnostics).
std::string canonical_charset(std::string_view label);

}  // namespace kindred::ingest
