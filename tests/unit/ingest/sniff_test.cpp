// Formats chosen by content before names, and directories mixing every format.
#include "ingest/sniff.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ingest/reader.h"
#include "ingest_test_util.h"
#include "warc_fixture.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::gzip;
using testing::read_all;
using testing::TempDir;
using testing::zstd;

TEST(Sniff, ContentSignatures) {
  EXPECT_EQ(sniff_content("WARC/1.0\r\nWARC-Type: warcinfo"), Format::kWarc);
  EXPECT_EQ(sniff_content("<!DOCTYPE html><html>"), Format::kHtml);
  EXPECT_EQ(sniff_content("\xEF\xBB\xBF \n <HTML lang=en>"), Format::kHtml);
  EXPECT_EQ(sniff_content("<!-- generated --><html>"), Format::kHtml);
  EXPECT_EQ(sniff_content("<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"x\">\n<html>"),
            Format::kHtml);
  EXPECT_EQ(sniff_content("<!-- a comment, then no html -->"), Format::kUnknown);
  EXPECT_EQ(sniff_content("<rss version=\"2.0\">"), Format::kUnknown);
  EXPECT_EQ(sniff_content("{\"id\":1}"), Format::kUnknown);  // a brace alone decides nothing here
  EXPECT_EQ(sniff_content(""), Format::kUnknown);
}

TEST(Sniff, ContentBeforeNamesButBracesDoNotOverruleNames) {
  EXPECT_EQ(choose_format("WARC/1.1\r\n", "notes.txt"), Format::kWarc);
  EXPECT_EQ(choose_format("<!doctype html>", "page.jsonl"), Format::kHtml);
  EXPECT_EQ(choose_format("{\"text\":\"x\"}", "letter.txt"), Format::kText);
  EXPECT_EQ(choose_format("{\"text\":\"x\"}", "dump"), Format::kJsonLines);
  EXPECT_EQ(choose_format("  \n{\"text\":\"x\"}", "dump.bin"), Format::kJsonLines);
  EXPECT_EQ(choose_format("hello", "dump.bin"), Format::kUnknown);
  EXPECT_EQ(format_from_name("A.HTM"), Format::kHtml);
  EXPECT_EQ(format_from_name("x.warc.gz"), Format::kWarc);
  EXPECT_EQ(format_from_name("x.xhtml.zst"), Format::kHtml);
  EXPECT_EQ(format_from_name("x.gz"), Format::kUnknown);
}

TEST(Sniff, DirectoryMixingEveryFormat) {
  TempDir dir;
  const std::string page =
      testing::news_page("Mixed", {"A paragraph long enough to be taken for the article text."});
  testing::WarcBuilder warc;
  warc.response("https://mixed.example/w", page);

  dir.write("a.txt", "Plain text\nbody\n");
  dir.write("b.jsonl",
            "{\"id\":\"j1\",\"text\":\"json one\"}\n{\"id\":\"j2\",\"text\":\"json two\"}\n");
  dir.write("c.html", page);
  dir.write("d.htm.gz", gzip(page));
  dir.write("e.warc.gz", warc.gz());
  dir.write("f", warc.plain());                  // no name: WARC by content
  dir.write("g.dat", page);                      // wrong name: HTML by content
  dir.write("h.txt", "{not json, a letter}\n");  // a brace does not overrule .txt
  dir.write("i.md", "# notes\n");                // nothing recognisable: skipped
  dir.write("j.json.zst", zstd("{\"id\":\"j3\",\"text\":\"json three\"}\n"));
  dir.write("k.bin", zstd("{\"id\":\"j4\",\"text\":\"json four\"}\n"));  // zstd, then a brace
  Collected c = read_all(dir.path().string());
  ASSERT_TRUE(c.rejects.empty()) << c.rejects[0].status.to_string();
  std::map<std::string, std::string> by_id;
  for (const Document& d : c.docs) by_id[d.id] = d.text;
  EXPECT_EQ(by_id["a.txt"], "Plain text\nbody\n");
  EXPECT_EQ(by_id["j1"], "json one");
  EXPECT_EQ(by_id["j3"], "json three");
  EXPECT_EQ(by_id["j4"], "json four");
  const std::string body = "A paragraph long enough to be taken for the article text.";
  EXPECT_EQ(by_id["c.html"], body);
  EXPECT_EQ(by_id["d.htm.gz"], body);
  EXPECT_EQ(by_id["g.dat"], body);
  EXPECT_EQ(by_id["h.txt"], "{not json, a letter}\n");
  EXPECT_EQ(c.docs.size(), 11u);  // 2 WARC records under one id: ids are per record
  EXPECT_EQ(c.stats.files, 10u);
  EXPECT_EQ(c.stats.files_skipped, 1u);
}

TEST(Sniff, SingleFileOfNoKnownFormatIsAnInvalidArgument) {
  TempDir dir;
  const std::string path = dir.write("blob.bin", "\x01\x02\x03 binary");
  Collected c = read_all(path);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.stats.files, 0u);
}

TEST(Sniff, CorruptCompressedFileOfUnknownNameIsRejected) {
  TempDir dir;
  // Cut right after the gzip header: nothing decodes before the damage.
  std::string gz = gzip(std::string(5000, 'x'));
  dir.write("blob", gz.substr(0, 12));
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace kindred::ingest
