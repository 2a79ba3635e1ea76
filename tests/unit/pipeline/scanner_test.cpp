// Scanner's caller errors are Statuses, not aborts; its threads are capped to
// what the machine has.
#include <gtest/gtest.h>
#include <oneapi/tbb/info.h>

#include <string>
#include <vector>

#include "core/threads.h"
#include "kindred/pipeline.h"
#include "kindred/stages.h"

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

}  // namespace
}  // namespace kindred
