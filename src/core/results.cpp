#include "kindred/results.h"

#include <algorithm>

namespace kindred {

const char* relation_name(Relation r) {
  switch (r) {
    case Relation::kExact:
      return "exact";
    case Relation::kNearDuplicate:
      return "near_duplicate";
    case Relation::kContained:
      return "contained";
    case Relation::kOverlapping:
      return "overlapping";
    case Relation::kRewrite:
      return "rewrite";
  }
  return "unknown";
}

double Overlap::jaccard() const {
  const uint64_t uni = size_a + size_b - shared;
  return uni == 0 ? 0.0 : double(shared) / double(uni);
}
double Overlap::containment_a_in_b() const {
  return size_a == 0 ? 0.0 : double(shared) / double(size_a);
}
double Overlap::containment_b_in_a() const {
  return size_b == 0 ? 0.0 : double(shared) / double(size_b);
}

std::optional<Relation> classify(const Overlap& o, bool same_text, const Params& p) {
  if (same_text && o.size_a > 0) return Relation::kExact;
  // Tiny texts share few shingles by chance of phrasing; demand a minimum unless
  // one side is so short that it could not reach it.
  const uint64_t needed = std::min<uint64_t>(p.min_shared, std::min(o.size_a, o.size_b));
  if (o.shared == 0 || o.shared < needed) return std::nullopt;
  if (o.jaccard() >= p.near_duplicate) return Relation::kNearDuplicate;
  // "Contained" is about the smaller document: most of it occurs in the larger.
  const double smaller_in_larger =
      o.size_a <= o.size_b ? o.containment_a_in_b() : o.containment_b_in_a();
  if (smaller_in_larger >= p.contained) return Relation::kContained;
  if (std::max(o.containment_a_in_b(), o.containment_b_in_a()) >= p.link) {
    return Relation::kOverlapping;
  }
  return std::nullopt;
}

}  // namespace kindred
