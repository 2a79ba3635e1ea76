// Story, part 2 (statistics): collection counts of stems, names and numbers
// (StoryStats, its parts for the Dask backend, KeyCounts), from stories.h.
#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <unordered_set>

#include "story/stories.h"
#include "util/disjoint_sets.h"

namespace kindred::story {

namespace {

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
  KeyCounts terms;
  for (const auto& d : docs) {
    for (const auto& [h, c] : d.terms) terms.add(h);
    for (uint64_t h : d.numbers) number_df_.add(h);
  }
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> df;
  for (const auto& [h, c] : terms.sorted_items()) hashes.push_back(h), df.push_back(c);
  set_terms(std::move(hashes), df);
  const std::vector<std::string> keys = distinct_names(docs);
  const std::vector<uint32_t> ids = canonical_name_ids(keys);
  for (size_t i = 0; i < keys.size(); ++i) name_ids_[keys[i]] = ids[i];
  name_df_.assign(ids.empty() ? 0 : size_t{*std::max_element(ids.begin(), ids.end())} + 1, 0);
  count_names(docs, keys, ids, name_df_);
}

StoryStats::StoryStats(const StoryStatsPart& whole, std::span<const uint32_t> ids,
                       std::vector<uint32_t> name_documents)
    : documents_(whole.documents), name_df_(std::move(name_documents)) {
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> df;
  for (const auto& [h, c] : whole.terms) hashes.push_back(h), df.push_back(c);
  set_terms(std::move(hashes), df);
  for (const auto& [h, c] : whole.numbers) number_df_.add(h, c);
  for (size_t i = 0; i < whole.names.size() && i < ids.size(); ++i)
    name_ids_[whole.names[i]] = ids[i];
  uint32_t canonical = 0;
  for (uint32_t id : ids) canonical = std::max(canonical, id + 1);
  name_df_.resize(canonical, 0);
}

StoryStats::StoryStats(std::span<const StoryFeatures> docs, std::vector<uint64_t> term_hashes,
                       std::vector<uint32_t> term_documents)
    : documents_(docs.size()) {
  for (const auto& d : docs) {
    for (uint64_t h : d.numbers) number_df_.add(h);
  }
  term_documents.resize(term_hashes.size(), 0);
  set_terms(std::move(term_hashes), term_documents);
  const std::vector<std::string> keys = distinct_names(docs);
  const std::vector<uint32_t> ids = canonical_name_ids(keys);
  for (size_t i = 0; i < keys.size(); ++i) name_ids_[keys[i]] = ids[i];
  name_df_.assign(ids.empty() ? 0 : size_t{*std::max_element(ids.begin(), ids.end())} + 1, 0);
  count_names(docs, keys, ids, name_df_);
}

void StoryStats::set_terms(std::vector<uint64_t> hashes, std::span<const uint32_t> documents) {
  term_hashes_ = std::move(hashes);
  term_df_.assign(documents.begin(), documents.end());
  term_ids_ = KeyCounts();
  for (uint32_t i = 0; i < term_hashes_.size(); ++i) term_ids_.add(term_hashes_[i], i + 1);
  set_background(background_);
}

void StoryStats::set_background(double b) {
  background_ = b;
  term_idf_.resize(term_df_.size());
  for (size_t i = 0; i < term_df_.size(); ++i)
    term_idf_[i] = idf(double(documents_), background_, double(term_df_[i]));
}

std::optional<uint32_t> StoryStats::term_id(uint64_t h) const {
  const uint32_t id = term_ids_.count(h);
  if (id == 0) return std::nullopt;
  return id - 1;
}

double StoryStats::term_idf(uint64_t h) const {
  const std::optional<uint32_t> id = term_id(h);
  return id ? term_idf_[*id] : idf(double(documents_), background_, 0.0);
}

namespace {
// 1 + ln(count) for the counts most terms have, so that a weight costs two
// look-ups (the same value std::log gives each time).
const std::array<double, 64>& count_weights() {
  static const std::array<double, 64> w = [] {
    std::array<double, 64> t{};
    for (size_t c = 1; c < t.size(); ++c) t[c] = 1.0 + std::log(double(c));
    return t;
  }();
  return w;
}
}  // namespace

double StoryStats::term_weight(TermCount t) const {
  const double tf =
      t.count < 64 && t.count > 0 ? count_weights()[t.count] : 1.0 + std::log(double(t.count));
  return tf * term_idf_[t.id];
}

StoryStats StoryStats::covering(std::span<const StoryFeatures* const> docs) const {
  std::vector<uint64_t> missing;
  for (const StoryFeatures* d : docs) {
    for (const auto& [h, c] : d->terms) {
      if (!term_id(h)) missing.push_back(h);
    }
  }
  StoryStats out = *this;
  if (missing.empty()) return out;
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> df;
  size_t j = 0;
  for (size_t i = 0; i < term_hashes_.size() || j < missing.size();) {
    if (j == missing.size() || (i < term_hashes_.size() && term_hashes_[i] < missing[j])) {
      hashes.push_back(term_hashes_[i]), df.push_back(term_df_[i]), ++i;
    } else {
      hashes.push_back(missing[j++]), df.push_back(0);
    }
  }
  out.set_terms(std::move(hashes), df);
  return out;
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

}  // namespace kindred::story
