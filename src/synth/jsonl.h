// JSON Lines output of a synthetic corpus: one document or truth pair per line.
//
//   {"id":"d0000007","title":"...","text":"...","date":"2024-01-03T08:15:00Z","source":"Valley
//   Courier"}
//   {"source":"d0000002","copy":"d0000007","kind":"abridged","kept":0.4312}
//   {"id":"d0000007","story":"e0000064","decoy":false}      (story truth)
//
// The functions append to a caller's buffer so a writer can batch lines into
// large writes.
#pragma once

#include <string>
#include <string_view>

#include "kindred/document.h"
#include "synth/generator.h"

namespace kindred::synth {

// Appends {"id","title","text","date","source"} and a newline.
void append_document_jsonl(std::string& out, const Document& doc);

// Appends {"source","copy","kind","kept"} (ids, kind name, kept_fraction to
// 4 decimals) and a newline.
void append_truth_jsonl(std::string& out, const TruthPair& pair);

// Appends {"id","story","decoy"}: the document, its story's id (an event's
// "e..." or, for a story of its own, the original's id) and whether the
// event is a decoy, and a newline.
void append_story_jsonl(std::string& out, const StoryTruth& story);

}  // namespace kindred::synth
