#include <gtest/gtest.h>
#include <simdjson.h>

#include "report/jsonl.h"

namespace kindred::report {
namespace {

ScanResult small_result() {
  ScanResult r;
  r.docs.resize(3);
  r.docs[0].id = "a \"quoted\" id";
  r.docs[1].id = "b";
  r.docs[2].id = "c";
  r.docs[0].family = r.docs[1].family = 0;
  r.links.push_back({0, 1, Relation::kContained, {90, 100, 300}});
  r.families.push_back({0, 1, {0, 1}});
  r.stats.documents = 3;
  r.stats.links = 1;
  r.stats.families = 1;
  return r;
}

TEST(Jsonl, EveryLineIsAJsonObjectWithAType) {
  const ScanResult r = small_result();
  const std::string out = scan_to_jsonl(Params{}, r, 2);
  simdjson::dom::parser parser;
  std::vector<std::string> types;
  size_t start = 0;
  while (start < out.size()) {
    const size_t end = out.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(out.substr(start, end - start)).get(e), simdjson::SUCCESS);
    types.emplace_back(std::string_view(e["type"]));
    start = end + 1;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"run", "link", "family", "summary"}));
}

TEST(Jsonl, LinkRecordCarriesIdsRelationAndBothContainments) {
  const ScanResult r = small_result();
  std::string line;
  append_link_record(line, r.links[0], r);
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(line);
  EXPECT_EQ(std::string_view(e["a"]), "a \"quoted\" id");
  EXPECT_EQ(std::string_view(e["b"]), "b");
  EXPECT_EQ(std::string_view(e["relation"]), "contained");
  EXPECT_EQ(std::string_view(e["direction"]), "a_in_b");
  EXPECT_DOUBLE_EQ(double(e["containment_a_in_b"]), 0.9);
  EXPECT_DOUBLE_EQ(double(e["containment_b_in_a"]), 0.3);
  EXPECT_DOUBLE_EQ(double(e["jaccard"]), 0.2903);
  EXPECT_EQ(uint64_t(e["shared_shingles"]), 90u);
  EXPECT_EQ(int64_t(e["family"]), 0);
}

TEST(Jsonl, RejectionRecordNamesFileLineAndReason) {
  Rejection rej{{"in.jsonl", 7, 120}, "x", {StatusCode::kDataError, "in.jsonl:7: missing text"}};
  std::string line;
  append_rejection_record(line, rej);
  simdjson::dom::parser parser;
  simdjson::dom::element e = parser.parse(line);
  EXPECT_EQ(std::string_view(e["file"]), "in.jsonl");
  EXPECT_EQ(uint64_t(e["line"]), 7u);
  EXPECT_EQ(std::string_view(e["code"]), "data error");
  EXPECT_EQ(std::string_view(e["reason"]), "in.jsonl:7: missing text");
}

TEST(Summary, TextCountsRelations) {
  const std::string text = summary_text(small_result(), 2);
  EXPECT_NE(text.find("3 documents"), std::string::npos) << text;
  EXPECT_NE(text.find("2 rejected"), std::string::npos);
  EXPECT_NE(text.find("1 contained"), std::string::npos);
}

// The summary accounts for every stage that ran, and its total is their sum.
TEST(Summary, EveryStageThatRanIsTimedAndTheTotalIsTheirSum) {
  ScanResult r = small_result();
  ScanStats& s = r.stats;
  s.seconds_read = 0.5, s.seconds_sketch = 1, s.seconds_candidates = 0.25, s.seconds_verify = 0.125;
  s.seconds_cluster = 0.0625, s.seconds_stories = 4, s.stories = 1, s.seconds_write = 0.75;
  std::string text = summary_text(r, 0);
  EXPECT_NE(
      text.find("6.69 s (read 0.50, sketch 1.00, candidates 0.25, verify 0.12, families 0.06, "
                "stories 4.00, write 0.75)"),
      std::string::npos)
      << text;
  EXPECT_EQ(text.find("passages"), std::string::npos) << text;  // did not run
  EXPECT_EQ(text.find("features"), std::string::npos) << text;  // did not run
  s.seconds_passages = 2;
  r.passages.resize(r.links.size());
  s.seconds_features = 3;
  text = summary_text(r, 0);
  EXPECT_NE(text.find("passages 2.00, families"), std::string::npos) << text;
  EXPECT_NE(text.find("11.69 s (read 0.50, sketch 1.00, features 3.00, candidates 0.25"),
            std::string::npos)
      << text;

  std::string line;
  append_summary_record(line, r, 0, 0.75);
  simdjson::dom::parser parser;
  simdjson::dom::element secs = parser.parse(line)["seconds"];
  double sum = 0;
  for (const char* key : {"read", "sketch", "features", "candidates", "verify", "passages",
                          "families", "stories", "write"}) {
    sum += double(secs[key]);
  }
  EXPECT_DOUBLE_EQ(double(secs["total"]), sum);
  EXPECT_DOUBLE_EQ(sum, 11.6875);
}

}  // namespace
}  // namespace kindred::report
