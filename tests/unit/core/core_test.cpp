#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>

#include "kindred/params.h"
#include "kindred/results.h"
#include "kindred/status.h"

namespace kindred {
namespace {

TEST(Params, DefaultsAreValid) {
  EXPECT_TRUE(Params{}.validate().is_ok());
}

TEST(Params, RejectsBandsTimesRowsOverBins) {
  Params p;
  p.bands = 100;
  p.rows = 2;
  const Status s = p.validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--bins"), std::string::npos);
}

TEST(Params, RejectsThresholdsOutsideUnitInterval) {
  Params p;
  p.link = 0.0;
  EXPECT_FALSE(p.validate().is_ok());
  p = Params{};
  p.near_duplicate = 1.5;
  EXPECT_FALSE(p.validate().is_ok());
  p = Params{};
  p.link = 0.9;  // above contained
  EXPECT_FALSE(p.validate().is_ok());
}

TEST(Params, SpecNamesEveryTunable) {
  Params p;
  p.seed = 42;
  const std::string spec = p.to_spec();
  EXPECT_EQ(spec.rfind("shingle:5,bins:128,seed:42,bands:64,rows:2,", 0), 0u) << spec;
  EXPECT_NE(spec.find(",link:0.5,"), std::string::npos) << spec;
  EXPECT_NE(spec.find(",story-window:3"), std::string::npos) << spec;
  size_t rows = 0;
  for_each_param([&](const ParamRow& row, auto) {
    ++rows;
    EXPECT_NE(spec.find(std::string(row.option) + ':'), std::string::npos) << row.option;
  });
  EXPECT_EQ(static_cast<size_t>(std::count(spec.begin(), spec.end(), ',')) + 1, rows);
}

// Every row's range is what validate() enforces: the bounds themselves (where
// included) pass, a step past either bound fails, naming the row's option.
TEST(Params, ValidateEnforcesEveryRowsRange) {
  for_each_param([&](const ParamRow& row, auto member) {
    using T = std::remove_reference_t<decltype(Params{}.*member)>;
    SCOPED_TRACE(row.option);
    const auto with = [&](double v) {
      Params p;
      p.*member = static_cast<T>(v);
      return p.validate();
    };
    const double step = std::is_floating_point_v<T> ? 1e-6 : 1;
    const std::string range_message = "--" + std::string(row.option) + " must";
    if (!row.min_exclusive) {
      // The bound itself is in range (it may still break a consistency rule,
      // as the smallest --bins does with the default bands and rows).
      EXPECT_EQ(with(row.min).message().rfind(range_message, 0), std::string::npos);
    }
    if (row.min_exclusive || row.min > 0) {
      const Status below = with(row.min_exclusive ? row.min : row.min - step);
      ASSERT_FALSE(below.is_ok());
      EXPECT_EQ(below.message().rfind(range_message, 0), 0u) << below.message();
    }
    if (row.max < ParamRow::kNoLimit) {
      const Status above = with(row.max + step);
      ASSERT_FALSE(above.is_ok());
      EXPECT_EQ(above.message().rfind(range_message, 0), 0u) << above.message();
    }
  });
}

TEST(Status, ToStringNamesCode) {
  Status s(StatusCode::kDataError, "x.jsonl:3: bad");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.to_string(), "data error: x.jsonl:3: bad");
  EXPECT_EQ(Status().to_string(), "ok");
}

TEST(Result, HoldsValueOrError) {
  Result<int> good = 4;
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 4);
  EXPECT_TRUE(good.status().is_ok());
  Result<int> bad = Status(StatusCode::kNotFound, "nope");
  EXPECT_FALSE(bad.has_value());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_DEATH((void)bad.value(), "nope");
}

Overlap make(uint64_t shared, uint64_t a, uint64_t b) {
  return {shared, a, b};
}

TEST(Classify, StrongestRelationWins) {
  const Params p;
  EXPECT_EQ(classify(make(100, 100, 100), true, p), Relation::kExact);
  EXPECT_EQ(classify(make(90, 100, 100), false, p), Relation::kNearDuplicate);  // J = 0.82
  // The seeds' abridged copy: J ~ 0.31 but 90% of the short one is in the long one.
  EXPECT_EQ(classify(make(322, 358, 987), false, p), Relation::kContained);
  // The rewrite: 74% of it inside the original.
  EXPECT_EQ(classify(make(410, 556, 987), false, p), Relation::kOverlapping);
  // Independent reports share a handful of shingles.
  EXPECT_EQ(classify(make(4, 600, 987), false, p), std::nullopt);
}

TEST(Classify, MinSharedGuardsTinyTexts) {
  const Params p;                                                        // min_shared 5
  EXPECT_EQ(classify(make(3, 3, 400), false, p), Relation::kContained);  // all of a 3-shingle text
  EXPECT_EQ(classify(make(3, 4, 4), false, p), std::nullopt);            // 3 < min(5, 4)
  EXPECT_EQ(classify(make(0, 0, 0), true, p), std::nullopt);  // empty texts are never exact
}

TEST(Overlap, RatiosAreExact) {
  const Overlap o = make(30, 40, 90);
  EXPECT_DOUBLE_EQ(o.jaccard(), 0.3);
  EXPECT_DOUBLE_EQ(o.containment_a_in_b(), 0.75);
  EXPECT_DOUBLE_EQ(o.containment_b_in_a(), 30.0 / 90.0);
  EXPECT_EQ(make(0, 0, 0).jaccard(), 0.0);
}

}  // namespace
}  // namespace kindred
