// HTML article extraction: metadata sources, what is left out, paragraph
// breaks, and the quality bar on the labelled page set.
#include "ingest/html_extract.h"

#include <gtest/gtest.h>

#include <string>

#include "extract_quality.h"
#include "ingest/html_reader.h"
#include "ingest/reader.h"
#include "ingest_test_util.h"
#include "util/utf8.h"

namespace kindred::ingest {
namespace {

Article extract(const std::string& html, std::string_view base = {}) {
  Result<Article> r = extract_article(html, base);
  EXPECT_TRUE(r.has_value()) << r.status().to_string();
  return r.has_value() ? *r : Article{};
}

const std::string kPara1 =
    "The council approved the new harbour wall on Tuesday, after a debate lasting three hours.";
const std::string kPara2 =
    "Work will start in the spring, and the contractor expects it to take eighteen months.";

TEST(HtmlExtract, OpenGraphMetadataAndCanonicalLink) {
  const Article a = extract(
      "<html><head><title>Wall approved | Bay News</title>"
      "<meta property=\"og:title\" content=\"Harbour wall approved\">"
      "<meta property=\"og:site_name\" content=\"Bay News\">"
      "<meta property=\"article:published_time\" content=\"2024-03-01T10:00:00Z\">"
      "<link rel=\"canonical\" href=\"/news/wall\"></head>"
      "<body><article><p>" +
          kPara1 + "</p><p>" + kPara2 + "</p></article></body></html>",
      "https://www.baynews.example/some/page?x=1");
  EXPECT_EQ(a.title, "Harbour wall approved");
  EXPECT_EQ(a.site, "Bay News");
  EXPECT_EQ(a.date, "2024-03-01T10:00:00Z");
  EXPECT_EQ(a.url, "https://www.baynews.example/news/wall");
  EXPECT_EQ(a.text, kPara1 + "\n\n" + kPara2);
}

// Titles are kept up to 2,048 bytes, cut on a character boundary: here the
// cut falls inside a two-byte '»' at every offset around the limit, and a
// "Headline | Site" split then took the half character into the site name
// (found by fuzz_html).
TEST(HtmlExtract, LongTitlesAreCutBetweenCharacters) {
  for (size_t pad = 2035; pad <= 2050; ++pad) {
    const std::string title = std::string(pad, 'a') + " | Next \xC2\xBB\xC2\xBB\xC2\xBB more";
    const Article a = extract("<html><head><title>" + title + "</title></head><body><p>" + kPara1 +
                              "</p></body></html>");
    EXPECT_TRUE(util::is_valid_utf8(a.title)) << pad;
    EXPECT_TRUE(util::is_valid_utf8(a.site)) << pad;
    EXPECT_LE(a.title.size(), 2048u);
  }
}

TEST(HtmlExtract, JsonLdGraphAndTitleFallbacks) {
  const Article a = extract(
      "<html><head><title>Wall approved - Bay News</title>"
      "<script type=\"application/ld+json\">[{\"@type\":\"WebSite\",\"name\":\"Bay News\"},"
      "{\"@graph\":[{\"@type\":[\"NewsArticle\"],\"headline\":\"Wall &amp; quay approved\","
      "\"datePublished\":\"2024-03-02\",\"mainEntityOfPage\":{\"@id\":\"https://b.example/w\"},"
      "\"publisher\":{\"@type\":\"Organization\",\"name\":\"Bay News Ltd\"}}]}]</script>"
      "</head><body><div><p>" +
      kPara1 + "</p></div></body></html>");
  EXPECT_EQ(a.title, "Wall & quay approved");
  EXPECT_EQ(a.date, "2024-03-02");
  EXPECT_EQ(a.url, "https://b.example/w");
  EXPECT_EQ(a.site, "Bay News Ltd");

  // Only <title>: the site suffix goes and becomes the site name.
  const Article b =
      extract("<title>Wall approved after long debate | Bay News</title><p>" + kPara1);
  EXPECT_EQ(b.title, "Wall approved after long debate");
  EXPECT_EQ(b.site, "Bay News");
  // A known site name is stripped from either end.
  const Article c = extract(
      "<title>Bay News - Wall approved</title><meta name=application-name content='Bay News'><p>" +
      kPara1);
  EXPECT_EQ(c.title, "Wall approved");
}

TEST(HtmlExtract, JsonLdArticleBodyForScriptRenderedPages) {
  const Article a = extract(
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
      "\"headline\":\"H\",\"articleBody\":\"" +
      kPara1 + "\\n\\n" + kPara2 +
      "\"}</script></head>"
      "<body><div id=root>Loading...</div></body></html>");
  EXPECT_TRUE(a.body_from_json_ld);
  EXPECT_EQ(a.text, kPara1 + "\n\n" + kPara2);
  // When the page shows the text, the DOM (with its paragraph breaks) wins.
  const Article b = extract(
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
      "\"articleBody\":\"" +
      kPara1 + " " + kPara2 +
      "\"}</script></head>"
      "<body><article><p>" +
      kPara1 + "</p><p>" + kPara2 + "</p></article></body></html>");
  EXPECT_FALSE(b.body_from_json_ld);
  EXPECT_EQ(b.text, kPara1 + "\n\n" + kPara2);
}

TEST(HtmlExtract, BoilerplateIsLeftOut) {
  const std::string comment =
      "I disagree with this decision entirely, and so do most of my neighbours, who were not "
      "asked.";
  const Article a = extract(
      "<html><body>"
      "<div class=\"cookie-banner\"><p>We use cookies to improve your experience, measure "
      "audiences "
      "and show you personalised advertising from our partners.</p></div>"
      "<nav><a href=/>Home</a> <a href=/news>News and more news and yet more news</a></nav>"
      "<div class=main><article><h1>Harbour wall approved</h1>"
      "<p class=byline>By A. Reporter, 1 March</p>"
      "<p>" +
      kPara1 +
      "</p>"
      "<div class=\"ad-slot\">Advertisement</div>"
      "<figure><img src=x><figcaption>The harbour wall, photographed at low tide last "
      "winter.</figcaption></figure>"
      "<p>" +
      kPara2 +
      "</p>"
      "<p hidden>Hidden text that should never be part of the extracted article body at all.</p>"
      "<div class=share-tools><a>Share on a social network</a></div>"
      "</article>"
      "<section id=comments><p>" +
      comment + "</p><p>" + comment +
      "</p></section>"
      "<div class=related-stories><h2>Related</h2><ul><li><a href=/1>Another story about the "
      "harbour and its wall</a></li></ul></div></div>"
      "<aside><p>Sidebar text that is long enough to be a paragraph, with commas, and "
      "more.</p></aside>"
      "<footer><p>Copyright Bay News, all rights reserved, registered in the harbour "
      "town.</p></footer>"
      "</body></html>");
  EXPECT_EQ(a.text, kPara1 + "\n\n" + kPara2);
  EXPECT_EQ(a.title, "Harbour wall approved");  // from <h1>, and not repeated in the body
}

TEST(HtmlExtract, ParagraphBreaksLineBreaksAndTables) {
  const Article a = extract(
      "<body><div class=story>" + kPara1 + "<br><br>\n  " + kPara2 +
      "<br>Second line of the same paragraph, kept on its own line here."
      "<table><tr><th>Name</th><th>Votes</th></tr><tr><td>Barrowman</td><td>1,046</td></tr></table>"
      "</div></body>");
  EXPECT_EQ(a.text, kPara1 + "\n\n" + kPara2 +
                        "\nSecond line of the same paragraph, kept on its own line here.\n\n"
                        "Name | Votes\n\nBarrowman | 1,046");
}

TEST(HtmlExtract, EmptyPagesGiveEmptyTextAndReadersReject) {
  EXPECT_EQ(extract("").text, "");
  EXPECT_EQ(extract("<html><body><nav><a href=/>Home</a></nav></body></html>").text, "");
  Document doc;
  HtmlPageInfo info;
  Status st = html_to_document("<html><body></body></html>", {}, {}, &doc, &info);
  EXPECT_EQ(st.code(), StatusCode::kDataError);
}

TEST(HtmlExtract, HtmlFilesBecomeDocumentsWithRelativeIds) {
  testing::TempDir dir;
  dir.write("news/2024/wall.html",
            "<html><head><meta property=og:site_name content='Bay News'>"
            "<meta property=og:title content='Wall approved'>"
            "<meta property=og:url content='https://b.example/wall'>"
            "<meta name=date content=2024-03-01></head><body><p>" +
                kPara1 + "</p></body></html>");
  testing::Collected c = testing::read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 1u);
  const Document& d = c.docs[0];
  EXPECT_EQ(d.id, "news/2024/wall.html");
  EXPECT_EQ(d.title, "Wall approved");
  EXPECT_EQ(d.source, "Bay News");
  EXPECT_EQ(d.url, "https://b.example/wall");
  EXPECT_EQ(d.date, "2024-03-01");
  EXPECT_EQ(d.text, kPara1);
  EXPECT_EQ(d.origin.file, (dir.path() / "news/2024/wall.html").string());
}

// The bar the issue sets: both precision and recall of the extracted body
// at least 0.9 over the labelled pages, overall and on average per page.
TEST(HtmlExtractQuality, LabelledSetReachesPrecisionAndRecallOf90Percent) {
  const auto set = quality::score_set(KINDRED_SOURCE_DIR "/tests/data/html");
  ASSERT_GE(set.pages.size(), 30u);
  for (const auto& p : set.pages) {
    EXPECT_TRUE(p.error.empty()) << p.name << ": " << p.error;
    EXPECT_GE(p.recall(), 0.5) << p.name;  // no page may lose most of its text
    EXPECT_GE(p.precision(), 0.5) << p.name;
  }
  EXPECT_GE(set.micro_precision(), 0.9);
  EXPECT_GE(set.micro_recall(), 0.9);
  EXPECT_GE(set.macro_precision(), 0.9);
  EXPECT_GE(set.macro_recall(), 0.9);
  // Measured 0.994 (BENCHMARKS.md): a fall below 0.97 is a regression to look
  // at, even while the bar of 0.9 still holds.
  EXPECT_GE(set.micro_precision(), 0.97);
  EXPECT_GE(set.micro_recall(), 0.97);
  // Title, date, url and site: at least 90% of the labelled values found exactly.
  EXPECT_GE(set.metadata_matches() * 10, set.pages.size() * 4 * 9);
}

}  // namespace
}  // namespace kindred::ingest
