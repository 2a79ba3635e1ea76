// BucketDelta (the in-memory LSH postings of the live index) against a naive
// map of buckets to member lists.
#include "live/bucket_delta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

namespace kindred::live {
namespace {

using Naive = std::map<uint64_t, std::vector<uint32_t>>;

void expect_same(const BucketDelta& delta, const Naive& naive, uint32_t limit) {
  for (const auto& [bk, all] : naive) {
    std::vector<uint32_t> want;
    for (uint32_t d : all) {
      if (d >= delta.base() && d < limit) want.push_back(d);
    }
    std::vector<uint32_t> got{7};  // members() appends
    delta.members(bk, limit, got);
    got.erase(got.begin());
    EXPECT_EQ(got, want) << bk;
    const BucketDelta::Summary s = delta.summary(bk, limit);
    ASSERT_EQ(s.count, want.size()) << bk;
    if (!want.empty()) {
      EXPECT_EQ(s.first, want.front());
      EXPECT_EQ(s.last, want.back());
    }
  }
}

TEST(BucketDelta, MatchesNaiveBucketsThroughAppendTruncateAndReset) {
  const uint32_t bands = 4;
  std::mt19937 rng(3);
  BucketDelta delta(bands);
  delta.reset(10);
  Naive naive;
  auto add = [&](uint32_t doc) {
    std::vector<uint32_t> keys(bands);
    for (uint32_t& k : keys)
      k = static_cast<uint32_t>(rng() % 7);  // few keys: buckets of many members
    delta.append(keys);
    for (uint32_t b = 0; b < bands; ++b) naive[bucket_key(b, keys[b])].push_back(doc);
  };
  for (uint32_t d = 10; d < 60; ++d) add(d);
  EXPECT_EQ(delta.end(), 60u);
  EXPECT_EQ(delta.postings(), 50u * bands);
  for (uint32_t limit : {10u, 11u, 35u, 59u, 60u, 1000u}) expect_same(delta, naive, limit);

  // Sorted postings: every posting once, by key then document.
  auto sorted = delta.sorted_postings();
  ASSERT_EQ(sorted.size(), 50u * bands);
  size_t i = 0;
  for (const auto& [bk, docs] : naive) {
    for (uint32_t d : docs) {
      EXPECT_EQ(sorted[i].first, bk);
      EXPECT_EQ(sorted[i].second, d);
      ++i;
    }
  }

  // Truncate takes the last documents out again, as if they were never added.
  delta.truncate(42);
  for (auto& [bk, docs] : naive) std::erase_if(docs, [](uint32_t d) { return d >= 42; });
  EXPECT_EQ(delta.end(), 42u);
  expect_same(delta, naive, 1000);
  for (uint32_t d = 42; d < 80; ++d) add(d);
  expect_same(delta, naive, 1000);
  expect_same(delta, naive, 50);
  delta.truncate(10);
  EXPECT_EQ(delta.postings(), 0u);
  EXPECT_EQ(delta.summary(bucket_key(0, 1), 1000).count, 0u);

  delta.reset(500);
  naive.clear();
  for (uint32_t d = 500; d < 520; ++d) add(d);
  expect_same(delta, naive, 510);

  // Sorted postings below a limit: those of the earlier documents only.
  auto below = delta.sorted_postings(505);
  ASSERT_EQ(below.size(), 5u * bands);
  EXPECT_TRUE(std::is_sorted(below.begin(), below.end()));
  for (const auto& [bk, d] : below) EXPECT_LT(d, 505u);

  // drop_below takes the first documents out (a merge wrote them), keeping the rest.
  delta.drop_below(505);
  for (auto& [bk, docs] : naive) std::erase_if(docs, [](uint32_t d) { return d < 505; });
  EXPECT_EQ(delta.base(), 505u);
  EXPECT_EQ(delta.end(), 520u);
  expect_same(delta, naive, 1000);
  for (uint32_t d = 520; d < 540; ++d) add(d);
  expect_same(delta, naive, 530);
  delta.drop_below(540);
  EXPECT_EQ(delta.postings(), 0u);
}

}  // namespace
}  // namespace kindred::live
