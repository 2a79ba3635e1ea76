#include "index/shingle_store.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <limits>
#include <random>

namespace kindred::index {
namespace {

// Sets of random sizes (empty ones included) with distinct contents.
std::vector<std::vector<uint64_t>> random_sets(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<uint64_t>> sets(count);
  for (auto& s : sets) {
    s.resize(rng() % 300);
    for (uint64_t& v : s) v = rng();
  }
  return sets;
}

void expect_all_readable(const ShingleStore& store,
                         const std::vector<std::vector<uint64_t>>& sets) {
  ASSERT_EQ(store.size(), sets.size());
  std::vector<uint64_t> buffer;
  // Backwards, so reads alternate between file and memory in no helpful order.
  for (size_t d = sets.size(); d-- > 0;) {
    const auto view = store.view(static_cast<uint32_t>(d), buffer);
    ASSERT_EQ(std::vector<uint64_t>(view.begin(), view.end()), sets[d]) << "document " << d;
    ASSERT_EQ(store.set_size(static_cast<uint32_t>(d)), sets[d].size());
  }
}

TEST(ShingleStore, KeepsEverythingInMemoryWithinTheBudget) {
  const auto sets = random_sets(200, 1);
  ShingleStore store(std::numeric_limits<uint64_t>::max());
  for (const auto& s : sets) store.append(s);
  store.seal();
  EXPECT_EQ(store.spilled_bytes(), 0u);
  expect_all_readable(store, sets);
}

TEST(ShingleStore, SpillsPastTheBudgetAndReadsEverySetBack) {
  const auto sets = random_sets(500, 2);
  ShingleStore store(16 * 1024);  // ~2,000 values in memory at most
  uint64_t total = 0;
  for (const auto& s : sets) {
    store.append(s);
    total += s.size() * sizeof(uint64_t);
    ASSERT_LE(store.memory_bytes(), 16 * 1024 + (sets.size() + 1) * 8 * 2);
  }
  store.seal();
  EXPECT_GT(store.spilled_bytes(), total / 2);
  EXPECT_TRUE(store.spill_error().empty()) << store.spill_error();
  expect_all_readable(store, sets);
}

TEST(ShingleStore, UnwritableSpillDirectoryKeepsSetsInMemoryAndSaysWhy) {
  const auto sets = random_sets(300, 3);
  ShingleStore store(4096, "/nonexistent/kindred-test-dir");
  for (const auto& s : sets) store.append(s);
  store.seal();
  EXPECT_EQ(store.spilled_bytes(), 0u);
  EXPECT_NE(store.spill_error().find("/nonexistent/kindred-test-dir"), std::string::npos)
      << store.spill_error();
  expect_all_readable(store, sets);
}

// A write that fails part-way (here the file-size limit, as a full disk
// would) keeps every set: what was not written stays in memory, in order.
TEST(ShingleStore, FailedWriteKeepsTheSetsInMemory) {
  const auto sets = random_sets(400, 4);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto* const previous = std::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG
  rlimit small = saved;
  small.rlim_cur = 20 * 1024;  // the first 8 KB buffer fits, a later one does not
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  ShingleStore store(16 * 1024);
  for (const auto& s : sets) store.append(s);
  store.seal();
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_GT(store.spilled_bytes(), 0u);
  EXPECT_NE(store.spill_error().find("cannot write"), std::string::npos) << store.spill_error();
  expect_all_readable(store, sets);
}

}  // namespace
}  // namespace kindred::index
