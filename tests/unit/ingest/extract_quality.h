// Extraction quality on the labelled page set (tests/data/html): word-level
// precision and recall of each page's extracted body against its label, as
// bags of words (multiset intersection of normalised tokens), and exact
// matches of title, date, url and site. Shared by the unit test that holds
// the bar and by bench/bench_extract.cpp, which prints the table.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <simdjson.h>

#include "ingest/html_reader.h"
#include "normalize/tokenize.h"

namespace kindred::ingest::quality {

struct PageScore {
  std::string name;
  uint64_t extracted = 0;                                       ///< words in the extracted body
  uint64_t label = 0;                                           ///< words in the labelled body
  uint64_t common = 0;                                          ///< multiset intersection
  bool title = false, date = false, url = false, site = false;  ///< metadata equal to the label
  Document doc;                                                 ///< what extraction gave
  std::string error;   ///< non-empty when the page was rejected
  uint64_t bytes = 0;  ///< page size

  double precision() const { return extracted == 0 ? 0.0 : double(common) / double(extracted); }
  double recall() const { return label == 0 ? 1.0 : double(common) / double(label); }
};

struct SetScore {
  std::vector<PageScore> pages;
  uint64_t extracted = 0, label = 0, common = 0;  // summed over pages
  double micro_precision() const {
    return extracted == 0 ? 0.0 : double(common) / double(extracted);
  }
  double micro_recall() const { return label == 0 ? 1.0 : double(common) / double(label); }
  double macro_precision() const {
    double s = 0;
    for (const PageScore& p : pages) s += p.precision();
    return pages.empty() ? 0.0 : s / double(pages.size());
  }
  double macro_recall() const {
    double s = 0;
    for (const PageScore& p : pages) s += p.recall();
    return pages.empty() ? 0.0 : s / double(pages.size());
  }
  size_t metadata_matches() const {
    size_t n = 0;
    for (const PageScore& p : pages) n += p.title + p.date + p.url + p.site;
    return n;
  }
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<uint64_t> sorted_words(std::string_view text) {
  std::vector<normalize::Token> tokens;
  normalize::tokenize(text, tokens);
  std::vector<uint64_t> words;
  words.reserve(tokens.size());
  for (const normalize::Token& t : tokens) words.push_back(t.hash);
  std::sort(words.begin(), words.end());
  return words;
}

// Size of the multiset intersection of two sorted word lists.
inline uint64_t common_words(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  uint64_t n = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}

inline std::string json_string(simdjson::dom::element obj, const char* key) {
  std::string_view sv;
  if (obj[key].get_string().get(sv) != simdjson::SUCCESS) return {};
  return std::string(sv);
}

// Scores one page `<dir>/<name>.html` against `<name>.body.txt` and `<name>.meta.json`.
inline PageScore score_page(const std::filesystem::path& dir, const std::string& name) {
  PageScore s;
  s.name = name;
  const std::string html = read_file(dir / (name + ".html"));
  s.bytes = html.size();
  std::string label = read_file(dir / (name + ".body.txt"));
  HtmlPageInfo info;
  Status st = html_to_document(html, {}, {}, &s.doc, &info);
  if (!st.is_ok()) s.error = st.to_string();
  const std::vector<uint64_t> got = sorted_words(s.doc.text);
  const std::vector<uint64_t> want = sorted_words(label);
  s.extracted = got.size();
  s.label = want.size();
  s.common = common_words(got, want);

  simdjson::dom::parser parser;
  simdjson::padded_string meta = simdjson::padded_string(read_file(dir / (name + ".meta.json")));
  simdjson::dom::element root;
  if (parser.parse(meta).get(root) == simdjson::SUCCESS) {
    s.title = json_string(root, "title") == s.doc.title;
    s.date = json_string(root, "date") == s.doc.date;
    s.url = json_string(root, "url") == s.doc.url;
    s.site = json_string(root, "site") == s.doc.source;
  }
  return s;
}

// Every labelled page of `dir`, in name order.
inline SetScore score_set(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.ends_with(".html") &&
        std::filesystem::exists(dir / (file.substr(0, file.size() - 5) + ".body.txt"))) {
      names.push_back(file.substr(0, file.size() - 5));
    }
  }
  std::sort(names.begin(), names.end());
  SetScore set;
  for (const std::string& name : names) {
    PageScore p = score_page(dir, name);
    set.extracted += p.extracted;
    set.label += p.label;
    set.common += p.common;
    set.pages.push_back(std::move(p));
  }
  return set;
}

}  // namespace kindred::ingest::quality
