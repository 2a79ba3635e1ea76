#include "live/records.h"

#include <endian.h>

#include <algorithm>
#include <type_traits>

#include "util/date.h"

namespace kindred::live {

// Every field in the parameter table's order (kindred/params.h), as stores
// of every earlier format wrote them.
std::string encode_params(const Params& p) {
  Bytes b;
  for_each_param([&](const ParamRow&, auto member) { b.pod(p.*member); });
  return b.out;
}

std::optional<Params> decode_params(std::string_view s) {
  Reader r{s};
  Params p;
  for_each_param([&](const ParamRow&, auto member) {
    using T = std::remove_reference_t<decltype(p.*member)>;
    p.*member = r.pod<T>();
  });
  if (!r.ok()) return std::nullopt;
  return p;
}

std::string encode_doc(const DocRecord& d) {
  Bytes b;
  b.pod(d.tokens);
  b.pod(d.shingles);
  b.pod(d.invalid_utf8);
  b.pod(d.fingerprint);
  b.pod(d.added);
  b.pod(d.origin.line);
  b.pod(d.origin.offset);
  b.str(d.id);
  b.str(d.title);
  b.str(d.date);
  b.str(d.url);
  b.str(d.source);
  b.str(d.origin.file);
  return b.out;
}

std::optional<DocRecord> decode_doc(std::string_view s) {
  Reader r{s};
  DocRecord d;
  d.tokens = r.pod<uint32_t>();
  d.shingles = r.pod<uint32_t>();
  d.invalid_utf8 = r.pod<uint32_t>();
  d.fingerprint = r.pod<uint64_t>();
  d.added = r.pod<int64_t>();
  d.origin.line = r.pod<uint64_t>();
  d.origin.offset = r.pod<uint64_t>();
  d.id = r.utf8();
  d.title = r.utf8();
  d.date = r.utf8();
  d.time = util::parse_iso8601(d.date);  // the record keeps the date as given
  d.url = r.utf8();
  d.source = r.utf8();
  d.origin.file = r.str();  // a path as the user gave it: need not be UTF-8
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return d;
}

std::array<char, kLinkBytes> encode_link(uint32_t other, Relation rel, uint64_t shared) {
  std::array<char, kLinkBytes> v{};
  const uint32_t be = htobe32(other);
  const uint32_t r = static_cast<uint32_t>(rel);
  std::memcpy(v.data(), &be, 4);
  std::memcpy(v.data() + 4, &r, 4);
  std::memcpy(v.data() + 8, &shared, 8);
  return v;
}

std::optional<LinkValue> decode_link(std::string_view v) {
  if (v.size() != kLinkBytes) return std::nullopt;
  Reader r{v};
  LinkValue l;
  l.other = be32toh(r.pod<uint32_t>());
  const uint32_t rel = r.pod<uint32_t>();
  l.shared = r.pod<uint64_t>();
  // The index stores copy links only (classify()'s relations), never rewrites.
  if (rel > static_cast<uint32_t>(Relation::kOverlapping)) return std::nullopt;
  l.relation = static_cast<Relation>(rel);
  return l;
}

namespace {

// Reads the members that end a record: ascending u32, at least one.
bool read_members(Reader& r, std::vector<uint32_t>& out) {
  while (r.ok() && !r.at_end()) out.push_back(r.pod<uint32_t>());
  return r.ok() && !out.empty() && std::is_sorted(out.begin(), out.end()) &&
         std::adjacent_find(out.begin(), out.end()) == out.end();
}

}  // namespace

std::string encode_family(uint32_t root, std::span<const uint32_t> members) {
  Bytes b;
  b.pod(root);
  for (uint32_t m : members) b.pod(m);
  return b.out;
}

std::optional<FamilyRecord> decode_family(std::string_view s) {
  Reader r{s};
  FamilyRecord f;
  f.root = r.pod<uint32_t>();
  if (!read_members(r, f.members)) return std::nullopt;
  return f;
}

std::string encode_story(const StoryRecord& rec) {
  Bytes b;
  b.pod(rec.updated);
  b.pod(rec.cohesion);
  for (uint32_t m : rec.members) b.pod(m);
  return b.out;
}

std::optional<StoryRecord> decode_story(std::string_view s) {
  Reader r{s};
  StoryRecord st;
  st.updated = r.pod<int64_t>();
  st.cohesion = r.pod<double>();
  if (!read_members(r, st.members)) return std::nullopt;
  return st;
}

}  // namespace kindred::live
