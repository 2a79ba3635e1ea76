// LineReader on in-memory streams with tiny chunks and short reads, so every
// line and terminator lands across buffer boundaries somewhere.
#include "ingest/line_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace kindred::ingest {
namespace {

// Serves `data` at most `max_read` bytes per read, then optionally fails.
class MemoryStream final : public ByteStream {
 public:
  MemoryStream(std::string data, size_t max_read, Status fail_at_end = {})
      : data_(std::move(data)), max_read_(max_read), fail_(std::move(fail_at_end)) {}
  Status read(char* buffer, size_t capacity, size_t* got) override {
    *got = std::min({capacity, max_read_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, *got);
    pos_ += *got;
    if (*got == 0 && !fail_.is_ok()) return fail_;
    return Status::ok();
  }

 private:
  std::string data_;
  size_t max_read_;
  Status fail_;
  size_t pos_ = 0;
};

struct Got {
  std::vector<Line> lines;
  std::vector<std::string> texts;  // copies: a Line's bytes live until the next call
};

Got read_lines(LineReader& reader) {
  Got g;
  Line line;
  while (reader.next(&line)) {
    g.lines.push_back(line);
    g.texts.emplace_back(line.bytes);
  }
  return g;
}

TEST(LineReader, SplitsAcrossChunksWithOffsets) {
  const std::string data =
      "\xEF\xBB\xBF"
      "alpha\r\n\nbeta gamma\nlast";
  for (size_t chunk : {1u, 2u, 3u, 5u, 64u}) {
    for (size_t max_read : {1u, 3u, 100u}) {
      MemoryStream stream(data, max_read);
      LineReader reader(stream, 1000, chunk);
      Got g = read_lines(reader);
      ASSERT_EQ(g.texts, (std::vector<std::string>{"alpha", "", "beta gamma", "last"}))
          << "chunk " << chunk << " max_read " << max_read;
      EXPECT_EQ(g.lines[0].offset, 0u);
      EXPECT_EQ(g.lines[1].offset, 10u);
      EXPECT_EQ(g.lines[2].offset, 11u);
      EXPECT_EQ(g.lines[3].offset, 22u);
      EXPECT_EQ(g.lines[3].number, 4u);
      EXPECT_TRUE(reader.status().is_ok());
      EXPECT_EQ(reader.bytes(), data.size());
      EXPECT_EQ(reader.lines(), 4u);
    }
  }
}

TEST(LineReader, BomOnlyOnTheFirstLine) {
  MemoryStream stream(
      "a\n\xEF\xBB\xBF"
      "b\n",
      100);
  LineReader reader(stream, 100);
  Got g = read_lines(reader);
  ASSERT_EQ(g.texts.size(), 2u);
  EXPECT_EQ(g.texts[1],
            "\xEF\xBB\xBF"
            "b");
}

TEST(LineReader, OverlongLinesAreSkippedWithTheirLength) {
  const std::string longline(50, 'x');
  const std::string data = "ok\n" + longline + "\r\n" + "tenchars10\n" + longline + "\nend";
  for (size_t chunk : {1u, 4u, 7u, 16u, 100u}) {
    MemoryStream stream(data, 1000);
    LineReader reader(stream, 10, chunk);
    Got g = read_lines(reader);
    ASSERT_EQ(g.lines.size(), 5u) << "chunk " << chunk;
    EXPECT_FALSE(g.lines[0].too_long);
    EXPECT_TRUE(g.lines[1].too_long);
    EXPECT_EQ(g.lines[1].length, 50u) << "chunk " << chunk;  // the '\r' is not counted
    EXPECT_TRUE(g.lines[1].bytes.empty());
    EXPECT_FALSE(g.lines[2].too_long);  // exactly at the limit
    EXPECT_EQ(g.texts[2], "tenchars10");
    EXPECT_EQ(g.lines[2].offset, 3u + 52u);
    EXPECT_TRUE(g.lines[3].too_long);
    EXPECT_EQ(g.lines[3].number, 4u);
    EXPECT_EQ(g.texts[4], "end");
    EXPECT_EQ(g.lines[4].offset, 3u + 52u + 11u + 51u);
  }
}

TEST(LineReader, OverlongLastLineWithoutNewline) {
  MemoryStream stream("a\n" + std::string(40, 'y'), 1000);
  LineReader reader(stream, 10, 4);
  Got g = read_lines(reader);
  ASSERT_EQ(g.lines.size(), 2u);
  EXPECT_TRUE(g.lines[1].too_long);
  EXPECT_EQ(g.lines[1].length, 40u);
  EXPECT_TRUE(reader.status().is_ok());
}

TEST(LineReader, ErrorDeliversCompleteLinesAndDropsTheFragment) {
  MemoryStream stream("one\ntwo\nthr", 2, Status(StatusCode::kCorrupt, "truncated gzip stream"));
  LineReader reader(stream, 100, 3);
  Got g = read_lines(reader);
  EXPECT_EQ(g.texts, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(reader.status().code(), StatusCode::kCorrupt);
  EXPECT_EQ(reader.lines(), 2u);
  EXPECT_EQ(reader.bytes(), 11u);
}

TEST(LineReader, LinesArePaddedForSimdjson) {
  // The padding after a line at the very end of the buffer must be readable;
  // AddressSanitizer checks the reads below.
  MemoryStream stream("abc", 100);
  LineReader reader(stream, 100, 3);
  Line line;
  ASSERT_TRUE(reader.next(&line));
  unsigned sum = 0;
  for (size_t i = 0; i < line.bytes.size() + kLinePadding; ++i) {
    sum += static_cast<unsigned char>(line.bytes.data()[i]);
  }
  EXPECT_GE(sum, 'a' + 'b' + 'c');
}

}  // namespace
}  // namespace kindred::ingest
