// read_path() on plain files and folders: .txt documents, JSON Lines records,
// and every way a record can be rejected.
#include "ingest/reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "ingest/text_reader.h"
#include "ingest_test_util.h"
#include "util/utf8.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::read_all;
using testing::TempDir;

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(ReadText, NestedFolderGivesRelativeIdsInSortedOrder) {
  TempDir dir;
  const std::string b = "Bee\nbody b\n", ac = "\n   \n  Dash title  \nbody\n", z = "Zed\n",
                    abc = "Deep one\r\nsecond line\r\n";
  dir.write("b.txt", b);
  dir.write("a-c.txt", ac);
  dir.write("a/z.txt", z);
  dir.write("a/b/c.txt", abc);
  Collected c = read_all(dir.path().string());
  ASSERT_TRUE(c.status.is_ok()) << c.status.to_string();
  EXPECT_TRUE(c.rejects.empty());
  ASSERT_EQ(c.docs.size(), 4u);
  // Component-wise path order: the folder "a" sorts before "a-c.txt".
  EXPECT_EQ(c.docs[0].id, "a/b/c.txt");
  EXPECT_EQ(c.docs[1].id, "a/z.txt");
  EXPECT_EQ(c.docs[2].id, "a-c.txt");
  EXPECT_EQ(c.docs[3].id, "b.txt");
  EXPECT_EQ(c.docs[0].title, "Deep one");
  EXPECT_EQ(c.docs[2].title, "Dash title");
  EXPECT_EQ(c.docs[3].text, "Bee\nbody b\n");
  EXPECT_EQ(c.docs[0].origin.file, (dir.path() / "a/b/c.txt").string());
  EXPECT_EQ(c.docs[0].origin.line, 0u);
  EXPECT_EQ(c.stats.files, 4u);
  EXPECT_EQ(c.stats.records, 4u);
  EXPECT_EQ(c.stats.rejected, 0u);
  EXPECT_EQ(c.stats.bytes, b.size() + ac.size() + z.size() + abc.size());
}

TEST(ReadText, FileArgumentIdIsThePathAsGiven) {
  TempDir dir;
  std::string path = dir.write("one.TXT", "\xEF\xBB\xBFHello\n");
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, path);
  EXPECT_EQ(c.docs[0].origin.file, path);
  EXPECT_EQ(c.docs[0].text, "Hello\n");  // BOM removed
  EXPECT_EQ(c.docs[0].title, "Hello");
}

TEST(ReadText, TitleIsCutAtACharacterBoundary) {
  std::string line = "x";
  for (int i = 0; i < 200; ++i) line += "\xC3\xA9";  // é, 2 bytes each
  std::string title = title_from_text("  \n\t\n" + line + "\nrest");
  EXPECT_EQ(title.size(), 299u);  // byte 300 would split an é
  EXPECT_TRUE(util::is_valid_utf8(title));
  EXPECT_EQ(title_from_text(" \n \r\n"), "");
  EXPECT_EQ(title_from_text("only line"), "only line");
}

TEST(ReadText, InvalidUtf8AndNulAreRepairedAndCounted) {
  TempDir dir;
  // Damaged UTF-8: its good multi-byte characters outnumber the bad bytes, so
  // it is repaired rather than read as a legacy charset (encoding_test.cpp).
  const std::string good = "café naïve résumé déjà ";
  std::string path = dir.write(
      "bad.txt", good + std::string("ok \xFF\xFE then \xC3 and", 16) + std::string("\0nul", 4));
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].text, good + "ok " + kReplacement + " then " + kReplacement + " andnul");
  EXPECT_EQ(c.docs[0].invalid_utf8, 3u);
  EXPECT_TRUE(util::is_valid_utf8(c.docs[0].text));
}

TEST(ReadText, OverTheLimitIsTooLarge) {
  TempDir dir;
  dir.write("big.txt", std::string(5000, 'a'));
  dir.write("small.txt", std::string(100, 'b'));
  ReadOptions opt;
  opt.max_document_bytes = 100;
  Collected c = read_all(dir.path().string(), opt);
  ASSERT_TRUE(c.status.is_ok());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_NE(c.rejects[0].status.message().find("big.txt"), std::string::npos);
  EXPECT_EQ(c.rejects[0].id, "big.txt");
  ASSERT_EQ(c.docs.size(), 1u);  // exactly at the limit is fine
  EXPECT_EQ(c.docs[0].id, "small.txt");
  EXPECT_EQ(c.stats.bytes, 101u + 100u);  // big.txt was not read past limit + 1
}

// Issue 16: the read buffer grew a MiB at a time and each small document kept
// it, so a folder of 10,000 twelve-word files held over 4 GB.
TEST(ReadText, SmallDocumentsKeepNoReadBuffer) {
  TempDir dir;
  const std::string words = "twelve short words make up the whole of this tiny news file today";
  for (int i = 0; i < 5; ++i) dir.write("d/" + std::to_string(i) + ".txt", words);
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 5u);
  for (const Document& d : c.docs) {
    EXPECT_EQ(d.text, words);
    EXPECT_LE(d.text.capacity(), 2 * d.text.size() + 64) << d.id;
  }
}

TEST(ReadJsonl, AllFieldsIntegerIdsAndMissingId) {
  TempDir dir;
  const std::string first =
      R"({"id":"a1","text":"Body one","title":"T","date":"2024-01-02","url":"http://x","source":"Wire"})";
  std::string path =
      dir.write("n.jsonl", first +
                               "\n"
                               R"({"id":42,"text":"two"})"
                               "\n"
                               R"({"text":"three","id":null})"
                               "\n"
                               R"({"id":18446744073709551615,"text":"four","extra":[1,2]})"
                               "\n");
  Collected c = read_all(path);
  ASSERT_TRUE(c.status.is_ok());
  EXPECT_TRUE(c.rejects.empty());
  ASSERT_EQ(c.docs.size(), 4u);
  const Document& d = c.docs[0];
  EXPECT_EQ(d.id, "a1");
  EXPECT_EQ(d.text, "Body one");
  EXPECT_EQ(d.title, "T");
  EXPECT_EQ(d.date, "2024-01-02");
  EXPECT_EQ(d.url, "http://x");
  EXPECT_EQ(d.source, "Wire");
  EXPECT_EQ(d.origin.file, path);
  EXPECT_EQ(d.origin.line, 1u);
  EXPECT_EQ(d.origin.offset, 0u);
  EXPECT_EQ(c.docs[1].id, "42");
  EXPECT_EQ(c.docs[1].title, "");
  EXPECT_EQ(c.docs[1].origin.line, 2u);
  EXPECT_EQ(c.docs[1].origin.offset, first.size() + 1);
  EXPECT_EQ(c.docs[2].id, path + ":3");
  EXPECT_EQ(c.docs[3].id, "18446744073709551615");
}

TEST(ReadJsonl, ConfigurableFieldNames) {
  TempDir dir;
  std::string path =
      dir.write("f.ndjson", R"({"doc_id":"x","body":"the body","headline":"H","text":"ignored"})"
                            "\n"
                            R"({"doc_id":"y","text":"no body here"})"
                            "\n");
  ReadOptions opt;
  opt.fields.id = "doc_id";
  opt.fields.text = "body";
  opt.fields.title = "headline";
  Collected c = read_all(path, opt);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, "x");
  EXPECT_EQ(c.docs[0].text, "the body");
  EXPECT_EQ(c.docs[0].title, "H");
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kDataError);
  EXPECT_EQ(c.rejects[0].status.message(), path + ":2: missing text field 'body'");
  EXPECT_EQ(c.rejects[0].id, "y");
}

TEST(ReadJsonl, CrlfBomAndBlankLines) {
  TempDir dir;
  std::string path = dir.write("c.json",
                               "\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"one\"}\r\n"
                               "\r\n"
                               "   \t\n"
                               "{\"id\":\"b\",\"text\":\"two\"}\r\n"
                               "\n"
                               "{\"id\":\"c\",\"text\":\"three\"}");  // no final newline
  Collected c = read_all(path);
  ASSERT_TRUE(c.status.is_ok());
  EXPECT_TRUE(c.rejects.empty());
  ASSERT_EQ(c.docs.size(), 3u);
  EXPECT_EQ(c.docs[0].text, "one");
  EXPECT_EQ(c.docs[1].id, "b");
  EXPECT_EQ(c.docs[1].origin.line, 4u);
  EXPECT_EQ(c.docs[1].origin.offset, 3u + 25u + 2u + 5u);
  EXPECT_EQ(c.docs[2].origin.line, 6u);
  EXPECT_EQ(c.docs[2].text, "three");
}

TEST(ReadJsonl, MalformedLineIsRejectedAndReadingGoesOn) {
  TempDir dir;
  std::string path = dir.write("m.jsonl",
                               "{\"id\":\"a\",\"text\":\"one\"}\n"
                               "{\"id\":\"b\",\"text\":\"two\"\n"
                               "[1,2]\n"
                               "{\"id\":\"c\",\"text\":\"three\"} trailing\n"
                               "{\"id\":\"d\",\"text\":\"four\"}\n");
  Collected c = read_all(path);
  ASSERT_TRUE(c.status.is_ok());
  ASSERT_EQ(c.docs.size(), 2u);
  EXPECT_EQ(c.docs[0].id, "a");
  EXPECT_EQ(c.docs[1].id, "d");
  ASSERT_EQ(c.rejects.size(), 3u);
  for (const Rejection& r : c.rejects) {
    EXPECT_EQ(r.status.code(), StatusCode::kDataError);
    EXPECT_TRUE(r.id.empty());
  }
  EXPECT_EQ(c.rejects[0].status.message().rfind(path + ":2: invalid JSON: ", 0), 0u)
      << c.rejects[0].status.message();
  EXPECT_EQ(c.rejects[0].origin.line, 2u);
  EXPECT_EQ(c.rejects[0].origin.offset, 24u);
  EXPECT_EQ(c.rejects[1].status.message(), path + ":3: expected a JSON object, got an array");
  EXPECT_EQ(c.rejects[2].origin.line, 4u);
  EXPECT_EQ(c.stats.rejected, 3u);
  EXPECT_EQ(c.stats.records, 2u);
}

TEST(ReadJsonl, MissingOrNonStringTextAndBadMetadata) {
  TempDir dir;
  std::string path = dir.write("t.jsonl",
                               "{\"id\":\"a\"}\n"
                               "{\"id\":\"b\",\"text\":17}\n"
                               "{\"id\":\"c\",\"text\":\"ok\",\"title\":[\"x\"]}\n"
                               "{\"id\":1.5,\"text\":\"ok\"}\n"
                               "{\"id\":\"e\",\"text\":\"fine\",\"date\":null}\n");
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, "e");
  EXPECT_EQ(c.docs[0].date, "");
  ASSERT_EQ(c.rejects.size(), 4u);
  EXPECT_EQ(c.rejects[0].status.message(), path + ":1: missing text field 'text'");
  EXPECT_EQ(c.rejects[0].id, "a");
  EXPECT_EQ(c.rejects[1].status.message(),
            path + ":2: text field 'text' must be a string, got a number");
  EXPECT_EQ(c.rejects[2].status.message(),
            path + ":3: field 'title' must be a string, got an array");
  EXPECT_EQ(c.rejects[2].id, "c");
  EXPECT_EQ(c.rejects[3].status.message(),
            path + ":4: id field 'id' must be a string or an integer, got a number");
  for (const Rejection& r : c.rejects) EXPECT_EQ(r.status.code(), StatusCode::kDataError);
}

TEST(ReadJsonl, InvalidUtf8InsideAStringIsRepairedNotRejected) {
  TempDir dir;
  std::string path =
      dir.write("u.jsonl",
                "{\"id\":\"a\",\"text\":\"caf\xC3 au \xFF\xFF lait\"}\n"
                "{\"id\":\"b\",\"text\":\"esc\\u0000aped\",\"title\":\"t\\u0000\"}\n" +
                    std::string("{\"id\":\"c\",\"text\":\"raw\0nul\"}\n", 28));
  Collected c = read_all(path);
  EXPECT_TRUE(c.rejects.empty()) << c.rejects[0].status.to_string();
  ASSERT_EQ(c.docs.size(), 3u);
  EXPECT_EQ(c.docs[0].text, "caf" + kReplacement + " au " + kReplacement + " lait");
  EXPECT_EQ(c.docs[0].invalid_utf8, 2u);
  EXPECT_EQ(c.docs[1].text, "escaped");
  EXPECT_EQ(c.docs[1].invalid_utf8, 1u);
  EXPECT_EQ(c.docs[1].title, "t");
  EXPECT_EQ(c.docs[2].text, "rawnul");
  EXPECT_EQ(c.docs[2].invalid_utf8, 1u);
}

TEST(ReadJsonl, EmptyTextIsDeliveredAndEmptyFileHasNoRecords) {
  TempDir dir;
  std::string empty_text = dir.write("e.jsonl", "{\"id\":\"a\",\"text\":\"\"}\n");
  std::string empty_file = dir.write("z.jsonl", "");
  Collected c = read_all(empty_text);
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].text, "");
  EXPECT_TRUE(c.rejects.empty());
  Collected z = read_all(empty_file);
  EXPECT_TRUE(z.status.is_ok());
  EXPECT_TRUE(z.docs.empty());
  EXPECT_TRUE(z.rejects.empty());
  EXPECT_EQ(z.stats.files, 1u);
  EXPECT_EQ(z.stats.bytes, 0u);
}

TEST(ReadJsonl, OverlongLineIsTooLargeAndTheNextLineIsRead) {
  TempDir dir;
  std::string path = dir.write("l.jsonl",
                               "{\"id\":\"a\",\"text\":\"short\"}\n"
                               "{\"id\":\"b\",\"text\":\"" +
                                   std::string(500, 'x') +
                                   "\"}\r\n"
                                   "{\"id\":\"c\",\"text\":\"after\"}\n");
  ReadOptions opt;
  opt.max_document_bytes = 100;
  Collected c = read_all(path, opt);
  ASSERT_EQ(c.docs.size(), 2u);
  EXPECT_EQ(c.docs[1].id, "c");
  EXPECT_EQ(c.docs[1].origin.line, 3u);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kTooLarge);
  EXPECT_EQ(c.rejects[0].status.message(),
            path + ":2: line of 520 bytes exceeds max_document_bytes (100)");
  EXPECT_EQ(c.rejects[0].origin.line, 2u);
}

TEST(ReadJsonl, LongLineWithinTheLimitSpansManyChunks) {
  TempDir dir;
  std::string text(3'500'000, 'w');
  std::string path = dir.write(
      "big.jsonl", "{\"id\":\"big\",\"text\":\"" + text + "\"}\n{\"id\":\"n\",\"text\":\"x\"}\n");
  Collected c = read_all(path);
  ASSERT_EQ(c.docs.size(), 2u);
  EXPECT_EQ(c.docs[0].text, text);
  EXPECT_EQ(c.docs[1].origin.offset, text.size() + 23u);
}

TEST(ReadPath, UnsupportedAndHiddenFilesAreSkipped) {
  TempDir dir;
  dir.write("notes.md", "# not read");
  dir.write("data.csv", "a,b");
  dir.write("archive.gz", "x");
  dir.write(".hidden.txt", "secret");
  dir.write(".git/config.txt", "secret");
  dir.write("keep.txt", "kept");
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 1u);
  EXPECT_EQ(c.docs[0].id, "keep.txt");
  EXPECT_EQ(c.stats.files_skipped, 3u);
  EXPECT_EQ(c.stats.files, 1u);
}

TEST(ReadPath, UnsupportedFileArgumentIsRejected) {
  TempDir dir;
  std::string path = dir.write("notes.md", "x");
  Collected c = read_all(path);
  EXPECT_TRUE(c.status.is_ok());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.rejects[0].origin.file, path);
  EXPECT_EQ(c.stats.files, 0u);
}

TEST(ReadPath, MissingPathIsNotFound) {
  TempDir dir;
  std::string path = (dir.path() / "nope.jsonl").string();
  Collected c = read_all(path);
  EXPECT_TRUE(c.status.is_ok());  // the sink chose to go on
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kNotFound);
  EXPECT_EQ(c.rejects[0].status.message(), path + ": No such file or directory");
  EXPECT_TRUE(c.docs.empty());
  EXPECT_EQ(c.stats.rejected, 1u);

  Collected stop = read_all(path, {}, /*stop_at=*/1);
  EXPECT_EQ(stop.status.code(), StatusCode::kNotFound);
  EXPECT_EQ(stop.status.message(), path + ": No such file or directory");
}

TEST(ReadPath, UnreadableFileInAFolderIsAnIoError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
  TempDir dir;
  std::string path = dir.write("locked.jsonl", "{\"text\":\"x\"}\n");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kIoError);
  EXPECT_NE(c.rejects[0].status.message().find("locked.jsonl: cannot open: Permission denied"),
            std::string::npos)
      << c.rejects[0].status.message();
}

TEST(ReadPath, DanglingLinkInAFolderIsRejected) {
  TempDir dir;
  dir.write("ok.txt", "ok");
  std::filesystem::create_symlink(dir.path() / "gone.txt", dir.path() / "link.txt");
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 1u);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.rejects[0].status.code(), StatusCode::kNotFound);
  EXPECT_NE(c.rejects[0].status.message().find("link.txt: cannot open: No such file or directory"),
            std::string::npos);
  EXPECT_EQ(c.rejects[0].id, "link.txt");
}

TEST(ReadPath, DirectorySymlinkLoopsAreNotFollowed) {
  TempDir dir;
  dir.write("sub/a.txt", "A");
  std::filesystem::create_directory_symlink(dir.path(), dir.path() / "sub" / "loop");
  std::filesystem::create_directory_symlink(dir.path() / "sub", dir.path() / "again");
  dir.write("file.txt", "F");
  std::filesystem::create_symlink(dir.path() / "file.txt", dir.path() / "sub" / "b.txt");
  Collected c = read_all(dir.path().string());
  ASSERT_EQ(c.docs.size(), 3u);  // file links are read, folder links are not
  EXPECT_EQ(c.docs[0].id, "file.txt");
  EXPECT_EQ(c.docs[1].id, "sub/a.txt");
  EXPECT_EQ(c.docs[2].id, "sub/b.txt");
}

TEST(ReadPath, RejectSinkReturningFalseStopsReading) {
  TempDir dir;
  std::string path = dir.write("s.jsonl",
                               "{\"id\":\"a\",\"text\":\"one\"}\n"
                               "not json\n"
                               "{\"id\":\"b\",\"text\":\"two\"}\n"
                               "also bad\n");
  dir.write("t.jsonl", "{\"id\":\"c\",\"text\":\"three\"}\n");
  Collected c = read_all(dir.path().string(), {}, /*stop_at=*/1);
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_EQ(c.status.code(), StatusCode::kDataError);
  EXPECT_EQ(c.status.message(), c.rejects[0].status.message());
  ASSERT_EQ(c.docs.size(), 1u);  // nothing after the stopping rejection
  EXPECT_EQ(c.docs[0].id, "a");

  // Without the stop every record and rejection comes through.
  Collected all = read_all(dir.path().string());
  EXPECT_TRUE(all.status.is_ok());
  EXPECT_EQ(all.docs.size(), 3u);
  EXPECT_EQ(all.rejects.size(), 2u);
}

TEST(ReadPath, NullRejectSinkFailsFast) {
  TempDir dir;
  std::string path = dir.write("s.jsonl", "bad\n{\"text\":\"x\"}\n");
  int docs = 0;
  Status st = read_path(
      path, {}, [&](Document&&) { return ++docs > 0; }, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kDataError);
  EXPECT_EQ(docs, 0);
}

TEST(ReadPath, DocumentSinkCanStopReading) {
  TempDir dir;
  std::string path = dir.write("s.jsonl", testing::numbered_jsonl(10));
  int docs = 0;
  Status st = read_path(
      path, {}, [&](Document&&) { return ++docs < 3; }, [](Rejection&&) { return true; });
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(docs, 3);
}

}  // namespace
}  // namespace kindred::ingest
