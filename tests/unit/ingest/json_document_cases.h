// The table of JSON documents that drives both readers of them: the JSON
// Lines reader (tests/unit/ingest/json_document_test.cpp, through read_path as
// `kindred scan` reads) and the server's POST /documents
// (tests/integration/server_test.cpp, over HTTP). Each row is accepted by both
// or rejected by both with the same reason (ingest/json_document.h).
#pragma once

#include <string>
#include <vector>

#include "ingest/json_document.h"

namespace kindred::json_cases {

struct Row {
  std::string json;
  std::string id;     ///< the id read, when accepted ("" for a record without one)
  std::string error;  ///< a piece of the reason when rejected; empty when accepted
  std::string text;   ///< the text read, when accepted
};

inline const std::vector<Row>& rows() {
  static const std::string longest(ingest::kMaxIdBytes, 'i');
  static const std::vector<Row> table = {
      {R"({"id":"a","text":"words here"})", "a", "", "words here"},
      {R"({"id":42,"text":"words here"})", "42", "", "words here"},
      {R"({"id":-7,"text":"words here"})", "-7", "", "words here"},
      {R"({"id":18446744073709551615,"text":"w"})", "18446744073709551615", "", "w"},
      {R"({"id":"","text":"words here"})", "", "id field 'id' is empty", ""},
      {R"({"id":1.5,"text":"words here"})", "", "must be a string or an integer, got a number", ""},
      {R"({"id":true,"text":"words here"})", "", "must be a string or an integer, got a boolean",
       ""},
      {R"({"id":"a","text":"first","text":"second"})", "a", "duplicate field 'text'", ""},
      {R"({"id":"a","id":"b","text":"words"})", "", "duplicate field 'id'", ""},
      {R"({"id":"a","text":"w","title":"x","title":"y"})", "a", "duplicate field 'title'", ""},
      {R"({"id":")" + longest + R"(","text":"words"})", longest, "", "words"},
      {R"({"id":")" + longest + R"(i","text":"words"})", "",
       "id of 512 bytes is longer than the limit of 511", ""},
      {R"({"text":"no id"})", "", "", "no id"},
      {R"({"id":null,"text":"null id"})", "", "", "null id"},
      {R"({"id":"a"})", "a", "missing text field 'text'", ""},
      {R"({"id":"a","text":null})", "a", "missing text field 'text'", ""},
      {R"({"id":"a","text":5})", "a", "text field 'text' must be a string, got a number", ""},
      {R"({"id":"a","text":""})", "a", "", ""},  // no words: rejected later, like any reader's
      {R"({"id":"a","text":"w","title":null,"url":"u"})", "a", "", "w"},
      {R"({"id":"a","text":"w","date":3})", "a", "field 'date' must be a string, got a number", ""},
      {R"({"id":"a","text":"w","other":{"text":"nested"}})", "a", "", "w"},
      {R"(["id","text"])", "", "expected a JSON object, got an array", ""},
      // \u0000 escapes decode to NUL, which repair drops from every string.
      {R"({"id":"a","text":"wo\u0000rds here"})", "a", "", "words here"},
      {R"({"id":"a\u0000b","text":"words"})", "ab", "", "words"},
      {R"({"id":"\u0000","text":"words"})", "", "id field 'id' is empty", ""},
      {R"({"id":"a","text":"w","title":"t\u0000"})", "a", "", "w"},
      {R"({"id":"a","text":"\u0000"})", "a", "", ""},
  };
  return table;
}

}  // namespace kindred::json_cases
