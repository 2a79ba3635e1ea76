// The JSON Lines writer of synth, checked by parsing its output with simdjson.
#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>
#include <string_view>

#include "synth/generator.h"
#include "synth/jsonl.h"
#include "util/json_writer.h"

namespace kindred::synth {
namespace {

std::string_view field(simdjson::dom::element& e, const char* key) {
  std::string_view v;
  EXPECT_EQ(e[key].get(v), simdjson::SUCCESS) << key;
  return v;
}

TEST(SynthJson, EscapedStringsRoundTrip) {
  const std::string nasty =
      std::string("say \"hi\" \\ back\\slash\nnew line\ttab\x01\x1f end \xc3\xa9 ") +
      std::string(1, '\0') + "nul";
  std::string line = "{\"s\":";
  util::append_json_string(line, nasty);
  line += "}";
  EXPECT_NE(line.find("\\u0001"), std::string::npos);
  EXPECT_NE(line.find("\\u001f"), std::string::npos);
  EXPECT_NE(line.find("\\u0000"), std::string::npos);
  EXPECT_NE(line.find("\\n"), std::string::npos);
  EXPECT_NE(line.find("\\t"), std::string::npos);
  for (char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << "raw control byte in JSON";

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  EXPECT_EQ(field(doc, "s"), nasty);
}

// The escaper skips clean 8-byte blocks: put each special byte at every
// offset of a block, next to UTF-8 and DEL, and parse the result back.
TEST(SynthJson, EscapesAtEveryOffset) {
  simdjson::dom::parser parser;
  const char specials[] = {'"',    '\\', '\n', '\r',   '\t',   '\x01',
                           '\x1f', '\0', ' ',  '\x7f', '\x20', '!'};
  for (char special : specials) {
    for (size_t at = 0; at < 20; ++at) {
      if (at == 9) continue;  // would split the two bytes of the UTF-8 e-acute
      std::string s = "abcdefgh\xc3\xa9ijklmnopqrstuvw";
      s.insert(at, 1, special);
      std::string line = "[";
      util::append_json_string(line, s);
      line += "]";
      const std::string_view body(line.data() + 2, line.size() - 4);
      const bool must_escape =
          static_cast<unsigned char>(special) < 0x20 || special == '"' || special == '\\';
      EXPECT_EQ(body.size() > s.size(), must_escape) << line;
      simdjson::dom::element e;
      ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << line;
      std::string_view back;
      ASSERT_EQ(e.at(0).get(back), simdjson::SUCCESS);
      EXPECT_EQ(back, s) << "special " << static_cast<int>(special) << " at " << at;
    }
  }
}

TEST(SynthJson, PlainStringsAreCopied) {
  std::string out;
  util::append_json_string(out, "");
  util::append_json_string(out, "plain text, 100% ASCII");
  EXPECT_EQ(out, "\"\"\"plain text, 100% ASCII\"");
}

TEST(SynthJson, DocumentAndTruthLinesParse) {
  CorpusSpec spec;
  spec.documents = 60;
  spec.copy_fraction = 0.5;
  const Corpus corpus = generate_corpus(spec);
  simdjson::dom::parser parser;
  for (const Document& d : corpus.documents) {
    std::string line;
    append_document_jsonl(line, d);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per document";
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << line;
    EXPECT_EQ(field(e, "id"), d.id);
    EXPECT_EQ(field(e, "title"), d.title);
    EXPECT_EQ(field(e, "text"), d.text);
    EXPECT_EQ(field(e, "date"), d.date);
    EXPECT_EQ(field(e, "source"), d.source);
  }
  ASSERT_FALSE(corpus.truth.empty());
  for (const TruthPair& t : corpus.truth) {
    std::string line;
    append_truth_jsonl(line, t);
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << line;
    EXPECT_EQ(field(e, "source"), doc_id(t.source));
    EXPECT_EQ(field(e, "copy"), doc_id(t.copy));
    EXPECT_EQ(field(e, "kind"), copy_kind_name(t.kind));
    double kept = -1;
    ASSERT_EQ(e["kept"].get(kept), simdjson::SUCCESS);
    EXPECT_NEAR(kept, t.kept_fraction, 0.00005);
  }
}

TEST(SynthJson, TruthLineFormat) {
  std::string line;
  append_truth_jsonl(line, TruthPair{12, 345, CopyKind::kAbridged, 0.43126});
  EXPECT_EQ(
      line,
      "{\"source\":\"d0000012\",\"copy\":\"d0000345\",\"kind\":\"abridged\",\"kept\":0.4313}\n");
  line.clear();
  append_truth_jsonl(line, TruthPair{0, 1, CopyKind::kExact, 1.0});
  EXPECT_EQ(line,
            "{\"source\":\"d0000000\",\"copy\":\"d0000001\",\"kind\":\"exact\",\"kept\":1.0000}\n");
}

TEST(SynthJson, StoryLineFormat) {
  std::string line;
  append_story_jsonl(line, StoryTruth{7, 64, 2, true});
  EXPECT_EQ(line, "{\"id\":\"d0000007\",\"story\":\"e0000064\",\"decoy\":true}\n");
  line.clear();
  append_story_jsonl(line, StoryTruth{9, kNoEvent, 3, false});  // a copy of a story of its own
  EXPECT_EQ(line, "{\"id\":\"d0000009\",\"story\":\"d0000003\",\"decoy\":false}\n");
}

}  // namespace
}  // namespace kindred::synth
