#include <gtest/gtest.h>

#include <random>
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
  EXPECT_EQ(normalize_word("ﬁnance"), "finance");             // ligature (compatibility)
  EXPECT_EQ(normalize_word("ＴＯＫＹＯ"), "tokyo");           // fullwidth
  EXPECT_EQ(normalize_word("Straße"), "strasse");             // full case folding
  EXPECT_EQ(normalize_word("Wróbel"), "wrobel");              // marks stripped
  EXPECT_EQ(normalize_word("ПУТИН"), "путин");                // Cyrillic case folding
  EXPECT_EQ(normalize_word("don't"), "dont");                 // apostrophes dropped
  EXPECT_EQ(normalize_word("co\u00ADoperate"), "cooperate");  // soft hyphen ignored
}

TEST(Tokenize, UnspacedScriptsAreSplitIntoWordsByIcu) {
  EXPECT_EQ(words_of("東京都は晴れ"), (std::vector<std::string>{"東京", "都", "は", "晴れ"}));
  EXPECT_EQ(words_of("ok 東京"), (std::vector<std::string>{"ok", "東京"}));
  EXPECT_EQ(words_of("北京市政府周三宣布，将在明年扩建城市地铁网络。"),
            (std::vector<std::string>{"北京市", "政府", "周三", "宣布", "将", "在", "明年", "扩建",
                                      "城市", "地铁", "网络"}));
  EXPECT_EQ(
      words_of("ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรค"),
      (std::vector<std::string>{"ภาษา", "ไทย", "เป็น", "ภาษา", "ที่", "ไม่มี", "การ", "เว้น", "วรรค"}));
}

TEST(Tokenize, UnspacedRunsKeepOffsetsAcrossScriptsAndSupplementaryCharacters) {
  // Digits and Latin break a run; a CJK extension B character (4 bytes in
  // UTF-8, a surrogate pair in UTF-16) maps back to its own bytes.
  const std::string text = "2024年 Kyoto京都 𠮷野家で";
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::vector<std::string> words;
  for (const Token& t : tokens) words.emplace_back(text.substr(t.begin, t.end - t.begin));
  ASSERT_GE(words.size(), 5u);
  EXPECT_EQ(words[0], "2024");
  EXPECT_EQ(words[1], "年");
  EXPECT_EQ(words[2], "Kyoto");
  EXPECT_EQ(words[3], "京都");
  std::string rest;
  for (size_t i = 4; i < words.size(); ++i) rest += words[i];
  EXPECT_EQ(rest, "𠮷野家で");
  for (const Token& t : tokens)
    EXPECT_EQ(t.hash, word_hash(normalize_word(text.substr(t.begin, t.end - t.begin))));
}

TEST(Tokenize, LongUnspacedRunIsSegmentedWholly) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "政府宣布";
  std::vector<Token> tokens;
  tokenize(text, tokens);
  ASSERT_EQ(tokens.size(), 40000u);
  EXPECT_EQ(tokens.back().end, text.size());
}

TEST(Normalize, TurkishDottedAndDotlessIFoldToI) {
  EXPECT_EQ(normalize_word("İstanbul"), "istanbul");
  EXPECT_EQ(normalize_word("ISTANBUL"), "istanbul");
  EXPECT_EQ(normalize_word("ıstanbul"), "istanbul");
  EXPECT_EQ(normalize_word("IŞIK"), normalize_word("ışık"));
  EXPECT_EQ(normalize_word("ışık"), "isik");  // ş loses its cedilla with the other marks
  EXPECT_EQ(normalize_word("DİYARBAKIR"), normalize_word("Diyarbakır"));
}

TEST(Normalize, ArabicTashkeelTatweelAndLetterVariants) {
  EXPECT_EQ(normalize_word("كَتَبَ"), normalize_word("كتب"));        // harakat stripped
  EXPECT_EQ(normalize_word("كتـــاب"), normalize_word("كتاب"));   // tatweel removed
  EXPECT_EQ(normalize_word("أحمد"), normalize_word("احمد"));      // hamza above
  EXPECT_EQ(normalize_word("إسلام"), normalize_word("اسلام"));    // hamza below
  EXPECT_EQ(normalize_word("آخر"), normalize_word("اخر"));        // madda
  EXPECT_EQ(normalize_word("ٱلله"), normalize_word("الله"));      // alef wasla
  EXPECT_EQ(normalize_word("مستشفى"), normalize_word("مستشفي"));  // alef maqsura
  EXPECT_EQ(normalize_word("مدينة"), normalize_word("مدينه"));    // teh marbuta
  EXPECT_EQ(normalize_word("٢٠٢٤"), "2024");                      // Arabic-Indic digits
  EXPECT_EQ(normalize_word("کتاب"), normalize_word("كتاب"));      // Persian keheh
}

TEST(Normalize, CyrillicYoIsYe) {
  EXPECT_EQ(normalize_word("ЁЛКА"), normalize_word("елка"));
  EXPECT_EQ(normalize_word("ещё"), "еще");
}

TEST(Tokenize, InvalidBytesSeparateWordsWithoutCrashing) {
  EXPECT_EQ(words_of("ab\xff"
                     "cd \xc3"),
            (std::vector<std::string>{"ab", "cd"}));
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

// tokenize() and tokenize_reference() give the same tokens for `text`.
::testing::AssertionResult fast_path_agrees(const std::string& text) {
  std::vector<Token> fast, reference;
  tokenize(text, fast);
  tokenize_reference(text, reference);
  if (fast.size() != reference.size()) {
    return ::testing::AssertionFailure()
           << fast.size() << " tokens, reference " << reference.size() << " in: " << text;
  }
  for (size_t t = 0; t < fast.size(); ++t) {
    if (fast[t].begin != reference[t].begin || fast[t].end != reference[t].end ||
        fast[t].hash != reference[t].hash) {
      return ::testing::AssertionFailure() << "token " << t << " differs in: " << text;
    }
  }
  return ::testing::AssertionSuccess();
}

// The ASCII fast path must give exactly the tokens of the general rules,
// including where ASCII words meet non-ASCII letters, joiners, digits and
// invalid bytes. Random texts over an alphabet built to hit those edges.
TEST(Tokenize, AsciiFastPathAgreesWithTheReferenceOnRandomText) {
  const std::vector<std::string> pieces = {
      "a",  "B",  "z",  "Q", "0", "7", "'",    ".",    ",",        " ",        "\n",
      "-",  "\"", "é",  "É", "’", "ʼ", "İ",    "ı",    "٣",        "\xc2\xad", "\xe2\x80\x8d",
      "中", "国", "ア", "ก", "—", "“", "\xff", "\xc3", "\xe2\x80", "ё",        "ﬁ"};
  std::mt19937_64 rng(20261121);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 40);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    // Mostly short texts; every 100th long enough for many 16-byte steps.
    const size_t n = round % 100 == 0 ? 2000 : length(rng);
    for (size_t i = 0; i < n; ++i) text += pieces[pick(rng)];
    ASSERT_TRUE(fast_path_agrees(text));
  }
}

// Words of every length up to past the fast path's room (256 bytes), ending
// at every offset of the 16-byte vector loop and at the end of the text.
TEST(Tokenize, AsciiFastPathAgreesOnLongWordsAndTextEnds) {
  std::mt19937_64 rng(5);
  const std::string letters = "abcXYZ0123456789'.,";
  for (size_t length = 1; length < 300; ++length) {
    for (int variant = 0; variant < 4; ++variant) {
      std::string text = variant % 2 ? "x " : "";
      for (size_t i = 0; i < length; ++i)
        text += letters[rng() % (variant < 2 ? 6 : letters.size())];
      if (variant == 3) text += "\xc3\xa9 tail";
      ASSERT_TRUE(fast_path_agrees(text));
    }
  }
}

// Mostly plain ASCII prose, as the 64-byte block path sees it: words of 1 to
// 70 bytes (so some cross or fill a block), separators of 1 to 3 bytes, and
// now and then a byte that makes a block undecided (an apostrophe, a '.' or
// ',' after a digit, a non-ASCII letter), at every offset from a block edge.
TEST(Tokenize, AsciiBlockPathAgreesWithTheReferenceOnPlainText) {
  std::mt19937_64 rng(64);
  const std::string word_bytes = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789";
  const std::vector<std::string> separators = {" ", "  ", ", ", ". ", "\n\n", "\"", " (", "-", ";"};
  const std::vector<std::string> rare = {"'", "’", "é", "3.5", "1,000", "x'y", "9,", "5.", "\xff"};
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const size_t target = 80 + rng() % 700;
    const bool with_rare = round % 3 != 0;
    while (text.size() < target) {
      const size_t length = rng() % 8 == 0 ? 1 + rng() % 70 : 1 + rng() % 9;
      for (size_t i = 0; i < length; ++i) text += word_bytes[rng() % word_bytes.size()];
      if (with_rare && rng() % 20 == 0) text += rare[rng() % rare.size()];
      text += separators[rng() % separators.size()];
    }
    ASSERT_TRUE(fast_path_agrees(text));
    ASSERT_TRUE(fast_path_agrees(text.substr(0, text.size() - 1 - rng() % 40)));
  }
}

// The block path's edges, placed deliberately: each snippet at every offset
// from 0 to 100 in plain text, so it sits on and around byte 0, 15-16, 63-64
// of some block; words of exactly 16, 17, 63, 64 and 65 bytes; a word right
// after an unspaced-script run; texts of exactly 79, 80 and 81 bytes.
TEST(Tokenize, AsciiBlockPathAgreesAtBlockEdges) {
  const std::vector<std::string> snippets = {"x'y",
                                             "x'",
                                             "'x",
                                             "x''y",
                                             "3.5",
                                             "3.",
                                             "9,000",
                                             "7,x",
                                             "a.b",
                                             std::string(16, 'b'),
                                             std::string(17, 'b'),
                                             std::string(63, 'c'),
                                             std::string(64, 'c'),
                                             std::string(65, 'c'),
                                             "日本abc",
                                             "日本'abc",
                                             "é'x",
                                             "x\xe2\x80\x99y",
                                             "\xff"};
  const std::string filler = " plain words follow here, as in news text. And more words end it";
  for (const std::string& snippet : snippets) {
    for (size_t offset = 0; offset <= 100; ++offset) {
      std::string text(offset, ' ');
      for (size_t k = 0; k < offset; k += 6) text[k] = 'w';  // short words before it
      text += snippet + filler + filler;
      ASSERT_TRUE(fast_path_agrees(text)) << "offset " << offset;
    }
  }
  for (size_t length : {79, 80, 81}) {
    std::string text;
    while (text.size() < length) text += "word ";
    text.resize(length);
    ASSERT_TRUE(fast_path_agrees(text)) << length;
  }
}

TEST(Tokenize, AsciiFastPathHandsMixedWordsToTheGeneralRules) {
  // "café" starts in ASCII and ends outside it; "don’t" joins with U+2019.
  EXPECT_EQ(words_of("Cafe café don’t 3.5 x.y"),
            (std::vector<std::string>{"Cafe", "café", "don’t", "3.5", "x", "y"}));
  EXPECT_EQ(hashes_of("Cafe")[0], hashes_of("café")[0]);
  EXPECT_EQ(hashes_of("DONT")[0], hashes_of("don’t")[0]);
}

}  // namespace
}  // namespace kindred::normalize
