// split_sentences (story/features.h): headlines, initialisms and titles.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "story/features.h"

namespace kindred::story {
namespace {

std::vector<std::string> sentences_of(const std::string& text) {
  std::vector<std::string> got;
  for (auto [b, e] : split_sentences(text)) got.push_back(text.substr(b, e - b));
  return got;
}

TEST(Sentences, LongHeadlineWithoutStopIsItsOwnSentence) {
  // A headline of 60 characters or more, then the body as one unwrapped line:
  // the body's first word would have fitted on the headline's line, so the
  // line break is not a wrap.
  const std::string headline =
      "Marrowick city council approves steepest tram fare rise in a decade";
  const std::string text = headline +
                           "\nPassengers on trams and buses will pay 2.90 thalers for a single "
                           "journey from 1 March, up from 2.40, after the council voted 31 to 19 "
                           "on Monday. The pass goes up too.";
  const auto got = sentences_of(text);
  ASSERT_EQ(got.size(), 3u) << ::testing::PrintToString(got);
  EXPECT_EQ(got[0], headline);
  EXPECT_EQ(got[1].substr(0, 10), "Passengers");
  EXPECT_EQ(got[2], "The pass goes up too.");
}

TEST(Sentences, WrappedLineStillJoinsWhenTheNextWordWouldNotFit) {
  // Hard-wrapped at 64 columns: the first line stops because "Terminal" did not fit.
  const std::string text =
      "Cranes stood idle at the container yards of the port of Velmora\n"
      "Terminal while ships queued in the bay for a second day running.\n"
      "Dock workers said talks would resume.";
  const auto got = sentences_of(text);
  ASSERT_EQ(got.size(), 2u) << ::testing::PrintToString(got);
  EXPECT_NE(got[0].find("Velmora\nTerminal"), std::string::npos);
}

TEST(Sentences, HeadlineLongerThanTheWrappedBodyDoesNotWidenIt) {
  // The body is wrapped at 72 columns under an 80-column headline: "Velmora"
  // would fit in 80 but not in 72, so the body's first line still wraps.
  const std::string text =
      "Port of Velmora shut as dockworkers begin indefinite strike over automation plan\n"
      "\n"
      "VELMORA -- Thousands of dockworkers walked off the job at the Port of\n"
      "Velmora early on Tuesday, halting container traffic at the country's\n"
      "busiest harbour.";
  const auto got = sentences_of(text);
  ASSERT_EQ(got.size(), 2u) << ::testing::PrintToString(got);
  EXPECT_NE(got[1].find("Port of\nVelmora early"), std::string::npos);
}

TEST(Sentences, InitialismEndsASentenceOnlyBeforeASentenceStart) {
  const auto got = sentences_of(
      "Talks stalled in the U.S. The ministry said U.S. officials left. "
      "George W. Bush spoke at 3 p.m. on Friday. He left.");
  EXPECT_EQ(got, (std::vector<std::string>{
                     "Talks stalled in the U.S.", "The ministry said U.S. officials left.",
                     "George W. Bush spoke at 3 p.m. on Friday.", "He left."}));
}

TEST(Sentences, SpacedInitialsAndTitlesDoNotEndSentences) {
  // Text rebuilt from tokens writes "U. S."; titles precede names.
  const auto got = sentences_of(
      "The U. S. Geological Survey put it at 6.1. Mr. Smith and Dr. Jones agreed. It is done.");
  EXPECT_EQ(got, (std::vector<std::string>{"The U. S. Geological Survey put it at 6.1.",
                                           "Mr. Smith and Dr. Jones agreed.", "It is done."}));
}

TEST(Sentences, OrdinaryStopsStillSplit) {
  EXPECT_EQ(sentences_of("It rained. Roads closed. 40 people were hurt."),
            (std::vector<std::string>{"It rained.", "Roads closed.", "40 people were hurt."}));
  EXPECT_TRUE(split_sentences("").empty());
  EXPECT_EQ(sentences_of("U.S."), (std::vector<std::string>{"U.S."}));
}

}  // namespace
}  // namespace kindred::story
