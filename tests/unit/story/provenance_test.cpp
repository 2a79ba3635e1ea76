#include <gtest/gtest.h>

#include <optional>
#include <utility>

#include "cluster/provenance.h"
#include "util/date.h"

namespace kindred::cluster {
namespace {

std::vector<DocInfo> docs(const std::string& date_a, const std::string& date_b) {
  std::vector<DocInfo> d(2);
  d[0].date = date_a;
  d[1].date = date_b;
  d[0].time = util::parse_iso8601(date_a);
  d[1].time = util::parse_iso8601(date_b);
  return d;
}

TEST(Provenance, AbridgedCopyDerivesFromItsSource) {
  // The seeds' shape: a (358 shingles) is 90% inside b (987).
  const std::vector<Link> links = {{0, 1, Relation::kContained, {322, 358, 987}}};
  const auto p = infer_provenance(links, docs("", ""));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].source, 1u);
  EXPECT_EQ(p[0].copy, 0u);
  EXPECT_GE(p[0].confidence, 0.95);
  EXPECT_EQ(p[0].evidence, "containment");
}

TEST(Provenance, DatesDecideAndAgreementRaisesConfidence) {
  const std::vector<Link> links = {{0, 1, Relation::kContained, {322, 358, 987}}};
  const auto agree = infer_provenance(links, docs("2025-02-18", "2025-02-17T08:00:00Z"));
  EXPECT_EQ(agree[0].source, 1u);
  EXPECT_EQ(agree[0].evidence, "containment+date");
  EXPECT_GE(agree[0].confidence, 0.9);
  // An older short text inside a newer long one: the long one expanded it.
  const auto disagree = infer_provenance(links, docs("2025-02-16", "2025-02-17"));
  EXPECT_EQ(disagree[0].source, 0u);
  EXPECT_LT(disagree[0].confidence, 0.7);
}

TEST(Provenance, SymmetricTextFallsBackToOrder) {
  const std::vector<Link> links = {{3, 7, Relation::kExact, {100, 100, 100}}};
  std::vector<DocInfo> d(8);
  const auto p = infer_provenance(links, d);
  EXPECT_EQ(p[0].source, 3u);
  EXPECT_EQ(p[0].confidence, 0.5);
  EXPECT_EQ(p[0].evidence, "order");
}

// The overload over parsed times (the Scanner's) decides as the one over dates.
TEST(Provenance, ParsedTimesDecideAsTheDatesThemselves) {
  const std::vector<Link> links = {{0, 1, Relation::kContained, {322, 358, 987}},
                                   {1, 0, Relation::kNearDuplicate, {300, 320, 330}},
                                   {0, 1, Relation::kExact, {100, 100, 100}}};
  const std::vector<std::pair<std::string, std::string>> dates = {
      {"", ""},
      {"2025-02-18", "2025-02-17T08:00:00Z"},
      {"2025-02-16", "2025-02-17"},
      {"x", "2025"}};
  for (const auto& [a, b] : dates) {
    const auto d = docs(a, b);
    const std::vector<std::optional<int64_t>> time = {util::parse_iso8601(a),
                                                      util::parse_iso8601(b)};
    const auto from_dates = infer_provenance(links, d);
    const auto from_times = infer_provenance(links, time);
    ASSERT_EQ(from_dates.size(), from_times.size());
    for (size_t i = 0; i < links.size(); ++i) {
      EXPECT_EQ(from_dates[i].source, from_times[i].source) << a << " " << b << " link " << i;
      EXPECT_EQ(from_dates[i].confidence, from_times[i].confidence);
      EXPECT_EQ(from_dates[i].evidence, from_times[i].evidence);
    }
  }
}

TEST(Date, Iso8601Forms) {
  EXPECT_EQ(util::parse_iso8601("1970-01-02"), 86400);
  EXPECT_EQ(util::parse_iso8601("2025-02-17T09:30:00Z"),
            util::parse_iso8601("2025-02-17T10:30:00+01:00"));
  EXPECT_EQ(*util::parse_iso8601("2025-02-17 09:30") - *util::parse_iso8601("2025-02-17"),
            9 * 3600 + 1800);
  EXPECT_FALSE(util::parse_iso8601("17/02/2025").has_value());
  EXPECT_FALSE(util::parse_iso8601("2025-13-01").has_value());
  EXPECT_FALSE(util::parse_iso8601("").has_value());
}

}  // namespace
}  // namespace kindred::cluster
