// The HTML report on hand-built results: escaping, structure, passages with
// their word-level highlights, caps, and streaming.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <map>

#include "report/html.h"

namespace kindred::report {
namespace {

size_t count(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// Three articles of one story: a wire text, an edited copy of it (one word
// changed, one inserted), and a hostile one whose every field tries markup.
ScanResult story_result() {
  ScanResult r;
  r.docs.resize(3);
  r.docs[0].id = "wire.txt";
  r.docs[0].title = "Port shut by strike";
  r.docs[0].source = "Coastline Wire";
  r.docs[0].date = "2025-03-11";
  r.docs[0].url = "https://wire.example.net/strike";
  r.docs[0].text =
      "Port shut by strike\n\nThousands of dockworkers walked off the job early on Tuesday, "
      "halting traffic at the busiest harbour in the country.";
  r.docs[1].id = "copy.txt";
  r.docs[1].source = "Harbour Gazette";
  r.docs[1].date = "2025-03-12";
  r.docs[1].text =
      "Dockers walk out\n\nThousands of dockworkers walked off the job early Tuesday, "
      "halting all traffic at the busiest port in the country.";
  r.docs[2].id = "evil\"'<b>.txt";
  r.docs[2].title = "<script>alert('title')</script>";
  r.docs[2].source = "<img src=x onerror=alert(1)>";
  r.docs[2].date = "2025-03-13\"><script>";
  r.docs[2].url = "javascript:alert(\"url\")";
  r.docs[2].text =
      "Headline\n\n<script>alert(\"x\")</script> He said \"it's <b>bold</b> & brave\".";
  for (auto& d : r.docs) d.story = 0;
  r.docs[0].family = r.docs[1].family = 0;

  r.links.push_back({0, 1, Relation::kContained, {30, 40, 38}});
  r.provenance.push_back({0, 1, 0.93, "containment+date"});
  // The body sentence of each: "Thousands ... country."
  const auto body = [&](uint32_t d) {
    const std::string& t = r.docs[d].text;
    return std::pair<uint32_t, uint32_t>(uint32_t(t.find("Thousands")), uint32_t(t.size()));
  };
  Passage p;
  std::tie(p.a_begin, p.a_end) = body(0);
  std::tie(p.b_begin, p.b_end) = body(1);
  p.a_words = 19, p.b_words = 19, p.matched_words = 17, p.score = 30;
  r.passages.push_back({p});
  r.families.push_back({0, 0, {0, 1}});

  Story s;
  s.id = 0;
  s.members = {0, 1, 2};
  s.families = {0};
  s.cohesion = 0.41;
  // Told by both, worded differently: the shown wording and the copy's.
  s.account.push_back(
      {0,
       body(0).first,
       body(0).second,
       {0, 1},
       {{0, body(0).first, body(0).second, {0}}, {1, body(1).first, body(1).second, {1}}}});
  const std::string& evil = r.docs[2].text;
  s.account.push_back({2, uint32_t(evil.find("<script>")), uint32_t(evil.size()), {2}, {}});
  r.stories.push_back(s);

  Quotation q;
  q.id = 0;
  q.story = 0;
  q.speaker = "O'Brien <i>";
  const uint32_t qb = uint32_t(evil.find("it's")), qe = uint32_t(evil.find("\"."));
  q.variants.push_back({2, qb, qe, "O'Brien <i>"});
  r.quotations.push_back(q);
  r.stats.documents = 3;
  r.stats.links = 1;
  r.stats.families = 1;
  r.stats.stories = 1;
  r.stats.quotations = 1;
  return r;
}

// The start tags of the markup before the page's script: each tag's name and
// attributes. Fails the test on a tag that does not parse (an unquoted or
// unterminated value, a stray character).
std::vector<std::pair<std::string, std::map<std::string, std::string>>> tags(
    const std::string& html) {
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> out;
  const std::string markup = html.substr(0, html.find("<script nonce"));
  const auto space = [](char c) { return c == ' ' || c == '\n'; };
  for (size_t at = markup.find('<'); at != std::string::npos; at = markup.find('<', at + 1)) {
    size_t i = at + 1;
    if (i >= markup.size() || !std::isalpha(static_cast<unsigned char>(markup[i]))) continue;
    std::string name;
    while (i < markup.size() && std::isalnum(static_cast<unsigned char>(markup[i])))
      name += markup[i++];
    std::map<std::string, std::string> attrs;
    while (i < markup.size() && markup[i] != '>') {
      if (space(markup[i])) {
        ++i;
        continue;
      }
      std::string attr;
      while (i < markup.size() && !space(markup[i]) && markup[i] != '=' && markup[i] != '>') {
        attr += markup[i++];
      }
      std::string value;
      if (i < markup.size() && markup[i] == '=') {
        if (i + 1 >= markup.size() || markup[i + 1] != '"') {
          ADD_FAILURE() << "unquoted value in <" << name << " " << attr;
          return out;
        }
        const size_t end = markup.find('"', i + 2);
        if (end == std::string::npos) {
          ADD_FAILURE() << "unterminated value in <" << name;
          return out;
        }
        value = markup.substr(i + 2, end - i - 2);
        EXPECT_EQ(value.find_first_of("<>"), std::string::npos) << value;
        i = end + 1;
      }
      attrs[attr] = value;
    }
    out.emplace_back(name, std::move(attrs));
  }
  return out;
}

HtmlOptions fixed_nonce() {
  HtmlOptions o;
  o.nonce = "testnonce";
  return o;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  std::string out;
  append_html_escaped(out, "a<b>&\"c\"'d'");
  EXPECT_EQ(out, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  out.clear();
  append_html_escaped(out, std::string_view("x\0y", 3));
  EXPECT_EQ(out, "x\xEF\xBF\xBDy");
  out.clear();
  append_html_escaped(out, "plain caf\xC3\xA9");
  EXPECT_EQ(out, "plain caf\xC3\xA9");
}

TEST(HtmlReport, NoInputTextBecomesMarkup) {
  const std::string html = html_report(Params{}, story_result(), fixed_nonce());
  // The page's own script is the only one; nothing hostile survives as markup.
  EXPECT_EQ(count(html, "<script"), 1u);
  EXPECT_EQ(count(html, "<img"), 0u);
  EXPECT_EQ(count(html, "<b>"), 0u);
  EXPECT_EQ(count(html, "<i>"), 0u);
  EXPECT_EQ(count(html, "javascript:"), 1u);  // the URL, once, as text
  EXPECT_NE(html.find("<span class=\"url\">javascript:alert(&quot;url&quot;)</span>"),
            std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("evil&quot;&#39;&lt;b&gt;.txt"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(html.find("O&#39;Brien &lt;i&gt;"), std::string::npos);
  // No attribute value was broken out of: every tag parses into known
  // attributes with double-quoted values, and none is an event handler.
  for (const auto& [name, attrs] : tags(html)) {
    for (const auto& [attr, value] : attrs) {
      EXPECT_NE(attr.rfind("on", 0), 0u) << "<" << name << " " << attr << "=" << value;
      EXPECT_NE(attr, "src");
      EXPECT_NE(attr, "style");
    }
  }
}

TEST(HtmlReport, SelfContainedWithAContentSecurityPolicy) {
  const std::string html = html_report(Params{}, story_result(), fixed_nonce());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_NE(
      html.find("default-src 'none'; style-src 'nonce-testnonce'; script-src 'nonce-testnonce'"),
      std::string::npos);
  EXPECT_NE(html.find("<style nonce=\"testnonce\">"), std::string::npos);
  EXPECT_NE(html.find("<script nonce=\"testnonce\">"), std::string::npos);
  EXPECT_EQ(count(html, "<link"), 0u);
  EXPECT_EQ(count(html, "url("), 0u);
  EXPECT_EQ(count(html, "@import"), 0u);
  // Deterministic given the nonce; a fresh random one otherwise.
  EXPECT_EQ(html, html_report(Params{}, story_result(), fixed_nonce()));
  EXPECT_NE(html_report(Params{}, story_result()), html_report(Params{}, story_result()));
}

TEST(HtmlReport, StoryHasArticlesFamiliesAccountQuotationsAndPassages) {
  const std::string html = html_report(Params{}, story_result(), fixed_nonce());
  EXPECT_NE(html.find("<section class=\"story\" id=\"story-0\""), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#story-0\">Port shut by strike</a>"), std::string::npos)
      << "the longest member's headline names the story";
  EXPECT_NE(html.find("2025-03-11 \xE2\x80\x93 2025-03-13&quot;&gt;&lt;script&gt;"),
            std::string::npos);
  for (const char* id : {"id=\"d0\"", "id=\"d1\"", "id=\"d2\"", "id=\"family-0\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_NE(html.find("derives from <a class=\"doc-ref\" href=\"#d0\">"), std::string::npos);
  EXPECT_NE(html.find("(0.93, containment+date)"), std::string::npos);
  EXPECT_NE(html.find(">root</span>"), std::string::npos);
  // The account: a shared sentence with two badges, and the hostile one's addition.
  EXPECT_NE(html.find("<li data-src=\"0 1\">"), std::string::npos);
  EXPECT_NE(html.find("<li class=\"addition k2\" data-src=\"2\">"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"only\">only in</span>"), std::string::npos);
  // Its other wording, under it, with the key of the article writing it so.
  EXPECT_EQ(count(html, "<details class=\"wordings\"><summary>1 other wording</summary>"), 1u);
  EXPECT_EQ(count(html, "<p class=\"wording\">"), 1u);
  EXPECT_NE(html.find("<q>it&#39;s &lt;b&gt;bold&lt;/b&gt; &amp; brave</q>"), std::string::npos);
  // The passage: both sides marked; the words one side lacks flagged.
  EXPECT_EQ(count(html, "<div class=\"passage\""), 1u);
  EXPECT_EQ(count(html, "<mark>"), 2u);
  EXPECT_NE(html.find("early <span class=\"ed\">on</span> Tuesday"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"ed\">harbour</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"ed\">all</span>"), std::string::npos);
  EXPECT_NE(html.find("<span class=\"ed\">port</span>"), std::string::npos);
  EXPECT_EQ(count(html, "<span class=\"ed\">"), 4u);  // on | harbour ; all | port
  EXPECT_NE(html.find("Every document belongs to a story."), std::string::npos);
}

TEST(HtmlReport, PairsWithoutPassagesSayNoAlignment) {
  ScanResult r = story_result();
  r.passages.clear();
  const std::string html = html_report(Params{}, r, fixed_nonce());
  EXPECT_EQ(count(html, "<details class=\"pair\">"), 1u);
  EXPECT_NE(html.find("No passage alignment for this pair."), std::string::npos);
  EXPECT_EQ(count(html, "<mark>"), 0u);
  r.passages.resize(1);  // aligned, but nothing found
  EXPECT_NE(html_report(Params{}, r, fixed_nonce()).find("The aligner found no passage"),
            std::string::npos);
}

TEST(HtmlReport, LongPassagesAndBadOffsetsAreContained) {
  ScanResult r = story_result();
  HtmlOptions o = fixed_nonce();
  o.max_passage_bytes = 40;
  std::string html = html_report(Params{}, r, o);
  EXPECT_NE(html.find("more words of the passage"), std::string::npos);
  r.passages[0][0].a_end = 1u << 30;
  html = html_report(Params{}, r, o);
  EXPECT_NE(html.find("offsets lie outside the texts"), std::string::npos);
}

TEST(HtmlReport, DocumentsOutsideStoriesAreListed) {
  ScanResult r = story_result();
  r.stories.clear();
  r.quotations.clear();
  for (auto& d : r.docs) d.story = -1;
  const std::string html = html_report(Params{}, r, fixed_nonce());
  EXPECT_NE(html.find("3 documents tell a story no other document tells."), std::string::npos);
  EXPECT_NE(html.find("Copy families outside stories"), std::string::npos);
  EXPECT_NE(html.find("Linked pairs outside stories"), std::string::npos);
  EXPECT_EQ(count(html, "<div class=\"passage\""), 1u);
}

// A thousand stories of ten articles: written in chunks, linear in size.
TEST(HtmlReport, ThousandsOfStoriesStreamInChunks) {
  ScanResult r;
  const uint32_t stories = 1000, per = 10;
  for (uint32_t s = 0; s < stories; ++s) {
    Story st;
    st.id = s;
    for (uint32_t k = 0; k < per; ++k) {
      DocInfo d;
      d.id = "s" + std::to_string(s) + "/a" + std::to_string(k);
      d.text =
          "Headline " + std::to_string(s) + "\n\n" + std::string(800, 'w') + " said the minister.";
      d.story = int32_t(s);
      st.members.push_back(uint32_t(r.docs.size()));
      st.account.push_back(
          {uint32_t(r.docs.size()), 0, uint32_t(d.text.size()), {uint32_t(r.docs.size())}, {}});
      r.docs.push_back(std::move(d));
    }
    r.stories.push_back(std::move(st));
  }
  size_t chunks = 0, bytes = 0, largest = 0;
  const auto start = std::chrono::steady_clock::now();
  write_html_report(Params{}, r, fixed_nonce(), [&](std::string_view chunk) {
    ++chunks;
    bytes += chunk.size();
    largest = std::max(largest, chunk.size());
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(chunks, 5u);
  EXPECT_LT(largest, size_t{3} << 20);
  EXPECT_GT(bytes, size_t{stories} * per * 800);
  EXPECT_LT(seconds, 5.0);
  const std::string html = html_report(Params{}, r, fixed_nonce());
  EXPECT_EQ(html.size(), bytes);
  EXPECT_EQ(count(html, "<section class=\"story\""), stories);
}

}  // namespace
}  // namespace kindred::report
