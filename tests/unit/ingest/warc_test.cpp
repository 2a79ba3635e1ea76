// WARC archives: response records become documents with provenance; other
// records are counted; damage is rejected with the file and record offset.
#include "ingest/warc_reader.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <string>
#include <vector>

#include "ingest/reader.h"
#include "ingest_test_util.h"
#include "warc_fixture.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::encode;
using testing::gzip;
using testing::http_response;
using testing::news_page;
using testing::read_all;
using testing::record;
using testing::TempDir;
using testing::WarcBuilder;
using testing::WarcRecord;

const std::vector<std::string> kHarbour = {
    "The harbour authority opened the new fish market on the east quay on Monday morning.",
    "Traders said the covered hall, with its cold stores and ice machines, was a great "
    "improvement.",
};
const std::vector<std::string> kBridge = {
    "The swing bridge reopened to traffic after eleven weeks of repairs to its central bearing.",
    "Engineers tested the new hydraulic rams with forty full swings before the council signed it "
    "off.",
};

// The archive used by most tests: two pages among records that are not pages.
struct Crawl {
  WarcBuilder warc;
  std::string harbour_id, bridge_id;
  Crawl() {
    warc.warcinfo();
    warc.request("https://gazette.example/harbour");
    harbour_id = warc.response(
        "https://gazette.example/harbour",
        news_page("Fish market opens", kHarbour,
                  "<meta property=\"article:published_time\" content=\"2024-04-02T09:00:00Z\">"));
    warc.metadata("https://gazette.example/harbour");
    warc.add(record("https://gazette.example/logo.png",
                    http_response("\x89PNG\r\n\x1a\n....", "image/png")));
    warc.add(record("https://gazette.example/old",
                    http_response("<html><body>Moved</body></html>", "text/html", 301)));
    WarcRecord bridge = record("https://gazette.example/bridge",
                               http_response(news_page("Bridge reopens", kBridge)));
    bridge.date = "2024-05-03T07:00:00Z";
    bridge_id = warc.add(bridge);
  }
};

void expect_crawl_documents(const Collected& c, const std::string& path, const Crawl& crawl) {
  ASSERT_TRUE(c.rejects.empty()) << c.rejects[0].status.to_string();
  ASSERT_EQ(c.docs.size(), 2u);
  const Document& a = c.docs[0];
  EXPECT_EQ(a.id, crawl.harbour_id);
  EXPECT_EQ(a.url, "https://gazette.example/harbour");
  EXPECT_EQ(a.title, "Fish market opens");
  EXPECT_EQ(a.date, "2024-04-02T09:00:00Z");  // the page's own date
  EXPECT_EQ(a.source, "Test Gazette");        // from the <title> suffix
  EXPECT_EQ(a.text, kHarbour[0] + "\n\n" + kHarbour[1]);
  EXPECT_EQ(a.origin.file, path);
  EXPECT_EQ(a.origin.line, 0u);
  EXPECT_EQ(a.origin.offset, crawl.warc.offsets()[2]);
  const Document& b = c.docs[1];
  EXPECT_EQ(b.id, crawl.bridge_id);
  EXPECT_EQ(b.date, "2024-05-03T07:00:00Z");  // no date in the page: WARC-Date
  EXPECT_EQ(b.text, kBridge[0] + "\n\n" + kBridge[1]);
  EXPECT_EQ(b.origin.offset, crawl.warc.offsets()[6]);
  EXPECT_EQ(c.stats.warc_skipped, 3u);   // warcinfo, request, metadata
  EXPECT_EQ(c.stats.warc_non_html, 1u);  // the PNG
  EXPECT_EQ(c.stats.warc_not_ok, 1u);    // the 301
  EXPECT_EQ(c.stats.records, 2u);
  EXPECT_EQ(c.stats.files, 1u);
}

TEST(Warc, ResponsesBecomeDocumentsAndOtherRecordsAreCounted) {
  TempDir dir;
  Crawl crawl;
  const std::string path = dir.write("crawl.warc", crawl.warc.plain());
  Collected c = read_all(path);
  expect_crawl_documents(c, path, crawl);
  EXPECT_EQ(c.stats.bytes, crawl.warc.plain().size());
}

TEST(Warc, GzipMemberPerRecordAsCommonCrawlPublishes) {
  TempDir dir;
  Crawl crawl;
  const std::string path = dir.write("CC-NEWS-20240501.warc.gz", crawl.warc.gz());
  Collected c = read_all(path);
  // Offsets are in the decompressed stream, as for every compressed input.
  expect_crawl_documents(c, path, crawl);
}

TEST(Warc, ChosenByContentWhateverTheName) {
  TempDir dir;
  Crawl crawl;
  dir.write("crawl-segment-00042", crawl.warc.gz());  // no extension at all
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 2u);
  EXPECT_EQ(c.stats.files_skipped, 0u);
}

TEST(Warc, Version11AndTargetUriIds) {
  TempDir dir;
  WarcBuilder warc;
  WarcRecord a = record("https://gazette.example/a", http_response(news_page("A", kHarbour)));
  a.version = "WARC/1.1";
  warc.add(a);
  // WARC/1.0 style angle brackets around the URI.
  warc.add(record("<https://gazette.example/b>", http_response(news_page("B", kBridge))));
  const std::string path = dir.write("c.warc", warc.plain());
  ReadOptions options;
  options.warc_id = WarcId::kTargetUri;
  Collected c = read_all(path, options);
  ASSERT_EQ(c.docs.size(), 2u) << (c.rejects.empty() ? "" : c.rejects[0].status.to_string());
  EXPECT_EQ(c.docs[0].id, "https://gazette.example/a");
  EXPECT_EQ(c.docs[1].id, "https://gazette.example/b");
  EXPECT_EQ(c.docs[1].url, "https://gazette.example/b");
}

TEST(Warc, CharsetFromHttpHeaderThenMetaThenUtf8) {
  TempDir dir;
  const std::string russian =
      "Паромная переправа через реку снова работает после трёх лет перерыва.";
  const std::string page = news_page("Паром", {russian});
  WarcBuilder warc;
  // 1. Only the HTTP header names the charset (the page's <meta> says utf-8 and is wrong).
  warc.response("https://a.example/1", encode(page, "windows-1251"),
                "text/html; charset=windows-1251");
  // 2. No charset in HTTP: the <meta> decides.
  std::string koi8 = page;
  koi8.replace(koi8.find("charset=\"utf-8\""), 15, "charset=\"koi8-r\"");
  warc.response("https://a.example/2", encode(koi8, "KOI8-R"), "text/html");
  // 3. An unknown charset: decoded as UTF-8 and counted.
  warc.response("https://a.example/3", page, "text/html; charset=x-no-such-charset");
  const std::string path = dir.write("c.warc", warc.plain());
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 3u) << (c.rejects.empty() ? "" : c.rejects[0].status.to_string());
  for (const Document& d : c.docs) {
    EXPECT_EQ(d.text, russian) << d.url;
    EXPECT_EQ(d.invalid_utf8, 0u) << d.url;
  }
  EXPECT_EQ(c.stats.charset_unknown, 1u);
}

TEST(Warc, ChunkedAndGzipEncodedPayloads) {
  TempDir dir;
  const std::string page = news_page("Chunked", kHarbour);
  std::string chunked;
  for (size_t i = 0; i < page.size(); i += 100) {
    const std::string part = page.substr(i, 100);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", part.size());
    chunked += std::string(size) + "\r\n" + part + "\r\n";
  }
  chunked += "0\r\n\r\n";
  WarcBuilder warc;
  warc.add(record("https://a.example/chunked",
                  http_response(chunked, "text/html", 200, {{"Transfer-Encoding", "chunked"}})));
  warc.add(record("https://a.example/gzip",
                  http_response(gzip(page), "text/html", 200, {{"Content-Encoding", "gzip"}})));
  // Archived already decoded, with the header left in place: used as it is.
  warc.add(record("https://a.example/decoded",
                  http_response(page, "text/html", 200, {{"Content-Encoding", "gzip"}})));
  warc.add(record("https://a.example/brotli",
                  http_response(std::string("\x1b\x03\x00\xf8", 4), "text/html", 200,
                                {{"Content-Encoding", "br"}})));
  const std::string path = dir.write("c.warc", warc.plain());
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 3u);
  for (const Document& d : c.docs) EXPECT_EQ(d.text, kHarbour[0] + "\n\n" + kHarbour[1]) << d.url;
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kDataError);
  EXPECT_NE(c.rejects[0].status.message().find("unsupported Content-Encoding 'br'"),
            std::string::npos)
      << c.rejects[0].status.message();
  EXPECT_EQ(c.rejects[0].origin.offset, warc.offsets()[3]);
}

TEST(Warc, TruncatedArchiveDeliversCompleteRecordsThenOneRejection) {
  TempDir dir;
  Crawl crawl;
  const std::string& full = crawl.warc.plain();
  const size_t cut_record = crawl.warc.offsets()[6];  // the bridge page
  const std::string path = dir.write("cut.warc", full.substr(0, cut_record + 300));
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, crawl.harbour_id);
  ASSERT_EQ(c.rejects.size(), 1u);
  const Rejection& r = c.rejects[0];
  EXPECT_EQ(r.status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(r.origin.file, path);
  EXPECT_EQ(r.origin.offset, cut_record);
  EXPECT_NE(r.status.message().find(path + ": WARC record at byte " + std::to_string(cut_record) +
                                    ": truncated WARC record"),
            std::string::npos)
      << r.status.message();

  // Cut inside the header of the record.
  const std::string path2 = dir.write("cut2.warc", full.substr(0, cut_record + 20));
  Collected c2 = read_all(path2);
  ASSERT_EQ(c2.docs.size(), 1u);
  ASSERT_EQ(c2.rejects.size(), 1u);
  EXPECT_EQ(c2.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_EQ(c2.rejects[0].origin.offset, cut_record);
}

TEST(Warc, TruncatedGzipArchive) {
  TempDir dir;
  Crawl crawl;
  const std::string gz = crawl.warc.gz();
  const size_t member = crawl.warc.gz_offsets()[6];
  const std::string path = dir.write("cut.warc.gz", gz.substr(0, member + 40));
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 1u);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_NE(c.rejects[0].status.message().find("truncated gzip stream"), std::string::npos)
      << c.rejects[0].status.message();
  EXPECT_NE(c.rejects[0].status.message().find(path), std::string::npos);
}

TEST(Warc, GarbageAndBadHeadersAreRejectedAndReadingResumes) {
  TempDir dir;
  WarcBuilder warc;
  warc.response("https://a.example/1", news_page("One", kHarbour));
  const std::string junk = "this is not a WARC record\r\nnor is this\r\n\r\n";
  warc.garbage(junk);
  warc.response("https://a.example/2", news_page("Two", kBridge));
  warc.garbage("WARC/1.0\r\nWARC-Type: response\r\nContent-Length: lots\r\n\r\n");
  warc.response("https://a.example/3", news_page("Three", kHarbour));
  const std::string path = dir.write("c.warc", warc.plain());
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 3u);
  ASSERT_EQ(c.rejects.size(), 2u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_NE(c.rejects[0].status.message().find("expected a WARC header line"), std::string::npos);
  EXPECT_EQ(c.rejects[0].origin.offset, warc.offsets()[1] - junk.size());  // where the junk starts
  EXPECT_NE(c.rejects[1].status.message().find("Content-Length"), std::string::npos);
}

TEST(Warc, OversizedPayloadIsSkippedWithoutBeingHeld) {
  TempDir dir;
  WarcBuilder warc;
  std::vector<std::string> big(2000,
                               "A paragraph that is long enough to count as article text, again.");
  warc.response("https://a.example/big", news_page("Big", big));
  warc.response("https://a.example/small", news_page("Small", kBridge));
  const std::string path = dir.write("c.warc", warc.plain());
  ReadOptions options;
  options.max_document_bytes = 4096;
  Collected c = read_all(path, options);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].url, "https://a.example/small");
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_FALSE(c.rejects[0].id.empty());
}

// A record whose header declares `declared` bytes but holds `block`: damage
// no builder would write.
std::string lying_record(const std::string& type, const std::string& block, uint64_t declared) {
  return "WARC/1.0\r\nWARC-Type: " + type +
         "\r\nWARC-Record-ID: <urn:uuid:lying>\r\nWARC-Target-URI: https://a.example/lie\r\n"
         "Content-Type: application/http; msgtype=response\r\nContent-Length: " +
         std::to_string(declared) + "\r\n\r\n" + block + "\r\n\r\n";
}

// Issue 16: a Content-Length that runs past the end of the file swallowed the
// complete records after it. It is rejected, and reading resumes at the next
// record header inside the bytes it claimed; plain and gzip, whether the
// record was wanted (read into memory), too large to read, or skipped unread.
TEST(Warc, BogusContentLengthIsRejectedAndReadingResumesAtTheNextRecord) {
  TempDir dir;
  const std::string page = http_response(news_page("Lie", kBridge));
  struct Case {
    std::string type;
    uint64_t declared;
  };
  for (const Case& k :
       {Case{"response", uint64_t{1000000000000000}}, Case{"response", page.size() + 5000},
        Case{"metadata", page.size() + 5000}, Case{"metadata", uint64_t{1000000000000000}}}) {
    WarcBuilder warc;
    warc.response("https://a.example/1", news_page("One", kHarbour));
    const size_t lie_at = warc.plain().size();
    warc.garbage(lying_record(k.type, page, k.declared));
    warc.response("https://a.example/3", news_page("Three", kBridge));
    for (const std::string& path :
         {dir.write("c.warc", warc.plain()), dir.write("c.warc.gz", warc.gz())}) {
      SCOPED_TRACE(path + " " + k.type + " " + std::to_string(k.declared));
      Collected c = read_all(path);
      ASSERT_EQ(c.docs.size(), 2u);
      EXPECT_EQ(c.docs[0].url, "https://a.example/1");
      EXPECT_EQ(c.docs[1].url, "https://a.example/3");
      EXPECT_EQ(c.docs[1].origin.offset, warc.offsets()[1]);
      ASSERT_EQ(c.rejects.size(), 1u);
      const Rejection& r = c.rejects[0];
      EXPECT_EQ(r.status.code(), StatusCode::kCorrupt);
      EXPECT_EQ(r.origin.offset, lie_at);
      EXPECT_NE(r.status.message().find("Content-Length " + std::to_string(k.declared) +
                                        " runs past the end of the file"),
                std::string::npos)
          << r.status.message();
      EXPECT_NE(r.status.message().find("resuming at the record at byte " +
                                        std::to_string(warc.offsets()[1])),
                std::string::npos)
          << r.status.message();
    }
  }
}

// A real record over the limit is too large, and the one after it is read.
TEST(Warc, RealRecordOverTheLimitIsTooLargeAndTheNextIsRead) {
  TempDir dir;
  WarcBuilder warc;
  std::vector<std::string> big(8000, "A real paragraph of a real page that is far too long here.");
  warc.response("https://a.example/big", news_page("Big", big));
  warc.response("https://a.example/next", news_page("Next", kBridge));
  ReadOptions options;
  options.max_document_bytes = 64 << 10;  // the record is over limit + the HTTP header allowance
  ASSERT_GT(warc.offsets()[1], options.max_document_bytes + (256u << 10));
  Collected c = read_all(dir.write("c.warc", warc.plain()), options);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(c.rejects[0].origin.offset, 0u);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].url, "https://a.example/next");
}

TEST(Warc, PageWithoutArticleTextIsRejectedNotDropped) {
  TempDir dir;
  WarcBuilder warc;
  warc.response("https://a.example/empty",
                "<html><body><nav><a href=/>Home</a></nav></body></html>");
  const std::string path = dir.write("c.warc", warc.plain());
  Collected c = read_all(path);
  EXPECT_TRUE(c.docs.empty());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kDataError);
  EXPECT_NE(c.rejects[0].status.message().find("(https://a.example/empty) no article text"),
            std::string::npos)
      << c.rejects[0].status.message();
}

}  // namespace
}  // namespace kindred::ingest
