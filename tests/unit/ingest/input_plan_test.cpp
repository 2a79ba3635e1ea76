// plan_inputs() against read_path(), the reference: reading every planned
// piece in order gives exactly the documents, rejections (file, line, offset,
// id, message) and counts that one read_path() over the same PATHs gives,
// whatever size the JSON Lines files are cut at; group_shards() keeps order.
#include "kindred/input_plan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "ingest_test_util.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::numbered_jsonl;
using testing::read_all;
using testing::TempDir;

using DocView = std::tuple<std::string, std::string, std::string, uint64_t, uint64_t>;
using RejectView = std::tuple<std::string, std::string, uint64_t, uint64_t, std::string>;

std::vector<DocView> docs_of(const Collected& c) {
  std::vector<DocView> out;
  for (const Document& d : c.docs) {
    out.emplace_back(d.id, d.text, d.origin.file, d.origin.line, d.origin.offset);
  }
  return out;
}

std::vector<RejectView> rejects_of(const Collected& c) {
  std::vector<RejectView> out;
  for (const Rejection& r : c.rejects) {
    out.emplace_back(r.id, r.origin.file, r.origin.line, r.origin.offset, r.status.to_string());
  }
  return out;
}

// The reference: read_path() over each PATH in turn.
Collected read_paths(const std::vector<std::string>& paths) {
  Collected all;
  for (const std::string& p : paths) {
    Collected c = read_all(p);
    for (Document& d : c.docs) all.docs.push_back(std::move(d));
    for (Rejection& r : c.rejects) all.rejects.push_back(std::move(r));
    all.stats.files_skipped += c.stats.files_skipped;
    all.stats.records += c.stats.records;
  }
  return all;
}

// What the planned pieces give, read in order (newlines counted as a planner
// on many machines counts them: per range, summed in file order).
Collected read_planned(const std::vector<std::string>& paths, uint64_t split_bytes,
                       InputPlan* plan_out = nullptr) {
  InputPlan plan = plan_inputs(paths, split_bytes);
  uint64_t before = 0;
  for (InputPiece& p : plan.pieces) {
    if (p.kind != InputPiece::Kind::kJsonlRange) continue;
    if (p.begin == 0) before = 0;  // a file's first range (a file may be given twice)
    p.newlines = before;
    auto n = count_newlines(p.file, p.begin, p.end);
    EXPECT_TRUE(n.has_value());
    if (n) before += *n;
  }
  Collected c;
  c.stats.files_skipped = plan.files_skipped;
  for (const InputPiece& p : plan.pieces) {
    ReadStats stats;
    read_input(
        p, {},
        [&](Document&& d) {
          c.docs.push_back(std::move(d));
          return true;
        },
        [&](Rejection&& r) {
          c.rejects.push_back(std::move(r));
          return true;
        },
        &stats);
    c.stats.files_skipped += stats.files_skipped;
    c.stats.records += stats.records;
  }
  if (plan_out != nullptr) *plan_out = std::move(plan);
  return c;
}

void expect_same(const Collected& want, const Collected& got) {
  EXPECT_EQ(docs_of(got), docs_of(want));
  EXPECT_EQ(rejects_of(got), rejects_of(want));
  EXPECT_EQ(got.stats.files_skipped, want.stats.files_skipped);
  EXPECT_EQ(got.stats.records, want.stats.records);
}

// A folder with most of what a walk meets: nesting, hidden entries, a link to
// a folder, a FIFO, a dangling link, unknown formats, compressed and
// misnamed files, a bad JSON line, and a large JSON Lines file.
void fill(const TempDir& dir) {
  dir.write("b.txt", "Bee\nbody b\n");
  dir.write("a-c.txt", "Dash\nbody\n");
  dir.write("a/z.txt", "Zed body\n");
  dir.write("a/b/c.html",
            "<!doctype html><html><head><title>T</title></head>"
            "<body><p>Some page body text here.</p></body></html>");
  dir.write(".hidden/x.txt", "hidden\n");
  dir.write(".h.txt", "hidden too\n");
  dir.write("notes.md", "not a document by name\n");
  dir.write("big.jsonl", numbered_jsonl(200) + "{\"id\": broken\n" + numbered_jsonl(30));
  dir.write("packed.jsonl.gz", testing::gzip(numbered_jsonl(20)));
  dir.write("page.jsonl", "<!doctype html><html><body><p>misnamed page</p></body></html>\n");
  ::symlink((dir.path() / "a").c_str(), (dir.path() / "link-to-a").c_str());
  ::symlink((dir.path() / "missing.txt").c_str(), (dir.path() / "dangling.txt").c_str());
  ::mkfifo((dir.path() / "pipe.txt").c_str(), 0600);
}

TEST(PlanInputs, PiecesReadAsTheWholeFolderDoesAtEverySplitSize) {
  TempDir dir;
  fill(dir);
  const std::vector<std::string> paths{dir.path().string()};
  const Collected want = read_paths(paths);
  ASSERT_FALSE(want.docs.empty());
  ASSERT_FALSE(want.rejects.empty());       // the broken line and the dangling link
  EXPECT_EQ(want.stats.files_skipped, 2u);  // notes.md and the FIFO
  for (uint64_t split : {uint64_t{1} << 40, uint64_t{4096}, uint64_t{777}, uint64_t{64}}) {
    SCOPED_TRACE("split " + std::to_string(split));
    InputPlan plan;
    expect_same(want, read_planned(paths, split, &plan));
    size_t ranges = 0;
    for (const InputPiece& p : plan.pieces) {
      ranges += p.kind == InputPiece::Kind::kJsonlRange;
      if (p.kind == InputPiece::Kind::kJsonlRange) {
        EXPECT_TRUE(p.file.ends_with("big.jsonl")) << p.file;  // only plain JSON Lines is cut
        EXPECT_LE(p.size, split);
      }
    }
    EXPECT_EQ(ranges > 0, split < std::filesystem::file_size(dir.path() / "big.jsonl"));
  }
}

TEST(PlanInputs, FileArgumentsAndMissingPathsReadAsGiven) {
  TempDir dir;
  const std::string big = dir.write("x.ndjson", numbered_jsonl(50));
  const std::string txt = dir.write("one.txt", "Hello world\n");
  const std::string missing = (dir.path() / "nope.jsonl").string();
  const std::vector<std::string> paths{txt, big, missing, big};
  const Collected want = read_paths(paths);
  ASSERT_EQ(want.rejects.size(), 1u);  // the missing path
  InputPlan plan;
  expect_same(want, read_planned(paths, 500, &plan));
  EXPECT_EQ(plan.pieces.front().kind, InputPiece::Kind::kPath);
  EXPECT_EQ(plan.pieces.front().file, txt);  // a file argument's id is the path as given
  uint64_t sizes = 0;
  for (const InputPiece& p : plan.pieces) sizes += p.size;
  EXPECT_EQ(plan.bytes, sizes);
}

TEST(PlanInputs, AFolderThatCannotBeListedReportsAsTheReaderDoes) {
  if (::geteuid() == 0) GTEST_SKIP() << "root lists every folder";
  TempDir dir;
  dir.write("ok/a.txt", "Alpha text\n");
  dir.write("shut/b.txt", "Beta text\n");
  ::chmod((dir.path() / "shut").c_str(), 0);
  const std::vector<std::string> paths{dir.path().string()};
  const Collected want = read_paths(paths);
  expect_same(want, read_planned(paths, 1 << 20));
  ::chmod((dir.path() / "shut").c_str(), 0700);
  EXPECT_EQ(want.rejects.size(), 1u);
}

TEST(GroupShards, ConsecutivePiecesOfAboutTheTarget) {
  std::vector<InputPiece> pieces;
  for (uint64_t size : {10, 10, 10, 25, 0, 0, 5, 30, 1}) {
    InputPiece p;
    p.file = std::to_string(pieces.size());
    p.size = size;
    pieces.push_back(std::move(p));
  }
  const auto shards = group_shards(pieces, 20);
  std::vector<std::string> order;
  for (const auto& shard : shards) {
    uint64_t bytes = 0;
    for (const InputPiece& p : shard) {
      order.push_back(p.file);
      bytes += std::max<uint64_t>(p.size, 1);
    }
    // A shard passes the target only when one piece alone does.
    EXPECT_TRUE(bytes <= 20 || shard.size() == 1) << bytes;
  }
  std::vector<std::string> want;
  for (const InputPiece& p : pieces) want.push_back(p.file);
  EXPECT_EQ(order, want);
  EXPECT_EQ(shards.size(), 6u);  // {10,10} {10} {25} {0,0,5} {30} {1}
}

}  // namespace
}  // namespace kindred::ingest
