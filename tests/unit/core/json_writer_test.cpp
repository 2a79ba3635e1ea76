#include <gtest/gtest.h>
#include <simdjson.h>

#include "util/json_writer.h"

namespace kindred::util {
namespace {

TEST(JsonWriter, EscapedStringsRoundTripThroughAParser) {
  const std::string nasty = "quote \" backslash \\ newline \n tab \t ctrl \x01 del \x7f é ’";
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("s", nasty).field("n", uint64_t{42}).field("x", 0.123456).field("b", true);
  w.key("arr").begin_array().value("a").value(int64_t{-3}).end_array().end_object();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(out).get(doc), simdjson::SUCCESS) << out;
  std::string_view s;
  ASSERT_EQ(doc["s"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, nasty);
  EXPECT_EQ(uint64_t(doc["n"]), 42u);
  EXPECT_DOUBLE_EQ(double(doc["x"]), 0.1235);  // four decimals
  EXPECT_TRUE(bool(doc["b"]));
  EXPECT_EQ(int64_t(doc["arr"].at(1)), -3);
}

TEST(JsonWriter, NonFiniteDoublesAreNull) {
  std::string out;
  JsonWriter(out).begin_array().value(1.0 / 0.0).end_array();
  EXPECT_EQ(out, "[null]");
}

}  // namespace
}  // namespace kindred::util
