// Story, candidate pairs: which units are compared at all.
//
// Comparing every pair of units is quadratic, so units are compared only
// when they share evidence: a unit's candidate features (its weightiest
// content stems and its names, chosen by the caller) go on posting lists,
// and two units on two or more common lists (or on one, when they are
// copies) may become a candidate pair. The work is linear in the units by
// construction, because both the partners a unit looks at and the partners
// it keeps are bounded, by numbers that do not grow with the collection:
//   - a list of at most max_postings units is read whole; a longer one (a
//     feature common in the collection) is ranked by time, and each unit on
//     it sees only the max_postings nearest in time (sorted neighbourhood,
//     as in Hernandez & Stolfo's merge/purge): far apart in time, a pair's
//     story similarity is discounted anyway, and a common feature proves
//     little. So no list is dropped, and each unit reads at most
//     max_postings entries of each of its lists.
//   - a unit reads at most max_reads entries in all, whatever the size of
//     the collection: without it a unit reads every list of up to
//     max_postings entries whole, and as lists grow with the collection so
//     does the reading per unit (160, 605 and 1,630 entries per unit at
//     20,000, 100,000 and 300,000 generated documents). The budget is shared
//     max-min fairly over the unit's lists, rarest (shortest) first: each
//     list gets the budget left divided by the lists left; a list within
//     its share is read as above, a longer one only nearest in time within
//     the share (at least one unit on each side). Rare features, the best
//     evidence, are read whole; only common ones are cut, and none dropped.
//   - each unit proposes its max_partners best partners, ranked by the
//     rarity of the features they share (the sum of their rarity_weight()s:
//     partners on rare lists first, the way IDF weighs terms), ties by
//     index; copies are always proposed (the copy stage bounds them).
// A pair is a candidate when either of its units proposes it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace kindred::story {

// Runs body(begin, end) over chunks covering [0, n), possibly concurrently:
// the caller chooses the threading. sequential_ranges runs one chunk here.
using RangeLoop = std::function<void(size_t n, const std::function<void(size_t, size_t)>& body)>;
void sequential_ranges(size_t n, const std::function<void(size_t, size_t)>& body);

// A unit pair as one key: the smaller unit in the high 32 bits.
inline uint64_t unit_pair_key(uint32_t x, uint32_t y) {
  return x < y ? (uint64_t{x} << 32) | y : (uint64_t{y} << 32) | x;
}

struct CandidateParams {
  uint32_t max_postings = 200;  ///< entries of a list a unit reads; longer lists: nearest in time
  uint32_t max_partners = 24;   ///< partners a unit proposes (copies besides)
  /// List entries a unit reads in all (4 full lists): see the header comment.
  uint32_t max_reads = 800;
};

// What the candidate search knows of the units 0..units-1.
struct CandidateInput {
  uint32_t units = 0;
  // Appends the candidate features of unit d to `out` (nothing for a
  // document that is not a unit). Called once per unit, concurrently.
  std::function<void(uint32_t d, std::vector<uint64_t>& out)> features;
  // Publication time of unit d, if known (orders the long lists; units
  // without one come after those with one, in index order). Called once
  // per unit, concurrently.
  std::function<std::optional<int64_t>(uint32_t d)> time;
  // Whether x and y are copies (one common feature suffices then).
  // Called concurrently.
  std::function<bool(uint64_t pair_key)> copies;
};

// A feature's rarity: log(units / units with the feature) in 1/1024ths, an
// integer so that a unit's ranking does not depend on the order of its sums.
uint32_t rarity_weight(uint32_t units, size_t list_length);

// Counts, for benchmarks and tests.
struct CandidateStats {
  uint64_t lists = 0;          ///< posting lists of two or more units
  uint64_t ranked_lists = 0;   ///< ... longer than max_postings, read by time
  uint64_t bounded_units = 0;  ///< units with more eligible partners than max_partners
  uint64_t pairs = 0;          ///< candidate pairs returned
  uint64_t postings_read = 0;  ///< list entries read, over all units
};

// The rule in steps, for front ends that hold the lists and the units apart
// (the Dask backend, through include/kindred/stages.h): candidate_pairs() is
// these steps run over one collection, so a composition of them over
// partitions gives its pairs.
//
// Lists in the order a unit reads them: rarest (shortest) first, then by feature.
inline bool list_before(size_t length_a, uint64_t feature_a, size_t length_b, uint64_t feature_b) {
  return length_a != length_b ? length_a < length_b : feature_a < feature_b;
}

// Units on a list in the order of time: dated before undated, then by time,
// then by name (index or any key that follows it).
inline bool time_before(const std::optional<int64_t>& time_a, uint64_t a,
                        const std::optional<int64_t>& time_b, uint64_t b) {
  if (time_a.has_value() != time_b.has_value()) return time_a.has_value();
  if (time_a && *time_a != *time_b) return *time_a < *time_b;
  return a < b;
}

// One of a unit's lists (of two or more units): its length and where the unit stands on it.
struct ListSlot {
  uint32_t length = 0;
  uint32_t position = 0;
};

// The entries [from, to) a unit reads of each of its lists, given in
// list_before() order (its read budget shared max-min fairly; see above).
// Appends one range per slot to `out`; returns the entries read.
size_t read_ranges(std::span<const ListSlot> slots, const CandidateParams& params,
                   std::vector<std::pair<uint32_t, uint32_t>>& out);

// A unit a unit has read: on how many of its lists, the sum of their
// rarity_weight()s, and whether the two are copies.
struct Reading {
  uint64_t partner = 0;  ///< its index or key
  uint32_t lists = 0;
  uint64_t score = 0;
  bool copy = false;
};

// The partners a unit proposes among those it read: every copy, and of the
// others on two or more common lists the max_partners highest by score (ties
// by partner). Appends them to `out` (in no order); returns whether the bound cut.
bool select_partners(std::vector<Reading>& read, uint32_t max_partners, std::vector<uint64_t>& out);

// The candidate unit pairs as unit_pair_key()s, sorted and distinct. The
// units are processed through `loop`; the result does not depend on it.
std::vector<uint64_t> candidate_pairs(const CandidateInput& input, const CandidateParams& params,
                                      const RangeLoop& loop = sequential_ranges,
                                      CandidateStats* stats = nullptr);

}  // namespace kindred::story
