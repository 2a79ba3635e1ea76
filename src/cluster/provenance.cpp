#include "cluster/provenance.h"

#include <algorithm>
#include <cmath>

namespace kindred::cluster {

namespace {

// Containment gap at which asymmetry alone is taken as certain.
constexpr double kDecisiveGap = 0.4;

}  // namespace

Provenance provenance_of(uint32_t a, uint32_t b, double cab, double cba, std::optional<int64_t> da,
                         std::optional<int64_t> db) {
  const double gap = std::abs(cab - cba);
  // The copy is the document more contained in the other.
  const bool a_is_copy_by_content = cab > cba;
  const double content_conf = 0.5 + 0.5 * std::min(1.0, gap / kDecisiveGap);

  Provenance p;
  if (da && db && *da != *db) {
    const bool a_is_copy_by_date = *da > *db;
    p.copy = a_is_copy_by_date ? a : b;
    p.source = a_is_copy_by_date ? b : a;
    const bool agree = gap < 0.05 || a_is_copy_by_date == a_is_copy_by_content;
    p.confidence = agree ? std::max(0.9, content_conf) : 0.6;
    p.evidence = gap < 0.05 ? "date" : "containment+date";
    return p;
  }
  if (gap >= 0.05) {
    p.copy = a_is_copy_by_content ? a : b;
    p.source = a_is_copy_by_content ? b : a;
    p.confidence = content_conf;
    p.evidence = "containment";
    return p;
  }
  // Symmetric text, no usable dates: the earlier arrival is the source.
  p.source = a;
  p.copy = b;
  p.confidence = 0.5;
  p.evidence = "order";
  return p;
}

namespace {

Provenance decide(const Link& l, std::optional<int64_t> da, std::optional<int64_t> db) {
  return provenance_of(l.a, l.b, l.overlap.containment_a_in_b(), l.overlap.containment_b_in_a(), da,
                       db);
}

}  // namespace

std::vector<Provenance> infer_provenance(std::span<const Link> links,
                                         std::span<const DocInfo> docs) {
  std::vector<Provenance> out;
  out.reserve(links.size());
  for (const Link& l : links) {
    out.push_back(decide(l, docs[l.a].time, docs[l.b].time));
  }
  return out;
}

std::vector<Provenance> infer_provenance(std::span<const Link> links,
                                         std::span<const std::optional<int64_t>> time) {
  std::vector<Provenance> out;
  out.reserve(links.size());
  for (const Link& l : links) out.push_back(decide(l, time[l.a], time[l.b]));
  return out;
}

}  // namespace kindred::cluster
