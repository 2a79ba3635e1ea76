// LiveIndex: reading records back, and the read API (find, document, matches,
// family, stats). Each public read is one read transaction: one snapshot per answer.
#include <filesystem>

#include "live/index_impl.h"
#include "util/utf8.h"

namespace kindred {

using live::Txn;

namespace {

std::string doc_name(uint32_t n) {
  return "document " + std::to_string(n);
}

}  // namespace

std::optional<live::DocRecord> LiveIndex::Impl::doc(Txn& t, uint32_t n) const {
  auto v = live::get(t, d().docs, live::val_of(n));
  if (!v) return std::nullopt;
  auto r = live::decode_doc(live::view(*v));
  if (!r) t.corrupt("the record of " + doc_name(n) + " is truncated or malformed");
  return r;
}

live::DocRecord LiveIndex::Impl::stored_doc(Txn& t, uint32_t n) const {
  if (auto r = doc(t, n)) return std::move(*r);
  t.corrupt(doc_name(n) + " is missing");
  return {};
}

std::span<const uint64_t> LiveIndex::Impl::shingles(Txn& t, uint32_t n,
                                                    std::vector<uint64_t>& scratch) const {
  auto v = live::get(t, d().shingles, live::val_of(n));
  if (!v || v->mv_size % sizeof(uint64_t) != 0) {
    t.corrupt("the shingles of " + doc_name(n) + " are missing or malformed");
    return {};
  }
  return live::aligned<uint64_t>(*v, scratch);
}

std::span<const uint32_t> LiveIndex::Impl::band_keys(Txn& t, uint32_t n,
                                                     std::vector<uint32_t>& scratch) const {
  auto v = live::get(t, d().bandkeys, live::val_of(n));
  if (!v || v->mv_size != size_t{params.bands} * sizeof(uint32_t)) {
    t.corrupt("the band keys of " + doc_name(n) + " are missing or malformed");
    return {};
  }
  return live::aligned<uint32_t>(*v, scratch);
}

std::string_view LiveIndex::Impl::text(Txn& t, uint32_t n) const {
  auto v = live::get(t, d().texts, live::val_of(n));
  // Every stored document has its text, repaired to UTF-8 when it was added.
  if (!v || !util::is_valid_utf8(live::view(*v))) {
    t.corrupt("the text of " + doc_name(n) + " is missing or not UTF-8");
    return {};
  }
  return live::view(*v);
}

std::vector<live::LinkValue> LiveIndex::Impl::links_of(Txn& t, uint32_t n) const {
  std::vector<live::LinkValue> out;
  live::Cursor c(t, d().links);
  MDB_val k = live::val_of(n), v;
  if (!c.op(k, v, MDB_SET_KEY)) return out;
  do {
    if (auto l = live::decode_link(live::view(v))) {
      out.push_back(*l);
    } else {
      t.corrupt("a link of " + doc_name(n) + " is malformed");
    }
  } while (c.op(k, v, MDB_NEXT_DUP));
  return out;
}

int64_t LiveIndex::Impl::assignment(Txn& t, MDB_dbi dbi, uint32_t n) const {
  auto v = live::get_pod<uint32_t>(t, dbi, live::val_of(n), "an assignment to a family or story");
  return v ? int64_t{*v} : -1;
}

uint32_t LiveIndex::Impl::next_doc(Txn& t) const {
  return live::get_pod<uint32_t>(t, d().meta, live::val("next_doc"), "the document count")
      .value_or(0);
}

uint32_t LiveIndex::Impl::buckets_upto(Txn& t) const {
  return live::get_pod<uint32_t>(t, d().meta, live::val("buckets_upto"), "the bucket mark")
      .value_or(0);
}

// Absent in a store written before the story refresher: nothing is covered.
uint32_t LiveIndex::Impl::stories_upto(Txn& t) const {
  return live::get_pod<uint32_t>(t, d().meta, live::val("stories_upto"), "the story mark")
      .value_or(0);
}

// Bytes of all stored texts: kept in meta by add() (stats() must not read
// every text: 2.4 GB at 1,000,000 documents); summed from the texts table
// for a store written before the counter existed.
uint64_t LiveIndex::Impl::text_bytes(Txn& t) const {
  if (auto v = live::get_pod<uint64_t>(t, d().meta, live::val("text_bytes"), "the text size"))
    return *v;
  return summed_text_bytes(t);
}

uint64_t LiveIndex::Impl::summed_text_bytes(Txn& t) const {
  uint64_t total = 0;
  live::Cursor c(t, d().texts);
  MDB_val k, v;
  for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) total += v.mv_size;
  return total;
}

std::optional<live::FamilyRecord> LiveIndex::Impl::family_record(Txn& t, uint32_t id) const {
  auto v = live::get(t, d().families, live::val_of(id));
  if (!v) return std::nullopt;
  auto r = live::decode_family(live::view(*v));
  if (!r) t.corrupt("the record of family " + std::to_string(id) + " is malformed");
  return r;
}

std::optional<live::StoryRecord> LiveIndex::Impl::story_record(Txn& t, uint32_t id) const {
  auto v = live::get(t, d().stories, live::val_of(id));
  if (!v) return std::nullopt;
  auto r = live::decode_story(live::view(*v));
  if (!r) t.corrupt("the record of story " + std::to_string(id) + " is malformed");
  return r;
}

std::vector<LiveMatch> LiveIndex::Impl::matches(Txn& t, uint32_t n, bool with_passages) const {
  std::vector<LiveMatch> out;
  const auto self = doc(t, n);
  if (!self) return out;
  for (const live::LinkValue& l : links_of(t, n)) {
    const live::DocRecord other = stored_doc(t, l.other);
    LiveMatch m;
    m.doc = l.other;
    m.id = other.id;
    m.relation = l.relation;
    m.overlap = {l.shared, self->shingles, other.shingles};
    if (with_passages) m.passages = align_texts(text(t, n), text(t, l.other));
    out.push_back(std::move(m));
  }
  return out;
}

Result<LiveDocument> LiveIndex::Impl::document(Txn& t, uint32_t n, bool with_text) const {
  auto r = doc(t, n);
  if (!t.ok()) return t.status();
  if (!r) return Status(StatusCode::kNotFound, "no document " + std::to_string(n));
  LiveDocument out;
  out.doc = n;
  out.added = r->added;
  out.info = live::doc_info(std::move(*r));
  out.info.family = static_cast<int32_t>(assignment(t, d().family, n));
  out.info.story = static_cast<int32_t>(assignment(t, d().story, n));
  if (with_text) out.info.text = std::string(text(t, n));
  if (!t.ok()) return t.status();
  return out;
}

Result<uint32_t> LiveIndex::find(const std::string& id) const {
  if (id.empty() || id.size() > 511) {
    return Status(StatusCode::kNotFound, "no document with id '" + id + "'");
  }
  Txn t(*impl_->env, false);
  auto v = live::get_pod<uint32_t>(t, impl_->d().ids, live::val(id), "a document number");
  if (!t.ok()) return t.status();
  if (!v) return Status(StatusCode::kNotFound, "no document with id '" + id + "'");
  return *v;
}

Result<LiveDocument> LiveIndex::document(uint32_t n, bool with_text) const {
  Txn t(*impl_->env, false);
  if (!t.ok()) return t.status();
  return impl_->document(t, n, with_text);
}

Result<std::vector<LiveMatch>> LiveIndex::matches(uint32_t n, bool with_passages) const {
  Txn t(*impl_->env, false);
  if (!t.ok()) return t.status();
  std::vector<LiveMatch> out = impl_->matches(t, n, with_passages);
  if (!t.ok()) return t.status();
  return out;
}

Result<LiveFamily> LiveIndex::family(uint32_t id) const {
  Txn t(*impl_->env, false);
  if (!t.ok()) return t.status();
  auto r = impl_->family_record(t, id);
  if (!t.ok()) return t.status();
  if (!r) return Status(StatusCode::kNotFound, "no family " + std::to_string(id));
  LiveFamily f{id, r->root, std::move(r->members), impl_->stored_doc(t, r->root).id, {}};
  for (uint32_t m : f.members) f.member_ids.push_back(impl_->stored_doc(t, m).id);
  if (!t.ok()) return t.status();
  return f;
}

Result<LiveStats> LiveIndex::stats() const {
  const Impl& s = *impl_;
  LiveStats out;
  out.format_version = kLiveFormatVersion;
  out.params = s.params.to_spec();
  Txn t(*s.env, false);
  if (!t.ok()) return t.status();
  auto entries = [&](MDB_dbi dbi) {
    MDB_stat st;
    if (int rc = mdb_stat(t.get(), dbi, &st); rc != 0) {
      t.fail(live::lmdb_status(rc, "cannot read the size of a table"));
      return uint64_t{0};
    }
    return uint64_t{st.ms_entries};
  };
  out.documents = entries(s.d().docs);
  out.links = entries(s.d().links) / 2;
  out.families = entries(s.d().families);
  out.documents_in_families = entries(s.d().family);
  out.stories = entries(s.d().stories);
  out.buckets_merged = s.buckets_upto(t);
  out.bucket_runs = live::read_runs(t, s.d().meta).size();
  out.buckets = uint64_t{s.next_doc(t)} * s.params.bands;
  out.text_bytes = s.text_bytes(t);
  std::error_code ec;
  out.store_bytes = std::filesystem::file_size(std::filesystem::path(s.dir) / "data.mdb", ec);
  out.stories_refreshed =
      live::get_pod<int64_t>(t, s.d().meta, live::val("refreshed"), "the refresh time").value_or(0);
  out.stories_pending = s.next_doc(t) - std::min(s.next_doc(t), s.stories_upto(t));
  if (!t.ok()) return t.status();
  return out;
}

}  // namespace kindred
