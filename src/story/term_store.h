// Story: the content terms of every document of a collection, compact.
//
// A document's terms are (stem hash, count) pairs (StoryFeatures::terms,
// 16 B each with padding, in a vector of their own). The scanner keeps them
// from add() to the story stage for every document, so they were most of a
// default scan's memory. Here each distinct stem hash is interned once and a
// document's terms are (id, count), 8 B each, in large blocks shared by all
// documents (no allocation per document).
//
// Ids are given in arrival order while documents are added, then renumbered
// in hash order by seal(): the collection's term ids (StoryStats), so that
// anything that walks a document's terms by id visits them in the order it
// would by hash, and every order-dependent result (floating sums, ties) is
// the same as over the hashes.
//
// Thread-safety: append() one thread at a time; after seal(), const member
// functions from any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
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
  /// `block_terms`: terms per block (a document with more gets a block of its own).
  explicit TermStore(size_t block_terms = kDefaultBlock) : block_(block_terms) {}
  TermStore(TermStore&&) = default;
  TermStore& operator=(TermStore&&) = default;

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
  /// terms become empty: the kept ones move toward the first block, and the
  /// blocks left empty are freed. Spans from terms() are invalid afterwards.
  /// Documents past keep.size() are not kept.
  void retain(std::span<const char> keep);

  size_t documents() const { return size_.size(); }
  /// Document d's terms by id (ascending once sealed; arrival ids before).
  std::span<const TermCount> terms(uint32_t doc) const;
  /// The stem hash of each id: ascending once sealed.
  std::span<const uint64_t> hashes() const { return hashes_; }
  /// The documents holding each id.
  std::span<const uint32_t> document_counts() const { return df_; }
  /// Bytes held (blocks, per-document index, dictionary).
  size_t memory_bytes() const;

 private:
  size_t block_;
  std::vector<std::unique_ptr<TermCount[]>> blocks_;
  std::vector<size_t> block_capacity_;                  // by block
  size_t block_used_ = 0;                               // terms used in blocks_.back()
  size_t block_size_ = 0;                               // capacity of blocks_.back(); 0: none yet
  size_t block_terms_ = 0;                              // capacity of all blocks
  std::vector<TermCount*> begin_;                       // by document
  std::vector<uint32_t> size_;                          // by document
  std::vector<uint64_t> hashes_;                        // by id
  std::vector<uint32_t> df_;                            // by id
  KeyCounts ids_;                                       // hash -> arrival id + 1, until sealed
  std::vector<std::pair<uint64_t, uint32_t>> scratch_;  // append()'s reordering
  bool sealed_ = false;
};

}  // namespace kindred::story
