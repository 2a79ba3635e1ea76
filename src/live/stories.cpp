// LiveIndex: stories. An add places documents provisionally (place_in_stories;
// refresher.cpp makes them a batch scan's); the read API serves stories, with
// their quotations and merged account computed as a batch scan does, recent
// stories, and one story as a small ScanResult for the HTML view.
#include <algorithm>
#include <unordered_map>

#include "cluster/provenance.h"
#include "core/links.h"
#include "live/index_impl.h"
#include "normalize/tokenize.h"
#include "story/account.h"
#include "story/features.h"
#include "story/quotations.h"

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

namespace {

// The quotations and merged account of the story of `members`, exactly as a
// batch scan computes them (both depend on the story's members alone):
// computed with the members numbered 0.. in their order (the batch's order),
// then given the index's document numbers back. texts[i], times[i]: member i's.
void story_details(uint32_t id, std::span<const uint32_t> members,
                   std::span<const std::string_view> texts,
                   std::span<const std::optional<int64_t>> times,
                   std::vector<Quotation>& quotations, std::vector<AccountSentence>& account) {
  std::vector<story::StoryFeatures> features(members.size());
  std::vector<normalize::Token> tokens;
  for (size_t i = 0; i < members.size(); ++i) {
    tokens.clear();
    normalize::tokenize(texts[i], tokens);
    features[i] = story::extract_features(texts[i], tokens, times[i]);
  }
  Story local;
  local.id = 0;
  for (uint32_t i = 0; i < members.size(); ++i) local.members.push_back(i);
  quotations = story::story_quotations(features, std::span<const Story>(&local, 1));
  account = story::merged_account(local, texts, quotations);
  for (Quotation& q : quotations) {
    q.story = id;
    for (QuoteVariant& v : q.variants) v.doc = members[v.doc];
  }
  for (AccountSentence& a : account) {
    a.doc = members[a.doc];
    for (uint32_t& src : a.sources) src = members[src];
    for (AccountVariant& v : a.variants) {
      v.doc = members[v.doc];
      for (uint32_t& src : v.sources) src = members[src];
    }
  }
}

}  // namespace

std::string_view LiveStory::text(uint32_t doc, uint32_t begin, uint32_t end) const {
  const auto at = std::lower_bound(members.begin(), members.end(), doc);
  if (at == members.end() || *at != doc) return {};
  const size_t i = static_cast<size_t>(at - members.begin());
  if (i >= texts.size() || begin > end || end > texts[i].size()) return {};
  return std::string_view(texts[i]).substr(begin, end - begin);
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
  const uint32_t n = next_doc(t), covered = stories_upto(t);
  st.pending = n - std::min(n, covered);
  st.final = st.pending == 0;
  std::set<uint32_t> fams;
  for (uint32_t m : st.members) {
    const int64_t f = assignment(t, d().family, m);
    if (f >= 0) fams.insert(static_cast<uint32_t>(f));
  }
  st.families.assign(fams.begin(), fams.end());
  std::vector<std::optional<int64_t>> times;
  for (uint32_t m : st.members) {
    live::DocRecord rec = stored_doc(t, m);
    st.member_ids.push_back(std::move(rec.id));
    times.push_back(rec.time);
  }
  if (with_account && t.ok()) {
    std::vector<std::string_view> texts;
    for (uint32_t m : st.members) texts.push_back(text(t, m));
    if (!t.ok()) return t.status();
    story_details(id, st.members, texts, times, st.quotations, st.account);
    st.texts.assign(texts.begin(), texts.end());
  }
  if (!t.ok()) return t.status();
  return st;
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
  const uint32_t n = s.next_doc(t), covered = s.stories_upto(t);
  const uint64_t pending = n - std::min(n, covered);
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
    st.pending = pending;
    st.final = pending == 0;
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
  std::vector<std::optional<int64_t>> times;
  for (const DocInfo& di : out.docs) {
    texts.push_back(di.text);
    times.push_back(di.time);
  }
  story_details(0, story.members, texts, times, out.quotations, story.account);
  out.stories.push_back(std::move(story));
  out.provenance = cluster::infer_provenance(out.links, out.docs);
  out.stats.documents = out.docs.size();
  out.stats.links = out.links.size();
  out.stats.families = out.families.size();
  out.stats.stories = 1;
  out.stats.quotations = out.quotations.size();
  return out;
}

}  // namespace kindred
