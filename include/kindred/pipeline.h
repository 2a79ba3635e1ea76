// The batch pipeline: documents in, links and copy families out.
//
//   Scanner scanner(params, {.threads = 4});
//   for (auto& batch : batches) for (auto& r : scanner.add(std::move(batch))) report(r);
//   ScanResult result = scanner.finish();
//
// add() normalises, tokenises, shingles and sketches each batch in parallel and
// keeps only what later stages need (shingle set, LSH band keys, metadata, and
// with stories the text and its story features).
// finish() generates candidates from the LSH bands, verifies each candidate
// exactly on the shingle sets, groups verified links into copy families,
// infers provenance, and (ScanOptions::stories) groups articles into stories
// with their quotations and merged accounts.
//
// Thread-safety: a Scanner is used from one thread at a time; it parallelises
// internally on its own task arena (no global state is touched).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/document.h"
#include "kindred/params.h"
#include "kindred/results.h"
#include "kindred/status.h"

namespace kindred {

// A record that could not be used, with the reason. Nothing is dropped
// without one of these reaching the caller.
struct Rejection {
  Origin origin;
  std::string id;  ///< empty when the record had none (e.g. malformed JSON)
  Status status;
};

// Receives progress of long stages; implementations decide how (or whether) to show it.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // `stage` is a short name ("sketch", "candidates", "verify", "families");
  // total is 0 when unknown.
  virtual void update(std::string_view stage, uint64_t done, uint64_t total) = 0;
};

struct ScanOptions {
  unsigned threads = 0;  ///< 0 = all hardware threads
  /// Keep every text for the result (ScanResult::texts) even when neither
  /// stories nor passages need them (as the HTML report does for headlines).
  bool keep_text = false;
  /// Find stories (independent reports of one event), their quotations and
  /// merged accounts. Needs every text until finish() (kept in a spill file, see below).
  bool stories = true;
  /// Align the reused passages of every link (ScanResult::passages), with
  /// byte offsets into both texts. Needs every text until finish() (as stories do).
  bool passages = true;
  /// Within each story, align the pairs the copy stage did not link with the
  /// reuse aligner and link rewrites (Relation::kRewrite). Needs `stories`.
  bool rewrites = true;
  /// With stories: finish() leaves each Story::account empty, and
  /// Scanner::make_accounts() makes those of a range of stories when they are
  /// needed. `kindred scan` writes the story records a range at a time, so it
  /// holds one range's accounts instead of every story's (~1 KB a document).
  bool accounts_on_demand = false;
  ProgressSink* progress = nullptr;  ///< not owned; may be null
  /// Bytes of the stores that spill, together. The shingle sets kept for
  /// exact verification take ~8 bytes per word of text; past their share
  /// they are written to an unlinked temporary file in `spill_dir` and read
  /// back for the candidate pairs, so memory stays proportional to the number
  /// of documents. The texts kept for passages and stories, and the story
  /// terms (story/term_store.h), spill the same way past theirs; the result
  /// reads the texts from there (ScanResult::texts). Shares of the stores a
  /// scan keeps: shingle sets 3, texts 3, story terms 2 (the default scan:
  /// 192, 192 and 128 MB; a copies-only scan gives the shingle sets all of
  /// it). UINT64_MAX: never spill.
  uint64_t spill_after_bytes = uint64_t{512} << 20;
  std::string spill_dir{};  ///< empty: the system's temporary directory ($TMPDIR or /tmp)
};

// Caller errors do not abort: they make status() not OK (kInvalidArgument,
// with a message), and then add() rejects every document with that status and
// finish() returns an empty result.
class Scanner {
 public:
  // status() says why when params are invalid (Params::validate()).
  explicit Scanner(const Params& params, ScanOptions options = {});
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Analyses a batch. Returns the documents that were rejected (empty text,
  // duplicate id; all of them after finish() or with invalid params); the
  // others are kept. Order of documents is preserved.
  std::vector<Rejection> add(std::vector<Document> batch);

  uint64_t size() const;  ///< documents accepted so far

  // Finds links and families among all documents added. Call once: a second
  // call returns an empty result and makes status() say so.
  ScanResult finish();

  // With ScanOptions::accounts_on_demand: makes the merged accounts of
  // result.stories[first, last) (`result` is what finish() returned; its
  // texts and quotations are read), in parallel, as finish() makes every
  // story's otherwise; their time counts to the story stage (ScanStats).
  // Nothing before finish().
  void make_accounts(ScanResult& result, size_t first, size_t last);

  // OK unless params were invalid or finish() was called twice.
  const Status& status() const { return status_; }

 private:
  void find_stories(ScanResult& result);
  struct Impl;
  Status status_;
  std::unique_ptr<Impl> impl_;
};

// The reused passages of two texts, with byte offsets into each, sorted by
// their start in `a`: verbatim and edited (word for word, src/align/passages.h),
// rewritten and summary (sentence level, src/align/rewrite.h), joined as
// src/align/reuse.h says. Scan's links carry these; for copies it costs
// the word-for-word alignment alone.
std::vector<Passage> align_texts(std::string_view a, std::string_view b);

// Similarity of two texts, computed exactly (no sketch involved).
struct Comparison {
  Overlap overlap;
  bool same_text = false;
  std::optional<Relation> relation;  ///< nullopt: would not be linked
  uint32_t tokens_a = 0, tokens_b = 0;
  /// Graded story similarity in [0, 1] (1 = the same story), meaningful for any
  /// two articles, rewrites that share no n-gram included; computed from the two
  /// texts alone (no collection statistics). Its parts, each in [0, 1]:
  double story = 0;
  double story_words = 0;   ///< TF-IDF cosine of content stems
  double story_names = 0;   ///< weighted overlap of names, spelling variants merged
  double story_quotes = 0;  ///< 1 - 0.5^(shared quotations)
};
Comparison compare_texts(std::string_view a, std::string_view b, const Params& params);

}  // namespace kindred
