// Bucket runs (the live index's on-disk LSH postings) against a naive map of
// buckets to member lists: buckets within a block, across block boundaries and
// larger than a block, absent keys, merged runs, deletion.
#include "live/bucket_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "live/store.h"

namespace kindred::live {
namespace {

using Naive = std::map<uint64_t, std::vector<uint32_t>>;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("kindred-runs-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Postings of documents [lo, hi): most keys unique, some shared, one bucket
// with more members than a block holds.
std::vector<BucketPosting> make_postings(uint32_t lo, uint32_t hi, std::mt19937& rng) {
  std::vector<BucketPosting> out;
  for (uint32_t d = lo; d < hi; ++d) {
    for (uint32_t b = 0; b < 4; ++b) {
      uint32_t key = static_cast<uint32_t>(rng());
      if (b == 1) key = static_cast<uint32_t>(rng() % 50);  // shared buckets
      if (b == 2) key = 7;                                  // one bucket larger than a block
      out.push_back({(uint64_t{b} << 32) | key, d});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void expect_same(const RunView& view, const std::vector<BucketPosting>& postings,
                 std::mt19937& rng) {
  Naive naive;
  for (const auto& [bk, d] : postings) naive[bk].push_back(d);
  for (const auto& [bk, want] : naive) {
    std::vector<uint32_t> got;
    view.members(bk, [&](uint32_t d) {
      got.push_back(d);
      return true;
    });
    ASSERT_EQ(got, want) << bk;
    const RunView::Summary s = view.summary(bk);
    ASSERT_EQ(s.count, want.size()) << bk;
    EXPECT_EQ(s.first, want.front());
    EXPECT_EQ(s.last, want.back());
  }
  for (int i = 0; i < 2000; ++i) {
    const uint64_t bk = (uint64_t{static_cast<uint32_t>(rng() % 5)} << 32) | rng();
    if (naive.count(bk)) continue;
    EXPECT_EQ(view.summary(bk).count, 0u) << bk;
  }
}

TEST(LiveBucketRuns, LookupsMatchNaiveBucketsAcrossBlocksAndMerges) {
  TempDir dir;
  auto env = Env::open(dir.path.string(), true, false, 1ull << 30);
  ASSERT_TRUE(static_cast<bool>(env)) << env.status().to_string();
  const Dbs& d = (*env)->dbs();
  std::mt19937 rng(11);
  const auto a = make_postings(0, 3000, rng), b = make_postings(3000, 5200, rng);
  {
    Txn t(**env, true);
    ASSERT_TRUE(write_run(t, d.buckets, 0, a).is_ok());
    ASSERT_TRUE(write_run(t, d.buckets, 1, b).is_ok());
    ASSERT_TRUE(write_runs(t, d.meta, {{0, 0, 3000}, {1, 3000, 5200}}, 2).is_ok());
    ASSERT_TRUE(t.commit().is_ok());
  }
  {
    Txn t(**env, false);
    const auto runs = read_runs(t, d.meta);
    ASSERT_EQ(runs, (std::vector<RunInfo>{{0, 0, 3000}, {1, 3000, 5200}}));
    EXPECT_EQ(read_next_run(t, d.meta), 2u);
    const RunView va(t, d.buckets, runs[0]), vb(t, d.buckets, runs[1]);
    ASSERT_TRUE(va.valid() && vb.valid());
    EXPECT_GT(va.blocks(), 2u);
    expect_same(va, a, rng);
    expect_same(vb, b, rng);
  }
  // Merge both into run 2, as LiveIndex does.
  std::vector<BucketPosting> merged;
  {
    Txn t(**env, true);
    read_run(t, d.buckets, 0, merged);
    ASSERT_EQ(merged, a);
    const auto middle = static_cast<std::ptrdiff_t>(merged.size());
    read_run(t, d.buckets, 1, merged);
    std::inplace_merge(merged.begin(), merged.begin() + middle, merged.end());
    ASSERT_TRUE(delete_run(t, d.buckets, 0).is_ok());
    ASSERT_TRUE(delete_run(t, d.buckets, 1).is_ok());
    ASSERT_TRUE(write_run(t, d.buckets, 2, merged).is_ok());
    ASSERT_TRUE(write_runs(t, d.meta, {{2, 0, 5200}}, 3).is_ok());
    ASSERT_TRUE(t.commit().is_ok());
  }
  std::vector<BucketPosting> all = a;
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(merged, all);
  Txn t(**env, false);
  EXPECT_EQ(stored_run_ids(t, d.buckets), std::vector<uint32_t>{2});
  const RunView v(t, d.buckets, {2, 0, 5200});
  expect_same(v, all, rng);
}

}  // namespace
}  // namespace kindred::live
