// One table of JSON documents drives both users of document_from_json(): the
// JSON Lines reader (through read_path, as `kindred scan` reads) and the rule
// the server's POST /documents applies (the shared function itself, then the
// server's one addition: an id is required). Issue 16: they used to disagree
// on empty and numeric ids, and neither limited ids or refused a second "text".
#include "ingest/json_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest_test_util.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::read_all;
using testing::TempDir;

struct Row {
  std::string json;
  std::string id;     ///< the id read, when accepted ("" for a record without one)
  std::string error;  ///< a piece of the reason when rejected; empty when accepted
};

const std::string kLongestId(kMaxIdBytes, 'i');

const std::vector<Row> kRows = {
    {R"({"id":"a","text":"words here"})", "a", ""},
    {R"({"id":42,"text":"words here"})", "42", ""},
    {R"({"id":-7,"text":"words here"})", "-7", ""},
    {R"({"id":18446744073709551615,"text":"w"})", "18446744073709551615", ""},
    {R"({"id":"","text":"words here"})", "", "id field 'id' is empty"},
    {R"({"id":1.5,"text":"words here"})", "", "must be a string or an integer, got a number"},
    {R"({"id":true,"text":"words here"})", "", "must be a string or an integer, got a boolean"},
    {R"({"id":"a","text":"first","text":"second"})", "a", "duplicate field 'text'"},
    {R"({"id":"a","id":"b","text":"words"})", "", "duplicate field 'id'"},
    {R"({"id":"a","text":"w","title":"x","title":"y"})", "a", "duplicate field 'title'"},
    {R"({"id":")" + kLongestId + R"(","text":"words"})", kLongestId, ""},
    {R"({"id":")" + kLongestId + R"(i","text":"words"})", "",
     "id of 512 bytes is longer than the limit of 511"},
    {R"({"text":"no id"})", "", ""},
    {R"({"id":null,"text":"null id"})", "", ""},
    {R"({"id":"a"})", "a", "missing text field 'text'"},
    {R"({"id":"a","text":null})", "a", "missing text field 'text'"},
    {R"({"id":"a","text":5})", "a", "text field 'text' must be a string, got a number"},
    {R"({"id":"a","text":""})", "a", ""},  // no words: rejected later, like any reader's
    {R"({"id":"a","text":"w","title":null,"url":"u"})", "a", ""},
    {R"({"id":"a","text":"w","date":3})", "a", "field 'date' must be a string, got a number"},
    {R"({"id":"a","text":"w","other":{"text":"nested"}})", "a", ""},
    {R"(["id","text"])", "", "expected a JSON object, got an array"},
};

TEST(JsonDocument, OneTableForJsonLinesAndTheServer) {
  TempDir dir;
  simdjson::dom::parser parser;
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.json.substr(0, 80));
    const std::string path = dir.write("one.jsonl", row.json + "\n");
    Collected c = read_all(path);
    simdjson::dom::element root;
    ASSERT_EQ(parser.parse(row.json).get(root), simdjson::SUCCESS);
    Document doc;
    std::string id;
    const Status shared = document_from_json(root, JsonFields{}, &doc, &id);
    if (row.error.empty()) {
      ASSERT_EQ(c.rejects.size(), 0u) << c.rejects[0].status.message();
      ASSERT_EQ(c.docs.size(), 1u);
      EXPECT_EQ(c.docs[0].id, row.id.empty() ? path + ":1" : row.id);  // JSON Lines names it
      ASSERT_TRUE(shared.is_ok()) << shared.message();
      EXPECT_EQ(doc.id, row.id);  // the server rejects an empty one: "missing id field 'id'"
      EXPECT_EQ(id, row.id);
    } else {
      EXPECT_EQ(c.docs.size(), 0u);
      ASSERT_EQ(c.rejects.size(), 1u);
      const Rejection& r = c.rejects[0];
      EXPECT_EQ(r.status.code(), StatusCode::kDataError);
      EXPECT_EQ(r.status.message(), path + ":1: " + shared.message());  // the same reason
      EXPECT_EQ(r.id, row.id);
      EXPECT_EQ(shared.code(), StatusCode::kDataError);
      EXPECT_NE(shared.message().find(row.error), std::string::npos) << shared.message();
      EXPECT_EQ(id, row.id);
    }
  }
}

// An id over the limit is not echoed back in the rejection (it would be
// repeated in every record that names it).
TEST(JsonDocument, OverlongIdIsNotRepeatedInTheRejection) {
  TempDir dir;
  const std::string huge(1 << 20, 'x');
  Collected c = read_all(dir.write("big.jsonl", R"({"id":")" + huge +
                                                    R"(","text":"words"})"
                                                    "\n"));
  ASSERT_EQ(c.rejects.size(), 1u);
  EXPECT_TRUE(c.rejects[0].id.empty());
  EXPECT_LT(c.rejects[0].status.message().size(), 300u);
}

}  // namespace
}  // namespace kindred::ingest
