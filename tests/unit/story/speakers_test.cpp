// Speaker attribution, one shape of news writing per test (story/speakers.h).
#include "story/speakers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "story/features.h"

namespace kindred::story {
namespace {

std::vector<std::string> speakers(const std::string& text) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  std::vector<std::string> out;
  for (const Quote& q : extract_features(text, tokens, std::nullopt).quotes)
    out.push_back(q.speaker);
  return out;
}

using V = std::vector<std::string>;

TEST(Speakers, SaidBeforeAndAfter) {
  EXPECT_EQ(speakers("“We will stay out until the end,” Anna Berg said on Monday."),
            V{"Anna Berg"});
  EXPECT_EQ(speakers("“We will stay out until the end,” said Anna Berg."), V{"Anna Berg"});
  EXPECT_EQ(speakers("Anna Berg told reporters: “We will stay out until the end.”"),
            V{"Anna Berg"});
}

TEST(Speakers, AppositiveBetweenCommasOrDashes) {
  EXPECT_EQ(speakers("Omar Said, the port's spokesman, said: “The cranes will not move today.”"),
            V{"Omar Said"});
  EXPECT_EQ(speakers("Rubio – the US secretary of state – said the talks “would open a much "
                     "broader conversation”."),
            V{"Rubio"});
}

TEST(Speakers, AccordingToAndQuotingNameTheSpeakerAfterTheVerb) {
  EXPECT_EQ(speakers("According to Kremlin spokesman Dmitry Peskov, the two sides would "
                     "“restore the entire range of relations”."),
            V{"Dmitry Peskov"});
  EXPECT_EQ(speakers("The news agency, quoting Peskov, reported that the talks would focus on "
                     "“restoring the whole complex of relations”."),
            V{"Peskov"});
}

TEST(Speakers, TitlesAndHonorificsAreNotTheName) {
  EXPECT_EQ(speakers("French President Emmanuel Macron spoke first. Mr Macron said a “peace that "
                     "is a capitulation would be bad news”."),
            V{"Emmanuel Macron"});
}

TEST(Speakers, RolesResolveToThePersonLastNamedWithThem) {
  EXPECT_EQ(speakers("Prime Minister Keir Starmer flew to Paris. The PM said: “Europe must play "
                     "its role in this.”"),
            V{"Keir Starmer"});
  EXPECT_EQ(speakers("The port's spokeswoman Lena Ortiz met the press. “No ship will be turned "
                     "away,” the spokeswoman said."),
            V{"Lena Ortiz"});
}

TEST(Speakers, PronounsResolveToWhoTheTextIsAbout) {
  // Named with a title in the sentence before, through a participle ("saying").
  EXPECT_EQ(speakers("Leaders met in Paris, with Commission President Ursula von der Leyen "
                     "saying security was at stake.\n“Yes, it is about all of us,” she said."),
            V{"Ursula von der Leyen"});
  EXPECT_EQ(speakers("Anna Berg said the offer was an insult. Later, on the radio, she went "
                     "further. “They want us to thank them for it,” she said."),
            V{"Anna Berg"});
}

TEST(Speakers, APronounSkipsPlacesAndPossessives) {
  // The sentence before names a place ("in Port Vella") and a possessive
  // ("Keller's"): neither is whom "he" means.
  EXPECT_EQ(speakers("As the ferry docked in Port Vella, the loudest praise came from Keller's "
                     "old partner Ivo Marsh. He posted a picture of the quay, writing: “This is "
                     "how a harbour should run.”"),
            V{"Ivo Marsh"});
  // A possessive is the subject when no one else is named.
  EXPECT_EQ(speakers("Mira Tal was asleep when the river rose. Tal's son had been given a ball.\n"
                     "“He keeps asking when we can go home,” she said."),
            V{"Mira Tal"});
}

TEST(Speakers, APronounReachesBackPastASentenceNamingNoOne) {
  EXPECT_EQ(
      speakers(
          "Mira Tal woke to the sound of water. By the time she reached the stairs, "
          "the hall was flooded.\n\n“I heard nothing at all, no siren and no alarm,” she said."),
      V{"Mira Tal"});
}

TEST(Speakers, APersonDescribedByAgeIsWhoTheTextIsAbout) {
  EXPECT_EQ(speakers("Mira Tal woke to the sound of water.\n\n“I heard nothing at all, no siren "
                     "and no alarm,” the "
                     "41-year-old nurse said on Friday."),
            V{"Mira Tal"});
  // Not any description: "the report said" is no person.
  EXPECT_EQ(speakers("Mira Tal woke to the sound of water.\n\n“Levels are rising faster than in "
                     "any year before,” the report "
                     "said on Friday."),
            V{""});
}

TEST(Speakers, AParticiplesSubjectPastAnOpeningPhrase) {
  EXPECT_EQ(speakers("In a statement, Omar Said, head of the port authority, praised the crews, "
                     "saying, “They worked through the night.”"),
            V{"Omar Said"});
}

TEST(Speakers, TheVerbMayComeLateInTheQuotationsSentence) {
  EXPECT_EQ(speakers("“The tide has turned” and that a return to the old timetable is out of "
                     "the question this year, Omar Haddad said."),
            V{"Omar Haddad"});
}

TEST(Speakers, PossessivesAndParticles) {
  EXPECT_EQ(speakers("Al Jazeera's Natacha Butler said there was “a real sense of urgency here”."),
            V{"Natacha Butler"});
  EXPECT_EQ(speakers("“The road stays closed until the water goes down,” said Jan van der Berg."),
            V{"Jan van der Berg"});
}

TEST(Speakers, LongestFormInTheText) {
  EXPECT_EQ(speakers("Union leader Tomasz Wrobel addressed the crowd. Later Wrobel said: “We "
                     "will not walk away from it.”"),
            V{"Tomasz Wrobel"});
}

TEST(Speakers, AQuotationAloneContinuesThePreviousSpeaker) {
  EXPECT_EQ(speakers("“We will stay out until the end,” Anna Berg said.\n\n“They want to replace "
                     "us all with software.”"),
            (V{"Anna Berg", "Anna Berg"}));
}

TEST(Speakers, NoneWhenTheTextDoesNotSay) {
  EXPECT_EQ(speakers("The banner read “no jobs without guarantees for all”."), V{""});
}

}  // namespace
}  // namespace kindred::story
