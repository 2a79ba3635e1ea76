// The story stage in parts (include/kindred/stages.h, "Stories in parts"):
// each function is a part of what Scanner::find_stories() runs over the whole
// collection, over what one task holds, calling the same library operations
// (src/story). docs/distributed.md shows how the Dask backend composes them.
#include <algorithm>
#include <string>
#include <vector>

#include "kindred/stages.h"
#include "normalize/tokenize.h"
#include "pipeline/feature_cache.h"
#include "pipeline/story_reuse.h"
#include "pipeline/story_stages.h"
#include "report/jsonl.h"
#include "story/account.h"
#include "story/candidates.h"
#include "story/features.h"
#include "story/quotations.h"
#include "story/stories.h"
#include "story/story_params.h"

namespace kindred {

namespace {

// The story features of each document, as Scanner extracts them (through the
// process's cache: the parts of one run meet the same texts several times).
std::vector<story::StoryFeatures> features_of(std::span<const StoryText> docs) {
  std::vector<story::StoryFeatures> out(docs.size());
  std::vector<normalize::Token> tokens;
  for (size_t i = 0; i < docs.size(); ++i) {
    out[i] = pipeline::story_feature_cache().features(docs[i].text, docs[i].time, tokens);
  }
  return out;
}

story::StoryStatsPart to_part(const StoryCounts& c) {
  story::StoryStatsPart p;
  p.documents = c.documents;
  p.terms.reserve(c.term_keys.size());
  for (size_t i = 0; i < c.term_keys.size() && i < c.term_documents.size(); ++i) {
    p.terms.emplace_back(c.term_keys[i], c.term_documents[i]);
  }
  p.numbers.reserve(c.number_keys.size());
  for (size_t i = 0; i < c.number_keys.size() && i < c.number_documents.size(); ++i) {
    p.numbers.emplace_back(c.number_keys[i], c.number_documents[i]);
  }
  p.names = c.names;
  return p;
}

StoryCounts from_part(story::StoryStatsPart&& p) {
  StoryCounts c;
  c.documents = p.documents;
  for (const auto& [k, n] : p.terms) c.term_keys.push_back(k), c.term_documents.push_back(n);
  for (const auto& [k, n] : p.numbers) c.number_keys.push_back(k), c.number_documents.push_back(n);
  c.names = std::move(p.names);
  return c;
}

story::StoryStats stats_of(const StoryCollection& c) {
  return story::StoryStats(to_part(c.whole), c.name_ids, c.name_documents);
}

std::vector<const story::StoryFeatures*> pointers(const std::vector<story::StoryFeatures>& f) {
  std::vector<const story::StoryFeatures*> out(f.size());
  for (size_t i = 0; i < f.size(); ++i) out[i] = &f[i];
  return out;
}

Status invalid(const std::string& what) {
  return Status(StatusCode::kInvalidArgument, what);
}

}  // namespace

StoryCounts story_counts(std::span<const StoryText> docs) {
  return from_part(story::story_stats_part(features_of(docs)));
}

StoryCounts merge_story_counts(const StoryCounts& a, const StoryCounts& b) {
  return from_part(story::merge_stats_parts(to_part(a), to_part(b)));
}

std::vector<uint32_t> story_name_ids(std::span<const std::string> names) {
  return story::canonical_name_ids(names);
}

std::vector<uint32_t> story_name_documents(std::span<const StoryText> docs,
                                           std::span<const std::string> names,
                                           std::span<const uint32_t> ids) {
  std::vector<uint32_t> counts;
  if (ids.size() != names.size()) return counts;
  story::count_names(features_of(docs), names, ids, counts);
  return counts;
}

StoryCandidateFeatures story_candidate_features(std::span<const StoryText> docs,
                                                const StoryCollection& collection) {
  const story::StoryStats stats = stats_of(collection);
  StoryCandidateFeatures out;
  out.offsets.push_back(0);
  std::vector<normalize::Token> tokens;
  for (const StoryText& d : docs) {
    const story::StoryFeatures f = pipeline::story_feature_cache().features(d.text, d.time, tokens);
    story::story_candidate_features(f, stats, out.features);
    out.offsets.push_back(out.features.size());
    out.time.push_back(f.time);
  }
  return out;
}

StoryBounds story_bounds(const Params& params) {
  const story::StoryParams sp = story::story_params(params);
  const story::CandidateParams cp;
  return {sp.max_postings, sp.max_reads, cp.max_partners};
}

std::vector<uint32_t> story_rarity(uint32_t units, std::span<const uint32_t> lengths) {
  std::vector<uint32_t> out(lengths.size());
  for (size_t i = 0; i < lengths.size(); ++i) out[i] = story::rarity_weight(units, lengths[i]);
  return out;
}

namespace {

// offsets describe rows [0, rows) in order: offsets[0] = 0, ascending, offsets.back() = rows.
bool valid_offsets(std::span<const uint64_t> offsets, size_t rows) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != rows) return false;
  return std::is_sorted(offsets.begin(), offsets.end());
}

}  // namespace

Status story_read_ranges(std::span<const uint64_t> offsets, std::span<const uint32_t> lengths,
                         std::span<const uint32_t> positions, const Params& params,
                         std::vector<uint32_t>& out_from, std::vector<uint32_t>& out_to) {
  if (lengths.size() != positions.size() || !valid_offsets(offsets, lengths.size())) {
    return invalid("story_read_ranges: columns of different lengths or bad offsets");
  }
  const StoryBounds b = story_bounds(params);
  story::CandidateParams cp;
  cp.max_postings = b.max_postings;
  cp.max_reads = b.max_reads;
  cp.max_partners = b.max_partners;
  std::vector<story::ListSlot> slots;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  for (size_t u = 0; u + 1 < offsets.size(); ++u) {
    slots.clear();
    ranges.clear();
    for (uint64_t i = offsets[u]; i < offsets[u + 1]; ++i)
      slots.push_back({lengths[i], positions[i]});
    story::read_ranges(slots, cp, ranges);
    for (const auto& [f, t] : ranges) out_from.push_back(f), out_to.push_back(t);
  }
  return Status::ok();
}

Status story_select_partners(std::span<const uint64_t> units, std::span<const uint64_t> offsets,
                             std::span<const uint64_t> partners, std::span<const uint32_t> lists,
                             std::span<const uint64_t> scores, std::span<const uint8_t> copy,
                             const Params& params, std::vector<uint64_t>& out_unit,
                             std::vector<uint64_t>& out_partner) {
  if (lists.size() != partners.size() || scores.size() != partners.size() ||
      copy.size() != partners.size() || offsets.size() != units.size() + 1 ||
      !valid_offsets(offsets, partners.size())) {
    return invalid("story_select_partners: columns of different lengths or bad offsets");
  }
  const uint32_t max_partners = story_bounds(params).max_partners;
  std::vector<story::Reading> read;
  std::vector<uint64_t> chosen;
  for (size_t u = 0; u < units.size(); ++u) {
    read.clear();
    chosen.clear();
    for (uint64_t i = offsets[u]; i < offsets[u + 1]; ++i) {
      read.push_back({partners[i], lists[i], scores[i], copy[i] != 0});
    }
    story::select_partners(read, max_partners, chosen);
    for (uint64_t p : chosen) out_unit.push_back(units[u]), out_partner.push_back(p);
  }
  return Status::ok();
}

Result<std::vector<double>> story_pair_similarities(
    std::span<const StoryText> docs, std::span<const uint32_t> x, std::span<const uint32_t> y,
    std::span<const double> copy, const StoryCollection& collection, const Params& params) {
  if (y.size() != x.size() || copy.size() != x.size()) {
    return invalid("story_pair_similarities: columns of different lengths");
  }
  std::vector<std::pair<uint32_t, uint32_t>> pairs(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] >= docs.size() || y[i] >= docs.size()) {
      return invalid("story_pair_similarities: a pair names a document not given");
    }
    pairs[i] = {x[i], y[i]};
  }
  const std::vector<story::StoryFeatures> f = features_of(docs);
  return story::pair_similarities(pointers(f), pairs, copy, stats_of(collection),
                                  story::story_params(params));
}

Result<std::vector<std::pair<std::vector<uint32_t>, double>>> story_component_groups(
    std::span<const StoryText> docs, std::span<const uint32_t> x, std::span<const uint32_t> y,
    std::span<const double> s, std::span<const uint32_t> cx, std::span<const uint32_t> cy,
    std::span<const double> cs, const StoryCollection& collection, const Params& params) {
  if (y.size() != x.size() || s.size() != x.size() || cy.size() != cx.size() ||
      cs.size() != cx.size()) {
    return invalid("story_component_groups: columns of different lengths");
  }
  std::vector<story::ScoredPair> candidates(x.size()), copies(cx.size());
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] >= docs.size() || y[i] >= docs.size()) {
      return invalid("story_component_groups: a pair names a unit not given");
    }
    candidates[i] = {x[i], y[i], s[i]};
  }
  for (size_t i = 0; i < cx.size(); ++i) {
    if (cx[i] >= docs.size() || cy[i] >= docs.size()) {
      return invalid("story_component_groups: a copy pair names a unit not given");
    }
    copies[i] = {cx[i], cy[i], cs[i]};
  }
  const std::vector<story::StoryFeatures> f = features_of(docs);
  std::vector<std::pair<std::vector<uint32_t>, double>> out;
  for (story::StoryGroup& g : story::story_groups(
           pointers(f), candidates, copies, stats_of(collection), story::story_params(params))) {
    out.emplace_back(std::move(g.units), g.cohesion);
  }
  return out;
}

Result<uint64_t> append_story_records(std::string& stories_out, std::string& quotations_out,
                                      std::span<const KeyedStory> stories,
                                      std::span<const StoryDocument> docs, uint64_t first_quotation,
                                      bool records) {
  ScanResult r;
  r.docs.resize(docs.size());
  std::vector<StoryText> texts(docs.size());
  std::vector<std::string_view> views(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    r.docs[i].id = docs[i].id;
    r.docs[i].title = docs[i].title;
    r.docs[i].date = docs[i].date;
    r.docs[i].time = docs[i].time;
    texts[i] = {docs[i].text, docs[i].time};
    views[i] = docs[i].text;
  }
  for (const KeyedStory& k : stories) {
    if (k.members.empty()) return invalid("append_story_records: a story without members");
    for (uint32_t m : k.members) {
      if (m >= docs.size()) return invalid("append_story_records: a member not given");
    }
    Story s;
    s.id = k.id;
    s.members = k.members;
    s.families = k.families;
    s.cohesion = k.cohesion;
    r.stories.push_back(std::move(s));
  }
  r.quotations = story::story_quotations(features_of(texts), r.stories);
  if (!records) return uint64_t{r.quotations.size()};
  for (Quotation& q : r.quotations) q.id = static_cast<uint32_t>(q.id + first_quotation);
  for (size_t i = 0; i < r.stories.size(); ++i) {
    Story& s = r.stories[i];
    s.account = story::merged_account(s, views, r.quotations);
  }
  // The texts are read from DocInfo::text (no text store).
  for (size_t i = 0; i < docs.size(); ++i) r.docs[i].text = docs[i].text;
  for (const Story& s : r.stories) report::append_story_record(stories_out, s, r);
  for (const Quotation& q : r.quotations) report::append_quotation_record(quotations_out, q, r);
  return uint64_t{r.quotations.size()};
}

}  // namespace kindred

namespace kindred::pipeline {

Result<std::vector<RewriteRecords>> story_rewrite_records(
    std::span<const KeyedStory> stories, std::span<const StoryDocument> docs,
    std::span<const int32_t> families, std::span<const Link> links,
    const StoryCollection& collection, const Params& params, bool with_passages) {
  if (families.size() != docs.size()) {
    return Status(StatusCode::kInvalidArgument, "story_rewrite_records: one family per document");
  }
  ScanResult r;
  r.docs.resize(docs.size());
  std::vector<StoryText> texts(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    r.docs[i].id = docs[i].id;
    r.docs[i].title = docs[i].title;
    r.docs[i].date = docs[i].date;
    r.docs[i].text = docs[i].text;
    r.docs[i].family = families[i];
    r.docs[i].time = docs[i].time;
    texts[i] = {docs[i].text, docs[i].time};
  }
  std::vector<Story> story_list;
  for (const KeyedStory& k : stories) {
    for (uint32_t m : k.members) {
      if (m >= docs.size()) {
        return Status(StatusCode::kInvalidArgument, "story_rewrite_records: a member not given");
      }
    }
    Story s;
    s.id = k.id;
    s.members = k.members;
    s.families = k.families;
    s.cohesion = k.cohesion;
    story_list.push_back(std::move(s));
  }
  for (const Link& l : links) {
    if (l.a >= docs.size() || l.b >= docs.size()) {
      return Status(StatusCode::kInvalidArgument, "story_rewrite_records: a link not given");
    }
  }
  const std::vector<story::StoryFeatures> features = features_of(texts);
  auto rewrites = find_story_rewrites(story_list, r.docs, features, stats_of(collection), links,
                                      params, {}, story::sequential_ranges);
  add_story_rewrites(r, r.docs, std::move(rewrites), with_passages);
  std::vector<RewriteRecords> out(r.links.size());
  for (size_t i = 0; i < r.links.size(); ++i) {
    out[i].a = r.links[i].a;
    out[i].b = r.links[i].b;
    report::append_link_record(out[i].records, r.links[i], r);
    if (i < r.provenance.size()) report::append_provenance_record(out[i].records, i, r);
    if (i < r.passages.size()) {
      for (const Passage& p : r.passages[i]) report::append_passage_record(out[i].records, i, p, r);
    }
  }
  return out;
}

}  // namespace kindred::pipeline
