#include "story/term_store.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <map>
#include <random>
#include <string>

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

TermStore store_of(const std::vector<Terms>& docs, size_t block = TermStore::kDefaultBlock,
                   uint64_t budget = TermStore::kNoBudget, const std::string& dir = {}) {
  TermStore store(block, budget, dir);
  for (const Terms& d : docs) store.append(d);
  store.seal();
  return store;
}

// Document d's terms as (hash, count), read back whether spilled or not.
Terms read_back(const TermStore& store, uint32_t d) {
  std::vector<TermCount> buffer;
  Terms back;
  for (const TermCount& t : store.terms(d, buffer))
    back.emplace_back(store.hashes()[t.id], t.count);
  return back;
}

// The descriptor of this process's open term spill file; -1 when none.
int term_spill_fd() {
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(e.path(), ec).string();
    if (!ec && target.find("kindred-terms-") != std::string::npos) {
      return std::stoi(e.path().filename().string());
    }
  }
  return -1;
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

// Which of `n` documents retain() keeps, by pattern: none, all, every other
// one, every seventh, and all past the 200th.
std::vector<char> keep_pattern(int pattern, size_t n) {
  std::vector<char> keep(n);
  for (size_t d = 0; d < n; ++d) {
    keep[d] = pattern == 0   ? 0
              : pattern == 1 ? 1
              : pattern == 2 ? d % 2
              : pattern == 3 ? d % 7 == 3
                             : d > 200;
  }
  return keep;
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
    const std::vector<char> keep = keep_pattern(pattern, docs.size() - 7);  // the last 7: dropped
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

TEST(TermStore, SpilledBlocksReadBackAsThePlainVectors) {
  // Blocks of 16 terms past a budget of 0, 3 blocks and 1 block: the oldest
  // blocks go to the file, and every document reads back as it was added,
  // with the ids, counts and document counts of a store that never spills.
  const std::vector<Terms> docs = random_documents(400, 120, 4);
  const TermStore plain = store_of(docs, 16);
  for (const uint64_t budget : {uint64_t{0}, uint64_t{3 * 16 * 8}, uint64_t{16 * 8}}) {
    const TermStore store = store_of(docs, 16, budget);
    EXPECT_TRUE(store.spill_error().empty()) << store.spill_error();
    EXPECT_GT(store.spilled_bytes(), 0u);
    EXPECT_TRUE(store.spilled(0) || docs[0].empty());
    EXPECT_FALSE(store.spilled(static_cast<uint32_t>(docs.size() - 1)));  // the newest block stays
    ASSERT_TRUE(std::equal(store.hashes().begin(), store.hashes().end(), plain.hashes().begin(),
                           plain.hashes().end()));
    ASSERT_TRUE(std::equal(store.document_counts().begin(), store.document_counts().end(),
                           plain.document_counts().begin(), plain.document_counts().end()));
    size_t spilled = 0;
    std::vector<TermCount> buffer;
    for (uint32_t d = 0; d < docs.size(); ++d) {
      EXPECT_EQ(read_back(store, d), docs[d]) << budget << " " << d;
      const auto a = store.terms(d, buffer);
      const auto b = plain.terms(d);
      ASSERT_EQ(a.size(), b.size());
      for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id) << d;
      if (store.spilled(d)) {
        ++spilled;
        EXPECT_TRUE(store.terms(d).empty());  // not in memory
      }
    }
    EXPECT_GT(spilled, docs.size() / 2) << budget;
    // In memory: the blocks within the budget (at least the newest), the index
    // and the statistics, far less than the plain store's blocks.
    EXPECT_LT(store.memory_bytes(), plain.memory_bytes()) << budget;
    EXPECT_TRUE(store.error().empty());
  }
}

TEST(TermStore, DocumentsLargerThanABlockSpillWhole) {
  // A document of 2.5 blocks between small ones, all spilled but the last.
  Terms big;
  for (uint64_t h = 1; h <= 20; ++h) big.emplace_back(h * 13, static_cast<uint32_t>(h));
  std::vector<Terms> docs = {Terms{{5, 1}}, big, Terms{{11, 2}, {22, 1}},
                             Terms{},       big, Terms{{7, 3}}};
  const TermStore store = store_of(docs, 8, 0);
  for (uint32_t d = 0; d < docs.size(); ++d) EXPECT_EQ(read_back(store, d), docs[d]) << d;
  EXPECT_TRUE(store.spilled(1));
  EXPECT_FALSE(store.spilled(3));  // empty: nowhere
}

TEST(TermStore, RetainKeepsTheChosenDocumentsWhenSomeAreSpilled) {
  const std::vector<Terms> docs = random_documents(300, 80, 5);
  for (const int pattern : {0, 1, 2, 3, 4}) {
    TermStore store = store_of(docs, 16, 10 * 16 * 8);
    ASSERT_TRUE(store.spilled(0) || docs[0].empty());
    const size_t before = store.memory_bytes();
    const std::vector<char> keep = keep_pattern(pattern, docs.size() - 7);  // the last 7: dropped
    store.retain(keep);
    for (uint32_t d = 0; d < docs.size(); ++d) {
      if (d < keep.size() && keep[d]) {
        EXPECT_EQ(read_back(store, d), docs[d]) << pattern << " " << d;
      } else {
        EXPECT_TRUE(read_back(store, d).empty()) << pattern << " " << d;
        EXPECT_FALSE(store.spilled(d));
      }
    }
    if (pattern != 1) {
      EXPECT_LT(store.memory_bytes(), before) << pattern;
    }
  }
}

TEST(TermStore, PreparedFromSpilledTermsClusterAsFromTheFeatures) {
  // 10 events, 8 reports each drawing most words from the event's own 30:
  // the stories of documents prepared from a store that spilled all but its
  // newest block are those of the features themselves, similarity for
  // similarity.
  std::mt19937_64 rng(6);
  std::vector<StoryFeatures> f(80);
  for (size_t d = 0; d < f.size(); ++d) {
    std::map<uint64_t, uint32_t> counts;
    for (int i = 0; i < 15; ++i) counts[1000 * (d % 10) + rng() % 30 + 1] += 1;
    for (int i = 0; i < 5; ++i) counts[100000 + rng() % 5000] += 1;
    f[d].terms.assign(counts.begin(), counts.end());
  }
  const StoryStats plain(f);
  std::vector<Terms> terms;
  for (const StoryFeatures& x : f) terms.push_back(x.terms);
  const TermStore store = store_of(terms, 64, 0);
  ASSERT_TRUE(store.spilled(0));
  const StoryStats held(
      f, std::vector<uint64_t>(store.hashes().begin(), store.hashes().end()),
      std::vector<uint32_t>(store.document_counts().begin(), store.document_counts().end()));
  std::vector<PreparedDoc> prepared(f.size());
  for (uint32_t d = 0; d < f.size(); ++d) prepared[d] = prepare(f[d], store, d, held);
  EXPECT_TRUE(prepared[0].terms.empty());
  EXPECT_EQ(prepared[0].spilled_terms, &store);
  for (uint32_t a = 0; a < f.size(); a += 7) {
    for (uint32_t b = 0; b < f.size(); b += 3) {
      EXPECT_EQ(story_similarity(prepared[a], prepared[b], StoryParams()).total,
                story_similarity(prepare(f[a], plain), prepare(f[b], plain), StoryParams()).total)
          << a << " " << b;
    }
  }
  const std::vector<Story> expected = cluster_stories(f, plain, {}, {}, StoryParams());
  const std::vector<Story> got = cluster_stories(prepared, {}, {}, StoryParams());
  ASSERT_GE(expected.size(), 5u);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].members, expected[i].members) << i;
    EXPECT_EQ(got[i].cohesion, expected[i].cohesion) << i;
  }
}

TEST(TermStore, AFileThatCannotBeMadeKeepsEverythingInMemory) {
  const std::vector<Terms> docs = random_documents(200, 60, 7);
  const TermStore store = store_of(docs, 16, 0, "/nonexistent/kindred-test-dir");
  EXPECT_NE(store.spill_error().find("cannot create a spill file"), std::string::npos)
      << store.spill_error();
  EXPECT_EQ(store.spilled_bytes(), 0u);
  for (uint32_t d = 0; d < docs.size(); ++d) {
    EXPECT_FALSE(store.spilled(d));
    EXPECT_EQ(read_back(store, d), docs[d]) << d;
  }
}

TEST(TermStore, AFullDiskKeepsTheUnwrittenBlocksInMemory) {
  // A file size limit stands for a full disk: the first blocks fit, a
  // later write fails (EFBIG; SIGXFSZ ignored while the limit holds).
  const std::vector<Terms> docs = random_documents(300, 80, 8);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit small = old;
  small.rlim_cur = 16 * 8 + 100;
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  TermStore store(16, 0);
  for (const Terms& d : docs) store.append(d);
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  store.seal();
  EXPECT_NE(store.spill_error().find("cannot write the term spill file"), std::string::npos)
      << store.spill_error();
  // What fits the limit is in the file; the rest, most of it, in memory.
  EXPECT_GT(store.spilled_bytes(), 0u);
  EXPECT_LE(store.spilled_bytes(), small.rlim_cur);
  size_t spilled = 0;
  for (uint32_t d = 0; d < docs.size(); ++d) {
    spilled += store.spilled(d);
    EXPECT_EQ(read_back(store, d), docs[d]) << d;
  }
  EXPECT_GT(spilled, 0u);
  EXPECT_LT(spilled, docs.size() / 4);
  EXPECT_TRUE(store.error().empty());
}

TEST(TermStore, ACorruptOrShortSpillFileReadsAsEmptyWithAnError) {
  const std::vector<Terms> docs = random_documents(200, 60, 9);
  for (const bool truncate : {false, true}) {
    const TermStore store = store_of(docs, 16, 0);
    uint32_t doc = 0;
    while (!store.spilled(doc)) ++doc;
    const int fd = term_spill_fd();
    ASSERT_GE(fd, 0);
    // The same (unlinked) file, opened again for writing.
    const int w = ::open(("/proc/self/fd/" + std::to_string(fd)).c_str(), O_WRONLY);
    ASSERT_GE(w, 0);
    if (truncate) {
      ASSERT_EQ(::ftruncate(w, 0), 0);
    } else {
      const std::vector<char> junk(store.spilled_bytes(), '\xff');  // ids past the dictionary
      ASSERT_EQ(::pwrite(w, junk.data(), junk.size(), 0), static_cast<ssize_t>(junk.size()));
    }
    ::close(w);
    EXPECT_TRUE(store.error().empty());
    EXPECT_TRUE(read_back(store, doc).empty());
    EXPECT_EQ(store.error(), "cannot read back the term spill file");
    // What is in memory still reads.
    const auto last = static_cast<uint32_t>(docs.size() - 1);
    EXPECT_EQ(read_back(store, last), docs[last]);
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
