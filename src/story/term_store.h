// Story: the content terms of every document of a collection, compact.
//
// A document's terms are (stem hash, count) pairs (StoryFeatures::terms,
// 16 B each with padding, in a vector of their own). The scanner keeps them
// from add() to the story stage for every document, so they were most of a
// default scan's memory. Here each distinct stem hash is interned once and a
// document's terms are (id, count), 8 B each, in large blocks shared by all
// documents (no allocation per document).
//
// Past a memory budget the oldest blocks are written to an unlinked
// temporary file (util/spill_file.h) and freed, as the shingle sets and texts
// are (index/shingle_store.h): what stays in memory is 12 B per document, the
// dictionary of stems and the budget. A spilled document's terms are read
// back with terms(doc, buffer); PreparedDoc reads them through terms_of().
// If the file cannot be created or written (a full disk), the blocks stay in
// memory and spill_error() says why; a read that fails gives no terms and
// error() says why. Neither aborts.
//
// Ids are given in arrival order while documents are added, then renumbered
// in hash order by seal(): the collection's term ids (StoryStats), so that
// anything that walks a document's terms by id visits them in the order it
// would by hash, and every order-dependent result (floating sums, ties) is
// the same as over the hashes. Blocks in memory are renumbered in place;
// spilled ones as they are read back.
//
// Thread-safety: append() one thread at a time; after seal(), const member
// functions from any number of threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "story/candidates.h"
#include "story/stories.h"

namespace kindred::story {

class TermStore {
 public:
  // PERF: blocks of 2^20 terms (8 MB), not one growing array: growing an
  // array of 200 million terms would copy it and hold it twice.
  static constexpr size_t kDefaultBlock = size_t{1} << 20;
  static constexpr uint64_t kNoBudget = std::numeric_limits<uint64_t>::max();
  /// `block_terms`: terms per block (a document with more gets a block of its
  /// own). Blocks past `memory_budget` bytes go to a file in `spill_dir`
  /// (empty: the system's temporary directory); kNoBudget never spills.
  explicit TermStore(size_t block_terms = kDefaultBlock, uint64_t memory_budget = kNoBudget,
                     std::string spill_dir = {});
  ~TermStore();
  TermStore(TermStore&& other) noexcept;
  TermStore& operator=(TermStore&& other) noexcept;
  TermStore(const TermStore&) = delete;
  TermStore& operator=(const TermStore&) = delete;

  /// Adds the next document's terms: (stem hash, count) as StoryFeatures
  /// holds them. Pairs out of hash order or a hash given twice are put in
  /// order and their counts summed (so a document never counts a stem twice).
  /// Ignored after seal(). Documents are numbered 0.. in the order added.
  void append(std::span<const std::pair<uint64_t, uint32_t>> terms);

  /// Renumbers the stems in hash order; append() is closed from then on.
  /// `loop` runs the documents' renumbering, possibly in parallel.
  void seal(const RangeLoop& loop = sequential_ranges);
  bool sealed() const { return sealed_; }

  /// Keeps the terms of the documents d with keep[d] (the members of stories,
  /// once they are found) and gives back the memory of the others, whose
  /// terms become empty: the kept ones in memory move toward the first block
  /// in memory, and the blocks left empty are freed (spilled ones stay where
  /// they are). Spans from terms() are invalid afterwards. Documents past
  /// keep.size() are not kept.
  void retain(std::span<const char> keep);

  size_t documents() const { return size_.size(); }
  /// Whether document d's terms lie in the spill file.
  bool spilled(uint32_t doc) const;
  /// Document d's terms by id (ascending once sealed; arrival ids before):
  /// in memory, or read into `buffer` when spilled (valid until its next use;
  /// empty, with error() set, when the file cannot be read back).
  std::span<const TermCount> terms(uint32_t doc, std::vector<TermCount>& buffer) const;
  /// The same of a document in memory only: empty for a spilled one.
  std::span<const TermCount> terms(uint32_t doc) const;
  /// The stem hash of each id: ascending once sealed.
  std::span<const uint64_t> hashes() const { return hashes_; }
  /// The documents holding each id.
  std::span<const uint32_t> document_counts() const { return df_; }
  /// Bytes held in memory (blocks, per-document index, dictionary).
  size_t memory_bytes() const;
  uint64_t spilled_bytes() const { return file_terms_ * sizeof(TermCount); }
  /// Why blocks stayed in memory, if they did.
  const std::string& spill_error() const { return spill_error_; }
  /// Why a spilled document read as empty, if one did.
  std::string error() const;
  /// Tells this store's contents apart from those of any other store ever
  /// made in the process (what terms_of() keeps a read under).
  uint64_t serial() const { return serial_; }

 private:
  struct Block {
    std::unique_ptr<TermCount[]> terms;  // null once spilled
    size_t capacity = 0;                 // terms
    size_t used = 0;                     // terms written, from the first
    uint64_t start = 0;                  // position of its first term (see at_)
    uint64_t file_offset = 0;            // in terms, once spilled
  };
  size_t block_of(uint64_t position) const;
  void spill_oldest();
  void close_file();

  size_t block_;
  uint64_t budget_terms_;  // blocks in memory at most, in terms
  std::string dir_;
  std::vector<Block> blocks_;
  size_t first_in_memory_ = 0;  // blocks [0, first_in_memory_) are spilled
  uint64_t memory_terms_ = 0;   // capacity of the blocks in memory
  uint64_t end_ = 0;            // position after the last block
  int fd_ = -1;
  uint64_t file_terms_ = 0;           // terms written to the file
  std::vector<uint64_t> at_;          // by document: position of its first term
  std::vector<uint32_t> size_;        // by document
  std::vector<uint64_t> hashes_;      // by id
  std::vector<uint32_t> df_;          // by id
  std::vector<uint32_t> spilled_id_;  // arrival id -> id, for spilled blocks, once sealed
  KeyCounts ids_;                     // hash -> arrival id + 1, until sealed
  std::vector<std::pair<uint64_t, uint32_t>> scratch_;  // append()'s reordering
  bool sealed_ = false;
  std::string spill_error_;
  mutable std::atomic<bool> read_failed_{false};
  uint64_t serial_;
};

// A prepared document's terms, by id: its own, or read back from the store
// it was prepared from when they were spilled. A read is kept in `read`
// (with the store's serial and the document) and reused while the same
// document is asked for again: the story stage compares a unit with all its
// candidates in a row.
struct ReadTerms {
  uint64_t serial = 0;  // 0: nothing read (serials start at 1)
  uint32_t doc = 0;
  std::vector<TermCount> terms;
};
std::span<const TermCount> terms_of(const PreparedDoc& p, ReadTerms& read);

// prepare() of document `doc` with its terms in `store` (sealed, numbered
// by `stats`): the result views them in memory, or reads them from the spill
// file when asked (terms_of()). `store` must outlive it.
PreparedDoc prepare(const StoryFeatures& f, const TermStore& store, uint32_t doc,
                    const StoryStats& stats);
// Points p (prepared as above) at document `doc`'s terms in `store` again,
// after retain() moved them.
void point_terms(PreparedDoc& p, const TermStore& store, uint32_t doc);

}  // namespace kindred::story
