// Stages: the batch pipeline one step at a time, for front ends that schedule
// the steps themselves (the Dask backend, python/kindred/dask.py, runs them as
// tasks on many machines). Each function wraps the stage a Scanner runs, so the
// results are the same links and families as Scanner's:
//
//   read_input / read_and_sketch   ingest -> tokenize -> shingle_set -> sketch -> band_keys
//   bucket_pairs                   candidates from complete LSH buckets
//   verify_pair(s)                 exact overlap + classify
//   families_from_links            copy families (guarded union-find) of whole components
//   *_record(s)                    the JSON Lines records of docs/output.md
//
// Documents are named across machines by 64-bit keys instead of Scanner's
// dense indices. Any numbering that follows the input order works (the Dask
// backend uses shard << 32 | position): every tie Scanner breaks by document
// index, these functions break by key.
//
// Thread-safety: free functions are reentrant; a Sketcher is immutable and may
// be shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/document.h"
#include "kindred/input_plan.h"
#include "kindred/params.h"
#include "kindred/pipeline.h"
#include "kindred/read_options.h"
#include "kindred/results.h"
#include "kindred/status.h"

namespace kindred {

// ---------------------------------------------------------------------------
// Sketching

// What the later stages need of one document.
struct DocumentSketch {
  std::string id;
  uint32_t tokens = 0;              ///< words after normalisation (0: the document has none)
  uint64_t fingerprint = 0;         ///< hash of the normalised token sequence
  std::vector<uint64_t> shingles;   ///< sorted, distinct shingle hashes
  std::vector<uint32_t> band_keys;  ///< params.bands LSH keys
  std::string date;                 ///< as given (Document::date)
  std::optional<int64_t> time;  ///< `date` read once (DocInfo::time): families prefer the earliest
};

// tokenize -> shingle_set -> one-permutation MinHash -> band keys, as Scanner::add() does.
class Sketcher {
 public:
  // The Status of params.validate() when they are not valid.
  static Result<std::unique_ptr<Sketcher>> create(const Params& params);
  explicit Sketcher(
      const Params& params);  // params must be valid (an invalid set aborts): use create()
  ~Sketcher();
  Sketcher(const Sketcher&) = delete;
  Sketcher& operator=(const Sketcher&) = delete;

  const Params& params() const { return params_; }
  // Fills everything but out.id, out.date and out.time from `text`. Reusing `out` and
  // calling from the same threads keeps it free of allocations: its token
  // and sketch scratch is per thread (given back after a huge text).
  void sketch(std::string_view text, DocumentSketch& out) const;

 private:
  Params params_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Names a sketch: out.id, out.date, and out.time read from the date (the one
// place a document's date is read; util/date.h says what is understood).
void name_sketch(DocumentSketch& out, std::string id, std::string date);
DocumentSketch sketch_document(const Document& doc, const Params& params);
// Sketches of `docs` in order, computed on `threads` threads (0 = all cores).
std::vector<DocumentSketch> sketch_documents(std::span<const Document> docs, const Params& params,
                                             unsigned threads = 0);

// What a result keeps of an accepted document (DocInfo): its metadata, moved
// out of `doc` (its text stays there), and the counts of its sketch. The
// batch scan and the live index both make it here.
DocInfo document_info(Document&& doc, const DocumentSketch& sketch);

// The Status Scanner::add() rejects a document with when it has no words, or an
// id seen before (the earlier document is kept).
Status no_words_status(const std::string& id);
Status duplicate_id_status(const std::string& id);

// ---------------------------------------------------------------------------
// Input, split for many readers

// Input pieces, their planning and reading are ingest's (input_plan.h).
using ingest::count_newlines;
using ingest::InputPiece;
using ingest::read_input;

// Pieces read and sketched by one worker.
struct ShardSketch {
  std::vector<DocumentSketch> docs;           ///< documents with words, in input order
  std::vector<uint64_t> positions;            ///< per doc: its place among the shard's records
  std::vector<uint64_t> text_bytes;           ///< per doc: UTF-8 bytes of its text
  std::vector<uint32_t> invalid_utf8;         ///< per doc: invalid sequences replaced at ingest
  std::vector<Origin> origins;                ///< per doc: where it was read
  std::vector<Rejection> rejections;          ///< bad records and documents without words
  std::vector<uint64_t> rejection_positions;  ///< per rejection: its place among the records
  uint64_t files = 0;                         ///< files opened
  uint64_t files_skipped = 0;                 ///< files of no recognisable format
  bool stopped = false;                       ///< a rejection stopped reading (strict mode)
};

// Reads `pieces` in order and sketches each document, in batches under the
// policy of ingest/batches.h. With skip_bad false the first bad record in input
// order (a reader's rejection or a document without words) is the one
// rejection and stops reading, as `kindred scan` without --skip-bad does.
ShardSketch read_and_sketch(std::span<const InputPiece> pieces, const Params& params,
                            const ingest::ReadOptions& options, bool skip_bad,
                            unsigned threads = 1);

// The texts of some documents of `pieces`, read again: positions[i] (in any
// order, repeats allowed) is a document's place among the pieces' records as
// read_and_sketch() counts them (documents and rejections share one count).
// Front ends that sketch without keeping texts read back those the later
// stages need (passages); reading stops after the last position. A position
// that names no document (a rejection, past the end) gives an empty text.
std::vector<std::string> read_texts(std::span<const InputPiece> pieces,
                                    const ingest::ReadOptions& options,
                                    std::span<const uint64_t> positions);
// The same, whole documents (id, title, date, text, ...): a position that
// names no document gives an empty Document.
std::vector<Document> read_documents(std::span<const InputPiece> pieces,
                                     const ingest::ReadOptions& options,
                                     std::span<const uint64_t> positions);

// ---------------------------------------------------------------------------
// Candidates and verification

// Candidate pairs (a < b) of complete LSH buckets: entry i says document
// docs[i] has key keys[i] in band bands[i]. Every entry of a (band, key) must
// be present (a shuffle on (band, key) guarantees it). The pairs are those
// candidates::candidate_pairs() proposes for these buckets (all pairs up to
// max_bucket members, a star and a chain beyond); sorted, distinct.
// Columns of different lengths are a kInvalidArgument Status.
Result<std::vector<std::pair<uint64_t, uint64_t>>> bucket_pairs(std::span<const uint32_t> bands,
                                                                std::span<const uint32_t> keys,
                                                                std::span<const uint64_t> docs,
                                                                uint32_t max_bucket,
                                                                uint64_t* capped_buckets = nullptr);

// What verification reads of a document: its token count and fingerprint
// (equal for the same text) and its shingle set (sorted, distinct).
struct SketchView {
  uint32_t tokens = 0;
  uint64_t fingerprint = 0;
  std::span<const uint64_t> shingles;
  SketchView(uint32_t t, uint64_t f, std::span<const uint64_t> s)
      : tokens(t), fingerprint(f), shingles(s) {}
  SketchView(const DocumentSketch& s)  // NOLINT: implicit by design
      : tokens(s.tokens), fingerprint(s.fingerprint), shingles(s.shingles) {}
};
// Exact verification of one candidate pair, the rule every front end applies
// (the batch scan, the live index, Dask): the exact overlap of the shingle
// sets and classify(), "the same text" meaning equal fingerprints and token
// counts. The link between a and b (with a = 0, b = 1) or nullopt when they
// are not linked.
std::optional<Link> verify_pair(SketchView a, SketchView b, const Params& params);

// A link between documents named by keys (a < b).
struct KeyedLink {
  uint64_t a = 0, b = 0;
  Relation relation = Relation::kOverlapping;
  Overlap overlap;  ///< size_a and size_b are the documents' shingle counts
};

// verify_pair() of (left[left_index[i]], right[right_index[i]]) for every i;
// returns the linked ones. Columns of different lengths or an index out of
// range are a kInvalidArgument Status; invalid params too.
Result<std::vector<KeyedLink>> verify_pairs(std::span<const DocumentSketch> left,
                                            std::span<const uint64_t> left_keys,
                                            std::span<const DocumentSketch> right,
                                            std::span<const uint64_t> right_keys,
                                            std::span<const uint32_t> left_index,
                                            std::span<const uint32_t> right_index,
                                            const Params& params);

// ---------------------------------------------------------------------------
// Families

struct KeyedFamily {
  uint64_t root = 0;
  std::vector<uint64_t> members;  ///< ascending; members.front() orders families
};

// What the choice of a family's root knows of a document.
struct FamilyDoc {
  uint64_t key = 0;
  uint32_t shingles = 0;
  std::optional<int64_t> time;  ///< DocumentSketch::time; empty when undated
};

// Scanner's root preference as copy_families() weights (higher = preferred):
// the earliest dated document, then the most shingles, then the first in input
// order. `time[i]` is document i's DocInfo::time; i orders ties.
// Columns of different lengths are a kInvalidArgument Status.
Result<std::vector<uint32_t>> root_weights(std::span<const std::optional<int64_t>> time,
                                           std::span<const uint32_t> shingles);

// cluster::copy_families() over `links`, documents named by keys, with
// Scanner's root preference (root_weights()); `docs` describes every document
// of `links` (in any order). The guard decides inside one connected component
// and families never span two, so when `links` holds every link of each
// component it touches, the families are exactly those of a run over all
// links. Families come ordered by smallest member; `withheld` (may be null)
// counts the links the guard kept apart. A document listed twice, a link to a
// document not listed or a link without a < b is a kInvalidArgument Status.
Result<std::vector<KeyedFamily>> families_from_links(std::span<const KeyedLink> links,
                                                     std::span<const FamilyDoc> docs,
                                                     uint64_t* withheld = nullptr);

// ---------------------------------------------------------------------------
// Output records (report/jsonl.h), for documents named by their ids

// One `link` record per link; family[i] is the family both ends belong to, or -1.
// With the documents' times (DocInfo::time; one per link, or none), each link is
// followed by its `provenance` record, decided as the Scanner decides it: a
// link's `a` is the document that came first in the input. Columns of
// different lengths are a kInvalidArgument Status (nothing is appended).
Status append_link_records(std::string& out, std::span<const KeyedLink> links,
                           std::span<const std::string> a_ids, std::span<const std::string> b_ids,
                           std::span<const int64_t> family,
                           std::span<const std::optional<int64_t>> a_times = {},
                           std::span<const std::optional<int64_t>> b_times = {});
// The `passage` records of a link between documents a_id and b_id: the
// passages align_texts() finds in their texts, as Scanner aligns them.
void append_passage_records(std::string& out, const std::string& a_id, const std::string& b_id,
                            std::string_view text_a, std::string_view text_b);
void append_family_record(std::string& out, uint32_t family, const std::string& root,
                          std::span<const std::string> members);
// The `run` record, and the `summary` record with the count of links of each relation.
void append_run_record(std::string& out, const Params& params, const ScanStats& stats);
void append_summary_record(std::string& out, const ScanStats& stats,
                           const std::array<uint64_t, 4>& relation_counts, uint64_t rejected);

// ---------------------------------------------------------------------------
// Stories in parts (src/pipeline/story_stages.cpp), for front ends that hold
// the documents apart: the parts of story::cluster_stories(), story
// quotations, accounts and records, each over what one task holds. A
// document is given as its text and time (DocInfo::time); its story
// features are recomputed from them where a part needs them (deterministic),
// so only texts travel. docs/distributed.md shows how they compose.

// A document as the story parts read it.
struct StoryText {
  std::string_view text;
  std::optional<int64_t> time;  ///< DocInfo::time
};

// Collection counts of some documents (story::StoryStatsPart): vocabulary-sized.
struct StoryCounts {
  uint64_t documents = 0;
  std::vector<uint64_t> term_keys;  ///< stem hashes, ascending
  std::vector<uint32_t> term_documents;
  std::vector<uint64_t> number_keys;  ///< number hashes, ascending
  std::vector<uint32_t> number_documents;
  std::vector<std::string> names;  ///< distinct name keys, ascending
};
StoryCounts story_counts(std::span<const StoryText> docs);
StoryCounts merge_story_counts(const StoryCounts& a, const StoryCounts& b);

// The collection statistics: the counts of the whole, the variant-merged id
// of each of whole.names (story_name_ids) and the documents naming each id
// (story_name_documents of every part, summed).
struct StoryCollection {
  StoryCounts whole;
  std::vector<uint32_t> name_ids;
  std::vector<uint32_t> name_documents;
};
std::vector<uint32_t> story_name_ids(std::span<const std::string> names);
// Documents of `docs` naming each id (counts[id]; as long as the largest id + 1).
std::vector<uint32_t> story_name_documents(std::span<const StoryText> docs,
                                           std::span<const std::string> names,
                                           std::span<const uint32_t> ids);

// Each document's candidate features (story::story_candidate_features) and time.
struct StoryCandidateFeatures {
  std::vector<uint64_t>
      offsets;  ///< docs + 1: document i's features are [offsets[i], offsets[i+1])
  std::vector<uint64_t> features;            ///< in no particular order
  std::vector<std::optional<int64_t>> time;  ///< per document
};
StoryCandidateFeatures story_candidate_features(std::span<const StoryText> docs,
                                                const StoryCollection& collection);

// The story parameters of `params` (story::story_params) with the candidate
// search's bounds (story::CandidateParams defaults), as Scanner uses them.
struct StoryBounds {
  uint32_t max_postings = 0, max_reads = 0, max_partners = 0;
};
StoryBounds story_bounds(const Params& params);

// story::rarity_weight of a list of each length among `units` units.
std::vector<uint32_t> story_rarity(uint32_t units, std::span<const uint32_t> lengths);

// story::read_ranges for many units: unit i's slots (in list_before order)
// are [offsets[i], offsets[i+1]); out_from/out_to get one range per slot.
Status story_read_ranges(std::span<const uint64_t> offsets, std::span<const uint32_t> lengths,
                         std::span<const uint32_t> positions, const Params& params,
                         std::vector<uint32_t>& out_from, std::vector<uint32_t>& out_to);

// story::select_partners for many units: unit i's readings are
// [offsets[i], offsets[i+1]) of the columns; the partners it proposes are
// appended to out_unit / out_partner (as units[i], partner).
Status story_select_partners(std::span<const uint64_t> units, std::span<const uint64_t> offsets,
                             std::span<const uint64_t> partners, std::span<const uint32_t> lists,
                             std::span<const uint64_t> scores, std::span<const uint8_t> copy,
                             const Params& params, std::vector<uint64_t>& out_unit,
                             std::vector<uint64_t>& out_partner);

// The story similarity of docs[x[i]] and docs[y[i]] with copy containment
// copy[i] (story::pair_similarities). Indices out of range: kInvalidArgument.
Result<std::vector<double>> story_pair_similarities(
    std::span<const StoryText> docs, std::span<const uint32_t> x, std::span<const uint32_t> y,
    std::span<const double> copy, const StoryCollection& collection, const Params& params);

// story::story_groups of the units `docs` (numbered in collection order)
// given every candidate pair among them (x, y, s) and their copy pairs
// (cx, cy, cs): groups of two or more units, by smallest unit.
Result<std::vector<std::pair<std::vector<uint32_t>, double>>> story_component_groups(
    std::span<const StoryText> docs, std::span<const uint32_t> x, std::span<const uint32_t> y,
    std::span<const double> s, std::span<const uint32_t> cx, std::span<const uint32_t> cy,
    std::span<const double> cs, const StoryCollection& collection, const Params& params);

// One story as a task holds it: its global id, cohesion and family ids, and
// its members (ascending in collection order) as indices into the task's documents.
struct KeyedStory {
  uint32_t id = 0;
  double cohesion = 1;
  std::vector<uint32_t> families;
  std::vector<uint32_t> members;
};
// A document of such a task: what the records show of it.
struct StoryDocument {
  std::string id, title, date;
  std::optional<int64_t> time;  ///< DocInfo::time
  std::string text;
};
// The `story` records of `stories` (by id) and the `quotation` records of
// their quotations (numbered from first_quotation, in story order), as
// Scanner and report/jsonl.cpp write them; returns the quotations written.
// With records false only counts them. Members out of range: kInvalidArgument.
Result<uint64_t> append_story_records(std::string& stories_out, std::string& quotations_out,
                                      std::span<const KeyedStory> stories,
                                      std::span<const StoryDocument> docs, uint64_t first_quotation,
                                      bool records = true);

// ---------------------------------------------------------------------------
// Whole scans, as `kindred scan` runs them, for front ends without a loop of their own

struct InputScan {
  ScanResult result;
  std::vector<Rejection> rejections;  ///< every record left out (with skip_bad), else at most one
  /// Without skip_bad: the rejection that stopped the run (the last of
  /// `rejections`); or invalid params (then no rejection).
  Status error;
  uint64_t files = 0, files_skipped = 0;
};

// Reads every PATH (ingest::read_path) into a Scanner and finishes it.
InputScan scan_paths(std::span<const std::string> paths, const Params& params,
                     const ScanOptions& options, const ingest::ReadOptions& read, bool skip_bad,
                     size_t batch = 2048);
// Scans documents already in memory.
InputScan scan_documents(std::vector<Document> documents, const Params& params,
                         const ScanOptions& options, bool skip_bad);

}  // namespace kindred
