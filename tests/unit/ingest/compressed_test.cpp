// read_path() on gzip and zstd input: codec chosen by magic number, format by
// the name without its compression suffix, damage reported after every
// complete record before it has been delivered.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "ingest/byte_stream.h"
#include "ingest/reader.h"
#include "ingest_test_util.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::gzip;
using testing::numbered_jsonl;
using testing::read_all;
using testing::TempDir;
using testing::zstd;

const std::string kTwoLines =
    "{\"id\":\"a\",\"text\":\"alpha\"}\n{\"id\":\"b\",\"text\":\"beta\"}\n";

TEST(Sniff, MagicNumbers) {
  EXPECT_EQ(sniff_codec("\x1f\x8b\x08\x00"), Codec::kGzip);
  EXPECT_EQ(sniff_codec("\x28\xb5\x2f\xfd"), Codec::kZstd);
  EXPECT_EQ(sniff_codec("\x28\xb5\x2f"), Codec::kNone);
  EXPECT_EQ(sniff_codec("{\"id\""), Codec::kNone);
  EXPECT_EQ(sniff_codec(""), Codec::kNone);
}

TEST(Compressed, GzipAndZstdJsonLines) {
  TempDir dir;
  dir.write("a.jsonl.gz", gzip(kTwoLines));
  dir.write("b.ndjson.zst", zstd(kTwoLines));
  dir.write("c.json.zstd", zstd(kTwoLines));
  for (const char* name : {"a.jsonl.gz", "b.ndjson.zst", "c.json.zstd"}) {
    Collected c = read_all((dir.path() / name).string());
    EXPECT_TRUE(c.rejects.empty()) << name;
    ASSERT_EQ(c.docs.size(), 2u) << name;
    EXPECT_EQ(c.docs[0].text, "alpha");
    EXPECT_EQ(c.docs[1].id, "b");
    EXPECT_EQ(c.docs[1].origin.offset, 26u);  // offsets count decompressed bytes
    EXPECT_EQ(c.stats.bytes, kTwoLines.size());
  }
}

TEST(Compressed, CodecComesFromMagicNotName) {
  TempDir dir;
  std::string gz_named_plain = dir.write("gz.jsonl", gzip(kTwoLines));
  std::string zst_named_plain = dir.write("zst.txt", zstd("Title\nbody"));
  std::string plain_named_gz = dir.write("plain.jsonl.gz", kTwoLines);
  Collected a = read_all(gz_named_plain);
  ASSERT_EQ(a.docs.size(), 2u);
  EXPECT_EQ(a.docs[0].text, "alpha");
  Collected b = read_all(zst_named_plain);
  ASSERT_EQ(b.docs.size(), 1u);
  EXPECT_EQ(b.docs[0].text, "Title\nbody");
  EXPECT_EQ(b.docs[0].title, "Title");
  Collected c = read_all(plain_named_gz);
  EXPECT_EQ(c.docs.size(), 2u);
  EXPECT_TRUE(c.rejects.empty());
}

TEST(Compressed, TextDocumentsInAFolder) {
  TempDir dir;
  dir.write("x.txt.gz", gzip("Gz title\ngz body"));
  dir.write("y.txt.zst", zstd("Zst title\nzst body"));
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 2u);
  EXPECT_EQ(c.docs[0].id, "x.txt.gz");  // the id keeps the file name as it is
  EXPECT_EQ(c.docs[0].text, "Gz title\ngz body");
  EXPECT_EQ(c.docs[1].title, "Zst title");
}

TEST(Compressed, ConcatenatedMembersAndFrames) {
  TempDir dir;
  std::string part1 = "{\"id\":\"a\",\"text\":\"one\"}\n",
              part2 = "{\"id\":\"b\",\"text\":\"two\"}\n";
  std::string gz = dir.write("cat.jsonl.gz", gzip(part1) + gzip("") + gzip(part2));
  std::string zs = dir.write("cat.jsonl.zst", zstd(part1) + zstd(part2));
  for (const std::string& path : {gz, zs}) {
    Collected c = read_all(path);
    EXPECT_TRUE(c.rejects.empty()) << path;
    ASSERT_EQ(c.docs.size(), 2u) << path;
    EXPECT_EQ(c.docs[1].id, "b");
    EXPECT_EQ(c.docs[1].origin.line, 2u);
  }
}

// Issue 16: two valid zstd frames, one line over the limit in each, were
// reported as a truncated stream when the output ended exactly where a read
// of the line reader's chunk size did (here at 6 MiB).
TEST(Compressed, OverlongLinesInSeveralZstdFramesAreTooLarge) {
  TempDir dir;
  auto long_line = [](char fill, size_t bytes) {
    const std::string head = R"({"id":"x","text":")", end = "\"}\n";
    return head + std::string(bytes - head.size() - end.size(), fill) + end;
  };
  const std::string ok = "{\"id\":\"ok\",\"text\":\"middle\"}\n";
  const std::string frame1 = long_line('a', 3u << 20);
  const std::string frame2 = ok + long_line('b', (3u << 20) - ok.size());
  ASSERT_EQ(frame1.size() + frame2.size(), size_t{6} << 20);
  std::string path = dir.write("frames.jsonl.zst", zstd(frame1) + zstd(frame2));
  ReadOptions opt;
  opt.max_document_bytes = 1u << 20;
  Collected c = read_all(path, opt);
  ASSERT_EQ(c.rejects.size(), 2u) << c.rejects.back().status.message();
  for (const Rejection& r : c.rejects) {
    EXPECT_EQ(r.status.code(), StatusCode::kTooLarge) << r.status.message();
  }
  EXPECT_EQ(c.rejects[1].origin.line, 3u);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, "ok");
  EXPECT_EQ(c.stats.bytes, size_t{6} << 20);
}

// The same end of stream seen through ByteStream: a frame that fills the
// caller's buffer exactly is followed by a clean end, not an error.
TEST(Compressed, ZstdFrameEndingAtTheBufferEndIsACleanEnd) {
  TempDir dir;
  const std::string data(size_t{1} << 20, 'z');
  std::string path = dir.write("exact.zst", zstd(data) + zstd(data));
  auto stream = open_stream(path);
  ASSERT_TRUE(stream.has_value());
  std::string buf(data.size(), '\0');
  for (int i = 0; i < 2; ++i) {
    size_t got = 0;
    ASSERT_TRUE((*stream)->read(buf.data(), buf.size(), &got).is_ok());
    EXPECT_EQ(got, data.size());
  }
  size_t got = 1;
  Status st = (*stream)->read(buf.data(), buf.size(), &got);
  EXPECT_TRUE(st.is_ok()) << st.message();
  EXPECT_EQ(got, 0u);
}

TEST(Compressed, LargeStreamsCrossChunkBoundaries) {
  TempDir dir;
  std::vector<std::string> texts;
  std::string data = numbered_jsonl(30000, &texts);  // about 4 MB, several read chunks
  ASSERT_GT(data.size(), 3u << 20);
  std::string gz = dir.write("big.jsonl.gz", gzip(data));
  std::string zs = dir.write("big.jsonl.zst", zstd(data));
  for (const std::string& path : {gz, zs}) {
    Collected c = read_all(path);
    EXPECT_TRUE(c.rejects.empty()) << path;
    ASSERT_EQ(c.docs.size(), texts.size()) << path;
    EXPECT_EQ(c.docs.back().text, texts.back());
    EXPECT_EQ(c.stats.bytes, data.size());
  }
}

// Cutting a compressed file loses its tail: every complete line before the cut
// is delivered in order, then one kCorrupt rejection says how far it got.
void expect_truncation_reported(const std::string& path, const std::vector<std::string>& texts,
                                const std::string& what) {
  Collected c = read_all(path);
  EXPECT_TRUE(c.status.is_ok());
  ASSERT_GT(c.docs.size(), 10u) << path;
  ASSERT_LT(c.docs.size(), texts.size()) << path;
  for (size_t i = 0; i < c.docs.size(); ++i) {
    ASSERT_EQ(c.docs[i].id, "d" + std::to_string(i + 1));
    ASSERT_EQ(c.docs[i].text, texts[i]);
  }
  ASSERT_EQ(c.rejects.size(), 1u) << path;
  const Rejection& r = c.rejects[0];
  EXPECT_EQ(r.status.code(), StatusCode::kCorrupt);
  const std::string expected = path + ": " + what + " after line " + std::to_string(c.docs.size()) +
                               " (byte " + std::to_string(c.stats.bytes) + ")";
  EXPECT_EQ(r.status.message(), expected);
  EXPECT_EQ(r.origin.file, path);
  EXPECT_EQ(r.origin.line, c.docs.size() + 1);
  EXPECT_GE(c.stats.bytes, c.docs.back().origin.offset);
}

TEST(Compressed, TruncatedGzipDeliversCompleteLinesThenCorrupt) {
  TempDir dir;
  std::vector<std::string> texts;
  std::string gz = gzip(numbered_jsonl(4000, &texts));
  std::string path = dir.write("cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  expect_truncation_reported(path, texts, "truncated gzip stream");
}

TEST(Compressed, TruncatedZstdDeliversCompleteLinesThenCorrupt) {
  TempDir dir;
  std::vector<std::string> texts;
  std::string zs = zstd(numbered_jsonl(4000, &texts));
  std::string path = dir.write("cut.jsonl.zst", zs.substr(0, zs.size() / 2));
  expect_truncation_reported(path, texts, "truncated zstd stream");
}

TEST(Compressed, GzipMissingOnlyItsTrailerIsTruncated) {
  TempDir dir;
  std::string gz = gzip(kTwoLines);
  std::string path = dir.write("t.jsonl.gz", gz.substr(0, gz.size() - 4));  // drop ISIZE
  Collected c = read_all(path);
  EXPECT_EQ(c.docs.size(), 2u);  // both lines decoded before the end was found missing
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(c.rejects[0].status.message(), path + ": truncated gzip stream after line 2 (byte " +
                                               std::to_string(kTwoLines.size()) + ")");
}

TEST(Compressed, MagicOnlyAndCorruptStreams) {
  TempDir dir;
  std::string magic_only = dir.write("m.jsonl", "\x1f\x8b");
  std::string gz = gzip(kTwoLines);
  gz[gz.size() - 6] = static_cast<char>(gz[gz.size() - 6] ^ 0x55);  // damage the CRC
  std::string bad_crc = dir.write("crc.jsonl.gz", gz);
  std::string zs = zstd(kTwoLines);
  zs[4] = static_cast<char>(0xff);  // nonsense frame header
  std::string bad_zstd = dir.write("z.jsonl.zst", zs);

  Collected m = read_all(magic_only);
  ASSERT_EQ(m.rejects.size(), 1u);
  EXPECT_EQ(m.rejects[0].status.message(),
            magic_only + ": truncated gzip stream after line 0 (byte 0)");

  Collected c = read_all(bad_crc);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_NE(c.rejects[0].status.message().find("corrupt gzip stream"), std::string::npos)
      << c.rejects[0].status.message();

  Collected z = read_all(bad_zstd);
  ASSERT_EQ(z.rejects.size(), 1u);
  EXPECT_EQ(z.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_NE(z.rejects[0].status.message().find("corrupt zstd stream"), std::string::npos)
      << z.rejects[0].status.message();
  EXPECT_TRUE(z.docs.empty());
}

TEST(Compressed, TruncatedTextDocumentIsNotDelivered) {
  TempDir dir;
  std::string gz = gzip(std::string(10000, 't'));
  std::string path = dir.write("cut.txt.gz", gz.substr(0, gz.size() - 8));
  Collected c = read_all(path);
  EXPECT_TRUE(c.docs.empty());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(c.rejects[0].status.message().rfind(path + ": truncated gzip stream (byte ", 0), 0u)
      << c.rejects[0].status.message();
}

// Points fd 0 at a file for the lifetime of the object.
class StdinFromFile {
 public:
  explicit StdinFromFile(const std::string& path) : saved_(::dup(STDIN_FILENO)) {
    int fd = ::open(path.c_str(), O_RDONLY);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::dup2(fd, STDIN_FILENO), STDIN_FILENO);
    ::close(fd);
  }
  ~StdinFromFile() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }
  StdinFromFile(const StdinFromFile&) = delete;
  StdinFromFile& operator=(const StdinFromFile&) = delete;

 private:
  int saved_;
};

TEST(Stdin, IsJsonLinesPossiblyCompressed) {
  TempDir dir;
  std::string plain = dir.write("in.txt", kTwoLines);  // the name plays no part for stdin
  std::string gz = dir.write("in.bin", gzip(kTwoLines));
  for (const std::string& path : {plain, gz}) {
    StdinFromFile redirect(path);
    Collected c = read_all("-");
    EXPECT_TRUE(c.rejects.empty());
    ASSERT_EQ(c.docs.size(), 2u) << path;
    EXPECT_EQ(c.docs[1].origin.file, "-");
    EXPECT_EQ(c.docs[1].origin.line, 2u);
  }
  StdinFromFile redirect(dir.write("noid.jsonl", "{\"text\":\"x\"}\n"));
  Collected c = read_all("-");
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, "-:1");
}

TEST(Stdin, ReadErrorIsAnIoError) {
  TempDir dir;
  StdinFromFile redirect(dir.path().string());  // read(2) on a directory fails with EISDIR
  Collected c = read_all("-");
  EXPECT_TRUE(c.docs.empty());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kIoError);
  EXPECT_EQ(c.rejects[0].status.message(), "-: read failed: Is a directory");
}

}  // namespace
}  // namespace kindred::ingest
