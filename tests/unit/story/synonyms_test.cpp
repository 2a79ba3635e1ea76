#include <gtest/gtest.h>

#include "story/features.h"
#include "story/synonyms.h"

#include <string_view>
#include <vector>

namespace kindred::story {
namespace {

// Lines in WordNet's index format (wndb(5)): lemma, part of speech, synsets,
// pointer count and symbols, senses, senses in the tagged corpus, offsets.
// The offsets here are made up.
const std::vector<std::string_view> kIndex = {
    "  1 licence text that starts with spaces",
    "animal n 1 2 @ ~ 1 1 00000100  ",
    "beast n 2 2 @ ~ 2 2 00000100 00000200  ",
    "brute n 2 1 @ 2 0 00000200 00000100  ",  // no tagged sense: the first only
    "swift a 1 1 & 1 1 00000100  ",           // another part of speech
    "wild_animal n 1 1 @ 1 1 00000100  ",     // not one word
    "broken n x",                             // malformed: ignored
    "short n 3 0 1 1",                        // offsets missing: ignored
    "long n 1 4294967295 @ 1 1 00000100",     // a pointer count past the line: ignored
};

TEST(Synonyms, WordsShareASenseTheTaggedCorpusAttests) {
  const Synonyms s = Synonyms::from_index_lines(kIndex);
  ASSERT_TRUE(s.available());
  EXPECT_TRUE(s.synonyms(stem_hash("animal"), stem_hash("beast")));
  EXPECT_TRUE(s.synonyms(stem_hash("beast"), stem_hash("brute")));  // beast's second sense
  EXPECT_FALSE(s.synonyms(stem_hash("animal"), stem_hash("brute")))
      << "brute's second sense is not attested";
  EXPECT_FALSE(s.synonyms(stem_hash("animal"), stem_hash("swift")))
      << "offsets are per part of speech";
  EXPECT_EQ(s.senses(stem_hash("animal")).size(), 1u);
  EXPECT_EQ(s.senses(stem_hash("beast")).size(), 2u);
  EXPECT_TRUE(s.senses(stem_hash("short")).empty());
  EXPECT_TRUE(s.senses(stem_hash("long")).empty());
  EXPECT_TRUE(s.senses(stem_hash("unknown")).empty());
}

TEST(Synonyms, KeyedByTheStemsQuotationsHold) {
  const Synonyms s = Synonyms::from_index_lines(kIndex);
  // "beasts" in a quotation is stemmed as "beast" is.
  const Quote q = make_quote("Beasts");
  ASSERT_EQ(q.content().size(), 1u);
  EXPECT_EQ(q.content()[0], stem_hash("beast"));
  EXPECT_TRUE(s.synonyms(q.content()[0], stem_hash("animal")));
}

TEST(Synonyms, AMissingDatabaseIsAnEmptyTable) {
  const Synonyms s = Synonyms::load("/nonexistent/wordnet");
  EXPECT_FALSE(s.available());
  EXPECT_FALSE(s.synonyms(stem_hash("animal"), stem_hash("beast")));
  EXPECT_TRUE(s.synonyms(stem_hash("animal"), stem_hash("animal")));
}

TEST(Synonyms, TheInstalledWordNet) {
  const Synonyms& s = Synonyms::english();
  if (!s.available()) GTEST_SKIP() << "WordNet (Debian's wordnet-base) is not installed";
  auto syn = [&](std::string_view a, std::string_view b) {
    return s.synonyms(stem_hash(a), stem_hash(b));
  };
  EXPECT_TRUE(syn("animal", "beast"));
  EXPECT_TRUE(syn("entirely", "altogether"));
  EXPECT_TRUE(syn("mistake", "error"));
  EXPECT_TRUE(syn("disaster", "catastrophe"));
  EXPECT_FALSE(syn("week", "month"));
  EXPECT_FALSE(syn("harbour", "mistake"));
}

}  // namespace
}  // namespace kindred::story
