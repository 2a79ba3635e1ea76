#include "report/jsonl.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "kindred/version.h"
#include "util/json_writer.h"

namespace kindred::report {

using util::JsonWriter;

namespace {

const std::string& doc_id(const ScanResult& r, uint32_t d) { return r.docs[d].id; }

std::array<uint64_t, 4> relation_counts(const ScanResult& r) {
  std::array<uint64_t, 4> counts{};
  for (const Link& l : r.links) ++counts[static_cast<size_t>(l.relation)];
  return counts;
}

}  // namespace

void append_run_record(std::string& out, const Params& params, const ScanStats& stats) {
  JsonWriter w(out);
  w.begin_object()
      .field("type", "run")
      .field("kindred", kVersion)
      .field("params", params.to_spec())
      .field("documents", stats.documents)
      .end_object();
  out.push_back('\n');
}

void append_link_record(std::string& out, const Link& l, const ScanResult& r) {
  JsonWriter w(out);
  const double cab = l.overlap.containment_a_in_b();
  const double cba = l.overlap.containment_b_in_a();
  w.begin_object()
      .field("type", "link")
      .field("a", doc_id(r, l.a))
      .field("b", doc_id(r, l.b))
      .field("relation", relation_name(l.relation))
      // Which way the reuse points: the document more of which lies inside the other.
      .field("direction", cab >= cba ? "a_in_b" : "b_in_a")
      .field("jaccard", l.overlap.jaccard())
      .field("containment_a_in_b", cab)
      .field("containment_b_in_a", cba)
      .field("shared_shingles", l.overlap.shared)
      .field("shingles_a", l.overlap.size_a)
      .field("shingles_b", l.overlap.size_b);
  const int32_t fa = r.docs[l.a].family;
  w.key("family");
  if (fa >= 0 && fa == r.docs[l.b].family) {
    w.value(int64_t{fa});
  } else {
    w.null();
  }
  w.end_object();
  out.push_back('\n');
}

void append_family_record(std::string& out, const Family& f, const ScanResult& r) {
  JsonWriter w(out);
  w.begin_object()
      .field("type", "family")
      .field("family", f.id)
      .field("size", uint64_t{f.members.size()})
      .field("root", doc_id(r, f.root))
      .key("members")
      .begin_array();
  for (uint32_t d : f.members) w.value(doc_id(r, d));
  w.end_array().end_object();
  out.push_back('\n');
}

void append_summary_record(std::string& out, const ScanResult& r, uint64_t rejected) {
  const auto counts = relation_counts(r);
  const ScanStats& s = r.stats;
  JsonWriter w(out);
  w.begin_object()
      .field("type", "summary")
      .field("documents", s.documents)
      .field("rejected", rejected)
      .field("bytes", s.bytes)
      .field("tokens", s.tokens)
      .field("invalid_utf8", s.invalid_utf8)
      .field("candidate_pairs", s.candidate_pairs)
      .field("capped_buckets", s.capped_buckets)
      .field("links", s.links)
      .key("relations")
      .begin_object();
  for (size_t i = 0; i < counts.size(); ++i) {
    w.field(relation_name(static_cast<Relation>(i)), counts[i]);
  }
  w.end_object()
      .field("families", s.families)
      .field("documents_in_families", s.documents_in_families)
      .key("seconds")
      .begin_object()
      .field("sketch", s.seconds_sketch)
      .field("candidates", s.seconds_candidates)
      .field("verify", s.seconds_verify)
      .field("families", s.seconds_cluster)
      .end_object()
      .end_object();
  out.push_back('\n');
}

void append_rejection_record(std::string& out, const Rejection& rej) {
  JsonWriter w(out);
  w.begin_object()
      .field("type", "rejected")
      .field("file", rej.origin.file)
      .field("line", rej.origin.line)
      .field("offset", rej.origin.offset)
      .field("id", rej.id)
      .field("code", status_code_name(rej.status.code()))
      .field("reason", rej.status.message())
      .end_object();
  out.push_back('\n');
}

std::string scan_to_jsonl(const Params& params, const ScanResult& result, uint64_t rejected) {
  std::string out;
  append_run_record(out, params, result.stats);
  for (const Link& l : result.links) append_link_record(out, l, result);
  for (const Family& f : result.families) append_family_record(out, f, result);
  append_summary_record(out, result, rejected);
  return out;
}

std::string summary_text(const ScanResult& r, uint64_t rejected) {
  const auto counts = relation_counts(r);
  const ScanStats& s = r.stats;
  const double mb = double(s.bytes) / 1e6;
  const double secs = s.seconds_sketch + s.seconds_candidates + s.seconds_verify + s.seconds_cluster;
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "kindred: %llu documents (%.1f MB), %llu rejected\n",
                static_cast<unsigned long long>(s.documents), mb,
                static_cast<unsigned long long>(rejected));
  out += buf;
  std::snprintf(buf, sizeof buf,
                "  %llu links: %llu exact, %llu near-duplicate, %llu contained, %llu overlapping\n",
                static_cast<unsigned long long>(s.links),
                static_cast<unsigned long long>(counts[0]),
                static_cast<unsigned long long>(counts[1]),
                static_cast<unsigned long long>(counts[2]),
                static_cast<unsigned long long>(counts[3]));
  out += buf;
  std::snprintf(buf, sizeof buf, "  %llu copy families covering %llu documents\n",
                static_cast<unsigned long long>(s.families),
                static_cast<unsigned long long>(s.documents_in_families));
  out += buf;
  std::vector<const Family*> largest;
  for (const Family& f : r.families) largest.push_back(&f);
  std::partial_sort(largest.begin(), largest.begin() + std::min<size_t>(3, largest.size()),
                    largest.end(), [](const Family* a, const Family* b) {
                      return a->members.size() > b->members.size();
                    });
  for (size_t i = 0; i < std::min<size_t>(3, largest.size()); ++i) {
    std::snprintf(buf, sizeof buf, "    family %u: %zu documents, original %s\n", largest[i]->id,
                  largest[i]->members.size(), r.docs[largest[i]->root].id.c_str());
    out += buf;
  }
  if (s.invalid_utf8 > 0) {
    std::snprintf(buf, sizeof buf, "  %llu invalid UTF-8 sequences replaced\n",
                  static_cast<unsigned long long>(s.invalid_utf8));
    out += buf;
  }
  std::snprintf(buf, sizeof buf,
                "  %.2f s (sketch %.2f, candidates %.2f, verify %.2f, families %.2f); %.1f MB/s\n",
                secs, s.seconds_sketch, s.seconds_candidates, s.seconds_verify, s.seconds_cluster,
                secs > 0 ? mb / secs : 0.0);
  out += buf;
  return out;
}

}  // namespace kindred::report
