#include "synth/jsonl.h"

#include "util/json_writer.h"

#include <charconv>
#include <cstdint>

namespace kindred::synth {

namespace {

void append_field(std::string& out, const char* key, std::string_view value) {
  out += key;
  util::append_json_string(out, value);
}

}  // namespace

void append_document_jsonl(std::string& out, const Document& doc) {
  append_field(out, "{\"id\":", doc.id);
  append_field(out, ",\"title\":", doc.title);
  append_field(out, ",\"text\":", doc.text);
  append_field(out, ",\"date\":", doc.date);
  append_field(out, ",\"source\":", doc.source);
  out += "}\n";
}

void append_truth_jsonl(std::string& out, const TruthPair& pair) {
  append_field(out, "{\"source\":", doc_id(pair.source));
  append_field(out, ",\"copy\":", doc_id(pair.copy));
  append_field(out, ",\"kind\":", copy_kind_name(pair.kind));
  out += ",\"kept\":";
  char buf[32];
  const auto r =
      std::to_chars(buf, buf + sizeof buf, pair.kept_fraction, std::chars_format::fixed, 4);
  out.append(buf, r.ptr);
  out += "}\n";
}

void append_story_jsonl(std::string& out, const StoryTruth& story) {
  append_field(out, "{\"id\":", doc_id(story.document));
  append_field(out, ",\"story\":", story.story_id());
  out += story.decoy ? ",\"decoy\":true}\n" : ",\"decoy\":false}\n";
}

}  // namespace kindred::synth
