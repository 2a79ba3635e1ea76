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
// Two groups of three units or more also need their nearest-neighbour links to
// cross between them (relative interconnectivity, as in Chameleon): two events
// of one kind share their kind's words, so the mean between them can pass the
// threshold, but each report's nearest neighbours are reports of its own event.
// A unit or group the linkage leaves smaller than the group of its strongest
// link then joins that group when the link is at least half the group's own
// cohesion and, for groups of three or more, their links cross (see agglomerate()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "kindred/results.h"
#include "story/candidates.h"
#include "story/features.h"

namespace kindred::story {

struct StoryParams {
  double link = 0.33;      ///< story similarity for two units to be merged first
  double cohesion = 0.30;  ///< mean similarity two groups need to merge
  /// Nearest neighbours (strongest links) of each unit that the
  /// interconnection test below counts.
  uint32_t neighbours = 5;
  /// Two groups of three units or more merge only when the share of their
  /// units' nearest-neighbour links that cross between them is at least this
  /// times the share expected of units mixed at random (see agglomerate()).
  double interconnection = 0.2;
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
  void add(uint64_t key, uint32_t n = 1);  ///< count n more of `key`
  uint32_t count(uint64_t key) const;
  size_t size() const { return used_ + (zero_ > 0); }
  /// Every (key, count), sorted by key.
  std::vector<std::pair<uint64_t, uint32_t>> sorted_items() const;

 private:
  size_t slot_of(uint64_t key) const;
  void grow();
  std::vector<std::pair<uint64_t, uint32_t>> slots_;  // key 0 = empty; key 0 itself in zero_
  size_t used_ = 0;
  uint32_t zero_ = 0;
};

// Collection statistics in parts, for front ends that hold the documents apart
// (the Dask backend, through include/kindred/stages.h):
//   1. story_stats_part() of each part of the collection, summed by merge_stats_parts();
//   2. canonical_name_ids() over the distinct name keys of the whole (a
//      collection statistic: spelling variants meet across parts);
//   3. count_names() of each part under those ids, summed;
//   4. StoryStats(whole, ids, name counts): the statistics of StoryStats(docs).
struct StoryStatsPart {
  uint64_t documents = 0;
  std::vector<std::pair<uint64_t, uint32_t>> terms;    ///< (stem hash, documents), by hash
  std::vector<std::pair<uint64_t, uint32_t>> numbers;  ///< (number hash, documents), by hash
  std::vector<std::string> names;                      ///< distinct name keys, sorted
};
StoryStatsPart story_stats_part(std::span<const StoryFeatures> docs);
StoryStatsPart merge_stats_parts(const StoryStatsPart& a, const StoryStatsPart& b);
// The id of each of `keys` (sorted, distinct) merged with its spelling
// variants: sets of variants numbered in the order of their first key.
std::vector<uint32_t> canonical_name_ids(std::span<const std::string> keys);
// Adds to counts[id] the documents of `docs` naming a key of that id (once
// per document); `keys` and `ids` as canonical_name_ids() takes and gives
// them; counts grows to the largest id + 1. A key not in `keys` is an error
// of the caller: it is not counted.
void count_names(std::span<const StoryFeatures> docs, std::span<const std::string> keys,
                 std::span<const uint32_t> ids, std::vector<uint32_t>& counts);

// A content stem of a document by the collection's term id (StoryStats:
// ids number the collection's stem hashes in hash order) and its count.
struct TermCount {
  uint32_t id = 0;     ///< StoryStats::term_hash(id) is the stem hash
  uint32_t count = 0;  ///< occurrences in the document
};

// Collection statistics: document frequencies of stems, (variant-merged)
// names and numbers. The stems are numbered in hash order (term ids), and
// their IDF is kept by id. Thread-safety: immutable after construction.
class StoryStats {
 public:
  explicit StoryStats(std::span<const StoryFeatures> docs);
  StoryStats() = default;  ///< no collection: background weights only
  /// From parts (see StoryStatsPart): `ids` of whole.names, `name_documents` by id.
  StoryStats(const StoryStatsPart& whole, std::span<const uint32_t> ids,
             std::vector<uint32_t> name_documents);
  /// Of documents whose terms are held apart (story/term_store.h): names
  /// and numbers from `docs` (their `terms` are not read), the stems from
  /// `term_hashes` (ascending: id i is term_hashes[i]) with the documents
  /// holding each, `term_documents[i]`.
  StoryStats(std::span<const StoryFeatures> docs, std::vector<uint64_t> term_hashes,
             std::vector<uint32_t> term_documents);

  double term_idf(uint64_t stem_hash) const;
  double name_idf(uint32_t name_id) const;
  double number_idf(uint64_t number_hash) const;
  // The id of a name key, merged with its spelling variants; new keys get fresh ids.
  uint32_t name_id(const std::string& key) const;
  size_t documents() const { return documents_; }
  double background() const { return background_; }
  void set_background(double b);

  /// The term id of a stem hash; none for a stem the collection does not hold.
  std::optional<uint32_t> term_id(uint64_t stem_hash) const;
  uint64_t term_hash(uint32_t id) const { return term_hashes_[id]; }
  size_t terms() const { return term_hashes_.size(); }
  /// A term's TF-IDF weight in a document: (1 + ln count) x IDF.
  double term_weight(TermCount t) const;
  /// These statistics with every stem of `docs` they lack added (held by no
  /// document): what prepare() needs of documents outside the collection.
  StoryStats covering(std::span<const StoryFeatures* const> docs) const;

 private:
  void set_terms(std::vector<uint64_t> hashes, std::span<const uint32_t> documents);
  size_t documents_ = 0;
  double background_ = 20.0;
  std::vector<uint64_t> term_hashes_;  // by term id, ascending
  std::vector<uint32_t> term_df_;      // by term id
  std::vector<double> term_idf_;       // by term id
  KeyCounts term_ids_;                 // stem hash -> term id + 1
  KeyCounts number_df_;
  std::unordered_map<std::string, uint32_t> name_ids_;  // key -> canonical id
  std::vector<uint32_t> name_df_;                       // by canonical id
};

StoryEvidence story_similarity(const StoryFeatures& a, const StoryFeatures& b,
                               const StoryStats& stats, const StoryParams& params,
                               double copy_containment = 0);

// The most story_similarity() can give the pair, from its discounts alone
// (time apart, conflicting years or weekdays; all its independent evidence
// at 1): no words, names, numbers or quotations are compared, so it costs a
// fraction of a similarity. A pair whose bound is below the link threshold
// cannot be an edge (cluster_stories() does not score it).
double story_similarity_bound(const StoryFeatures& a, const StoryFeatures& b,
                              const StoryParams& params, double copy_containment = 0);

class TermStore;  // story/term_store.h

// A document's evidence weighted once against the collection: what
// story_similarity() compares, so that pairs cost merges, not look-ups. It
// holds its terms by term id (their weights are the statistics', by id, read
// only for the terms two documents share), the weights of its names and
// numbers, and points to the features for the rest (quotations, time,
// years, weekdays, language): a caller that keeps only prepared documents
// may clear the features' terms, names and numbers once prepared (the story
// stage's one copy of them). Two prepared documents are compared only when
// prepared against the same statistics, which must outlive them.
// Move-only: `terms` may view its own `owned_terms`.
struct PreparedDoc {
  std::span<const TermCount> terms;                  ///< by id
  std::vector<TermCount> owned_terms;                ///< what `terms` views, unless held elsewhere
  const StoryStats* stats = nullptr;                 ///< the term weights
  double norm = 0;                                   ///< Euclidean norm of the term weights
  std::vector<std::pair<uint32_t, double>> names;    ///< (name id, squared IDF), by id
  double name_weight = 0;                            ///< sum of the name weights
  std::vector<std::pair<uint64_t, double>> numbers;  ///< (number hash, squared IDF), by hash
  double number_weight = 0;
  const StoryFeatures* features = nullptr;
  /// When set, `terms` is empty and the terms lie in this store's spill file
  /// (story/term_store.h): terms_of() reads them.
  const TermStore* spilled_terms = nullptr;
  uint32_t doc = 0;  ///< the document's number in `spilled_terms`

  PreparedDoc() = default;
  PreparedDoc(PreparedDoc&&) = default;
  PreparedDoc& operator=(PreparedDoc&&) = default;
  PreparedDoc(const PreparedDoc&) = delete;
  PreparedDoc& operator=(const PreparedDoc&) = delete;
};
// `stats` must hold every stem of f.terms (be of a collection f belongs to,
// or covering() it); a stem it lacks is left out.
PreparedDoc prepare(const StoryFeatures& f, const StoryStats& stats);
// The same with the document's terms held apart (f.terms is not read):
// `terms` by the ids of `stats`, viewed, not copied (they must outlive the result).
PreparedDoc prepare(const StoryFeatures& f, std::span<const TermCount> terms,
                    const StoryStats& stats);
// story_similarity() of the documents `a` and `b` were prepared from.
StoryEvidence story_similarity(const PreparedDoc& a, const PreparedDoc& b,
                               const StoryParams& params, double copy_containment = 0);

// Stories of two or more documents. `docs[d]` are the features of document d;
// `links` and `families` come from the copy stage. Sets Story::members,
// families and cohesion (not the account), numbered by smallest member.
// The candidate pairs' similarities are computed through `loop`; the result
// does not depend on it.
std::vector<Story> cluster_stories(std::span<const StoryFeatures> docs, const StoryStats& stats,
                                   std::span<const Link> links, std::span<const Family> families,
                                   const StoryParams& params,
                                   const RangeLoop& loop = sequential_ranges);
// The same of prepared documents: prepared[d] of document d (only its
// `features` pointer is read for a member of a family other than its root).
std::vector<Story> cluster_stories(std::span<const PreparedDoc> prepared,
                                   std::span<const Link> links, std::span<const Family> families,
                                   const StoryParams& params,
                                   const RangeLoop& loop = sequential_ranges);

// The stage in parts, for front ends that hold the units apart (the Dask
// backend, through include/kindred/stages.h). cluster_stories() is:
//   candidate features of each unit -> candidate_pairs() -> similarities of
//   the candidates -> story_groups() of the units -> stories of the groups.

// A unit's candidate features, as cluster_stories() puts it on posting lists.
void story_candidate_features(const StoryFeatures& unit, const StoryStats& stats,
                              std::vector<uint64_t>& out);

// The story similarity of units[x] and units[y] for each pair (x, y) with
// the copy containment copy[i] (0 when absent), each unit weighted once.
std::vector<double> pair_similarities(std::span<const StoryFeatures* const> units,
                                      std::span<const std::pair<uint32_t, uint32_t>> pairs,
                                      std::span<const double> copy, const StoryStats& stats,
                                      const StoryParams& params,
                                      const RangeLoop& loop = sequential_ranges);

struct ScoredPair {
  uint32_t x = 0, y = 0;  ///< unit indices
  double s = 0;
};

// A group of two or more units and its cohesion (mean similarity of its unit pairs).
struct StoryGroup {
  std::vector<uint32_t> units;  ///< in the order they joined
  double cohesion = 1;
};

// The groups cluster_stories() forms of some units, given every candidate
// pair among them with its similarity and the copy containment of their copy
// pairs, when no candidate pair of similarity >= link joins one of them to a
// unit outside (a union of connected components of that graph: groups merge
// only along such pairs, so they do not depend on the units outside). Units
// are numbered 0..n-1 in the order of their indices in the collection (ties
// are broken by it); groups come by smallest unit.
std::vector<StoryGroup> story_groups(std::span<const StoryFeatures* const> units,
                                     std::span<const ScoredPair> candidates,
                                     std::span<const ScoredPair> copies, const StoryStats& stats,
                                     const StoryParams& params);

}  // namespace kindred::story
