// align_passages on text: offsets, edits that must not split a passage,
// reordering, unrelated and repetitive texts, and the real seed articles.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "align/passages.h"
#include "normalize/tokenize.h"

namespace kindred::align {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string corpus(const std::string& name) {
  return read_file(fs::path(KINDRED_SOURCE_DIR) / "examples" / "corpus" / name);
}

std::vector<normalize::Token> tokens(std::string_view text) {
  std::vector<normalize::Token> t;
  normalize::tokenize(text, t);
  return t;
}

std::vector<Passage> align(std::string_view a, std::string_view b, const AlignParams& p = {}) {
  return align_passages(a, tokens(a), b, tokens(b), p);
}

std::string_view span_a(std::string_view text, const Passage& p) {
  return text.substr(p.a_begin, p.a_end - p.a_begin);
}
std::string_view span_b(std::string_view text, const Passage& p) {
  return text.substr(p.b_begin, p.b_end - p.b_begin);
}

// Sorted by a_begin, disjoint on both sides, offsets inside the texts.
void expect_well_formed(const std::vector<Passage>& ps, std::string_view a, std::string_view b) {
  for (size_t k = 0; k < ps.size(); ++k) {
    EXPECT_LT(ps[k].a_begin, ps[k].a_end);
    EXPECT_LE(ps[k].a_end, a.size());
    EXPECT_LT(ps[k].b_begin, ps[k].b_end);
    EXPECT_LE(ps[k].b_end, b.size());
    EXPECT_GE(ps[k].identity(), 0.5);
    EXPECT_GE(ps[k].matched_words, 8u);
    for (size_t l = 0; l < k; ++l) {
      EXPECT_LE(ps[l].a_end, ps[k].a_begin) << "sorted and disjoint in a";
      EXPECT_TRUE(ps[l].b_end <= ps[k].b_begin || ps[k].b_end <= ps[l].b_begin) << "disjoint in b";
    }
  }
}

const std::string kParagraph =
    "Ashcombe District Council approved its budget for the coming year on Tuesday night, "
    "raising council tax by 4.9 per cent and reducing opening hours at three of its seven "
    "public libraries in an effort to close a funding gap of 6.2 million pounds";

TEST(Passages, VerbatimParagraphInUnrelatedTextHasExactOffsets) {
  const std::string recipe = corpus("misc/recipe_column.txt"),
                    football = corpus("misc/football_result.txt");
  ASSERT_FALSE(recipe.empty());
  const std::string a = recipe.substr(0, 900) + "\n\n" + kParagraph + ".\n\n" + recipe.substr(900);
  const std::string b = football.substr(0, 1500) + " (" + kParagraph + ") " + football.substr(1500);
  const auto ps = align(a, b);
  expect_well_formed(ps, a, b);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(span_a(a, ps[0]), kParagraph);
  EXPECT_EQ(span_b(b, ps[0]), kParagraph);
  EXPECT_EQ(ps[0].a_begin, a.find("Ashcombe"));
  EXPECT_EQ(ps[0].b_begin, b.find("Ashcombe"));
  EXPECT_EQ(ps[0].a_words, tokens(kParagraph).size());
  EXPECT_EQ(ps[0].matched_words, ps[0].a_words);
  EXPECT_DOUBLE_EQ(ps[0].identity(), 1.0);
  EXPECT_EQ(ps[0].score, 2.0 * ps[0].a_words);
}

TEST(Passages, SubstitutionInsertedClauseQuotesAndDashesKeepOnePassage) {
  const std::string original =
      "The regional council approved a \xE2\x80\x9Ctemporary\xE2\x80\x9D levy of two per cent on "
      "Tuesday \xE2\x80\x94 the first rise in a decade \xE2\x80\x94 after a long debate that ran "
      "late into the night, and officials said the money would go to repairing roads and "
      "bridges damaged in the spring floods";
  const std::string edited =
      "The regional council passed a \"temporary\" levy of two per cent on Tuesday -- the "
      "first rise in a decade -- after a long debate, which was broadcast live on local radio, "
      "that ran late into the night, and officials said the money would go to repairing roads "
      "and bridges damaged in the spring floods";
  const std::string a = corpus("misc/recipe_column.txt").substr(0, 700) + "\n\n" + original +
                        ".\n\n" + corpus("misc/recipe_column.txt").substr(700, 800);
  const std::string b = corpus("misc/football_result.txt").substr(0, 600) + "\n\n" + edited +
                        ".\n\n" + corpus("misc/football_result.txt").substr(600, 900);
  const auto ps = align(a, b);
  expect_well_formed(ps, a, b);
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(span_a(a, ps[0]), original);
  EXPECT_EQ(span_b(b, ps[0]), edited);
  const auto ta = tokens(original), tb = tokens(edited);
  EXPECT_EQ(ps[0].a_words, ta.size());
  EXPECT_EQ(ps[0].b_words, tb.size());
  EXPECT_EQ(ps[0].matched_words, ta.size() - 1) << "all but the substituted word";
  EXPECT_GT(ps[0].identity(), 0.8);
}

TEST(Passages, SwappedPassagesAreBothFound) {
  const std::string p =
      "Libraries in Fenwick, Stoke Marling and Upper Cray will close on Mondays and Wednesdays, "
      "while the central library in Ashcombe town centre will keep its current hours";
  const std::string q =
      "His group's main amendment, which would have funded the libraries by reducing the "
      "council's spending on external consultants, was rejected by 22 votes to 18";
  const std::string recipe = corpus("misc/recipe_column.txt"),
                    football = corpus("misc/football_result.txt");
  const std::string a = recipe.substr(0, 500) + " " + p + ". " + recipe.substr(500, 600) + " " + q +
                        ". " + recipe.substr(1100, 400);
  const std::string b = football.substr(0, 400) + " " + q + ". " + football.substr(400, 700) + " " +
                        p + ". " + football.substr(1100, 300);
  const auto ps = align(a, b);
  expect_well_formed(ps, a, b);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(span_a(a, ps[0]), p);
  EXPECT_EQ(span_b(b, ps[0]), p);
  EXPECT_EQ(span_a(a, ps[1]), q);
  EXPECT_EQ(span_b(b, ps[1]), q);
  EXPECT_GT(ps[0].b_begin, ps[1].b_begin) << "order is swapped in b";
}

TEST(Passages, UnrelatedTextsShareNothing) {
  for (const auto& [x, y] : {std::pair{"misc/recipe_column.txt", "misc/football_result.txt"},
                             {"misc/council_budget.txt", "flood/full.txt"},
                             {"breach/full.txt", "strike/wire_full.txt"}}) {
    const std::string a = corpus(x), b = corpus(y);
    ASSERT_FALSE(a.empty());
    EXPECT_TRUE(align(a, b).empty()) << x << " vs " << y;
  }
  EXPECT_TRUE(align("", corpus("breach/full.txt")).empty());
  EXPECT_TRUE(align("one two three four five six seven eight nine ten",
                    "eleven twelve thirteen fourteen fifteen sixteen seventeen")
                  .empty());
}

// A line repeated thousands of times on both sides: its n-grams seed nothing,
// the work stays linear, and the real passage between the repeats is found.
TEST(Passages, RepeatedBoilerplateDoesNotExplode) {
  const std::string line = "Subscribe to our newsletter for the latest local news. ";
  for (int repeats : {20, 3000}) {
    std::string a, b;
    for (int k = 0; k < repeats; ++k) a += line;
    a += kParagraph + ". ";
    for (int k = 0; k < repeats; ++k) a += line;
    b = corpus("misc/football_result.txt").substr(0, 300);
    for (int k = 0; k < repeats / 2; ++k) b += line;
    b += "Unrelated words here. " + kParagraph + ". And then something else entirely. ";
    for (int k = 0; k < repeats; ++k) b += line;
    const auto ta = tokens(a), tb = tokens(b);
    std::vector<uint64_t> ha, hb;
    for (const auto& t : ta) ha.push_back(t.hash);
    for (const auto& t : tb) hb.push_back(t.hash);
    AlignStats stats;
    const auto ws = align_words(ha, hb, {}, &stats);
    std::printf("%d repeats: %zu x %zu words, %llu seeds, %llu regions, %llu cells\n", repeats,
                ha.size(), hb.size(), static_cast<unsigned long long>(stats.seeds),
                static_cast<unsigned long long>(stats.regions),
                static_cast<unsigned long long>(stats.cells));
    // Above max_seed_occurrences the repeats seed nothing: work stays linear.
    if (repeats > 100) {
      EXPECT_LT(stats.cells, 20 * (ha.size() + hb.size()));
    }
    const auto ps = align_passages(a, ta, b, tb);
    expect_well_formed(ps, a, b);
    const size_t pa = a.find(kParagraph), pb = b.find(kParagraph);
    bool found = false;
    for (const auto& p : ps) {
      found |= p.a_begin <= pa && p.a_end >= pa + kParagraph.size() && p.b_begin <= pb &&
               p.b_end >= pb + kParagraph.size();
    }
    EXPECT_TRUE(found) << repeats << " repeats: the paragraph is inside a passage";
  }
}

// A long copy with light edits: one region, linear work, nearly all words covered.
TEST(Passages, LongLightlyEditedCopyIsLinear) {
  std::mt19937_64 rng(5);
  std::vector<uint64_t> a(20000), b;
  for (auto& w : a) w = 1000 + rng() % 20000;
  for (uint64_t w : a) {
    const uint64_t r = rng() % 100;
    if (r == 0) continue;                            // deletion
    b.push_back(r == 1 ? 1000 + rng() % 20000 : w);  // substitution
    if (r == 2) b.push_back(7);                      // insertion
  }
  AlignStats stats;
  const auto ws = align_words(a, b, {}, &stats);
  uint64_t covered = 0;
  for (const auto& w : ws) covered += w.a_end - w.a_begin;
  EXPECT_GE(covered, a.size() * 99 / 100);
  EXPECT_LE(ws.size(), 3u);
  EXPECT_LT(stats.cells, 60 * (a.size() + b.size()));
}

// --- the seed articles (real news; 000 abridges 001, 002 rewrites 001) ---

const fs::path kSeeds = fs::path(KINDRED_SHARED_DIR) / "seeds";

std::string seed(const std::string& prefix) {
  for (const auto& e : fs::directory_iterator(kSeeds)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) return read_file(e.path());
  }
  ADD_FAILURE() << "no seed " << prefix;
  return {};
}

#define SKIP_WITHOUT_SEEDS() \
  if (!fs::exists(kSeeds)) GTEST_SKIP() << "../shared/seeds not present: seed test skipped"

TEST(PassagesSeeds, AbridgedCopyIsCovered) {
  SKIP_WITHOUT_SEEDS();
  const std::string a = seed("000"), b = seed("001");
  const auto ps = align(a, b);
  expect_well_formed(ps, a, b);
  uint64_t covered = 0;
  for (const auto& p : ps) covered += p.a_words;
  EXPECT_GE(double(covered), 0.85 * double(tokens(a).size()));
}

TEST(PassagesSeeds, RewriteKeepsManyPassages) {
  SKIP_WITHOUT_SEEDS();
  const std::string a = seed("001"), b = seed("002");
  const auto ps = align(a, b);
  expect_well_formed(ps, a, b);
  EXPECT_GE(ps.size(), 5u);
  for (const auto& p : ps) {
    EXPECT_GE(p.a_words, 8u);
    EXPECT_GE(p.b_words, 8u);
  }
}

TEST(PassagesSeeds, IndependentReportSharesAtMostQuotes) {
  SKIP_WITHOUT_SEEDS();
  const std::string a = seed("003"), b = seed("001");
  const auto ps = align(a, b);
  expect_well_formed(ps, a, b);
  uint64_t covered = 0;
  for (const auto& p : ps) {
    EXPECT_LE(p.a_words, 30u) << span_a(a, p);
    covered += p.a_words;
  }
  EXPECT_LT(double(covered), 0.1 * double(tokens(a).size()));
}

}  // namespace
}  // namespace kindred::align
