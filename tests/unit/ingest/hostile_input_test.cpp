// Hostile input: huge documents and lines, NUL bytes, deep nesting, charsets
// nobody knows, parse-time bombs. Each must end in a document or a recorded
// rejection, in bounded memory and time, never a crash or a silent loss.
//
// Memory is checked with the peak resident set size (getrusage): CTest runs
// each test in its own process, so the growth measured is this test's.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <string>

#include "ingest/byte_stream.h"
#include "ingest/html_extract.h"
#include "ingest/html_reader.h"
#include "ingest/jsonl_reader.h"
#include "ingest/read_context.h"
#include "ingest/reader.h"
#include "ingest/warc_reader.h"
#include "ingest_test_util.h"
#include "util/utf8.h"
#include "warc_fixture.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::read_all;
using testing::TempDir;

constexpr uint64_t kMiB = uint64_t{1} << 20;

uint64_t peak_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<uint64_t>(ru.ru_maxrss) * 1024;
}

// Serves head + `size` bytes of `filler` (repeated) + tail without holding
// them, counting what was read.
class GeneratedStream final : public ByteStream {
 public:
  GeneratedStream(std::string head, uint64_t size, std::string filler, std::string tail)
      : head_(std::move(head)), size_(size), filler_(std::move(filler)), tail_(std::move(tail)) {}

  Status read(char* buffer, size_t capacity, size_t* got) override {
    size_t n = 0;
    while (n < capacity && pos_ < total()) {
      if (pos_ < head_.size()) {
        buffer[n++] = head_[pos_++];
      } else if (pos_ < head_.size() + size_) {
        const uint64_t at = pos_ - head_.size();
        const size_t take = static_cast<size_t>(
            std::min<uint64_t>({capacity - n, size_ - at, filler_.size() - at % filler_.size()}));
        std::memcpy(buffer + n, filler_.data() + at % filler_.size(), take);
        n += take;
        pos_ += take;
      } else {
        buffer[n++] = tail_[pos_ - head_.size() - size_];
        ++pos_;
      }
    }
    *got = n;
    return Status::ok();
  }
  uint64_t served() const { return pos_; }
  uint64_t total() const { return head_.size() + size_ + tail_.size(); }

 private:
  std::string head_;
  uint64_t size_;
  std::string filler_;
  std::string tail_;
  uint64_t pos_ = 0;
};

// Writes `stream` gzip-compressed to `path` chunk by chunk.
void write_gzip(const std::string& path, ByteStream& stream) {
  gzFile f = gzopen(path.c_str(), "wb1");
  ASSERT_NE(f, nullptr);
  std::string buf(kMiB, '\0');
  for (;;) {
    size_t got = 0;
    ASSERT_TRUE(stream.read(buf.data(), buf.size(), &got).is_ok());
    if (got == 0) break;
    ASSERT_EQ(gzwrite(f, buf.data(), static_cast<unsigned>(got)), static_cast<int>(got));
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

struct Sinks {
  std::vector<Document> docs;
  std::vector<Rejection> rejects;
  ReadStats stats;
  ReadOptions options;
  DocumentSink on_doc = [this](Document&& d) {
    docs.push_back(std::move(d));
    return true;
  };
  RejectSink on_reject = [this](Rejection&& r) {
    rejects.push_back(std::move(r));
    return true;
  };
  ReadContext ctx{options, on_doc, on_reject, stats};
};

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
const std::string kWords = repeat("word ", 800);  // 4000 bytes: the generator copies whole fillers

const std::string kParagraph =
    "<p>The council met again on Tuesday, and the harbour wall was discussed at length.</p>\n";

TEST(Hostile, TwoHundredMegabyteHtmlIsTooLargeAfterReadingOnlyTheLimit) {
  Sinks s;
  GeneratedStream page("<html><body>", 200 * kMiB, kParagraph, "</body></html>");
  EXPECT_TRUE(read_html(page, "big.html", "big.html", s.ctx));
  EXPECT_TRUE(s.docs.empty());
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(s.rejects[0].status.message(),
            "big.html: document exceeds max_document_bytes (67108864)");
  EXPECT_LE(page.served(), s.options.max_document_bytes + 1);  // the rest is never read
}

TEST(Hostile, TwoHundredMegabyteCompressedDocumentInAFolderInBoundedMemory) {
  TempDir dir;
  {
    GeneratedStream page("<!doctype html><html><body>", 200 * kMiB, kParagraph, "</body></html>");
    write_gzip((dir.path() / "huge.html.gz").string(), page);
  }
  dir.write("small.txt", "a small document\n");
  ReadOptions options;
  options.max_document_bytes = 16 * kMiB;
  const uint64_t before = peak_rss_bytes();
  Collected c = read_all(dir.path().string(), options);
  const uint64_t growth = peak_rss_bytes() - before;
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(c.rejects[0].id, "huge.html.gz");
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_LT(growth, 128 * kMiB) << "peak RSS grew by " << growth / kMiB << " MiB";
}

TEST(Hostile, TwoHundredMegabyteWarcRecordIsSkippedInBoundedMemory) {
  TempDir dir;
  const uint64_t payload = 200 * kMiB;
  const std::string http_head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>";
  const std::string http_tail = "</body></html>";
  const uint64_t length = http_head.size() + payload + http_tail.size();
  const std::string warc_head =
      "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:big>\r\n"
      "WARC-Target-URI: https://a.example/big\r\nContent-Type: "
      "application/http; msgtype=response\r\nContent-Length: " +
      std::to_string(length) + "\r\n\r\n" + http_head;
  testing::WarcBuilder after;
  after.response(
      "https://a.example/small",
      testing::news_page("Small", {"A paragraph long enough to be the article text here."}));
  {
    GeneratedStream warc(warc_head, payload, kParagraph, http_tail + "\r\n\r\n" + after.plain());
    write_gzip((dir.path() / "big.warc.gz").string(), warc);
  }
  const uint64_t before = peak_rss_bytes();
  Collected c = read_all(dir.path().string());
  const uint64_t growth = peak_rss_bytes() - before;
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(c.rejects[0].id, "urn:uuid:big");
  EXPECT_EQ(c.rejects[0].origin.offset, 0u);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].url, "https://a.example/small");
  EXPECT_EQ(c.docs[0].origin.offset, warc_head.size() - http_head.size() + length + 4);
  EXPECT_LT(growth, 64 * kMiB) << "peak RSS grew by " << growth / kMiB << " MiB";
}

TEST(Hostile, FiftyMegabyteLineIsRejectedAndTheNextLineRead) {
  Sinks s;
  s.options.max_document_bytes = 16 * kMiB;
  GeneratedStream jsonl("{\"id\":\"long\",\"text\":\"", 50 * kMiB, kWords,
                        "\"}\n{\"id\":\"next\",\"text\":\"short\"}\n");
  const uint64_t before = peak_rss_bytes();
  EXPECT_TRUE(read_jsonl(jsonl, "long.jsonl", s.ctx));
  const uint64_t growth = peak_rss_bytes() - before;
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(s.rejects[0].origin.line, 1u);
  ASSERT_EQ(s.docs.size(), 1u);
  EXPECT_EQ(s.docs[0].id, "next");
  EXPECT_EQ(jsonl.served(), jsonl.total());  // read through to the next line
  EXPECT_LT(growth, 96 * kMiB) << "peak RSS grew by " << growth / kMiB << " MiB";
}

TEST(Hostile, FiftyMegabyteLineWithinTheLimitIsOneDocument) {
  Sinks s;
  GeneratedStream jsonl("{\"id\":\"long\",\"text\":\"", 50 * kMiB, kWords, "\"}\n");
  EXPECT_TRUE(read_jsonl(jsonl, "long.jsonl", s.ctx));
  ASSERT_TRUE(s.rejects.empty()) << s.rejects[0].status.to_string();
  ASSERT_EQ(s.docs.size(), 1u);
  EXPECT_EQ(s.docs[0].text.size(), 50 * kMiB);
}

TEST(Hostile, FiftyMegabyteWarcHeaderLineIsCorruptAndReadingResumes) {
  Sinks s;
  testing::WarcBuilder next;
  next.response("https://a.example/ok",
                testing::news_page("Ok", {"A paragraph long enough to be the article text here."}));
  GeneratedStream warc("WARC/1.0\r\nWARC-Type: response\r\nX-Junk: ", 50 * kMiB,
                       std::string(4096, 'z'), "\r\nContent-Length: 0\r\n\r\n\r\n" + next.plain());
  EXPECT_TRUE(read_warc(warc, "junk.warc", s.ctx));
  ASSERT_EQ(s.docs.size(), 1u);
  ASSERT_EQ(s.rejects.size(), 1u);
  EXPECT_EQ(s.rejects[0].status.code(), StatusCode::kCorrupt);
  EXPECT_NE(s.rejects[0].status.message().find("WARC header over the size limit"),
            std::string::npos);
}

TEST(Hostile, NulBytesAreRemovedAndCounted) {
  const std::string para =
      "The harbour wall was approved after a long and heated debate on Tuesday.";
  std::string html = "<html><head><title>Wall# approved</title></head><body><article><p>" + para +
                     "</p><p>Second# paragraph with a NUL byte inside it, and more words.</p>"
                     "</article></body></html>";
  html[html.find("Wall#") + 4] = '\0';
  html[html.find("Second#") + 6] = '\0';
  Document doc;
  HtmlPageInfo info;
  ASSERT_TRUE(html_to_document(html, {}, {}, &doc, &info).is_ok());
  EXPECT_EQ(doc.text.find('\0'), std::string::npos);
  EXPECT_EQ(doc.title.find('\0'), std::string::npos);
  EXPECT_EQ(doc.invalid_utf8, 2u);
  EXPECT_NE(doc.text.find(para), std::string::npos);

  TempDir dir;
  testing::WarcBuilder warc;
  warc.add(testing::record(std::string("https://a.example/n\0ul", 22),
                           testing::http_response(html, "text/html")));
  const std::string path = dir.write("nul.warc", warc.plain());
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_TRUE(util::is_valid_utf8(c.docs[0].url));
  EXPECT_EQ(c.docs[0].url.find('\0'), std::string::npos);
  EXPECT_EQ(c.docs[0].text.find('\0'), std::string::npos);
}

// Runs `fn` on a thread with a small stack: deep recursion would crash it.
void on_small_stack(const std::function<void()>& fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, const_cast<std::function<void()>*>(&fn)), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

TEST(Hostile, HundredThousandLevelsOfNestingNeitherOverflowNorHang) {
  const std::string text =
      "Deep inside the page there is a paragraph of article text, with commas.";
  // Inside <a> the paragraph is link text, which extraction drops; there only
  // time and the absence of a crash are checked.
  for (const char* open : {"<div>", "<b><i>", "<table><tr><td>", "<div><span><em>", "<ul><li>",
                           "<font size=2>", "<a href=x><div>"}) {
    const bool in_link = std::string_view(open).starts_with("<a");
    std::string html = "<!doctype html><html><body>";
    for (int i = 0; i < 100'000; ++i) html += open;
    html += "<p>" + text + "</p>";
    const auto start = std::chrono::steady_clock::now();
    Result<Article> r = Status(StatusCode::kCancelled, "not run");
    on_small_stack([&] { r = extract_article(html); });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(r.has_value()) << open << ": " << r.status().to_string();
    if (!in_link) {
      EXPECT_NE(r->text.find(text), std::string::npos) << open;
    }
    EXPECT_GT(r->tags_dropped, 0u) << open;
    EXPECT_LT(seconds, 30.0) << open;
  }
}

TEST(Hostile, ParseMemoryIsBudgeted) {
  // Every formatting element left open is cloned into each later paragraph by
  // the HTML5 algorithm: nodes grow as (open elements) x (paragraphs).
  std::string html = "<body><p>";
  for (int i = 0; i < 400; ++i) html += "<font class=f" + std::to_string(i) + ">";
  html += "x</p>";
  for (int i = 0; i < 20'000; ++i) html += "<p>x</p>";
  const auto start = std::chrono::steady_clock::now();
  ExtractLimits limits;
  limits.max_parse_bytes = 64 * kMiB;
  Result<Article> r = extract_article(html, {}, limits);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.status().code(), StatusCode::kTooLarge);
  EXPECT_EQ(r.status().message(), "HTML page needs more than 64 MiB to parse");
  EXPECT_LT(seconds, 30.0);
}

TEST(Hostile, UnknownAndMalformedCharsetsFallBackAndAreCounted) {
  TempDir dir;
  const std::string para = "A paragraph long enough to be the article text, in plain ASCII words.";
  int n = 0;
  const std::vector<std::string> metas = {
      "<meta charset=\"x-klingon\">",
      "<meta charset=\"\">",
      "<meta charset=\"utf-8\x01\xff\">",
      "<meta charset=" + std::string(500, 'q') + ">",
      "<meta http-equiv=content-type content=\"text/html; charset=\">",
      "<meta http-equiv=content-type content=\"charset=\\\"broken\">",
      "<meta charset=\"../../../../etc/passwd\">",
      "<meta charset=\"UTF-32\">",
      "<?xml encoding=\"ebcdic-xx\"?>"};
  for (const std::string& meta : metas) {
    dir.write("p" + std::to_string(n++) + ".html",
              "<html><head>" + meta + "</head><body><p>" + para + "</p></body></html>");
  }
  Collected c = read_all(dir.path().string());
  EXPECT_EQ(c.docs.size() + c.rejects.size(), static_cast<size_t>(n));
  EXPECT_GE(c.docs.size(), 7u);
  for (const Document& d : c.docs) EXPECT_TRUE(util::is_valid_utf8(d.text)) << d.id;
  EXPECT_GE(c.stats.charset_unknown, 5u);

  testing::WarcBuilder warc;
  warc.response("https://a.example/1", "<p>" + para, "text/html; charset=\"\xff\xfe\"");
  warc.response("https://a.example/2", "<p>" + para,
                "text/html; charset=" + std::string(10000, 'x'));
  const std::string path = dir.write("w/c.warc", warc.plain());
  Collected w = read_all(path);
  ASSERT_EQ(w.docs.size(), 2u);
  EXPECT_EQ(w.stats.charset_unknown, 2u);
}

}  // namespace
}  // namespace kindred::ingest
