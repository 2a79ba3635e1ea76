// One document given as a JSON object: the rules the JSON Lines reader and the
// server's POST /documents share, so both accept and reject the same records
// with the same reasons (docs/input.md, "JSON documents").
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string>

#include "ingest/reader.h"
#include "kindred/document.h"
#include "kindred/status.h"

namespace kindred::ingest {

// Longer ids are rejected: an id is repeated in every record that names the
// document, and the live index keys documents by id (LMDB keys stop at 511).
inline constexpr size_t kMaxIdBytes = 511;

// Fills *doc (id, text, title, date, url, source) from `value` through the
// field names in `fields`:
// - the value must be an object, and no field it uses may appear twice in it
//   (a second "text" is an error, not silently dropped or preferred);
// - the id is a string or an integer (written in decimal), 1 to kMaxIdBytes
//   bytes; null counts as absent, and an absent id leaves doc->id empty for the
//   caller to decide (JSON Lines: FILE:LINE; the server: an error);
// - the text must be a string (empty is allowed here: a text without words is
//   rejected later, as from any reader); the other fields strings or null.
// Strings are repaired to valid UTF-8 (counted in doc->invalid_utf8 for the
// text). On failure returns kDataError with the reason alone (callers add
// where), and *id holds the record's id when it had a usable one.
Status document_from_json(simdjson::dom::element value, const JsonFields& fields, Document* doc,
                          std::string* id);

}  // namespace kindred::ingest
