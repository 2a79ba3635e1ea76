#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "index/text_store.h"

namespace kindred::index {
namespace {

// Texts of every length modulo 8 (the packing's word), empty and multibyte ones included.
std::vector<std::string> texts() {
  std::vector<std::string> out = {"", "a", "Łódź", "exactly8"};
  for (int i = 0; i < 300; ++i) {
    std::string t;
    for (int j = 0; j < i % 37; ++j) t += static_cast<char>('a' + (i * 7 + j) % 26);
    t += " \xe2\x80\x9cquoted\xe2\x80\x9d " + std::to_string(i);
    out.push_back(t);
  }
  return out;
}

void expect_all_readable(TextStore& store, const std::vector<std::string>& expected) {
  store.seal();
  ASSERT_EQ(store.size(), expected.size());
  std::string buffer, other;
  for (uint32_t d = 0; d < expected.size(); ++d) {
    EXPECT_EQ(store.text(d, buffer), expected[d]) << "text " << d;
    // A second buffer keeps the first view valid (passages read two at once).
    const uint32_t e = (d * 13) % store.size();
    const std::string_view a = store.text(d, buffer);
    const std::string_view b = store.text(e, other);
    EXPECT_EQ(a, expected[d]);
    EXPECT_EQ(b, expected[e]);
  }
}

TEST(TextStore, KeepsTextsInMemoryWithinTheBudget) {
  const auto all = texts();
  TextStore store(std::numeric_limits<uint64_t>::max());
  for (const auto& t : all) store.append(t);
  expect_all_readable(store, all);
  EXPECT_EQ(store.spilled_bytes(), 0u);
}

TEST(TextStore, SpillsPastTheBudgetAndReadsEveryTextBack) {
  const auto all = texts();
  TextStore store(1024);
  for (const auto& t : all) store.append(t);
  expect_all_readable(store, all);
  EXPECT_GT(store.spilled_bytes(), 0u);
  EXPECT_TRUE(store.spill_error().empty());
}

TEST(TextStore, UnwritableSpillDirectoryKeepsTextsInMemory) {
  const auto all = texts();
  TextStore store(1024, "/nonexistent/kindred-spill");
  for (const auto& t : all) store.append(t);
  expect_all_readable(store, all);
  EXPECT_FALSE(store.spill_error().empty());
}

}  // namespace
}  // namespace kindred::index
