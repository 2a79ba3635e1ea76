#include "normalize/language.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kindred::normalize {
namespace {

Language language_of(const std::string& text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  return identify_language(text, tokens);
}

TEST(Language, IdentifiedByScriptAndStopwords) {
  EXPECT_EQ(language_of("The minister said that the talks would go on for another week."),
            Language::kEnglish);
  EXPECT_EQ(
      language_of("Le ministre a déclaré que les discussions se poursuivront dans la semaine."),
      Language::kFrench);
  EXPECT_EQ(
      language_of("Der Minister sagte, dass die Gespräche in der nächsten Woche weitergehen."),
      Language::kGerman);
  EXPECT_EQ(language_of("El ministro dijo que las conversaciones continuarán durante la semana."),
            Language::kSpanish);
  EXPECT_EQ(language_of("Bakan, görüşmelerin bu hafta da devam edeceğini ve bir anlaşma için "
                        "çok çalışacaklarını söyledi."),
            Language::kTurkish);
  EXPECT_EQ(language_of("Министр заявил, что переговоры продолжатся и на этой неделе."),
            Language::kRussian);
  EXPECT_EQ(language_of("وقال الوزير إن المحادثات ستستمر خلال هذا الأسبوع."), Language::kArabic);
  EXPECT_EQ(language_of("部长表示，谈判将在本周继续进行。"), Language::kChinese);
  EXPECT_EQ(language_of("大臣は、交渉は今週も続くと述べた。"), Language::kJapanese);
  EXPECT_EQ(language_of("   ... !!! "), Language::kUnknown);
  EXPECT_EQ(language_of("Velmora Wrobel"), Language::kEnglish);  // no evidence: English
}

TEST(Language, CodesRoundTrip) {
  for (size_t l = 0; l < kLanguageCount; ++l) {
    const auto language = static_cast<Language>(l);
    EXPECT_EQ(language_from_code(language_code(language)), language);
  }
  EXPECT_EQ(language_from_code("xx"), Language::kUnknown);
}

TEST(Stopwords, PerLanguageAndNormalised) {
  EXPECT_TRUE(is_stopword(Language::kEnglish, "the"));
  EXPECT_FALSE(is_stopword(Language::kEnglish, "ceasefire"));
  EXPECT_TRUE(
      is_stopword(Language::kGerman, normalize_word("für")));  // written "für", stored "fur"
  EXPECT_TRUE(is_stopword(Language::kTurkish, normalize_word("İÇİN")));
  EXPECT_TRUE(is_stopword(Language::kFrench, normalize_word("été")));
  EXPECT_TRUE(is_stopword(Language::kArabic, normalize_word("إلى")));
  EXPECT_TRUE(is_stopword(Language::kRussian, normalize_word("который")));
  EXPECT_TRUE(is_stopword(Language::kChinese, "的"));
  EXPECT_FALSE(is_stopword(Language::kFrench, "the"));  // lists are per language
  EXPECT_FALSE(is_stopword(Language::kUnknown, "the"));
}

TEST(Stemmer, SnowballPerLanguage) {
  Stemmer stemmer;
  struct {
    Stemmer& stemmer;
    // A copy: the view stem() returns is overwritten by the next call.
    std::string stem(Language l, std::string_view w) { return std::string(stemmer.stem(l, w)); }
  } s{stemmer};
  EXPECT_EQ(s.stem(Language::kEnglish, "negotiations"), s.stem(Language::kEnglish, "negotiating"));
  EXPECT_EQ(s.stem(Language::kFrench, "négociations"), s.stem(Language::kFrench, "négociation"));
  EXPECT_EQ(s.stem(Language::kGerman, "verhandlungen"), s.stem(Language::kGerman, "verhandlung"));
  EXPECT_EQ(s.stem(Language::kSpanish, "incendios"), s.stem(Language::kSpanish, "incendio"));
  EXPECT_EQ(s.stem(Language::kTurkish, "depremin"), s.stem(Language::kTurkish, "depremde"));
  EXPECT_EQ(s.stem(Language::kTurkish, "büyüklüğündeki"), "büyüklük");
  EXPECT_EQ(s.stem(Language::kRussian, "мосту"), s.stem(Language::kRussian, "мост"));
  EXPECT_EQ(s.stem(Language::kArabic, "بالمحطة"), s.stem(Language::kArabic, "محطة"));
  // Chinese has no stemmer: its words, as the tokeniser splits them, stay whole.
  EXPECT_FALSE(Stemmer::has_stemmer(Language::kChinese));
  EXPECT_EQ(s.stem(Language::kChinese, "地铁"), "地铁");
  EXPECT_EQ(s.stem(Language::kUnknown, "talks"), "talks");
}

}  // namespace
}  // namespace kindred::normalize
