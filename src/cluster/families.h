// Cluster: copy families from verified links.
//
// A family is a connected group of copies with a root, the member most likely
// to be the original (the most shingles; ties go to the earlier document).
// Plain connected components let a chain of weak links (A~B, B~C, C~D, ...)
// merge unrelated articles into one giant family, so merging is guarded:
//   * links are taken strongest first (exact, near-duplicate, contained,
//     overlapping; then by the larger containment);
//   * an exact link merges its two families unconditionally (same text);
//   * any other link merges two families only when it joins their two roots
//     and, afterwards, every member has a verified link of its own to the new
//     root (members that joined as exact copies of a member are exempt). A
//     family is thus a star around its original: the root can never drift
//     along a chain, however the weights grow.
// A document left out by the guard keeps its links; only family membership is
// withheld, and the output's family_links_withheld count says how often.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kindred/results.h"

namespace kindred::cluster {

// The root preference: a weight per document, higher for the likelier original:
// the earliest dated document first, then the most complete (most shingles),
// then the first in input order. `time[d]` is document d's date in seconds
// when known. Pass the result as copy_families()'s `weight`.
std::vector<uint32_t> root_weights(std::span<const std::optional<int64_t>> time,
                                   std::span<const uint32_t> shingles);

// The numbering rule of families, which the live index's snapshot applies to
// its stories too: ids from 0 in order of each group's smallest member, so
// they follow the input order. Each group's members are ascending, never empty.
template <class Group>
void number_by_smallest_member(std::vector<Group>& groups) {
  std::sort(groups.begin(), groups.end(),
            [](const Group& a, const Group& b) { return a.members.front() < b.members.front(); });
  for (size_t i = 0; i < groups.size(); ++i) groups[i].id = static_cast<uint32_t>(i);
}

struct FamilyStats {
  uint64_t links_used = 0;      ///< links that merged two families
  uint64_t links_withheld = 0;  ///< links between families that the guard kept apart
};

// Families of two or more documents, numbered by number_by_smallest_member(). `weight[d]` orders
// candidate roots (higher = more likely original). Also returns, in `family_of` (resized to
// weight.size()), each document's family id or -1.
std::vector<Family> copy_families(std::span<const Link> links, std::span<const uint32_t> weight,
                                  std::vector<int32_t>& family_of, FamilyStats* stats = nullptr);

}  // namespace kindred::cluster
