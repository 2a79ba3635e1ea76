// Live: the LSH bucket postings on disk, as sorted runs in the `buckets` table.
//
// A run holds the postings (bucket key, document) of a contiguous range of
// documents [lo, hi), sorted by key then document, written once and never
// changed: blocks of kRunBlock postings (12 bytes each: u64 key, u32 doc),
// then a fence value (each block's first key) and a blocked Bloom filter over
// its keys. Table keys are u64 (run id << 32 | block number), the fence at
// block number kFenceSlot and the filter at kFilterSlot, so a run is a
// contiguous key range and a new run (ids only grow) is written with
// MDB_APPEND: pages filled in order, each once.
//
// A lookup probes each run's filter (one cache line; ~1% false positives),
// and only where it may hold the key does a binary search of the fences and
// of one block. The meta record "runs" lists the live runs in document order;
// they cover [0, buckets_upto). LiveIndex writes the in-memory delta as a new
// run and merges the newest adjacent pair of runs whose older is no larger
// than the newer (a binary counter: each posting is rewritten about log2 of
// the index size over the delta size times), up to kMaxRunDocuments; it reads
// and sorts on a background thread and holds the writer lock only to write
// the finished run and swap the run list, in one transaction.
//
// PERF: the previous layout (one dupsort B+tree of all postings, the delta
// merged by key-ordered puts) rewrote nearly every leaf page at every merge:
// 7.5 s near 1,000,000 documents, ~0.23 ms per document added. With runs,
// ingest at 1,000,000-1,550,000 documents went from ~1,800-2,500 to
// ~4,300-5,800 documents/s and the longest POST from 7.5 s to under 0.9 s
// (BENCHMARKS.md, issue 6).
//
// Thread-safety: RunView reads one transaction's snapshot and belongs to its
// thread; the writers run under LiveIndex's writer lock.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "kindred/status.h"

namespace kindred::live {

class Txn;

using BucketPosting = std::pair<uint64_t, uint32_t>;  // (bucket key, document)

inline constexpr uint32_t kRunBlock = 4096;  ///< postings per block
inline constexpr uint32_t kFenceSlot = 0xFFFFFFFEu;
inline constexpr uint32_t kFilterSlot = 0xFFFFFFFFu;
/// Runs are not merged past this many documents (bounds the longest merge).
inline constexpr uint32_t kMaxRunDocuments = 262144;

struct RunInfo {
  uint32_t id = 0, lo = 0, hi = 0;  ///< documents [lo, hi)
  uint32_t documents() const { return hi - lo; }
  bool operator==(const RunInfo&) const = default;
};

// The "runs" record of meta (absent: none) and the next run id ("next_run").
// A malformed record fails the transaction (live/store.h) and reads as none.
std::vector<RunInfo> read_runs(Txn& t, MDB_dbi meta);
uint32_t read_next_run(Txn& t, MDB_dbi meta);
Status write_runs(Txn& t, MDB_dbi meta, const std::vector<RunInfo>& runs, uint32_t next_run);

// A run's records, made from its sorted postings (no transaction needed), and
// written as run `id` (greater than every run in the table).
struct RunRecords {
  std::vector<std::vector<char>> blocks;
  std::vector<uint64_t> fences, filter;
};
RunRecords make_run(std::span<const BucketPosting> sorted);
Status write_run(Txn& t, MDB_dbi buckets, uint32_t id, const RunRecords& records);
inline Status write_run(Txn& t, MDB_dbi buckets, uint32_t id,
                        std::span<const BucketPosting> sorted) {
  return write_run(t, buckets, id, make_run(sorted));
}
// Appends every posting of run `id` to out, in order.
void read_run(Txn& t, MDB_dbi buckets, uint32_t id, std::vector<BucketPosting>& out);
// Deletes every record of run `id`.
Status delete_run(Txn& t, MDB_dbi buckets, uint32_t id);
// The run ids that have records in the table (for `check`).
std::vector<uint32_t> stored_run_ids(Txn& t, MDB_dbi buckets);

// One run as seen from a transaction (pointers into the map, valid while the
// transaction lives and does not write the `buckets` table). A run whose
// fences, filter or blocks are missing or malformed fails the transaction
// (live/store.h) and reads as empty; valid() says whether it was whole.
class RunView {
 public:
  RunView(Txn& t, MDB_dbi buckets, const RunInfo& info);
  const RunInfo& info() const { return info_; }
  bool valid() const { return valid_; }
  size_t blocks() const { return fences_.size() / 8; }
  bool may_contain(uint64_t bk) const;
  // Calls f(doc) for each member of bucket bk in this run, ascending; stops
  // early when f returns false.
  template <typename F>
  void members(uint64_t bk, F&& f) const;
  // Count, first and last member of bucket bk in this run.
  struct Summary {
    uint64_t count = 0;
    uint32_t first = 0, last = 0;
  };
  Summary summary(uint64_t bk) const;
  // Block b's postings (for check).
  std::span<const char> block(uint32_t b) const;

  static uint64_t key_at(const char* p, size_t i);
  static uint32_t doc_at(const char* p, size_t i);

 private:
  // Blocks that may hold bk: [first, end).
  std::pair<size_t, size_t> block_range(uint64_t bk) const;
  uint64_t fence(size_t i) const;

  Txn* t_;
  MDB_dbi dbi_;
  RunInfo info_;
  bool valid_ = false;
  std::span<const char> fences_;  // u64 first key of each block
  const char* filter_ = nullptr;  // filter_blocks_ blocks of 8 u64 words
  uint64_t filter_blocks_ = 0;
};

// The Bloom filter's probe, shared by the writer and RunView.
uint64_t bucket_hash(uint64_t bk);

template <typename F>
void RunView::members(uint64_t bk, F&& f) const {
  if (!may_contain(bk)) return;
  auto [b, e] = block_range(bk);
  for (; b < e; ++b) {
    const std::span<const char> blk = block(static_cast<uint32_t>(b));
    const size_t n = blk.size() / 12;
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (key_at(blk.data(), mid) < bk) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (size_t i = lo; i < n; ++i) {
      if (key_at(blk.data(), i) != bk) return;
      if (!f(doc_at(blk.data(), i))) return;
    }
  }
}

}  // namespace kindred::live
