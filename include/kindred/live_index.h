// LiveIndex: the batch pipeline made incremental, kept in a persistent store.
//
//   auto index = LiveIndex::create("news.kindred", Params{});   // or LiveIndex::open(dir)
//   Result<LiveAddResult> r = index->add(documents);            // durable when it returns
//   for (const LiveAdded& a : r->added) { /* a.id, a.matches, a.family, a.story */ }
//
// Each added document is matched against everything stored before it: its LSH
// band buckets propose candidates (by the same rule as a batch scan, including
// the oversized-bucket cap), each candidate is verified exactly on the stored
// shingle sets, and the copy families of the connected components it touches
// are recomputed with the batch guard and root preference. Links and families
// are therefore exactly those of `kindred scan` over the same documents in the
// same order.
//
// Stories depend on collection-wide statistics (term and name document
// frequencies), which every add changes, so no part of the story graph is
// unaffected by an add. An add places its documents provisionally (a copy
// joins its family's story; a new family forms a story of its own), and a
// background story refresher (a thread the index owns, on by default) then
// recomputes the stories exactly as a batch scan of the documents stored at
// its start would: the whole story graph (clustering over every document,
// with each document's story evidence cached in memory so that only new
// documents are analysed), then each story's quotations and merged account,
// which depend on its members alone and are computed when a story is read.
//   exact:   after a refresh that started with N documents stored, the stories
//            are those of a batch scan of those N documents (members, cohesion,
//            quotations, account); a story read with no documents pending is
//            `final`;
//   bounded: documents added since the last refresh began are `pending`
//            (LiveStats::stories_pending, LiveStory::pending) and placed
//            provisionally. A refresh starts as soon as an add commits (or,
//            for adds by another process, within story_poll_ms), and adds that
//            arrive meanwhile are taken by the next one, so stories are final
//            at most two refresh durations after the last add.
// sync_stories() waits until the stories cover every document committed
// before the call; refresh_stories() is an explicit full rebuild (the
// evidence cache recomputed from the stored texts). Readers are never held up
// by a refresh: they see the last committed stories.
//
// The store is an LMDB environment (a directory): every add() is one write
// transaction, committed (fsync) before it returns, so a crash loses at most
// the call in progress and never leaves a partial document. The LSH postings
// of the most recent documents live in memory until a merge writes them to the
// store as a sorted run (LiveOpenOptions::merge_documents); they are derived
// from the stored band keys, so nothing acknowledged depends on them.
//
// Thread-safety: a LiveIndex may be shared by any number of threads. Reads run
// in parallel on their own snapshots (also while a write is in progress);
// writes (add, the story refreshes, and the bucket merges of the background
// threads the index owns and joins on destruction) are serialised by a mutex,
// and across processes by LMDB's writer lock; a story refresh holds it only to
// write its result, so adds are not held up by the clustering.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/document.h"
#include "kindred/params.h"
#include "kindred/pipeline.h"
#include "kindred/results.h"
#include "kindred/status.h"

namespace kindred {

/// Bumped whenever the store layout changes; a store of another version is refused.
inline constexpr uint32_t kLiveFormatVersion = 2;

struct LiveOpenOptions {
  unsigned threads = 1;             ///< sketching threads in add() (0 = all cores)
  uint64_t map_bytes = 1ull << 40;  ///< LMDB map size: the largest the store may grow (virtual)
  bool read_only = false;
  /// The LSH postings of recent documents are kept in memory (rebuilt from
  /// their stored band keys on open) and written to the store's bucket table
  /// as a new sorted run once there are max(merge_documents, a quarter of the
  /// merged documents), at most 32,768 or merge_documents; runs are merged
  /// geometrically. Small values exercise merges in tests.
  uint32_t merge_documents = 4096;
  /// Runs are merged on a background thread that holds the writer lock only
  /// for its final write; false merges them in the add that wrote the new run
  /// (deterministic, for tests).
  bool background_merges = true;
  /// A background thread refreshes the stories after adds (see above); false:
  /// stories stay provisional until sync_stories() or refresh_stories()
  /// (deterministic, for tests and bulk loads). Never on a read-only index.
  bool background_stories = true;
  /// How often the refresher looks for documents other processes added.
  uint32_t story_poll_ms = 1000;
};

// A link of a document to another, seen from the first: overlap.size_a is its
// own shingle count, containment_a_in_b how much of it the other contains.
struct LiveMatch {
  uint32_t doc = 0;  ///< the other document's number
  std::string id;    ///< the other document's id
  Relation relation = Relation::kOverlapping;
  Overlap overlap;
  std::vector<Passage> passages;  ///< a = this document, b = the other (when asked for)
};

struct LiveDocument {
  uint32_t doc = 0;   ///< document number: its place in insertion order, from 0
  DocInfo info;       ///< metadata, counts, family and story (info.text when asked for)
  int64_t added = 0;  ///< Unix seconds when it was added
};

struct LiveAdded {
  uint32_t doc = 0;
  std::string id;
  std::vector<LiveMatch> matches;  ///< its links after the add, by document number
  int64_t family = -1;             ///< family id (the family's smallest document number) or -1
  int64_t story = -1;              ///< story id (the story's smallest document number) or -1
};

struct LiveAddResult {
  std::vector<LiveAdded> added;       ///< accepted documents, in input order
  std::vector<Rejection> rejections;  ///< no words, or an id already stored
};

// What a document would match if it were added now (nothing is stored).
struct LiveQueryResult {
  std::vector<LiveMatch> matches;  ///< with passages
  int64_t family = -1;  ///< family of its strongest match (the family it would most likely join)
  int64_t story = -1;   ///< story of its strongest match
};

struct LiveFamily {
  uint32_t id = 0;  ///< smallest member's document number
  uint32_t root = 0;
  std::vector<uint32_t> members;        ///< ascending
  std::string root_id;                  ///< ids read in the same snapshot (family() only)
  std::vector<std::string> member_ids;  ///< in the order of members
};

// A story as one read snapshot holds it. Document numbers everywhere (members,
// account sentences and their variants, quotation variants) are the index's.
struct LiveStory {
  uint32_t id = 0;                      ///< smallest member's document number
  std::vector<uint32_t> members;        ///< ascending
  std::vector<uint32_t> families;       ///< family ids of members
  double cohesion = 0;                  ///< from the last refresh; 0 for a provisional story
  int64_t updated = 0;                  ///< Unix seconds of the last change of its membership
  uint64_t pending = 0;                 ///< documents added since the stories were refreshed
  bool final = false;                   ///< pending == 0: exactly a batch scan's story
  std::vector<std::string> member_ids;  ///< ids of members, in the order of members
  // story()/with_account only, computed as a batch scan does for these members:
  std::vector<AccountSentence> account;  ///< merged account, with its variants
  std::vector<Quotation> quotations;     ///< ids number them within the story; story = id
  std::vector<std::string> texts;        ///< members' texts, in the order of members
  /// The bytes [begin, end) of member `doc`'s text (empty when out of range).
  std::string_view text(uint32_t doc, uint32_t begin, uint32_t end) const;
};

struct LiveStats {
  uint32_t format_version = 0;
  std::string params;  ///< Params::to_spec()
  uint64_t documents = 0, links = 0, families = 0, documents_in_families = 0, stories = 0;
  uint64_t buckets = 0;         ///< bucket entries: documents x bands
  uint64_t buckets_merged = 0;  ///< documents whose postings are in the store's bucket table
  uint64_t bucket_runs = 0;     ///< sorted runs that table holds (merged geometrically)
  uint64_t text_bytes = 0;
  uint64_t store_bytes = 0;       ///< size of the LMDB data file
  int64_t stories_refreshed = 0;  ///< Unix seconds of the last story refresh; 0 = never
  uint64_t stories_pending = 0;   ///< documents added since it began (0: stories are final)
};

class LiveIndex {
 public:
  // Creates an empty store in `dir` (made if absent; must hold no store yet).
  static Result<std::unique_ptr<LiveIndex>> create(const std::string& dir, const Params& params,
                                                   const LiveOpenOptions& options = {});
  // Opens an existing store; refuses one of another format version.
  static Result<std::unique_ptr<LiveIndex>> open(const std::string& dir,
                                                 const LiveOpenOptions& options = {});
  ~LiveIndex();
  LiveIndex(const LiveIndex&) = delete;
  LiveIndex& operator=(const LiveIndex&) = delete;

  const Params& params() const;

  // Adds documents in order, in one transaction that is durable when this
  // returns ok. Rejected documents (no words, id already stored) are listed.
  Result<LiveAddResult> add(std::vector<Document> documents);
  // Matches of a document that is not added.
  Result<LiveQueryResult> query(const Document& document) const;
  // Full rebuild: recomputes every story exactly as a batch scan of the
  // stored documents would, the story evidence of every document analysed
  // again from its stored text.
  Status refresh_stories();
  // Returns once the stories cover every document committed before the call
  // (they are final unless documents were added since): waits for the
  // background refresher, or refreshes now without one. A refresh that fails
  // (a corrupt record) is its Status. With timeout_ms >= 0, gives up after
  // that long with kCancelled.
  Status sync_stories(int64_t timeout_ms = -1);

  // Reads: each answer comes from one read snapshot. Absent things are a
  // kNotFound Status; a store record that is missing, truncated or malformed
  // is a kCorrupt Status naming it (the process never aborts on what it reads).
  Result<uint32_t> find(const std::string& id) const;
  Result<LiveDocument> document(uint32_t doc, bool with_text = false) const;
  // Links of a document (none for a document not stored).
  Result<std::vector<LiveMatch>> matches(uint32_t doc, bool with_passages) const;
  Result<LiveFamily> family(uint32_t id) const;
  Result<LiveStory> story(uint32_t id, bool with_account) const;
  Result<std::vector<LiveStory>> stories_since(int64_t unix_seconds) const;  ///< no accounts
  Result<LiveStats> stats() const;
  // One story as a small ScanResult (its documents renumbered from 0, texts,
  // links, passages, provenance, families, the story with its account), for
  // report::html_report.
  Result<ScanResult> story_result(uint32_t id) const;
  // Everything stored as one ScanResult (documents by number, links sorted,
  // families and stories numbered as a batch scan numbers them); no texts.
  Result<ScanResult> snapshot() const;

  // Consistency check: every document complete, its band keys in their
  // buckets, links symmetric and equal to an exact re-verification and to the
  // candidate rule, families equal to a recomputation, counts consistent.
  // Returns the problems found (empty: consistent), at most `max_problems`;
  // corrupt records are problems, not failures.
  std::vector<std::string> check(size_t max_problems = 100) const;

 private:
  LiveIndex();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kindred
