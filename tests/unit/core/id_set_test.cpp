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

// Equal tags (here: one hash for every id, through several growths) must
// not make different ids equal; only the stored ids decide.
TEST(IdSet, EqualTagsWithDifferentIdsAreAllKeptThroughGrowth) {
  IdSet set;
  std::vector<std::string> stored;
  auto id_of = [&](uint32_t i) -> std::string_view { return stored[i]; };
  const uint64_t h = 0x1234567800000001ull;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "id" + std::to_string(i);
    ASSERT_TRUE(set.insert(id, h, static_cast<uint32_t>(stored.size()), id_of)) << id;
    stored.push_back(id);
  }
  for (int i = 0; i < 200; i += 7) {
    EXPECT_FALSE(set.insert("id" + std::to_string(i), h, 999, id_of)) << i;
  }
  EXPECT_EQ(set.size(), 200u);
}

}  // namespace
}  // namespace kindred::util
