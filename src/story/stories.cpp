#include "story/stories.h"

#include "story/agglomeration.h"
#include "util/disjoint_sets.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <numeric>
#include <unordered_set>

namespace kindred::story {

namespace {

using detail::agglomerate;
using detail::Edge;
using detail::group_cohesion;
using detail::years_conflict;
using util::DisjointSets;

double idf(double documents, double background, double df) {
  return std::log((documents + background) / (df + 1.0));
}

}  // namespace

size_t KeyCounts::slot_of(uint64_t key) const {
  // Keys are hashes already; the multiply spreads any that are not.
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
  while (slots_[i].first != 0 && slots_[i].first != key) i = (i + 1) & mask;
  return i;
}

void KeyCounts::grow() {
  std::vector<std::pair<uint64_t, uint32_t>> old(std::max<size_t>(64, 2 * slots_.size()));
  old.swap(slots_);
  for (const auto& kv : old) {
    if (kv.first != 0) slots_[slot_of(kv.first)] = kv;
  }
}

void KeyCounts::add(uint64_t key, uint32_t n) {
  if (key == 0) {
    zero_ += n;
    return;
  }
  if (2 * (used_ + 1) > slots_.size()) grow();  // at most half full
  auto& slot = slots_[slot_of(key)];
  if (slot.first == 0) {
    slot.first = key;
    ++used_;
  }
  slot.second += n;
}

std::vector<std::pair<uint64_t, uint32_t>> KeyCounts::sorted_items() const {
  std::vector<std::pair<uint64_t, uint32_t>> out;
  out.reserve(size());
  if (zero_ > 0) out.emplace_back(0, zero_);
  for (const auto& kv : slots_) {
    if (kv.first != 0) out.push_back(kv);
  }
  std::sort(out.begin(), out.end());
  return out;
}

uint32_t KeyCounts::count(uint64_t key) const {
  if (key == 0) return zero_;
  if (slots_.empty()) return 0;
  return slots_[slot_of(key)].second;
}

namespace {

// The distinct name keys of `docs`, sorted (ids in key order, as the results depend on).
std::vector<std::string> distinct_names(std::span<const StoryFeatures> docs) {
  std::unordered_set<std::string_view> distinct;
  for (const auto& d : docs) {
    for (const auto& k : d.names) distinct.insert(k);
  }
  std::vector<std::string> keys(distinct.begin(), distinct.end());
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Sums two count lists sorted by key.
std::vector<std::pair<uint64_t, uint32_t>> sum_counts(
    const std::vector<std::pair<uint64_t, uint32_t>>& a,
    const std::vector<std::pair<uint64_t, uint32_t>>& b) {
  std::vector<std::pair<uint64_t, uint32_t>> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].first < a[i].first) {
      out.push_back(b[j++]);
    } else {
      out.emplace_back(a[i].first, a[i].second + b[j].second);
      ++i, ++j;
    }
  }
  return out;
}

}  // namespace

StoryStatsPart story_stats_part(std::span<const StoryFeatures> docs) {
  StoryStatsPart p;
  p.documents = docs.size();
  KeyCounts terms, numbers;
  for (const auto& d : docs) {
    for (const auto& [h, c] : d.terms) terms.add(h);
    for (uint64_t h : d.numbers) numbers.add(h);
  }
  p.terms = terms.sorted_items();
  p.numbers = numbers.sorted_items();
  p.names = distinct_names(docs);
  return p;
}

StoryStatsPart merge_stats_parts(const StoryStatsPart& a, const StoryStatsPart& b) {
  StoryStatsPart p;
  p.documents = a.documents + b.documents;
  p.terms = sum_counts(a.terms, b.terms);
  p.numbers = sum_counts(a.numbers, b.numbers);
  std::set_union(a.names.begin(), a.names.end(), b.names.begin(), b.names.end(),
                 std::back_inserter(p.names));
  return p;
}

std::vector<uint32_t> canonical_name_ids(std::span<const std::string> keys) {
  // Spelling variants through a deletion neighbourhood (as in SymSpell): two
  // keys one edit apart share a key with one letter deleted, so indexing every
  // such deletion finds all candidate pairs in O(keys x length), whatever
  // letter differs (Wrobel/Vrobel).
  DisjointSets sets(keys.size());
  std::unordered_map<std::string, std::vector<uint32_t>> by_deletion;
  for (uint32_t i = 0; i < keys.size(); ++i) {
    const std::string& k = keys[i];
    if (k.size() < 5) continue;
    std::vector<std::string> variants = {k};
    for (size_t c = 0; c < k.size(); ++c) variants.push_back(k.substr(0, c) + k.substr(c + 1));
    for (const std::string& v : variants) {
      auto& ids = by_deletion[v];
      for (uint32_t other : ids) {
        if (sets.find(other) != sets.find(i) && spelling_variants(keys[other], k))
          sets.unite(other, i);
      }
      ids.push_back(i);
    }
  }
  std::map<uint32_t, uint32_t> canonical;  // set representative -> id
  std::vector<uint32_t> ids(keys.size());
  for (uint32_t i = 0; i < keys.size(); ++i) {
    auto [it, fresh] = canonical.emplace(sets.find(i), static_cast<uint32_t>(canonical.size()));
    ids[i] = it->second;
  }
  return ids;
}

void count_names(std::span<const StoryFeatures> docs, std::span<const std::string> keys,
                 std::span<const uint32_t> ids, std::vector<uint32_t>& counts) {
  std::unordered_map<std::string_view, uint32_t> id_of;
  id_of.reserve(keys.size());
  for (size_t i = 0; i < keys.size() && i < ids.size(); ++i) {
    id_of.emplace(keys[i], ids[i]);
    if (ids[i] >= counts.size()) counts.resize(size_t{ids[i]} + 1, 0);
  }
  std::vector<uint32_t> seen;
  for (const auto& d : docs) {
    seen.clear();
    for (const auto& k : d.names) {
      auto it = id_of.find(k);
      if (it != id_of.end()) seen.push_back(it->second);
    }
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (uint32_t id : seen) ++counts[id];
  }
}

StoryStats::StoryStats(std::span<const StoryFeatures> docs) : documents_(docs.size()) {
  // The steps of StoryStatsPart over one part, counting straight into the tables.
  for (const auto& d : docs) {
    for (const auto& [h, c] : d.terms) term_df_.add(h);
    for (uint64_t h : d.numbers) number_df_.add(h);
  }
  const std::vector<std::string> keys = distinct_names(docs);
  const std::vector<uint32_t> ids = canonical_name_ids(keys);
  for (size_t i = 0; i < keys.size(); ++i) name_ids_[keys[i]] = ids[i];
  name_df_.assign(ids.empty() ? 0 : size_t{*std::max_element(ids.begin(), ids.end())} + 1, 0);
  count_names(docs, keys, ids, name_df_);
}

StoryStats::StoryStats(const StoryStatsPart& whole, std::span<const uint32_t> ids,
                       std::vector<uint32_t> name_documents)
    : documents_(whole.documents), name_df_(std::move(name_documents)) {
  for (const auto& [h, c] : whole.terms) term_df_.add(h, c);
  for (const auto& [h, c] : whole.numbers) number_df_.add(h, c);
  for (size_t i = 0; i < whole.names.size() && i < ids.size(); ++i)
    name_ids_[whole.names[i]] = ids[i];
  uint32_t canonical = 0;
  for (uint32_t id : ids) canonical = std::max(canonical, id + 1);
  name_df_.resize(canonical, 0);
}

double StoryStats::term_idf(uint64_t h) const {
  return idf(double(documents_), background_, double(term_df_.count(h)));
}

double StoryStats::number_idf(uint64_t h) const {
  return idf(double(documents_), background_, double(number_df_.count(h)));
}

double StoryStats::name_idf(uint32_t id) const {
  const double df = id < name_df_.size() ? double(name_df_[id]) : 0.0;
  return idf(double(documents_), background_, df);
}

uint32_t StoryStats::name_id(const std::string& key) const {
  auto it = name_ids_.find(key);
  if (it != name_ids_.end()) return it->second;
  // Unknown key: a variant of a known one, or a fresh id past the known ones.
  for (const auto& [k, id] : name_ids_) {
    if (spelling_variants(k, key)) return id;
  }
  return static_cast<uint32_t>(name_df_.size() + std::hash<std::string>{}(key) % 1000000007u);
}

PreparedDoc prepare(const StoryFeatures& f, const StoryStats& stats) {
  PreparedDoc p;
  p.features = &f;
  p.terms.reserve(f.terms.size());
  p.numbers.reserve(f.numbers.size());
  for (const auto& [h, tf] : f.terms) {
    const double w = (1.0 + std::log(double(tf))) * stats.term_idf(h);
    p.terms.emplace_back(h, w);
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

StoryEvidence similarity(const PreparedDoc& a, const PreparedDoc& b, const StoryParams& params,
                         double copy_containment) {
  StoryEvidence e;
  const double dot = merge_sum(a.terms, b.terms, [](double x, double y) { return x * y; });
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
  const StoryFeatures& fa = *a.features;
  const StoryFeatures& fb = *b.features;
  if (years_conflict(fa.years, !fa.dated_years.empty(), fb.years, !fb.dated_years.empty()))
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
  return similarity(prepare(a, stats), prepare(b, stats), params, copy_containment);
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
  for (const auto& [h, w] : p.terms) top.emplace_back(-w, h);
  const size_t keep = std::min(kTermsPerDoc, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<long>(keep), top.end());
  for (size_t i = 0; i < keep; ++i) out.push_back(top[i].second & ~(uint64_t{1} << 63));
  for (const auto& [id, w] : p.names) out.push_back((uint64_t{1} << 63) | id);
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
