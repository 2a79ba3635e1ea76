#include "align/reuse.h"

#include <algorithm>
#include <unordered_set>

#include "core/check.h"

namespace kindred::align {

namespace {

uint32_t clipped(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
  const uint32_t lo = std::max(x0, y0), hi = std::min(x1, y1);
  return hi > lo ? hi - lo : 0;
}

// Words of [begin, end) whose term is in other[other_begin, other_end).
uint32_t shared_words(std::span<const uint64_t> terms, uint32_t begin, uint32_t end,
                      std::span<const uint64_t> other, uint32_t other_begin, uint32_t other_end) {
  const std::vector<bool> u = unshared(terms, begin, end, other, other_begin, other_end);
  return static_cast<uint32_t>(std::count(u.begin(), u.end(), false));
}

ReuseSpan exact_span(const WordAlignment& w, const ReuseParams& p) {
  ReuseSpan s;
  s.a_begin = w.a_begin, s.a_end = w.a_end, s.b_begin = w.b_begin, s.b_end = w.b_end;
  s.matched = w.matched;
  s.score = w.score;
  const uint32_t words = std::max(w.a_end - w.a_begin, w.b_end - w.b_begin);
  const double identity = words == 0 ? 0.0 : double(w.matched) / double(words);
  s.kind = identity >= p.verbatim_identity ? PassageKind::kVerbatim : PassageKind::kEdited;
  s.confidence = identity;
  s.ops = w.ops;
  return s;
}

// A rewritten span trimmed to its first and last words found on the other side.
void trim(ReuseSpan& s, std::span<const uint64_t> ta, std::span<const uint64_t> tb) {
  const std::vector<bool> ua = unshared(ta, s.a_begin, s.a_end, tb, s.b_begin, s.b_end);
  const std::vector<bool> ub = unshared(tb, s.b_begin, s.b_end, ta, s.a_begin, s.a_end);
  const auto first_a = std::find(ua.begin(), ua.end(), false) - ua.begin();
  const auto first_b = std::find(ub.begin(), ub.end(), false) - ub.begin();
  if (first_a == std::ssize(ua) || first_b == std::ssize(ub)) return;
  const auto last_a = std::find(ua.rbegin(), ua.rend(), false) - ua.rbegin();
  const auto last_b = std::find(ub.rbegin(), ub.rend(), false) - ub.rbegin();
  s.a_end -= static_cast<uint32_t>(last_a);
  s.b_end -= static_cast<uint32_t>(last_b);
  s.a_begin += static_cast<uint32_t>(first_a);
  s.b_begin += static_cast<uint32_t>(first_b);
}

// The edit scripts of exact passages in order on both sides, joined by the
// words between them (a's, then b's, as unaligned words): one script for the
// span they make together. Empty when they cross.
std::string joined_ops(const std::vector<ReuseSpan>& exact, std::vector<size_t> parts) {
  std::sort(parts.begin(), parts.end(),
            [&](size_t x, size_t y) { return exact[x].a_begin < exact[y].a_begin; });
  std::string ops;
  for (size_t k = 0; k < parts.size(); ++k) {
    const ReuseSpan& e = exact[parts[k]];
    if (k > 0) {
      const ReuseSpan& prev = exact[parts[k - 1]];
      if (e.a_begin < prev.a_end || e.b_begin < prev.b_end) return {};
      ops.append(e.a_begin - prev.a_end, 'a');
      ops.append(e.b_begin - prev.b_end, 'b');
    }
    ops += e.ops;
  }
  return ops;
}

}  // namespace

std::vector<bool> unshared(std::span<const uint64_t> terms, uint32_t begin, uint32_t end,
                           std::span<const uint64_t> other, uint32_t other_begin,
                           uint32_t other_end) {
  const std::unordered_set<uint64_t> there(other.begin() + other_begin, other.begin() + other_end);
  std::vector<bool> out(end - begin);
  for (uint32_t k = begin; k < end; ++k) out[k - begin] = !there.contains(terms[k]);
  return out;
}

namespace {

// The exact aligner's passages (align_words on the normalised words).
std::vector<ReuseSpan> exact_spans(std::span<const normalize::Token> tokens_a,
                                   std::span<const normalize::Token> tokens_b,
                                   const ReuseParams& p) {
  std::vector<uint64_t> ha(tokens_a.size()), hb(tokens_b.size());
  for (size_t k = 0; k < ha.size(); ++k) ha[k] = tokens_a[k].hash;
  for (size_t k = 0; k < hb.size(); ++k) hb[k] = tokens_b[k].hash;
  std::vector<ReuseSpan> exact;
  for (const WordAlignment& w : align_words(ha, hb, p.exact)) exact.push_back(exact_span(w, p));
  return exact;
}

// Whether the rewrite aligner can add anything to the exact passages (see
// the header): both texts keep at least rewrite.min_words words outside them.
bool rewrite_worthwhile(const std::vector<ReuseSpan>& exact, size_t words_a, size_t words_b,
                        const ReuseParams& p) {
  if (!p.rewritten) return false;
  uint64_t in_a = 0, in_b = 0;  // exact passages do not overlap on either side
  for (const ReuseSpan& e : exact) in_a += e.a_end - e.a_begin, in_b += e.b_end - e.b_begin;
  return in_a + p.rewrite.min_words <= words_a && in_b + p.rewrite.min_words <= words_b;
}

// Passages in the same order on both sides whose condensing side (a) follows
// on with at most `condense_gap` words between them, while their other side
// spreads over at least `summary_ratio` times as many words: one summary
// passage spanning them on both sides (see the header). `out` is sorted by
// a_begin and non-overlapping; it stays so.
void condense_a(std::vector<ReuseSpan>& out, size_t words_b, const ReuseParams& p) {
  std::vector<ReuseSpan> merged;
  for (size_t k = 0; k < out.size();) {
    size_t r = k + 1;
    // Verbatim passages are copies, not condensed: they join no summary.
    const auto condensed = [](const ReuseSpan& x) { return x.kind != PassageKind::kVerbatim; };
    while (r < out.size() && condensed(out[k]) && condensed(out[r]) &&
           out[r].a_begin <= out[r - 1].a_end + p.condense_gap &&
           out[r].b_begin >= out[r - 1].b_end) {
      ++r;
    }
    const uint32_t a_words = out[r - 1].a_end - out[k].a_begin;
    const uint32_t b_words = out[r - 1].b_end - out[k].b_begin;
    // The summary's other side must not take in a passage outside it (passages
    // never overlap on either side).
    bool takes_in = false;
    for (size_t x = 0; x < out.size() && !takes_in; ++x) {
      takes_in = (x < k || x >= r) &&
                 clipped(out[x].b_begin, out[x].b_end, out[k].b_begin, out[r - 1].b_end) > 0;
    }
    if (r - k < 2 || takes_in || double(b_words) < p.rewrite.summary_ratio * double(a_words) ||
        double(b_words) < p.rewrite.summary_cover * double(words_b)) {
      for (; k < r; ++k) merged.push_back(std::move(out[k]));
      continue;
    }
    ReuseSpan m;
    m.a_begin = out[k].a_begin, m.a_end = out[r - 1].a_end;
    m.b_begin = out[k].b_begin, m.b_end = out[r - 1].b_end;
    m.kind = PassageKind::kSummary;
    double weighted = 0, words = 0;
    for (size_t x = k; x < r; ++x) {
      m.matched += out[x].matched;
      m.score += out[x].score;
      weighted += out[x].confidence * double(out[x].a_end - out[x].a_begin);
      words += double(out[x].a_end - out[x].a_begin);
    }
    m.confidence = weighted / words;
    merged.push_back(std::move(m));
    k = r;
  }
  out = std::move(merged);
}

void swap_sides(std::vector<ReuseSpan>& spans) {
  for (ReuseSpan& s : spans) {
    std::swap(s.a_begin, s.b_begin);
    std::swap(s.a_end, s.b_end);
  }
}

void condense(std::vector<ReuseSpan>& out, size_t words_a, size_t words_b, const ReuseParams& p) {
  const auto by_a = [](const ReuseSpan& x, const ReuseSpan& y) {
    return x.a_begin != y.a_begin ? x.a_begin < y.a_begin : x.b_begin < y.b_begin;
  };
  std::sort(out.begin(), out.end(), by_a);
  condense_a(out, words_b, p);
  swap_sides(out);
  std::sort(out.begin(), out.end(), by_a);
  condense_a(out, words_a, p);
  swap_sides(out);
  std::sort(out.begin(), out.end(), by_a);
}

// The rewrite aligner's passages joined with the exact ones (the rules of the header).
std::vector<ReuseSpan> combine(std::vector<ReuseSpan> exact, std::string_view text_a,
                               std::span<const normalize::Token> tokens_a,
                               std::span<const uint64_t> terms_a, std::string_view text_b,
                               std::span<const normalize::Token> tokens_b,
                               std::span<const uint64_t> terms_b, const ReuseParams& p) {
  const std::vector<Sentence> sa = split_sentences(text_a, tokens_a, p.rewrite);
  const std::vector<Sentence> sb = split_sentences(text_b, tokens_b, p.rewrite);
  std::vector<ReuseSpan> out;
  std::vector<char> absorbed(exact.size(), 0);
  for (const RewriteAlignment& r : align_rewritten(terms_a, sa, terms_b, sb, p.rewrite)) {
    ReuseSpan s;
    s.a_begin = r.a_begin, s.a_end = r.a_end, s.b_begin = r.b_begin, s.b_end = r.b_end;
    s.score = r.seeds;
    s.kind = r.kind;
    s.confidence = r.cosine;
    // Exact passages inside it on both sides, and how much of it they cover.
    std::vector<size_t> inside;
    uint64_t cover_a = 0, cover_b = 0, verbatim_a = 0, verbatim_b = 0;
    for (size_t k = 0; k < exact.size(); ++k) {
      const ReuseSpan& e = exact[k];
      const uint32_t ca = clipped(e.a_begin, e.a_end, s.a_begin, s.a_end);
      const uint32_t cb = clipped(e.b_begin, e.b_end, s.b_begin, s.b_end);
      if (ca == 0 || cb == 0 || absorbed[k]) continue;
      inside.push_back(k);
      cover_a += ca, cover_b += cb;
      if (e.kind == PassageKind::kVerbatim) verbatim_a += ca, verbatim_b += cb;
    }
    // A summary spans the whole of one text: only its condensing side counts.
    const bool summary = s.kind == PassageKind::kSummary;
    const bool a_condenses = s.a_end - s.a_begin <= s.b_end - s.b_begin;
    const double absorb = summary ? p.absorb_summary : p.absorb;
    // Verbatim passages are the surest evidence: a span they cover for half is theirs.
    const double words_a = double(s.a_end - s.a_begin), words_b = double(s.b_end - s.b_begin);
    const bool covered_a =
        double(cover_a) >= absorb * words_a || double(verbatim_a) >= p.absorb_verbatim * words_a;
    const bool covered_b =
        double(cover_b) >= absorb * words_b || double(verbatim_b) >= p.absorb_verbatim * words_b;
    // A side that verbatim passages cover (>= absorb) is a copy: its words
    // are matched by those passages' other sides, so whatever the rewritten
    // span adds on the other side has no counterpart (a verbatim paragraph
    // whose rewritten span ran on over the next sentences of one text only).
    const bool copied =
        double(verbatim_a) >= p.absorb * words_a || double(verbatim_b) >= p.absorb * words_b;
    if (summary ? (a_condenses ? covered_a : covered_b) : (covered_a && covered_b) || copied) {
      // The exact passages say it better; several of them become one.
      if (inside.size() > 1) {
        ReuseSpan hull = exact[inside[0]];
        hull.ops.clear();
        hull.kind = PassageKind::kEdited;
        double score = 0, conf = 0, words = 0;
        for (size_t k : inside) {
          const ReuseSpan& e = exact[k];
          hull.a_begin = std::min(hull.a_begin, e.a_begin),
          hull.a_end = std::max(hull.a_end, e.a_end);
          hull.b_begin = std::min(hull.b_begin, e.b_begin),
          hull.b_end = std::max(hull.b_end, e.b_end);
          score += e.score;
          conf += e.confidence * double(e.a_end - e.a_begin);
          words += double(e.a_end - e.a_begin);
          absorbed[k] = 1;
        }
        hull.score = score;
        hull.ops = joined_ops(exact, inside);
        hull.confidence = conf / words * double(cover_a) / double(hull.a_end - hull.a_begin);
        hull.matched = std::min(
            shared_words(terms_a, hull.a_begin, hull.a_end, terms_b, hull.b_begin, hull.b_end),
            shared_words(terms_b, hull.b_begin, hull.b_end, terms_a, hull.a_begin, hull.a_end));
        out.push_back(std::move(hull));
      }
      continue;
    }
    if (!summary) trim(s, terms_a, terms_b);
    for (size_t k : inside) {
      const ReuseSpan& e = exact[k];
      s.a_begin = std::min(s.a_begin, e.a_begin), s.a_end = std::max(s.a_end, e.a_end);
      s.b_begin = std::min(s.b_begin, e.b_begin), s.b_end = std::max(s.b_end, e.b_end);
      absorbed[k] = 1;
    }
    s.matched = std::min(shared_words(terms_a, s.a_begin, s.a_end, terms_b, s.b_begin, s.b_end),
                         shared_words(terms_b, s.b_begin, s.b_end, terms_a, s.a_begin, s.a_end));
    out.push_back(std::move(s));
  }
  for (size_t k = 0; k < exact.size(); ++k) {
    if (!absorbed[k]) out.push_back(std::move(exact[k]));
  }
  // A joined span may reach a passage it did not absorb: the longer one stays,
  // so that no two passages overlap on either side.
  std::stable_sort(out.begin(), out.end(), [](const ReuseSpan& x, const ReuseSpan& y) {
    return (x.a_end - x.a_begin) + (x.b_end - x.b_begin) >
           (y.a_end - y.a_begin) + (y.b_end - y.b_begin);
  });
  std::vector<ReuseSpan> kept;
  for (ReuseSpan& x : out) {
    const bool clash = std::any_of(kept.begin(), kept.end(), [&](const ReuseSpan& k) {
      return clipped(x.a_begin, x.a_end, k.a_begin, k.a_end) > 0 ||
             clipped(x.b_begin, x.b_end, k.b_begin, k.b_end) > 0;
    });
    if (!clash) kept.push_back(std::move(x));
  }
  out = std::move(kept);
  if (p.condense_gap > 0) {
    condense(out, tokens_a.size(), tokens_b.size(), p);
  } else {
    std::sort(out.begin(), out.end(), [](const ReuseSpan& x, const ReuseSpan& y) {
      return x.a_begin != y.a_begin ? x.a_begin < y.a_begin : x.b_begin < y.b_begin;
    });
  }
  return out;
}

}  // namespace

std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  std::span<const uint64_t> terms_a, std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  std::span<const uint64_t> terms_b, const ReuseParams& p) {
  KINDRED_CHECK(terms_a.size() == tokens_a.size() && terms_b.size() == tokens_b.size(),
                "find_reuse: one term per token");
  std::vector<ReuseSpan> exact = exact_spans(tokens_a, tokens_b, p);
  if (!rewrite_worthwhile(exact, tokens_a.size(), tokens_b.size(), p)) return exact;
  return combine(std::move(exact), text_a, tokens_a, terms_a, text_b, tokens_b, terms_b, p);
}

std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  const LazyTerms& terms_a, std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  const LazyTerms& terms_b, const ReuseParams& p) {
  std::vector<ReuseSpan> exact = exact_spans(tokens_a, tokens_b, p);
  if (!rewrite_worthwhile(exact, tokens_a.size(), tokens_b.size(), p)) return exact;
  const std::span<const uint64_t> ta = terms_a();
  const std::span<const uint64_t> tb = terms_b();
  KINDRED_CHECK(ta.size() == tokens_a.size() && tb.size() == tokens_b.size(),
                "find_reuse: one term per token");
  return combine(std::move(exact), text_a, tokens_a, ta, text_b, tokens_b, tb, p);
}

std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  const TextTermsFn& terms, const ReuseParams& p) {
  std::vector<uint64_t> ta, tb;
  const auto lazy = [&](std::string_view text, std::span<const normalize::Token> tokens,
                        std::vector<uint64_t>& out) -> LazyTerms {
    return [&terms, text, tokens, &out] {
      out = terms ? terms(text, tokens) : terms_of(text, tokens);
      return std::span<const uint64_t>(out);
    };
  };
  return find_reuse(text_a, tokens_a, lazy(text_a, tokens_a, ta), text_b, tokens_b,
                    lazy(text_b, tokens_b, tb), p);
}

std::vector<ReuseSpan> find_reuse(std::string_view text_a,
                                  std::span<const normalize::Token> tokens_a,
                                  std::string_view text_b,
                                  std::span<const normalize::Token> tokens_b,
                                  const ReuseParams& params) {
  return find_reuse(text_a, tokens_a, text_b, tokens_b, TextTermsFn{}, params);
}

Passage to_passage(const ReuseSpan& s, std::span<const normalize::Token> a,
                   std::span<const normalize::Token> b) {
  Passage p;
  p.a_begin = a[s.a_begin].begin;
  p.a_end = a[s.a_end - 1].end;
  p.b_begin = b[s.b_begin].begin;
  p.b_end = b[s.b_end - 1].end;
  p.a_words = s.a_end - s.a_begin;
  p.b_words = s.b_end - s.b_begin;
  p.matched_words = s.matched;
  p.score = s.score;
  p.kind = s.kind;
  p.confidence = s.confidence;
  return p;
}

double reuse_score(const std::vector<ReuseSpan>& spans, size_t words_a, size_t words_b) {
  const bool a_shorter = words_a <= words_b;
  const size_t words = a_shorter ? words_a : words_b;
  if (words == 0) return 0;
  double covered = 0;
  for (const ReuseSpan& s : spans) {
    covered += s.confidence * double(a_shorter ? s.a_end - s.a_begin : s.b_end - s.b_begin);
  }
  return std::min(1.0, covered / double(words));
}

}  // namespace kindred::align
