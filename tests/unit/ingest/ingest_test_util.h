// Helpers for the ingest tests: a scratch directory, fixture writers, gzip and
// zstd compressors, and a read_path() wrapper collecting what comes out.
#pragma once

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/reader.h"

namespace kindred::ingest::testing {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "kindred_ingest_" + std::to_string(::getpid()) + "_" +
                       std::to_string(counter++) + "_" + (info ? info->name() : "x");
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  // Writes `bytes` to `rel` (creating parent folders) and returns the full path.
  std::string write(const std::string& rel, std::string_view bytes) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    EXPECT_TRUE(out.good()) << p;
    return p.string();
  }

 private:
  fs::path path_;
};

// One gzip member holding `data`.
inline std::string gzip(std::string_view data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// One zstd frame holding `data`.
inline std::string zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n)) << ZSTD_getErrorName(n);
  out.resize(n);
  return out;
}

// Lines that compress poorly, so a cut compressed file loses only its tail:
// {"id":"dN","text":"line N <pseudo-random words>"}
inline std::string numbered_jsonl(int count, std::vector<std::string>* texts = nullptr) {
  std::string out;
  uint32_t x = 12345;
  for (int i = 1; i <= count; ++i) {
    std::string text = "line " + std::to_string(i);
    for (int w = 0; w < 12; ++w) {
      x = x * 1664525u + 1013904223u;
      text += ' ';
      text += std::to_string(x >> 8);
    }
    if (texts) texts->push_back(text);
    out += R"({"id":"d)" + std::to_string(i) + R"(","text":")" + text + "\"}\n";
  }
  return out;
}

struct Collected {
  std::vector<Document> docs;
  std::vector<Rejection> rejects;
  Status status;
  ReadStats stats;
};

// read_path() on `path`; on_reject answers false from the `stop_at`-th
// rejection on (1-based; 0 never stops).
inline Collected read_all(const std::string& path, const ReadOptions& options = {},
                          size_t stop_at = 0) {
  Collected c;
  c.status = read_path(
      path, options,
      [&](Document&& d) {
        c.docs.push_back(std::move(d));
        return true;
      },
      [&](Rejection&& r) {
        c.rejects.push_back(std::move(r));
        return stop_at == 0 || c.rejects.size() < stop_at;
      },
      &c.stats);
  return c;
}

// `utf8` re-encoded in `charset` (ICU): legacy pages, UTF-16/32 without a BOM.
inline std::string encode(std::string_view utf8, const char* charset) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* cnv = ucnv_open(charset, &err);
  EXPECT_TRUE(U_SUCCESS(err)) << charset;
  std::string out(utf8.size() * 4 + 16, '\0');
  err = U_ZERO_ERROR;
  const int32_t n =
      ucnv_fromAlgorithmic(cnv, UCNV_UTF8, out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &err);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  ucnv_close(cnv);
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace kindred::ingest::testing
