// OutputStream: plain, gzip and zstd files read back with zlib and zstd.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "synth/output.h"

namespace kindred::synth {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string gunzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[1 << 14];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END) << "truncated or corrupt gzip";
  inflateEnd(&zs);
  return out;
}

std::string unzstd(const std::string& data, size_t capacity) {
  std::string out(capacity, '\0');
  const size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(ZSTD_isError(n) ? 0 : n);
  return out;
}

// Text with some repetition, in pieces of varied sizes.
std::string sample(size_t bytes) {
  std::string s;
  for (size_t i = 0; s.size() < bytes; ++i)
    s += "line " + std::to_string(i * 7919 % 1000) + " of the sample\n";
  s.resize(bytes);
  return s;
}

void write_in_pieces(OutputStream& out, const std::string& data) {
  size_t at = 0;
  for (size_t piece = 1; at < data.size(); piece = piece * 3 + 1) {
    const size_t n = std::min(piece, data.size() - at);
    ASSERT_TRUE(out.write(std::string_view(data).substr(at, n)).is_ok());
    at += n;
  }
}

TEST(SynthOutput, CodecFollowsTheSuffix) {
  EXPECT_EQ(codec_for_path("a.jsonl"), Codec::kNone);
  EXPECT_EQ(codec_for_path("a.jsonl.gz"), Codec::kGzip);
  EXPECT_EQ(codec_for_path("a.jsonl.zst"), Codec::kZstd);
  EXPECT_EQ(codec_for_path("gz"), Codec::kNone);
  EXPECT_EQ(codec_for_path("-"), Codec::kNone);
}

TEST(SynthOutput, RoundTripsEveryCodec) {
  const std::string data = sample(1 << 20);
  for (const char* suffix : {".jsonl", ".jsonl.gz", ".jsonl.zst"}) {
    const std::string path = ::testing::TempDir() + "synth_output_test" + suffix;
    OutputStream out;
    ASSERT_TRUE(out.open(path).is_ok()) << path;
    write_in_pieces(out, data);
    ASSERT_TRUE(out.close().is_ok());
    const std::string raw = read_file(path);
    EXPECT_EQ(out.bytes_in(), data.size());
    EXPECT_EQ(out.bytes_out(), raw.size());
    switch (codec_for_path(path)) {
      case Codec::kNone:
        EXPECT_EQ(raw, data);
        break;
      case Codec::kGzip:
        EXPECT_LT(raw.size(), data.size() / 2);
        EXPECT_EQ(gunzip(raw), data);
        break;
      case Codec::kZstd:
        EXPECT_LT(raw.size(), data.size() / 2);
        EXPECT_EQ(unzstd(raw, data.size() + 1), data);
        break;
    }
    std::remove(path.c_str());
  }
}

TEST(SynthOutput, EmptyCompressedStreamsAreValid) {
  for (const char* suffix : {".gz", ".zst"}) {
    const std::string path = ::testing::TempDir() + "synth_output_empty" + suffix;
    OutputStream out;
    ASSERT_TRUE(out.open(path, 1).is_ok());
    ASSERT_TRUE(out.close().is_ok());
    const std::string raw = read_file(path);
    EXPECT_FALSE(raw.empty());
    EXPECT_EQ(codec_for_path(path) == Codec::kGzip ? gunzip(raw) : unzstd(raw, 16), "");
    std::remove(path.c_str());
  }
}

TEST(SynthOutput, ReportsErrors) {
  OutputStream out;
  const Status s = out.open("/nonexistent-dir/corpus.jsonl");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("/nonexistent-dir/corpus.jsonl"), std::string::npos) << s.message();
  EXPECT_FALSE(out.write("x").is_ok());
  EXPECT_EQ(out.open(::testing::TempDir() + "bad_level.gz", 10).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(out.open(::testing::TempDir() + "bad_level.zst", 20).code(),
            StatusCode::kInvalidArgument);
  std::FILE* full = std::fopen("/dev/full", "wb");
  if (full) {
    std::fclose(full);
    OutputStream to_full;
    ASSERT_TRUE(to_full.open("/dev/full").is_ok());
    const std::string data = sample(1 << 20);
    Status w = to_full.write(data);
    Status c = to_full.close();
    EXPECT_FALSE(w.is_ok() && c.is_ok()) << "writing 1 MB to /dev/full must fail";
  }
}

}  // namespace
}  // namespace kindred::synth
