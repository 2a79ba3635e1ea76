// LiveIndex: stories. An add places documents provisionally (place_in_stories);
// refresh_stories() recomputes every story as a batch scan does; the read API
// serves stories, recent ones, and one story as a small ScanResult for the HTML view.
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "cluster/provenance.h"
#include "core/links.h"
#include "core/threads.h"
#include "live/index_impl.h"
#include "normalize/tokenize.h"
#include "story/account.h"
#include "story/features.h"
#include "story/stories.h"
#include "story/story_params.h"

namespace kindred {

using live::Txn;

Status LiveIndex::Impl::put_story(Txn& t, uint32_t id, const live::StoryRecord& r) {
  const std::string rec = live::encode_story(r);
  return live::put(t, d().stories, live::val_of(id), live::val(rec));
}

Status LiveIndex::Impl::place_in_stories(Txn& t, const std::vector<LiveFamily>& families) {
  const int64_t now = live_now_seconds();
  for (const LiveFamily& f : families) {
    int64_t target = assignment(t, d().story, f.root);
    for (size_t i = 0; target < 0 && i < f.members.size(); ++i) {
      target = assignment(t, d().story, f.members[i]);
    }
    std::vector<uint32_t> joining;
    for (uint32_t m : f.members) {
      if (assignment(t, d().story, m) < 0) joining.push_back(m);
    }
    if (joining.empty()) continue;
    live::StoryRecord r;
    uint32_t id = 0;
    if (target >= 0) {
      id = static_cast<uint32_t>(target);
      auto old = story_record(t, id);
      if (!old) t.corrupt("story " + std::to_string(id) + " of a document is missing");
      if (!t.ok()) return t.status();
      r = std::move(*old);
    } else {
      id = joining.front();
    }
    r.members.insert(r.members.end(), joining.begin(), joining.end());
    std::sort(r.members.begin(), r.members.end());
    r.updated = now;
    if (Status s = put_story(t, id, r); !s) return s;
    for (uint32_t m : joining) {
      if (Status s = live::put(t, d().story, live::val_of(m), live::val_of(id)); !s) return s;
    }
  }
  return t.status();
}

Result<LiveStory> LiveIndex::Impl::story(Txn& t, uint32_t id, bool with_account) const {
  auto r = story_record(t, id);
  if (!t.ok()) return t.status();
  if (!r) return Status(StatusCode::kNotFound, "no story " + std::to_string(id));
  LiveStory st;
  st.id = id;
  st.members = std::move(r->members);
  st.cohesion = r->cohesion;
  st.updated = r->updated;
  std::set<uint32_t> fams;
  for (uint32_t m : st.members) {
    const int64_t f = assignment(t, d().family, m);
    if (f >= 0) fams.insert(static_cast<uint32_t>(f));
  }
  st.families.assign(fams.begin(), fams.end());
  for (uint32_t m : st.members) st.member_ids.push_back(stored_doc(t, m).id);
  if (with_account && t.ok()) {
    std::vector<std::string_view> texts(st.members.back() + 1);
    for (uint32_t m : st.members) texts[m] = text(t, m);
    Story story;
    story.id = id;
    story.members = st.members;
    st.account = story::merged_account(story, texts);
    st.account_texts.reserve(st.account.size());
    for (const AccountSentence& s : st.account) {
      const std::string_view tx = s.doc < texts.size() ? texts[s.doc] : std::string_view();
      st.account_texts.emplace_back(s.begin <= s.end && s.end <= tx.size()
                                        ? tx.substr(s.begin, s.end - s.begin)
                                        : std::string_view());
    }
  }
  if (!t.ok()) return t.status();
  return st;
}

Status LiveIndex::refresh_stories() {
  Impl& s = *impl_;
  if (s.options.read_only) return Status(StatusCode::kInvalidArgument, "index opened read-only");
  std::lock_guard<std::mutex> lock(s.write_mu);
  Txn t(*s.env, true);
  if (!t.ok()) return t.status();
  const uint32_t n = s.next_doc(t);
  // Everything is read before the first write: LMDB pointers stay valid until then.
  std::vector<std::string_view> texts(n);
  std::vector<std::string> dates(n);
  for (uint32_t i = 0; i < n && t.ok(); ++i) {
    texts[i] = s.text(t, i);
    dates[i] = s.stored_doc(t, i).date;
  }
  if (!t.ok()) return t.status();
  std::vector<story::StoryFeatures> features(n);
  tbb::task_arena arena(static_cast<int>(core::resolve_threads(s.options.threads)));
  arena.execute([&] {
    tbb::parallel_for(uint32_t{0}, n, [&](uint32_t i) {
      std::vector<normalize::Token> tokens;
      normalize::tokenize(texts[i], tokens);
      features[i] = story::extract_features(texts[i], tokens, dates[i]);
    });
  });
  auto snap = snapshot();  // its own read snapshot: the writer lock keeps it current
  if (!snap) return snap.status();
  const story::StoryStats stats(features);
  std::vector<Story> stories = story::cluster_stories(features, stats, snap->links, snap->families,
                                                      story::story_params(s.params));
  std::map<uint32_t, live::StoryRecord> old;
  {
    live::Cursor c(t, s.d().stories);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      const uint32_t id = live::load<uint32_t>(k.mv_data);
      if (auto r = live::decode_story(live::view(v))) old[id] = std::move(*r);
      // A malformed old record is replaced: its `updated` time is lost, nothing else.
    }
  }
  if (!t.ok()) return t.status();
  for (MDB_dbi dbi : {s.d().story, s.d().stories}) {
    if (int rc = mdb_drop(t.get(), dbi, 0); rc != 0)
      return live::lmdb_status(rc, "cannot clear stories");
  }
  const int64_t now = live_now_seconds();
  for (const Story& st : stories) {
    live::StoryRecord r;
    r.members = st.members;
    r.cohesion = st.cohesion;
    const uint32_t id = live::group_key(st.members);
    auto it = old.find(id);
    r.updated = it != old.end() && it->second.members == r.members ? it->second.updated : now;
    if (Status x = s.put_story(t, id, r); !x) return x;
    for (uint32_t m : st.members) {
      if (Status x = live::put(t, s.d().story, live::val_of(m), live::val_of(id)); !x) return x;
    }
  }
  if (Status x = live::put(t, s.d().meta, live::val("refreshed"), live::val_of(now)); !x) return x;
  return t.commit();
}

Result<LiveStory> LiveIndex::story(uint32_t id, bool with_account) const {
  Txn t(*impl_->env, false);
  if (!t.ok()) return t.status();
  return impl_->story(t, id, with_account);
}

Result<std::vector<LiveStory>> LiveIndex::stories_since(int64_t unix_seconds) const {
  const Impl& s = *impl_;
  std::vector<LiveStory> out;
  Txn t(*s.env, false);
  if (!t.ok()) return t.status();
  live::Cursor c(t, s.d().stories);
  MDB_val k, v;
  for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
    const uint32_t id = live::load<uint32_t>(k.mv_data);
    auto r = live::decode_story(live::view(v));
    if (!r) {
      t.corrupt("the record of story " + std::to_string(id) + " is malformed");
      break;
    }
    if (r->updated < unix_seconds) continue;
    LiveStory st;
    st.id = id;
    st.members = std::move(r->members);
    st.cohesion = r->cohesion;
    st.updated = r->updated;
    for (uint32_t m : st.members) st.member_ids.push_back(s.stored_doc(t, m).id);
    out.push_back(std::move(st));
  }
  if (!t.ok()) return t.status();
  return out;
}

Result<ScanResult> LiveIndex::story_result(uint32_t id) const {
  const Impl& s = *impl_;
  Txn t(*s.env, false);  // one snapshot for the story, its documents and families
  if (!t.ok()) return t.status();
  auto st = s.story(t, id, false);
  if (!st) return st.status();
  ScanResult out;
  std::unordered_map<uint32_t, uint32_t> local;
  for (uint32_t m : st->members) {
    local[m] = static_cast<uint32_t>(out.docs.size());
    auto doc = s.document(t, m, true);
    if (!doc) {
      t.corrupt("document " + std::to_string(m) + " of story " + std::to_string(id) +
                " is missing");
      return t.status();
    }
    doc->info.family = -1;
    doc->info.story = 0;
    out.docs.push_back(std::move(doc->info));
  }
  for (uint32_t m : st->members) {
    for (const live::LinkValue& l : s.links_of(t, m)) {
      if (l.other <= m || !local.count(l.other)) continue;
      const uint32_t a = local[m], b = local[l.other];
      out.links.push_back(
          {a, b, l.relation, {l.shared, out.docs[a].shingles, out.docs[b].shingles}});
    }
  }
  core::sort_links(out.links);
  for (const Link& l : out.links) {
    out.passages.push_back(align_texts(out.docs[l.a].text, out.docs[l.b].text));
  }
  Story story;
  story.id = 0;
  story.cohesion = st->cohesion;
  for (uint32_t fid : st->families) {
    auto f = s.family_record(t, fid);
    if (!f) continue;
    Family fam;
    fam.id = static_cast<uint32_t>(out.families.size());
    for (uint32_t m : f->members) {
      if (local.count(m)) fam.members.push_back(local[m]);
    }
    if (fam.members.size() < 2 || !local.count(f->root)) continue;
    fam.root = local[f->root];
    for (uint32_t m : fam.members) out.docs[m].family = static_cast<int32_t>(fam.id);
    story.families.push_back(fam.id);
    out.families.push_back(std::move(fam));
  }
  if (!t.ok()) return t.status();
  for (size_t i = 0; i < out.docs.size(); ++i) story.members.push_back(static_cast<uint32_t>(i));
  std::vector<std::string_view> texts;
  for (const DocInfo& di : out.docs) texts.push_back(di.text);
  story.account = story::merged_account(story, texts);
  out.stories.push_back(std::move(story));
  out.provenance = cluster::infer_provenance(out.links, out.docs);
  out.stats.documents = out.docs.size();
  out.stats.links = out.links.size();
  out.stats.families = out.families.size();
  out.stats.stories = 1;
  return out;
}

}  // namespace kindred
