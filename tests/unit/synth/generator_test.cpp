// Tests of the synthetic corpus generator: determinism, layout of copies and
// truth, unrelated originals, and that every CopyKind's copies match their
// definition when measured on the text (word 5-gram shingles computed here,
// independently of the pipeline).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "synth/generator.h"
#include "synth/lexicon.h"
#include "text_stats.h"

namespace kindred::synth {
namespace {

// One default corpus, shared by the tests that only read it.
class SynthCorpus : public ::testing::Test {
 protected:
  static constexpr uint64_t kDocuments = 6000;
  static void SetUpTestSuite() {
    CorpusSpec spec;
    spec.documents = kDocuments;
    corpus_ = new Corpus(generate_corpus(spec));
  }
  static void TearDownTestSuite() {
    delete corpus_;
    corpus_ = nullptr;
  }
  static const Corpus& corpus() { return *corpus_; }

  static Corpus* corpus_;
};
Corpus* SynthCorpus::corpus_ = nullptr;

TEST(SynthDeterminism, SameSeedSameCorpusOtherSeedOtherCorpus) {
  CorpusSpec spec;
  spec.documents = 400;
  spec.copy_fraction = 0.5;
  const Corpus a = generate_corpus(spec);
  const Corpus b = generate_corpus(spec);
  ASSERT_EQ(a.documents.size(), b.documents.size());
  for (size_t i = 0; i < a.documents.size(); ++i) {
    EXPECT_EQ(a.documents[i].id, b.documents[i].id);
    EXPECT_EQ(a.documents[i].title, b.documents[i].title);
    EXPECT_EQ(a.documents[i].text, b.documents[i].text);
    EXPECT_EQ(a.documents[i].date, b.documents[i].date);
    EXPECT_EQ(a.documents[i].source, b.documents[i].source);
  }
  ASSERT_EQ(a.truth.size(), b.truth.size());
  for (size_t i = 0; i < a.truth.size(); ++i) {
    EXPECT_EQ(a.truth[i].source, b.truth[i].source);
    EXPECT_EQ(a.truth[i].copy, b.truth[i].copy);
    EXPECT_EQ(a.truth[i].kind, b.truth[i].kind);
    EXPECT_EQ(a.truth[i].kept_fraction, b.truth[i].kept_fraction);
  }

  spec.seed = 2;
  const Corpus c = generate_corpus(spec);
  size_t same_text = 0;
  for (size_t i = 0; i < c.documents.size(); ++i)
    same_text += c.documents[i].text == a.documents[i].text;
  EXPECT_EQ(same_text, 0u);
  bool same_layout = a.truth.size() == c.truth.size();
  for (size_t i = 0; same_layout && i < a.truth.size(); ++i) {
    same_layout = a.truth[i].copy == c.truth[i].copy && a.truth[i].source == c.truth[i].source;
  }
  EXPECT_FALSE(same_layout);
}

TEST(SynthDeterminism, StreamingMatchesCollected) {
  CorpusSpec spec;
  spec.documents = 200;
  const Corpus all = generate_corpus(spec);
  size_t docs = 0, pairs = 0;
  generate(
      spec,
      [&](Document&& d) {
        ASSERT_LT(docs, all.documents.size());
        EXPECT_EQ(d.text, all.documents[docs].text);
        ++docs;
      },
      [&](const TruthPair& t) {
        ASSERT_LT(pairs, all.truth.size());
        EXPECT_EQ(t.copy, all.truth[pairs].copy);
        EXPECT_EQ(t.copy + 1, docs);  // delivered right after its document
        ++pairs;
      });
  EXPECT_EQ(docs, all.documents.size());
  EXPECT_EQ(pairs, all.truth.size());
  generate(
      spec, [](Document&&) {}, nullptr);  // an empty truth callback is allowed
}

TEST_F(SynthCorpus, CountsIdsAndCopyFraction) {
  const Corpus& c = corpus();
  ASSERT_EQ(c.documents.size(), kDocuments);
  EXPECT_EQ(c.truth.size(), 1200u);  // round(6000 * 0.2)
  std::unordered_set<std::string> ids;
  for (size_t i = 0; i < c.documents.size(); ++i) {
    EXPECT_EQ(c.documents[i].id, doc_id(i));
    EXPECT_TRUE(ids.insert(c.documents[i].id).second) << c.documents[i].id;
  }
  EXPECT_EQ(c.documents[0].id, "d0000000");
  EXPECT_EQ(doc_id(1234567), "d1234567");
  EXPECT_EQ(doc_id(123456789), "d123456789");
}

TEST_F(SynthCorpus, TruthPointsFromCopiesToEarlierOriginals) {
  const Corpus& c = corpus();
  std::set<uint64_t> copies;
  for (const TruthPair& t : c.truth) {
    EXPECT_TRUE(copies.insert(t.copy).second) << "two truth pairs for " << t.copy;
    EXPECT_LT(t.source, t.copy);
    EXPECT_LT(t.copy, c.documents.size());
    EXPECT_GE(t.kept_fraction, 0.0);
    EXPECT_LE(t.kept_fraction, 1.0);
  }
  for (const TruthPair& t : c.truth)
    EXPECT_EQ(copies.count(t.source), 0u) << "copy of a copy: " << t.source;
  // Copies are spread over the stream, not bunched at one end.
  EXPECT_LT(*copies.begin(), 100u);
  EXPECT_GT(*copies.rbegin(), kDocuments - 100);
  // Sources are drawn from all earlier originals: many distinct ones.
  std::set<uint64_t> sources;
  for (const TruthPair& t : c.truth) sources.insert(t.source);
  EXPECT_GT(sources.size(), c.truth.size() * 3 / 4);
}

TEST_F(SynthCorpus, EveryKindOccursWithRoughlyItsWeight) {
  const Corpus& c = corpus();
  const EditModel model;
  std::map<CopyKind, size_t> count;
  for (const TruthPair& t : c.truth) ++count[t.kind];
  for (size_t k = 0; k < kCopyKindCount; ++k) {
    const auto kind = static_cast<CopyKind>(k);
    const double expected = model.kind_weights[k] * static_cast<double>(c.truth.size());
    EXPECT_NEAR(static_cast<double>(count[kind]), expected, 4 * std::sqrt(expected) + 1)
        << copy_kind_name(kind);
  }
}

TEST_F(SynthCorpus, OriginalsAreUnrelated) {
  const Corpus& c = corpus();
  std::set<uint64_t> copies;
  for (const TruthPair& t : c.truth) copies.insert(t.copy);
  std::vector<Shingles> sets;
  for (size_t i = 0; i < c.documents.size() && sets.size() < 300; ++i) {
    if (!copies.count(i)) sets.push_back(shingles_of(c.documents[i].text));
  }
  ASSERT_EQ(sets.size(), 300u);
  // Pairs sharing a shingle, found through an inverted index (all pairs
  // compared directly would be 44,850 merges).
  std::unordered_map<uint64_t, std::vector<uint32_t>> postings;
  for (uint32_t d = 0; d < sets.size(); ++d) {
    for (uint64_t sh : sets[d]) postings[sh].push_back(d);
  }
  std::map<std::pair<uint32_t, uint32_t>, size_t> pair_shared;
  size_t total_shared = 0;
  for (const auto& [sh, docs] : postings) {
    for (size_t i = 0; i < docs.size(); ++i) {
      for (size_t j = i + 1; j < docs.size(); ++j) {
        ++pair_shared[{docs[i], docs[j]}];
        ++total_shared;
      }
    }
  }
  double max_jaccard = 0;
  for (const auto& [pair, n] : pair_shared) {
    const double a = static_cast<double>(sets[pair.first].size()),
                 b = static_cast<double>(sets[pair.second].size());
    max_jaccard = std::max(max_jaccard, static_cast<double>(n) / (a + b - static_cast<double>(n)));
  }
  EXPECT_LT(max_jaccard, 0.02);
  EXPECT_LT(total_shared, 50u) << "shingles shared among 44,850 pairs of originals";
}

TEST_F(SynthCorpus, EachKindMatchesItsDefinition) {
  const Corpus& c = corpus();
  std::map<CopyKind, size_t> checked;
  for (const TruthPair& t : c.truth) {
    const Document& src = c.documents[t.source];
    const Document& cp = c.documents[t.copy];
    const std::vector<uint64_t> sw = word_hashes(src.text), cw = word_hashes(cp.text);
    const Shingles ss = shingles_of(src.text), cs = shingles_of(cp.text);
    const double j = jaccard(ss, cs), src_in_copy = containment(ss, cs),
                 copy_in_src = containment(cs, ss);
    const double kept = t.kept_fraction;
    SCOPED_TRACE(std::string(copy_kind_name(t.kind)) + " " + cp.id + " of " + src.id +
                 " kept=" + std::to_string(kept) + " J=" + std::to_string(j));
    ++checked[t.kind];
    switch (t.kind) {
      case CopyKind::kExact:
        EXPECT_EQ(cw, sw);
        EXPECT_EQ(kept, 1.0);
        break;
      case CopyKind::kLightEdit:
        EXPECT_GE(j, 0.6);
        EXPECT_GE(kept, 0.95);
        EXPECT_LT(kept, 1.0);
        EXPECT_NE(cw, sw);
        break;
      case CopyKind::kHeavyEdit:
        EXPECT_GE(j, 0.2);
        EXPECT_LT(j, 0.8);
        EXPECT_GE(kept, 0.8);
        EXPECT_LE(kept, 0.97);
        break;
      case CopyKind::kAbridged:
        EXPECT_GE(kept, 0.3);
        EXPECT_LE(kept, 0.6);
        EXPECT_GE(copy_in_src, 0.8);
        EXPECT_NEAR(static_cast<double>(cw.size()) / static_cast<double>(sw.size()), kept, 0.01);
        break;
      case CopyKind::kAbridgedEdited:
        EXPECT_GE(kept, 0.25);
        EXPECT_LE(kept, 0.6);
        EXPECT_GE(copy_in_src, 0.55);
        break;
      case CopyKind::kReordered: {
        EXPECT_EQ(kept, 1.0);
        EXPECT_NE(cw, sw);
        std::vector<uint64_t> a = sw, b = cw;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        EXPECT_EQ(a, b) << "reordering changes no word";
        EXPECT_GE(src_in_copy, 0.8);
        break;
      }
      case CopyKind::kExpanded: {
        EXPECT_EQ(kept, 1.0);
        const double growth = static_cast<double>(cw.size()) / static_cast<double>(sw.size());
        EXPECT_GE(growth, 1.1);
        EXPECT_LE(growth, 1.5);
        EXPECT_GE(src_in_copy, 0.8);
        break;
      }
    }
    // kept_fraction agrees with what the text shows: a source shingle survives
    // only where its five words were kept, so containment cannot exceed it,
    // and junctions and word edits are all that separate the two.
    EXPECT_LE(src_in_copy, kept + 0.02);
    const bool word_edits = t.kind == CopyKind::kLightEdit || t.kind == CopyKind::kHeavyEdit ||
                            t.kind == CopyKind::kAbridgedEdited;
    EXPECT_GE(src_in_copy, kept - (word_edits ? 0.5 : 0.2));
  }
  for (size_t k = 0; k < kCopyKindCount; ++k) {
    EXPECT_GE(checked[static_cast<CopyKind>(k)], 50u) << copy_kind_name(static_cast<CopyKind>(k));
  }
}

TEST_F(SynthCorpus, AverageSizeIsAboutThreeKilobytes) {
  uint64_t bytes = 0;
  for (const Document& d : corpus().documents) bytes += d.text.size();
  const double mean = static_cast<double>(bytes) / static_cast<double>(corpus().documents.size());
  EXPECT_GT(mean, 3000);
  EXPECT_LT(mean, 3600);
}

TEST_F(SynthCorpus, TextLooksLikeNewsProse) {
  const Corpus& c = corpus();
  std::set<uint64_t> copies;
  for (const TruthPair& t : c.truth) copies.insert(t.copy);
  std::unordered_set<std::string> vocabulary;
  size_t sentences = 0, sentence_words = 0, min_len = 1000, max_len = 0, the = 0, words = 0;
  for (size_t i = 0; i < 500; ++i) {
    const Document& d = c.documents[i];
    ASSERT_FALSE(d.text.empty());
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(d.text[0])) || d.text[0] == '"') << d.text;
    EXPECT_TRUE(d.text.back() == '.' || d.text.back() == '"') << d.id;
    EXPECT_FALSE(d.title.empty());
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(d.title[0]))) << d.title;
    EXPECT_EQ(d.title.find('\n'), std::string::npos);
    if (copies.count(i)) continue;
    EXPECT_NE(d.text.find("\n\n"), std::string::npos) << "originals have paragraphs";
    EXPECT_NE(d.text.find(", "), std::string::npos) << "and commas";
    // Sentence lengths, from ". X" boundaries (quotations add their attribution).
    size_t len = 0;
    for (const std::string& w : words_of(d.text)) {
      vocabulary.insert(w);
      ++words;
      the += w == "the";
    }
    for (size_t k = 0; k < d.text.size(); ++k) {
      const char ch = d.text[k];
      if (ch == ' ' || ch == '\n') {
        ++len;
        while (k + 1 < d.text.size() && (d.text[k + 1] == ' ' || d.text[k + 1] == '\n')) ++k;
      }
      const bool end = ch == '.' && (k + 1 == d.text.size() || d.text[k + 1] != '"');
      if (end || (ch == '"' && k > 0 && d.text[k - 1] == '.')) {
        const size_t n = len + 1;
        ++sentences;
        sentence_words += n;
        min_len = std::min(min_len, n);
        max_len = std::max(max_len, n);
        len = 0;
        if (k + 1 < d.text.size()) ++k;  // the space or newline after the stop
        while (k + 1 < d.text.size() && (d.text[k + 1] == ' ' || d.text[k + 1] == '\n')) ++k;
      }
    }
  }
  EXPECT_GE(min_len, 6u);
  EXPECT_LE(max_len, 34u);
  const double mean_sentence = static_cast<double>(sentence_words) / static_cast<double>(sentences);
  EXPECT_GT(mean_sentence, 15);
  EXPECT_LT(mean_sentence, 24);
  const double the_share = static_cast<double>(the) / static_cast<double>(words);
  EXPECT_GT(the_share, 0.03);  // ~6% in English
  EXPECT_LT(the_share, 0.10);
  EXPECT_GT(vocabulary.size(), 15000u);
}

TEST_F(SynthCorpus, MetadataOfCopiesFollowsTheirSources) {
  const Corpus& c = corpus();
  for (const Document& d : c.documents) {
    ASSERT_EQ(d.date.size(), 20u) << d.date;  // 2024-03-05T14:22:07Z
    EXPECT_EQ(d.date.substr(0, 3), "202");
    EXPECT_EQ(d.date[10], 'T');
    EXPECT_FALSE(d.source.empty());
  }
  EXPECT_EQ(c.documents.front().date.substr(0, 10), "2024-01-01");
  for (const TruthPair& t : c.truth) {
    const Document& src = c.documents[t.source];
    const Document& cp = c.documents[t.copy];
    EXPECT_GT(cp.date, src.date);  // ISO 8601 compares as text
    EXPECT_NE(cp.source, src.source);
    if (t.kind == CopyKind::kExact || t.kind == CopyKind::kAbridged ||
        t.kind == CopyKind::kReordered) {
      EXPECT_EQ(cp.title, src.title);
    }
  }
  std::set<std::string> outlets;
  for (const Document& d : c.documents) outlets.insert(d.source);
  EXPECT_GE(outlets.size(), 20u);
}

TEST(SynthLexicon, HasTwentyThousandDistinctPseudoWords) {
  const Lexicon& lex = Lexicon::instance();
  std::unordered_set<std::string_view> seen;
  uint32_t content = 0;
  for (uint32_t id = 0; id < lex.size(); ++id) {
    EXPECT_TRUE(seen.insert(lex.word(id)).second) << lex.word(id);
    if (lex.is_content(id)) {
      ++content;
      for (char ch : lex.word(id)) ASSERT_TRUE(ch >= 'a' && ch <= 'z') << lex.word(id);
    }
  }
  EXPECT_GE(content, 20000u);
  EXPECT_EQ(lex.word(lex.said()), "said");
}

TEST(SynthLexicon, AliasTableFollowsItsWeights) {
  const AliasTable table({1.0, 0.0, 3.0, 4.0});
  Rng rng(7);
  uint64_t count[4] = {};
  for (int i = 0; i < 80000; ++i) ++count[table.sample(rng)];
  EXPECT_EQ(count[1], 0u);
  EXPECT_NEAR(static_cast<double>(count[0]), 10000, 400);
  EXPECT_NEAR(static_cast<double>(count[2]), 30000, 600);
  EXPECT_NEAR(static_cast<double>(count[3]), 40000, 600);
}

TEST(SynthSpec, KindWeightsSelectKinds) {
  CorpusSpec spec;
  spec.documents = 300;
  spec.copy_fraction = 0.5;
  ASSERT_TRUE(parse_kind_weights("abridged=1,reordered=1", spec.edits).is_ok());
  const Corpus c = generate_corpus(spec);
  ASSERT_EQ(c.truth.size(), 150u);
  size_t abridged = 0;
  for (const TruthPair& t : c.truth) {
    EXPECT_TRUE(t.kind == CopyKind::kAbridged || t.kind == CopyKind::kReordered)
        << copy_kind_name(t.kind);
    abridged += t.kind == CopyKind::kAbridged;
  }
  EXPECT_GT(abridged, 40u);
  EXPECT_LT(abridged, 110u);

  EditModel model;
  EXPECT_FALSE(parse_kind_weights("abridged", model).is_ok());
  EXPECT_FALSE(parse_kind_weights("shortened=1", model).is_ok());
  EXPECT_FALSE(parse_kind_weights("exact=-1", model).is_ok());
  EXPECT_FALSE(parse_kind_weights("exact=1x", model).is_ok());
  CopyKind kind;
  for (size_t k = 0; k < kCopyKindCount; ++k) {
    ASSERT_TRUE(parse_copy_kind(copy_kind_name(static_cast<CopyKind>(k)), kind));
    EXPECT_EQ(static_cast<size_t>(kind), k);
  }
}

TEST(SynthSpec, ValidateRejectsBadValues) {
  EXPECT_TRUE(CorpusSpec{}.validate().is_ok());
  CorpusSpec spec;
  spec.copy_fraction = 1.0;
  EXPECT_FALSE(spec.validate().is_ok());
  spec.copy_fraction = -0.1;
  EXPECT_FALSE(spec.validate().is_ok());
  spec = CorpusSpec{};
  spec.mean_words = 5;
  EXPECT_FALSE(spec.validate().is_ok());
  spec = CorpusSpec{};
  spec.edits.abridge_min = 0.7;  // above abridge_max
  EXPECT_FALSE(spec.validate().is_ok());
  spec = CorpusSpec{};
  spec.edits.kind_weights.fill(0);
  EXPECT_FALSE(spec.validate().is_ok());
  spec.copy_fraction = 0;  // no copies: the weights do not matter
  EXPECT_TRUE(spec.validate().is_ok());
}

TEST(SynthSpec, SmallAndDegenerateCorpora) {
  CorpusSpec spec;
  spec.documents = 0;
  EXPECT_TRUE(generate_corpus(spec).documents.empty());
  spec.documents = 1;
  spec.copy_fraction = 0.9;
  Corpus one = generate_corpus(spec);
  EXPECT_EQ(one.documents.size(), 1u);
  EXPECT_TRUE(one.truth.empty());
  spec.documents = 10;
  Corpus ten = generate_corpus(spec);
  EXPECT_EQ(ten.truth.size(), 9u);  // round(9) copies, all of document 0
  for (const TruthPair& t : ten.truth) EXPECT_EQ(t.source, 0u);
  spec.documents = 50;
  spec.copy_fraction = 0.3;
  spec.mean_words = 20;  // tiny documents still work
  Corpus tiny = generate_corpus(spec);
  EXPECT_EQ(tiny.truth.size(), 15u);
  for (const Document& d : tiny.documents) EXPECT_FALSE(d.text.empty());
}

}  // namespace
}  // namespace kindred::synth
