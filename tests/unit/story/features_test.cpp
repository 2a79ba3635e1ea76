#include <gtest/gtest.h>

#include <algorithm>

#include "normalize/tokenize.h"
#include "story/features.h"
#include "util/date.h"

namespace kindred::story {
namespace {

StoryFeatures features_of(const std::string& text, std::string_view date = "") {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  return extract_features(text, tokens, util::parse_iso8601(date));
}

std::string quoted(const std::string& text, const Quote& q) {
  return text.substr(q.begin, q.end - q.begin);
}

TEST(NameKey, TransliterationVariantsMeet) {
  EXPECT_EQ(name_key("riyadh"), name_key("riyad"));
  EXPECT_EQ(name_key("zelenskyy"), name_key("zelensky"));
  EXPECT_EQ(name_key("kether"), name_key("keter"));
  EXPECT_EQ(name_key("benedetti"), name_key("benedeti"));
  EXPECT_EQ(name_key("olexander"), "oleksander");
  EXPECT_NE(name_key("lavrov"), name_key("rubio"));
}

TEST(Stem, InflectionsMeet) {
  EXPECT_EQ(stem("negotiations"), stem("negotiating"));
  EXPECT_EQ(stem("talks"), stem("talk"));
  EXPECT_EQ(stem("class"), "class");        // a double s is not a plural
  EXPECT_EQ(stem("žžžžžžžž"), "zzzzzzzz");  // normalised, never cut to a byte prefix
}

TEST(Features, YearsAndNumbersWritten) {
  const auto f = features_of(
      "The bridge opened in 1998 and was closed on 2010-05-05 for repairs; 12345 cars, "
      "1850 metres, 2150 tonnes and 2010 again.",
      "2013-04-02");
  EXPECT_EQ(f.years, (std::vector<uint16_t>{1998, 2010, 2013}));
  // In a date, written twice, or the publication's; not a passing "in 1998".
  EXPECT_EQ(f.dated_years, (std::vector<uint16_t>{2010, 2013}));
  EXPECT_EQ(features_of("It was on Dec. 7, 2009 that").dated_years, (std::vector<uint16_t>{2009}));
  EXPECT_TRUE(features_of("It was in 2009 that").dated_years.empty());
  EXPECT_EQ(f.numbers.size(), 4u);  // 12345, 1850, 2150 and 05 (once)
  const auto g = features_of("No year here, only 7 and 300 and 12,000.");
  EXPECT_TRUE(g.years.empty());
  EXPECT_EQ(g.numbers.size(), 2u);  // one-digit numbers are in every text
  const auto h = features_of("Rescuers found 300 survivors.").numbers;
  ASSERT_EQ(h.size(), 1u);
  EXPECT_TRUE(std::binary_search(g.numbers.begin(), g.numbers.end(), h[0]));
}

TEST(Stopwords, FunctionWordsAndReportingVerbs) {
  EXPECT_TRUE(is_stopword("the"));
  EXPECT_TRUE(is_stopword("said"));
  EXPECT_TRUE(is_stopword("tuesday"));
  EXPECT_FALSE(is_stopword("ceasefire"));
}

TEST(Stopwords, HashLookupAgreesWithTheWordOnEveryToken) {
  const std::string text =
      "The minister said on Monday that THE talks, which he'd called \"vital\", would "
      "resume; Zelenskyy's aides told reporters they were n't sure. Café déjà vu 3.5";
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  size_t stop = 0;
  for (const auto& t : tokens) {
    const std::string w = normalize::normalize_word(text.substr(t.begin, t.end - t.begin));
    EXPECT_EQ(is_stopword_hash(t.hash), is_stopword(w)) << w;
    stop += is_stopword(w);
  }
  EXPECT_GE(stop, 8u);  // the, said, on, monday, that, the, which, would, ...
}

TEST(Quotes, SpeakersAfterBeforeAndByPronoun) {
  const std::string text =
      "The talks opened in Marrowick. “We will not sign anything this week,” said Foreign "
      "Minister Anna Keter. Union leader Tomasz Wrobel said: “Our members are ready to strike "
      "for as long as it takes.” Keter also said the offer stood.\n"
      "“Nobody wins a strike that lasts all winter,” she said.";
  const StoryFeatures f = features_of(text);
  ASSERT_EQ(f.quotes.size(), 3u);
  EXPECT_EQ(quoted(text, f.quotes[0]), "We will not sign anything this week,");
  EXPECT_EQ(f.quotes[0].speaker, "Anna Keter");
  EXPECT_EQ(f.quotes[1].speaker, "Tomasz Wrobel");
  EXPECT_EQ(f.quotes[2].speaker, "Anna Keter");  // "she": the last person speaking, named in full
}

TEST(Quotes, AppositiveBetweenCommas) {
  const std::string text =
      "Ilse Brandt, the head of the Northern Port Authority, said: “The cranes will stay idle "
      "until the ministry answers our letter.”";
  const StoryFeatures f = features_of(text);
  ASSERT_EQ(f.quotes.size(), 1u);
  EXPECT_EQ(f.quotes[0].speaker, "Ilse Brandt");
}

TEST(Quotes, ApostrophesAreNotQuotationMarks) {
  const std::string text =
      "It’s the union’s view that ‘the port cannot run on goodwill alone’ today.";
  const StoryFeatures f = features_of(text);
  ASSERT_EQ(f.quotes.size(), 1u);
  EXPECT_EQ(quoted(text, f.quotes[0]), "the port cannot run on goodwill alone");
}

TEST(Quotes, ShortQuotesAreIgnored) {
  EXPECT_TRUE(features_of("He called the offer “realistic” and left.").quotes.empty());
}

TEST(Quotes, BothBagsFromOneBufferAsThePlainVectors) {
  // set_stems() against the plain bags: all stems sorted, and those of the
  // words that are not stopwords sorted, repeats kept; also empty, all
  // stopwords and none.
  const std::vector<uint64_t> stems = {9, 3, 7, 3, 1, 9, 5};
  const std::vector<char> stop = {0, 1, 0, 0, 1, 0, 1};
  Quote q;
  q.set_stems(stems, stop);
  EXPECT_EQ(std::vector<uint64_t>(q.stems().begin(), q.stems().end()),
            (std::vector<uint64_t>{1, 3, 3, 5, 7, 9, 9}));
  EXPECT_EQ(std::vector<uint64_t>(q.content().begin(), q.content().end()),
            (std::vector<uint64_t>{3, 7, 9, 9}));
  q.set_stems(std::vector<uint64_t>{4, 2}, std::vector<char>{1, 1});  // again: replaced
  EXPECT_EQ(std::vector<uint64_t>(q.stems().begin(), q.stems().end()),
            (std::vector<uint64_t>{2, 4}));
  EXPECT_TRUE(q.content().empty());
  q.set_stems(std::vector<uint64_t>{4, 2}, std::vector<char>{0, 0});
  EXPECT_EQ(std::vector<uint64_t>(q.content().begin(), q.content().end()),
            (std::vector<uint64_t>{2, 4}));
  Quote empty;
  EXPECT_TRUE(empty.stems().empty() && empty.content().empty());
  empty.set_stems({}, {});
  EXPECT_TRUE(empty.stems().empty() && empty.content().empty());
  // make_quote() gives the bags of token_stems() with its stopword flags.
  const std::string text = "We will not negotiate with the negotiators tonight";
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  std::vector<char> flags;
  std::vector<uint64_t> all = token_stems(text, tokens, normalize::Language::kEnglish, &flags);
  std::vector<uint64_t> content;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!flags[i]) content.push_back(all[i]);
  }
  std::sort(all.begin(), all.end());
  std::sort(content.begin(), content.end());
  const Quote m = make_quote(text);
  EXPECT_EQ(std::vector<uint64_t>(m.stems().begin(), m.stems().end()), all);
  EXPECT_EQ(std::vector<uint64_t>(m.content().begin(), m.content().end()), content);
  EXPECT_LT(content.size(), all.size());
  EXPECT_FALSE(content.empty());
}

TEST(QuoteSimilarity, RewordedQuoteMatchesUnrelatedRemarkDoesNot) {
  const std::string a = "“I don’t know what they would do at the negotiating table,” he said.";
  const std::string b = "\"I don't know what they have to do at the negotiations table.\"";
  const std::string c =
      "\"Good relations between our ports are very important for the whole region.\"";
  const std::string d = "\"We are restoring the whole range of relations between the two ports.\"";
  const auto fa = features_of(a), fb = features_of(b), fc = features_of(c), fd = features_of(d);
  ASSERT_EQ(fa.quotes.size(), 1u);
  ASSERT_EQ(fb.quotes.size(), 1u);
  EXPECT_GE(quote_similarity(fa.quotes[0], fb.quotes[0]), 0.8);
  EXPECT_LT(quote_similarity(fc.quotes[0], fd.quotes[0]), 0.6);
  EXPECT_EQ(quote_similarity(fa.quotes[0], fc.quotes[0]), 0.0);
}

TEST(Names, CapitalisedMidSentenceOnly) {
  const StoryFeatures f =
      features_of("Talks began. The delegation met Sergei Lavrov in Riyadh on Tuesday.");
  EXPECT_NE(std::find(f.names.begin(), f.names.end(), name_key("lavrov")), f.names.end());
  EXPECT_NE(std::find(f.names.begin(), f.names.end(), name_key("riyadh")), f.names.end());
  EXPECT_EQ(std::find(f.names.begin(), f.names.end(), name_key("talks")), f.names.end());
  EXPECT_EQ(std::find(f.names.begin(), f.names.end(), name_key("tuesday")), f.names.end());
}

TEST(Sentences, SplitKeepsClosingQuotesAndParagraphs) {
  const std::string text = "First one. “Second,” he said. Third?\n\nFourth para “ends.” Fifth";
  const auto s = split_sentences(text);
  std::vector<std::string> got;
  for (auto [b, e] : s) got.push_back(text.substr(b, e - b));
  EXPECT_EQ(got, (std::vector<std::string>{"First one.", "“Second,” he said.", "Third?",
                                           "Fourth para “ends.”", "Fifth"}));
}

TEST(Sentences, HardWrappedLinesAreNotSentences) {
  const std::string text =
      "Port strike spreads\n"
      "Dock workers in Velmora walked out on Monday after talks over night-shift\n"
      "pay collapsed, the union said. Cranes stood idle at the container\n"
      "Terminal while ships queued in the bay.\n"
      "A second paragraph starts here.";
  std::vector<std::string> got;
  for (auto [b, e] : split_sentences(text)) got.push_back(text.substr(b, e - b));
  ASSERT_EQ(got.size(), 4u) << ::testing::PrintToString(got);
  EXPECT_EQ(got[0], "Port strike spreads");
  EXPECT_EQ(got[1].substr(0, 12), "Dock workers");
  EXPECT_EQ(got[2].substr(0, 6), "Cranes");
  EXPECT_NE(got[2].find("Terminal while ships"), std::string::npos);
  EXPECT_EQ(got[3], "A second paragraph starts here.");
}

TEST(Features, DateParsesToTime) {
  EXPECT_TRUE(features_of("Some words here.", "2025-02-17T09:30:00Z").time.has_value());
  EXPECT_FALSE(features_of("Some words here.", "last week").time.has_value());
}

}  // namespace
}  // namespace kindred::story
