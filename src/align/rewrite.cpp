#include "align/rewrite.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>
#include <unordered_map>

#include "core/check.h"

namespace kindred::align {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// Whether a sentence ends in the text between two tokens: a full stop,
// question or exclamation mark followed by whitespace, or a blank line.
bool sentence_break(std::string_view between) {
  for (size_t k = 0; k < between.size(); ++k) {
    const char c = between[k];
    if ((c == '.' || c == '!' || c == '?') && k + 1 < between.size()) {
      for (size_t r = k + 1; r < between.size(); ++r) {
        if (is_space(between[r])) return true;
      }
    }
    if (c == '\n') {
      for (size_t r = k + 1; r < between.size() && is_space(between[r]); ++r) {
        if (between[r] == '\n') return true;
      }
    }
  }
  return false;
}

// A term weighted sentence (or span): (term id, count), by term id.
struct TermCounts {
  std::vector<std::pair<uint32_t, uint32_t>> terms;
  double norm = 0;  ///< length of the tf-isf vector
  double isf = 0;   ///< sum of the isf of its distinct terms (the Dice denominator)
  uint32_t words = 0;
};

// Both texts' terms as dense ids, with their isf over the sentences of both.
struct Model {
  std::vector<uint32_t> ids_a, ids_b;  ///< per token
  std::vector<double> isf;             ///< per term id
  std::vector<TermCounts> sa, sb;      ///< per sentence
};

void count_terms(std::span<const uint32_t> ids, const Sentence& s, std::vector<uint32_t>& scratch,
                 TermCounts& out) {
  scratch.assign(ids.begin() + s.begin, ids.begin() + s.end);
  std::sort(scratch.begin(), scratch.end());
  out.terms.clear();
  for (size_t k = 0; k < scratch.size();) {
    size_t r = k;
    while (r < scratch.size() && scratch[r] == scratch[k]) ++r;
    out.terms.emplace_back(scratch[k], static_cast<uint32_t>(r - k));
    k = r;
  }
  out.words = s.end - s.begin;
}

void weigh(TermCounts& t, const std::vector<double>& isf) {
  double sq = 0, sum = 0;
  for (const auto& [id, tf] : t.terms) {
    sq += double(tf) * double(tf) * isf[id] * isf[id];
    sum += isf[id];
  }
  t.norm = std::sqrt(sq);
  t.isf = sum;
}

// Dense ids of terms in order of first appearance, in an open-addressing
// table that a thread reuses (entries of earlier uses are told apart by a
// stamp, so nothing is cleared). PERF: an unordered_map per aligned pair was
// a fifth of the rewrite aligner's time, most of it allocation.
class DenseIds {
 public:
  // Starts a new numbering for up to `n` distinct terms.
  void reset(size_t n) {
    size_t cap = 64;
    while (cap < 2 * n) cap *= 2;
    if (keys_.size() < cap) {
      keys_.assign(cap, 0);
      ids_.assign(cap, 0);
      stamps_.assign(cap, 0);
    }
    mask_ = cap - 1;
    if (++stamp_ == 0) {  // wrapped: forget every entry
      std::fill(stamps_.begin(), stamps_.end(), 0);
      stamp_ = 1;
    }
    count_ = 0;
  }
  uint32_t operator()(uint64_t term) {
    size_t h = static_cast<size_t>((term ^ (term >> 31)) * 0x9E3779B97F4A7C15ull >> 20) & mask_;
    while (stamps_[h] == stamp_) {
      if (keys_[h] == term) return ids_[h];
      h = (h + 1) & mask_;
    }
    stamps_[h] = stamp_, keys_[h] = term, ids_[h] = count_;
    return count_++;
  }
  uint32_t size() const { return count_; }

 private:
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> ids_, stamps_;
  size_t mask_ = 0;
  uint32_t stamp_ = 0, count_ = 0;
};

Model build_model(std::span<const uint64_t> ta, std::span<const Sentence> sa,
                  std::span<const uint64_t> tb, std::span<const Sentence> sb) {
  Model m;
  thread_local DenseIds id_of;
  id_of.reset(ta.size() + tb.size());
  auto ids = [&](std::span<const uint64_t> terms, std::vector<uint32_t>& out) {
    out.resize(terms.size());
    for (size_t k = 0; k < terms.size(); ++k) out[k] = id_of(terms[k]);
  };
  ids(ta, m.ids_a);
  ids(tb, m.ids_b);
  thread_local std::vector<uint32_t> scratch;
  m.sa.resize(sa.size());
  m.sb.resize(sb.size());
  for (size_t k = 0; k < sa.size(); ++k) count_terms(m.ids_a, sa[k], scratch, m.sa[k]);
  for (size_t k = 0; k < sb.size(); ++k) count_terms(m.ids_b, sb[k], scratch, m.sb[k]);
  std::vector<uint32_t> sf(id_of.size(), 0);
  for (const auto* side : {&m.sa, &m.sb}) {
    for (const TermCounts& t : *side) {
      for (const auto& term : t.terms) ++sf[term.first];
    }
  }
  const double n = double(sa.size() + sb.size());
  m.isf.resize(sf.size());
  for (size_t k = 0; k < sf.size(); ++k) m.isf[k] = std::log(n / double(sf[k]));
  for (auto& t : m.sa) weigh(t, m.isf);
  for (auto& t : m.sb) weigh(t, m.isf);
  return m;
}

struct Seed {
  uint32_t i = 0, j = 0;  ///< sentence of a, of b
};

std::vector<Seed> find_seeds(const Model& m, const RewriteParams& p, uint64_t& postings) {
  // Postings of b: for each term, the sentences holding it with their counts.
  // The buffers are the thread's, reused from pair to pair.
  const size_t terms = m.isf.size();
  thread_local std::vector<uint32_t> start, fill, touched;
  thread_local std::vector<std::pair<uint32_t, uint32_t>> post;
  thread_local std::vector<double> dot, dice;
  start.assign(terms + 1, 0);
  for (const TermCounts& t : m.sb) {
    for (const auto& term : t.terms) ++start[term.first + 1];
  }
  std::partial_sum(start.begin(), start.end(), start.begin());
  post.resize(start.back());
  fill.assign(start.begin(), start.end() - 1);
  for (uint32_t j = 0; j < m.sb.size(); ++j) {
    for (const auto& [id, tf] : m.sb[j].terms) post[fill[id]++] = {j, tf};
  }
  dot.assign(m.sb.size(), 0);
  dice.assign(m.sb.size(), 0);
  touched.clear();
  std::vector<Seed> seeds;
  for (uint32_t i = 0; i < m.sa.size(); ++i) {
    const TermCounts& s = m.sa[i];
    for (const auto& [id, tf] : s.terms) {
      const double w = m.isf[id];
      if (w <= 0) continue;  // in every sentence: adds nothing
      for (uint32_t k = start[id]; k < start[id + 1]; ++k) {
        const auto [j, tfb] = post[k];
        if (dice[j] == 0) touched.push_back(j);
        dot[j] += double(tf) * double(tfb) * w * w;
        dice[j] += w;
      }
      postings += start[id + 1] - start[id];
    }
    std::sort(touched.begin(), touched.end());
    for (uint32_t j : touched) {
      const TermCounts& t = m.sb[j];
      const double cos = dot[j] / (s.norm * t.norm);
      const double d = 2 * dice[j] / (s.isf + t.isf);
      if (cos >= p.seed_cosine && d >= p.seed_dice) seeds.push_back({i, j});
      dot[j] = dice[j] = 0;
    }
    touched.clear();
  }
  return seeds;
}

// Single-linkage clusters of seeds: two link when their sentences are at most
// gap_a apart in a and gap_b apart in b. Each cluster is a list of seeds.
std::vector<std::vector<Seed>> cluster(std::vector<Seed> seeds, uint32_t gap_a, uint32_t gap_b) {
  std::sort(seeds.begin(), seeds.end(),
            [](const Seed& x, const Seed& y) { return x.i != y.i ? x.i < y.i : x.j < y.j; });
  std::vector<uint32_t> parent(seeds.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto root = [&](uint32_t k) {
    while (parent[k] != k) k = parent[k] = parent[parent[k]];
    return k;
  };
  for (uint32_t k = 0; k < seeds.size(); ++k) {
    for (uint32_t o = k; o-- > 0 && seeds[k].i - seeds[o].i <= gap_a;) {
      const uint32_t dj =
          seeds[k].j > seeds[o].j ? seeds[k].j - seeds[o].j : seeds[o].j - seeds[k].j;
      if (dj <= gap_b) parent[root(o)] = root(k);
    }
  }
  std::vector<std::vector<Seed>> out;
  std::vector<uint32_t> index(seeds.size(), UINT32_MAX);
  for (uint32_t k = 0; k < seeds.size(); ++k) {
    uint32_t& c = index[root(k)];
    if (c == UINT32_MAX) c = static_cast<uint32_t>(out.size()), out.emplace_back();
    out[c].push_back(seeds[k]);
  }
  return out;
}

// A passage in sentence indices, [i0, i1] of a and [j0, j1] of b, inclusive.
struct Fragment {
  uint32_t i0 = 0, i1 = 0, j0 = 0, j1 = 0;
  uint32_t seeds = 0;
  double cosine = 0;
  uint32_t words_a = 0, words_b = 0;
  PassageKind kind = PassageKind::kRewritten;
  double quality() const { return cosine * double(words_a + words_b); }
};

// tf-isf cosine of two spans of sentences, with a dense scratch per term.
class SpanCosine {
 public:
  explicit SpanCosine(const Model& m) : m_(m), tf_a_(m.isf.size(), 0), tf_b_(m.isf.size(), 0) {}

  double operator()(Fragment& f) {
    f.words_a = add(m_.sa, f.i0, f.i1, tf_a_);
    f.words_b = add(m_.sb, f.j0, f.j1, tf_b_);
    double dot = 0, na = 0, nb = 0;
    for (uint32_t id : touched_) {
      const double w2 = m_.isf[id] * m_.isf[id];
      dot += double(tf_a_[id]) * double(tf_b_[id]) * w2;
      na += double(tf_a_[id]) * double(tf_a_[id]) * w2;
      nb += double(tf_b_[id]) * double(tf_b_[id]) * w2;
      tf_a_[id] = tf_b_[id] = 0;
    }
    touched_.clear();
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
  }

 private:
  uint32_t add(const std::vector<TermCounts>& side, uint32_t from, uint32_t to,
               std::vector<uint32_t>& tf) {
    uint32_t words = 0;
    for (uint32_t s = from; s <= to; ++s) {
      words += side[s].words;
      for (const auto& [id, n] : side[s].terms) {
        if (tf_a_[id] == 0 && tf_b_[id] == 0) touched_.push_back(id);
        tf[id] += n;
      }
    }
    return words;
  }

  const Model& m_;
  std::vector<uint32_t> tf_a_, tf_b_, touched_;
};

Fragment span_of(const std::vector<Seed>& c) {
  Fragment f{c[0].i, c[0].i, c[0].j, c[0].j};
  for (const Seed& s : c) {
    f.i0 = std::min(f.i0, s.i), f.i1 = std::max(f.i1, s.i);
    f.j0 = std::min(f.j0, s.j), f.j1 = std::max(f.j1, s.j);
  }
  f.seeds = static_cast<uint32_t>(c.size());
  return f;
}

// Clusters of `seeds` at `gap`; one whose spans are not similar as wholes is
// split again at a smaller gap (down to single seeds).
void extend(std::vector<Seed> seeds, uint32_t gap, const RewriteParams& p, SpanCosine& cosine,
            std::vector<Fragment>& out) {
  for (std::vector<Seed>& c : cluster(std::move(seeds), gap, gap)) {
    Fragment f = span_of(c);
    f.cosine = cosine(f);
    if (f.cosine >= p.min_fragment_cosine || c.size() == 1) {
      out.push_back(f);
    } else if (gap == 0) {
      for (const Seed& s : c) {
        Fragment g = span_of({s});
        g.cosine = cosine(g);
        out.push_back(g);
      }
    } else {
      extend(std::move(c), gap - 1, p, cosine, out);
    }
  }
}

bool overlaps(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
  return x0 <= y1 && y0 <= x1;
}

// Sentences between two inclusive ranges (0 when they touch or overlap).
uint32_t distance(uint32_t x0, uint32_t x1, uint32_t y0, uint32_t y1) {
  if (overlaps(x0, x1, y0, y1)) return 0;
  return x1 < y0 ? y0 - x1 - 1 : x0 - y1 - 1;
}

bool keepable(const Fragment& f, const RewriteParams& p) {
  if (f.words_a < p.min_words || f.words_b < p.min_words) return false;
  if (f.cosine < p.min_fragment_cosine) return false;
  return f.seeds > 1 || f.cosine >= p.single_seed_cosine;
}

// Best first, dropping any fragment that overlaps a kept one on either side.
// Equal qualities are taken in order of position, so the result does not
// depend on the order fragments were found in.
std::vector<Fragment> resolve(std::vector<Fragment> fs) {
  std::sort(fs.begin(), fs.end(), [](const Fragment& x, const Fragment& y) {
    if (x.quality() != y.quality()) return x.quality() > y.quality();
    return std::tie(x.i0, x.j0, x.i1, x.j1) < std::tie(y.i0, y.j0, y.i1, y.j1);
  });
  std::vector<Fragment> kept;
  for (const Fragment& f : fs) {
    const bool clash = std::any_of(kept.begin(), kept.end(), [&](const Fragment& k) {
      return overlaps(f.i0, f.i1, k.i0, k.i1) || overlaps(f.j0, f.j1, k.j0, k.j1);
    });
    if (!clash) kept.push_back(f);
  }
  return kept;
}

// Neighbours on both sides merge while the merged spans stay similar.
void merge_adjacent(std::vector<Fragment>& fs, const RewriteParams& p, SpanCosine& cosine) {
  std::sort(fs.begin(), fs.end(), [](const Fragment& x, const Fragment& y) { return x.i0 < y.i0; });
  for (size_t k = 1; k < fs.size();) {
    Fragment& prev = fs[k - 1];
    const Fragment& f = fs[k];
    if (distance(prev.i0, prev.i1, f.i0, f.i1) <= p.max_gap &&
        distance(prev.j0, prev.j1, f.j0, f.j1) <= p.max_gap) {
      Fragment m{std::min(prev.i0, f.i0), std::max(prev.i1, f.i1), std::min(prev.j0, f.j0),
                 std::max(prev.j1, f.j1), prev.seeds + f.seeds};
      m.cosine = cosine(m);
      if (m.cosine >= p.min_fragment_cosine) {
        prev = m;
        fs.erase(fs.begin() + static_cast<std::ptrdiff_t>(k));
        continue;
      }
    }
    ++k;
  }
}

// Summary candidates: seeds close together on the condensing side (a when
// !swap) and anywhere on the other, reaching across most of the other text.
void find_summaries(const std::vector<Seed>& seeds, bool swap, const Model& m,
                    const RewriteParams& p, SpanCosine& cosine, std::vector<Fragment>& out) {
  const auto& other = swap ? m.sa : m.sb;
  const uint32_t other_words = std::accumulate(
      other.begin(), other.end(), 0u, [](uint32_t n, const TermCounts& t) { return n + t.words; });
  for (const std::vector<Seed>& c : swap ? cluster(seeds, UINT32_MAX, p.summary_gap)
                                         : cluster(seeds, p.summary_gap, UINT32_MAX)) {
    std::vector<uint32_t> reached;
    for (const Seed& s : c) reached.push_back(swap ? s.i : s.j);
    std::sort(reached.begin(), reached.end());
    reached.erase(std::unique(reached.begin(), reached.end()), reached.end());
    const double cover = double(reached.back() - reached.front() + 1) / double(other.size());
    Fragment f = span_of(c);
    if (swap) {
      f.i0 = 0, f.i1 = static_cast<uint32_t>(m.sa.size() - 1);
    } else {
      f.j0 = 0, f.j1 = static_cast<uint32_t>(m.sb.size() - 1);
    }
    f.cosine = cosine(f);
    const uint32_t region_words = swap ? f.words_b : f.words_a;
    if (reached.size() < p.summary_seeds) continue;
    // A summary takes a point here and a point there: its seeds reach
    // sentences of the condensed text that are mostly apart. Seeds on runs of
    // consecutive sentences trace a passage reused sentence by sentence (an
    // obfuscated copy of one part of the text, which extend() reports as a
    // rewritten passage), not a condensation of the whole.
    uint32_t next_to = 0;  // reached sentences with a reached neighbour
    for (size_t k = 0; k < reached.size(); ++k) {
      next_to += (k > 0 && reached[k - 1] + 1 == reached[k]) ||
                 (k + 1 < reached.size() && reached[k] + 1 == reached[k + 1]);
    }
    if (double(next_to) > p.summary_adjacent * double(reached.size())) continue;
    if (cover < p.summary_cover) continue;
    if (double(reached.size()) < p.summary_density * double(other.size())) continue;
    if (double(other_words) < p.summary_ratio * double(region_words)) continue;
    f.kind = PassageKind::kSummary;
    out.push_back(f);
  }
}

}  // namespace

std::vector<Sentence> split_sentences(std::string_view text,
                                      std::span<const normalize::Token> tokens,
                                      const RewriteParams& p) {
  std::vector<Sentence> out;
  const uint32_t cap = std::max(1u, p.max_sentence_words);
  uint32_t begin = 0;
  for (uint32_t t = 1; t <= tokens.size(); ++t) {
    const bool end =
        t == tokens.size() ||
        sentence_break(text.substr(tokens[t - 1].end, tokens[t].begin - tokens[t - 1].end)) ||
        t - begin >= cap;
    if (!end) continue;
    if (t - begin >= p.min_sentence_words || t == tokens.size()) {
      out.push_back({begin, t});
      begin = t;
    }
  }
  // A short last sentence joins the one before it.
  if (out.size() > 1 && out.back().end - out.back().begin < p.min_sentence_words) {
    out[out.size() - 2].end = out.back().end;
    out.pop_back();
  }
  return out;
}

std::vector<uint64_t> terms_of(std::string_view text, std::span<const normalize::Token> tokens,
                               const TermFn& term) {
  std::vector<uint64_t> out(tokens.size());
  for (size_t k = 0; k < tokens.size(); ++k) {
    const normalize::Token& t = tokens[k];
    out[k] = term ? term(text.substr(t.begin, t.end - t.begin), t) : t.hash;
  }
  return out;
}

std::vector<std::pair<uint32_t, uint32_t>> similar_sentences(std::span<const uint64_t> terms_a,
                                                             std::span<const Sentence> sentences_a,
                                                             std::span<const uint64_t> terms_b,
                                                             std::span<const Sentence> sentences_b,
                                                             const RewriteParams& p) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  if (sentences_a.empty() || sentences_b.empty()) return out;
  uint64_t postings = 0;
  for (const Seed& s :
       find_seeds(build_model(terms_a, sentences_a, terms_b, sentences_b), p, postings)) {
    out.emplace_back(s.i, s.j);
  }
  return out;
}

std::vector<RewriteAlignment> align_rewritten(std::span<const uint64_t> terms_a,
                                              std::span<const Sentence> sentences_a,
                                              std::span<const uint64_t> terms_b,
                                              std::span<const Sentence> sentences_b,
                                              const RewriteParams& p, RewriteStats* stats) {
  KINDRED_CHECK(sentences_a.empty() || sentences_a.back().end <= terms_a.size(),
                "sentences of a lie outside its terms");
  KINDRED_CHECK(sentences_b.empty() || sentences_b.back().end <= terms_b.size(),
                "sentences of b lie outside its terms");
  std::vector<RewriteAlignment> out;
  if (stats) *stats = {sentences_a.size(), sentences_b.size(), 0, 0};
  if (sentences_a.empty() || sentences_b.empty()) return out;
  const Model m = build_model(terms_a, sentences_a, terms_b, sentences_b);
  uint64_t postings = 0;
  const std::vector<Seed> seeds = find_seeds(m, p, postings);
  if (stats) stats->postings = postings, stats->seeds = seeds.size();
  if (seeds.empty()) return out;

  SpanCosine cosine(m);
  std::vector<Fragment> found;
  extend(seeds, p.max_gap, p, cosine, found);
  std::erase_if(found, [&](const Fragment& f) { return !keepable(f, p); });
  std::vector<Fragment> kept = resolve(std::move(found));
  merge_adjacent(kept, p, cosine);

  // A summary takes the place of the passages inside it.
  std::vector<Fragment> summaries;
  find_summaries(seeds, false, m, p, cosine, summaries);
  find_summaries(seeds, true, m, p, cosine, summaries);
  std::erase_if(summaries, [&](const Fragment& f) {
    return f.cosine < p.summary_cosine || f.words_a < p.min_words || f.words_b < p.min_words;
  });
  // A region that one balanced passage mostly covers is that passage's reuse,
  // not a summary (a verbatim paragraph also has similar sentences elsewhere).
  // Kept passages do not overlap, so their words add up.
  std::erase_if(summaries, [&](const Fragment& s) {
    const bool a_side = s.words_a < s.words_b;  // the condensing side
    uint32_t explained = 0;
    for (const Fragment& f : kept) {
      if (!overlaps(f.i0, f.i1, s.i0, s.i1) || !overlaps(f.j0, f.j1, s.j0, s.j1)) continue;
      const uint32_t mine = a_side ? f.words_a : f.words_b, theirs = a_side ? f.words_b : f.words_a;
      if (double(theirs) < p.summary_balanced * double(mine) &&
          double(mine) < p.summary_balanced * double(theirs)) {
        explained += mine;
      }
    }
    return double(explained) >= p.summary_explained * double(a_side ? s.words_a : s.words_b);
  });
  summaries = resolve(std::move(summaries));
  for (const Fragment& s : summaries) {
    std::erase_if(kept, [&](const Fragment& f) {
      return overlaps(f.i0, f.i1, s.i0, s.i1) && overlaps(f.j0, f.j1, s.j0, s.j1);
    });
  }
  kept.insert(kept.end(), summaries.begin(), summaries.end());
  kept = resolve(std::move(kept));

  for (const Fragment& f : kept) {
    out.push_back({sentences_a[f.i0].begin, sentences_a[f.i1].end, sentences_b[f.j0].begin,
                   sentences_b[f.j1].end, f.seeds, f.cosine, f.kind});
  }
  std::sort(out.begin(), out.end(), [](const RewriteAlignment& x, const RewriteAlignment& y) {
    return x.a_begin < y.a_begin;
  });
  return out;
}

}  // namespace kindred::align
