// Scanner's caller errors are Statuses, not aborts; its threads are capped to
// what the machine has; its memory budget is shared by the stores that spill,
// and no budget changes a record.
#include <gtest/gtest.h>
#include <oneapi/tbb/info.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/threads.h"
#include "kindred/pipeline.h"
#include "kindred/stages.h"
#include "pipeline/memory_budget.h"
#include "report/jsonl.h"
#include "synth/generator.h"

namespace kindred {
namespace {

std::vector<Document> two_copies() {
  const std::string text =
      "The council approved the new budget on Tuesday after a long debate about "
      "schools, roads and the harbour, and the mayor said the vote was a good day.";
  std::vector<Document> docs(2);
  docs[0].id = "a";
  docs[0].text = text;
  docs[0].origin = {"in.jsonl", 1, 0};
  docs[1].id = "b";
  docs[1].text = text;
  docs[1].origin = {"in.jsonl", 2, 200};
  return docs;
}

ScanOptions small_options() {
  ScanOptions o;
  o.threads = 1;
  o.stories = false;
  o.passages = false;
  o.rewrites = false;
  return o;
}

TEST(Scanner, InvalidParamsAreAStatusAndEveryDocumentIsRejected) {
  Params p;
  p.max_bucket = 1;
  Scanner scanner(p, small_options());
  EXPECT_EQ(scanner.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(scanner.status().message().find("--max-bucket"), std::string::npos)
      << scanner.status().message();
  const std::vector<Rejection> rejected = scanner.add(two_copies());
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[1].id, "b");
  EXPECT_EQ(rejected[1].origin.line, 2u);
  EXPECT_EQ(rejected[1].status.message(), scanner.status().message());
  EXPECT_EQ(scanner.size(), 0u);
  EXPECT_TRUE(scanner.finish().docs.empty());
}

TEST(Scanner, AddAfterFinishRejectsEveryDocumentWithAMessage) {
  Scanner scanner(Params{}, small_options());
  EXPECT_TRUE(scanner.add(two_copies()).empty());
  const ScanResult result = scanner.finish();
  EXPECT_EQ(result.docs.size(), 2u);
  EXPECT_EQ(result.links.size(), 1u);
  const std::vector<Rejection> late = scanner.add(two_copies());
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[0].status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(late[0].status.message().find("after finish()"), std::string::npos);
}

// A date is read once, when the document is accepted: every result carries
// the time, and a date kindred cannot read is no time (not an error).
TEST(Scanner, DatesAreReadOnceIntoTheDocumentsTime) {
  std::vector<Document> docs = two_copies();
  docs[0].date = "2025-02-17T10:30:00+01:00";
  docs[1].date = "yesterday";
  constexpr int64_t kNineThirtyUtc = 1739784600;  // 2025-02-17T09:30:00Z
  for (const DocumentSketch& s : sketch_documents(docs, Params{}, 1)) {
    EXPECT_EQ(s.time, s.id == "a" ? std::optional<int64_t>(kNineThirtyUtc) : std::nullopt);
  }
  Scanner scanner(Params{}, small_options());
  scanner.add(docs);
  const ScanResult result = scanner.finish();
  ASSERT_EQ(result.docs.size(), 2u);
  EXPECT_EQ(result.docs[0].date, "2025-02-17T10:30:00+01:00");  // kept as given
  EXPECT_EQ(result.docs[0].time, kNineThirtyUtc);
  EXPECT_FALSE(result.docs[1].time.has_value());
  // Provenance compares the times: exact copies, one dated, so the order decides.
  ASSERT_EQ(result.provenance.size(), 1u);
  EXPECT_EQ(result.provenance[0].source, 0u);
  DocumentSketch named;
  name_sketch(named, "x", "2025-02-17 09:30");
  EXPECT_EQ(named.time, kNineThirtyUtc);
}

TEST(Scanner, FinishTwiceIsAStatus) {
  Scanner scanner(Params{}, small_options());
  scanner.add(two_copies());
  EXPECT_EQ(scanner.finish().docs.size(), 2u);
  EXPECT_TRUE(scanner.status().is_ok());
  EXPECT_TRUE(scanner.finish().docs.empty());
  EXPECT_EQ(scanner.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(scanner.status().message().find("twice"), std::string::npos);
}

TEST(ResolveThreads, ZeroIsEveryCoreAndMoreIsCappedToThem) {
  const auto cores = static_cast<unsigned>(tbb::info::default_concurrency());
  EXPECT_EQ(core::resolve_threads(0), cores);
  EXPECT_EQ(core::resolve_threads(1), 1u);
  EXPECT_EQ(core::resolve_threads(cores), cores);
  EXPECT_EQ(core::resolve_threads(cores + 7), cores);
  EXPECT_EQ(core::resolve_threads(100000), cores);
}

TEST(ResolveThreads, AScannerAskingForManyThreadsRunsWithoutATbbWarning) {
  ScanOptions o = small_options();
  o.threads = 4 * static_cast<unsigned>(tbb::info::default_concurrency()) + 3;
  testing::internal::CaptureStderr();
  size_t links = 0;
  {
    Scanner scanner(Params{}, o);
    scanner.add(two_copies());
    links = scanner.finish().links.size();
  }
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(links, 1u);
  EXPECT_EQ(err.find("TBB Warning"), std::string::npos) << err;
}

TEST(MemoryBudget, TheStoresShareOneBudgetThreeThreeTwo) {
  ScanOptions o;  // the default scan: shingle sets, texts and story terms
  const pipeline::MemoryBudget all = pipeline::memory_budget(o);
  EXPECT_EQ(all.shingles, uint64_t{192} << 20);
  EXPECT_EQ(all.texts, uint64_t{192} << 20);
  EXPECT_EQ(all.terms, uint64_t{128} << 20);
  o.stories = false;
  o.rewrites = false;  // passages: shingle sets and texts
  const pipeline::MemoryBudget passages = pipeline::memory_budget(o);
  EXPECT_EQ(passages.shingles, uint64_t{256} << 20);
  EXPECT_EQ(passages.texts, uint64_t{256} << 20);
  EXPECT_EQ(passages.terms, 0u);
  o.passages = false;  // copies only: the shingle sets have all of it
  const pipeline::MemoryBudget copies = pipeline::memory_budget(o);
  EXPECT_EQ(copies.shingles, uint64_t{512} << 20);
  EXPECT_EQ(copies.texts, 0u);
  EXPECT_EQ(copies.terms, 0u);
  // Never more than the budget, whatever it is; UINT64_MAX never spills.
  for (const uint64_t budget : {uint64_t{1}, uint64_t{7}, uint64_t{1000003}, uint64_t{1} << 50}) {
    ScanOptions b;
    b.spill_after_bytes = budget;
    const pipeline::MemoryBudget m = pipeline::memory_budget(b);
    EXPECT_LE(m.shingles, budget);
    EXPECT_LE(m.shingles + m.texts, budget);
    EXPECT_LE(m.texts + m.terms, budget - m.shingles);
    EXPECT_GE(m.shingles + m.texts + m.terms + 2, budget);  // rounding only
  }
  ScanOptions never;
  never.spill_after_bytes = UINT64_MAX;
  const pipeline::MemoryBudget n = pipeline::memory_budget(never);
  EXPECT_EQ(n.shingles, UINT64_MAX);
  EXPECT_EQ(n.texts, UINT64_MAX);
  EXPECT_EQ(n.terms, UINT64_MAX);
}

// The lines of JSON Lines output but the run and summary records.
std::string without_run_and_summary(const std::string& jsonl) {
  std::istringstream in(jsonl);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find("\"type\":\"run\"") == std::string::npos &&
        line.find("\"type\":\"summary\"") == std::string::npos) {
      out += line + '\n';
    }
  }
  return out;
}

// Every record but run and summary, as `kindred scan` writes them.
std::string records(const ScanResult& r) {
  return without_run_and_summary(report::scan_to_jsonl(Params{}, r, 0));
}

// A generated corpus of short articles, half of the originals independent
// reports of shared events: stories, quotations and copies in one.
synth::Corpus short_story_corpus(size_t documents, uint64_t seed) {
  synth::CorpusSpec spec;
  spec.documents = documents;
  spec.seed = seed;
  spec.mean_words = 250;
  spec.stories.fraction = 0.5;
  return synth::generate_corpus(spec);
}

// The default scan (stories, quotations, accounts, rewrites, passages) of a
// generated corpus writes the same records with every store in memory and
// with all of them spilled; the shingle sets spill past their share only.
TEST(MemoryBudget, NoBudgetChangesARecord) {
  const synth::Corpus corpus = short_story_corpus(800, 5);
  auto scan = [&](uint64_t budget) {
    ScanOptions o;
    o.threads = 2;
    o.spill_after_bytes = budget;
    Scanner scanner(Params{}, o);
    EXPECT_TRUE(scanner.add(corpus.documents).empty());
    return scanner.finish();
  };
  const ScanResult memory = scan(UINT64_MAX);
  const ScanResult spilled = scan(1024);
  ASSERT_GT(memory.stories.size(), 20u);
  ASSERT_GT(memory.quotations.size(), 20u);
  ASSERT_GT(memory.links.size(), 50u);
  EXPECT_EQ(memory.stats.spilled_bytes, 0u);
  EXPECT_GT(spilled.stats.spilled_bytes, spilled.stats.tokens * 8 / 2);
  EXPECT_TRUE(spilled.stats.spill_error.empty()) << spilled.stats.spill_error;
  EXPECT_EQ(records(memory), records(spilled));
  size_t sentences = 0;
  for (const Story& st : spilled.stories) sentences += st.account.size();
  EXPECT_GT(sentences, memory.stories.size());  // the accounts were made
}

// Accounts made on demand, a few stories at a time while the records are
// written (as `kindred scan` does), are the accounts finish() makes: every
// record is the same; the writer asks for every story once, range after
// range in order, and each story's account is there when its record is
// written.
TEST(Scanner, AccountsMadeOnDemandWriteTheSameRecords) {
  const synth::Corpus corpus = short_story_corpus(600, 11);
  ScanOptions o;
  o.threads = 2;
  Scanner whole(Params{}, o);
  ASSERT_TRUE(whole.add(corpus.documents).empty());
  const ScanResult expected = whole.finish();
  ASSERT_GT(expected.stories.size(), 20u);

  o.accounts_on_demand = true;
  Scanner scanner(Params{}, o);
  ASSERT_TRUE(scanner.add(corpus.documents).empty());
  ScanResult result = scanner.finish();
  ASSERT_EQ(result.stories.size(), expected.stories.size());
  for (const Story& st : result.stories) EXPECT_TRUE(st.account.empty()) << st.id;

  report::StoryAccounts accounts;
  accounts.range = 7;  // ranges of several stories and a short last one
  size_t next = 0, held_from = 0;
  accounts.make = [&](size_t first, size_t last) {
    EXPECT_EQ(first, next);
    EXPECT_LE(last - first, accounts.range);
    next = last;
    for (; held_from < first; ++held_from) result.stories[held_from].account.clear();
    scanner.make_accounts(result, first, last);
    for (size_t i = first; i < last; ++i) {
      EXPECT_EQ(result.stories[i].account.size(), expected.stories[i].account.size()) << i;
    }
  };
  std::string out;
  ASSERT_TRUE(report::write_scan_jsonl(
                  Params{}, result, 0, [&](std::string_view chunk) { out += chunk; }, &accounts)
                  .is_ok());
  EXPECT_EQ(next, result.stories.size());
  EXPECT_GE(accounts.seconds, 0.0);
  EXPECT_EQ(without_run_and_summary(out), records(expected));
}

}  // namespace
}  // namespace kindred
