// The story stage in parts (story/stories.h, story/candidates.h), as a front
// end that holds the documents apart composes it: statistics from parts of
// the collection, and the groups of each connected component of the edges
// found on their own, give the statistics and the stories of cluster_stories()
// over the whole collection, on a generated corpus with stories and copies.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>
#include <vector>

#include "kindred/pipeline.h"
#include "normalize/tokenize.h"
#include "story/candidates.h"
#include "story/features.h"
#include "story/stories.h"
#include "story/story_params.h"
#include "synth/generator.h"
#include "util/disjoint_sets.h"

namespace kindred::story {
namespace {

struct Collection {
  ScanResult result;
  std::vector<StoryFeatures> features;
};

const Collection& collection() {
  static const Collection c = [] {
    synth::CorpusSpec spec;
    spec.documents = 1500;
    spec.seed = 11;
    spec.stories.fraction = 0.5;
    const synth::Corpus corpus = synth::generate_corpus(spec);
    ScanOptions options;
    options.threads = 2;
    options.passages = false;
    options.rewrites = false;
    options.keep_text = true;
    Scanner scanner(Params{}, options);
    scanner.add(corpus.documents);
    Collection out;
    out.result = scanner.finish();
    std::string buffer;
    for (uint32_t i = 0; i < out.result.docs.size(); ++i) {
      const DocInfo& d = out.result.docs[i];
      const std::string_view text = document_text(out.result, i, buffer);
      std::vector<normalize::Token> tokens;
      normalize::tokenize(text, tokens);
      out.features.push_back(extract_features(text, tokens, d.time));
    }
    return out;
  }();
  return c;
}

TEST(StoryParts, StatisticsFromPartsEqualThoseOfTheWhole) {
  const auto& f = collection().features;
  const std::span<const StoryFeatures> all(f);
  const StoryStats whole(all);
  // Three parts of unequal size, merged out of order.
  const size_t cut1 = f.size() / 5, cut2 = f.size() / 2;
  const StoryStatsPart merged =
      merge_stats_parts(story_stats_part(all.subspan(cut2)),
                        merge_stats_parts(story_stats_part(all.first(cut1)),
                                          story_stats_part(all.subspan(cut1, cut2 - cut1))));
  const std::vector<uint32_t> ids = canonical_name_ids(merged.names);
  std::vector<uint32_t> counts;
  count_names(all.first(cut1), merged.names, ids, counts);
  count_names(all.subspan(cut1), merged.names, ids, counts);
  const StoryStats parts(merged, ids, counts);
  ASSERT_EQ(parts.documents(), whole.documents());
  size_t names = 0, variants = 0;
  for (const StoryFeatures& d : f) {
    for (const auto& [h, c] : d.terms) ASSERT_EQ(parts.term_idf(h), whole.term_idf(h));
    for (uint64_t h : d.numbers) ASSERT_EQ(parts.number_idf(h), whole.number_idf(h));
    for (const std::string& k : d.names) {
      ASSERT_EQ(parts.name_id(k), whole.name_id(k)) << k;
      ASSERT_EQ(parts.name_idf(parts.name_id(k)), whole.name_idf(whole.name_id(k))) << k;
      ++names;
    }
  }
  for (uint32_t i = 1; i < ids.size(); ++i) variants += ids[i] <= ids[i - 1];
  EXPECT_GT(names, 1000u);
  EXPECT_GT(variants, 0u) << "no spelling variants merged: the merge across parts is untested";
}

TEST(StoryParts, GroupsOfEachComponentAreTheStoriesOfTheWhole) {
  const Collection& c = collection();
  const auto& f = c.features;
  const auto n = static_cast<uint32_t>(f.size());
  const StoryParams params = story_params(Params{});
  const StoryStats stats{std::span<const StoryFeatures>(f)};
  const std::vector<Story> expected =
      cluster_stories(f, stats, c.result.links, c.result.families, params);
  ASSERT_GT(expected.size(), 50u);

  // Units and the copy containment of unit pairs, as cluster_stories() takes them.
  std::vector<uint32_t> unit_of(n);
  std::iota(unit_of.begin(), unit_of.end(), 0u);
  for (const Family& fam : c.result.families) {
    for (uint32_t m : fam.members) unit_of[m] = fam.root;
  }
  std::unordered_map<uint64_t, double> copy_of;
  for (const Link& l : c.result.links) {
    double& x = copy_of[unit_pair_key(unit_of[l.a], unit_of[l.b])];
    x = std::max({x, l.overlap.containment_a_in_b(), l.overlap.containment_b_in_a()});
  }
  CandidateInput input;
  input.units = n;
  input.features = [&](uint32_t d, std::vector<uint64_t>& out) {
    if (unit_of[d] == d) story_candidate_features(f[d], stats, out);
  };
  input.time = [&](uint32_t d) { return f[d].time; };
  input.copies = [&](uint64_t k) { return copy_of.count(k) > 0; };
  CandidateParams cp;
  cp.max_postings = params.max_postings;
  cp.max_reads = params.max_reads;
  const std::vector<uint64_t> candidates = candidate_pairs(input, cp);
  std::vector<const StoryFeatures*> ptrs(n);
  for (uint32_t d = 0; d < n; ++d) ptrs[d] = &f[d];
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  std::vector<double> copy;
  for (uint64_t k : candidates) {
    pairs.emplace_back(uint32_t(k >> 32), uint32_t(k));
    auto it = copy_of.find(k);
    copy.push_back(it == copy_of.end() ? 0.0 : it->second);
  }
  const std::vector<double> sims = pair_similarities(ptrs, pairs, copy, stats, params);

  // Components of the edges (similarity >= link); every unit of a family of
  // copies is a component of its own when no edge reaches it.
  util::DisjointSets sets(n);
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (sims[i] >= params.link) sets.unite(pairs[i].first, pairs[i].second);
  }
  std::map<uint32_t, std::vector<uint32_t>> components;  // by representative: units ascending
  for (uint32_t d = 0; d < n; ++d) {
    if (unit_of[d] == d) components[sets.find(d)].push_back(d);
  }
  std::vector<std::vector<uint32_t>> members_of_unit(n);
  for (uint32_t d = 0; d < n; ++d) members_of_unit[unit_of[d]].push_back(d);
  std::vector<int32_t> family_of_root(n, -1);
  for (const Family& fam : c.result.families) family_of_root[fam.root] = int32_t(fam.id);

  std::vector<Story> got;
  size_t multi = 0;
  for (const auto& [rep, units] : components) {
    std::vector<const StoryFeatures*> local(units.size());
    std::unordered_map<uint32_t, uint32_t> at;
    for (uint32_t i = 0; i < units.size(); ++i) local[i] = &f[units[i]], at[units[i]] = i;
    std::vector<ScoredPair> cands, copies;
    for (size_t i = 0; i < pairs.size(); ++i) {
      auto x = at.find(pairs[i].first), y = at.find(pairs[i].second);
      if (x != at.end() && y != at.end()) cands.push_back({x->second, y->second, sims[i]});
    }
    for (const auto& [k, v] : copy_of) {
      auto x = at.find(uint32_t(k >> 32)), y = at.find(uint32_t(k));
      if (x != at.end() && y != at.end()) copies.push_back({x->second, y->second, v});
    }
    std::vector<StoryGroup> groups = story_groups(local, cands, copies, stats, params);
    multi += !groups.empty();
    std::vector<bool> grouped(units.size(), false);
    for (const StoryGroup& g : groups) {
      for (uint32_t u : g.units) grouped[u] = true;
    }
    for (uint32_t u = 0; u < units.size(); ++u) {  // a family alone is a story of copies
      if (!grouped[u] && members_of_unit[units[u]].size() >= 2) groups.push_back({{u}, 1.0});
    }
    for (const StoryGroup& g : groups) {
      Story s;
      for (uint32_t u : g.units) {
        const uint32_t unit = units[u];
        s.members.insert(s.members.end(), members_of_unit[unit].begin(),
                         members_of_unit[unit].end());
        if (family_of_root[unit] >= 0) s.families.push_back(uint32_t(family_of_root[unit]));
      }
      std::sort(s.members.begin(), s.members.end());
      std::sort(s.families.begin(), s.families.end());
      s.cohesion = g.cohesion;
      got.push_back(std::move(s));
    }
  }
  EXPECT_GT(multi, 20u);
  // Numbered by smallest member.
  std::sort(got.begin(), got.end(),
            [](const Story& a, const Story& b) { return a.members.front() < b.members.front(); });
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].members, expected[i].members) << "story " << i;
    EXPECT_EQ(got[i].families, expected[i].families) << "story " << i;
    EXPECT_EQ(got[i].cohesion, expected[i].cohesion) << "story " << i;  // the same sums, in order
  }
}

}  // namespace
}  // namespace kindred::story
