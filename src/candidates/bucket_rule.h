// Candidates: which pairs of one LSH bucket are proposed, written once for its
// three uses (see pairs.h for why large buckets are capped):
//   bulk         every proposed pair of a bucket whose members are all known
//                (candidate_pairs(), the batch scan);
//   incremental  the pairs a document proposes as it joins a bucket as its
//                newest member (the live index, which sees documents arrive);
//   predicate    whether the bucket proposes a given pair (the live index,
//                when a bucket grows past the cap and earlier links may lose
//                the pair that proposed them).
// A bucket of m members, ascending, proposes all pairs while m <= max_bucket;
// beyond, the star (first member, every other) and the chain (each member,
// the next one).
#pragma once

#include <cstddef>
#include <cstdint>

namespace kindred::candidates {

// Whether a bucket of `members` documents proposes all of its pairs.
inline bool proposes_all_pairs(uint64_t members, uint32_t max_bucket) {
  return members <= max_bucket;
}

// Bulk: calls emit(i, j) for the proposed pairs of members [0, m), i < j, by index.
template <typename Emit>
void for_each_bucket_pair(size_t m, uint32_t max_bucket, Emit&& emit) {
  if (proposes_all_pairs(m, max_bucket)) {
    for (size_t i = 0; i < m; ++i) {
      for (size_t j = i + 1; j < m; ++j) emit(i, j);
    }
    return;
  }
  for (size_t i = 1; i < m; ++i) {
    emit(size_t{0}, i);             // the star
    if (i + 1 < m) emit(i, i + 1);  // the chain (its first pair is the star's)
  }
}

// Incremental: a document joins, as its newest member, a bucket that held
// `before` members (first and last among them). It is paired with every one of
// them (all == true), or only with `star` and `chain`.
struct JoinPairs {
  bool all = false;
  uint32_t star = 0, chain = 0;
};
inline JoinPairs pairs_on_join(uint64_t before, uint32_t first, uint32_t last,
                               uint32_t max_bucket) {
  if (proposes_all_pairs(before + 1, max_bucket)) return {true, 0, 0};
  return {false, first, last};
}

// Predicate: whether a bucket of `members` documents whose first member is
// `first` proposes (x, y), x < y both members, where `after_x` is the member
// that follows x.
inline bool bucket_proposes(uint64_t members, uint32_t first, uint32_t x, uint32_t y,
                            uint32_t after_x, uint32_t max_bucket) {
  return proposes_all_pairs(members, max_bucket) || x == first || after_x == y;
}

}  // namespace kindred::candidates
