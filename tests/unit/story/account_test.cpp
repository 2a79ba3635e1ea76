#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "normalize/tokenize.h"
#include "story/account.h"
#include "story/features.h"
#include "story/quotations.h"

namespace kindred::story {
namespace {

namespace fs = std::filesystem;

Story story_of(size_t n) {
  Story s;
  for (uint32_t d = 0; d < n; ++d) s.members.push_back(d);
  return s;
}

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

std::string text_of(const std::vector<std::string>& texts, const AccountSentence& a) {
  return texts[a.doc].substr(a.begin, a.end - a.begin);
}

// What every account must hold, whatever the texts: spans inside their
// texts; sources ascending and unique; every source in exactly one variant;
// no two account sentences holding one sentence.
void expect_well_formed(const std::vector<std::string>& texts,
                        const std::vector<AccountSentence>& account) {
  std::set<std::tuple<uint32_t, uint32_t, uint32_t>> used;
  for (const AccountSentence& a : account) {
    ASSERT_LT(a.doc, texts.size());
    EXPECT_LT(a.begin, a.end);
    EXPECT_LE(a.end, texts[a.doc].size());
    ASSERT_FALSE(a.variants.empty());
    EXPECT_EQ(a.variants.front().doc, a.doc);
    EXPECT_EQ(a.variants.front().begin, a.begin);
    EXPECT_TRUE(std::is_sorted(a.sources.begin(), a.sources.end()));
    EXPECT_EQ(std::adjacent_find(a.sources.begin(), a.sources.end()), a.sources.end())
        << "an account sentence takes one sentence of each article";
    std::vector<uint32_t> of_variants;
    for (const AccountVariant& v : a.variants) {
      EXPECT_LE(v.end, texts[v.doc].size());
      EXPECT_TRUE(used.insert({v.doc, v.begin, v.end}).second) << "a sentence in two facts";
      of_variants.insert(of_variants.end(), v.sources.begin(), v.sources.end());
    }
    std::sort(of_variants.begin(), of_variants.end());
    EXPECT_EQ(of_variants, a.sources);
  }
}

TEST(MergedAccount, InterleavesSourcesInNarrativeOrder) {
  // The second (longer) article gives the backbone; the first shares two of
  // its facts in the same order and tells one of its own between them.
  const std::vector<std::string> texts = {
      "Firefighters fought the blaze at the Velmora library for six hours on Thursday night. "
      "The archive of old maps and city plans was lost for good. "
      "Mayor Edda Morlund promised the library would be rebuilt within two years.",
      "Smoke rose over the old quarter of Velmora before midnight. "
      "Crews needed six hours to bring the Velmora library blaze under control, firefighters "
      "said. Nobody was hurt in the fire. "
      "The library will be rebuilt within two years, Mayor Edda Morlund promised. "
      "Donations have already reached the city hall."};
  const auto account = merged_account(story_of(2), views(texts));
  expect_well_formed(texts, account);
  std::vector<std::string> starts;
  for (const auto& a : account) starts.push_back(text_of(texts, a).substr(0, 12));
  // The first article's own fact follows the shared one it follows in its text.
  const std::vector<std::string> expected = {"Smoke rose o", "Crews needed", "The archive ",
                                             "Nobody was h", "The library ", "Donations ha"};
  EXPECT_EQ(starts, expected);
  EXPECT_EQ(account[1].sources, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(account[1].variants.size(), 2u);  // two wordings of the fire's six hours
  EXPECT_EQ(account[4].sources, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(account[2].sources, std::vector<uint32_t>{0});  // what only the first tells
}

TEST(MergedAccount, DifferentNumbersAreDifferentFacts) {
  const std::vector<std::string> texts = {
      "At least 12 people died when the Velmora ferry capsized near the northern pier.",
      "At least 20 people died when the Velmora ferry capsized near the northern pier."};
  const auto account = merged_account(story_of(2), views(texts));
  expect_well_formed(texts, account);
  EXPECT_EQ(account.size(), 2u);
}

TEST(MergedAccount, CopiesAreOneWordingWithEverySource) {
  const std::string wire =
      "Dock workers in Velmora walked out on Monday after talks over pay collapsed. "
      "Cranes at the container terminal stood idle and ships queued in the bay.";
  const std::vector<std::string> texts = {wire, wire, wire};
  const auto account = merged_account(story_of(3), views(texts));
  expect_well_formed(texts, account);
  ASSERT_EQ(account.size(), 2u);
  for (const auto& a : account) {
    EXPECT_EQ(a.sources, (std::vector<uint32_t>{0, 1, 2}));
    ASSERT_EQ(a.variants.size(), 1u);
    EXPECT_EQ(a.variants[0].sources, (std::vector<uint32_t>{0, 1, 2}));
  }
}

TEST(MergedAccount, SentencesCarryingOneQuotationAreOneFact) {
  // Worded apart (they share only the speaker's name), joined by the quotation
  // both carry, as quotations.h grouped it.
  const std::vector<std::string> texts = {
      "Lavrov dismissed any role for European governments. “I don't know what they would do "
      "at the negotiating table,” he told a news conference.",
      "Speaking in Riyadh, the Russian minister was blunt: “I don't know what they have to do at "
      "the negotiations table.”"};
  Quotation q;
  q.story = 0;
  for (uint32_t d = 0; d < 2; ++d) {
    const size_t b = texts[d].find("I don't");
    const size_t e = texts[d].find("table") + 5;
    q.variants.push_back({d, uint32_t(b), uint32_t(e), ""});
  }
  const std::vector<Quotation> quotes = {q};
  const auto without = merged_account(story_of(2), views(texts));
  const auto with = merged_account(story_of(2), views(texts), quotes);
  expect_well_formed(texts, with);
  EXPECT_EQ(with.size() + 1, without.size());
  bool joined = false;
  for (const auto& a : with) joined |= a.sources == std::vector<uint32_t>{0, 1};
  EXPECT_TRUE(joined);
  // Another story's quotations are not this story's.
  std::vector<Quotation> other = quotes;
  other[0].story = 7;
  EXPECT_EQ(merged_account(story_of(2), views(texts), other).size(), without.size());
}

TEST(MergedAccount, BadInputGivesAnEmptyOrShortAccount) {
  const std::vector<std::string> texts = {"", "...", "\n\n\n", "One two three.", "\xff\xfe broken"};
  const auto account = merged_account(story_of(texts.size()), views(texts));
  expect_well_formed(texts, account);
  EXPECT_TRUE(account.empty());
}

// Random stories over a small set of facts, each article telling some of them
// in one of a few wordings, in a shuffled order: the candidate search (rare
// stems first, Cauchy-Schwarz prefix) must find exactly what comparing every
// pair finds.
TEST(MergedAccount, MatchesExhaustiveComparisonOnRandomStories) {
  const std::vector<std::vector<std::string>> facts = {
      {"The ferry Aurora capsized near the northern pier of Velmora at dawn.",
       "At dawn the Aurora ferry capsized close to Velmora's northern pier.",
       "Near the northern pier, the ferry Aurora overturned at dawn."},
      {"Divers recovered 14 bodies from the harbour by the evening.",
       "By evening divers had pulled 14 bodies out of the harbour.",
       "Divers recovered 16 bodies from the harbour by the evening."},
      {"The harbour master said the ferry had been overloaded with cargo.",
       "The ferry was overloaded with cargo, according to the harbour master."},
      {"Relatives gathered outside the terminal waiting for news of survivors.",
       "Outside the terminal relatives waited for news of the survivors."},
      {"Prime minister Ilse Varn ordered an inquiry into the shipping company.",
       "An inquiry into the shipping company was ordered by prime minister Ilse Varn."},
      {"Storm warnings had been issued for the coast two days before.",
       "Two days earlier the coast had been under storm warnings."},
  };
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 60; ++trial) {
    const size_t docs = 2 + rng() % 4;
    std::vector<std::string> texts;
    for (size_t d = 0; d < docs; ++d) {
      std::vector<size_t> order(facts.size());
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      order.resize(2 + rng() % (facts.size() - 1));
      if (rng() % 2) std::sort(order.begin(), order.end());
      std::string t;
      for (size_t f : order) t += facts[f][rng() % facts[f].size()] + " ";
      texts.push_back(t);
    }
    AccountParams fast, naive;
    naive.exhaustive = true;
    const auto a = merged_account(story_of(docs), views(texts), {}, fast);
    const auto b = merged_account(story_of(docs), views(texts), {}, naive);
    expect_well_formed(texts, a);
    ASSERT_EQ(a.size(), b.size()) << "trial " << trial;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(text_of(texts, a[i]), text_of(texts, b[i])) << "trial " << trial;
      EXPECT_EQ(a[i].sources, b[i].sources) << "trial " << trial;
      EXPECT_EQ(a[i].variants.size(), b[i].variants.size()) << "trial " << trial;
    }
    // Shared facts are told once: fewer account sentences than sentences.
    size_t sentences = 0;
    for (const auto& s : a) sentences += s.sources.size();
    EXPECT_LE(a.size(), sentences);
    // 14 and 16 bodies are never one fact.
    for (const auto& s : a) {
      bool fourteen = false, sixteen = false;
      for (const auto& v : s.variants) {
        const std::string w = texts[v.doc].substr(v.begin, v.end - v.begin);
        fourteen |= w.find("14") != std::string::npos;
        sixteen |= w.find("16") != std::string::npos;
      }
      EXPECT_FALSE(fourteen && sixteen) << "trial " << trial;
    }
  }
}

// An ASCII text's sentences take their range of the whole text's tokens
// (and stems): the accounts are those of tokenising each sentence alone,
// also where words join across punctuation (3.5, don't, U.S.) and where
// sentences end without a space.
TEST(MergedAccount, SentencesFromTheWholeTextAreThoseTokenisedAlone) {
  const std::vector<std::string> texts = {
      "The U.S. envoy said growth was 3.5 per cent in 2025. Officials don't expect more!Talks "
      "resume on Monday at 10.30, the ministry said.\nMarkets rose 1,200 points.\n\nThe envoy's "
      "aides left Geneva late on Sunday night.",
      "Growth was 3.5 per cent, the U.S. envoy said on Sunday. Talks resume on Monday at 10.30 "
      "in Geneva, the ministry said. Officials don't expect more growth this year.",
      "Markets rose 1,200 points.The envoy's aides left Geneva late on Sunday night. \"We "
      "don't expect more,\" an official said. Talks resume Monday.",
      "Talks resume on Monday. Officials do not expect more growth. The envoy said 3.5 per cent.",
  };
  std::vector<StoryFeatures> features;
  for (const std::string& t : texts) {
    std::vector<normalize::Token> tokens;
    normalize::tokenize(t, tokens);
    features.push_back(extract_features(t, tokens, std::nullopt));
  }
  const Story story = story_of(texts.size());
  const auto quotes = story_quotations(features, std::vector<Story>{story});
  AccountParams alone;
  alone.sentences_alone = true;
  const auto a = merged_account(story, views(texts), quotes);
  const auto b = merged_account(story, views(texts), quotes, alone);
  expect_well_formed(texts, a);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_GT(a.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].doc, b[i].doc);
    EXPECT_EQ(a[i].begin, b[i].begin);
    EXPECT_EQ(a[i].end, b[i].end);
    EXPECT_EQ(a[i].sources, b[i].sources);
    ASSERT_EQ(a[i].variants.size(), b[i].variants.size());
    for (size_t v = 0; v < a[i].variants.size(); ++v) {
      EXPECT_EQ(a[i].variants[v].begin, b[i].variants[v].begin);
      EXPECT_EQ(a[i].variants[v].sources, b[i].variants[v].sources);
    }
  }
}

// --- the seed articles (five reports of the Riyadh talks; 000 abridges 001) ---

const fs::path kSeeds = fs::path(KINDRED_SHARED_DIR) / "seeds";

TEST(MergedAccount, SeedsMergeIndependentReports) {
  if (!fs::exists(kSeeds)) GTEST_SKIP() << "../shared/seeds not present: seed test skipped";
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(kSeeds)) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  ASSERT_GE(paths.size(), 5u);
  std::vector<std::string> texts;
  std::vector<StoryFeatures> features;
  for (size_t i = 0; i < 5; ++i) {
    std::ifstream in(paths[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
    std::vector<normalize::Token> tokens;
    normalize::tokenize(texts.back(), tokens);
    features.push_back(extract_features(texts.back(), tokens, std::nullopt));
  }
  const Story story = story_of(5);
  const auto quotes = story_quotations(features, std::vector<Story>{story});
  const auto account = merged_account(story, views(texts), quotes);
  expect_well_formed(texts, account);
  // Shorter than its members one after the other.
  size_t told = 0;
  for (const auto& a : account) told += a.sources.size();
  EXPECT_LT(account.size() + 20, told);
  // An independent report's fact joins the others' in other words: 003's
  // Lavrov at the negotiations table and 004's Peskov on restoring relations.
  auto joined = [&](uint32_t doc, std::string_view words) {
    for (const auto& a : account) {
      for (const auto& v : a.variants) {
        const std::string w = texts[v.doc].substr(v.begin, v.end - v.begin);
        if (v.doc == doc && w.find(words) != std::string::npos) {
          return a.sources.size() > 1 && a.sources.front() < doc;
        }
      }
    }
    return false;
  };
  EXPECT_TRUE(joined(3, "negotiations table"));
  EXPECT_TRUE(joined(4, "restore the entire range"));
  // The account interleaves: 003 and 004's own sentences do not all come last.
  size_t last_shared = 0;
  for (size_t i = 0; i < account.size(); ++i) {
    if (account[i].sources.size() > 1) last_shared = i;
  }
  size_t before = 0;
  for (size_t i = 0; i < last_shared; ++i) {
    before += account[i].sources == std::vector<uint32_t>{3} ||
              account[i].sources == std::vector<uint32_t>{4};
  }
  EXPECT_GT(before, 5u);
}

}  // namespace
}  // namespace kindred::story
