#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "normalize/tokenize.h"
#include "story/account.h"
#include "story/quotations.h"
#include "story/stories.h"
#include "story_testing.h"

namespace kindred::story {
namespace {

// Two events in one city, sharing its mayor; three reports of the first
// (two of them copies), two of the second.
const std::vector<std::string> kTexts = {
    // 0: strike, wire
    "Dock workers in Velmora walked out on Monday after talks over night-shift pay collapsed. "
    "The union leader Tomasz Wrobel said the port authority had refused every proposal. "
    "“We will stay out until the night shifts are paid fairly,” Wrobel said outside the "
    "container terminal. Mayor Edda Morlund urged both sides to return to mediation. Cranes at "
    "the container terminal stood idle and ships queued in the bay.",
    // 1: strike, an abridged copy of 0
    "Dock workers in Velmora walked out on Monday after talks over night-shift pay collapsed. "
    "The union leader Tomasz Wrobel said the port authority had refused every proposal.",
    // 2: strike, an independent report
    "Ships are waiting in Velmora bay as the dockers' strike enters its second day. Tomasz "
    "Vrobel, who leads the dockers' union, told reporters: “We will stay out until night shifts "
    "are paid fairly.” The port authority says the pay offer is final. Container cranes remain "
    "idle at the terminal and mediation has not resumed.",
    // 3: library fire, same city and mayor
    "A fire destroyed the east wing of the Velmora public library on Thursday night. Mayor Edda "
    "Morlund said the archive of old maps was lost. Firefighters fought the blaze for six hours "
    "and investigators suspect faulty wiring in the reading room.",
    // 4: library fire, an independent report
    "Investigators believe faulty wiring started the blaze that gutted the library's east wing in "
    "Velmora. Six hours of firefighting could not save the map archive, Mayor Morlund told "
    "reporters, calling the loss of the old maps a wound to the city.",
};

using testing::features;

TEST(KeyCounts, CountsEveryKeyThroughGrowth) {
  KeyCounts counts;
  EXPECT_EQ(counts.count(42), 0u);  // empty table
  // Enough keys to grow the table many times; key k added k % 5 + 1 times,
  // key 0 (the table's empty mark) among them.
  for (int round = 0; round < 5; ++round) {
    for (uint64_t k = 0; k < 5000; ++k) {
      if (static_cast<int>(k % 5) >= round) counts.add(k * 0x100000001ull);
    }
  }
  EXPECT_EQ(counts.size(), 5000u);
  for (uint64_t k = 0; k < 5000; ++k) EXPECT_EQ(counts.count(k * 0x100000001ull), k % 5 + 1) << k;
  EXPECT_EQ(counts.count(7), 0u);  // never added
}

TEST(StoryStats, SpellingVariantsShareAnId) {
  const auto f = features(kTexts);
  const StoryStats stats(f);
  EXPECT_EQ(stats.name_id(name_key("wrobel")), stats.name_id(name_key("vrobel")));
  EXPECT_NE(stats.name_id(name_key("wrobel")), stats.name_id(name_key("morlund")));
  EXPECT_GT(stats.name_idf(stats.name_id(name_key("wrobel"))),
            stats.name_idf(stats.name_id(name_key("velmora"))));  // rarer, weightier
}

TEST(StorySimilarity, SameEventScoresAboveSameCity) {
  const auto f = features(kTexts);
  const StoryStats stats(f);
  const StoryParams p;
  const auto same = story_similarity(f[0], f[2], stats, p);
  const auto other = story_similarity(f[0], f[3], stats, p);
  EXPECT_GT(same.total, other.total + 0.15) << same.total << " vs " << other.total;
  EXPECT_GT(same.quotes, 0.0);  // the reworded quotation is found
  EXPECT_LE(same.total, 1.0);
  EXPECT_GE(other.total, 0.0);
  EXPECT_DOUBLE_EQ(same.total, story_similarity(f[2], f[0], stats, p).total);  // symmetric
}

TEST(StorySimilarity, DistantDatesDiscount) {
  std::vector<StoryFeatures> f = features({kTexts[0], kTexts[2]});
  const StoryStats stats(f);
  const StoryParams p;
  const double undated = story_similarity(f[0], f[1], stats, p).total;
  f[0].time = 0;
  f[1].time = 86400 * 30;  // a month apart
  const auto dated = story_similarity(f[0], f[1], stats, p);
  EXPECT_LT(dated.time_factor, 0.01);
  EXPECT_LT(dated.total, undated * 0.01);
}

TEST(StorySimilarity, DifferentYearsWrittenDiscountIndependentEvidence) {
  // One kind of event, years apart: the same words, different years written.
  const std::string a =
      "Dock workers in Velmora walked out in March 2009 after talks over night-shift pay "
      "collapsed, the union leader Tomasz Wrobel said.";
  const std::string b =
      "Dock workers in Velmora walked out in March 2014 after talks over night-shift pay "
      "collapsed, the union leader Tomasz Wrobel said.";
  const std::string c =
      "Dock workers in Velmora walked out after talks over night-shift pay collapsed in 2009, "
      "the union leader Tomasz Wrobel said.";
  const auto f = features({a, b, c});
  EXPECT_EQ(f[0].years, (std::vector<uint16_t>{2009}));
  const StoryStats stats(f);
  const StoryParams p;
  const auto apart = story_similarity(f[0], f[1], stats, p);
  const auto same_year = story_similarity(f[0], f[2], stats, p);
  EXPECT_DOUBLE_EQ(apart.conflict_factor, p.year_conflict);
  EXPECT_DOUBLE_EQ(same_year.conflict_factor, 1.0);
  EXPECT_LT(apart.total, same_year.total);
  // A text that writes no year is no evidence either way.
  const auto undated = features({kTexts[0], kTexts[2]});
  EXPECT_TRUE(undated[0].years.empty());
  EXPECT_DOUBLE_EQ(story_similarity(undated[0], f[1], stats, p).conflict_factor, 1.0);
  // Copies stay copies whatever years they write.
  EXPECT_GT(story_similarity(f[0], f[1], stats, p, 0.95).total, 0.95);
  // Passing mentions date neither report: "since 2006" and "by 2027".
  const auto passing =
      features({"Dock workers in Velmora walked out, the first strike since 2006, the union said.",
                "Dock workers in Velmora walked out over cranes due by 2027, the union said."});
  EXPECT_DOUBLE_EQ(story_similarity(passing[0], passing[1], stats, p).conflict_factor, 1.0);
}

TEST(StorySimilarity, DifferentWeekdaysNamedDiscount) {
  const auto f = features(
      {"A fire destroyed the east wing of the Velmora library on Thursday night, Mayor Edda "
       "Morlund said.",
       "A fire destroyed the east wing of the Velmora library on Sunday night, Mayor Edda "
       "Morlund said.",
       "Fire destroyed the Velmora library's east wing on Thursday, Mayor Edda Morlund said.",
       "Fire destroyed the Velmora library's east wing, Mayor Edda Morlund said."});
  EXPECT_EQ(f[0].weekdays, 1u << 3);
  const StoryStats stats(f);
  const StoryParams p;
  EXPECT_DOUBLE_EQ(story_similarity(f[0], f[1], stats, p).conflict_factor, p.weekday_conflict);
  EXPECT_DOUBLE_EQ(story_similarity(f[0], f[2], stats, p).conflict_factor, 1.0);
  EXPECT_DOUBLE_EQ(story_similarity(f[1], f[3], stats, p).conflict_factor, 1.0);  // none named
}

TEST(StorySimilarity, NeedsNoCollection) {
  const auto f = features({kTexts[0], kTexts[2], kTexts[3]});
  const StoryStats none;  // two articles alone, background weights only
  const StoryParams p;
  EXPECT_GT(story_similarity(f[0], f[1], none, p).total,
            story_similarity(f[0], f[2], none, p).total);
}

TEST(StorySimilarityBound, NeverBelowTheSimilarity) {
  // Every pair of reports of two events, and of the same event with
  // conflicting years and weekdays, at several distances in time and
  // copy containments: the bound is never below the similarity.
  std::vector<std::string> texts = kTexts;
  for (const char* t :
       {"Dock workers in Velmora walked out in March 2009 after talks collapsed, Tomasz Wrobel "
        "said on Thursday.",
        "Dock workers in Velmora walked out in March 2014 after talks collapsed, Tomasz Wrobel "
        "said on Sunday."})
    texts.emplace_back(t);
  std::vector<StoryFeatures> f = features(texts);
  const StoryStats stats(f);
  const StoryParams p;
  const std::vector<std::optional<int64_t>> times = {std::nullopt, 0,          86400 * 2,
                                                     86400 * 9,    86400 * 30, 86400 * 400};
  int below_link = 0;
  for (size_t a = 0; a < f.size(); ++a) {
    for (size_t b = 0; b < f.size(); ++b) {
      for (size_t t = 0; t < times.size() && a != b; ++t) {
        f[a].time = t % 2 == 0 ? std::nullopt : std::optional<int64_t>(0);  // one side undated
        f[b].time = times[t];
        for (double copy : {0.0, 0.5, 0.95}) {
          const double bound = story_similarity_bound(f[a], f[b], p, copy);
          const double total = story_similarity(f[a], f[b], stats, p, copy).total;
          EXPECT_GE(bound, total) << a << " " << b << " t" << t << " copy " << copy;
          EXPECT_LE(bound, 1.0);
          below_link += bound < p.link;
        }
      }
      f[a].time = f[b].time = std::nullopt;
    }
  }
  EXPECT_GT(below_link, 0);  // the bound rules pairs out
}

TEST(StorySimilarityBound, IsTheDiscountsAlone) {
  std::vector<StoryFeatures> f = features({kTexts[0], kTexts[2], kTexts[3]});
  const StoryParams p;
  EXPECT_DOUBLE_EQ(story_similarity_bound(f[0], f[1], p), 1.0);  // undated, nothing conflicts
  // Monday and Thursday named.
  EXPECT_DOUBLE_EQ(story_similarity_bound(f[0], f[2], p), p.weekday_conflict);
  f[0].time = 0;
  f[1].time = 86400 * 60;  // two months apart: no longer a candidate edge
  EXPECT_LT(story_similarity_bound(f[0], f[1], p), p.link);
  // ... unless one copies the other.
  EXPECT_NEAR(story_similarity_bound(f[0], f[1], p, 1.0),
              story_similarity(f[0], f[1], StoryStats(), p, 1.0).total, 1e-12);
  const auto years =
      features({"Dock workers in Velmora walked out in March 2009, the union said.",
                "Dock workers in Velmora walked out in March 2014, the union said."});
  EXPECT_DOUBLE_EQ(story_similarity_bound(years[0], years[1], p), p.year_conflict);
}

TEST(ClusterStories, FamiliesInsideStoriesAndSameCityKeptApart) {
  const auto f = features(kTexts);
  const StoryStats stats(f);
  const std::vector<Link> links = {{0, 1, Relation::kContained, {30, 80, 30}}};
  const std::vector<Family> families = {{0, 0, {0, 1}}};
  const auto stories = cluster_stories(f, stats, links, families, StoryParams{});
  ASSERT_EQ(stories.size(), 2u);
  EXPECT_EQ(stories[0].members, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(stories[0].families, (std::vector<uint32_t>{0}));
  EXPECT_EQ(stories[1].members, (std::vector<uint32_t>{3, 4}));
  EXPECT_GT(stories[0].cohesion, 0.0);
}

// A report left alone by the average linkage (its one strong link is to a
// group whose other members share little with it) joins its nearest
// neighbour's story when that link is at least half the group's cohesion;
// next to a tighter group it stays alone.
TEST(StoryGroups, AUnitAloneJoinsItsNearestNeighboursGroupRelativeToItsCohesion) {
  const std::vector<StoryFeatures> f = features({kTexts[0], kTexts[2], kTexts[1], kTexts[3]});
  const StoryStats stats(f);
  const StoryParams params;
  std::vector<const StoryFeatures*> units;
  for (const auto& x : f) units.push_back(&x);
  // Units 1 and 2 (strike) share little with 3 (fire): their similarities,
  // computed from the texts, leave unit 3 below the cohesion with the group.
  const double s13 = story_similarity(f[1], f[3], stats, params).total;
  const double s23 = story_similarity(f[2], f[3], stats, params).total;
  ASSERT_LT((0.5 + s13 + s23) / 3, params.cohesion);
  auto groups_with = [&](double within, double link) {
    const std::vector<ScoredPair> candidates = {
        {0, 1, within}, {0, 2, within}, {1, 2, within}, {0, 3, link}};
    return story_groups(units, candidates, {}, stats, params);
  };
  // Cohesion 0.6: a link of 0.5 is above half of it.
  std::vector<StoryGroup> joined = groups_with(0.6, 0.5);
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].units, (std::vector<uint32_t>{0, 1, 2, 3}));
  // Cohesion 0.95: the same link is below half of it.
  std::vector<StoryGroup> apart = groups_with(0.95, 0.45);
  ASSERT_EQ(apart.size(), 1u);
  EXPECT_EQ(apart[0].units.size(), 3u);
  EXPECT_EQ(std::count(apart[0].units.begin(), apart[0].units.end(), 3u), 0);
}

// Story groups of `n` units whose every pair is a candidate of similarity
// similarity(i, j) (the features only stand in: story_groups() reads the
// candidates' similarities as given).
std::vector<StoryGroup> groups_of(uint32_t n,
                                  const std::function<double(uint32_t, uint32_t)>& similarity,
                                  const StoryParams& params) {
  static const std::vector<StoryFeatures> f = features(kTexts);
  const StoryStats stats(f);
  std::vector<const StoryFeatures*> units;
  for (uint32_t u = 0; u < n; ++u) units.push_back(&f[u % f.size()]);
  std::vector<ScoredPair> candidates;
  for (uint32_t x = 0; x < n; ++x) {
    for (uint32_t y = x + 1; y < n; ++y) candidates.push_back({x, y, similarity(x, y)});
  }
  return story_groups(units, candidates, {}, stats, params);
}

// Two events of one kind: six reports each, 0.7 within an event and 0.4
// across (their kind's words), so the mean between the two groups passes the
// cohesion. Every report's nearest neighbours are its own event's: the two
// groups are not interconnected and stay two stories.
TEST(StoryGroups, TwoEventsOfOneKindStayApartWhenNoNearestNeighbourCrosses) {
  const auto event = [](uint32_t u) { return u % 2; };  // interleaved, so ids do not tell them
  const auto similarity = [&](uint32_t x, uint32_t y) { return event(x) == event(y) ? 0.7 : 0.4; };
  StoryParams params;
  ASSERT_GT(0.4, params.cohesion);
  const std::vector<StoryGroup> apart = groups_of(12, similarity, params);
  ASSERT_EQ(apart.size(), 2u);
  for (const StoryGroup& g : apart) {
    EXPECT_EQ(g.units.size(), 6u);
    for (uint32_t u : g.units) EXPECT_EQ(event(u), event(g.units.front()));
  }
  // The mean alone (no interconnection asked for) merges them.
  params.interconnection = 0;
  EXPECT_EQ(groups_of(12, similarity, params).size(), 1u);
}

// One story whose reports' similarities vary (0.45-0.80) without two blocks:
// its groups' nearest neighbours cross, and it stays one story.
TEST(StoryGroups, OneStoryWithoutBlocksStaysOne) {
  const auto similarity = [](uint32_t x, uint32_t y) {
    const uint32_t h = (x * 7919u + y * 104729u + x * y * 31u) % 36u;
    return 0.45 + 0.01 * double(h);
  };
  const std::vector<StoryGroup> groups = groups_of(10, similarity, StoryParams{});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].units.size(), 10u);
}

// One event whose reports the linkage groups apart: four close reports
// (0.8) and two (0.8) that name the event differently, one clear link (0.5)
// between them and little else (0.1), so the mean between the groups (0.15)
// stays under the cohesion. The pair's strongest link out is over half the
// four's cohesion: the pair joins them.
TEST(StoryGroups, AGroupLeftSmallJoinsTheGroupOfItsStrongestLink) {
  const auto side = [](uint32_t u) { return u < 4 ? 0 : 1; };
  const auto similarity = [&](uint32_t x, uint32_t y) {
    if (side(x) == side(y)) return 0.8;
    return std::min(x, y) == 0 && std::max(x, y) == 4 ? 0.5 : 0.1;
  };
  StoryParams params;
  ASSERT_LT(0.15, params.cohesion);
  ASSERT_GE(0.5, params.link);
  const std::vector<StoryGroup> groups = groups_of(6, similarity, params);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].units.size(), 6u);
  // A link under half the four's cohesion (0.35 < 0.4) leaves them apart.
  const auto weaker = [&](uint32_t x, uint32_t y) {
    return std::min(x, y) == 0 && std::max(x, y) == 4 ? 0.35 : similarity(x, y);
  };
  params.link = 0.3;
  EXPECT_EQ(groups_of(6, weaker, params).size(), 2u);
}

// Two events of one kind, ten reports and six, 0.7 within and 0.4 across:
// the smaller group's strongest link out (0.4) is over half the larger's
// cohesion, but none of the reports' nearest neighbours is of the other
// event (their links do not cross), so it does not join.
TEST(StoryGroups, AGroupOfAnotherEventDoesNotJoinWhenNoLinkCrosses) {
  const auto event = [](uint32_t u) { return u % 8 < 3 ? 1 : 0; };  // 6 of 16 in event 1
  const auto similarity = [&](uint32_t x, uint32_t y) { return event(x) == event(y) ? 0.7 : 0.4; };
  StoryParams params;
  ASSERT_LE(params.neighbours, 5u);  // so each report's nearest are its own event's
  const std::vector<StoryGroup> groups = groups_of(16, similarity, params);
  ASSERT_EQ(groups.size(), 2u);
  for (const StoryGroup& g : groups) {
    EXPECT_EQ(g.units.size(), event(g.units.front()) == 1 ? 6u : 10u);
    for (uint32_t u : g.units) EXPECT_EQ(event(u), event(g.units.front()));
  }
}

// The case of AGroupLeftSmallJoinsTheGroupOfItsStrongestLink, but the four
// reports write 2008 and date themselves to it, and the two write 2013: two
// events of one kind, years apart. The pair does not join.
TEST(StoryGroups, AGroupWhoseYearsConflictDoesNotJoin) {
  std::vector<StoryFeatures> f(6);
  for (uint32_t u = 0; u < 6; ++u) {
    f[u].years = {uint16_t(u < 4 ? 2008 : 2013)};
    if (u % 4 == 0) f[u].dated_years = f[u].years;  // one of each group dates itself
  }
  std::vector<const StoryFeatures*> units;
  for (const auto& x : f) units.push_back(&x);
  std::vector<ScoredPair> candidates;
  for (uint32_t x = 0; x < 6; ++x) {
    for (uint32_t y = x + 1; y < 6; ++y) {
      const double s = (x < 4) == (y < 4) ? 0.8 : x == 0 && y == 4 ? 0.5 : 0.1;
      candidates.push_back({x, y, s});
    }
  }
  const StoryStats stats;
  EXPECT_EQ(story_groups(units, candidates, {}, stats, StoryParams{}).size(), 2u);
  // A year in common (the pair also writes 2008): no conflict, and it joins.
  f[5].years = {2008, 2013};
  EXPECT_EQ(story_groups(units, candidates, {}, stats, StoryParams{}).size(), 1u);
}

TEST(Quotations, RewordedQuoteIsOneQuotationWithItsSpeaker) {
  const auto f = features(kTexts);
  Story s;
  s.members = {0, 2};
  const auto quotes = story_quotations(f, std::vector<Story>{s});
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(quotes[0].variants.size(), 2u);
  EXPECT_EQ(quotes[0].speaker, "Tomasz Vrobel");  // the longest written form of the surname
}

TEST(MergedAccount, SharedSentencesListEverySourceAndAdditionsStandAlone) {
  const std::vector<std::string_view> texts = {kTexts[0], kTexts[1], kTexts[2]};
  Story s;
  s.members = {0, 1, 2};
  const auto account = merged_account(s, texts);
  ASSERT_FALSE(account.empty());
  size_t shared_by_copy = 0, only_independent = 0;
  for (const auto& a : account) {
    if (a.sources == std::vector<uint32_t>{0, 1}) ++shared_by_copy;
    if (a.sources == std::vector<uint32_t>{2}) ++only_independent;
    EXPECT_LE(a.end, texts[a.doc].size());
    EXPECT_LT(a.begin, a.end);
  }
  EXPECT_EQ(shared_by_copy, 2u);    // both sentences of the abridged copy
  EXPECT_GE(only_independent, 2u);  // what the independent report adds
  // The wire, the longest, gives the order: its first sentence comes first.
  EXPECT_EQ(account.front().doc, 0u);
  EXPECT_EQ(account.front().begin, 0u);
}

TEST(MergedAccount, ARewordedFactIsOneSentenceWithBothSources) {
  const std::vector<std::string_view> texts = {
      "Firefighters fought the blaze at the Velmora library for six hours on Thursday night. "
      "The archive of old maps and city plans was lost for good.",
      "Crews needed six hours to bring the Velmora library blaze under control, firefighters "
      "said. Nobody was hurt in the fire."};
  Story s;
  s.members = {0, 1};
  const auto account = merged_account(s, texts);
  // Worded apart (stem Jaccard 0.37), the same fact by its content words.
  ASSERT_EQ(account.size(), 3u);
  EXPECT_EQ(account[0].sources, (std::vector<uint32_t>{0, 1}));
  // Each article's addition is its own sentence (the second's follows the
  // shared one, where its article placed it).
  EXPECT_EQ(account[1].sources, std::vector<uint32_t>{1});
  EXPECT_EQ(account[2].sources, std::vector<uint32_t>{0});
}

}  // namespace
}  // namespace kindred::story
