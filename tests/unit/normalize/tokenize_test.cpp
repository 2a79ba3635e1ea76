#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normalize/tokenize.h"

namespace kindred::normalize {
namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<std::string> out;
  for (const Token& t : tokens) out.emplace_back(text.substr(t.begin, t.end - t.begin));
  return out;
}

std::vector<uint64_t> hashes_of(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<uint64_t> out;
  for (const Token& t : tokens) out.push_back(t.hash);
  return out;
}

TEST(Tokenize, OffsetsPointIntoTheOriginalText) {
  const std::string text = "  Hello, “World” — it’s 3.5%!";
  EXPECT_EQ(words_of(text), (std::vector<std::string>{"Hello", "World", "it’s", "3.5"}));
}

TEST(Tokenize, HashesAreThoseOfTheNormalisedWord) {
  std::vector<Token> tokens;
  tokenize("Zoë’s", tokens);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].hash, word_hash("zoes"));
}

TEST(Tokenize, QuotesDashesAndCaseDoNotMatter) {
  EXPECT_EQ(hashes_of("“Peace,” said O’Neill — at last."),
            hashes_of("\"PEACE\", said O'Neill -- at last"));
}

TEST(Tokenize, HyphensAndPunctuationSeparate) {
  EXPECT_EQ(words_of("US-led talks; Riyadh/Jeddah"),
            (std::vector<std::string>{"US", "led", "talks", "Riyadh", "Jeddah"}));
}

TEST(Tokenize, NumbersKeepDecimalAndThousandsSeparators) {
  EXPECT_EQ(words_of("1,000 people. 2.5 km, end."),
            (std::vector<std::string>{"1,000", "people", "2.5", "km", "end"}));
}

TEST(Normalize, NfkcCaseFoldingAndMarks) {
  EXPECT_EQ(normalize_word("ﬁnance"), "finance");      // ligature (compatibility)
  EXPECT_EQ(normalize_word("ＴＯＫＹＯ"), "tokyo");     // fullwidth
  EXPECT_EQ(normalize_word("Straße"), "strasse");      // full case folding
  EXPECT_EQ(normalize_word("Wróbel"), "wrobel");       // marks stripped
  EXPECT_EQ(normalize_word("ПУТИН"), "путин");         // Cyrillic case folding
  EXPECT_EQ(normalize_word("don't"), "dont");          // apostrophes dropped
  EXPECT_EQ(normalize_word("co\u00ADoperate"), "cooperate");  // soft hyphen ignored
}

TEST(Tokenize, UnspacedScriptsGiveOneTokenPerCharacter) {
  EXPECT_EQ(words_of("東京都は晴れ"),
            (std::vector<std::string>{"東", "京", "都", "は", "晴", "れ"}));
  EXPECT_EQ(words_of("ok 東京"), (std::vector<std::string>{"ok", "東", "京"}));
}

TEST(Tokenize, InvalidBytesSeparateWordsWithoutCrashing) {
  EXPECT_EQ(words_of("ab\xff" "cd \xc3"), (std::vector<std::string>{"ab", "cd"}));
}

TEST(Tokenize, EmptyAndPunctuationOnlyTextsHaveNoTokens) {
  EXPECT_TRUE(words_of("").empty());
  EXPECT_TRUE(words_of(" ... — !!! \n\t").empty());
}

TEST(Fingerprint, EqualForNormalisedEqualTexts) {
  std::vector<Token> a, b, c;
  tokenize("The “wire” story.", a);
  tokenize("the \"WIRE\"   story", b);
  tokenize("the wire stories", c);
  EXPECT_EQ(sequence_fingerprint(a), sequence_fingerprint(b));
  EXPECT_NE(sequence_fingerprint(a), sequence_fingerprint(c));
}

}  // namespace
}  // namespace kindred::normalize
