// End to end: `kindred report` on the example corpus, with a hostile document
// added; what a browser renders is checked by browser/check_report.sh.
#include <gtest/gtest.h>

#include <memory>

#include "cli_runner.h"

namespace kindred::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kExamples = fs::path(KINDRED_SOURCE_DIR) / "examples";

size_t count(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

std::string escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A document that tries every way into the page's markup: tags, event
// handlers, attribute breakouts through quotes, a remote script. Its file
// name (so its id) carries quotes and a tag too.
constexpr const char* kHostileName = "x\"'<b>.txt";
constexpr const char* kHostileText =
    "Dockworkers <script>document.documentElement.setAttribute('data-pwned','1')</script> "
    "strike\n\n"
    "The port said \"no\" and 'never' <img src=x onerror=\"document.title='pwned'\"> today. "
    "<script src=\"https://evil.example/x.js\"></script> <a href=\"javascript:alert(1)\">link</a> "
    "</td></tr></table></details><iframe src=\"http://evil.example/\"></iframe>\n";

// The records of a scan of the same inputs: what the report must show.
struct Expected {
  std::vector<std::pair<int64_t, std::vector<std::string>>> stories;  // id, member ids
  std::vector<std::string> ids;
  size_t links = 0, passages = 0;
};

Expected scan(const std::string& paths) {
  const RunResult r = run_kindred("scan " + paths + " -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Expected e;
  simdjson::dom::parser parser;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element rec = parser.parse(line);
    const std::string_view type = rec["type"];
    if (type == "story") {
      std::vector<std::string> members;
      for (auto m : rec["members"].get_array()) members.emplace_back(std::string_view(m));
      e.ids.insert(e.ids.end(), members.begin(), members.end());
      e.stories.emplace_back(int64_t(rec["story"]), std::move(members));
    } else if (type == "link") {
      ++e.links;
      e.ids.emplace_back(std::string_view(rec["a"]));
      e.ids.emplace_back(std::string_view(rec["b"]));
    } else if (type == "passage") {
      ++e.passages;
    }
  }
  return e;
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp_ / "hostile" / kHostileName, kHostileText);
    paths_ = quote(kExamples / "corpus") + " " + quote(tmp_ / "hostile");
  }
  TempDir tmp_;
  std::string paths_;
};

TEST_F(ReportTest, ShowsEveryStoryAndMemberOfTheExampleCorpus) {
  const fs::path html_path = tmp_ / "report.html";
  const RunResult r = run_kindred("report " + paths_ + " -o " + quote(html_path) + " --threads 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("stories covering"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("report: " + html_path.string()), std::string::npos) << r.err;
  const std::string html = read_file(html_path);
  ASSERT_FALSE(html.empty());

  const Expected expected = scan(paths_);
  ASSERT_GE(expected.stories.size(), 3u)
      << "the example corpus has three stories of several articles";
  EXPECT_EQ(count(html, "<section class=\"story\""), expected.stories.size());
  for (const auto& [id, members] : expected.stories) {
    const std::string sid = std::to_string(id);
    EXPECT_NE(html.find("<section class=\"story\" id=\"story-" + sid + "\""), std::string::npos)
        << sid;
    EXPECT_NE(html.find("<a href=\"#story-" + sid + "\">"), std::string::npos) << sid;
  }
  // Every document appears with its id: in a story's articles or among those in no story.
  for (const auto& e : fs::recursive_directory_iterator(kExamples / "corpus")) {
    if (e.path().extension() != ".txt") continue;
    const std::string id = fs::relative(e.path(), kExamples / "corpus").string();
    EXPECT_NE(html.find("<span class=\"doc-id\">" + escaped(id) + "</span>"), std::string::npos)
        << id;
  }
  for (const std::string& id : expected.ids) {
    EXPECT_NE(html.find(escaped(id)), std::string::npos) << id;
  }
  EXPECT_NE(html.find("<h2 id=\"unstoried-h\">Documents in no story</h2>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"doc-id\">misc/recipe_column.txt</span>"), std::string::npos);

  // Each linked pair is shown, with its passages or the note that there are none.
  EXPECT_EQ(count(html, "<details class=\"pair\">"), expected.links);
  if (expected.passages == 0) {
    EXPECT_EQ(count(html, "No passage alignment for this pair."), expected.links);
  } else {
    EXPECT_GT(count(html, "<div class=\"passage\""), 0u);
    EXPECT_GT(count(html, "<mark>"), 0u);
  }
  EXPECT_GT(count(html, "<ol class=\"account\">"), 0u);
  EXPECT_GT(count(html, "<ul class=\"quotes\">"), 0u);
}

TEST_F(ReportTest, HostileTextIsEscapedAndNothingIsFetched) {
  const fs::path html_path = tmp_ / "report.html";
  // corpus.jsonl: the example corpus with titles, dates, sources and URLs.
  const RunResult r = run_kindred("report " + quote(kExamples / "corpus.jsonl") + " " +
                                  quote(tmp_ / "hostile") + " -o " + quote(html_path) + " -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string html = read_file(html_path);

  // The page's own script and style are the only ones; no hostile element survives.
  EXPECT_EQ(count(html, "<script"), 1u);
  EXPECT_EQ(count(html, "<style"), 1u);
  for (const char* tag : {"<img", "<iframe", "<b>", "<link", "<object", "<embed"}) {
    EXPECT_EQ(count(html, tag), 0u) << tag;
  }
  EXPECT_EQ(html.find("href=\"javascript"), std::string::npos);
  EXPECT_EQ(html.find("onerror="), std::string::npos);
  // The document is there, as text: its id and its words, escaped.
  EXPECT_NE(html.find(escaped(kHostileName)), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;document.documentElement.setAttribute(&#39;data-pwned&#39;,"
                      "&#39;1&#39;)&lt;/script&gt;"),
            std::string::npos);

  // No network reference: every http(s):// lies in text, never in markup,
  // and the only URLs in an element of their own are the articles' URLs.
  const std::string scripts = html.substr(html.find("<script nonce"));
  EXPECT_EQ(scripts.find("http:"), std::string::npos);
  EXPECT_EQ(scripts.find("https:"), std::string::npos);
  const size_t style = html.find("<style"), style_end = html.find("</style>");
  ASSERT_NE(style_end, std::string::npos);
  const std::string css = html.substr(style, style_end - style);
  EXPECT_EQ(css.find("http:"), std::string::npos);
  EXPECT_EQ(css.find("https:"), std::string::npos);
  EXPECT_EQ(css.find("url("), std::string::npos);
  EXPECT_EQ(css.find("@import"), std::string::npos);
  bool in_tag = false;
  std::string tag;
  const size_t markup_end = html.find("<script nonce");
  for (size_t i = 0; i < markup_end; ++i) {
    if (html[i] == '<') {
      in_tag = true;
      tag.clear();
    }
    if (in_tag) tag += html[i];
    if (in_tag && html[i] == '>') {
      in_tag = false;
      EXPECT_EQ(tag.find("http:"), std::string::npos) << tag;
      EXPECT_EQ(tag.find("https:"), std::string::npos) << tag;
      EXPECT_EQ(tag.find("//"), std::string::npos) << tag;
    }
  }
  size_t urls = 0;
  for (size_t at = html.find("https://"); at != std::string::npos;
       at = html.find("https://", at + 1)) {
    const size_t open = html.rfind("<span class=\"url\">", at);
    const size_t close = html.rfind("</span>", at);
    if (open != std::string::npos && (close == std::string::npos || close < open)) ++urls;
  }
  EXPECT_GE(urls, 15u) << "corpus.jsonl's articles show their URLs";
  EXPECT_NE(html.find("<span class=\"url\">https://wire.example.net/2025/03/11/"
                      "velmora-port-strike-automation</span>"),
            std::string::npos);
}

TEST_F(ReportTest, WritesToStdoutWithATitle) {
  const RunResult r = run_kindred("report " + quote(kExamples / "corpus") +
                                  " -o - -q --title 'Port <strike> & \"co\"'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(r.out.find("<title>Port &lt;strike&gt; &amp; &quot;co&quot;</title>"),
            std::string::npos);
  EXPECT_NE(r.out.find("<h1>Port &lt;strike&gt; &amp; &quot;co&quot;</h1>"), std::string::npos);
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(r.out.substr(r.out.size() - 8), "</html>\n");
}

TEST_F(ReportTest, NeedsAnOutputAndStopsAtBadRecordsLikeScan) {
  EXPECT_EQ(run_kindred("report " + quote(kExamples / "corpus")).exit_code, 2);
  const fs::path bad = tmp_ / "bad.jsonl";
  write_file(bad, "{\"id\":\"a\",\"text\":\"one two three four five six\"}\n{not json\n");
  const fs::path out = tmp_ / "out.html";
  RunResult r = run_kindred("report " + quote(bad) + " -o " + quote(out));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("kindred report: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--skip-bad"), std::string::npos) << r.err;

  const fs::path rejects = tmp_ / "rejects.jsonl";
  r = run_kindred("report " + quote(bad) + " -o " + quote(out) + " --skip-bad --rejects " +
                  quote(rejects));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("rejected records written to"), std::string::npos) << r.err;
  EXPECT_EQ(count(read_file(rejects), "\n"), 1u);
  const std::string html = read_file(out);
  EXPECT_NE(html.find("<dt>Rejected</dt><dd>1</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>Documents</dt><dd>1</dd>"), std::string::npos);

  r = run_kindred("report " + quote(kExamples / "corpus") + " -o " +
                  quote(tmp_ / "no" / "dir.html"));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(run_kindred("report " + quote(kExamples / "corpus") + " -o - --shingle 0").exit_code,
            2);
}

}  // namespace
}  // namespace kindred::testing
