// kindred_bench_extract: HTML extraction quality on the labelled page set.
//
//   kindred_bench_extract [DIR] [--verbose] [--repeat N]
//
// Prints, per page and overall, word-level precision and recall of the
// extracted body against the labelled body (bags of words: multiset
// intersection of normalised tokens), whether title, date, url and site match
// the labels, and the speed of decoding + extraction alone (the pages held in
// memory, N rounds, default 20). DIR defaults to tests/data/html of the source
// tree. Exit status 1 when overall precision or recall is below 0.9.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "unit/ingest/extract_quality.h"

int main(int argc, char** argv) {
  std::string dir = KINDRED_SOURCE_DIR "/tests/data/html";
  bool verbose = false;
  int repeat = 20;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--verbose") == 0) {
      verbose = true;
    } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      dir = argv[i];
    }
  }
  using kindred::ingest::quality::PageScore;
  const auto set = kindred::ingest::quality::score_set(dir);
  if (set.pages.empty()) {
    std::fprintf(stderr, "no labelled pages in %s\n", dir.c_str());
    return 2;
  }
  uint64_t bytes = 0;
  std::printf("%-28s %9s %9s %7s %7s  %s\n", "page", "precision", "recall", "words", "label",
              "title date url site");
  for (const PageScore& p : set.pages) {
    bytes += p.bytes;
    std::printf("%-28s %9.3f %9.3f %7llu %7llu  %-5s %-4s %-3s %-4s %s\n", p.name.c_str(),
                p.precision(), p.recall(), static_cast<unsigned long long>(p.extracted),
                static_cast<unsigned long long>(p.label), p.title ? "ok" : "NO",
                p.date ? "ok" : "NO", p.url ? "ok" : "NO", p.site ? "ok" : "NO", p.error.c_str());
    if (verbose && !(p.title && p.date && p.url && p.site)) {
      std::printf("    title=[%s] date=[%s] url=[%s] site=[%s]\n", p.doc.title.c_str(),
                  p.doc.date.c_str(), p.doc.url.c_str(), p.doc.source.c_str());
    }
    if (verbose && (p.precision() < 0.95 || p.recall() < 0.95)) {
      std::printf("    ---- extracted ----\n%s\n    -------------------\n", p.doc.text.c_str());
    }
  }
  std::printf("\n%zu pages, %.1f KiB\n", set.pages.size(), double(bytes) / 1024);
  std::printf("overall (micro, all words)  precision %.3f  recall %.3f\n", set.micro_precision(),
              set.micro_recall());
  std::printf("overall (macro, page mean)  precision %.3f  recall %.3f\n", set.macro_precision(),
              set.macro_recall());
  std::printf("metadata fields matching    %zu of %zu\n", set.metadata_matches(),
              set.pages.size() * 4);
  // Speed: decoding and extraction only, pages already in memory.
  std::vector<std::string> pages;
  for (const PageScore& p : set.pages) {
    pages.push_back(
        kindred::ingest::quality::read_file(std::filesystem::path(dir) / (p.name + ".html")));
  }
  const auto start = std::chrono::steady_clock::now();
  size_t chars = 0;
  for (int r = 0; r < repeat; ++r) {
    for (const std::string& page : pages) {
      kindred::Document doc;
      kindred::ingest::HtmlPageInfo info;
      (void)kindred::ingest::html_to_document(page, {}, {}, &doc, &info);
      chars += doc.text.size();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double runs = double(repeat) * double(pages.size());
  std::printf(
      "speed (decode + extract, %d rounds) %.0f pages/s, %.1f MB/s of HTML (%zu chars out)\n",
      repeat, runs / seconds, double(bytes) * repeat / seconds / 1e6, chars);
  const bool ok = set.micro_precision() >= 0.9 && set.micro_recall() >= 0.9 &&
                  set.macro_precision() >= 0.9 && set.macro_recall() >= 0.9;
  return ok ? 0 : 1;
}
