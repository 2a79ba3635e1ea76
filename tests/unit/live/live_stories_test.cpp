// The live index's stories against a batch scan of the same documents (the
// oracle): after every sync_stories() the stories served, their quotations
// and merged accounts are those of `kindred scan` over the documents added so
// far; before it they are provisional, and say so.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "kindred/live_index.h"
#include "live_testing.h"

namespace kindred {
namespace {

using live_testing::batch_scan;
using live_testing::example_documents;
using live_testing::TempDir;

// Everything about a story that does not depend on how documents are
// numbered: members, cohesion, quotations and the merged account, with
// documents as ids.
struct StoryView {
  std::set<std::string> members;
  double cohesion = 0;
  // (speaker, attributions, variants as (doc, begin, end, speaker))
  using Variant = std::tuple<std::string, uint32_t, uint32_t, std::string>;
  std::vector<std::tuple<std::string, std::vector<std::string>, std::vector<Variant>>> quotations;
  // (doc, begin, end, sources, variants as (doc, begin, end, sources))
  using Wording = std::tuple<std::string, uint32_t, uint32_t, std::vector<std::string>>;
  std::vector<std::pair<Wording, std::vector<Wording>>> account;
  bool operator==(const StoryView&) const = default;
};

template <class Id>
StoryView view_of(const std::vector<uint32_t>& members, double cohesion,
                  const std::vector<Quotation>& quotations,
                  const std::vector<AccountSentence>& account, const Id& id) {
  StoryView v;
  for (uint32_t m : members) v.members.insert(id(m));
  v.cohesion = cohesion;
  const auto ids = [&](const std::vector<uint32_t>& docs) {
    std::vector<std::string> out;
    for (uint32_t d : docs) out.push_back(id(d));
    return out;
  };
  for (const Quotation& q : quotations) {
    std::vector<StoryView::Variant> variants;
    for (const QuoteVariant& qv : q.variants) {
      variants.emplace_back(id(qv.doc), qv.begin, qv.end, qv.speaker);
    }
    v.quotations.emplace_back(q.speaker, q.attributions, std::move(variants));
  }
  for (const AccountSentence& a : account) {
    std::vector<StoryView::Wording> variants;
    for (const AccountVariant& av : a.variants) {
      variants.emplace_back(id(av.doc), av.begin, av.end, ids(av.sources));
    }
    v.account.emplace_back(StoryView::Wording{id(a.doc), a.begin, a.end, ids(a.sources)},
                           std::move(variants));
  }
  return v;
}

// The batch scan's stories, by smallest member id.
std::map<std::string, StoryView> batch_stories(const std::vector<Document>& docs) {
  const ScanResult r = batch_scan(docs, Params{});
  std::map<uint32_t, std::vector<Quotation>> quotes;
  for (const Quotation& q : r.quotations) quotes[q.story].push_back(q);
  std::map<std::string, StoryView> out;
  for (const Story& s : r.stories) {
    StoryView v = view_of(s.members, s.cohesion, quotes[s.id], s.account,
                          [&](uint32_t d) { return r.docs[d].id; });
    out[*v.members.begin()] = std::move(v);
  }
  return out;
}

// The stories the index serves now, read as a client reads them (story() with
// its account), and whether each said it was final.
std::map<std::string, StoryView> live_stories(const LiveIndex& index, bool& all_final) {
  std::map<std::string, StoryView> out;
  all_final = true;
  const auto listed = index.stories_since(0);
  EXPECT_TRUE(listed.has_value()) << listed.status().to_string();
  if (!listed) return out;
  for (const LiveStory& brief : *listed) {
    const auto st = index.story(brief.id, true);
    EXPECT_TRUE(st.has_value()) << st.status().to_string();
    if (!st) continue;
    all_final &= st->final && st->pending == 0;
    std::map<uint32_t, std::string> ids;
    for (size_t i = 0; i < st->members.size(); ++i) ids[st->members[i]] = st->member_ids[i];
    // Quotation ids number a story's quotations from 0, in the batch's order.
    for (size_t q = 0; q < st->quotations.size(); ++q) {
      EXPECT_EQ(st->quotations[q].id, q);
      EXPECT_EQ(st->quotations[q].story, st->id);
    }
    // Every wording's text is the member's text at its offsets.
    for (const AccountSentence& a : st->account) {
      EXPECT_FALSE(st->text(a.doc, a.begin, a.end).empty());
    }
    StoryView v = view_of(st->members, st->cohesion, st->quotations, st->account,
                          [&](uint32_t d) { return ids.count(d) ? ids[d] : "?"; });
    out[*v.members.begin()] = std::move(v);
  }
  return out;
}

std::vector<Document> arrival_documents(bool& with_ecb) {
  std::vector<Document> docs = example_documents();
  const std::filesystem::path ecb =
      std::filesystem::path(KINDRED_SHARED_DIR) / "eval/ecbplus-dev/dev.jsonl";
  with_ecb = std::filesystem::exists(ecb);
  if (with_ecb) {
    for (Document& d : live_testing::read_documents(ecb.string())) docs.push_back(std::move(d));
  }
  return docs;
}

// The example corpora and the ECB+ dev articles in arrival order, in batches
// of 50: after every add the test waits until the background refresher has
// made the stories final (sync_stories() only waits) and compares them with a
// batch scan of the documents added so far. (Adds that arrive while a refresh
// runs: ReadersAndWritersCarryOnDuringRefreshes.)
TEST(LiveStories, FinalAfterEverySyncEqualBatchScan) {
  bool with_ecb = false;
  const std::vector<Document> docs = arrival_documents(with_ecb);
  if (!with_ecb) std::printf("../shared/eval/ecbplus-dev absent: the example corpora only\n");
  TempDir dir;
  auto index = LiveIndex::create(dir.path.string(), Params{}, {.threads = 2});
  ASSERT_TRUE(index.has_value()) << index.status().to_string();
  const size_t batch = 50;
  size_t compared = 0;
  for (size_t i = 0; i < docs.size(); i += batch) {
    const size_t end = std::min(docs.size(), i + batch);
    auto r = (*index)->add(std::vector<Document>(docs.begin() + static_cast<long>(i),
                                                 docs.begin() + static_cast<long>(end)));
    ASSERT_TRUE(r.has_value()) << r.status().to_string();
    SCOPED_TRACE("after " + std::to_string(end) + " documents");
    ASSERT_TRUE((*index)->sync_stories().is_ok());
    EXPECT_EQ((*index)->stats()->stories_pending, 0u);
    const std::vector<Document> added(docs.begin(), docs.begin() + static_cast<long>(end));
    const auto want = batch_stories(added);
    bool all_final = false;
    const auto got = live_stories(**index, all_final);
    EXPECT_TRUE(all_final);
    EXPECT_EQ(got.size(), want.size());
    for (const auto& [first, story] : want) {
      auto it = got.find(first);
      if (it == got.end()) {
        ADD_FAILURE() << "batch story of " << first << " (" << story.members.size()
                      << " members) not served";
        continue;
      }
      EXPECT_EQ(it->second.members, story.members) << first;
      EXPECT_DOUBLE_EQ(it->second.cohesion, story.cohesion) << first;
      EXPECT_EQ(it->second.quotations, story.quotations) << first;
      EXPECT_EQ(it->second.account, story.account) << first;
    }
    EXPECT_EQ((*index)->check(), std::vector<std::string>{});
    ++compared;
  }
  EXPECT_GE(compared, 1u);
}

// Without the background refresher an add leaves the stories pending and says
// so; sync_stories() makes them final; the store remembers across a reopen.
TEST(LiveStories, PendingUntilSynced) {
  const std::vector<Document> docs = example_documents();
  TempDir dir;
  const LiveOpenOptions manual{.background_stories = false};
  {
    auto index = LiveIndex::create(dir.path.string(), Params{}, manual);
    ASSERT_TRUE(index.has_value());
    ASSERT_TRUE((*index)->add(docs).has_value());
    EXPECT_EQ((*index)->stats()->stories_pending, docs.size());
    const auto listed = (*index)->stories_since(0).value();
    ASSERT_FALSE(listed.empty());  // copies form provisional stories
    for (const LiveStory& s : listed) {
      EXPECT_FALSE(s.final);
      EXPECT_EQ(s.pending, docs.size());
    }
    ASSERT_TRUE((*index)->sync_stories().is_ok());
    EXPECT_EQ((*index)->stats()->stories_pending, 0u);
    EXPECT_GT((*index)->stats()->stories_refreshed, 0);
    Document extra = docs.front();
    extra.id = "again";
    ASSERT_TRUE((*index)->add({extra}).has_value());
    EXPECT_EQ((*index)->stats()->stories_pending, 1u);
  }
  auto index = LiveIndex::open(dir.path.string(), manual);
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ((*index)->stats()->stories_pending, 1u);
  std::vector<Document> all = docs;
  all.push_back(docs.front());
  all.back().id = "again";
  ASSERT_TRUE((*index)->sync_stories().is_ok());
  bool all_final = false;
  const auto got = live_stories(**index, all_final);
  EXPECT_TRUE(all_final);
  EXPECT_EQ(got, batch_stories(all));
  // A read-only index cannot refresh: it says so instead of waiting.
  ASSERT_TRUE((*index)
                  ->add({[&] {
                    Document d = docs.back();
                    d.id = "third";
                    return d;
                  }()})
                  .has_value());
  index->reset();
  auto ro = LiveIndex::open(dir.path.string(), {.read_only = true});
  ASSERT_TRUE(ro.has_value());
  const Status s = (*ro)->sync_stories(0);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
}

// A refresh reads on its own snapshot: readers answer throughout, and adds
// made while the refresher runs are picked up by the next refresh.
TEST(LiveStories, ReadersAndWritersCarryOnDuringRefreshes) {
  bool with_ecb = false;
  std::vector<Document> docs = arrival_documents(with_ecb);
  docs.resize(std::min<size_t>(docs.size(), 300));
  TempDir dir;
  auto index = LiveIndex::create(dir.path.string(), Params{}, {.threads = 2});
  ASSERT_TRUE(index.has_value());
  for (size_t i = 0; i < docs.size(); i += 10) {
    const size_t end = std::min(docs.size(), i + 10);
    ASSERT_TRUE((*index)
                    ->add(std::vector<Document>(docs.begin() + static_cast<long>(i),
                                                docs.begin() + static_cast<long>(end)))
                    .has_value());
    const auto st = (*index)->stats();
    ASSERT_TRUE(st.has_value()) << st.status().to_string();
    EXPECT_EQ(st->documents, end);
    EXPECT_LE(st->stories_pending, end);
    ASSERT_TRUE((*index)->stories_since(0).has_value());
  }
  ASSERT_TRUE((*index)->sync_stories().is_ok());
  bool all_final = false;
  EXPECT_EQ(live_stories(**index, all_final), batch_stories(docs));
  EXPECT_TRUE(all_final);
  EXPECT_EQ((*index)->check(), std::vector<std::string>{});
}

}  // namespace
}  // namespace kindred
