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
// same order. Stories depend on collection-wide statistics: an add places a
// document provisionally (a copy joins its family's story; a new family forms
// a story of its own) and refresh_stories() recomputes every story exactly as a
// batch scan does. docs/api.md has the details.
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
// writes (add, refresh_stories, and the bucket merges of a background thread
// the index owns and joins on destruction) are serialised by a mutex, and
// across processes by LMDB's writer lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
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

struct LiveStory {
  uint32_t id = 0;                         ///< smallest member's document number
  std::vector<uint32_t> members;           ///< ascending
  std::vector<uint32_t> families;          ///< family ids of members
  double cohesion = 0;                     ///< from the last refresh; 0 for a provisional story
  int64_t updated = 0;                     ///< Unix seconds of the last change of its membership
  std::vector<std::string> member_ids;     ///< ids of members, in the order of members
  std::vector<AccountSentence> account;    ///< merged account (story()/with_account only)
  std::vector<std::string> account_texts;  ///< per account sentence: its text
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
  int64_t stories_refreshed = 0;  ///< Unix seconds of the last refresh_stories(); 0 = never
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
  // Recomputes every story exactly as a batch scan of the stored documents would.
  Status refresh_stories();

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
