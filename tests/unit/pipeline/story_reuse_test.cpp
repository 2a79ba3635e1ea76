// Rewrites within stories (pipeline/story_reuse.h): a reworded copy of a
// report, which shares too few shingles to be a copy link, is linked as a
// rewrite with its passages and provenance; an independent report of the same
// event is not; the per-document budget bounds the pairs aligned; merging the
// rewrites keeps links sorted with their provenance and passages alongside.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kindred/pipeline.h"
#include "normalize/tokenize.h"
#include "pipeline/story_reuse.h"
#include "story/features.h"
#include "story/stories.h"
#include "util/date.h"

namespace kindred::pipeline {
namespace {

// A wire report, a rewrite of it (every sentence reworded, two moved) and an
// independent report of the same event (same names and topic, its own facts).
const char* const kSource =
    "Harbour workers in Valdremo walked out on Monday after talks over night shifts collapsed, "
    "the dockers union said. "
    "About four hundred cranes stood idle across the northern terminals as the strike began at "
    "dawn. "
    "Union leader Marta Oksendal accused the port authority of ignoring safety complaints for "
    "three years. "
    "The authority said it had offered a nine percent raise and new rest rules for crews. "
    "Shipping lines diverted at least twelve container vessels to the rival port of Brenholt. "
    "Grain exporters warned that delays would cost farmers millions before the harvest "
    "shipments. "
    "Transport minister Ivo Randall urged both sides to return to mediation within the week. "
    "The last stoppage at Valdremo, in the spring of last year, lasted nine days.";

const char* const kRewrite =
    "Dockers at Valdremo harbour went on strike on Monday once negotiations about night shifts "
    "broke down, according to their union. "
    "Roughly four hundred cranes were left idle at the northern terminals when the walkout "
    "started at dawn. "
    "Twelve container ships or more were diverted by shipping lines to Brenholt, the rival "
    "port. "
    "Marta Oksendal, the union leader, said the port authority had ignored complaints about "
    "safety for three years. "
    "A raise of nine percent and new rules on rest for crews had been offered, the authority "
    "said. "
    "Exporters of grain warned the delays could cost farmers millions ahead of harvest "
    "shipments. "
    "Ivo Randall, the transport minister, urged the two sides to go back to mediation this "
    "week. "
    "A stoppage last spring at Valdremo lasted nine days.";

const char* const kIndependent =
    "Valdremo's harbour fell silent as dockers began a strike, the first since last spring. "
    "Marta Oksendal told reporters outside the gates that members voted overwhelmingly for "
    "action. "
    "Local cafe owners said trade near the terminals had dropped sharply by lunchtime. "
    "Police reported no incidents at the picket lines, where several hundred people gathered. "
    "Ivo Randall is expected to meet union officials and port managers on Wednesday. "
    "Analysts at a regional bank said a long dispute could slow growth in the province. "
    "Some workers brought their children to the rally, carrying flags and handmade signs.";

struct Corpus {
  std::vector<DocInfo> docs;
  std::vector<story::StoryFeatures> features;
};

Corpus corpus(const std::vector<std::pair<std::string, std::string>>& texts_and_dates) {
  Corpus c;
  std::vector<normalize::Token> tokens;
  for (size_t i = 0; i < texts_and_dates.size(); ++i) {
    DocInfo d;
    d.id = "d" + std::to_string(i);
    d.text = texts_and_dates[i].first;
    d.date = texts_and_dates[i].second;
    d.time = util::parse_iso8601(d.date);
    normalize::tokenize(d.text, tokens);
    c.features.push_back(story::extract_features(d.text, tokens, d.time));
    c.docs.push_back(std::move(d));
  }
  return c;
}

Story story_of(std::vector<uint32_t> members) {
  Story s;
  s.members = std::move(members);
  return s;
}

TEST(StoryReuse, LinksTheRewriteNotTheIndependentReport) {
  const Corpus c = corpus({{kSource, "2025-03-03"}, {kRewrite, "2025-03-04"}, {kIndependent, ""}});
  const story::StoryStats stats(c.features);
  const std::vector<Story> stories = {story_of({0, 1, 2})};
  StoryReuseStats rs;
  const auto found = find_story_rewrites(stories, c.docs, c.features, stats, {}, Params(), {},
                                         story::sequential_ranges, &rs);
  EXPECT_EQ(rs.pairs, 3u);  // three members, partners enough for all pairs
  ASSERT_EQ(found.size(), 1u);
  const StoryRewrite& r = found[0];
  EXPECT_EQ(r.link.a, 0u);
  EXPECT_EQ(r.link.b, 1u);
  EXPECT_EQ(r.link.relation, Relation::kRewrite);
  // Too few shingles shared for a copy link: this pair is what the story stage adds.
  EXPECT_FALSE(classify(r.link.overlap, false, Params()).has_value());
  ASSERT_FALSE(r.passages.empty());
  EXPECT_GE(r.reuse, StoryReuseParams().min_reuse);
  EXPECT_GT(r.reused_a, 0.5);
  EXPECT_GT(r.reused_b, 0.5);
  for (const Passage& p : r.passages) {
    EXPECT_LT(p.a_begin, p.a_end);
    EXPECT_LE(p.a_end, c.docs[0].text.size());
    EXPECT_LE(p.b_end, c.docs[1].text.size());
    EXPECT_GT(p.confidence, 0.0);
    EXPECT_LE(p.confidence, 1.0);
  }
  EXPECT_TRUE(std::any_of(r.passages.begin(), r.passages.end(),
                          [](const Passage& p) { return p.kind == PassageKind::kRewritten; }));
}

TEST(StoryReuse, TermsAreStemsSoInflectionsMeet) {
  const std::string a = "Negotiations resumed as the ministers negotiated";
  const std::string b = "negotiating resume minister negotiate";
  std::vector<normalize::Token> ta, tb;
  normalize::tokenize(a, ta);
  normalize::tokenize(b, tb);
  const auto xa = reuse_terms(a, ta), xb = reuse_terms(b, tb);
  ASSERT_EQ(xa.size(), ta.size());
  ASSERT_EQ(xb.size(), tb.size());
  EXPECT_EQ(xa[0], xb[0]);  // negotiations / negotiating
  EXPECT_EQ(xa[1], xb[1]);  // resumed / resume
  EXPECT_EQ(xa[4], xb[2]);  // ministers / minister
  EXPECT_EQ(xa[5], xb[3]);  // negotiated / negotiate
  EXPECT_NE(xa[0], xa[4]);
}

TEST(StoryReuse, SkipsPairsTheCopyStageLinked) {
  Corpus c = corpus({{kSource, ""}, {kRewrite, ""}});
  const story::StoryStats stats(c.features);
  const std::vector<Story> stories = {story_of({0, 1})};
  // Linked already ...
  const std::vector<Link> links = {{0, 1, Relation::kOverlapping, {10, 20, 20}}};
  StoryReuseStats rs;
  EXPECT_TRUE(find_story_rewrites(stories, c.docs, c.features, stats, links, Params(), {},
                                  story::sequential_ranges, &rs)
                  .empty());
  EXPECT_EQ(rs.pairs, 0u);
  // ... or in one family.
  c.docs[0].family = c.docs[1].family = 3;
  EXPECT_TRUE(find_story_rewrites(stories, c.docs, c.features, stats, {}, Params(), {},
                                  story::sequential_ranges, &rs)
                  .empty());
  EXPECT_EQ(rs.pairs, 0u);
}

TEST(StoryReuse, BudgetBoundsThePairsAligned) {
  std::vector<std::pair<std::string, std::string>> texts;
  for (int i = 0; i < 12; ++i) texts.emplace_back(i % 2 ? kRewrite : kIndependent, "");
  texts.emplace_back(kSource, "");
  const Corpus c = corpus(texts);
  const story::StoryStats stats(c.features);
  std::vector<uint32_t> members(texts.size());
  for (uint32_t i = 0; i < members.size(); ++i) members[i] = i;
  const std::vector<Story> stories = {story_of(members)};
  for (uint32_t partners : {1u, 2u, 5u}) {
    for (uint32_t window : {3u, 64u}) {
      StoryReuseParams rp;
      rp.partners = partners;
      rp.window = window;
      StoryReuseStats rs;
      find_story_rewrites(stories, c.docs, c.features, stats, {}, Params(), rp,
                          story::sequential_ranges, &rs);
      EXPECT_LE(rs.pairs, members.size() * std::min(partners, window)) << partners << " " << window;
      EXPECT_GE(rs.pairs, (members.size() * std::min(partners, window) + 1) / 2);
    }
  }
  StoryReuseStats all;
  find_story_rewrites(stories, c.docs, c.features, stats, {}, Params(), {},
                      story::sequential_ranges, &all);
  EXPECT_EQ(all.pairs, members.size() * (members.size() - 1) / 2);
}

TEST(StoryReuse, MergedLinksStaySortedWithTheirProvenanceAndPassages) {
  ScanResult result;
  result.links = {{0, 3, Relation::kExact, {}}, {2, 3, Relation::kContained, {}}};
  result.provenance = {{0, 3, 1, "containment"}, {2, 3, 1, "containment"}};
  result.passages = {{Passage{}}, {}};
  std::vector<DocInfo> docs(5);
  docs[1].time = util::parse_iso8601("2025-01-02");
  docs[4].time = util::parse_iso8601("2025-01-01");
  std::vector<StoryRewrite> rewrites(2);
  rewrites[0].link = {1, 2, Relation::kRewrite, {}};
  rewrites[0].reused_a = 0.9;  // 1 mostly inside 2: 1 is the rewrite
  rewrites[0].reused_b = 0.3;
  rewrites[0].passages.resize(2);
  rewrites[1].link = {1, 4, Relation::kRewrite, {}};  // dates: 4 is the older
  rewrites[1].passages.resize(3);
  add_story_rewrites(result, docs, rewrites, true);
  ASSERT_EQ(result.links.size(), 4u);
  ASSERT_EQ(result.provenance.size(), 4u);
  ASSERT_EQ(result.passages.size(), 4u);
  const std::vector<std::pair<uint32_t, uint32_t>> want = {{0, 3}, {1, 2}, {1, 4}, {2, 3}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(result.links[i].a, want[i].first);
    EXPECT_EQ(result.links[i].b, want[i].second);
  }
  EXPECT_EQ(result.links[1].relation, Relation::kRewrite);
  EXPECT_EQ(result.passages[0].size(), 1u);
  EXPECT_EQ(result.passages[1].size(), 2u);
  EXPECT_EQ(result.passages[2].size(), 3u);
  EXPECT_EQ(result.passages[3].size(), 0u);
  EXPECT_EQ(result.provenance[1].source, 2u);
  EXPECT_EQ(result.provenance[1].copy, 1u);
  EXPECT_EQ(result.provenance[2].source, 4u);
  EXPECT_EQ(result.provenance[2].copy, 1u);
  EXPECT_EQ(result.provenance[3].source, 2u);  // the copy link kept its own
}

TEST(StoryReuse, ScannerLinksRewritesOnlyWhenAsked) {
  auto scan = [](bool rewrites) {
    ScanOptions o;
    o.threads = 2;
    o.rewrites = rewrites;
    Scanner s(Params(), o);
    std::vector<Document> docs(3);
    const char* texts[] = {kSource, kRewrite, kIndependent};
    for (size_t i = 0; i < docs.size(); ++i) {
      docs[i].id = "d" + std::to_string(i);
      docs[i].text = texts[i];
    }
    s.add(std::move(docs));
    return s.finish();
  };
  const ScanResult with = scan(true);
  const ScanResult without = scan(false);
  EXPECT_TRUE(without.links.empty());
  EXPECT_EQ(without.stats.rewrite_pairs, 0u);
  // Whether the three are one story is the story stage's call; when they are,
  // the rewrite is linked and nothing else is.
  for (const Link& l : with.links) {
    EXPECT_EQ(l.relation, Relation::kRewrite);
    EXPECT_EQ(l.a, 0u);
    EXPECT_EQ(l.b, 1u);
  }
  EXPECT_EQ(with.links.size(), with.stats.rewrite_links);
  EXPECT_EQ(with.links.size(), with.provenance.size());
  EXPECT_EQ(with.links.size(), with.passages.size());
  if (!with.stories.empty() && with.stories[0].members.size() >= 2) {
    EXPECT_GT(with.stats.rewrite_pairs, 0u);
  }
}

}  // namespace
}  // namespace kindred::pipeline
