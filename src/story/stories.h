// Story, part 2: which articles report the same event.
//
// Story similarity of two articles, in [0, 1] (1 = the same story), combines
// evidence that survives independent rewriting:
//   words   cosine of TF-IDF vectors of content stems;
//   names   IDF-weighted Dice overlap of name keys, spelling variants merged;
//   numbers the same for the numbers written (the dead, the score, the sum);
//   quotes  shared quotations, matched approximately (quote_similarity);
//   copy    the larger shingle containment when the two are copies;
// as 1 - (1 - copy)(1 - words)(1 - names)(1 - quotes)^2 ... see story_similarity().
// It is discounted when both dates are known and further apart than the time
// window, and its independent evidence when both texts write calendar years,
// no year is common to them and one of them dates itself (two earthquakes of
// one kind, years apart), and less when they name different weekdays. IDF comes from the
// collection, smoothed by a background of pseudo-documents so that two articles alone still get
// meaningful weights.
//
// Stories are built over copy families (a family is one unit, represented by
// its root) by average-linkage agglomeration: units are merged strongest pair
// first, and only while the mean similarity between the two groups stays above
// the threshold, so a few shared names cannot chain unrelated stories together.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "kindred/results.h"
#include "story/candidates.h"
#include "story/features.h"

namespace kindred::story {

struct StoryParams {
  double link = 0.33;              ///< story similarity for two units to be merged first
  double cohesion = 0.30;          ///< mean similarity two groups need to merge
  double time_window_days = 3.0;   ///< no discount within; halves every window beyond
  double year_conflict = 0.5;      ///< factor on independent evidence when the years differ
  double weekday_conflict = 0.75;  ///< ... when the days of the week named differ
  double background_docs = 20.0;   ///< IDF prior, in pseudo-documents
  double quote_match = 0.6;        ///< quote_similarity for two quotations to be the same
  uint32_t max_postings = 200;     ///< longer posting lists are read by time (candidates.h)
  uint32_t max_reads = 800;        ///< posting entries a unit reads in all (candidates.h)
};

// The parts of a story similarity, for explanations and tests.
struct StoryEvidence {
  double words = 0, names = 0, numbers = 0, quotes = 0, copy = 0;
  double time_factor = 1;
  double conflict_factor = 1;  ///< below 1 when the years or weekdays written differ
  double total = 0;
};

// Counts by 64-bit key (a hash) in one open-addressing table.
// PERF: a look-up is one probe run in one array, not a bucket and a node:
// std::unordered_map's finds were ~6% of a default scan of 100,000 documents.
class KeyCounts {
 public:
  void add(uint64_t key);  ///< count one more of `key`
  uint32_t count(uint64_t key) const;
  size_t size() const { return used_ + (zero_ > 0); }

 private:
  size_t slot_of(uint64_t key) const;
  void grow();
  std::vector<std::pair<uint64_t, uint32_t>> slots_;  // key 0 = empty; key 0 itself in zero_
  size_t used_ = 0;
  uint32_t zero_ = 0;
};

// Collection statistics: document frequencies of stems, (variant-merged)
// names and numbers. Thread-safety: immutable after construction.
class StoryStats {
 public:
  explicit StoryStats(std::span<const StoryFeatures> docs);
  StoryStats() = default;  ///< no collection: background weights only

  double term_idf(uint64_t stem_hash) const;
  double name_idf(uint32_t name_id) const;
  double number_idf(uint64_t number_hash) const;
  // The id of a name key, merged with its spelling variants; new keys get fresh ids.
  uint32_t name_id(const std::string& key) const;
  size_t documents() const { return documents_; }
  double background() const { return background_; }
  void set_background(double b) { background_ = b; }

 private:
  size_t documents_ = 0;
  double background_ = 20.0;
  KeyCounts term_df_;
  KeyCounts number_df_;
  std::unordered_map<std::string, uint32_t> name_ids_;  // key -> canonical id
  std::vector<uint32_t> name_df_;                       // by canonical id
};

StoryEvidence story_similarity(const StoryFeatures& a, const StoryFeatures& b,
                               const StoryStats& stats, const StoryParams& params,
                               double copy_containment = 0);

// Stories of two or more documents. `docs[d]` are the features of document d;
// `links` and `families` come from the copy stage. Sets Story::members,
// families and cohesion (not the account), numbered by smallest member.
// The candidate pairs' similarities are computed through `loop`; the result
// does not depend on it.
std::vector<Story> cluster_stories(std::span<const StoryFeatures> docs, const StoryStats& stats,
                                   std::span<const Link> links, std::span<const Family> families,
                                   const StoryParams& params,
                                   const RangeLoop& loop = sequential_ranges);

}  // namespace kindred::story
