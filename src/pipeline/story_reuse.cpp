#include "pipeline/story_reuse.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>

#include "align/overlap.h"
#include "align/reuse.h"
#include "cluster/provenance.h"
#include "core/check.h"
#include "normalize/tokenize.h"
#include "sketch/shingle.h"
#include "story/candidates.h"

namespace kindred::pipeline {

namespace {

// The pairs that copies already join: those of a copy link, as
// story::unit_pair_key()s, sorted (whatever the order of `links`). Pairs in
// one family are told by the family itself (see copies()).
std::vector<uint64_t> linked_pairs(std::span<const Link> links) {
  std::vector<uint64_t> out;
  out.reserve(links.size());
  for (const Link& l : links) out.push_back(story::unit_pair_key(l.a, l.b));
  std::sort(out.begin(), out.end());
  return out;
}

// Whether a and b are joined as copies: in one copy family, or linked (the
// story stage's rule for units, story/stories.h, read the same way).
bool copies(std::span<const DocInfo> docs, std::span<const uint64_t> linked, uint32_t a,
            uint32_t b) {
  if (docs[a].family >= 0 && docs[a].family == docs[b].family) return true;
  return std::binary_search(linked.begin(), linked.end(), story::unit_pair_key(a, b));
}

// The pairs of one story to align (see the budget in the header), as pair keys.
void story_pairs(const Story& st, std::span<const DocInfo> docs,
                 std::span<const story::PreparedDoc> prepared, std::span<const uint64_t> linked,
                 const story::StoryParams& sp, const StoryReuseParams& rp,
                 std::vector<uint64_t>& out) {
  const std::vector<uint32_t>& m = st.members;  // ascending document indices
  const size_t n = m.size();
  std::vector<std::pair<double, uint32_t>> ranked;
  for (size_t i = 0; i < n; ++i) {
    // The `window` members nearest to i in the list (all of them when the story is small).
    const size_t half = rp.window / 2;
    size_t lo = i > half ? i - half : 0;
    const size_t hi = std::min(n, lo + rp.window + 1);
    if (hi - lo < rp.window + 1) lo = hi > rp.window + 1 ? hi - rp.window - 1 : 0;
    ranked.clear();
    for (size_t j = lo; j < hi; ++j) {
      if (j == i || copies(docs, linked, m[i], m[j])) continue;
      const double s = story::story_similarity(prepared[m[i]], prepared[m[j]], sp).total;
      ranked.emplace_back(s, m[j]);
    }
    const size_t keep = std::min<size_t>(rp.partners, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep),
                      ranked.end(), [](const auto& x, const auto& y) {
                        return x.first != y.first ? x.first > y.first : x.second < y.second;
                      });
    for (size_t k = 0; k < keep; ++k) out.push_back(story::unit_pair_key(m[i], ranked[k].second));
  }
}

// Words of a side inside the passages (they do not overlap).
double covered(const std::vector<align::ReuseSpan>& spans, bool side_a, size_t words) {
  if (words == 0) return 0;
  uint64_t n = 0;
  for (const align::ReuseSpan& s : spans) n += side_a ? s.a_end - s.a_begin : s.b_end - s.b_begin;
  return std::min(1.0, double(n) / double(words));
}

// The passages a link decision rests on: all but summaries on fewer than
// `summary_seeds` similar sentence pairs.
std::vector<align::ReuseSpan> evidence(const std::vector<align::ReuseSpan>& spans,
                                       const StoryReuseParams& rp) {
  std::vector<align::ReuseSpan> out;
  for (const align::ReuseSpan& s : spans) {
    if (s.kind != PassageKind::kSummary || s.score >= rp.summary_seeds) out.push_back(s);
  }
  return out;
}

}  // namespace

std::vector<StoryRewrite> find_story_rewrites(
    std::span<const Story> stories, std::span<const DocInfo> docs,
    std::span<const story::StoryFeatures> features, const story::StoryStats& stats,
    std::span<const Link> links, const Params& params, const StoryReuseParams& reuse_params,
    const story::RangeLoop& loop, StoryReuseStats* out_stats, const DocumentTexts* texts) {
  std::vector<story::PreparedDoc> prepared(features.size());  // the stories' members only
  loop(stories.size(), [&](size_t begin, size_t end) {
    for (size_t si = begin; si < end; ++si) {
      for (uint32_t d : stories[si].members) {
        if (d < features.size()) prepared[d] = story::prepare(features[d], stats);
      }
    }
  });
  return find_story_rewrites(stories, docs, prepared, links, params, reuse_params, loop, out_stats,
                             texts);
}

std::vector<StoryRewrite> find_story_rewrites(
    std::span<const Story> stories, std::span<const DocInfo> docs,
    std::span<const story::PreparedDoc> prepared, std::span<const Link> links, const Params& params,
    const StoryReuseParams& reuse_params, const story::RangeLoop& loop, StoryReuseStats* out_stats,
    const DocumentTexts* texts) {
  story::StoryParams sp;
  sp.link = params.story_link;
  sp.cohesion = params.story_cohesion;
  sp.time_window_days = params.story_window_days;

  // Story by story (in parallel): its pairs, then each pair aligned. A
  // member's tokens and stems are computed once per story, when first needed,
  // and dropped with the story: memory stays bounded by one story's texts.
  struct Member {
    std::vector<normalize::Token> tokens;
    std::vector<uint64_t> stems;  // the rewrite aligner's terms: "negotiations" meets "negotiating"
    std::string buffer;           // the text, when read from `texts`
    std::string_view text;
    bool ready = false;
  };
  const std::vector<uint64_t> linked = linked_pairs(links);
  std::vector<std::vector<StoryRewrite>> per_story(stories.size());
  std::vector<uint64_t> aligned(stories.size(), 0);
  loop(stories.size(), [&](size_t begin, size_t end) {
    std::vector<uint64_t> pairs, sa, sb;
    std::vector<Member> members;
    for (size_t si = begin; si < end; ++si) {
      const std::vector<uint32_t>& m = stories[si].members;
      pairs.clear();
      story_pairs(stories[si], docs, prepared, linked, sp, reuse_params, pairs);
      std::sort(pairs.begin(), pairs.end());
      pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
      aligned[si] = pairs.size();
      members.assign(m.size(), Member{});
      auto member = [&](uint32_t d) -> const Member& {
        Member& x = members[size_t(std::lower_bound(m.begin(), m.end(), d) - m.begin())];
        if (!x.ready) {
          x.text = texts ? texts->text(d, x.buffer) : std::string_view(docs[d].text);
          normalize::tokenize(x.text, x.tokens);
          x.stems = reuse_terms(x.text, x.tokens, prepared[d].features->language);
          x.ready = true;
        }
        return x;
      };
      for (const uint64_t key : pairs) {
        const auto a = static_cast<uint32_t>(key >> 32);
        const auto b = static_cast<uint32_t>(key);
        const Member& ma = member(a);
        const Member& mb = member(b);
        const auto& ta = ma.tokens;
        const auto& tb = mb.tokens;
        const std::vector<align::ReuseSpan> spans =
            align::find_reuse(ma.text, ta, ma.stems, mb.text, tb, mb.stems);
        if (spans.empty()) continue;
        StoryRewrite r;
        r.reuse = align::reuse_score(evidence(spans, reuse_params), ta.size(), tb.size());
        r.reused_a = covered(spans, true, ta.size());
        r.reused_b = covered(spans, false, tb.size());
        if (r.reuse < reuse_params.min_reuse) continue;
        sketch::shingle_set(ta, params.shingle_size, sa);
        sketch::shingle_set(tb, params.shingle_size, sb);
        r.link = {a, b, Relation::kRewrite, align::overlap(sa, sb)};
        for (const align::ReuseSpan& s : spans) r.passages.push_back(align::to_passage(s, ta, tb));
        per_story[si].push_back(std::move(r));
      }
    }
  });
  std::vector<StoryRewrite> out;
  for (auto& v : per_story) {
    for (StoryRewrite& r : v) out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const StoryRewrite& x, const StoryRewrite& y) {
    return x.link.a != y.link.a ? x.link.a < y.link.a : x.link.b < y.link.b;
  });
  if (out_stats) {
    out_stats->pairs = std::accumulate(aligned.begin(), aligned.end(), uint64_t{0});
    out_stats->links = out.size();
  }
  return out;
}

std::vector<uint64_t> reuse_terms(std::string_view text, std::span<const normalize::Token> tokens,
                                  normalize::Language language) {
  if (language == normalize::Language::kUnknown) {
    language = normalize::identify_language(text, tokens);
  }
  return story::token_stems(text, tokens, language);
}

AnalysedText::AnalysedText(std::string_view text, normalize::Language language)
    : text_(text), language_(language) {
  normalize::tokenize(text_, tokens_);
}

std::span<const uint64_t> AnalysedText::terms() const {
  if (!have_terms_) {
    terms_ = reuse_terms(text_, tokens_, language_);
    have_terms_ = true;
  }
  return terms_;
}

std::vector<Passage> reuse_passages(const AnalysedText& a, const AnalysedText& b) {
  std::vector<Passage> out;
  for (const align::ReuseSpan& s : align::find_reuse(
           a.text(), a.tokens(), [&] { return a.terms(); }, b.text(), b.tokens(),
           [&] { return b.terms(); })) {
    out.push_back(align::to_passage(s, a.tokens(), b.tokens()));
  }
  return out;
}

std::vector<Passage> reuse_passages(std::string_view a, std::string_view b) {
  return reuse_passages(AnalysedText(a), AnalysedText(b));
}

void link_passages(std::span<const Link> links, const DocumentText& text,
                   std::span<std::vector<Passage>> out, const story::RangeLoop& loop,
                   const LinkPassagesParams& params) {
  KINDRED_CHECK(out.size() == links.size(), "link_passages: one output per link");
  const size_t batch = std::max<size_t>(1, params.batch);
  const size_t batches = (links.size() + batch - 1) / batch;
  loop(batches, [&](size_t first, size_t last) {
    for (size_t k = first; k < last; ++k) {
      const size_t begin = k * batch, end = std::min(links.size(), begin + batch);
      // The batch's documents, each read and analysed when first met. The
      // texts are copied: `text` may reuse its buffer for the next document.
      struct Document {
        std::string text;
        std::optional<AnalysedText> analysed;
      };
      std::unordered_map<uint32_t, std::unique_ptr<Document>> docs;
      const auto analysed = [&](uint32_t d) -> const AnalysedText& {
        std::unique_ptr<Document>& x = docs[d];
        if (!x) {
          x = std::make_unique<Document>();
          x->text = std::string(text(d));
          x->analysed.emplace(x->text);
        }
        return *x->analysed;
      };
      for (size_t i = begin; i < end; ++i) {
        const AnalysedText& a = analysed(links[i].a);
        const AnalysedText& b = analysed(links[i].b);
        out[i] = reuse_passages(a, b);
      }
    }
  });
}

void add_story_rewrites(ScanResult& result, std::span<const DocInfo> docs,
                        std::vector<StoryRewrite> rewrites, bool with_passages) {
  if (rewrites.empty()) return;
  const size_t old = result.links.size();
  const bool passages = with_passages && result.passages.size() == old;
  for (StoryRewrite& r : rewrites) {
    result.links.push_back(r.link);
    result.provenance.push_back(cluster::provenance_of(r.link.a, r.link.b, r.reused_a, r.reused_b,
                                                       docs[r.link.a].time, docs[r.link.b].time));
    if (passages) result.passages.push_back(std::move(r.passages));
  }
  // Both runs are sorted (checked: a merge of unsorted runs would silently
  // misplace links): merge them, carrying provenance and passages along.
  const auto by_pair = [](const Link& p, const Link& q) {
    return p.a != q.a ? p.a < q.a : p.b < q.b;
  };
  KINDRED_CHECK(std::is_sorted(result.links.begin(),
                               result.links.begin() + static_cast<std::ptrdiff_t>(old), by_pair) &&
                    std::is_sorted(result.links.begin() + static_cast<std::ptrdiff_t>(old),
                                   result.links.end(), by_pair),
                "add_story_rewrites: links and rewrites must each be sorted by (a, b)");
  std::vector<size_t> order(result.links.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::inplace_merge(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(old), order.end(),
                     [&](size_t x, size_t y) { return by_pair(result.links[x], result.links[y]); });
  auto permute = [&](auto& v) {
    std::remove_reference_t<decltype(v)> sorted;
    sorted.reserve(v.size());
    for (size_t i : order) sorted.push_back(std::move(v[i]));
    v = std::move(sorted);
  };
  permute(result.links);
  permute(result.provenance);
  if (passages) permute(result.passages);
}

}  // namespace kindred::pipeline
