// End to end: `kindred scan` and `kindred compare` on real and bundled corpora.
#include <gtest/gtest.h>

#include <algorithm>

#include "cli_runner.h"

namespace kindred::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSeeds = fs::path(KINDRED_SHARED_DIR) / "seeds";
const fs::path kCorpus = fs::path(KINDRED_SOURCE_DIR) / "examples" / "corpus";

// The seed file whose name starts with `prefix` ("000" -> "000_7265...txt").
std::string seed_id(const std::string& prefix) {
  for (const auto& e : fs::directory_iterator(kSeeds)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) return name;
  }
  return prefix + "?";
}

ScanOutput scan_ok(const std::string& args) {
  const RunResult r = run_kindred("scan " + args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ScanOutput out;
  std::string why;
  EXPECT_TRUE(parse_scan_output(r.out, out, why)) << why;
  EXPECT_EQ(out.runs, 1);
  EXPECT_EQ(out.summaries, 1);
  return out;
}

TEST(ScanSeeds, FindsAbridgedCopyRewriteAndLeavesIndependentReportsAlone) {
  if (!fs::exists(kSeeds)) GTEST_SKIP() << "../shared/seeds not present: seed test skipped";
  const ScanOutput out = scan_ok(quote(kSeeds) + " --threads 2");
  const std::string s0 = seed_id("000"), s1 = seed_id("001"), s2 = seed_id("002"),
                    s3 = seed_id("003"), s4 = seed_id("004");
  const auto* abridged = out.link(s0, s1);
  ASSERT_NE(abridged, nullptr) << "000 must be linked to 001";
  EXPECT_EQ(abridged->relation, "contained");
  EXPECT_GE(abridged->c_ab, 0.85);    // 000 (a) inside 001 (b)
  EXPECT_LT(abridged->jaccard, 0.5);  // a Jaccard-only tool would miss it
  EXPECT_NE(out.link(s1, s2), nullptr) << "001 and 002 must be linked";
  const auto* family = out.family_of(s0);
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(*family, (std::set<std::string>{s0, s1, s2}));
  EXPECT_EQ(out.family_root.at(*family->begin()), s1) << "001 is the full original";
  EXPECT_FALSE(out.linked_to_anything(s3));
  EXPECT_FALSE(out.linked_to_anything(s4));
}

TEST(ScanExampleCorpus, FindsEveryKindOfReuse) {
  ASSERT_TRUE(fs::exists(kCorpus));
  const ScanOutput out = scan_ok(quote(kCorpus));
  const auto* abridged = out.link("strike/abridged.txt", "strike/wire_full.txt");
  ASSERT_NE(abridged, nullptr);
  EXPECT_EQ(abridged->relation, "contained");
  const auto* repost = out.link("strike/exact_repost.txt", "strike/wire_full.txt");
  ASSERT_NE(repost, nullptr);
  EXPECT_EQ(repost->relation, "near_duplicate");
  EXPECT_NE(out.link("strike/rewrite.txt", "strike/wire_full.txt"), nullptr);
  EXPECT_NE(out.link("flood/copy.txt", "flood/full.txt"), nullptr);
  EXPECT_NE(out.link("breach/copy.txt", "breach/full.txt"), nullptr);
  for (const char* alone :
       {"strike/independent_a.txt", "strike/independent_b.txt", "flood/independent.txt",
        "breach/independent.txt", "misc/football_result.txt", "misc/recipe_column.txt",
        "misc/council_budget.txt"}) {
    EXPECT_FALSE(out.linked_to_anything(alone)) << alone;
  }
  const auto* strike = out.family_of("strike/wire_full.txt");
  ASSERT_NE(strike, nullptr);
  EXPECT_EQ(*strike, (std::set<std::string>{"strike/abridged.txt", "strike/exact_repost.txt",
                                            "strike/rewrite.txt", "strike/wire_full.txt"}));
}

TEST(ScanExampleCorpus, JsonLinesInputGivesTheSameLinksAsTheFolder) {
  const ScanOutput folder = scan_ok(quote(kCorpus));
  const fs::path jsonl = kCorpus.parent_path() / "corpus.jsonl";
  const ScanOutput lines = scan_ok(quote(jsonl));
  ASSERT_EQ(folder.links.size(), lines.links.size());
  for (const auto& [pair, rec] : folder.links) {
    const auto* other = lines.link(pair.first, pair.second);
    ASSERT_NE(other, nullptr) << pair.first << " - " << pair.second;
    EXPECT_EQ(other->relation, rec.relation);
  }
  // stdin ("-") reads the same JSON Lines.
  const RunResult piped = run_kindred("scan - -q", jsonl.string());
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  ScanOutput from_stdin;
  std::string why;
  ASSERT_TRUE(parse_scan_output(piped.out, from_stdin, why)) << why;
  EXPECT_EQ(from_stdin.links.size(), folder.links.size());
  EXPECT_TRUE(piped.err.empty()) << "--quiet prints nothing: " << piped.err;
}

TEST(ScanOptions, OutputFileThreadsAndParametersAreHonoured) {
  TempDir tmp;
  const RunResult r =
      run_kindred("scan " + quote(kCorpus) + " -o " + quote(tmp / "out.jsonl") + " -t 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("documents"), std::string::npos) << "summary on stderr: " << r.err;
  ScanOutput one;
  std::string why;
  ASSERT_TRUE(parse_scan_output(read_file(tmp / "out.jsonl"), one, why)) << why;
  // A strict Jaccard-only setting (the usual 0.8 default elsewhere) loses the abridged copy.
  const ScanOutput strict = scan_ok(quote(kCorpus) +
                                    " --link 0.8 --contained 0.8 --near 0.8 "
                                    "--bands 16 --rows 8");
  EXPECT_NE(one.link("strike/abridged.txt", "strike/wire_full.txt"), nullptr);
  // (Still in one story, the pair may come back as a rewrite link, which
  // the copy parameters do not govern.)
  const auto copy_links = [](const ScanOutput& o) {
    return std::count_if(o.links.begin(), o.links.end(),
                         [](const auto& l) { return l.second.relation != "rewrite"; });
  };
  EXPECT_LT(copy_links(strict), copy_links(one));
  const RunResult bad = run_kindred("scan " + quote(kCorpus) + " --bands 100 --rows 2");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--bins"), std::string::npos) << bad.err;
}

TEST(Compare, ReportsBothContainmentsAndTheRelation) {
  const fs::path a = kCorpus / "strike" / "abridged.txt", b = kCorpus / "strike" / "wire_full.txt";
  const RunResult r = run_kindred("compare --json " + quote(a) + " " + quote(b));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(r.out);
  EXPECT_EQ(std::string_view(e["relation"]), "contained");
  EXPECT_EQ(std::string_view(e["direction"]), "a_in_b");
  EXPECT_GE(double(e["containment_a_in_b"]), 0.85);
  EXPECT_LT(double(e["containment_b_in_a"]), 0.6);
  EXPECT_GT(uint64_t(e["shared_shingles"]), 100u);

  const RunResult text = run_kindred("compare " + quote(a) + " " + quote(b));
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("contained (A in B)"), std::string::npos) << text.out;

  const double copy_story = double(parser.parse(r.out)["story_similarity"]);
  const RunResult unrelated = run_kindred(
      "compare --json " + quote(kCorpus / "misc" / "recipe_column.txt") + " " + quote(b));
  ASSERT_EQ(unrelated.exit_code, 0);
  EXPECT_TRUE(parser.parse(unrelated.out)["relation"].is_null());
  const double unrelated_story = double(parser.parse(unrelated.out)["story_similarity"]);
  // An independent report of the same strike shares almost no 5-gram but is the same story.
  const RunResult independent = run_kindred(
      "compare --json " + quote(kCorpus / "strike" / "independent_a.txt") + " " + quote(b));
  ASSERT_EQ(independent.exit_code, 0);
  simdjson::dom::element ind = parser.parse(independent.out);
  EXPECT_TRUE(ind["relation"].is_null());
  const double independent_story = double(ind["story_similarity"]);
  EXPECT_GT(copy_story, independent_story);
  EXPECT_GT(independent_story, unrelated_story + 0.2)
      << independent_story << " vs " << unrelated_story;
  EXPECT_GE(unrelated_story, 0.0);
  EXPECT_LE(copy_story, 1.0);

  const RunResult missing = run_kindred("compare " + quote(a) + " /nonexistent/file.txt");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/file.txt"), std::string::npos);
}

TEST(Compare, SeedsAbridgedCopy) {
  if (!fs::exists(kSeeds)) GTEST_SKIP() << "../shared/seeds not present: seed test skipped";
  const RunResult r = run_kindred("compare --json " + quote(kSeeds / seed_id("000")) + " " +
                                  quote(kSeeds / seed_id("001")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(r.out);
  EXPECT_GE(double(e["containment_a_in_b"]), 0.85);
  EXPECT_NEAR(double(e["jaccard"]), 0.31, 0.05);
}

}  // namespace
// --memory 1 spills the shingle sets of a 3,000-document corpus to --temp-dir
// and finds exactly the links of a scan that keeps them in memory; an
// unwritable --temp-dir keeps them in memory, says so, and still succeeds.
TEST(ScanSpill, SpilledAndInMemoryScansAgreeAndAFailedSpillIsReported) {
  TempDir tmp;
  const std::string corpus = quote(tmp / "corpus.jsonl");
  ASSERT_EQ(run_kindred("synth -n 3000 --seed 3 -o " + corpus).exit_code, 0);
  const std::string options = " --no-stories --no-passages -t 2";
  const ScanOutput memory = scan_ok(corpus + options + " --memory 4096");
  const RunResult spilled =
      run_kindred("scan " + corpus + options + " --memory 1 --temp-dir " + quote(tmp.path()));
  ASSERT_EQ(spilled.exit_code, 0) << spilled.err;
  EXPECT_NE(spilled.err.find("spilled to a temporary file"), std::string::npos) << spilled.err;
  EXPECT_NE(spilled.out.find("\"spilled_bytes\":"), std::string::npos);
  ScanOutput from_spill;
  std::string why;
  ASSERT_TRUE(parse_scan_output(spilled.out, from_spill, why)) << why;
  ASSERT_GT(memory.links.size(), 300u);
  ASSERT_EQ(from_spill.links.size(), memory.links.size());
  for (const auto& [pair, rec] : memory.links) {
    const auto* other = from_spill.link(pair.first, pair.second);
    ASSERT_NE(other, nullptr) << pair.first << " - " << pair.second;
    EXPECT_EQ(other->relation, rec.relation);
    EXPECT_EQ(other->jaccard, rec.jaccard);
  }
  const RunResult no_dir =
      run_kindred("scan " + corpus + options + " --memory 1 --temp-dir /nonexistent/kindred");
  ASSERT_EQ(no_dir.exit_code, 0) << no_dir.err;
  EXPECT_NE(no_dir.err.find("warning: shingle sets stayed in memory"), std::string::npos)
      << no_dir.err;
  EXPECT_NE(no_dir.out.find("\"spill_error\":"), std::string::npos);
  EXPECT_EQ(run_kindred("scan " + corpus + " --memory 0").exit_code, 2) << "--memory must be >= 1";
}

}  // namespace kindred::testing
