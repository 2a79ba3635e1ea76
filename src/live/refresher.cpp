// LiveIndex: story refreshes. refresh() makes the stored stories those of a
// batch scan of the documents stored when it begins (Scanner::find_stories'
// clustering over the same links, families and collection statistics); the
// refresher thread runs it after adds, sync_stories() waits for it, and
// refresh_stories() runs it as a full rebuild.
//
// What "affected" means: every add changes the term and name document
// frequencies, so any story pair's similarity may change; the clustering is
// therefore recomputed over every document each time (exact), and what makes
// it cheap is that each document's story evidence is extracted once and kept
// (Impl::evidence). Quotations and accounts depend on a story's members alone
// and are computed when the story is read (stories.cpp).
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include "core/threads.h"
#include "live/index_impl.h"
#include "normalize/tokenize.h"
#include "story/stories.h"
#include "story/story_params.h"

namespace kindred {

using live::Txn;

Status LiveIndex::Impl::refresh(bool full, uint32_t& covered) {
  std::lock_guard story_lock(story_mu);
  if (full) evidence.clear();
  uint32_t n = 0;
  ScanResult snap;
  tbb::task_arena arena(static_cast<int>(core::resolve_threads(options.threads)));
  {
    // Read phase: one snapshot for the texts, links and families.
    Txn r(*env, false);
    if (!r.ok()) return r.status();
    n = next_doc(r);
    const uint32_t upto = stories_upto(r);
    if (!r.ok()) return r.status();
    if (!full && upto >= n) {
      covered = n;
      return Status::ok();
    }
    if (evidence.size() > n) evidence.clear();  // not this store's documents
    const uint32_t from = static_cast<uint32_t>(evidence.size());
    std::vector<std::string_view> texts(n - from);
    std::vector<std::optional<int64_t>> times(n - from);
    for (uint32_t i = from; i < n && r.ok(); ++i) {
      texts[i - from] = text(r, i);
      times[i - from] = stored_doc(r, i).time;
    }
    if (!r.ok()) return r.status();
    std::vector<story::StoryFeatures> fresh(n - from);
    arena.execute([&] {
      tbb::parallel_for(uint32_t{0}, n - from, [&](uint32_t i) {
        if (stopping) return;
        std::vector<normalize::Token> tokens;
        normalize::tokenize(texts[i], tokens);
        fresh[i] = story::extract_features(texts[i], tokens, times[i]);
      });
    });
    if (stopping) return Status(StatusCode::kCancelled, "the index is closing");
    auto s = snapshot(r);
    if (!s) return s.status();
    snap = std::move(*s);
    evidence.insert(evidence.end(), std::make_move_iterator(fresh.begin()),
                    std::make_move_iterator(fresh.end()));
  }
  // Cluster without any lock but story_mu: adds go on meanwhile.
  const std::span<const story::StoryFeatures> docs(evidence.data(), n);
  const story::StoryStats stats(docs);
  const auto loop = [&](size_t count, const std::function<void(size_t, size_t)>& body) {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, count, 512),
                        [&](const tbb::blocked_range<size_t>& b) { body(b.begin(), b.end()); });
    });
  };
  const std::vector<Story> stories = story::cluster_stories(docs, stats, snap.links, snap.families,
                                                            story::story_params(params), loop);
  if (stopping) return Status(StatusCode::kCancelled, "the index is closing");

  // Write phase: the difference to what is stored, then the documents added
  // since the read phase placed provisionally again.
  std::lock_guard write_lock(write_mu);
  Txn t(*env, true);
  if (!t.ok()) return t.status();
  const uint32_t m = next_doc(t);
  if (m < n) t.corrupt("the document count went down during a story refresh");
  std::map<uint32_t, live::StoryRecord> old;
  std::vector<int64_t> assigned(m, -1), wanted(m, -1);
  {
    live::Cursor c(t, d().stories);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      const uint32_t id = live::load<uint32_t>(k.mv_data);
      // A malformed old record is replaced: its `updated` time is lost, nothing else.
      auto rec = live::decode_story(live::view(v));
      old[id] = rec ? std::move(*rec) : live::StoryRecord{};
    }
  }
  {
    live::Cursor c(t, d().story);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      if (k.mv_size != 4 || v.mv_size != 4) {
        t.corrupt("a story assignment record is malformed");
        break;
      }
      const uint32_t doc = live::load<uint32_t>(k.mv_data);
      if (doc < m) assigned[doc] = live::load<uint32_t>(v.mv_data);
    }
  }
  if (!t.ok()) return t.status();
  const int64_t now = live_now_seconds();
  std::map<uint32_t, live::StoryRecord> want;
  for (const Story& st : stories) {
    const uint32_t id = live::group_key(st.members);
    live::StoryRecord& r = want[id];
    r.members = st.members;
    r.cohesion = st.cohesion;
    auto it = old.find(id);
    r.updated = it != old.end() && it->second.members == r.members ? it->second.updated : now;
    for (uint32_t doc : st.members) wanted[doc] = id;
  }
  for (const auto& [id, r] : old) {
    if (want.count(id)) continue;
    if (Status x = live::del(t, d().stories, live::val_of(id)); !x) return x;
  }
  for (const auto& [id, r] : want) {
    auto it = old.find(id);
    if (it != old.end() && live::encode_story(it->second) == live::encode_story(r)) continue;
    if (Status x = put_story(t, id, r); !x) return x;
  }
  for (uint32_t doc = 0; doc < m; ++doc) {
    if (assigned[doc] == wanted[doc]) continue;
    Status x = wanted[doc] < 0 ? live::del(t, d().story, live::val_of(doc))
                               : live::put(t, d().story, live::val_of(doc),
                                           live::val_of(static_cast<uint32_t>(wanted[doc])));
    if (!x) return x;
  }
  // Documents [n, m) arrived during the refresh: their families are placed
  // as an add places them (a family containing older documents joins their story).
  std::map<uint32_t, LiveFamily> newer;
  for (uint32_t doc = n; doc < m && t.ok(); ++doc) {
    const int64_t f = assignment(t, d().family, doc);
    if (f < 0 || newer.count(static_cast<uint32_t>(f))) continue;
    auto rec = family_record(t, static_cast<uint32_t>(f));
    if (!rec) {
      t.corrupt("family " + std::to_string(f) + " of document " + std::to_string(doc) +
                " is missing");
      break;
    }
    LiveFamily& lf = newer[static_cast<uint32_t>(f)];
    lf.id = static_cast<uint32_t>(f);
    lf.root = rec->root;
    lf.members = std::move(rec->members);
  }
  if (!t.ok()) return t.status();
  std::vector<LiveFamily> families;
  for (auto& [id, f] : newer) families.push_back(std::move(f));
  if (Status x = place_in_stories(t, families); !x) return x;
  if (Status x = live::put(t, d().meta, live::val("stories_upto"), live::val_of(n)); !x) return x;
  if (Status x = live::put(t, d().meta, live::val("refreshed"), live::val_of(now)); !x) return x;
  if (Status x = t.commit(); !x) return x;
  covered = n;
  return Status::ok();
}

Status LiveIndex::refresh_stories() {
  Impl& s = *impl_;
  if (s.options.read_only) return Status(StatusCode::kInvalidArgument, "index opened read-only");
  uint32_t covered = 0;
  return s.refresh(true, covered);
}

void LiveIndex::Impl::start_refresher() {
  if (options.read_only || !options.background_stories) return;
  refresher = std::thread([this] { refresher_loop(); });
}

void LiveIndex::Impl::request_refresh() {
  if (!refresher.joinable()) return;
  {
    std::lock_guard lock(refresh_mu);
    refresh_wanted = true;
  }
  refresh_cv.notify_one();
}

// Refreshes when asked and every story_poll_ms (for documents that other
// processes add); publishes what each run covered for sync_stories().
void LiveIndex::Impl::refresher_loop() {
  const auto poll = std::chrono::milliseconds(std::max<uint32_t>(1, options.story_poll_ms));
  std::unique_lock lock(refresh_mu);
  while (!stopping) {
    refresh_wanted = false;
    lock.unlock();
    uint32_t covered = 0;
    const Status st = refresh(false, covered);
    lock.lock();
    if (st) refreshed_upto = std::max(refreshed_upto, covered);
    refresh_error = st;
    ++refresh_runs;
    refreshed_cv.notify_all();
    refresh_cv.wait_for(lock, poll, [&] { return stopping || refresh_wanted; });
  }
}

Status LiveIndex::sync_stories(int64_t timeout_ms) {
  Impl& s = *impl_;
  uint32_t target = 0;
  {
    Txn t(*s.env, false);
    if (!t.ok()) return t.status();
    target = s.next_doc(t);
    const uint32_t upto = s.stories_upto(t);
    if (!t.ok()) return t.status();
    if (upto >= target) return Status::ok();
  }
  if (s.options.read_only) {
    return Status(StatusCode::kInvalidArgument,
                  "index opened read-only: its stories are not final (a writer refreshes them)");
  }
  if (!s.refresher.joinable()) {
    uint32_t covered = 0;
    return s.refresh(false, covered);  // reads at least `target` documents
  }
  std::unique_lock lock(s.refresh_mu);
  const uint64_t runs = s.refresh_runs;
  s.refresh_wanted = true;
  s.refresh_cv.notify_one();
  // The first run to finish after the call may have begun before it; one that
  // begins after it covers `target`. A failed run ends the wait with its Status.
  const auto settled = [&] {
    return s.refreshed_upto >= target || (s.refresh_runs > runs && !s.refresh_error.is_ok());
  };
  if (timeout_ms < 0) {
    s.refreshed_cv.wait(lock, settled);
  } else if (!s.refreshed_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), settled)) {
    return Status(StatusCode::kCancelled, "stories not final after " + std::to_string(timeout_ms) +
                                              " ms (" + std::to_string(target - s.refreshed_upto) +
                                              " documents pending)");
  }
  return s.refreshed_upto >= target ? Status::ok() : s.refresh_error;
}

}  // namespace kindred
