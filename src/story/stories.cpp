#include "story/stories.h"

#include "story/agglomeration.h"
#include "story/term_store.h"
#include "util/disjoint_sets.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

namespace kindred::story {

namespace {

using detail::agglomerate;
using detail::Edge;
using detail::group_cohesion;
using detail::years_conflict;
using util::DisjointSets;

}  // namespace

PreparedDoc prepare(const StoryFeatures& f, const StoryStats& stats) {
  std::vector<TermCount> terms;
  terms.reserve(f.terms.size());
  for (const auto& [h, tf] : f.terms) {
    if (const std::optional<uint32_t> id = stats.term_id(h)) terms.push_back({*id, tf});
  }
  PreparedDoc p = prepare(f, terms, stats);
  p.owned_terms = std::move(terms);  // the buffer `terms` views moves with it
  return p;
}

PreparedDoc prepare(const StoryFeatures& f, std::span<const TermCount> terms,
                    const StoryStats& stats) {
  PreparedDoc p;
  p.features = &f;
  p.terms = terms;
  p.stats = &stats;
  p.numbers.reserve(f.numbers.size());
  for (const TermCount& t : terms) {
    const double w = stats.term_weight(t);
    p.norm += w * w;
  }
  p.norm = std::sqrt(p.norm);
  // Squared IDF: a name in every article of the collection (the city, its
  // mayor) says almost nothing; one in three articles says a lot.
  p.names.reserve(f.names.size());
  for (const auto& k : f.names) {
    const uint32_t id = stats.name_id(k);
    p.names.emplace_back(id, std::pow(stats.name_idf(id), 2.0));
  }
  std::sort(p.names.begin(), p.names.end());
  p.names.erase(std::unique(p.names.begin(), p.names.end(),
                            [](const auto& x, const auto& y) { return x.first == y.first; }),
                p.names.end());
  p.names.shrink_to_fit();
  for (const auto& [id, w] : p.names) p.name_weight += w;
  for (uint64_t h : f.numbers) {
    const double w = std::pow(stats.number_idf(h), 2.0);
    p.numbers.emplace_back(h, w);
    p.number_weight += w;
  }
  return p;
}

namespace {

// Sum over keys present in both sorted lists of f(weight_a, weight_b).
template <typename Key, typename F>
double merge_sum(const std::vector<std::pair<Key, double>>& a,
                 const std::vector<std::pair<Key, double>>& b, F f) {
  // Branch-free steps, as in sorted_intersection().
  double sum = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const Key x = a[i].first, y = b[j].first;
    if (x == y) sum += f(a[i].second, b[j].second);
    i += x <= y;
    j += y <= x;
  }
  return sum;
}

// Quotations of the side with fewer that have a match on the other side.
uint32_t matched_quotes(const StoryFeatures& a, const StoryFeatures& b, double threshold) {
  const auto& few = a.quotes.size() <= b.quotes.size() ? a.quotes : b.quotes;
  const auto& many = a.quotes.size() <= b.quotes.size() ? b.quotes : a.quotes;
  uint32_t matched = 0;
  for (const Quote& q : few) {
    for (const Quote& r : many) {
      if (quote_similarity(q, r) >= threshold) {
        ++matched;
        break;
      }
    }
  }
  return matched;
}

// Sum over the terms both documents hold of the products of their weights,
// in id order (= hash order, as the sums always ran).
double term_dot(const PreparedDoc& a, const PreparedDoc& b) {
  // Branch-free steps, as in sorted_intersection(); weights only of shared terms.
  const StoryStats& stats = *a.stats;
  // Spilled terms are read back (story/term_store.h), `a`'s once for all
  // the candidates of a unit in a row.
  thread_local ReadTerms read_a, read_b;
  const std::span<const TermCount> at = terms_of(a, read_a), bt = terms_of(b, read_b);
  double sum = 0;
  size_t i = 0, j = 0;
  while (i < at.size() && j < bt.size()) {
    const uint32_t x = at[i].id, y = bt[j].id;
    if (x == y) sum += stats.term_weight(at[i]) * stats.term_weight(bt[j]);
    i += x <= y;
    j += y <= x;
  }
  return sum;
}

// The factors on a pair's similarity that its time and its conflicts set:
// e.time_factor and e.conflict_factor.
void set_discounts(const StoryFeatures& fa, const StoryFeatures& fb, const StoryParams& params,
                   StoryEvidence& e) {
  if (fa.time && fb.time) {
    const double days = std::abs(double(*fa.time - *fb.time)) / 86400.0;
    const double w = params.time_window_days;
    e.time_factor = days <= w ? 1.0 : std::pow(0.5, (days - w) / w);
  }
  if (years_conflict(fa.years, !fa.dated_years.empty(), fb.years, !fb.dated_years.empty()))
    e.conflict_factor = params.year_conflict;
  // The same, weaker, for the days of the week the texts name ("on
  // Saturday"): a follow-up may name only the day of its own news.
  if (fa.weekdays != 0 && fb.weekdays != 0 && (fa.weekdays & fb.weekdays) == 0)
    e.conflict_factor *= params.weekday_conflict;
}

}  // namespace

double story_similarity_bound(const StoryFeatures& fa, const StoryFeatures& fb,
                              const StoryParams& params, double copy_containment) {
  StoryEvidence e;
  set_discounts(fa, fb, params, e);
  return e.time_factor * (1 - (1 - copy_containment) * (1 - e.conflict_factor));
}

namespace {

StoryEvidence similarity(const PreparedDoc& a, const PreparedDoc& b, const StoryParams& params,
                         double copy_containment) {
  StoryEvidence e;
  const double dot = a.stats && b.stats ? term_dot(a, b) : 0.0;
  e.words = a.norm > 0 && b.norm > 0 ? dot / (a.norm * b.norm) : 0.0;
  const double shared = merge_sum(a.names, b.names, [](double x, double) { return x; });
  e.names = a.name_weight + b.name_weight > 0 ? 2 * shared / (a.name_weight + b.name_weight) : 0.0;
  const double numbers = merge_sum(a.numbers, b.numbers, [](double x, double) { return x; });
  e.numbers = a.number_weight + b.number_weight > 0
                  ? 2 * numbers / (a.number_weight + b.number_weight)
                  : 0.0;
  e.quotes =
      1.0 - std::pow(0.5, double(matched_quotes(*a.features, *b.features, params.quote_match)));
  e.copy = copy_containment;
  set_discounts(*a.features, *b.features, params, e);
  // Names and numbers corroborate more than they prove: the same people and
  // places recur across unrelated stories, and so do round numbers, so they
  // count half.
  const double independent =
      (1 - e.words) * (1 - 0.5 * e.names) * (1 - 0.5 * e.numbers) * (1 - e.quotes);
  e.total = e.time_factor * (1 - (1 - e.copy) * (1 - e.conflict_factor * (1 - independent)));
  return e;
}

}  // namespace

StoryEvidence story_similarity(const StoryFeatures& a, const StoryFeatures& b,
                               const StoryStats& stats, const StoryParams& params,
                               double copy_containment) {
  const StoryFeatures* both[] = {&a, &b};
  const StoryStats covering = stats.covering(both);
  return similarity(prepare(a, covering), prepare(b, covering), params, copy_containment);
}

StoryEvidence story_similarity(const PreparedDoc& a, const PreparedDoc& b,
                               const StoryParams& params, double copy_containment) {
  return similarity(a, b, params, copy_containment);
}

namespace {

// A unit's candidate features (story/candidates.h): its names and its most
// weighty content stems, told apart by the top bit.
void candidate_features_of(const PreparedDoc& p, std::vector<uint64_t>& out) {
  constexpr size_t kTermsPerDoc = 16;
  std::vector<std::pair<double, uint64_t>> top;
  thread_local ReadTerms read;
  for (const TermCount& t : terms_of(p, read))
    top.emplace_back(-p.stats->term_weight(t), p.stats->term_hash(t.id));
  const size_t keep = std::min(kTermsPerDoc, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<long>(keep), top.end());
  for (size_t i = 0; i < keep; ++i) out.push_back(top[i].second & ~(uint64_t{1} << 63));
  for (const auto& [id, w] : p.names) out.push_back((uint64_t{1} << 63) | id);
}

// The candidate pairs' similarities as one flat table by unit (CSR): the
// partners of unit x above it, ascending, in partner[begin[x], begin[x + 1]),
// and their similarities at the same places. 12 bytes a pair, where a hash map
// of them took ~40 and the scored list before it 16 more (issue 15).
struct ScoredPairs {
  std::vector<uint32_t> begin;  // by unit, n + 1 (empty: no pairs)
  std::vector<uint32_t> partner;
  std::vector<double> s;

  // The index of the pair (x < y) in partner and s, or npos.
  size_t find(uint32_t x, uint32_t y) const {
    if (size_t{x} + 1 >= begin.size()) return npos;
    const uint32_t* first = partner.data() + begin[x];
    const uint32_t* last = partner.data() + begin[x + 1];
    const uint32_t* it = std::lower_bound(first, last, y);
    return it != last && *it == y ? size_t(it - partner.data()) : npos;
  }
  static constexpr size_t npos = SIZE_MAX;
  // In s: a pair left for the cache to compute when asked.
  static constexpr double kUnscored = std::numeric_limits<double>::quiet_NaN();
};

// Similarities of unit pairs, each computed once: the candidates' first (as
// scored: `scored`, or add()ed), any other pair when first asked for, in the
// order asked.
class SimilarityCache {
 public:
  SimilarityCache(std::span<const PreparedDoc> prepared,
                  const std::unordered_map<uint64_t, double>& copy_of, const StoryParams& params,
                  ScoredPairs scored = {})
      : prepared_(prepared), copy_of_(copy_of), params_(params), scored_(std::move(scored)) {}
  void add(uint64_t key, double s) { sim_.emplace(key, s); }
  void reserve(size_t n) { sim_.reserve(n); }
  double operator()(uint32_t x, uint32_t y) {
    const size_t i = scored_.find(std::min(x, y), std::max(x, y));
    if (i != ScoredPairs::npos && !std::isnan(scored_.s[i])) return scored_.s[i];
    const uint64_t k = unit_pair_key(x, y);
    auto it = sim_.find(k);
    if (it != sim_.end()) return it->second;
    auto c = copy_of_.find(k);
    const double s =
        similarity(prepared_[x], prepared_[y], params_, c == copy_of_.end() ? 0.0 : c->second)
            .total;
    sim_.emplace(k, s);
    return s;
  }

 private:
  std::span<const PreparedDoc> prepared_;
  const std::unordered_map<uint64_t, double>& copy_of_;
  const StoryParams& params_;
  ScoredPairs scored_;
  std::unordered_map<uint64_t, double> sim_;  // other unit pairs -> story similarity
};

}  // namespace

void story_candidate_features(const StoryFeatures& unit, const StoryStats& stats,
                              std::vector<uint64_t>& out) {
  candidate_features_of(prepare(unit, stats), out);
}

std::vector<double> pair_similarities(std::span<const StoryFeatures* const> units,
                                      std::span<const std::pair<uint32_t, uint32_t>> pairs,
                                      std::span<const double> copy, const StoryStats& stats,
                                      const StoryParams& params, const RangeLoop& loop) {
  std::vector<PreparedDoc> prepared(units.size());
  loop(units.size(), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) prepared[i] = prepare(*units[i], stats);
  });
  std::vector<double> out(pairs.size(), 0.0);
  loop(pairs.size(), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const auto [x, y] = pairs[i];
      if (x >= prepared.size() || y >= prepared.size()) continue;
      out[i] = similarity(prepared[x], prepared[y], params, i < copy.size() ? copy[i] : 0.0).total;
    }
  });
  return out;
}

std::vector<StoryGroup> story_groups(std::span<const StoryFeatures* const> units,
                                     std::span<const ScoredPair> candidates,
                                     std::span<const ScoredPair> copies, const StoryStats& stats,
                                     const StoryParams& params) {
  const auto n = static_cast<uint32_t>(units.size());
  std::vector<PreparedDoc> prepared(n);
  for (uint32_t u = 0; u < n; ++u) prepared[u] = prepare(*units[u], stats);
  std::unordered_map<uint64_t, double> copy_of;
  for (const ScoredPair& c : copies) {
    if (c.x < n && c.y < n && c.x != c.y) copy_of[unit_pair_key(c.x, c.y)] = c.s;
  }
  SimilarityCache sim(prepared, copy_of, params);
  std::vector<Edge> edges;
  sim.reserve(candidates.size());
  for (const ScoredPair& c : candidates) {
    if (c.x >= n || c.y >= n || c.x == c.y) continue;
    sim.add(unit_pair_key(c.x, c.y), c.s);
    if (c.s >= params.link) edges.push_back({c.s, std::min(c.x, c.y), std::max(c.x, c.y)});
  }
  auto [units_in, group] = agglomerate(
      std::vector<char>(n, 1), std::move(edges), sim,
      [&](uint32_t u) -> const StoryFeatures& { return *units[u]; }, params);
  std::vector<StoryGroup> out;
  for (uint32_t u = 0; u < n; ++u) {
    if (group[u] != u || units_in[u].size() < 2) continue;
    StoryGroup g;
    g.units = units_in[u];
    g.cohesion = group_cohesion(g.units, sim);
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const StoryGroup& a, const StoryGroup& b) {
    return *std::min_element(a.units.begin(), a.units.end()) <
           *std::min_element(b.units.begin(), b.units.end());
  });
  return out;
}

std::vector<Story> cluster_stories(std::span<const StoryFeatures> docs, const StoryStats& stats,
                                   std::span<const Link> links, std::span<const Family> families,
                                   const StoryParams& params, const RangeLoop& loop) {
  const auto n = static_cast<uint32_t>(docs.size());
  std::vector<char> is_root(n, 1);  // members of a family speak through its root
  for (const Family& f : families) {
    for (uint32_t m : f.members) is_root[m] = m == f.root;
  }
  std::vector<PreparedDoc> prepared(n);
  for (uint32_t d = 0; d < n; ++d) {
    if (is_root[d]) {
      prepared[d] = prepare(docs[d], stats);
    } else {
      prepared[d].features = &docs[d];
    }
  }
  return cluster_stories(prepared, links, families, params, loop);
}

std::vector<Story> cluster_stories(std::span<const PreparedDoc> prepared,
                                   std::span<const Link> links, std::span<const Family> families,
                                   const StoryParams& params, const RangeLoop& loop) {
  const auto n = static_cast<uint32_t>(prepared.size());
  // Units: a copy family is one unit represented by its root; other documents stand alone.
  std::vector<uint32_t> unit_of(n);
  std::iota(unit_of.begin(), unit_of.end(), 0u);
  for (const Family& f : families) {
    for (uint32_t m : f.members) unit_of[m] = f.root;
  }
  const auto pair_key = unit_pair_key;
  std::unordered_map<uint64_t, double> copy_of;  // links the family guard kept apart still count
  for (const Link& l : links) {
    copy_of[pair_key(unit_of[l.a], unit_of[l.b])] =
        std::max({copy_of[pair_key(unit_of[l.a], unit_of[l.b])], l.overlap.containment_a_in_b(),
                  l.overlap.containment_b_in_a()});
  }

  // Candidate unit pairs (story/candidates.h).
  CandidateInput input;
  input.units = n;
  input.features = [&](uint32_t d, std::vector<uint64_t>& out) {
    if (unit_of[d] == d) candidate_features_of(prepared[d], out);
  };
  input.time = [&](uint32_t d) { return prepared[d].features->time; };
  // PERF: each unit's copy partners in one array (CSR), so that the test the
  // candidate search makes for every partner it touches is a short scan, not
  // a hash look-up (which was 5% of a default scan).
  std::vector<uint32_t> copy_begin(size_t{n} + 1, 0), copy_partner(2 * copy_of.size());
  for (const auto& [k, c] : copy_of) ++copy_begin[k >> 32], ++copy_begin[uint32_t(k)];
  for (uint32_t d = 0; d < n; ++d) copy_begin[d + 1] += copy_begin[d];
  for (const auto& [k, c] : copy_of) {
    copy_partner[--copy_begin[k >> 32]] = uint32_t(k);
    copy_partner[--copy_begin[uint32_t(k)]] = static_cast<uint32_t>(k >> 32);
  }
  input.copies = [&](uint64_t k) {
    const auto x = static_cast<uint32_t>(k >> 32), y = static_cast<uint32_t>(k);
    const uint32_t* begin = copy_partner.data() + copy_begin[x];
    const uint32_t* end = copy_partner.data() + copy_begin[x + 1];
    return std::find(begin, end, y) != end;
  };
  CandidateParams cp;
  cp.max_postings = params.max_postings;
  cp.max_reads = params.max_reads;
  ScoredPairs scored;
  {
    // PERF (memory): the sorted keys become the flat table at once and go;
    // scored by unit, so that a unit's spilled terms are read once in a row.
    const std::vector<uint64_t> candidates = candidate_pairs(input, cp, loop);
    scored.begin.assign(size_t{n} + 1, 0);
    for (uint64_t k : candidates) ++scored.begin[(k >> 32) + 1];
    std::partial_sum(scored.begin.begin(), scored.begin.end(), scored.begin.begin());
    scored.partner.resize(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) scored.partner[i] = uint32_t(candidates[i]);
  }
  // The candidate search was their only reader: input.copies must not be
  // called from here on.
  std::vector<uint32_t>().swap(copy_begin);
  std::vector<uint32_t>().swap(copy_partner);
  // The candidates' similarities, computed in parallel chunks of units.
  // PERF: a pair whose discounts (time apart, conflicting years) keep it
  // below the link threshold cannot be an edge: it is not scored here but
  // left to the cache, which computes it if the agglomeration asks (the
  // same value, so no record changes). The margin covers rounding.
  scored.s.resize(scored.partner.size());
  loop(n, [&](size_t begin, size_t end) {
    for (auto x = static_cast<uint32_t>(begin); x < end; ++x) {
      for (uint32_t i = scored.begin[x]; i < scored.begin[x + 1]; ++i) {
        const uint32_t y = scored.partner[i];
        auto c = copy_of.find(unit_pair_key(x, y));
        const double copy = c == copy_of.end() ? 0.0 : c->second;
        if (story_similarity_bound(*prepared[x].features, *prepared[y].features, params, copy) *
                (1 + 1e-9) <
            params.link) {
          scored.s[i] = ScoredPairs::kUnscored;
          continue;
        }
        scored.s[i] = similarity(prepared[x], prepared[y], params, copy).total;
      }
    }
  });
  std::vector<Edge> edges;
  for (uint32_t x = 0; x < n; ++x) {
    for (uint32_t i = scored.begin[x]; i < scored.begin[x + 1]; ++i) {
      if (scored.s[i] >= params.link) edges.push_back({scored.s[i], x, scored.partner[i]});
    }
  }
  SimilarityCache unit_similarity(prepared, copy_of, params, std::move(scored));
  std::vector<char> is_unit(n);
  for (uint32_t d = 0; d < n; ++d) is_unit[d] = unit_of[d] == d;
  auto [units_in, group] = agglomerate(
      is_unit, std::move(edges), unit_similarity,
      [&](uint32_t u) -> const StoryFeatures& { return *prepared[u].features; }, params);

  // Stories: groups covering two or more documents, numbered by smallest member.
  std::vector<int32_t> family_of_root(n, -1);
  for (const Family& f : families) family_of_root[f.root] = static_cast<int32_t>(f.id);
  std::vector<std::vector<uint32_t>> members(n);
  for (uint32_t d = 0; d < n; ++d) members[group[unit_of[d]]].push_back(d);
  std::vector<Story> stories;
  for (uint32_t d = 0; d < n; ++d) {
    const uint32_t g = group[unit_of[d]];
    if (members[g].size() < 2 || members[g].front() != d) continue;
    Story s;
    s.id = static_cast<uint32_t>(stories.size());
    s.members = members[g];
    for (uint32_t u : units_in[g]) {
      if (family_of_root[u] >= 0) s.families.push_back(uint32_t(family_of_root[u]));
    }
    std::sort(s.families.begin(), s.families.end());
    s.cohesion = group_cohesion(units_in[g], unit_similarity);
    stories.push_back(std::move(s));
  }
  return stories;
}

}  // namespace kindred::story
