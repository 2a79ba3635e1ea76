// Live: the state of a LiveIndex (include/kindred/live_index.h) and its
// operations, shared by the files that implement them by job:
//   live_index.cpp  create, open, add, query: links and families as documents arrive
//   buckets.cpp     the LSH buckets as one transaction sees them, and the candidate rule on them
//   merges.cpp      writing the in-memory delta as a bucket run, merging runs (background thread)
//   reads.cpp       reading records back (documents, links, assignments) and the read API
//   stories.cpp     provisional story placement, stories and story views
//   refresher.cpp   story refreshes: the background refresher, sync_stories, refresh_stories
//   snapshot.cpp    everything stored as one ScanResult
//   check.cpp       the consistency check
// Every read goes through a Txn and fails it on a corrupt record (live/store.h):
// a public call checks the Txn's status before it answers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kindred/live_index.h"
#include "kindred/stages.h"
#include "live/bucket_delta.h"
#include "live/bucket_runs.h"
#include "live/records.h"
#include "live/store.h"
#include "story/features.h"

namespace kindred {

int64_t live_now_seconds();

struct LiveIndex::Impl {
  std::unique_ptr<live::Env> env;
  Params params;
  std::unique_ptr<Sketcher> sketcher;
  LiveOpenOptions options;
  std::mutex write_mu;  // one writer in this process; LMDB serialises processes
  std::string dir;
  // Postings of documents [delta.base(), ...) (live/bucket_delta.h). The writer
  // appends under an exclusive lock, before its commit (readers see only
  // documents below their snapshot's next_doc); readers hold a shared lock
  // from before they begin their transaction until their candidates are found.
  mutable std::shared_mutex delta_mu;
  mutable live::BucketDelta delta;
  // Merges (of the delta into a new run, and of runs) run on this thread
  // (started on first use) outside the writer lock but for their final write
  // (merge_delta_background, compact_once), unless options.background_merges
  // is false.
  std::thread compactor;
  std::mutex compact_mu;
  std::condition_variable compact_cv;
  bool compact_wanted = false;
  std::atomic<bool> stopping{false};

  // The story refresher (refresher.cpp): a thread started on open (unless
  // read-only or options.background_stories is false) that refreshes the
  // stories when an add asks (request_refresh) or every story_poll_ms.
  std::mutex story_mu;  // one story refresh at a time; guards `evidence`
  // The story evidence of documents [0, evidence.size()), kept between
  // refreshes (documents never change once stored).
  std::vector<story::StoryFeatures> evidence;
  std::thread refresher;
  std::mutex refresh_mu;                 // guards the fields below
  std::condition_variable refresh_cv;    // wakes the refresher
  std::condition_variable refreshed_cv;  // wakes sync_stories()
  bool refresh_wanted = false;
  uint32_t refreshed_upto = 0;  // documents the stories covered after the last run
  uint64_t refresh_runs = 0;    // runs finished (a failed one included)
  Status refresh_error;         // of the last run

  ~Impl();

  const live::Dbs& d() const { return env->dbs(); }

  // --- reads (reads.cpp); a corrupt or missing record fails the Txn ---
  // The document's record; nullopt when there is none.
  std::optional<live::DocRecord> doc(live::Txn& t, uint32_t n) const;
  // The record of a document that must exist (a candidate, a member, a link's
  // other end): its absence fails the Txn as corrupt.
  live::DocRecord stored_doc(live::Txn& t, uint32_t n) const;
  std::span<const uint64_t> shingles(live::Txn& t, uint32_t n,
                                     std::vector<uint64_t>& scratch) const;
  std::span<const uint32_t> band_keys(live::Txn& t, uint32_t n,
                                      std::vector<uint32_t>& scratch) const;
  std::string_view text(live::Txn& t, uint32_t n) const;
  std::vector<live::LinkValue> links_of(live::Txn& t, uint32_t n) const;
  // The family or story id a document is assigned to in `dbi`, or -1.
  int64_t assignment(live::Txn& t, MDB_dbi dbi, uint32_t n) const;
  uint32_t next_doc(live::Txn& t) const;
  // Documents below this mark have their postings in the `buckets` table.
  uint32_t buckets_upto(live::Txn& t) const;
  uint64_t text_bytes(live::Txn& t) const;
  uint64_t summed_text_bytes(live::Txn& t) const;
  std::optional<live::FamilyRecord> family_record(live::Txn& t, uint32_t id) const;
  std::optional<live::StoryRecord> story_record(live::Txn& t, uint32_t id) const;
  std::vector<LiveMatch> matches(live::Txn& t, uint32_t n, bool with_passages) const;
  Result<LiveDocument> document(live::Txn& t, uint32_t n, bool with_text) const;

  // --- buckets (buckets.cpp) ---
  // Makes `delta` hold documents [upto, n) of transaction t's snapshot (it may
  // hold more: documents a writer of this process has not committed yet).
  // Call with delta_mu held exclusively.
  void sync_delta(live::Txn& t, uint32_t upto, uint32_t n) const;
  // The LSH buckets as seen from one transaction: the runs of the `buckets`
  // table (documents below upto, live/bucket_runs.h) followed by the delta's
  // documents below `limit`.
  struct Buckets {
    const Impl& s;
    live::Txn& t;
    uint32_t limit;
    std::vector<live::RunView> runs;
    Buckets(const Impl& impl, live::Txn& txn, uint32_t lim);
    struct Summary {
      uint64_t count = 0;
      uint32_t first = 0, last = 0;
    };
    Summary summary(uint64_t bk) const;
    // All members, ascending, appended to out.
    void members(uint64_t bk, std::vector<uint32_t>& out) const;
  };
  // Candidates of a document with band keys `keys` appended now as the last
  // document (candidates/bucket_rule.h). Buckets that reach max_bucket + 1
  // with it go to `crossing`.
  void candidates(const Buckets& buckets, std::span<const uint32_t> keys,
                  std::vector<uint32_t>& out, std::vector<uint64_t>* crossing) const;
  // Whether the batch rule proposes (x, y), x < y, in some band.
  bool proposed(const Buckets& buckets, uint32_t x, uint32_t y) const;

  // --- links and families as documents arrive (live_index.cpp) ---
  Status put_link(live::Txn& t, uint32_t a, uint32_t b, Relation rel, uint64_t shared);
  Status del_link(live::Txn& t, uint32_t a, uint32_t b);
  // The link count kept in meta; an index that never stored a link has none
  // there, which counts as 0.
  int64_t link_count(live::Txn& t) const;
  Status add_link_count(live::Txn& t, int64_t change);
  // Links between members of a bucket that just went over max_bucket and that
  // no bucket proposes any more are removed, as a batch scan would not find them.
  Status retire_unproposed(const Buckets& buckets, uint64_t bk, uint32_t newest,
                           std::set<uint32_t>& touched);
  // Recomputes the families of the components of `touched`; returns the new
  // families (by id) so that stories can follow.
  Result<std::vector<LiveFamily>> refamily(live::Txn& t, const std::set<uint32_t>& touched);

  // --- stories (stories.cpp) ---
  Status put_story(live::Txn& t, uint32_t id, const live::StoryRecord& r);
  // Provisional stories: a family joins the story one of its members is in
  // (its root's first), else forms a story of its own.
  Status place_in_stories(live::Txn& t, const std::vector<LiveFamily>& families);
  Result<LiveStory> story(live::Txn& t, uint32_t id, bool with_account) const;
  // Documents the stories cover: those stored when the last refresh began.
  uint32_t stories_upto(live::Txn& t) const;
  // Everything transaction t sees as one ScanResult (LiveIndex::snapshot()).
  Result<ScanResult> snapshot(live::Txn& t) const;

  // --- story refreshes (refresher.cpp) ---
  // Makes the stories those of a batch scan of the documents stored now
  // (`full`: analysing every document again); `covered` gets their number.
  // Reads and clusters on a read snapshot; holds write_mu only to write.
  Status refresh(bool full, uint32_t& covered);
  void start_refresher();
  void request_refresh();
  void refresher_loop();

  // --- merges (merges.cpp) ---
  // Merge the delta into the store once it holds this many documents.
  uint32_t merge_threshold(uint32_t upto) const;
  static constexpr uint32_t kMergeMax = 32768;
  // Writes the delta's postings as a new run and merges runs, on this thread.
  // Call with write_mu held.
  Status merge_delta();
  bool merge_delta_background();
  void request_compaction();
  void compactor_loop();
  bool compact_once(bool locked);
};

}  // namespace kindred
