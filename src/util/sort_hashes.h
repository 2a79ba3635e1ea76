// A sort for hash values: shingle sets, LSH bucket entries.
#pragma once

#include <cstdint>
#include <vector>

namespace kindred::util {

// Sorts and deduplicates `values` in place. Hashes are uniform, so a counting
// sort on their top bits puts each value within a few places of its final
// one, and one insertion-sort pass finishes: O(n) where std::sort is
// O(n log n). (std::sort was 45% of sketching and 12% of candidate
// generation.) Any input is sorted correctly; input crafted to crowd one
// bucket falls back to std::sort rather than going quadratic. `scratch` is
// reused memory.
void sort_unique_hashes(std::vector<uint64_t>& values, std::vector<uint64_t>& scratch);

}  // namespace kindred::util
