// The pipeline (tokenise, hash, sketch, LSH, verify) against a deliberately
// naive oracle: shingles as real strings of normalised words, every pair
// compared exactly.
//
// Contract checked: (1) every link the pipeline reports is an oracle link with
// exactly the oracle's relation and counts; (2) every oracle link with Jaccard
// >= 0.35, where LSH at the default 64x2 bands finds a pair with probability
// 1 - (1 - 0.35^2)^64 > 0.9998, is reported; (3) below that, where LSH is
// probabilistic by design (a 20% abridgement's sibling copies can link at
// J ~ 0.13, found with P ~ 0.66), recall is no worse than theory predicts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include "kindred/pipeline.h"
#include "normalize/tokenize.h"
#include "synth/generator.h"

namespace kindred {
namespace {

std::vector<std::string> normalised_words(const std::string& text) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  std::vector<std::string> words;
  for (const auto& t : tokens) {
    words.push_back(normalize::normalize_word(text.substr(t.begin, t.end - t.begin)));
  }
  return words;
}

std::vector<std::string> string_shingles(const std::vector<std::string>& words, uint32_t k) {
  std::set<std::string> out;
  if (words.empty()) return {};
  const size_t w = std::min<size_t>(k, words.size());
  for (size_t i = 0; i + w <= words.size(); ++i) {
    std::string s;
    for (size_t j = 0; j < w; ++j) s += words[i + j] + '\x1f';
    out.insert(s);
  }
  return {out.begin(), out.end()};  // sorted, unique
}

// An output iterator that only counts what is written to it.
struct CountingIterator {
  using iterator_category = std::output_iterator_tag;
  using value_type = void;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = void;
  uint64_t* count;
  CountingIterator& operator*() { return *this; }
  CountingIterator& operator++() { return *this; }
  CountingIterator operator++(int) { return *this; }
  template <typename T>
  CountingIterator& operator=(const T&) {
    ++*count;
    return *this;
  }
};

struct OracleLink {
  Relation relation;
  uint64_t shared, size_a, size_b;
};

std::map<std::pair<uint32_t, uint32_t>, OracleLink> oracle_links(const std::vector<Document>& docs,
                                                                 const Params& p) {
  std::vector<std::vector<std::string>> words, sets;
  for (const auto& d : docs) {
    words.push_back(normalised_words(d.text));
    sets.push_back(string_shingles(words.back(), p.shingle_size));
  }
  std::map<std::pair<uint32_t, uint32_t>, OracleLink> out;
  for (uint32_t a = 0; a < docs.size(); ++a) {
    for (uint32_t b = a + 1; b < docs.size(); ++b) {
      uint64_t shared = 0;
      std::set_intersection(sets[a].begin(), sets[a].end(), sets[b].begin(), sets[b].end(),
                            CountingIterator{&shared});
      const Overlap o{shared, sets[a].size(), sets[b].size()};
      const bool same_text = !words[a].empty() && words[a] == words[b];
      if (auto rel = classify(o, same_text, p)) {
        out[{a, b}] = {*rel, shared, o.size_a, o.size_b};
      }
    }
  }
  return out;
}

class PipelineVsOracle : public ::testing::TestWithParam<uint64_t> {};

TEST_P(PipelineVsOracle, SameLinksAsAllPairsExactComparison) {
  synth::CorpusSpec spec;
  spec.documents = 400;
  spec.copy_fraction = 0.35;
  spec.mean_words = 250;
  spec.seed = GetParam();
  const synth::Corpus corpus = synth::generate_corpus(spec);
  const Params params;
  const auto expected = oracle_links(corpus.documents, params);
  ASSERT_GT(expected.size(), 50u) << "the corpus should contain many copies";

  Scanner scanner(params, {.threads = 2});
  ASSERT_TRUE(scanner.add(corpus.documents).empty());
  const ScanResult result = scanner.finish();

  std::map<std::pair<uint32_t, uint32_t>, const Link*> got;
  for (const Link& l : result.links) got[{l.a, l.b}] = &l;
  double expected_low = 0;  // LSH's expected number of finds among low-Jaccard links
  uint64_t found_low = 0, low = 0;
  for (const auto& [pair, o] : expected) {
    const double j = Overlap{o.shared, o.size_a, o.size_b}.jaccard();
    auto it = got.find(pair);
    if (j < 0.35) {
      ++low;
      expected_low += 1 - std::pow(1 - j * j, double(params.bands));
      found_low += it != got.end();
    }
    if (it == got.end()) {
      if (j >= 0.35) {
        ADD_FAILURE() << "missed " << corpus.documents[pair.first].id << " - "
                      << corpus.documents[pair.second].id << " relation "
                      << relation_name(o.relation) << " J=" << j;
      }
      continue;
    }
    EXPECT_EQ(it->second->relation, o.relation);
    EXPECT_EQ(it->second->overlap.shared, o.shared);
    EXPECT_EQ(it->second->overlap.size_a, o.size_a);
    EXPECT_EQ(it->second->overlap.size_b, o.size_b);
  }
  for (const auto& [pair, link] : got) {
    EXPECT_TRUE(expected.count(pair)) << "spurious link " << pair.first << "-" << pair.second;
  }
  // Binomial slack of three standard deviations around the expectation.
  const double slack = 3 * std::sqrt(std::max(1.0, expected_low));
  EXPECT_GE(double(found_low), expected_low - slack)
      << found_low << " of " << low << " links below J=0.35 found, " << expected_low << " expected";
  std::printf("oracle links %zu; below J=0.35: %llu, found %llu (expected %.1f)\n", expected.size(),
              static_cast<unsigned long long>(low), static_cast<unsigned long long>(found_low),
              expected_low);
}

INSTANTIATE_TEST_SUITE_P(Seeds, PipelineVsOracle, ::testing::Values(1, 2, 3));

// Shingle sets spilled to the temporary file (a 16 KB budget spills nearly all
// of them) verify to exactly the links of sets held in memory.
TEST(PipelineSpill, SpilledShingleSetsGiveTheSameLinks) {
  synth::CorpusSpec spec;
  spec.documents = 600;
  spec.copy_fraction = 0.3;
  spec.mean_words = 200;
  const synth::Corpus corpus = synth::generate_corpus(spec);
  auto scan = [&](uint64_t budget) {
    ScanOptions options{.threads = 2, .stories = false, .passages = false};
    options.spill_after_bytes = budget;
    Scanner scanner(Params{}, options);
    EXPECT_TRUE(scanner.add(corpus.documents).empty());
    return scanner.finish();
  };
  const ScanResult memory = scan(UINT64_MAX);
  const ScanResult spilled = scan(16 * 1024);
  EXPECT_EQ(memory.stats.spilled_bytes, 0u);
  EXPECT_GT(spilled.stats.spilled_bytes, spilled.stats.tokens * 8 / 2);
  EXPECT_TRUE(spilled.stats.spill_error.empty()) << spilled.stats.spill_error;
  ASSERT_GT(memory.links.size(), 100u);
  ASSERT_EQ(memory.links.size(), spilled.links.size());
  for (size_t i = 0; i < memory.links.size(); ++i) {
    EXPECT_EQ(memory.links[i].a, spilled.links[i].a);
    EXPECT_EQ(memory.links[i].b, spilled.links[i].b);
    EXPECT_EQ(memory.links[i].relation, spilled.links[i].relation);
    EXPECT_EQ(memory.links[i].overlap.shared, spilled.links[i].overlap.shared);
  }
  ASSERT_EQ(memory.families.size(), spilled.families.size());
}

}  // namespace
}  // namespace kindred
