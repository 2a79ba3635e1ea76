// LiveIndex::snapshot(): everything stored as one ScanResult, as a batch scan
// of the same documents would number it.
#include <algorithm>

#include "live/index_impl.h"

namespace kindred {

using live::Txn;

Result<ScanResult> LiveIndex::snapshot() const {
  const Impl& s = *impl_;
  ScanResult out;
  Txn t(*s.env, false);
  if (!t.ok()) return t.status();
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
  // Families and stories are numbered by smallest member, as a batch scan numbers them.
  struct Group {
    uint32_t root = 0;    // families
    double cohesion = 0;  // stories
    std::vector<uint32_t> members;
  };
  auto read_groups = [&](MDB_dbi dbi, bool family) {
    std::vector<Group> groups;
    live::Cursor c(t, dbi);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      Group g;
      if (family) {
        auto f = live::decode_family(live::view(v));
        if (f) g = {f->root, 0, std::move(f->members)};
      } else {
        auto st = live::decode_story(live::view(v));
        if (st) g = {0, st->cohesion, std::move(st->members)};
      }
      const char* what = family ? "family" : "story";
      if (g.members.empty() || g.members.back() >= n || (family && g.root >= n)) {
        t.corrupt(std::string("the record of ") + what + " " +
                  std::to_string(live::load<uint32_t>(k.mv_data)) +
                  " is malformed or names no document");
        break;
      }
      groups.push_back(std::move(g));
    }
    std::sort(groups.begin(), groups.end(),
              [](const Group& a, const Group& b) { return a.members.front() < b.members.front(); });
    return groups;
  };
  std::vector<Group> families = read_groups(s.d().families, true);
  for (size_t i = 0; i < families.size(); ++i) {
    Family f;
    f.id = static_cast<uint32_t>(i);
    f.root = families[i].root;
    f.members = std::move(families[i].members);
    for (uint32_t m : f.members) out.docs[m].family = static_cast<int32_t>(i);
    out.families.push_back(std::move(f));
  }
  std::vector<Group> stories = read_groups(s.d().stories, false);
  for (size_t i = 0; i < stories.size(); ++i) {
    Story st;
    st.id = static_cast<uint32_t>(i);
    st.members = std::move(stories[i].members);
    st.cohesion = stories[i].cohesion;
    std::set<uint32_t> fams;
    for (uint32_t m : st.members) {
      out.docs[m].story = static_cast<int32_t>(i);
      if (out.docs[m].family >= 0) fams.insert(static_cast<uint32_t>(out.docs[m].family));
    }
    st.families.assign(fams.begin(), fams.end());
    out.stories.push_back(std::move(st));
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
