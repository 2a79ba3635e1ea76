#include "story/stories.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kindred::story {

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

// True when two sorted vectors hold a common value.
template <typename T>
bool shares_value(const std::vector<T>& a, const std::vector<T>& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) return true;
    a[i] < b[j] ? ++i : ++j;
  }
  return false;
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
  double sum = 0;
  size_t i = 0, j = 0;
  while (i < a.terms.size() && j < b.terms.size()) {
    const uint32_t x = a.terms[i].id, y = b.terms[j].id;
    if (x == y) sum += stats.term_weight(a.terms[i]) * stats.term_weight(b.terms[j]);
    i += x <= y;
    j += y <= x;
  }
  return sum;
}

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
  if (a.features->time && b.features->time) {
    const double days = std::abs(double(*a.features->time - *b.features->time)) / 86400.0;
    const double w = params.time_window_days;
    e.time_factor = days <= w ? 1.0 : std::pow(0.5, (days - w) / w);
  }
  // Two events of one kind share their kind's words and often its people;
  // the year each report names tells them apart. Only when both write years
  // (most reports of a recent event write none) and one of them dates itself:
  // "since 2006" and "by 2027" in two reports of one strike are no conflict.
  const StoryFeatures& fa = *a.features;
  const StoryFeatures& fb = *b.features;
  if (!fa.years.empty() && !fb.years.empty() &&
      (!fa.dated_years.empty() || !fb.dated_years.empty()) && !shares_value(fa.years, fb.years))
    e.conflict_factor = params.year_conflict;
  // The same, weaker, for the days of the week the texts name ("on
  // Saturday"): a follow-up may name only the day of its own news.
  if (fa.weekdays != 0 && fb.weekdays != 0 && (fa.weekdays & fb.weekdays) == 0)
    e.conflict_factor *= params.weekday_conflict;
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
  for (const TermCount& t : p.terms)
    top.emplace_back(-p.stats->term_weight(t), p.stats->term_hash(t.id));
  const size_t keep = std::min(kTermsPerDoc, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<long>(keep), top.end());
  for (size_t i = 0; i < keep; ++i) out.push_back(top[i].second & ~(uint64_t{1} << 63));
  for (const auto& [id, w] : p.names) out.push_back((uint64_t{1} << 63) | id);
}

struct Edge {
  double s;
  uint32_t x, y;
};

// Mean similarity of the unit pairs of a group (1 for one unit: a family of copies).
template <typename Similarity>
double group_cohesion(const std::vector<uint32_t>& units, Similarity&& unit_similarity) {
  double total = 0;
  size_t pairs = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    for (size_t j = i + 1; j < units.size(); ++j, ++pairs) {
      total += unit_similarity(units[i], units[j]);
    }
  }
  return pairs > 0 ? total / double(pairs) : 1.0;
}

// Average-linkage agglomeration over the units (is_unit[u]) along the edges,
// strongest first (ties by pair). unit_similarity(u, v) is the story
// similarity of any two units; a group only ever merges along an edge, so the
// groups of a set of units that no edge leaves do not depend on the others.
// A unit the agglomeration leaves alone although it has an edge (its edges
// lead to groups whose mean similarity to it is below the cohesion) then
// joins the group of its strongest edge, when that edge is at least half the
// group's own cohesion: a report whose nearest neighbour is a clear match
// belongs to that neighbour's story even when it shares less with the rest
// (on ECB+, 33 of 37 such reports join their own event), while a unit far
// below a tight group (a decoy next to the reports of one event) stays out.
// Decided on the groups as they stand, so the order of the units does not matter.
// Returns the units of each group (in order of merging) by group, and each
// unit's group.
//
// Two groups of kMinInterconnectedGroup units or more merge only when they are
// interconnected (the relative interconnectivity of Chameleon, Karypis, Han and
// Kumar 1999, on the graph of each unit's `neighbours` strongest edges): of
// those links of their units that stay inside the two groups, the share that
// crosses between them must be at least `interconnection` times the share
// expected if the units were mixed at random, 2|A||B| / (n(n-1)) for
// n = |A| + |B|. Two events of one kind share their kind's words (on ECB+, the
// mean similarity between the reports of two events of one topic is
// 0.31-0.39, over the cohesion), but each report's nearest neighbours are
// reports of its own event: the links cross at 8-19% of the random share,
// where halves of one story mostly cross at 40-90% (a few at 20-40%). Smaller groups are judged by
// the mean alone: a unit or a pair has too few links to count. Each test reads `neighbours` links
// per unit of the two groups, less than the mean reads.
constexpr size_t kMinInterconnectedGroup = 3;

// Each unit's up to `k` strongest edges, as the other units (edges sorted
// strongest first); kNoUnit where it has fewer.
constexpr uint32_t kNoUnit = UINT32_MAX;
std::vector<uint32_t> nearest_neighbours(uint32_t n, const std::vector<Edge>& sorted_edges,
                                         uint32_t k) {
  std::vector<uint32_t> nearest(size_t{n} * k, kNoUnit);
  std::vector<uint32_t> count(n, 0);
  for (const Edge& e : sorted_edges) {
    if (count[e.x] < k) nearest[size_t{e.x} * k + count[e.x]++] = e.y;
    if (count[e.y] < k) nearest[size_t{e.y} * k + count[e.y]++] = e.x;
  }
  return nearest;
}

// The interconnection test above for the groups of units_x and units_y.
bool interconnected(const std::vector<uint32_t>& units_x, const std::vector<uint32_t>& units_y,
                    const std::vector<uint32_t>& group, const std::vector<uint32_t>& nearest,
                    uint32_t k, double interconnection) {
  const uint32_t gx = group[units_x.front()], gy = group[units_y.front()];
  size_t crossing = 0, inside = 0;
  for (const auto* units : {&units_x, &units_y}) {
    for (uint32_t u : *units) {
      const uint32_t own = group[u];
      for (size_t i = size_t{u} * k; i < size_t{u + 1} * k && nearest[i] != kNoUnit; ++i) {
        const uint32_t g = group[nearest[i]];
        if (g == own) {
          ++inside;
        } else if (g == gx || g == gy) {
          ++crossing;
        }
      }
    }
  }
  if (crossing + inside == 0) return true;  // no links to judge by
  const double nx = double(units_x.size()), ny = double(units_y.size()), n = nx + ny;
  const double expected = 2 * nx * ny / (n * (n - 1));
  return double(crossing) / double(crossing + inside) >= interconnection * expected;
}

template <typename Similarity>
std::pair<std::vector<std::vector<uint32_t>>, std::vector<uint32_t>> agglomerate(
    const std::vector<char>& is_unit, std::vector<Edge> edges, Similarity&& unit_similarity,
    const StoryParams& params) {
  const auto n = static_cast<uint32_t>(is_unit.size());
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    return a.s != b.s ? a.s > b.s : std::tie(a.x, a.y) < std::tie(b.x, b.y);
  });
  const uint32_t k = params.neighbours;
  const std::vector<uint32_t> nearest = nearest_neighbours(n, edges, k);
  std::vector<uint32_t> group(n);
  std::iota(group.begin(), group.end(), 0u);
  std::vector<std::vector<uint32_t>> units_in(n);
  for (uint32_t d = 0; d < n; ++d) {
    if (is_unit[d]) units_in[d] = {d};
  }
  for (const Edge& e : edges) {
    const uint32_t gx = group[e.x], gy = group[e.y];
    if (gx == gy) continue;
    double total = 0;
    for (uint32_t u : units_in[gx]) {
      for (uint32_t v : units_in[gy]) total += unit_similarity(u, v);
    }
    const double mean = total / double(units_in[gx].size() * units_in[gy].size());
    if (mean < params.cohesion) continue;
    if (units_in[gx].size() >= kMinInterconnectedGroup &&
        units_in[gy].size() >= kMinInterconnectedGroup &&
        !interconnected(units_in[gx], units_in[gy], group, nearest, k, params.interconnection))
      continue;
    const uint32_t into = units_in[gx].size() >= units_in[gy].size() ? gx : gy;
    const uint32_t from = into == gx ? gy : gx;
    for (uint32_t u : units_in[from]) group[u] = into;
    units_in[into].insert(units_in[into].end(), units_in[from].begin(), units_in[from].end());
    units_in[from].clear();
  }
  std::vector<std::pair<uint32_t, uint32_t>> joins;  // (unit alone, group it joins)
  std::vector<char> decided(n, 0);
  std::unordered_map<uint32_t, double> cohesion_of;  // by group, computed when first asked for
  for (const Edge& e : edges) {
    for (const auto& [u, v] : {std::pair{e.x, e.y}, std::pair{e.y, e.x}}) {
      if (decided[u] || units_in[group[u]].size() != 1) continue;
      decided[u] = 1;  // only its strongest edge counts
      const uint32_t g = group[v];
      if (units_in[g].size() < 2) continue;
      auto it = cohesion_of.find(g);
      if (it == cohesion_of.end())
        it = cohesion_of.emplace(g, group_cohesion(units_in[g], unit_similarity)).first;
      if (e.s >= 0.5 * it->second) joins.emplace_back(u, g);
    }
  }
  for (const auto& [u, g] : joins) {
    units_in[group[u]].clear();
    group[u] = g;
    units_in[g].push_back(u);
  }
  return {std::move(units_in), std::move(group)};
}

// Similarities of unit pairs, each computed once: the candidates' first (as
// scored), any other pair when first asked for, in the order asked.
class SimilarityCache {
 public:
  SimilarityCache(std::span<const PreparedDoc> prepared,
                  const std::unordered_map<uint64_t, double>& copy_of, const StoryParams& params)
      : prepared_(prepared), copy_of_(copy_of), params_(params) {}
  void add(uint64_t key, double s) { sim_.emplace(key, s); }
  void reserve(size_t n) { sim_.reserve(n); }
  double operator()(uint32_t x, uint32_t y) {
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
  std::unordered_map<uint64_t, double> sim_;  // unit pair -> story similarity
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
  auto [units_in, group] = agglomerate(std::vector<char>(n, 1), std::move(edges), sim, params);
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
  const std::vector<uint64_t> candidates = candidate_pairs(input, cp, loop);

  // The candidates' similarities, computed in parallel chunks.
  struct Scored {
    uint64_t key;
    double s;
  };
  std::vector<Scored> scored(candidates.size());
  loop(candidates.size(), [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const uint64_t k = candidates[i];
      auto c = copy_of.find(k);
      scored[i] = {k, similarity(prepared[k >> 32], prepared[uint32_t(k)], params,
                                 c == copy_of.end() ? 0.0 : c->second)
                          .total};
    }
  });
  SimilarityCache unit_similarity(prepared, copy_of, params);
  unit_similarity.reserve(scored.size());
  std::vector<Edge> edges;
  for (const Scored& c : scored) {
    unit_similarity.add(c.key, c.s);
    if (c.s >= params.link) {
      edges.push_back({c.s, static_cast<uint32_t>(c.key >> 32), static_cast<uint32_t>(c.key)});
    }
  }
  std::vector<char> is_unit(n);
  for (uint32_t d = 0; d < n; ++d) is_unit[d] = unit_of[d] == d;
  auto [units_in, group] = agglomerate(is_unit, std::move(edges), unit_similarity, params);

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
