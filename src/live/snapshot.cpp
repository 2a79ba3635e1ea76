// LiveIndex::snapshot(): everything stored as one ScanResult, as a batch scan
// of the same documents would number it.
#include <algorithm>

#include "cluster/families.h"
#include "live/index_impl.h"

namespace kindred {

using live::Txn;

Result<ScanResult> LiveIndex::snapshot() const {
  Txn t(*impl_->env, false);
  if (!t.ok()) return t.status();
  return impl_->snapshot(t);
}

Result<ScanResult> LiveIndex::Impl::snapshot(Txn& t) const {
  const Impl& s = *this;
  ScanResult out;
  const uint32_t n = s.next_doc(t);
  out.docs.resize(n);
  for (uint32_t i = 0; i < n && t.ok(); ++i) out.docs[i] = live::doc_info(s.stored_doc(t, i));
  for (uint32_t i = 0; i < n && t.ok(); ++i) {
    for (const live::LinkValue& l : s.links_of(t, i)) {
      if (l.other >= n) {
        t.corrupt("a link of document " + std::to_string(i) + " names no document");
        break;
      }
      if (l.other <= i) continue;
      out.links.push_back(
          {i, l.other, l.relation, {l.shared, out.docs[i].shingles, out.docs[l.other].shingles}});
    }
  }
  // Families and stories are numbered as a batch scan numbers families.
  auto bad_group = [&](const char* what, const MDB_val& k) {
    t.corrupt(std::string("the record of ") + what + " " +
              std::to_string(live::load<uint32_t>(k.mv_data)) +
              " is malformed or names no document");
  };
  {
    live::Cursor c(t, s.d().families);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      auto f = live::decode_family(live::view(v));
      if (!f || f->members.empty() || f->members.back() >= n || f->root >= n) {
        bad_group("family", k);
        break;
      }
      Family& family = out.families.emplace_back();
      family.root = f->root;
      family.members = std::move(f->members);
    }
  }
  cluster::number_by_smallest_member(out.families);
  for (const Family& f : out.families) {
    for (uint32_t m : f.members) out.docs[m].family = static_cast<int32_t>(f.id);
  }
  {
    live::Cursor c(t, s.d().stories);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      auto st = live::decode_story(live::view(v));
      if (!st || st->members.empty() || st->members.back() >= n) {
        bad_group("story", k);
        break;
      }
      Story& story = out.stories.emplace_back();
      story.members = std::move(st->members);
      story.cohesion = st->cohesion;
    }
  }
  cluster::number_by_smallest_member(out.stories);
  for (Story& st : out.stories) {
    std::set<uint32_t> fams;
    for (uint32_t m : st.members) {
      out.docs[m].story = static_cast<int32_t>(st.id);
      if (out.docs[m].family >= 0) fams.insert(static_cast<uint32_t>(out.docs[m].family));
    }
    st.families.assign(fams.begin(), fams.end());
  }
  if (!t.ok()) return t.status();
  out.stats.documents = n;
  out.stats.links = out.links.size();
  out.stats.families = out.families.size();
  for (const Family& f : out.families) out.stats.documents_in_families += f.members.size();
  out.stats.stories = out.stories.size();
  return out;
}

}  // namespace kindred
