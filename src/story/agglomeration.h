// Story, internal: the agglomeration of units into stories, shared by
// cluster_stories() and story_groups() (stories.cpp), so that scan, live and
// Dask group alike. Only stories.cpp includes it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "story/features.h"
#include "story/stories.h"

namespace kindred::story::detail {

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

// Two events of one kind share their kind's words and often its people;
// the year each report names tells them apart. A conflict only when both
// write years (most reports of a recent event write none) and one of them
// dates itself ("since 2006" and "by 2027" in two reports of one strike are
// no conflict). For two reports, or two groups of reports (their years
// together), `years` sorted and unique.
inline bool years_conflict(const std::vector<uint16_t>& years_a, bool a_dated,
                           const std::vector<uint16_t>& years_b, bool b_dated) {
  return !years_a.empty() && !years_b.empty() && (a_dated || b_dated) &&
         !shares_value(years_a, years_b);
}

// A candidate pair of units and its story similarity.
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
// A group the agglomeration leaves smaller than the group its strongest edge
// out leads to (its edges lead to groups whose mean similarity to it is below
// the cohesion) then joins that group, when that edge is at least half the
// group's own cohesion, and, if both have kMinInterconnectedGroup units or
// more, when they are interconnected (below): a report whose nearest
// neighbour is a clear match belongs to that neighbour's story even when it
// shares less with the rest, and so do a few reports of one event that the
// linkage grouped apart (short reports that name the event's parts
// differently: "four robbers on Avenue Montaigne", "armed robbers stole 85
// million euros"); a unit far below a tight group (a decoy next to the
// reports of one event) stays out, and so does the other event of one kind,
// whose nearest-neighbour links do not cross (figures in BENCHMARKS.md, issue
// 14, session 11). Nor does a group of two or more whose texts together write
// years that conflict with the other group's (years_conflict(), the test the
// similarity of two reports makes, on the years of all their texts: one
// event's reports seldom all write its year, a group's together do). A group
// joins only a larger one, and where that one ends up, so the joins form no cycle.
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
inline std::vector<uint32_t> nearest_neighbours(uint32_t n, const std::vector<Edge>& sorted_edges,
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
inline bool interconnected(const std::vector<uint32_t>& units_x,
                           const std::vector<uint32_t>& units_y, const std::vector<uint32_t>& group,
                           const std::vector<uint32_t>& nearest, uint32_t k,
                           double interconnection) {
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

// The years the units' texts write together (sorted, unique), and whether one of them dates itself.
template <typename Features>
std::pair<std::vector<uint16_t>, bool> years_of(const std::vector<uint32_t>& units,
                                                Features&& features_of) {
  std::vector<uint16_t> years;
  bool dated = false;
  for (uint32_t u : units) {
    const StoryFeatures& f = features_of(u);
    years.insert(years.end(), f.years.begin(), f.years.end());
    dated = dated || !f.dated_years.empty();
  }
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return {std::move(years), dated};
}

// features_of(u) is the StoryFeatures of unit u.
template <typename Similarity, typename Features>
std::pair<std::vector<std::vector<uint32_t>>, std::vector<uint32_t>> agglomerate(
    const std::vector<char>& is_unit, std::vector<Edge> edges, Similarity&& unit_similarity,
    Features&& features_of, const StoryParams& params) {
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
  // Groups left smaller than the group of their strongest edge out join it
  // (see above), all decided on the groups as the linkage left them.
  std::vector<uint32_t> joins(n, kNoUnit);           // by group: the group it joins
  std::vector<char> decided(n, 0);                   // by group: its strongest edge out seen
  std::unordered_map<uint32_t, double> cohesion_of;  // by group, computed when first asked for
  for (const Edge& e : edges) {
    for (const auto& [u, v] : {std::pair{e.x, e.y}, std::pair{e.y, e.x}}) {
      const uint32_t from = group[u], to = group[v];
      if (from == to || decided[from]) continue;
      decided[from] = 1;  // only its strongest edge out counts
      if (units_in[to].size() <= units_in[from].size()) continue;
      auto it = cohesion_of.find(to);
      if (it == cohesion_of.end())
        it = cohesion_of.emplace(to, group_cohesion(units_in[to], unit_similarity)).first;
      if (e.s < 0.5 * it->second) continue;
      if (units_in[from].size() >= kMinInterconnectedGroup &&
          !interconnected(units_in[from], units_in[to], group, nearest, k, params.interconnection))
        continue;
      if (units_in[from].size() >= 2) {
        const auto [years_from, from_dated] = years_of(units_in[from], features_of);
        const auto [years_to, to_dated] = years_of(units_in[to], features_of);
        if (years_conflict(years_from, from_dated, years_to, to_dated)) continue;
      }
      joins[from] = to;
    }
  }
  // A group joins where the group it joins ends up: those are larger, so every chain ends.
  std::vector<std::pair<uint32_t, uint32_t>> moves;  // (group, group it ends in)
  for (uint32_t g = 0; g < n; ++g) {
    if (joins[g] == kNoUnit) continue;
    uint32_t to = joins[g];
    while (joins[to] != kNoUnit) to = joins[to];
    moves.emplace_back(g, to);
  }
  for (const auto& [from, to] : moves) {
    for (uint32_t u : units_in[from]) group[u] = to;
    units_in[to].insert(units_in[to].end(), units_in[from].begin(), units_in[from].end());
    units_in[from].clear();
  }
  return {std::move(units_in), std::move(group)};
}

}  // namespace kindred::story::detail
