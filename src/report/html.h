// Report: a scan as one self-contained HTML page for a person to read.
//
// The page holds everything inline (CSS, a little JavaScript, no fonts, no
// images) and loads nothing: a Content-Security-Policy forbids every fetch and
// lets only the page's own script and style run, so it works opened from disk.
// Article text cannot act as markup: the writer takes markup only as string
// literals (checked at compile time) and escapes everything else.
// Structure (docs/report.md has the details):
//   header     counts of documents, links, families, stories, quotations;
//   story list one row per story, largest first: headline, size, dates,
//              cohesion, families, quotations;
//   stories    one <section> each, its body collapsed in <details>: articles
//              (with family and provenance), copy families, the merged account
//              with source badges and each source's additions, quotations with
//              their variants, and the linked pairs' passages side by side;
//   the rest   documents in no story, and links and families outside stories.
// The script only enhances: filtering, sorting, expand/collapse and source
// highlighting; without it every part is still there.
//
// Cost: linear in the result's size, with caps on what one story shows
// (HtmlOptions); the page is written in chunks to a sink as it is built.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "kindred/params.h"
#include "kindred/results.h"

namespace kindred::report {

struct HtmlOptions {
  std::string title = "kindred report";  ///< page title and top heading
  uint64_t rejected = 0;                 ///< input records rejected, for the header
  /// CSP nonce of the inline style and script; empty = 128 random bits.
  std::string nonce;
  size_t max_pairs_per_story = 40;    ///< linked pairs whose passages a story shows
  size_t max_passages_per_pair = 12;  ///< passages shown per linked pair
  size_t max_passage_bytes = 4000;    ///< bytes of each side of a passage shown
  size_t max_unstoried_pairs = 200;   ///< linked pairs shown outside stories
};

// Appends `text` with & < > " ' replaced by character references, so it is
// safe both as element content and inside a quoted attribute value.
void append_html_escaped(std::string& out, std::string_view text);

// Writes the whole page to `sink`, in chunks of about a megabyte. The words
// of accounts, quotations, passages and untitled documents' headlines are read
// one text at a time through document_text() (result.texts, else DocInfo::text;
// a scan keeps them with passages, stories or ScanOptions::keep_text). Not OK
// when one could not be read back (report/texts.h): the page is then incomplete.
Status write_html_report(const Params& params, const ScanResult& result, const HtmlOptions& options,
                         const std::function<void(std::string_view)>& sink);
// The same into one string (small results, tests; a read error is not reported).
std::string html_report(const Params& params, const ScanResult& result,
                        const HtmlOptions& options = {});

}  // namespace kindred::report
