// HTML article extraction: the main text and metadata of a news page, without
// navigation, ads, cookie banners, related-article lists or comments.
//
// The page is parsed with gumbo (a conforming HTML5 parser). Metadata comes
// from, in order of preference:
//   title: og:title, JSON-LD headline, twitter:title, the first <h1>, <title>;
//          a " | Site" style suffix naming the site is removed
//   date:  article:published_time, JSON-LD datePublished, itemprop=datePublished,
//          <meta name="date|pubdate|dc.date|...">, <time pubdate>, the first
//          <time datetime> inside the <article>; kept as written
//   url:   <link rel=canonical>, og:url, JSON-LD url / mainEntityOfPage,
//          resolved against `base_url` when relative
//   site:  og:site_name, JSON-LD publisher.name, application-name, the part of
//          a "Headline | Site" <title> after the bar, the host of the url
//          without "www."
// The body is found by scoring (after Readability): elements that cannot hold
// article text are set aside first (script, nav, aside, header, footer, form
// fields, figures, hidden elements, ARIA navigation/dialog roles, and class or
// id names such as comment, related, cookie, promo, share, newsletter, ad).
// Each remaining paragraph of at least 25 characters whose link density is at
// most 0.5 scores 1 + commas + min(length/100, 3), credited to its container,
// half to the container's parent and a third to the grandparent. Containers
// start from a tag bias (itemprop=articleBody, article, div up; lists and
// headings down) plus 25 for a positive class/id (article, content, story...)
// or minus 25 for a weakly negative one (sidebar, menu, widget...), and end
// multiplied by 1 - their link density. The best container (climbed to a
// parent that scores higher when the container holds at least 3/4 of the
// parent's text), with its siblings that score well, gives the text: its paragraphs in order,
// separated by blank lines, without those of link density above 0.5, the <h1> headline and lone
// labels ("Advertisement"). A JSON-LD articleBody replaces that text when it is more than twice as
// long (pages that render their text with scripts).
//
// Hostile pages: nesting deeper than ExtractLimits::max_depth is flattened
// before gumbo sees it (gumbo's scope checks are linear in depth, so 100k
// nested <div>s would take minutes), gumbo allocates from a budget of
// max_parse_bytes (more is kTooLarge), and every tree walk here is iterative.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kindred/status.h"

namespace kindred::ingest {

struct ExtractLimits {
  uint32_t max_depth = 512;  ///< elements kept nested; deeper tags are dropped, text kept
  uint64_t max_parse_bytes = uint64_t{512} << 20;  ///< memory gumbo may hold for one page
};

struct Article {
  std::string title;  ///< empty when the page has none
  std::string date;   ///< as written in the page (usually ISO 8601); empty when unknown
  std::string url;    ///< canonical URL; empty when unknown
  std::string site;   ///< site name; empty when unknown
  std::string text;   ///< the body: paragraphs separated by "\n\n"; empty when none was found
  bool body_from_json_ld = false;  ///< text is the JSON-LD articleBody
  uint64_t tags_dropped = 0;       ///< start and end tags removed by the nesting guard
};

// Extracts the article of `html`, which must be valid UTF-8 (decode_to_utf8()
// first). `base_url` (may be empty) resolves a relative canonical link.
// kTooLarge when parsing would need more than limits.max_parse_bytes; never
// fails otherwise (a page without article text gives an empty `text`).
Result<Article> extract_article(std::string_view html, std::string_view base_url = {},
                                const ExtractLimits& limits = {});

}  // namespace kindred::ingest
