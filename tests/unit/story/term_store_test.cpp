#include "story/term_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "story/stories.h"
#include "story_testing.h"

namespace kindred::story {
namespace {

using Terms = std::vector<std::pair<uint64_t, uint32_t>>;

// Random documents over a vocabulary of `vocabulary` hashes (sorted, distinct
// terms each), hash 0 and the largest hash among them.
std::vector<Terms> random_documents(size_t docs, size_t vocabulary, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> words(vocabulary);
  for (uint64_t& w : words) w = rng();
  words[0] = 0;
  words[1] = UINT64_MAX;
  std::vector<Terms> out(docs);
  for (Terms& d : out) {
    std::map<uint64_t, uint32_t> counts;
    const size_t n = rng() % 40;
    for (size_t i = 0; i < n; ++i)
      counts[words[rng() % vocabulary]] += static_cast<uint32_t>(1 + rng() % 3);
    d.assign(counts.begin(), counts.end());
  }
  return out;
}

TermStore store_of(const std::vector<Terms>& docs) {
  TermStore store;
  for (const Terms& d : docs) store.append(d);
  store.seal();
  return store;
}

TEST(TermStore, GivesBackEveryDocumentsTermsByHashOrderedIds) {
  const std::vector<Terms> docs = random_documents(500, 300, 1);
  const TermStore store = store_of(docs);
  ASSERT_EQ(store.documents(), docs.size());
  const auto hashes = store.hashes();
  // Renumbered in hash order: ids ascend with their hashes, every hash once.
  EXPECT_TRUE(std::adjacent_find(hashes.begin(), hashes.end(), std::greater_equal<>()) ==
              hashes.end());
  std::map<uint64_t, uint32_t> df;
  for (uint32_t d = 0; d < docs.size(); ++d) {
    Terms back;
    for (const TermCount& t : store.terms(d)) back.emplace_back(hashes[t.id], t.count);
    EXPECT_EQ(back, docs[d]) << d;  // round trip, in the same (hash) order
    for (const auto& [h, c] : docs[d]) ++df[h];
  }
  ASSERT_EQ(hashes.size(), df.size());
  for (size_t i = 0; i < hashes.size(); ++i) EXPECT_EQ(store.document_counts()[i], df[hashes[i]]);
}

TEST(TermStore, IdsAreTheStatisticsTermIds) {
  // The scanner's statistics from the store equal those of the features.
  const std::vector<StoryFeatures> f = testing::features(
      {"Dock workers in Velmora walked out after talks over night-shift pay collapsed.",
       "Ships wait in Velmora bay as the dockers' strike enters its second day.",
       "A fire destroyed the east wing of the Velmora public library on Thursday night."});
  const StoryStats plain(f);
  const TermStore store = store_of({f[0].terms, f[1].terms, f[2].terms});
  const StoryStats held(
      f, std::vector<uint64_t>(store.hashes().begin(), store.hashes().end()),
      std::vector<uint32_t>(store.document_counts().begin(), store.document_counts().end()));
  ASSERT_EQ(held.terms(), plain.terms());
  for (size_t i = 0; i < plain.terms(); ++i) {
    EXPECT_EQ(held.term_hash(uint32_t(i)), plain.term_hash(uint32_t(i)));
    EXPECT_EQ(held.term_idf(plain.term_hash(uint32_t(i))),
              plain.term_idf(plain.term_hash(uint32_t(i))));
  }
  // Documents prepared from the store compare bit for bit as prepared from the features.
  for (uint32_t a = 0; a < 3; ++a) {
    for (uint32_t b = 0; b < 3; ++b) {
      const double from_features =
          story_similarity(prepare(f[a], plain), prepare(f[b], plain), StoryParams()).words;
      const double from_store = story_similarity(prepare(f[a], store.terms(a), held),
                                                 prepare(f[b], store.terms(b), held), StoryParams())
                                    .words;
      EXPECT_EQ(from_store, from_features) << a << " " << b;
      if (a != b) {
        EXPECT_GT(from_store, 0.0);  // they share "velmora"
      }
    }
  }
}

TEST(TermStore, TermsOutOfOrderOrRepeatedAreMerged) {
  TermStore store;
  store.append(Terms{{9, 1}, {3, 2}, {9, 4}, {5, 1}});
  store.append(Terms{{5, 2}});
  store.seal();
  const auto hashes = store.hashes();
  ASSERT_EQ(std::vector<uint64_t>(hashes.begin(), hashes.end()), (std::vector<uint64_t>{3, 5, 9}));
  Terms back;
  for (const TermCount& t : store.terms(0)) back.emplace_back(hashes[t.id], t.count);
  EXPECT_EQ(back, (Terms{{3, 2}, {5, 1}, {9, 5}}));
  EXPECT_EQ(std::vector<uint32_t>(store.document_counts().begin(), store.document_counts().end()),
            (std::vector<uint32_t>{1, 2, 1}));
}

TEST(TermStore, EmptyDocumentsEmptyStoreAndUseAfterSeal) {
  TermStore empty;
  empty.seal();
  EXPECT_EQ(empty.documents(), 0u);
  EXPECT_TRUE(empty.terms(0).empty());  // out of range: nothing, no crash
  EXPECT_TRUE(empty.hashes().empty());

  TermStore store;
  store.append({});
  store.append(Terms{{7, 1}});
  store.append({});
  store.seal();
  store.append(Terms{{8, 1}});  // closed: ignored
  ASSERT_EQ(store.documents(), 3u);
  EXPECT_TRUE(store.terms(0).empty());
  EXPECT_TRUE(store.terms(2).empty());
  ASSERT_EQ(store.terms(1).size(), 1u);
  EXPECT_EQ(store.hashes()[store.terms(1)[0].id], 7u);
  EXPECT_EQ(store.hashes().size(), 1u);
  EXPECT_TRUE(store.terms(99).empty());
}

TEST(TermStore, DocumentsLargerThanABlockAndManyBlocks) {
  // Blocks of 8 terms: a document of 1.5 blocks between small ones, and
  // documents that do not fit what is left of a block. Each document's terms
  // stay contiguous.
  Terms big;
  for (uint64_t h = 1; h <= 12; ++h) big.emplace_back(h * 11, 1);
  std::vector<Terms> docs = {Terms{{5, 1}}, big, Terms{{11, 2}, {22, 1}}};
  for (const Terms& d : random_documents(200, 50, 2)) docs.push_back(d);
  TermStore store(8);
  for (const Terms& d : docs) store.append(d);
  store.seal();
  for (uint32_t d = 0; d < docs.size(); ++d) {
    const auto terms = store.terms(d);
    ASSERT_EQ(terms.size(), docs[d].size());
    size_t wrong = 0;
    for (size_t i = 0; i < terms.size(); ++i) {
      wrong +=
          store.hashes()[terms[i].id] != docs[d][i].first || terms[i].count != docs[d][i].second;
    }
    EXPECT_EQ(wrong, 0u) << d;
  }
  EXPECT_GE(store.memory_bytes(), big.size() * sizeof(TermCount));
}

TEST(TermStore, RetainKeepsTheChosenDocumentsAndFreesBlocks) {
  // Blocks of 16 terms, documents of up to 40 (some larger than a block):
  // every pattern of keeping, each checked against the plain vectors.
  const std::vector<Terms> docs = random_documents(300, 80, 3);
  for (const int pattern : {0, 1, 2, 3, 4}) {
    TermStore store(16);
    for (const Terms& d : docs) store.append(d);
    store.seal();
    const size_t before = store.memory_bytes();
    std::vector<char> keep(docs.size() - 7);  // the last 7 are past keep: dropped
    for (size_t d = 0; d < keep.size(); ++d) {
      keep[d] = pattern == 0   ? 0
                : pattern == 1 ? 1
                : pattern == 2 ? d % 2
                : pattern == 3 ? d % 7 == 3
                               : d > 200;
    }
    store.retain(keep);
    size_t kept = 0;
    for (uint32_t d = 0; d < docs.size(); ++d) {
      Terms back;
      for (const TermCount& t : store.terms(d)) back.emplace_back(store.hashes()[t.id], t.count);
      if (d < keep.size() && keep[d]) {
        EXPECT_EQ(back, docs[d]) << pattern << " " << d;
        kept += docs[d].size();
      } else {
        EXPECT_TRUE(back.empty()) << pattern << " " << d;
      }
    }
    if (pattern != 1) {
      EXPECT_LT(store.memory_bytes(), before) << pattern;
    }
    // What is kept still fits, and more documents can follow.
    EXPECT_GE(store.memory_bytes(), kept * sizeof(TermCount));
  }
}

TEST(StoryStats, CoveringAddsTheStemsItLacksHeldByNoDocument) {
  const std::vector<StoryFeatures> f =
      testing::features({"Dock workers walked out in Velmora.", "Library fire in Velmora."});
  const StoryStats one(std::span<const StoryFeatures>(f).subspan(0, 1));
  const StoryFeatures* both[] = {&f[0], &f[1]};
  const StoryStats covering = one.covering(both);
  EXPECT_GT(covering.terms(), one.terms());
  for (const auto& [h, c] : f[1].terms) {
    ASSERT_TRUE(covering.term_id(h).has_value());
    EXPECT_EQ(covering.term_idf(h), one.term_idf(h));  // the same weights, new ids
  }
  // Without it, prepare() leaves out what the statistics lack.
  EXPECT_LT(prepare(f[1], one).terms.size(), f[1].terms.size());
  EXPECT_EQ(prepare(f[1], covering).terms.size(), f[1].terms.size());
}

}  // namespace
}  // namespace kindred::story
