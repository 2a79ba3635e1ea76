// Live: the byte layout of the records of the store (live/store.h lists the
// tables), written and read in one place.
//
// Decoders never trust the bytes: a record that is truncated, has bytes left
// over where none may be, or names a relation that does not exist decodes to
// nullopt, and the caller fails its transaction as corrupt (live/store.h).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/document.h"
#include "kindred/params.h"
#include "kindred/results.h"
#include "util/utf8.h"

namespace kindred::live {

// Little-endian-agnostic (native) byte writer of fixed fields and
// length-prefixed strings.
struct Bytes {
  std::string out;
  template <typename T>
  void pod(const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void str(std::string_view s) {
    pod(static_cast<uint32_t>(s.size()));
    out.append(s);
  }
};

// Its reader: past the end of the record, or at a document string that is not
// UTF-8 (ingest wrote it repaired, so it was damaged on disk and would make
// every answer carrying it invalid JSON), ok() turns false and values read as zero.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  T pod() {
    T v{};
    if (in_.size() - pos_ < sizeof(T)) {
      truncated_ = true;
      pos_ = in_.size();
      return v;
    }
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str() {
    const uint32_t n = pod<uint32_t>();
    if (in_.size() - pos_ < n) {
      truncated_ = true;
      pos_ = in_.size();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // str() of a string taken from a document (id, title, date, url, source).
  std::string utf8() {
    std::string s = str();
    if (!util::is_valid_utf8(s)) {
      bad_ = true;
      return {};
    }
    return s;
  }
  bool at_end() const { return pos_ == in_.size(); }
  bool ok() const { return !truncated_ && !bad_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool truncated_ = false;
  bool bad_ = false;
};

// meta "params": the Params fields the index was created with.
std::string encode_params(const Params& p);
std::optional<Params> decode_params(std::string_view s);

// A document's record in the `docs` table: what a batch result keeps of it
// (document_info() of the stages API; family, story and text are not part of
// the record) and when it was added.
struct DocRecord : DocInfo {
  int64_t added = 0;  ///< Unix seconds
};
std::string encode_doc(const DocRecord& d);
std::optional<DocRecord> decode_doc(std::string_view s);
// The record as the DocInfo of a result (family and story -1, no text).
inline DocInfo doc_info(DocRecord&& r) {
  return std::move(static_cast<DocInfo&>(r));
}

// One side of a stored link: 16 bytes {u32 other (big-endian, so that the
// dups of a key sort by other), u32 relation, u64 shared}.
struct LinkValue {
  uint32_t other = 0;
  Relation relation = Relation::kOverlapping;
  uint64_t shared = 0;
};
inline constexpr size_t kLinkBytes = 16;
std::array<char, kLinkBytes> encode_link(uint32_t other, Relation rel, uint64_t shared);
std::optional<LinkValue> decode_link(std::string_view v);

// `families`: u32 root, then the members; `stories`: i64 updated, f64
// cohesion, then the members. Members are u32 document numbers, ascending.
struct FamilyRecord {
  uint32_t root = 0;
  std::vector<uint32_t> members;
};
struct StoryRecord {
  int64_t updated = 0;  ///< Unix seconds of the last change of its membership
  double cohesion = 0;
  std::vector<uint32_t> members;
};
std::string encode_family(uint32_t root, std::span<const uint32_t> members);
std::optional<FamilyRecord> decode_family(std::string_view s);
std::string encode_story(const StoryRecord& r);
std::optional<StoryRecord> decode_story(std::string_view s);

// The key of a stored family or story: its smallest member (members are
// ascending). It stays while the group keeps that member, and ordering by it
// is the batch numbering (cluster::number_by_smallest_member, which snapshot()
// applies).
template <class Members>
uint32_t group_key(const Members& members) {
  return static_cast<uint32_t>(members.front());
}

}  // namespace kindred::live
