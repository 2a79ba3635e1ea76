// The writers read texts through the text store, and say so when one cannot
// be read back (here: its spill file truncated under it) instead of writing
// empty text as if it were complete.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "index/text_store.h"
#include "report/html.h"
#include "report/jsonl.h"
#include "report/texts.h"

namespace kindred::report {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() / ("kindred-texts-test-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

// Truncates every file this process has open under `dir`: the store's
// unlinked spill file. Returns how many.
int truncate_open_files_under(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(e.path(), ec);
    if (ec || target.string().rfind(dir.string() + "/", 0) != 0) continue;
    if (::ftruncate(std::stoi(e.path().filename().string()), 0) == 0) ++n;
  }
  return n;
}

// Two linked documents with one passage and a story quoting both, their texts
// spilled to a file in `dir`.
ScanResult spilled_result(const fs::path& dir) {
  ScanResult r;
  r.docs.resize(2);
  r.docs[0].id = "first";
  r.docs[1].id = "second";
  auto store = std::make_shared<index::TextStore>(0, dir.string());
  EXPECT_TRUE(store->append("alpha beta gamma delta").is_ok());
  EXPECT_TRUE(store->append("alpha beta gamma epsilon").is_ok());
  store->seal();
  EXPECT_GT(store->spilled_bytes(), 0u);
  EXPECT_TRUE(store->spill_error().empty()) << store->spill_error();
  r.texts = store;
  r.links.push_back({0, 1, Relation::kNearDuplicate, {3, 4, 4}});
  Passage p;
  p.a_begin = p.b_begin = 0;
  p.a_end = p.b_end = 16;
  p.a_words = p.b_words = p.matched_words = 3;
  r.passages.push_back({p});
  r.stories.push_back({0, {0, 1}, {}, 0.9, {{0, 0, 10, {0, 1}, {}}}});
  r.docs[0].story = r.docs[1].story = 0;
  r.stats.documents = 2;
  r.stats.links = 1;
  r.stats.stories = 1;
  return r;
}

std::string jsonl_of(const ScanResult& r, Status& status) {
  std::string out;
  status = write_scan_jsonl(Params{}, r, 0, [&](std::string_view c) { out += c; });
  return out;
}

std::string html_of(const ScanResult& r, Status& status) {
  std::string out;
  HtmlOptions o;
  o.nonce = "n";
  status = write_html_report(Params{}, r, o, [&](std::string_view c) { out += c; });
  return out;
}

TEST(ReportTexts, WritersReadSpilledTexts) {
  TempDir dir;
  const ScanResult r = spilled_result(dir.path);
  Status status;
  const std::string jsonl = jsonl_of(r, status);
  EXPECT_TRUE(status.is_ok()) << status.message();
  EXPECT_NE(jsonl.find("\"a_text\":\"alpha beta gamma\""), std::string::npos) << jsonl;
  EXPECT_NE(jsonl.find("\"text\":\"alpha beta\""), std::string::npos) << jsonl;
  const std::string html = html_of(r, status);
  EXPECT_TRUE(status.is_ok()) << status.message();
  EXPECT_NE(html.find("epsilon"), std::string::npos);  // the passage's context, from the store
  EXPECT_TRUE(texts_status(r).is_ok());
}

TEST(ReportTexts, ATruncatedSpillFileIsAnErrorNamingTheDocument) {
  TempDir dir;
  const ScanResult r = spilled_result(dir.path);
  ASSERT_EQ(truncate_open_files_under(dir.path), 1);
  Status status;
  const std::string jsonl = jsonl_of(r, status);
  // The first text was in the file (the second may still be in the store's write buffer).
  EXPECT_NE(jsonl.find("\"a_text\":\"\""), std::string::npos) << jsonl;
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find("document 'first'"), std::string::npos) << status.message();
  html_of(r, status);
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find("document 'first'"), std::string::npos) << status.message();
}

TEST(ReportTexts, TextsInDocInfoNeedNoStore) {
  ScanResult r;
  r.docs.resize(1);
  r.docs[0].text = "only here";
  TextReader reader(r);
  EXPECT_EQ(reader.text(0), "only here");
  EXPECT_EQ(reader.span(0, 5, 9), "here");
  EXPECT_EQ(reader.span(0, 5, 99), "");
  EXPECT_TRUE(texts_status(r).is_ok());
}

}  // namespace
}  // namespace kindred::report
