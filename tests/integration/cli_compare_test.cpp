// End to end: the reused passages of `kindred compare`, as JSON and side by side.
#include <gtest/gtest.h>

#include <zlib.h>
#include <zstd.h>

#include <cstdlib>

#include "cli_runner.h"

namespace kindred::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(KINDRED_SOURCE_DIR) / "examples" / "corpus";
const fs::path kSeeds = fs::path(KINDRED_SHARED_DIR) / "seeds";

struct JsonPassage {
  uint64_t a_begin, a_end, b_begin, b_end, a_words, b_words, matched_words;
  double identity, score;
  std::string a_text, b_text;
};

// Runs `compare --json A B` and returns its passages, checked against the
// bytes of both files: each text is exactly the file's bytes at its offsets,
// the counts agree, and passages are sorted and disjoint on both sides.
std::vector<JsonPassage> compare_passages(const fs::path& a, const fs::path& b) {
  const RunResult r = run_kindred("compare --json " + quote(a) + " " + quote(b));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(r.out).get(e), simdjson::SUCCESS) << r.out;
  simdjson::dom::array list;
  EXPECT_EQ(e["passages"].get_array().get(list), simdjson::SUCCESS) << r.out;
  const std::string bytes_a = read_file(a), bytes_b = read_file(b);
  std::vector<JsonPassage> out;
  for (simdjson::dom::element x : list) {
    JsonPassage p{uint64_t(x["a_begin"]),
                  uint64_t(x["a_end"]),
                  uint64_t(x["b_begin"]),
                  uint64_t(x["b_end"]),
                  uint64_t(x["a_words"]),
                  uint64_t(x["b_words"]),
                  uint64_t(x["matched_words"]),
                  double(x["identity"]),
                  double(x["score"]),
                  std::string(std::string_view(x["a_text"])),
                  std::string(std::string_view(x["b_text"]))};
    EXPECT_LT(p.a_begin, p.a_end);
    EXPECT_LE(p.a_end, bytes_a.size());
    EXPECT_LT(p.b_begin, p.b_end);
    EXPECT_LE(p.b_end, bytes_b.size());
    if (p.a_end > bytes_a.size() || p.b_end > bytes_b.size()) break;
    EXPECT_EQ(p.a_text, bytes_a.substr(p.a_begin, p.a_end - p.a_begin));
    EXPECT_EQ(p.b_text, bytes_b.substr(p.b_begin, p.b_end - p.b_begin));
    EXPECT_GE(p.matched_words, 8u);
    EXPECT_LE(p.matched_words, std::min(p.a_words, p.b_words));
    EXPECT_NEAR(p.identity, double(p.matched_words) / double(std::max(p.a_words, p.b_words)), 1e-4);
    EXPECT_GE(p.identity, 0.5);
    EXPECT_GT(p.score, 0);
    for (const JsonPassage& q : out) {
      EXPECT_LE(q.a_end, p.a_begin) << "sorted by a_begin and disjoint in a";
      EXPECT_TRUE(q.b_end <= p.b_begin || p.b_end <= q.b_begin) << "disjoint in b";
    }
    out.push_back(std::move(p));
  }
  return out;
}

// Byte ranges of the paragraphs after the headline (first line), without
// surrounding whitespace.
std::vector<std::pair<size_t, size_t>> body_paragraphs(const std::string& text) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t at = text.find('\n');
  while (at != std::string::npos && at < text.size()) {
    const size_t begin = text.find_first_not_of(" \n\r\t", at);
    if (begin == std::string::npos) break;
    size_t end = text.find("\n\n", begin);
    if (end == std::string::npos) end = text.size();
    const size_t last = text.find_last_not_of(" \n\r\t", end - 1);
    out.emplace_back(begin, last + 1);
    at = end;
  }
  return out;
}

TEST(ComparePassages, AbridgedCopyIsCoveredParagraphByParagraph) {
  const fs::path a = kCorpus / "strike" / "abridged.txt", b = kCorpus / "strike" / "wire_full.txt";
  const auto passages = compare_passages(a, b);
  ASSERT_FALSE(passages.empty());
  const std::string text = read_file(a);
  const auto paragraphs = body_paragraphs(text);
  ASSERT_EQ(paragraphs.size(), 7u) << "TRUTH.md: 7 of the source's paragraphs";
  for (const auto& [begin, end] : paragraphs) {
    // Every paragraph lies inside one passage, give or take the punctuation
    // around its first and last word (".â" is 4 bytes).
    bool inside = false;
    for (const auto& p : passages) inside |= p.a_begin <= begin + 4 && p.a_end + 4 >= end;
    EXPECT_TRUE(inside) << "not inside one passage: " << text.substr(begin, 80) << "...";
  }
  // The one edit, "early on Tuesday" -> "early Tuesday", sits inside a passage.
  bool edit_inside = false;
  for (const auto& p : passages) {
    edit_inside |= p.a_text.find("early Tuesday") != std::string::npos &&
                   p.b_text.find("early on Tuesday") != std::string::npos;
  }
  EXPECT_TRUE(edit_inside);
}

TEST(ComparePassages, RewriteKeepsItsReusedSentences) {
  const fs::path a = kCorpus / "strike" / "rewrite.txt", b = kCorpus / "strike" / "wire_full.txt";
  const auto passages = compare_passages(a, b);
  ASSERT_GE(passages.size(), 1u);
  uint64_t matched = 0, words = 0;
  for (const auto& p : passages) matched += p.matched_words;
  for (const auto& q : compare_passages(b, a)) words += q.matched_words;
  EXPECT_EQ(matched, words) << "the same words align whichever file comes first";
  EXPECT_GE(matched, 250u) << "about half of the rewrite's 588 words are kept";
  // A quote both keep word for word.
  bool quote = false;
  for (const auto& p : passages) {
    quote |= p.a_text.find("We did not choose this fight") != std::string::npos;
  }
  EXPECT_TRUE(quote);
}

TEST(ComparePassages, UnrelatedFilesHaveNoneAndNoPassagesSkipsAlignment) {
  const fs::path recipe = kCorpus / "misc" / "recipe_column.txt",
                 wire = kCorpus / "strike" / "wire_full.txt";
  EXPECT_TRUE(compare_passages(recipe, wire).empty());
  const RunResult json = run_kindred("compare --json --no-passages " + quote(wire) + " " +
                                     quote(kCorpus / "strike" / "abridged.txt"));
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.out.find("passages"), std::string::npos) << json.out;
  simdjson::dom::parser parser;
  EXPECT_GE(double(parser.parse(json.out)["containment_b_in_a"]), 0.85);
  const RunResult text = run_kindred("compare --no-passages " + quote(wire) + " " + quote(wire));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out.find("passage"), std::string::npos) << text.out;
}

// Display width in code points.
size_t columns_of(const std::string& line) {
  size_t w = 0;
  for (char c : line) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

TEST(ComparePassages, SideBySideFitsTheWidthAndMarksChangesWithoutColour) {
  const fs::path a = kCorpus / "strike" / "rewrite.txt", b = kCorpus / "strike" / "wire_full.txt";
  for (int width : {60, 100, 140}) {
    ::setenv("COLUMNS", std::to_string(width).c_str(), 1);
    const RunResult r = run_kindred("compare " + quote(a) + " " + quote(b));
    ::unsetenv("COLUMNS");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("relation"), std::string::npos) << "the numbers come first";
    EXPECT_NE(r.out.find("reused passages"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "no colour when stdout is not a terminal";
    // "early" was dropped by the rewrite, "wages" replaced "pay": plain markers.
    EXPECT_NE(r.out.find("{+early+}"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[-pay-]"), std::string::npos);
    EXPECT_NE(r.out.find("{+wages+}"), std::string::npos);
    std::istringstream lines(r.out);
    std::string line;
    int rows = 0;
    const size_t col = (static_cast<size_t>(width) - 3) / 2;
    while (std::getline(lines, line)) {
      if (line.size() < col + 3 || line.compare(col, 3, " | ") != 0) continue;
      ++rows;
      EXPECT_LE(columns_of(line), static_cast<size_t>(width)) << line;
    }
    EXPECT_GT(rows, 20) << "two columns split at " << col << ":\n" << r.out;
  }
}

TEST(ComparePassages, SeedsAbridgedCopyIsCovered) {
  if (!fs::exists(kSeeds)) GTEST_SKIP() << "../shared/seeds not present: seed test skipped";
  fs::path s0, s1;
  for (const auto& e : fs::directory_iterator(kSeeds)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("000", 0) == 0) s0 = e.path();
    if (name.rfind("001", 0) == 0) s1 = e.path();
  }
  const auto passages = compare_passages(s0, s1);
  uint64_t words = 0;
  for (const auto& p : passages) words += p.a_words;
  const RunResult r = run_kindred("compare --json --no-passages " + quote(s0) + " " + quote(s1));
  simdjson::dom::parser parser;
  const uint64_t total = uint64_t(parser.parse(r.out)["words_a"]);
  EXPECT_GE(double(words), 0.85 * double(total));
}

// `compare --json A B`'s object (exit code checked).
simdjson::dom::element compare_json(simdjson::dom::parser& parser, const fs::path& a,
                                    const fs::path& b) {
  const RunResult r = run_kindred("compare --json --no-passages " + quote(a) + " " + quote(b));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  simdjson::dom::element e;
  EXPECT_EQ(parser.parse(r.out).get(e), simdjson::SUCCESS) << r.out;
  return e;
}

// A and B are read as scan reads its inputs: HTML is compared by its article,
// a gzip or zstd file by its content, a WARC record by its page, a JSON Lines record by
// its text field; a file of no known format is plain text.
TEST(CompareInputs, EveryFormatScanReadsIsComparedByItsText) {
  TempDir tmp;
  const std::string text = read_file(kCorpus / "strike" / "wire_full.txt");
  const fs::path plain = tmp / "wire.txt";
  write_file(plain, text);
  std::string paragraphs;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find("\n\n", at);
    if (end == std::string::npos) end = text.size();
    paragraphs += "<p>" + text.substr(at, end - at) + "</p>\n";
    at = end + 2;
  }
  const std::string html =
      "<!DOCTYPE html><html><head><title>Strike</title><script>var tracking = 'menu "
      "subscribe share login cookie consent banner advert';</script></head><body><nav>Home "
      "World Business Sport Weather Subscribe Sign in</nav><article>" +
      paragraphs + "</article><footer>Copyright notice, privacy policy, terms of use</footer>" +
      "</body></html>";
  const fs::path page = tmp / "wire.html";
  write_file(page, html);
  const fs::path gz = tmp / "wire.txt.gz";
  gzFile g = gzopen(gz.c_str(), "wb");
  ASSERT_NE(g, nullptr);
  ASSERT_EQ(gzwrite(g, text.data(), static_cast<unsigned>(text.size())), int(text.size()));
  ASSERT_EQ(gzclose(g), Z_OK);
  // zstd under a name that says nothing more: decompressed, then plain text
  // (compare used to read such a file as raw bytes, not through ingest).
  const fs::path zst = tmp / "wire.zst";
  std::string packed(ZSTD_compressBound(text.size()), '\0');
  const size_t packed_size =
      ZSTD_compress(packed.data(), packed.size(), text.data(), text.size(), 3);
  ASSERT_FALSE(ZSTD_isError(packed_size));
  packed.resize(packed_size);
  write_file(zst, packed);
  const std::string http =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
      "Content-Length: " +
      std::to_string(html.size()) + "\r\n\r\n" + html;
  const std::string warc =
      "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
      "WARC-Target-URI: https://example.org/strike\r\n"
      "Content-Type: application/http; msgtype=response\r\n"
      "Content-Length: " +
      std::to_string(http.size()) + "\r\n\r\n" + http + "\r\n\r\n";
  const fs::path archive = tmp / "wire.warc";
  write_file(archive, warc);
  std::string escaped;  // the text as a JSON string
  for (char c : text) {
    if (c == '\n')
      escaped += "\\n";
    else if (c == '"' || c == '\\')
      escaped += std::string("\\") + c;
    else
      escaped += c;
  }
  const fs::path record = tmp / "wire.jsonl";
  write_file(record, "{\"id\": \"w\", \"text\": \"" + escaped + "\"}\n");
  const fs::path no_extension = tmp / "wire";
  write_file(no_extension, text);

  simdjson::dom::parser parser;
  simdjson::dom::element root_of_piped;
  for (const fs::path& same : {gz, zst, record, no_extension}) {
    const auto e = compare_json(parser, plain, same);
    EXPECT_EQ(double(e["jaccard"]), 1.0) << same;
    EXPECT_EQ(std::string_view(e["relation"]), "exact") << same;
  }
  // stdin: read as the file is (a pasted page would be its article).
  const RunResult piped = run_kindred("compare --json " + quote(plain) + " -", zst.string());
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  ASSERT_EQ(parser.parse(piped.out).get(root_of_piped), simdjson::SUCCESS);
  EXPECT_EQ(double(root_of_piped["jaccard"]), 1.0);
  for (const fs::path& markup : {page, archive}) {
    // The article, not the markup: the menu, script and footer words are gone.
    const auto e = compare_json(parser, plain, markup);
    EXPECT_GE(double(e["jaccard"]), 0.95) << markup;
    EXPECT_EQ(uint64_t(e["words_a"]), uint64_t(e["words_b"])) << markup;
  }
}

TEST(CompareInputs, AnInputOfManyDocumentsOrABadRecordIsAnError) {
  TempDir tmp;
  const fs::path a = kCorpus / "strike" / "wire_full.txt";
  const fs::path two = tmp / "two.jsonl", bad = tmp / "bad.jsonl";
  write_file(two,
             "{\"id\": \"1\", \"text\": \"one two three\"}\n"
             "{\"id\": \"2\", \"text\": \"four five six\"}\n");
  write_file(bad, "{\"id\": \"1\", \"text\": \n");
  const RunResult many = run_kindred("compare " + quote(a) + " " + quote(two));
  EXPECT_EQ(many.exit_code, 1);
  EXPECT_NE(many.err.find("more than one document"), std::string::npos) << many.err;
  const RunResult broken = run_kindred("compare " + quote(bad) + " " + quote(a));
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("bad.jsonl:1"), std::string::npos) << broken.err;
  const RunResult missing = run_kindred("compare " + quote(tmp / "absent.txt") + " " + quote(a));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("absent.txt"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace kindred::testing
