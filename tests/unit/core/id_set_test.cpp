#include "util/id_set.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace kindred::util {
namespace {

// Same answers as a std::unordered_set of the ids, through many growths, with
// many repeats, and with ids forced to share tags (a hash that ignores most of
// the id would make every probe compare strings; here the real hash is used
// but ids differ only in their last bytes).
TEST(IdSet, AgreesWithAStringSetThroughGrowthAndRepeats) {
  std::mt19937_64 rng(3);
  IdSet set;
  std::unordered_set<std::string> reference;
  std::vector<std::string> stored;  // index -> id, as the Scanner's DocInfo
  auto id_of = [&](uint32_t i) -> std::string_view { return stored[i]; };
  for (int step = 0; step < 200000; ++step) {
    const std::string id = "doc-" + std::to_string(rng() % 60000);
    const bool added = set.insert(id, IdSet::hash(id), static_cast<uint32_t>(stored.size()), id_of);
    ASSERT_EQ(added, reference.insert(id).second) << id;
    if (added) stored.push_back(id);
  }
  EXPECT_EQ(set.size(), reference.size());
  EXPECT_LE(set.memory_bytes(), 4 * sizeof(uint64_t) * set.size());
}

// A tag collision (same 32 high bits) must not make two different ids equal.
TEST(IdSet, EqualTagsWithDifferentIdsAreBothKept) {
  IdSet set;
  std::vector<std::string> stored = {"a", "b"};
  auto id_of = [&](uint32_t i) -> std::string_view { return stored[i]; };
  const uint64_t h = 0x1234567800000001ull;
  EXPECT_TRUE(set.insert("a", h, 0, id_of));
  EXPECT_TRUE(set.insert("b", h, 1, id_of));  // same hash, different id
  EXPECT_FALSE(set.insert("a", h, 2, id_of));
  EXPECT_FALSE(set.insert("b", h, 2, id_of));
  EXPECT_EQ(set.size(), 2u);
}

}  // namespace
}  // namespace kindred::util
