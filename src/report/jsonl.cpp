#include "report/jsonl.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>

#include "kindred/version.h"
#include "report/texts.h"
#include "report/vocabulary.h"
#include "util/json_writer.h"

namespace kindred::report {

using util::JsonWriter;

namespace {

const std::string& doc_id(const ScanResult& r, uint32_t d) {
  return r.docs[d].id;
}

// Every stage's time but writing, which only the writer knows: the stages
// run one after another (reading overlaps only sketching, and seconds_read
// is what it added), so they add up to the wall time.
double total_seconds(const ScanStats& s) {
  return s.seconds_read + s.seconds_sketch + s.seconds_features + s.seconds_candidates +
         s.seconds_verify + s.seconds_passages + s.seconds_cluster + s.seconds_stories +
         s.seconds_rewrites;
}

std::array<uint64_t, kRelationCount> relation_counts(const ScanResult& r) {
  std::array<uint64_t, kRelationCount> counts{};
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
  w.begin_object()
      .field("type", "link")
      .field("a", doc_id(r, l.a))
      .field("b", doc_id(r, l.b))
      .field("relation", relation_name(l.relation))
      .field("direction", direction_name(l.overlap));
  overlap_fields(l.overlap, fields_of(w));
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

void append_provenance_record(std::string& out, size_t i, const ScanResult& r) {
  const Provenance& p = r.provenance[i];
  JsonWriter w(out);
  w.begin_object()
      .field("type", "provenance")
      .field("source", doc_id(r, p.source))
      .field("copy", doc_id(r, p.copy))
      .field("confidence", p.confidence)
      .field("evidence", p.evidence)
      .end_object();
  out.push_back('\n');
}

void write_passage_fields(JsonWriter& w, const Passage& p, std::string_view text_a,
                          std::string_view text_b) {
  auto span = [](std::string_view text, uint32_t begin, uint32_t end) {
    return end > text.size() || begin > end ? std::string_view() : text.substr(begin, end - begin);
  };
  passage_fields(p, fields_of(w));
  w.field("a_text", span(text_a, p.a_begin, p.a_end))
      .field("b_text", span(text_b, p.b_begin, p.b_end));
}

void append_passage_record(std::string& out, size_t i, const Passage& p, const ScanResult& r) {
  const Link& l = r.links[i];
  JsonWriter w(out);
  w.begin_object().field("type", "passage").field("a", doc_id(r, l.a)).field("b", doc_id(r, l.b));
  TextReader a(r), b(r);
  write_passage_fields(w, p, a.text(l.a), b.text(l.b));
  w.end_object();
  out.push_back('\n');
}

void append_story_record(std::string& out, const Story& s, const ScanResult& r) {
  // The headline of the longest member names the story.
  uint32_t lead = s.members.front();
  for (uint32_t d : s.members) {
    if (document_text_length(r, d) > document_text_length(r, lead)) lead = d;
  }
  std::string first_date, last_date;
  for (uint32_t d : s.members) {
    const std::string& date = r.docs[d].date;
    if (date.empty()) continue;
    if (first_date.empty() || date < first_date) first_date = date;
    if (last_date.empty() || date > last_date) last_date = date;
  }
  std::map<uint32_t, uint64_t> additions;  // document -> sentences only it carries
  for (const AccountSentence& a : s.account) {
    if (a.sources.size() == 1) ++additions[a.sources.front()];
  }
  TextReader texts(r), variant_texts(r);
  JsonWriter w(out);
  w.begin_object()
      .field("type", "story")
      .field("story", s.id)
      .field("size", uint64_t{s.members.size()})
      .field("title", r.docs[lead].title)
      .field("cohesion", s.cohesion);
  w.key("first_date");
  first_date.empty() ? w.null() : w.value(first_date);
  w.key("last_date");
  last_date.empty() ? w.null() : w.value(last_date);
  w.key("members").begin_array();
  for (uint32_t d : s.members) w.value(doc_id(r, d));
  w.end_array().key("families").begin_array();
  for (uint32_t f : s.families) w.value(f);
  w.end_array().key("account").begin_array();
  for (const AccountSentence& a : s.account) {
    w.begin_object()
        .field("doc", doc_id(r, a.doc))
        .field("begin", a.begin)
        .field("end", a.end)
        .field("text", texts.span(a.doc, a.begin, a.end))
        .key("sources")
        .begin_array();
    for (uint32_t d : a.sources) w.value(doc_id(r, d));
    w.end_array();
    // The other wordings of the same fact, each with the documents writing it.
    if (a.variants.size() > 1) {
      w.key("variants").begin_array();
      for (size_t i = 1; i < a.variants.size(); ++i) {
        const AccountVariant& v = a.variants[i];
        w.begin_object()
            .field("doc", doc_id(r, v.doc))
            .field("begin", v.begin)
            .field("end", v.end)
            .field("text", variant_texts.span(v.doc, v.begin, v.end))
            .key("sources")
            .begin_array();
        for (uint32_t d : v.sources) w.value(doc_id(r, d));
        w.end_array().end_object();
      }
      w.end_array();
    }
    w.end_object();
  }
  w.end_array().key("additions").begin_object();
  for (uint32_t d : s.members) w.field(doc_id(r, d), additions.count(d) ? additions[d] : 0);
  w.end_object().end_object();
  out.push_back('\n');
}

void append_quotation_record(std::string& out, const Quotation& q, const ScanResult& r) {
  std::vector<uint32_t> sources;
  for (const QuoteVariant& v : q.variants) {
    if (sources.empty() || sources.back() != v.doc) sources.push_back(v.doc);
  }
  TextReader texts(r);
  JsonWriter w(out);
  w.begin_object().field("type", "quotation").field("quotation", q.id).field("story", q.story);
  w.key("speaker");
  q.speaker.empty() ? w.null() : w.value(q.speaker);
  if (!q.attributions.empty()) {
    w.key("attributions").begin_array();
    for (const std::string& a : q.attributions) w.value(a);
    w.end_array();
  }
  w.key("sources").begin_array();
  for (uint32_t d : sources) w.value(doc_id(r, d));
  w.end_array().key("variants").begin_array();
  for (const QuoteVariant& v : q.variants) {
    w.begin_object()
        .field("doc", doc_id(r, v.doc))
        .field("begin", v.begin)
        .field("end", v.end)
        .field("text", texts.span(v.doc, v.begin, v.end));
    w.key("speaker");
    v.speaker.empty() ? w.null() : w.value(v.speaker);
    w.end_object();
  }
  w.end_array().end_object();
  out.push_back('\n');
}

void append_summary_record(std::string& out, const ScanResult& r, uint64_t rejected,
                           double seconds_write) {
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
      .field("spilled_bytes", s.spilled_bytes);
  if (!s.spill_error.empty()) w.field("spill_error", s.spill_error);
  w.field("links", s.links).key("relations").begin_object();
  for (size_t i = 0; i < counts.size(); ++i) {
    w.field(relation_name(static_cast<Relation>(i)), counts[i]);
  }
  w.end_object()
      .field("families", s.families)
      .field("documents_in_families", s.documents_in_families)
      .field("stories", s.stories)
      .field("quotations", s.quotations)
      .field("rewrite_pairs", s.rewrite_pairs)
      .key("seconds")
      .begin_object()
      .field("read", s.seconds_read)
      .field("sketch", s.seconds_sketch)
      .field("features", s.seconds_features)
      .field("candidates", s.seconds_candidates)
      .field("verify", s.seconds_verify)
      .field("families", s.seconds_cluster)
      .field("passages", s.seconds_passages)
      .field("stories", s.seconds_stories)
      .field("rewrites", s.seconds_rewrites)
      .field("write", seconds_write)
      .field("total", total_seconds(s) + seconds_write)
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

Status write_scan_jsonl(const Params& params, const ScanResult& result, uint64_t rejected,
                        const std::function<void(std::string_view)>& sink,
                        StoryAccounts* accounts) {
  constexpr size_t kChunk = 1 << 20;
  const auto start = std::chrono::steady_clock::now();
  std::string out;
  auto maybe_flush = [&] {
    if (out.size() >= kChunk) sink(out), out.clear();
  };
  append_run_record(out, params, result.stats);
  for (size_t i = 0; i < result.links.size(); ++i) {
    append_link_record(out, result.links[i], result);
    if (i < result.provenance.size()) append_provenance_record(out, i, result);
    if (i < result.passages.size()) {
      for (const Passage& p : result.passages[i]) append_passage_record(out, i, p, result);
    }
    maybe_flush();
  }
  for (const Family& f : result.families) append_family_record(out, f, result), maybe_flush();
  const size_t range = accounts && accounts->make ? std::max<size_t>(accounts->range, 1)
                                                  : result.stories.size();
  double account_seconds = 0;
  for (size_t first = 0; first < result.stories.size(); first += range) {
    const size_t last = std::min(result.stories.size(), first + range);
    if (accounts && accounts->make) {
      const auto made = std::chrono::steady_clock::now();
      accounts->make(first, last);
      account_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - made).count();
    }
    for (size_t i = first; i < last; ++i) {
      append_story_record(out, result.stories[i], result), maybe_flush();
    }
  }
  if (accounts) accounts->seconds += account_seconds;
  for (const Quotation& q : result.quotations)
    append_quotation_record(out, q, result), maybe_flush();
  append_summary_record(
      out, result, rejected,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() -
          account_seconds);
  sink(out);
  return texts_status(result);
}

std::string scan_to_jsonl(const Params& params, const ScanResult& result, uint64_t rejected) {
  std::string out;
  write_scan_jsonl(params, result, rejected, [&](std::string_view chunk) { out += chunk; });
  return out;
}

std::string summary_text(const ScanResult& r, uint64_t rejected) {
  const auto counts = relation_counts(r);
  const ScanStats& s = r.stats;
  const double mb = double(s.bytes) / 1e6;
  const double secs = total_seconds(s) + s.seconds_write;
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "kindred: %llu documents (%.1f MB), %llu rejected\n",
                static_cast<unsigned long long>(s.documents), mb,
                static_cast<unsigned long long>(rejected));
  out += buf;
  std::snprintf(
      buf, sizeof buf,
      "  %llu links: %llu exact, %llu near-duplicate, %llu contained, %llu overlapping, %llu "
      "rewrite\n",
      static_cast<unsigned long long>(s.links), static_cast<unsigned long long>(counts[0]),
      static_cast<unsigned long long>(counts[1]), static_cast<unsigned long long>(counts[2]),
      static_cast<unsigned long long>(counts[3]), static_cast<unsigned long long>(counts[4]));
  out += buf;
  std::snprintf(buf, sizeof buf, "  %llu copy families covering %llu documents\n",
                static_cast<unsigned long long>(s.families),
                static_cast<unsigned long long>(s.documents_in_families));
  out += buf;
  if (!r.stories.empty()) {
    uint64_t in_stories = 0;
    for (const Story& st : r.stories) in_stories += st.members.size();
    std::snprintf(buf, sizeof buf, "  %llu stories covering %llu documents, %llu quotations\n",
                  static_cast<unsigned long long>(r.stories.size()),
                  static_cast<unsigned long long>(in_stories),
                  static_cast<unsigned long long>(r.quotations.size()));
    out += buf;
  }
  std::vector<const Family*> largest;
  for (const Family& f : r.families) largest.push_back(&f);
  std::partial_sort(
      largest.begin(), largest.begin() + std::min<size_t>(3, largest.size()), largest.end(),
      [](const Family* a, const Family* b) { return a->members.size() > b->members.size(); });
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
  std::snprintf(buf, sizeof buf, "  %.2f s (read %.2f, sketch %.2f, ", secs, s.seconds_read,
                s.seconds_sketch);
  out += buf;
  // Stages that did not run are left out; those that did are listed even when fast.
  if (s.seconds_features > 0) {
    std::snprintf(buf, sizeof buf, "features %.2f, ", s.seconds_features);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "candidates %.2f, verify %.2f, ", s.seconds_candidates,
                s.seconds_verify);
  out += buf;
  if (!r.passages.empty() || s.seconds_passages > 0) {
    std::snprintf(buf, sizeof buf, "passages %.2f, ", s.seconds_passages);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "families %.2f, ", s.seconds_cluster);
  out += buf;
  if (s.stories > 0 || s.seconds_stories > 0) {
    std::snprintf(buf, sizeof buf, "stories %.2f, ", s.seconds_stories);
    out += buf;
  }
  if (s.rewrite_pairs > 0 || s.seconds_rewrites > 0) {
    std::snprintf(buf, sizeof buf, "rewrites %.2f, ", s.seconds_rewrites);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "write %.2f); %.1f MB/s\n", s.seconds_write,
                secs > 0 ? mb / secs : 0.0);
  out += buf;
  if (s.spilled_bytes > 0) {
    std::snprintf(buf, sizeof buf, "  %.1f MB of shingle sets spilled to a temporary file\n",
                  double(s.spilled_bytes) / 1e6);
    out += buf;
  }
  if (!s.spill_error.empty()) {
    out += "  warning: shingle sets stayed in memory (" + s.spill_error + ")\n";
  }
  return out;
}

}  // namespace kindred::report
