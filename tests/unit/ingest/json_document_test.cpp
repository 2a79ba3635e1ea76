// One table of JSON documents (json_document_cases.h) drives both users of
// document_from_json(): here the JSON Lines reader (through read_path, as
// `kindred scan` reads) and the shared function itself; the server's POST
// /documents reads the same table in tests/integration/server_test.cpp.
// Issue 16: they used to disagree on empty and numeric ids, and neither
// limited ids or refused a second "text".
#include "ingest/json_document.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest_test_util.h"
#include "json_document_cases.h"

namespace kindred::ingest {
namespace {

using testing::Collected;
using testing::read_all;
using testing::TempDir;

TEST(JsonDocument, OneTableForJsonLinesAndTheServer) {
  TempDir dir;
  simdjson::dom::parser parser;
  for (const json_cases::Row& row : json_cases::rows()) {
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
      EXPECT_EQ(c.docs[0].text, row.text);
      EXPECT_EQ(doc.text, row.text);
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
