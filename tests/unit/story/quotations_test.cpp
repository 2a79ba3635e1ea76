#include <gtest/gtest.h>

#include <array>
#include <thread>

#include "normalize/tokenize.h"
#include "story/quotations.h"
#include "story/synonyms.h"
#include "story_testing.h"

namespace kindred::story {
namespace {

using testing::features;

Story story_of(size_t n) {
  Story s;
  for (uint32_t d = 0; d < n; ++d) s.members.push_back(d);
  return s;
}

// Quotation starting with `words` in document `doc`, or null.
const Quotation* find(const std::vector<Quotation>& quotes, const std::vector<std::string>& texts,
                      uint32_t doc, std::string_view words) {
  for (const Quotation& q : quotes) {
    for (const QuoteVariant& v : q.variants) {
      if (v.doc == doc && std::string_view(texts[doc]).substr(v.begin).starts_with(words)) {
        return &q;
      }
    }
  }
  return nullptr;
}

// Success when the two quotes starting with `a` in the first text are two
// records and the two starting with `b` in the second join them in order.
::testing::AssertionResult aligned_in_order(const std::vector<Quotation>& quotes,
                                            const std::vector<std::string>& texts,
                                            std::array<std::string_view, 2> a,
                                            std::array<std::string_view, 2> b) {
  const Quotation* first = find(quotes, texts, 0, a[0]);
  const Quotation* second = find(quotes, texts, 0, a[1]);
  if (!first || !second) return ::testing::AssertionFailure() << "a quote is not found";
  if (first == second) return ::testing::AssertionFailure() << "one record holds both";
  if (find(quotes, texts, 1, b[0]) != first || find(quotes, texts, 1, b[1]) != second)
    return ::testing::AssertionFailure() << "the second turn is not aligned in order";
  return ::testing::AssertionSuccess();
}

// Success when the quote starting with `a` in the first text and the one
// starting with `b` in the second are found, in two different records.
::testing::AssertionResult separate_records(const std::vector<std::string>& texts,
                                            std::string_view a, std::string_view b) {
  const auto quotes = story_quotations(features(texts), std::vector<Story>{story_of(2)});
  const Quotation* qa = find(quotes, texts, 0, a);
  const Quotation* qb = find(quotes, texts, 1, b);
  if (!qa || !qb) return ::testing::AssertionFailure() << "a quote is not found";
  if (qa == qb) return ::testing::AssertionFailure() << "one record holds both";
  return ::testing::AssertionSuccess();
}

// Background quotations of the story, so that common words are common.
const std::string kOthers =
    "“We will stay out until the night shifts are paid fairly,” said union leader Tomasz "
    "Wrobel. “The port must modernise or it will lose its ships to the south,” said Zoë "
    "Castellane-Marr, the authority's chief executive. “Every day this port stays closed costs "
    "the economy millions,” said minister Samira Al-Hakim.";

TEST(Quotations, ATranslatedTurnIsAlignedWithTheSameSpeakersTurn) {
  // Two quotes in a row by one crane operator, re-translated with other
  // words and another transliteration of his name: each pair shares a word
  // or two, the turns as wholes share more.
  const std::vector<std::string> texts = {
      kOthers +
          " Oleksandr Hrytsenko, a crane operator, said morale was high. “People here have "
          "mortgages and children, and nobody wants to lose a month's wages,” he said. “But "
          "they understand that if we give in now, there will be no jobs left for the next "
          "generation to fight over.”",
      kOthers +
          " Olexander Gritsenko has spent 23 years in a crane cab. “Everybody here has a "
          "mortgage or kids or both,” he said. “But if we fold now, our sons and daughters "
          "won't have any jobs to fight for.”"};
  const auto quotes = story_quotations(features(texts), std::vector<Story>{story_of(2)});
  EXPECT_TRUE(aligned_in_order(quotes, texts, {"People here", "But they"},
                               {"Everybody here", "But if we fold"}));
  const Quotation* mortgages = find(quotes, texts, 0, "People here");
  ASSERT_NE(mortgages, nullptr);
  EXPECT_EQ(mortgages->speaker, "Oleksandr Hrytsenko");  // the longer form
  EXPECT_TRUE(mortgages->attributions.empty()) << "spellings of one name are one speaker";
  // The background quotations, told identically in both, are one record each.
  EXPECT_EQ(find(quotes, texts, 0, "We will stay"), find(quotes, texts, 1, "We will stay"));
  EXPECT_EQ(find(quotes, texts, 0, "The port must"), find(quotes, texts, 1, "The port must"));
}

TEST(Quotations, ATurnSaidInOtherWordsIsAligned) {
  if (!Synonyms::english().available()) {
    GTEST_SKIP() << "WordNet (Debian's wordnet-base) is not installed";
  }
  // No content word in common, each said with a synonym: the turns meet, and
  // each quote meets the one that says the same in other words.
  const std::vector<std::string> texts = {
      kOthers +
          " “This was a big mistake, and the pilots are angry,” said Harriet Quell, who chairs "
          "the inquiry. “It could begin a disaster on the runway.”",
      kOthers +
          " “It was a large error, and the crews are furious,” Quell told the committee. “That "
          "may start a catastrophe at the airfield.”"};
  const auto quotes = story_quotations(features(texts), std::vector<Story>{story_of(2)});
  EXPECT_TRUE(
      aligned_in_order(quotes, texts, {"This was", "It could"}, {"It was a large", "That may"}));
}

TEST(Quotations, OtherWordsOfAnotherSpeakerAreNotAligned) {
  const std::vector<std::string> texts = {
      kOthers + " “This was a big mistake, and the pilots are angry,” said Harriet Quell.",
      kOthers + " “It was a large error, and the crews are furious,” said Tomas Ekwall."};
  EXPECT_TRUE(separate_records(texts, "This was", "It was a large"));
}

TEST(Quotations, AnotherSpeakersTurnIsNotAligned) {
  const std::vector<std::string> texts = {
      kOthers +
          " Oleksandr Hrytsenko, a crane operator, said: “People here have mortgages and "
          "children, and nobody wants to lose a month's wages.”",
      kOthers +
          " The baker Ines Dorval said: “Everybody here has a mortgage or kids or both, and "
          "nobody wants to lose wages.”"};
  EXPECT_TRUE(separate_records(texts, "People here", "Everybody here"));
}

TEST(Quotations, TheSameWordsAreOneQuotationListingBothAttributions) {
  const std::vector<std::string> texts = {
      "“A process towards peace is not a one-meeting thing,” Marco Rubio told CBS.",
      "“A process towards peace is not a one-meeting thing,” Dmitry Peskov told reporters."};
  const auto quotes = story_quotations(features(texts), std::vector<Story>{story_of(2)});
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(quotes[0].variants.size(), 2u);
  EXPECT_EQ(quotes[0].attributions.size(), 2u);
}

TEST(Quotations, CopiesCountOnceAndGiveTheSameRecords) {
  // Forty copies of two articles: the same records as one copy of each.
  const std::vector<std::string> two = {
      kOthers, "“We will stay out until the night shifts are paid fairly,” Wrobel told the crowd."};
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.insert(many.end(), two.begin(), two.end());
  const auto few_quotes = story_quotations(features(two), std::vector<Story>{story_of(2)});
  const auto many_quotes = story_quotations(features(many), std::vector<Story>{story_of(80)});
  ASSERT_EQ(few_quotes.size(), many_quotes.size());
  for (size_t i = 0; i < few_quotes.size(); ++i) {
    EXPECT_EQ(many_quotes[i].variants.size(), 40 * few_quotes[i].variants.size());
    EXPECT_EQ(many_quotes[i].speaker, few_quotes[i].speaker);
  }
}

TEST(Quotations, StoriesInParallelGiveTheRecordsOfOnePass) {
  // Sixty stories of three articles each, their quotations found through a
  // loop that runs chunks of stories on three threads: the same records,
  // numbered the same, as one pass over the stories.
  std::vector<std::string> texts;
  std::vector<Story> stories;
  for (uint32_t s = 0; s < 60; ++s) {
    Story st;
    st.id = s;
    const std::string n = std::to_string(s);
    for (const std::string& t :
         {kOthers,
          "“We will stay out until the night shifts of dock " + n +
              " are paid fairly,” Wrobel told the crowd.",
          "Wrobel said: “We stay out until night shifts at dock " + n + " are paid fairly.” " +
              "“Every day the port stays closed costs millions,” Al-Hakim said."}) {
      st.members.push_back(static_cast<uint32_t>(texts.size()));
      texts.push_back(t);
    }
    stories.push_back(st);
  }
  const auto f = features(texts);
  const auto three = [](size_t n, const std::function<void(size_t, size_t)>& body) {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        for (size_t b = t * 5; b < n; b += 15) body(b, std::min(n, b + 5));
      });
    }
    for (std::thread& t : threads) t.join();
  };
  const auto one_pass = story_quotations(f, stories);
  const auto parallel = story_quotations(f, stories, {}, three);
  ASSERT_GT(one_pass.size(), 60u);
  ASSERT_EQ(parallel.size(), one_pass.size());
  for (size_t i = 0; i < one_pass.size(); ++i) {
    EXPECT_EQ(one_pass[i].id, i);
    EXPECT_TRUE(parallel[i] == one_pass[i]) << "quotation " << i;
  }
  EXPECT_EQ(one_pass.back().story, 59u);
}

}  // namespace
}  // namespace kindred::story
