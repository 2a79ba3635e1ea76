// Align, part 1: exact verification of a candidate pair.
//
// Sketches only propose candidates; every reported number is computed here on
// the full shingle sets. (Passage alignment with offsets builds on this stage.)
#pragma once

#include <cstdint>
#include <span>

#include "kindred/results.h"

namespace kindred::align {

// |A ∩ B|, |A| and |B| of two sorted, duplicate-free shingle sets. Linear merge,
// switching to galloping search when one set is much smaller than the other.
Overlap overlap(std::span<const uint64_t> a, std::span<const uint64_t> b);

}  // namespace kindred::align
