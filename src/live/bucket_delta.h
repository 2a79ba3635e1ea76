// Live: the LSH bucket postings of the most recent documents, in memory.
//
// The store's `buckets` table holds the postings of documents below the
// "buckets_upto" mark; documents from the mark on have their band keys stored
// (table `bandkeys`, written in document order, so appends touch few pages)
// and their postings here. Every so often LiveIndex writes this delta to the
// table as a new sorted run (live/bucket_runs.h) and moves the mark.
//
// PERF: putting 64 postings per document straight into one B+tree of millions
// of entries dirtied ~one 4 KiB page per posting, so each commit of 100
// documents wrote 5-20 MB of scattered pages (1.7 GB written for 20,000
// documents) and ingest was bound by that I/O. The delta makes a commit write
// only the document's own records; a merge writes the delta's postings once,
// in order (BENCHMARKS.md, issue 6).
//
// A delta is derived data: it is rebuilt from `bandkeys` on open, so a crash
// loses nothing. Thread-safety: none of its own (LiveIndex guards it with a
// shared mutex).
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kindred::live {

inline uint64_t bucket_key(uint32_t band, uint32_t key) {
  return (uint64_t{band} << 32) | key;
}

class BucketDelta {
 public:
  struct Summary {
    uint32_t count = 0;  ///< members below the limit
    uint32_t first = 0, last = 0;
  };

  explicit BucketDelta(uint32_t bands = 1) : bands_(bands) {}

  uint32_t bands() const { return bands_; }
  uint32_t base() const { return base_; }  ///< first document held
  uint32_t end() const { return base_ + static_cast<uint32_t>(keys_.size() / bands_); }

  // Empties the delta; the next document appended is `base`.
  void reset(uint32_t base);
  // Adds the band keys (bands() of them) of document end().
  void append(std::span<const uint32_t> keys);
  // Drops the documents from `end` on (the last ones appended), e.g. of a
  // transaction that failed.
  void truncate(uint32_t end);
  // Drops the documents below `base` (the first ones appended), e.g. once a
  // merge has written them to the store; cost proportional to those kept.
  void drop_below(uint32_t base);

  // Bucket `bk`'s members among documents [base(), limit).
  Summary summary(uint64_t bk, uint32_t limit) const;
  // Appends them, ascending, to `out`.
  void members(uint64_t bk, uint32_t limit, std::vector<uint32_t>& out) const;
  // Every (bucket key, document) posting of documents below `limit`, in
  // append order, or ordered by key then document.
  std::vector<std::pair<uint64_t, uint32_t>> unsorted_postings(uint32_t limit = UINT32_MAX) const;
  std::vector<std::pair<uint64_t, uint32_t>> sorted_postings(uint32_t limit = UINT32_MAX) const;

  size_t postings() const { return keys_.size(); }
  size_t memory_bytes() const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Head {
    uint32_t first, last, count;  // posting indices
  };
  uint32_t doc_of(uint32_t p) const { return base_ + p / bands_; }
  uint64_t key_of(uint32_t p) const { return bucket_key(p % bands_, keys_[p]); }

  uint32_t bands_;
  uint32_t base_ = 0;
  // Posting p = (document - base) * bands + band: its band key, and the
  // previous posting of its bucket (kNone for the first).
  std::vector<uint32_t> keys_, prev_;
  std::unordered_map<uint64_t, Head> heads_;
};

}  // namespace kindred::live
