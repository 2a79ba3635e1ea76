// Report: the output vocabulary, defined once. The names and values of an
// overlap's fields, a passage's fields, a live match's fields and a pair's direction, in the order
// they are written; every front end renders them from here: the JSON Lines
// records (report/jsonl.cpp), `kindred compare --json` and `kindred index
// query`, the HTTP server's JSON and the Python binding's dicts and objects.
// Relation and passage-kind names are those of include/kindred/results.h
// (relation_name, passage_kind_name).
#pragma once

#include "kindred/results.h"
#include "util/json_writer.h"

namespace kindred::report {

// Which way the reuse of a pair points: "a_in_b" when at least as much of a
// lies inside b as of b inside a, else "b_in_a".
inline const char* direction_name(const Overlap& o) {
  return o.containment_a_in_b() >= o.containment_b_in_a() ? "a_in_b" : "b_in_a";
}

// Calls put(name, value) for each field of an overlap: jaccard,
// containment_a_in_b, containment_b_in_a (doubles), shared_shingles,
// shingles_a, shingles_b (counts).
template <class Put>
void overlap_fields(const Overlap& o, Put&& put) {
  put("jaccard", o.jaccard());
  put("containment_a_in_b", o.containment_a_in_b());
  put("containment_b_in_a", o.containment_b_in_a());
  put("shared_shingles", o.shared);
  put("shingles_a", o.size_a);
  put("shingles_b", o.size_b);
}

// Calls put(name, value) for each field of a passage: byte offsets a_begin,
// a_end, b_begin, b_end; word counts a_words, b_words, matched_words;
// identity, score, kind (its name) and confidence. The quoted texts (a_text,
// b_text) are the caller's, since only it holds the texts.
template <class Put>
void passage_fields(const Passage& p, Put&& put) {
  put("a_begin", p.a_begin);
  put("a_end", p.a_end);
  put("b_begin", p.b_begin);
  put("b_end", p.b_end);
  put("a_words", p.a_words);
  put("b_words", p.b_words);
  put("matched_words", p.matched_words);
  put("identity", p.identity());
  put("score", p.score);
  put("kind", passage_kind_name(p.kind));
  put("confidence", p.confidence);
}

// Calls put(name, value) for each field of a match the live index answers
// (LiveMatch, kindred/live_index.h: any type with doc, id, relation and
// overlap): doc, id, relation (its name), direction, then overlap_fields().
// Its passages are the caller's list of passage_fields() objects.
template <class Match, class Put>
void match_fields(const Match& m, Put&& put) {
  put("doc", m.doc);
  put("id", m.id);
  put("relation", relation_name(m.relation));
  put("direction", direction_name(m.overlap));
  overlap_fields(m.overlap, put);
}

// The put() that writes each field into the object `w` has open.
inline auto fields_of(util::JsonWriter& w) {
  return [&w](const char* name, const auto& value) { w.field(name, value); };
}

}  // namespace kindred::report
