#include "ingest/json_document.h"

#include <array>
#include <string_view>
#include <utility>

#include "util/utf8.h"

namespace kindred::ingest {
namespace {

const char* type_name(simdjson::dom::element_type type) {
  using T = simdjson::dom::element_type;
  switch (type) {
    case T::ARRAY:
      return "an array";
    case T::OBJECT:
      return "an object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE:
      return "a number";
    case T::STRING:
      return "a string";
    case T::BOOL:
      return "a boolean";
    case T::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

Status bad(std::string what) {
  return Status(StatusCode::kDataError, std::move(what));
}

}  // namespace

Status document_from_json(simdjson::dom::element value, const JsonFields& f, Document* doc,
                          std::string* id) {
  simdjson::dom::object obj;
  if (value.get_object().get(obj) != simdjson::SUCCESS) {
    return bad(std::string("expected a JSON object, got ") + type_name(value.type()));
  }
  // One pass over the object: each field the document uses, found once.
  enum Slot { kId, kText, kTitle, kDate, kUrl, kSource, kSlots };
  const std::array<const std::string*, kSlots> names{&f.id,   &f.text, &f.title,
                                                     &f.date, &f.url,  &f.source};
  std::array<simdjson::dom::element, kSlots> found{};
  std::array<bool, kSlots> seen{};
  size_t duplicate = kSlots;  // the first field found twice
  for (auto field : obj) {
    for (size_t s = 0; s < kSlots; ++s) {
      if (names[s]->empty() || field.key != *names[s]) continue;
      if (seen[s] && duplicate == kSlots) duplicate = s;
      seen[s] = true;
      found[s] = field.value;
    }
  }
  // Neither copy is preferred: which one a sender meant is unknowable. The id
  // is still read (when it is not the duplicate) to name the rejection.
  auto duplicated = [&] { return bad("duplicate field '" + *names[duplicate] + "'"); };
  if (duplicate == kId) return duplicated();
  auto present = [&](Slot s) { return seen[s] && !found[s].is_null(); };

  if (present(kId)) {
    const simdjson::dom::element v = found[kId];
    std::string_view sv;
    int64_t i64 = 0;
    uint64_t u64 = 0;
    if (v.get_string().get(sv) == simdjson::SUCCESS) {
      doc->id.assign(sv);
      util::repair_utf8(doc->id);
    } else if (v.get_int64().get(i64) == simdjson::SUCCESS) {
      doc->id = std::to_string(i64);
    } else if (v.get_uint64().get(u64) == simdjson::SUCCESS) {
      doc->id = std::to_string(u64);
    } else {
      return bad("id field '" + f.id + "' must be a string or an integer, got " +
                 type_name(v.type()));
    }
    if (doc->id.empty()) return bad("id field '" + f.id + "' is empty");
    if (doc->id.size() > kMaxIdBytes) {
      const std::string what = "id of " + std::to_string(doc->id.size()) +
                               " bytes is longer than the limit of " + std::to_string(kMaxIdBytes);
      doc->id.clear();
      return bad(what);
    }
    *id = doc->id;
  }
  if (duplicate != kSlots) return duplicated();

  if (!present(kText)) return bad("missing text field '" + f.text + "'");
  std::string_view text;
  if (found[kText].get_string().get(text) != simdjson::SUCCESS) {
    return bad("text field '" + f.text + "' must be a string, got " +
               type_name(found[kText].type()));
  }
  doc->text.assign(text);
  doc->invalid_utf8 += util::repair_utf8(doc->text);

  for (auto [slot, out] : {std::pair{kTitle, &doc->title}, std::pair{kDate, &doc->date},
                           std::pair{kUrl, &doc->url}, std::pair{kSource, &doc->source}}) {
    if (!present(slot)) continue;
    std::string_view sv;
    if (found[slot].get_string().get(sv) != simdjson::SUCCESS) {
      return bad("field '" + *names[slot] + "' must be a string, got " +
                 type_name(found[slot].type()));
    }
    out->assign(sv);
    util::repair_utf8(*out);  // \u0000 escapes decode to NUL; repair drops them
  }
  return Status::ok();
}

}  // namespace kindred::ingest
