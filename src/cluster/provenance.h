// Provenance: which document of a linked pair derives from which, and how sure
// that is. Evidence, strongest first:
//   * containment asymmetry: the copy is the one mostly inside the other (an
//     abridgement lies inside its source, never the reverse);
//   * publication dates, when both are known and differ: the source is older;
//   * order of arrival otherwise: the earlier document is taken as the source.
// When containment and dates disagree (an older abridgement of a later
// expanded version), dates win and the confidence drops.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kindred/results.h"

namespace kindred::cluster {

// One Provenance per link, same order. `docs` gives the times (DocInfo::time).
std::vector<Provenance> infer_provenance(std::span<const Link> links,
                                         std::span<const DocInfo> docs);

// The same with the times in a column of their own (DocInfo::time of each
// document; empty when undated).
std::vector<Provenance> infer_provenance(std::span<const Link> links,
                                         std::span<const std::optional<int64_t>> time);

// The rule above for one pair (a, b): `a_in_b` and `b_in_a` are how much of
// each lies inside the other, in [0, 1] (shingle containment for copies, the
// share of words inside reused passages for rewrites), `time_*` the parsed dates.
Provenance provenance_of(uint32_t a, uint32_t b, double a_in_b, double b_in_a,
                         std::optional<int64_t> time_a, std::optional<int64_t> time_b);

}  // namespace kindred::cluster
