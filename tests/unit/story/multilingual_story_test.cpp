// Story similarity in seven languages, on the articles of examples/multilingual:
// for each language two reports of one event (a1, a2) and a report of another
// event of the same kind (b), often with the same officials and places.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "normalize/tokenize.h"
#include "story/stories.h"

namespace kindred::story {
namespace {

namespace fs = std::filesystem;
const fs::path kDir = fs::path(KINDRED_SOURCE_DIR) / "examples" / "multilingual";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  const char* code;
  normalize::Language language;
};
const Case kCases[] = {
    {"tr", normalize::Language::kTurkish}, {"ar", normalize::Language::kArabic},
    {"fr", normalize::Language::kFrench},  {"de", normalize::Language::kGerman},
    {"es", normalize::Language::kSpanish}, {"ru", normalize::Language::kRussian},
    {"zh", normalize::Language::kChinese},
};

StoryFeatures features_of(const std::string& text) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  return extract_features(text, tokens, std::nullopt);
}

class MultilingualStories : public ::testing::TestWithParam<Case> {};

TEST_P(MultilingualStories, SameStoryRanksAboveSameKind) {
  const Case c = GetParam();
  const std::string stem = std::string(c.code) + "_";
  const std::string a1 = read(kDir / (stem + "a1.txt")), a2 = read(kDir / (stem + "a2.txt")),
                    b = read(kDir / (stem + "b.txt"));
  ASSERT_FALSE(a1.empty() || a2.empty() || b.empty()) << kDir;
  const std::vector<StoryFeatures> f = {features_of(a1), features_of(a2), features_of(b)};
  for (const StoryFeatures& x : f) EXPECT_EQ(x.language, c.language);
  const StoryParams p;
  // Alone (as `compare` sees a pair) and within the three (as a scan does).
  for (const StoryStats& stats : {StoryStats(), StoryStats(f)}) {
    const double same = story_similarity(f[0], f[1], stats, p).total;
    const double other1 = story_similarity(f[0], f[2], stats, p).total;
    const double other2 = story_similarity(f[1], f[2], stats, p).total;
    EXPECT_GT(same, other1) << c.code;
    EXPECT_GT(same, other2) << c.code;
  }
}

INSTANTIATE_TEST_SUITE_P(Languages, MultilingualStories, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.code); });

// The stemmer of the text's language is what makes inflected forms meet: the
// Turkish reports share "deprem" only through its inflections (depremin,
// depremde...), which a byte-prefix stem would keep apart from "deprem".
TEST(MultilingualFeatures, InflectionsMeetThroughTheLanguagesStemmer) {
  const StoryFeatures a =
      features_of("Malatya'daki depremin ardından okullar bir hafta tatil edildi.");
  const StoryFeatures b = features_of("Depremde iki bina yıkıldı ve okullar kapandı.");
  ASSERT_EQ(a.language, normalize::Language::kTurkish);
  size_t shared = 0;
  for (const auto& [h, n] : a.terms) {
    for (const auto& [g, m] : b.terms) shared += h == g;
  }
  EXPECT_GE(shared, 2u);  // deprem-, okul-
  EXPECT_EQ(stem("depremin", normalize::Language::kTurkish),
            stem("Depremde", normalize::Language::kTurkish));
  EXPECT_EQ(stem("Négociations", normalize::Language::kFrench), "negoci");
}

}  // namespace
}  // namespace kindred::story
