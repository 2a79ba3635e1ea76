#include <gtest/gtest.h>

#include "cluster/families.h"

namespace kindred::cluster {
namespace {

Link link(uint32_t a, uint32_t b, Relation r, uint64_t shared, uint64_t sa, uint64_t sb) {
  return {a, b, r, {shared, sa, sb}};
}

TEST(Families, SeedsShape) {
  // 0 abridged from 1, 2 rewritten from 1, 3 and 4 unrelated.
  std::vector<uint32_t> weight = {358, 987, 556, 600, 550};
  std::vector<Link> links = {link(0, 1, Relation::kContained, 322, 358, 987),
                             link(1, 2, Relation::kOverlapping, 410, 987, 556)};
  std::vector<int32_t> family_of;
  const auto families = copy_families(links, weight, family_of);
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].members, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(families[0].root, 1u);
  EXPECT_EQ(family_of, (std::vector<int32_t>{0, 0, 0, -1, -1}));
}

TEST(Families, ChainOfWeakLinksDoesNotMergeEverything) {
  // 0~1~2~3~4~5: each only overlaps its neighbour (sliding content).
  std::vector<uint32_t> weight = {100, 101, 102, 103, 104, 105};
  std::vector<Link> links;
  for (uint32_t i = 0; i + 1 < 6; ++i) {
    links.push_back(link(i, i + 1, Relation::kOverlapping, 55, 100 + i, 101 + i));
  }
  std::vector<int32_t> family_of;
  FamilyStats stats;
  const auto families = copy_families(links, weight, family_of, &stats);
  for (const Family& f : families) EXPECT_LE(f.members.size(), 2u);
  EXPECT_GT(stats.links_withheld, 0u);
}

TEST(Families, ExactCopiesAlwaysJoin) {
  // 2 is an exact copy of 1 (not the root); it still joins.
  std::vector<uint32_t> weight = {500, 300, 300};
  std::vector<Link> links = {link(0, 1, Relation::kContained, 290, 500, 300),
                             link(1, 2, Relation::kExact, 300, 300, 300)};
  std::vector<int32_t> family_of;
  const auto families = copy_families(links, weight, family_of);
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].members.size(), 3u);
  EXPECT_EQ(families[0].root, 0u);
}

TEST(Families, DigestContainingBriefsDoesNotMergeTheirSources) {
  // A digest (0) contains briefs 1 and 2; brief 1 is also inside long article 3,
  // brief 2 inside long article 4. Stories 3 and 4 are unrelated.
  std::vector<uint32_t> weight = {900, 100, 100, 1000, 1000};
  std::vector<Link> links = {link(0, 1, Relation::kContained, 95, 900, 100),
                             link(0, 2, Relation::kContained, 95, 900, 100),
                             link(1, 3, Relation::kContained, 98, 100, 1000),
                             link(2, 4, Relation::kContained, 98, 100, 1000)};
  std::vector<int32_t> family_of;
  copy_families(links, weight, family_of);
  EXPECT_NE(family_of[3], family_of[4]);
}

TEST(Families, NumberedBySmallestMember) {
  std::vector<uint32_t> weight = {10, 10, 10, 10};
  std::vector<Link> links = {link(2, 3, Relation::kExact, 10, 10, 10),
                             link(0, 1, Relation::kExact, 10, 10, 10)};
  std::vector<int32_t> family_of;
  const auto families = copy_families(links, weight, family_of);
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].members.front(), 0u);
  EXPECT_EQ(families[1].members.front(), 2u);
}

// The rule itself, as the live index's snapshot applies it to families and
// stories read in key order that is not member order.
TEST(Families, NumberBySmallestMemberSortsAndRenumbersAnyGroups) {
  std::vector<Family> families(3);
  families[0].members = {4, 9};
  families[1].members = {1, 7};
  families[2].members = {2, 3, 8};
  for (Family& f : families) f.id = 99;
  number_by_smallest_member(families);
  ASSERT_EQ(families.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(families[i].id, i);
  EXPECT_EQ(families[0].members, (std::vector<uint32_t>{1, 7}));
  EXPECT_EQ(families[1].members, (std::vector<uint32_t>{2, 3, 8}));
  EXPECT_EQ(families[2].members, (std::vector<uint32_t>{4, 9}));
  std::vector<Story> stories(2);
  stories[0].members = {5};
  stories[1].members = {0, 6};
  number_by_smallest_member(stories);
  EXPECT_EQ(stories[0].members.front(), 0u);
  EXPECT_EQ(stories[1].id, 1u);
}

}  // namespace
}  // namespace kindred::cluster
