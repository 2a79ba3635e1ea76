// End to end: stories, quotations, provenance and merged accounts from `kindred scan`.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "cli_runner.h"

namespace kindred::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSeeds = fs::path(KINDRED_SHARED_DIR) / "seeds";
const fs::path kExamples = fs::path(KINDRED_SOURCE_DIR) / "examples";

struct Records {
  std::vector<simdjson::dom::element> of_type(const std::string& type) const {
    std::vector<simdjson::dom::element> out;
    for (const auto& e : all) {
      if (std::string_view(e["type"]) == type) out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> lines;
  // A DOM element lives as long as its parser: one parser per record.
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;
  std::vector<simdjson::dom::element> all;
};

// Parses every line; the parser's documents stay alive with `records`.
void scan(const std::string& args, Records& records) {
  const RunResult r = run_kindred("scan " + args + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) records.lines.push_back(line);
  for (const auto& l : records.lines) {
    records.parsers.push_back(std::make_unique<simdjson::dom::parser>());
    records.all.push_back(records.parsers.back()->parse(l));
  }
}

std::set<std::string> strings(simdjson::dom::element array) {
  std::set<std::string> out;
  for (auto v : array.get_array()) out.insert(std::string(std::string_view(v)));
  return out;
}

std::string seed(const std::string& prefix) {
  for (const auto& e : fs::directory_iterator(kSeeds)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) return name;
  }
  return prefix;
}

TEST(StoriesOnSeeds, OneStoryThreeFamiliesAndTheLavrovQuotation) {
  if (!fs::exists(kSeeds)) GTEST_SKIP() << "../shared/seeds not present: seed test skipped";
  Records rec;
  scan("'" + kSeeds.string() + "'", rec);
  const auto stories = rec.of_type("story");
  ASSERT_EQ(stories.size(), 1u);
  EXPECT_EQ(
      strings(stories[0]["members"]),
      (std::set<std::string>{seed("000"), seed("001"), seed("002"), seed("003"), seed("004")}));
  // Copy families stay {000, 001, 002}; 003 and 004 are in none.
  const auto families = rec.of_type("family");
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(strings(families[0]["members"]),
            (std::set<std::string>{seed("000"), seed("001"), seed("002")}));

  // Lavrov's remark about the negotiating table: one quotation across 001, 002
  // and 003, although 003 words it differently.
  bool found = false;
  for (const auto& q : rec.of_type("quotation")) {
    bool negotiating = false;
    for (auto v : q["variants"].get_array()) {
      negotiating |= std::string_view(v["text"]).find("negotiati") != std::string_view::npos &&
                     std::string_view(v["text"]).find("table") != std::string_view::npos;
    }
    if (!negotiating) continue;
    const auto sources = strings(q["sources"]);
    if (sources.count(seed("001")) && sources.count(seed("002")) && sources.count(seed("003"))) {
      found = true;
      EXPECT_EQ(std::string_view(q["speaker"]), "Lavrov");
    }
  }
  EXPECT_TRUE(found) << "the negotiating-table quotation spans 001, 002 and 003";

  // Provenance: 000 derives from 001.
  bool provenance = false;
  for (const auto& p : rec.of_type("provenance")) {
    if (std::string_view(p["copy"]) == seed("000")) {
      provenance = true;
      EXPECT_EQ(std::string_view(p["source"]), seed("001"));
      EXPECT_GE(double(p["confidence"]), 0.9);
    }
  }
  EXPECT_TRUE(provenance);

  // The merged account: sentences with their sources; the independent reports add their own.
  const auto additions = stories[0]["additions"];
  EXPECT_GT(int64_t(additions[seed("003")]), 5);
  EXPECT_GT(int64_t(additions[seed("004")]), 5);
  // The abridged copy's sentences are its source's: the account lists 001 with them.
  size_t of_copy = 0, with_source = 0;
  for (auto s : stories[0]["account"].get_array()) {
    const auto sources = strings(s["sources"]);
    if (!sources.count(seed("000"))) continue;
    ++of_copy;
    with_source += sources.count(seed("001"));
  }
  ASSERT_GT(of_copy, 5u);
  EXPECT_GE(double(with_source), 0.8 * double(of_copy)) << with_source << " of " << of_copy;
}

// Pairwise precision and recall of predicted stories against labels.
std::pair<double, double> pairwise(const Records& rec,
                                   const std::map<std::string, std::string>& labels) {
  std::map<std::string, int64_t> story_of;
  for (const auto& s : rec.of_type("story")) {
    for (auto m : s["members"].get_array())
      story_of[std::string(std::string_view(m))] = int64_t(s["story"]);
  }
  int tp = 0, fp = 0, fn = 0;
  for (auto a = labels.begin(); a != labels.end(); ++a) {
    for (auto b = std::next(a); b != labels.end(); ++b) {
      const bool truth = a->second == b->second;
      const bool pred = story_of.count(a->first) && story_of.count(b->first) &&
                        story_of[a->first] == story_of[b->first];
      tp += truth && pred;
      fp += pred && !truth;
      fn += truth && !pred;
    }
  }
  return {tp + fp ? double(tp) / (tp + fp) : 1.0, tp + fn ? double(tp) / (tp + fn) : 1.0};
}

std::map<std::string, std::string> story_labels() {
  std::map<std::string, std::string> labels;
  std::istringstream in(read_file(kExamples / "stories" / "labels.tsv"));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line))
    labels[line.substr(0, line.find('\t'))] = line.substr(line.find('\t') + 1);
  return labels;
}

TEST(StoriesOnDecoys, SamePlacesAndPeopleDoNotCollapseIntoOneStory) {
  const auto labels = story_labels();
  ASSERT_EQ(labels.size(), 16u);
  Records dated;
  scan("'" + (kExamples / "stories.jsonl").string() + "'", dated);
  const auto [p, r] = pairwise(dated, labels);
  EXPECT_GE(p, 0.95);
  EXPECT_GE(r, 0.95);
  // Without dates the evidence is the text alone: still far from one story.
  Records undated;
  scan("'" + (kExamples / "stories").string() + "'", undated);
  const auto [p2, r2] = pairwise(undated, labels);
  EXPECT_GE(p2, 0.75);
  EXPECT_GE(r2, 0.75);
  EXPECT_GE(undated.of_type("story").size(), 4u);
}

TEST(StoriesOnExamples, EachEventIsOneStoryAndNoStoriesFlagSkipsThem) {
  Records rec;
  scan("'" + (kExamples / "corpus").string() + "'", rec);
  std::set<std::set<std::string>> got;
  for (const auto& s : rec.of_type("story")) got.insert(strings(s["members"]));
  EXPECT_TRUE(
      got.count({"strike/abridged.txt", "strike/exact_repost.txt", "strike/independent_a.txt",
                 "strike/independent_b.txt", "strike/rewrite.txt", "strike/wire_full.txt"}));
  EXPECT_TRUE(got.count({"flood/copy.txt", "flood/full.txt", "flood/independent.txt"}));
  EXPECT_TRUE(got.count({"breach/copy.txt", "breach/full.txt", "breach/independent.txt"}));
  Records none;
  scan("'" + (kExamples / "corpus").string() + "' --no-stories", none);
  EXPECT_TRUE(none.of_type("story").empty());
  EXPECT_FALSE(none.of_type("link").empty());
}

}  // namespace
}  // namespace kindred::testing
