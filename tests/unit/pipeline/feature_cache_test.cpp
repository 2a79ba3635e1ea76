// The story-part feature cache: what it returns is what extract_features()
// returns, whatever it holds; it stays within its budget, oldest out first.
#include "pipeline/feature_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace kindred::pipeline {
namespace {

story::StoryFeatures extracted(std::string_view text, std::optional<int64_t> time) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  return story::extract_features(text, tokens, time);
}

void expect_same(const story::StoryFeatures& a, const story::StoryFeatures& b) {
  EXPECT_EQ(a.terms, b.terms);
  EXPECT_EQ(a.names, b.names);
  EXPECT_EQ(a.time, b.time);
  EXPECT_EQ(a.years, b.years);
  EXPECT_EQ(a.dated_years, b.dated_years);
  EXPECT_EQ(a.weekdays, b.weekdays);
  EXPECT_EQ(a.numbers, b.numbers);
  EXPECT_EQ(a.language, b.language);
  ASSERT_EQ(a.quotes.size(), b.quotes.size());
  for (size_t i = 0; i < a.quotes.size(); ++i) {
    EXPECT_EQ(a.quotes[i].begin, b.quotes[i].begin);
    EXPECT_EQ(a.quotes[i].end, b.quotes[i].end);
    EXPECT_EQ(a.quotes[i].speaker, b.quotes[i].speaker);
    EXPECT_TRUE(std::ranges::equal(a.quotes[i].stems(), b.quotes[i].stems()));
    EXPECT_TRUE(std::ranges::equal(a.quotes[i].content(), b.quotes[i].content()));
  }
}

std::string article(int i) {
  return "On Monday " + std::to_string(2000 + i) +
         " the minister of Velmora, Anna Kowalski, visited the port of Riyadh. \"We will open "
         "the harbour to " +
         std::to_string(100 + i) +
         " ships within a week,\" said Anna Kowalski. Officials said the talks would go on.";
}

TEST(FeatureCache, HitsReturnWhatExtractionReturns) {
  FeatureCache cache(size_t{1} << 20);
  std::vector<normalize::Token> tokens;
  const std::string text = article(1);
  const story::StoryFeatures want = extracted(text, 1700000000);
  ASSERT_FALSE(want.quotes.empty());
  ASSERT_FALSE(want.names.empty());
  expect_same(cache.features(text, 1700000000, tokens), want);
  expect_same(cache.features(text, 1700000000, tokens), want);
  const FeatureCache::Stats s = cache.stats();
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.bytes, feature_bytes(want));
}

TEST(FeatureCache, TheTimeIsPartOfTheKey) {
  FeatureCache cache(size_t{1} << 20);
  std::vector<normalize::Token> tokens;
  const std::string text = article(2);
  expect_same(cache.features(text, std::nullopt, tokens), extracted(text, std::nullopt));
  expect_same(cache.features(text, 0, tokens), extracted(text, 0));
  expect_same(cache.features(text, 1700000000, tokens), extracted(text, 1700000000));
  EXPECT_EQ(cache.stats().misses, 3u);
  EXPECT_EQ(cache.stats().entries, 3u);
  // Texts that differ by one byte are different entries.
  std::string other = text;
  other.back() = '!';
  expect_same(cache.features(other, 0, tokens), extracted(other, 0));
  EXPECT_EQ(cache.stats().misses, 4u);
}

TEST(FeatureCache, StaysWithinItsBudgetOldestOutFirst) {
  const size_t one = feature_bytes(extracted(article(0), 0));
  FeatureCache cache(3 * one + one / 2);  // room for three such documents
  std::vector<normalize::Token> tokens;
  for (int i = 0; i < 10; ++i) {
    expect_same(cache.features(article(i), 0, tokens), extracted(article(i), 0));
    EXPECT_LE(cache.stats().bytes, 3 * one + one / 2);
  }
  EXPECT_EQ(cache.stats().entries, 3u);
  EXPECT_EQ(cache.stats().misses, 10u);
  cache.features(article(9), 0, tokens);  // held
  EXPECT_EQ(cache.stats().hits, 1u);
  cache.features(article(0), 0, tokens);  // long gone; 7 leaves: 8, 9, 0 held
  EXPECT_EQ(cache.stats().misses, 11u);
  // A hit makes an entry the newest: 8 is used, so 9 leaves when 1 comes, not 8.
  cache.features(article(8), 0, tokens);
  cache.features(article(1), 0, tokens);
  EXPECT_EQ(cache.stats().misses, 12u);
  cache.features(article(8), 0, tokens);
  EXPECT_EQ(cache.stats().misses, 12u);
  cache.features(article(9), 0, tokens);
  EXPECT_EQ(cache.stats().misses, 13u);
}

TEST(FeatureCache, NoBudgetHoldsNothingAndStillAnswers) {
  FeatureCache cache(0);
  std::vector<normalize::Token> tokens;
  for (int round = 0; round < 2; ++round) {
    expect_same(cache.features(article(3), 5, tokens), extracted(article(3), 5));
  }
  EXPECT_EQ(cache.stats().entries, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.stats().misses, 2u);
  expect_same(cache.features("", std::nullopt, tokens), extracted("", std::nullopt));
}

TEST(FeatureCache, ThreadsAskingAtOnceGetTheSameAnswers) {
  FeatureCache cache(size_t{1} << 20);
  std::vector<story::StoryFeatures> want;
  for (int i = 0; i < 8; ++i) want.push_back(extracted(article(i), i));
  std::vector<std::vector<story::StoryFeatures>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<normalize::Token> tokens;
      for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 8; ++i) got[t].push_back(cache.features(article(i), i, tokens));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(got[t].size(), 24u);
    for (size_t k = 0; k < got[t].size(); ++k) expect_same(got[t][k], want[k % 8]);
  }
  EXPECT_EQ(cache.stats().entries, 8u);
  EXPECT_EQ(cache.stats().hits + cache.stats().misses, 96u);
}

}  // namespace
}  // namespace kindred::pipeline
