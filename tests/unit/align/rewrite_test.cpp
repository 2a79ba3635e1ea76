// The rewrite aligner (align/rewrite.h) and the combined finder (align/reuse.h):
// seeds against a naive quadratic reference (dense tf-isf vectors, every pair
// of sentences), span cosines against the same reference, and behaviour on
// generated texts: reworded and reordered passages found once, unrelated texts
// and shared stopwords giving nothing, summaries, and verbatim reuse reported
// exactly as the exact aligner reports it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include "align/reuse.h"
#include "align/rewrite.h"
#include "normalize/tokenize.h"

namespace kindred::align {
namespace {

std::vector<normalize::Token> tokens(std::string_view text) {
  std::vector<normalize::Token> t;
  normalize::tokenize(text, t);
  return t;
}

// Sentences of generated text: vectors of words, written "w1 w2 ... wn." each.
using Words = std::vector<std::string>;

const char* const kStopwords[] = {"the", "of", "and", "to", "a", "in", "is", "that", "for", "it"};

class TextMaker {
 public:
  explicit TextMaker(uint64_t seed) : rng_(seed) {}

  // A sentence of 8-20 words, 40% stopwords, content words from a vocabulary
  // where frequent words are far more frequent (as in text).
  Words sentence() {
    Words s;
    const int n = std::uniform_int_distribution<int>(8, 20)(rng_);
    for (int k = 0; k < n; ++k) s.push_back(coin(0.4) ? stopword() : content());
    return s;
  }
  std::vector<Words> sentences(int n) {
    std::vector<Words> out;
    for (int k = 0; k < n; ++k) out.push_back(sentence());
    return out;
  }
  // A rewrite: a quarter of the words replaced, a tenth dropped, the words
  // shuffled within windows of four, and the order of neighbouring sentences
  // swapped at times.
  std::vector<Words> rewrite(std::vector<Words> passage) {
    for (Words& s : passage) {
      Words out;
      for (const std::string& w : s) {
        if (coin(0.1)) continue;
        out.push_back(coin(0.25) ? content() : w);
      }
      for (size_t k = 0; k + 1 < out.size(); k += 4) {
        std::shuffle(out.begin() + k, out.begin() + std::min(out.size(), k + 4), rng_);
      }
      s = out;
    }
    for (size_t k = 0; k + 1 < passage.size(); ++k) {
      if (coin(0.3)) std::swap(passage[k], passage[k + 1]);
    }
    return passage;
  }
  bool coin(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::string content() {
    // Zipf-like: index ~ exp(uniform), 5,000 words.
    const double u = std::uniform_real_distribution<double>(0, std::log(5000.0))(rng_);
    return "w" + std::to_string(static_cast<int>(std::exp(u)));
  }
  std::string stopword() { return kStopwords[std::uniform_int_distribution<int>(0, 9)(rng_)]; }

 private:
  std::mt19937_64 rng_;
};

std::string text_of(const std::vector<Words>& sentences) {
  std::string out;
  for (const Words& s : sentences) {
    for (size_t k = 0; k < s.size(); ++k) out += (k ? " " : "") + s[k];
    out += ". ";
  }
  return out;
}

struct Doc {
  std::string text;
  std::vector<normalize::Token> tokens;
  std::vector<uint64_t> terms;
  std::vector<Sentence> sentences;
  uint32_t begin = 0, end = 0;  ///< tokens of the planted passage
};

// filler + passage + filler, with the passage's token range remembered.
Doc make_doc(const std::vector<Words>& before, const std::vector<Words>& passage,
             const std::vector<Words>& after) {
  Doc d;
  std::vector<Words> all = before;
  uint32_t words_before = 0, words_passage = 0;
  for (const Words& s : before) words_before += static_cast<uint32_t>(s.size());
  for (const Words& s : passage) words_passage += static_cast<uint32_t>(s.size());
  all.insert(all.end(), passage.begin(), passage.end());
  all.insert(all.end(), after.begin(), after.end());
  d.text = text_of(all);
  d.tokens = tokens(d.text);
  d.terms = terms_of(d.text, d.tokens);
  d.sentences = split_sentences(d.text, d.tokens);
  d.begin = words_before;
  d.end = words_before + words_passage;
  return d;
}

// The reference: dense tf-isf vectors, isf = ln(N / sf) over the sentences of
// both texts, cosine and isf-weighted Dice of every pair of sentences.
struct Naive {
  std::vector<std::map<uint64_t, double>> va, vb;  // sentence -> term -> tf
  std::map<uint64_t, double> isf;

  Naive(const Doc& a, const Doc& b) {
    auto vectors = [](const Doc& d) {
      std::vector<std::map<uint64_t, double>> out;
      for (const Sentence& s : d.sentences) {
        std::map<uint64_t, double> v;
        for (uint32_t t = s.begin; t < s.end; ++t) v[d.terms[t]] += 1;
        out.push_back(v);
      }
      return out;
    };
    va = vectors(a), vb = vectors(b);
    std::map<uint64_t, double> sf;
    for (const auto* side : {&va, &vb}) {
      for (const auto& v : *side) {
        for (const auto& [t, n] : v) sf[t] += 1;
      }
    }
    const double n = double(va.size() + vb.size());
    for (const auto& [t, f] : sf) isf[t] = std::log(n / f);
  }
  double cosine(const std::map<uint64_t, double>& x, const std::map<uint64_t, double>& y) const {
    double dot = 0, nx = 0, ny = 0;
    for (const auto& [t, n] : x) {
      const double w = n * isf.at(t);
      nx += w * w;
      if (auto it = y.find(t); it != y.end()) dot += w * it->second * isf.at(t);
    }
    for (const auto& [t, n] : y) ny += n * isf.at(t) * n * isf.at(t);
    return nx > 0 && ny > 0 ? dot / std::sqrt(nx * ny) : 0.0;
  }
  double dice(const std::map<uint64_t, double>& x, const std::map<uint64_t, double>& y) const {
    double shared = 0, sx = 0, sy = 0;
    for (const auto& [t, n] : x) {
      sx += isf.at(t);
      if (y.contains(t)) shared += isf.at(t);
    }
    for (const auto& [t, n] : y) sy += isf.at(t);
    return sx + sy > 0 ? 2 * shared / (sx + sy) : 0.0;
  }
  std::map<uint64_t, double> span(const std::vector<std::map<uint64_t, double>>& side,
                                  const std::vector<Sentence>& sentences, uint32_t t0,
                                  uint32_t t1) const {
    std::map<uint64_t, double> out;
    for (size_t s = 0; s < sentences.size(); ++s) {
      if (sentences[s].begin < t0 || sentences[s].end > t1) continue;
      for (const auto& [t, n] : side[s]) out[t] += n;
    }
    return out;
  }
};

// The whole rewrite aligner (steps 3-6 of rewrite.h) written the plain way on
// the reference above: every pair of sentences tried for a seed, seeds
// clustered by comparing every pair of them, span cosines from the dense
// vectors. Quadratic and literal; it shares no code with align_rewritten().
class NaiveRewriteAligner {
 public:
  NaiveRewriteAligner(const Doc& a, const Doc& b, const RewriteParams& p)
      : a_(a), b_(b), n_(a, b), p_(p) {}

  // False when a sentence pair is within rounding of a seed threshold (then
  // the two implementations may honestly disagree, and the case is skipped).
  bool find_seeds() {
    for (uint32_t i = 0; i < n_.va.size(); ++i) {
      for (uint32_t j = 0; j < n_.vb.size(); ++j) {
        const double cos = n_.cosine(n_.va[i], n_.vb[j]), dice = n_.dice(n_.va[i], n_.vb[j]);
        if (std::abs(cos - p_.seed_cosine) < 1e-9 || std::abs(dice - p_.seed_dice) < 1e-9) {
          return false;
        }
        if (cos >= p_.seed_cosine && dice >= p_.seed_dice) seeds_.push_back({i, j});
      }
    }
    return true;
  }

  std::vector<RewriteAlignment> align() const {
    std::vector<RewriteAlignment> out;
    if (seeds_.empty()) return out;
    std::vector<Frag> found;
    extend(seeds_, p_.max_gap, found);
    std::erase_if(found, [&](const Frag& f) {
      return f.wa < p_.min_words || f.wb < p_.min_words || f.cosine < p_.min_fragment_cosine ||
             (f.seeds < 2 && f.cosine < p_.single_seed_cosine);
    });
    std::vector<Frag> kept = resolve(found);
    merge_adjacent(kept);
    std::vector<Frag> summaries = find_summaries(false);
    for (const Frag& f : find_summaries(true)) summaries.push_back(f);
    std::erase_if(summaries, [&](const Frag& f) {
      return f.cosine < p_.summary_cosine || f.wa < p_.min_words || f.wb < p_.min_words;
    });
    std::erase_if(summaries, [&](const Frag& s) {
      const bool a_side = s.wa < s.wb;
      double explained = 0;
      for (const Frag& f : kept) {
        if (!meet(f.i0, f.i1, s.i0, s.i1) || !meet(f.j0, f.j1, s.j0, s.j1)) continue;
        const double mine = a_side ? f.wa : f.wb, theirs = a_side ? f.wb : f.wa;
        if (theirs < p_.summary_balanced * mine && mine < p_.summary_balanced * theirs) {
          explained += mine;
        }
      }
      return explained >= p_.summary_explained * (a_side ? s.wa : s.wb);
    });
    summaries = resolve(summaries);
    for (const Frag& s : summaries) {
      std::erase_if(kept, [&](const Frag& f) {
        return meet(f.i0, f.i1, s.i0, s.i1) && meet(f.j0, f.j1, s.j0, s.j1);
      });
    }
    kept.insert(kept.end(), summaries.begin(), summaries.end());
    for (const Frag& f : resolve(kept)) {
      out.push_back({a_.sentences[f.i0].begin, a_.sentences[f.i1].end, b_.sentences[f.j0].begin,
                     b_.sentences[f.j1].end, f.seeds, f.cosine, f.kind});
    }
    std::sort(out.begin(), out.end(), [](const RewriteAlignment& x, const RewriteAlignment& y) {
      return x.a_begin < y.a_begin;
    });
    return out;
  }

  size_t seeds() const { return seeds_.size(); }

 private:
  using Seed = std::pair<uint32_t, uint32_t>;
  struct Frag {
    uint32_t i0 = 0, i1 = 0, j0 = 0, j1 = 0, seeds = 0;
    double cosine = 0, wa = 0, wb = 0;
    PassageKind kind = PassageKind::kRewritten;
    double quality() const { return cosine * (wa + wb); }
  };

  static bool meet(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
    return x0 <= y1 && y0 <= x1;
  }
  static uint32_t apart(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
    if (meet(x0, x1, y0, y1)) return 0;
    return x1 < y0 ? y0 - x1 - 1 : x0 - y1 - 1;
  }

  // Words and tf-isf cosine of a fragment's two spans, from the dense vectors.
  void measure(Frag& f) const {
    f.wa = a_.sentences[f.i1].end - a_.sentences[f.i0].begin;
    f.wb = b_.sentences[f.j1].end - b_.sentences[f.j0].begin;
    f.cosine =
        n_.cosine(n_.span(n_.va, a_.sentences, a_.sentences[f.i0].begin, a_.sentences[f.i1].end),
                  n_.span(n_.vb, b_.sentences, b_.sentences[f.j0].begin, b_.sentences[f.j1].end));
  }
  Frag hull(const std::vector<Seed>& c) const {
    Frag f{c[0].first, c[0].first, c[0].second, c[0].second};
    for (const Seed& s : c) {
      f.i0 = std::min(f.i0, s.first), f.i1 = std::max(f.i1, s.first);
      f.j0 = std::min(f.j0, s.second), f.j1 = std::max(f.j1, s.second);
    }
    f.seeds = static_cast<uint32_t>(c.size());
    return f;
  }

  // Connected components of seeds (two are joined when both sentence
  // distances are within the gaps), in order of their first seed by (i, j).
  static std::vector<std::vector<Seed>> components(std::vector<Seed> seeds, uint64_t gap_a,
                                                   uint64_t gap_b) {
    std::sort(seeds.begin(), seeds.end());
    std::vector<int> label(seeds.size(), -1);
    std::vector<std::vector<Seed>> out;
    for (size_t k = 0; k < seeds.size(); ++k) {
      if (label[k] >= 0) continue;
      const int c = static_cast<int>(out.size());
      std::vector<size_t> todo = {k};
      label[k] = c;
      while (!todo.empty()) {
        const size_t x = todo.back();
        todo.pop_back();
        for (size_t y = 0; y < seeds.size(); ++y) {
          const uint64_t di = uint64_t(std::abs(int64_t(seeds[x].first) - seeds[y].first));
          const uint64_t dj = uint64_t(std::abs(int64_t(seeds[x].second) - seeds[y].second));
          if (label[y] < 0 && di <= gap_a && dj <= gap_b) label[y] = c, todo.push_back(y);
        }
      }
      out.emplace_back();
    }
    for (size_t k = 0; k < seeds.size(); ++k) out[size_t(label[k])].push_back(seeds[k]);
    return out;
  }

  void extend(const std::vector<Seed>& seeds, uint32_t gap, std::vector<Frag>& out) const {
    for (const std::vector<Seed>& c : components(seeds, gap, gap)) {
      Frag f = hull(c);
      measure(f);
      if (f.cosine >= p_.min_fragment_cosine || c.size() == 1) {
        out.push_back(f);
      } else if (gap == 0) {
        for (const Seed& s : c) {
          Frag g = hull({s});
          measure(g);
          out.push_back(g);
        }
      } else {
        extend(c, gap - 1, out);
      }
    }
  }

  static std::vector<Frag> resolve(std::vector<Frag> fs) {
    std::sort(fs.begin(), fs.end(), [](const Frag& x, const Frag& y) {
      if (x.quality() != y.quality()) return x.quality() > y.quality();
      return std::tie(x.i0, x.j0, x.i1, x.j1) < std::tie(y.i0, y.j0, y.i1, y.j1);
    });
    std::vector<Frag> kept;
    for (const Frag& f : fs) {
      bool clash = false;
      for (const Frag& k : kept)
        clash |= meet(f.i0, f.i1, k.i0, k.i1) || meet(f.j0, f.j1, k.j0, k.j1);
      if (!clash) kept.push_back(f);
    }
    return kept;
  }

  void merge_adjacent(std::vector<Frag>& fs) const {
    std::sort(fs.begin(), fs.end(), [](const Frag& x, const Frag& y) { return x.i0 < y.i0; });
    for (size_t k = 1; k < fs.size();) {
      const Frag& prev = fs[k - 1];
      const Frag& f = fs[k];
      if (apart(prev.i0, prev.i1, f.i0, f.i1) <= p_.max_gap &&
          apart(prev.j0, prev.j1, f.j0, f.j1) <= p_.max_gap) {
        Frag m{std::min(prev.i0, f.i0), std::max(prev.i1, f.i1), std::min(prev.j0, f.j0),
               std::max(prev.j1, f.j1), prev.seeds + f.seeds};
        measure(m);
        if (m.cosine >= p_.min_fragment_cosine) {
          fs[k - 1] = m;
          fs.erase(fs.begin() + static_cast<std::ptrdiff_t>(k));
          continue;
        }
      }
      ++k;
    }
  }

  // Seeds close on the condensing side (a, or b when `swap`), anywhere on the other.
  std::vector<Frag> find_summaries(bool swap) const {
    std::vector<Frag> out;
    const size_t other = swap ? n_.va.size() : n_.vb.size();
    const double other_words = double(swap ? a_.tokens.size() : b_.tokens.size());
    for (const std::vector<Seed>& c : swap ? components(seeds_, UINT64_MAX, p_.summary_gap)
                                           : components(seeds_, p_.summary_gap, UINT64_MAX)) {
      std::set<uint32_t> reached;
      for (const Seed& s : c) reached.insert(swap ? s.first : s.second);
      Frag f = hull(c);
      if (swap) {
        f.i0 = 0, f.i1 = static_cast<uint32_t>(n_.va.size() - 1);
      } else {
        f.j0 = 0, f.j1 = static_cast<uint32_t>(n_.vb.size() - 1);
      }
      measure(f);
      const double cover = double(*reached.rbegin() - *reached.begin() + 1) / double(other);
      if (reached.size() < p_.summary_seeds || cover < p_.summary_cover ||
          double(reached.size()) < p_.summary_density * double(other) ||
          other_words < p_.summary_ratio * (swap ? f.wb : f.wa)) {
        continue;
      }
      // Seeded sentences next to a seeded one: at most summary_adjacent of them.
      size_t next_to = 0;
      for (uint32_t r : reached) next_to += reached.count(r + 1) || (r > 0 && reached.count(r - 1));
      if (double(next_to) > p_.summary_adjacent * double(reached.size())) continue;
      f.kind = PassageKind::kSummary;
      out.push_back(f);
    }
    return out;
  }

  const Doc& a_;
  const Doc& b_;
  Naive n_;
  RewriteParams p_;
  std::vector<Seed> seeds_;
};

TEST(SplitSentences, CutsAtStopsAndBlankLinesJoinsShortOnes) {
  const std::string text =
      "One two three four five six. Seven eight nine ten eleven twelve!\n\n"
      "Short one. Thirteen fourteen fifteen sixteen seventeen 3.5 eighteen? Last";
  const auto t = tokens(text);
  const auto s = split_sentences(text, t);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].begin, 0u);
  EXPECT_EQ(s[0].end, 6u);
  EXPECT_EQ(s[1].end, 12u);
  // "Short one." (2 words) joins the next; "3.5" does not end a sentence; "Last" joins the one
  // before.
  EXPECT_EQ(s[2].begin, 12u);
  EXPECT_EQ(s[2].end, t.size());
  RewriteParams p;
  p.max_sentence_words = 4;
  const auto cut = split_sentences(text, t, p);
  for (const Sentence& x : cut) EXPECT_LE(x.end - x.begin, 8u);  // 4, or a short tail joined
  for (size_t k = 1; k < cut.size(); ++k) EXPECT_EQ(cut[k].begin, cut[k - 1].end);
  EXPECT_TRUE(split_sentences("", {}).empty());
}

TEST(SimilarSentences, EqualsNaiveReference) {
  int seeded = 0;
  for (uint64_t c = 0; c < 150; ++c) {
    TextMaker m(100 + c);
    const auto shared = m.sentences(4);
    const Doc a = make_doc(m.sentences(6), m.rewrite(shared), m.sentences(3));
    const Doc b = make_doc(m.sentences(3), shared, m.sentences(6));
    const Naive n(a, b);
    const RewriteParams p;
    std::set<std::pair<uint32_t, uint32_t>> expected, uncertain;
    for (uint32_t i = 0; i < n.va.size(); ++i) {
      for (uint32_t j = 0; j < n.vb.size(); ++j) {
        const double cos = n.cosine(n.va[i], n.vb[j]), dice = n.dice(n.va[i], n.vb[j]);
        if (std::abs(cos - p.seed_cosine) < 1e-9 || std::abs(dice - p.seed_dice) < 1e-9) {
          uncertain.insert({i, j});  // rounding decides; not compared
        } else if (cos >= p.seed_cosine && dice >= p.seed_dice) {
          expected.insert({i, j});
        }
      }
    }
    std::set<std::pair<uint32_t, uint32_t>> got;
    for (const auto& s : similar_sentences(a.terms, a.sentences, b.terms, b.sentences, p)) {
      if (!uncertain.contains(s)) got.insert(s);
    }
    EXPECT_EQ(got, expected) << "case " << c;
    seeded += !expected.empty();
  }
  EXPECT_GT(seeded, 140);  // the planted rewrites do seed
}

TEST(SimilarSentences, SharedStopwordsAloneSeedNothing) {
  // Every sentence of both texts is full of the same stopwords; their content
  // words are disjoint. Stopwords weigh ~nothing, so no pair is similar.
  TextMaker m(7);
  std::vector<Words> sa, sb;
  for (int k = 0; k < 20; ++k) {
    Words x, y;
    for (int w = 0; w < 12; ++w) {
      x.push_back(w % 2 ? kStopwords[w % 10] : "a" + std::to_string(k * 20 + w));
      y.push_back(w % 2 ? kStopwords[w % 10] : "b" + std::to_string(k * 20 + w));
    }
    sa.push_back(x), sb.push_back(y);
  }
  const Doc a = make_doc({}, sa, {}), b = make_doc({}, sb, {});
  EXPECT_TRUE(similar_sentences(a.terms, a.sentences, b.terms, b.sentences).empty());
  EXPECT_TRUE(find_reuse(a.text, a.tokens, b.text, b.tokens).empty());
}

TEST(FindReuse, RewrittenPassageFoundOnceWithItsCosine) {
  constexpr int kCases = 100;
  int found_once = 0;
  double covered = 0;
  int spilled = 0;
  for (uint64_t c = 0; c < kCases; ++c) {
    TextMaker m(5000 + c);
    const auto source = m.sentences(5);
    const Doc a = make_doc(m.sentences(15), m.rewrite(source), m.sentences(15));
    const Doc b = make_doc(m.sentences(12), source, m.sentences(12));
    const auto spans = find_reuse(a.text, a.tokens, a.terms, b.text, b.tokens, b.terms);
    for (size_t k = 1; k < spans.size(); ++k) {  // sorted by a_begin, disjoint on both sides
      EXPECT_LE(spans[k - 1].a_end, spans[k].a_begin) << "case " << c;
      for (size_t r = 0; r < k; ++r) {
        EXPECT_TRUE(spans[r].b_end <= spans[k].b_begin || spans[k].b_end <= spans[r].b_begin);
      }
    }
    std::vector<ReuseSpan> hits;
    for (const ReuseSpan& s : spans) {
      const bool on_a = s.a_begin < a.end && a.begin < s.a_end;
      const bool on_b = s.b_begin < b.end && b.begin < s.b_end;
      EXPECT_TRUE(on_a && on_b) << "case " << c << ": a passage outside the planted one";
      if (on_a && on_b) hits.push_back(s);
    }
    if (hits.size() != 1) continue;
    const ReuseSpan& h = hits[0];
    // Covers most of the truth, and spills by less than one sentence (20 words) a side.
    auto inside = [](uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
      return double(std::max(0, int(std::min(x1, y1)) - int(std::max(x0, y0)))) / double(y1 - y0);
    };
    const double ca = inside(h.a_begin, h.a_end, a.begin, a.end);
    const double cb = inside(h.b_begin, h.b_end, b.begin, b.end);
    EXPECT_GE(ca, 0.5) << "case " << c;  // a sentence at either end may go unseeded
    EXPECT_GE(cb, 0.5) << "case " << c;
    covered += ca + cb;
    spilled += h.a_end - h.a_begin >= a.end - a.begin + 40;  // two sentences too many
    spilled += h.b_end - h.b_begin >= b.end - b.begin + 40;
    EXPECT_NE(h.kind, PassageKind::kVerbatim);
    EXPECT_GT(h.confidence, 0.0);
    EXPECT_LE(h.confidence, 1.0);
    ++found_once;
  }
  EXPECT_GE(found_once, kCases * 95 / 100);
  EXPECT_GE(covered / (2 * found_once), 0.9);  // on average
  EXPECT_LE(spilled, 3);
}

TEST(AlignRewritten, ReportedCosineEqualsNaiveSpanCosine) {
  int compared = 0;
  for (uint64_t c = 0; c < 60; ++c) {
    TextMaker m(9000 + c);
    const auto source = m.sentences(4);
    const Doc a = make_doc(m.sentences(8), m.rewrite(source), m.sentences(8));
    const Doc b = make_doc(m.sentences(8), m.rewrite(source), m.sentences(8));
    const Naive n(a, b);
    for (const RewriteAlignment& r : align_rewritten(a.terms, a.sentences, b.terms, b.sentences)) {
      if (r.kind != PassageKind::kRewritten) continue;
      const double expected = n.cosine(n.span(n.va, a.sentences, r.a_begin, r.a_end),
                                       n.span(n.vb, b.sentences, r.b_begin, r.b_end));
      EXPECT_NEAR(r.cosine, expected, 1e-9) << "case " << c;
      ++compared;
    }
  }
  EXPECT_GT(compared, 50);
}

TEST(AlignRewritten, EqualsNaiveReferenceOnSmallTexts) {
  // Rewrites (reworded, reordered), several passages, and summaries of a
  // whole short text, each against the naive aligner.
  int compared = 0, with_passages = 0, with_summaries = 0;
  for (uint64_t c = 0; c < 120; ++c) {
    TextMaker m(70000 + c);
    Doc a, b;
    if (c % 3 == 2) {  // a condenses b: short sentences taking words of far apart ones of b
      const auto article = m.sentences(12);
      std::vector<Words> summary;
      for (size_t k = 0; k < article.size(); k += 4) {
        Words s;
        for (size_t r : {k, k + 2}) {
          int taken = 0;
          for (const std::string& w : article[r]) {
            if (w[0] == 'w' && taken < 5) s.push_back(w), ++taken, s.push_back(m.stopword());
          }
        }
        summary.push_back(s);
      }
      a = make_doc(m.sentences(4), summary, m.sentences(4));
      b = make_doc({}, article, {});
    } else {
      const auto one = m.sentences(3), two = m.sentences(c % 3 == 0 ? 1 : 3);
      std::vector<Words> in_a = m.rewrite(one), in_b = one;
      const auto mid = m.sentences(5), filler = m.sentences(3);
      in_a.insert(in_a.end(), mid.begin(), mid.end());
      const auto rewritten = m.rewrite(two);
      in_a.insert(in_a.end(), rewritten.begin(), rewritten.end());
      in_b.insert(in_b.end(), filler.begin(), filler.end());
      in_b.insert(in_b.end(), two.begin(), two.end());
      a = make_doc(m.sentences(3), in_a, m.sentences(2));
      b = make_doc(m.sentences(2), in_b, m.sentences(3));
    }
    const RewriteParams p;
    NaiveRewriteAligner naive(a, b, p);
    if (!naive.find_seeds()) continue;
    const auto expected = naive.align();
    const auto got = align_rewritten(a.terms, a.sentences, b.terms, b.sentences, p);
    ASSERT_EQ(got.size(), expected.size()) << "case " << c;
    for (size_t k = 0; k < got.size(); ++k) {
      EXPECT_EQ(got[k].a_begin, expected[k].a_begin) << "case " << c;
      EXPECT_EQ(got[k].a_end, expected[k].a_end) << "case " << c;
      EXPECT_EQ(got[k].b_begin, expected[k].b_begin) << "case " << c;
      EXPECT_EQ(got[k].b_end, expected[k].b_end) << "case " << c;
      EXPECT_EQ(got[k].seeds, expected[k].seeds) << "case " << c;
      EXPECT_EQ(got[k].kind, expected[k].kind) << "case " << c;
      EXPECT_NEAR(got[k].cosine, expected[k].cosine, 1e-9) << "case " << c;
      with_summaries += got[k].kind == PassageKind::kSummary;
    }
    ++compared;
    with_passages += !got.empty();
  }
  EXPECT_GE(compared, 110);       // few cases sit on a threshold
  EXPECT_GE(with_passages, 90);   // the planted reuse is found, so the comparison means something
  EXPECT_GE(with_summaries, 10);  // 14 with these seeds
}

TEST(FindReuse, UnrelatedTextsGiveNothing) {
  int flagged = 0;
  for (uint64_t c = 0; c < 100; ++c) {
    TextMaker m(20000 + c);
    const Doc a = make_doc(m.sentences(30), {}, {}), b = make_doc(m.sentences(30), {}, {});
    flagged += !find_reuse(a.text, a.tokens, b.text, b.tokens).empty();
  }
  EXPECT_LE(flagged, 1);
}

TEST(FindReuse, SummaryOfAWholeTextIsOnePassageSpanningIt) {
  int found = 0;
  for (uint64_t c = 0; c < 30; ++c) {
    TextMaker m(30000 + c);
    const auto article = m.sentences(30);
    // Each summary sentence condenses six consecutive sentences of the
    // article, keeping five content words of two of them, with stopwords between.
    std::vector<Words> summary;
    for (size_t k = 0; k < article.size(); k += 6) {
      Words s;
      for (size_t r : {k, k + 3}) {
        int taken = 0;
        for (const std::string& w : article[r]) {
          if (w[0] == 'w' && taken < 5) s.push_back(w), ++taken, s.push_back(m.stopword());
        }
      }
      summary.push_back(s);
    }
    const Doc a = make_doc(m.sentences(12), summary, m.sentences(12));
    const Doc b = make_doc({}, article, {});
    const auto spans = find_reuse(a.text, a.tokens, b.text, b.tokens);
    const bool one_summary = spans.size() == 1 && spans[0].kind == PassageKind::kSummary;
    if (!one_summary) continue;
    ++found;
    EXPECT_EQ(spans[0].b_begin, 0u);
    EXPECT_EQ(spans[0].b_end, b.tokens.size());
    EXPECT_LE(spans[0].a_begin, a.begin + 20);
    EXPECT_GE(spans[0].a_end + 20, a.end);
  }
  EXPECT_GE(found, 27);
}

// A compact region whose sentences each condense one of a run of consecutive
// sentences of a longer article (four content words of each, with stopwords
// between), a run that reaches across nearly half of it: long enough, short
// enough and spread far enough for a summary, but its seeds lie on
// consecutive sentences, so it is a reworded copy of that part of the
// article, not a summary of the whole.
TEST(FindReuse, SeedsOnConsecutiveSentencesAreNoSummary) {
  int rewritten = 0;
  for (uint64_t c = 0; c < 30; ++c) {
    TextMaker m(35000 + c);
    const auto article = m.sentences(30);
    std::vector<Words> region;
    for (size_t k = 8; k < 22; ++k) {
      Words s;
      int taken = 0;
      for (const std::string& w : article[k]) {
        if (w[0] == 'w' && taken < 4) s.push_back(w), ++taken, s.push_back(m.stopword());
      }
      region.push_back(s);
    }
    const Doc a = make_doc(m.sentences(12), region, m.sentences(12));
    const Doc b = make_doc({}, article, {});
    const auto spans = find_reuse(a.text, a.tokens, b.text, b.tokens);
    for (const ReuseSpan& s : spans) EXPECT_NE(s.kind, PassageKind::kSummary) << "case " << c;
    rewritten += !spans.empty();
  }
  EXPECT_GE(rewritten, 20);  // reported, as rewritten reuse
}

// A verbatim paragraph that b follows with a reworded version of itself:
// the rewritten aligner's span takes in both on b's side, but a's side is the
// copy alone, so the passage is the verbatim one with the copy's ends.
TEST(FindReuse, ASideCopiedVerbatimKeepsTheCopysEnds) {
  int checked = 0;
  for (uint64_t c = 0; c < 20; ++c) {
    TextMaker m(36000 + c);
    const auto shared = m.sentences(5);
    std::vector<Words> b_passage = shared;
    uint32_t shared_words = 0;
    for (const Words& w : shared) {
      shared_words += static_cast<uint32_t>(w.size());
      Words s;
      for (const std::string& x : w) {
        if (x[0] == 'w') s.push_back(x), s.push_back(m.stopword());
      }
      b_passage.push_back(s);
    }
    const Doc a = make_doc(m.sentences(10), shared, m.sentences(10));
    const Doc b = make_doc(m.sentences(8), b_passage, m.sentences(8));
    const auto spans = find_reuse(a.text, a.tokens, b.text, b.tokens);
    ASSERT_FALSE(spans.empty()) << "case " << c;
    for (const ReuseSpan& s : spans) {
      if (s.a_begin >= a.end || s.a_end <= a.begin) continue;
      ++checked;
      EXPECT_EQ(s.kind, PassageKind::kVerbatim) << "case " << c;
      EXPECT_EQ(s.b_begin, b.begin) << "case " << c;
      EXPECT_EQ(s.b_end, b.begin + shared_words) << "case " << c;
    }
  }
  EXPECT_GE(checked, 20);
}

TEST(FindReuse, VerbatimReuseIsTheExactAlignersOutput) {
  for (uint64_t c = 0; c < 40; ++c) {
    TextMaker m(40000 + c);
    const auto shared = m.sentences(6);
    const Doc a = make_doc(m.sentences(10), shared, m.sentences(10));
    const Doc b = make_doc(m.sentences(7), shared, m.sentences(9));
    std::vector<uint64_t> ha, hb;
    for (const auto& t : a.tokens) ha.push_back(t.hash);
    for (const auto& t : b.tokens) hb.push_back(t.hash);
    const auto exact = align_words(ha, hb);
    const auto all = find_reuse(a.text, a.tokens, b.text, b.tokens);
    ASSERT_EQ(all.size(), exact.size()) << "case " << c;
    for (size_t k = 0; k < exact.size(); ++k) {
      EXPECT_EQ(all[k].a_begin, exact[k].a_begin);
      EXPECT_EQ(all[k].a_end, exact[k].a_end);
      EXPECT_EQ(all[k].b_begin, exact[k].b_begin);
      EXPECT_EQ(all[k].b_end, exact[k].b_end);
      EXPECT_EQ(all[k].ops, exact[k].ops);
      EXPECT_EQ(all[k].matched, exact[k].matched);
    }
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all[0].kind, PassageKind::kVerbatim);
    EXPECT_DOUBLE_EQ(all[0].confidence, 1.0);
  }
}

TEST(FindReuse, CopiesSkipTheRewriteAlignerOthersAskForTerms) {
  // One text all inside the other (a contained copy, then the same with one
  // sentence reworded, the exact aligner's edited passage covering it): no
  // rewritten passage could add to the exact ones, so the terms are never
  // asked for and the passages are the exact aligner's. A rewrite beside a
  // verbatim passage needs them.
  int asked = 0;
  const TextTermsFn counting = [&](std::string_view text,
                                   std::span<const normalize::Token> tokens) {
    ++asked;
    return terms_of(text, tokens);
  };
  for (uint64_t c = 0; c < 20; ++c) {
    TextMaker m(60000 + c);
    const auto shared = m.sentences(8);
    const Doc copy = make_doc({}, shared, {});
    const Doc source = make_doc(m.sentences(6), shared, m.sentences(6));
    asked = 0;
    const auto spans = find_reuse(copy.text, copy.tokens, source.text, source.tokens, counting);
    EXPECT_EQ(asked, 0) << "case " << c;
    std::vector<uint64_t> ha, hb;
    for (const auto& t : copy.tokens) ha.push_back(t.hash);
    for (const auto& t : source.tokens) hb.push_back(t.hash);
    const auto exact = align_words(ha, hb);
    ASSERT_EQ(spans.size(), exact.size()) << "case " << c;
    for (size_t k = 0; k < spans.size(); ++k) {
      EXPECT_EQ(spans[k].a_begin, exact[k].a_begin);
      EXPECT_EQ(spans[k].b_end, exact[k].b_end);
    }

    const auto rewritten = m.rewrite(m.sentences(4));
    std::vector<Words> both = shared;
    both.insert(both.end(), rewritten.begin(), rewritten.end());
    const Doc partly = make_doc({}, both, {});
    asked = 0;
    (void)find_reuse(partly.text, partly.tokens, source.text, source.tokens, counting);
    EXPECT_EQ(asked, 2) << "case " << c;  // both texts keep words outside the exact passages
  }
}

TEST(FindReuse, PassagesOfACompactRegionReachingAcrossAWholeTextAreOneSummary) {
  // a: filler, then pairs of b's sentences reworded (each pair a passage of
  // its own), taken from far apart in b, one after the other, then filler.
  int summaries = 0, fragmented_without = 0;
  for (uint64_t c = 0; c < 40; ++c) {
    TextMaker m(80000 + c);
    const auto article = m.sentences(40);
    std::vector<Words> region;
    for (size_t k : {2, 14, 26, 37}) {
      const auto part = m.rewrite({article[k], article[k + 1]});
      region.insert(region.end(), part.begin(), part.end());
    }
    const Doc a = make_doc(m.sentences(15), region, m.sentences(15));
    const Doc b = make_doc({}, article, {});
    const auto spans = find_reuse(a.text, a.tokens, b.text, b.tokens);
    ReuseParams apart;
    apart.condense_gap = 0;
    fragmented_without += find_reuse(a.text, a.tokens, b.text, b.tokens, apart).size() > 1;
    for (size_t x = 0; x < spans.size(); ++x) {  // disjoint on both sides, summaries included
      for (size_t y = 0; y < x; ++y) {
        EXPECT_TRUE(spans[y].a_end <= spans[x].a_begin || spans[x].a_end <= spans[y].a_begin);
        EXPECT_TRUE(spans[y].b_end <= spans[x].b_begin || spans[x].b_end <= spans[y].b_begin);
      }
    }
    if (spans.size() != 1 || spans[0].kind != PassageKind::kSummary) continue;
    if (spans[0].a_end - spans[0].a_begin >= spans[0].b_end - spans[0].b_begin) continue;
    ++summaries;  // a condensing b, as planted
    // It spans the region in a (a part at either end may go unfound: up to
    // two sentences, 40 words) and, in b, from its first part found to its
    // last: at least three of the four, over half of b.
    EXPECT_LE(spans[0].a_begin, a.begin + 40) << "case " << c;
    EXPECT_GE(spans[0].a_end + 40, a.end) << "case " << c;
    EXPECT_GE(2 * (spans[0].b_end - spans[0].b_begin), b.tokens.size()) << "case " << c;
    EXPECT_GT(spans[0].confidence, 0.0);
    EXPECT_LE(spans[0].confidence, 1.0);
  }
  EXPECT_GE(summaries, 30);
  EXPECT_GE(fragmented_without, 20);  // what condensing is for
}

TEST(TermsOf, APluggedTermFunctionDecidesWhatMatches) {
  // A crude stand-in for a stemmer: the first four letters of the word.
  const TermFn prefix = [](std::string_view word, const normalize::Token&) {
    return normalize::word_hash(normalize::normalize_word(word.substr(0, 4)));
  };
  const std::string a = "walking talking", b = "walked talked";
  const auto ta = tokens(a), tb = tokens(b);
  EXPECT_NE(terms_of(a, ta)[0], terms_of(b, tb)[0]);
  EXPECT_EQ(terms_of(a, ta, prefix)[0], terms_of(b, tb, prefix)[0]);
  EXPECT_EQ(terms_of(a, ta, prefix)[1], terms_of(b, tb, prefix)[1]);
}

TEST(ReuseScore, ShareOfTheShorterTextWeightedByConfidence) {
  std::vector<ReuseSpan> spans(2);
  spans[0].a_begin = 0, spans[0].a_end = 10, spans[0].b_begin = 50, spans[0].b_end = 60;
  spans[0].confidence = 1.0;
  spans[1].a_begin = 20, spans[1].a_end = 40, spans[1].b_begin = 0, spans[1].b_end = 30;
  spans[1].confidence = 0.5;
  EXPECT_DOUBLE_EQ(reuse_score(spans, 100, 1000), (10 * 1.0 + 20 * 0.5) / 100);
  EXPECT_DOUBLE_EQ(reuse_score(spans, 1000, 80), (10 * 1.0 + 30 * 0.5) / 80);
  EXPECT_DOUBLE_EQ(reuse_score({}, 0, 0), 0.0);
}

}  // namespace
}  // namespace kindred::align
