// read_and_sketch() of the stages API: records numbered in input order, and
// without skip_bad the first bad record in input order is the one reported.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "kindred/stages.h"

namespace kindred {
namespace {

namespace fs = std::filesystem;

struct TempFile {
  fs::path path;
  explicit TempFile(const std::string& content) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path = fs::temp_directory_path() /
           ("kindred_stages_" + std::to_string(::getpid()) + "_" + info->name() + ".jsonl");
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { fs::remove(path); }
};

std::string good(const std::string& id) {
  return "{\"id\":\"" + id + "\",\"text\":\"" + id +
         " alpha beta gamma delta epsilon zeta eta\"}\n";
}
const std::string kNoWords = "{\"id\":\"empty\",\"text\":\" ... \"}\n";
const std::string kMalformed = "{\"id\": \"broken\", \"text\": \n";

ShardSketch read(const TempFile& f, bool skip_bad) {
  InputPiece piece;
  piece.file = f.path.string();
  return read_and_sketch(std::span(&piece, 1), Params{}, ingest::ReadOptions{}, skip_bad);
}

TEST(ReadAndSketch, StrictReportsADocumentWithoutWordsBeforeALaterMalformedLine) {
  // The reader rejects line 4 before the batch holding line 2 is sketched.
  const TempFile f(good("a") + kNoWords + good("b") + kMalformed + good("c"));
  const ShardSketch s = read(f, false);
  EXPECT_TRUE(s.stopped);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].origin.line, 2u);
  EXPECT_NE(s.rejections[0].status.message().find("no words"), std::string::npos);
  EXPECT_EQ(s.rejection_positions, (std::vector<uint64_t>{1}));
  ASSERT_EQ(s.docs.size(), 1u);
  EXPECT_EQ(s.docs[0].id, "a");
}

TEST(ReadAndSketch, StrictReportsAMalformedLineWhenNothingBeforeItIsBad) {
  const TempFile f(good("a") + good("b") + kMalformed + kNoWords);
  const ShardSketch s = read(f, false);
  EXPECT_TRUE(s.stopped);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].origin.line, 3u);
  EXPECT_EQ(s.rejection_positions, (std::vector<uint64_t>{2}));
  // The documents before it were read and sketched.
  EXPECT_EQ(s.positions, (std::vector<uint64_t>{0, 1}));
}

TEST(ReadAndSketch, SkipBadNumbersDocumentsAndRejectionsInOneCount) {
  const TempFile f(good("a") + kNoWords + good("b") + kMalformed + good("c"));
  const ShardSketch s = read(f, true);
  EXPECT_FALSE(s.stopped);
  EXPECT_EQ(s.positions, (std::vector<uint64_t>{0, 2, 4}));
  ASSERT_EQ(s.rejections.size(), 2u);
  std::vector<uint64_t> at = s.rejection_positions;
  std::sort(at.begin(), at.end());
  EXPECT_EQ(at, (std::vector<uint64_t>{1, 3}));
  for (size_t i = 0; i < s.rejections.size(); ++i) {
    EXPECT_EQ(s.rejections[i].origin.line, s.rejection_positions[i] + 1);
  }
  EXPECT_EQ(s.files, 1u);
}

}  // namespace
}  // namespace kindred
