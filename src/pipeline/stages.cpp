// The pipeline's stages one at a time (include/kindred/stages.h). Every
// function here calls the stage Scanner calls; what is added is only the
// naming of documents by keys (ingest reads the input pieces: input_plan.h).
#include "kindred/stages.h"
#include "pipeline/sketch_text.h"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <deque>
#include <numeric>
#include <optional>
#include <string>
#include <thread>

#include "align/overlap.h"
#include "candidates/pairs.h"
#include "cluster/families.h"
#include "cluster/provenance.h"
#include "core/check.h"
#include "core/links.h"
#include "core/threads.h"
#include "index/band_table.h"
#include "ingest/batches.h"
#include "ingest/reader.h"
#include "normalize/tokenize.h"
#include "report/jsonl.h"
#include "sketch/minhash.h"
#include "sketch/shingle.h"
#include "util/date.h"
#include "util/utf8.h"

namespace kindred {

namespace {

using core::resolve_threads;

// Runs body(i) for i in [0, n) on `threads` threads (1: on the caller's thread).
template <typename Body>
void parallel_for_n(size_t n, unsigned threads, const Body& body) {
  threads = resolve_threads(threads);
  if (threads == 1 || n < 2) {
    for (size_t i = 0; i < n; ++i) body(i);
    return;
  }
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 16), [&](const auto& r) {
      for (size_t i = r.begin(); i != r.end(); ++i) body(i);
    });
  });
}

}  // namespace

// ---------------------------------------------------------------------------
// Sketching

struct Sketcher::Impl {
  explicit Impl(const Params& p) : minhash(p.sketch_bins, p.seed) {}
  sketch::OnePermutationMinHash minhash;
};

Sketcher::Sketcher(const Params& params) : params_(params) {
  const Status valid = params.validate();
  KINDRED_CHECK(valid.is_ok(), valid.message().c_str());  // documented: use create()
  impl_ = std::make_unique<Impl>(params);
}

DocInfo document_info(Document&& doc, const DocumentSketch& sketch) {
  DocInfo info;
  info.id = std::move(doc.id);
  info.title = std::move(doc.title);
  info.date = std::move(doc.date);
  info.time = sketch.time;
  info.url = std::move(doc.url);
  info.source = std::move(doc.source);
  info.origin = std::move(doc.origin);
  info.tokens = sketch.tokens;
  info.shingles = static_cast<uint32_t>(sketch.shingles.size());
  info.invalid_utf8 = doc.invalid_utf8;
  info.fingerprint = sketch.fingerprint;
  return info;
}

Result<std::unique_ptr<Sketcher>> Sketcher::create(const Params& params) {
  if (Status valid = params.validate(); !valid) return valid;
  return std::make_unique<Sketcher>(params);
}

Sketcher::~Sketcher() = default;

void Sketcher::sketch(std::string_view text, DocumentSketch& out) const {
  // Per-thread scratch: sketching allocates nothing per document once warm.
  thread_local std::vector<normalize::Token> tokens;
  thread_local std::vector<uint32_t> signature;
  pipeline::sketch_text(text, params_, impl_->minhash, tokens, signature, out);
  if (tokens.capacity() > (size_t{1} << 20)) tokens = {};  // after a huge text, give it back
}

void name_sketch(DocumentSketch& out, std::string id, std::string date) {
  out.id = std::move(id);
  out.date = std::move(date);
  out.time = util::parse_iso8601(out.date);
}

DocumentSketch sketch_document(const Document& doc, const Params& params) {
  DocumentSketch out;
  Sketcher(params).sketch(doc.text, out);
  name_sketch(out, doc.id, doc.date);
  return out;
}

std::vector<DocumentSketch> sketch_documents(std::span<const Document> docs, const Params& params,
                                             unsigned threads) {
  const Sketcher sketcher(params);
  std::vector<DocumentSketch> out(docs.size());
  parallel_for_n(docs.size(), threads, [&](size_t i) {
    sketcher.sketch(docs[i].text, out[i]);
    name_sketch(out[i], docs[i].id, docs[i].date);
  });
  return out;
}

Status no_words_status(const std::string& id) {
  return {StatusCode::kDataError, "document '" + id + "' has no words"};
}

Status duplicate_id_status(const std::string& id) {
  return {StatusCode::kDuplicate, "document id '" + id + "' seen before"};
}

ShardSketch read_and_sketch(std::span<const InputPiece> pieces, const Params& params,
                            const ingest::ReadOptions& options, bool skip_bad, unsigned threads) {
  ShardSketch out;
  const Sketcher sketcher(params);
  // Documents and rejections share one count, the input order. Each record
  // is numbered as it is read; the documents' numbers wait with them for
  // their batch, a reader rejection's number is the last one given.
  uint64_t position = 0;
  std::deque<uint64_t> waiting;  // numbers of the documents read, not yet consumed
  std::optional<uint64_t> reader_rejection;
  auto record = [&](Rejection&& r, uint64_t at) {
    out.rejections.push_back(std::move(r));
    out.rejection_positions.push_back(at);
  };
  ingest::ReadStats stats;
  const ingest::InputReader read = [&](size_t i, const ingest::DocumentSink& on_document,
                                       const ingest::RejectSink& on_reject) {
    read_input(
        pieces[i], options,
        [&](Document&& doc) {
          waiting.push_back(position++);
          return on_document(std::move(doc));
        },
        [&](Rejection&& r) {
          reader_rejection = position++;
          return on_reject(std::move(r));
        },
        &stats);
  };
  // Sketches a batch; documents without words are rejected here (recorded
  // with their numbers: without skip_bad only the first, and the documents
  // after it are dropped, as reading stops there).
  const ingest::BatchSink consume = [&](std::vector<Document>&& batch) {
    std::vector<DocumentSketch> sketches(batch.size());
    parallel_for_n(batch.size(), threads,
                   [&](size_t i) { sketcher.sketch(batch[i].text, sketches[i]); });
    std::vector<Rejection> rejected;
    for (size_t i = 0; i < batch.size(); ++i) {
      const uint64_t at = waiting.front();
      waiting.pop_front();
      if (!skip_bad && !rejected.empty()) continue;
      Document& doc = batch[i];
      if (sketches[i].tokens == 0) {
        Status st = no_words_status(doc.id);
        Rejection r{std::move(doc.origin), std::move(doc.id), std::move(st)};
        record(Rejection(r), at);
        rejected.push_back(std::move(r));
        continue;
      }
      name_sketch(sketches[i], std::move(doc.id), std::move(doc.date));
      out.docs.push_back(std::move(sketches[i]));
      out.positions.push_back(at);
      out.text_bytes.push_back(doc.text.size());
      out.invalid_utf8.push_back(doc.invalid_utf8);
      out.origins.push_back(std::move(doc.origin));
    }
    return rejected;
  };
  // Reader rejections are recorded as they come (with skip_bad), or as the
  // one that stopped the run when no document before it was bad.
  const ingest::RejectSink on_reject = [&](Rejection&& r) {
    if (reader_rejection) record(std::move(r), *std::exchange(reader_rejection, std::nullopt));
    return true;
  };
  constexpr size_t kBatch = 512;
  std::optional<Rejection> stop =
      ingest::read_in_batches(pieces.size(), read, {kBatch, skip_bad}, consume, on_reject);
  out.files = stats.files;
  out.files_skipped = stats.files_skipped;
  if (stop) {
    out.stopped = true;
    if (out.rejections.empty()) record(std::move(*stop), reader_rejection.value_or(position));
  }
  return out;
}

std::vector<Document> read_documents(std::span<const InputPiece> pieces,
                                     const ingest::ReadOptions& options,
                                     std::span<const uint64_t> positions) {
  // Positions visited in ascending order, whatever order they were asked in.
  std::vector<uint32_t> order(positions.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return positions[x] < positions[y]; });
  std::vector<Document> docs(positions.size());
  size_t next = 0;        // in `order`: the first position not yet reached
  uint64_t position = 0;  // counted as read_and_sketch() counts
  const ingest::DocumentSink on_document = [&](Document&& doc) {
    const uint64_t at = position++;
    while (next < order.size() && positions[order[next]] < at) ++next;
    while (next < order.size() && positions[order[next]] == at) docs[order[next++]] = doc;
    return next < order.size();
  };
  const ingest::RejectSink on_reject = [&](Rejection&&) {
    ++position;
    return next < order.size();
  };
  ingest::ReadStats stats;
  for (const InputPiece& piece : pieces) {
    if (next >= order.size()) break;
    read_input(piece, options, on_document, on_reject, &stats);
  }
  return docs;
}

std::vector<std::string> read_texts(std::span<const InputPiece> pieces,
                                    const ingest::ReadOptions& options,
                                    std::span<const uint64_t> positions) {
  std::vector<Document> docs = read_documents(pieces, options, positions);
  std::vector<std::string> texts(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) texts[i] = std::move(docs[i].text);
  return texts;
}

// ---------------------------------------------------------------------------
// Candidates and verification

Result<std::vector<std::pair<uint64_t, uint64_t>>> bucket_pairs(std::span<const uint32_t> bands,
                                                                std::span<const uint32_t> keys,
                                                                std::span<const uint64_t> docs,
                                                                uint32_t max_bucket,
                                                                uint64_t* capped_buckets) {
  if (bands.size() != keys.size() || keys.size() != docs.size()) {
    return Status(StatusCode::kInvalidArgument, "bucket columns of different lengths");
  }
  std::vector<uint32_t> order(docs.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return bands[x] != bands[y] ? bands[x] < bands[y] : docs[x] < docs[y];
  });
  std::vector<std::pair<uint64_t, uint64_t>> out;
  uint64_t capped = 0;
  std::vector<uint64_t> band_docs;
  // One band at a time: its documents, in key order, form a one-band table that
  // candidates::candidate_pairs() reads exactly as it reads a band of Scanner's.
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && bands[order[j]] == bands[order[i]]) ++j;
    index::BandTable table(1);
    table.reserve(j - i);
    band_docs.clear();
    for (size_t k = i; k < j; ++k) {
      table.add(std::span<const uint32_t>(&keys[order[k]], 1));
      band_docs.push_back(docs[order[k]]);
    }
    candidates::CandidateStats stats;
    for (uint64_t p :
         candidates::candidate_pairs(table, max_bucket, candidates::sequential_bands, &stats)) {
      out.emplace_back(band_docs[candidates::pair_first(p)], band_docs[candidates::pair_second(p)]);
    }
    capped += stats.capped_buckets;
    i = j;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (capped_buckets != nullptr) *capped_buckets = capped;
  return out;
}

std::optional<Link> verify_pair(SketchView a, SketchView b, const Params& params) {
  const Overlap o = align::overlap(a.shingles, b.shingles);
  const bool same_text = a.fingerprint == b.fingerprint && a.tokens == b.tokens;
  if (auto rel = classify(o, same_text, params)) return Link{0, 1, *rel, o};
  return std::nullopt;
}

Result<std::vector<KeyedLink>> verify_pairs(std::span<const DocumentSketch> left,
                                            std::span<const uint64_t> left_keys,
                                            std::span<const DocumentSketch> right,
                                            std::span<const uint64_t> right_keys,
                                            std::span<const uint32_t> left_index,
                                            std::span<const uint32_t> right_index,
                                            const Params& params) {
  if (Status valid = params.validate(); !valid) return valid;
  if (left.size() != left_keys.size() || right.size() != right_keys.size() ||
      left_index.size() != right_index.size()) {
    return Status(StatusCode::kInvalidArgument, "sketches, keys and pair indices do not match");
  }
  for (size_t i = 0; i < left_index.size(); ++i) {
    if (left_index[i] >= left.size() || right_index[i] >= right.size()) {
      return Status(StatusCode::kInvalidArgument,
                    "pair " + std::to_string(i) + ": index out of range");
    }
  }
  std::vector<KeyedLink> out;
  for (size_t i = 0; i < left_index.size(); ++i) {
    uint32_t x = left_index[i], y = right_index[i];
    const DocumentSketch* a = &left[x];
    const DocumentSketch* b = &right[y];
    uint64_t ka = left_keys[x], kb = right_keys[y];
    if (ka > kb) std::swap(a, b), std::swap(ka, kb);
    if (auto link = verify_pair(*a, *b, params)) {
      out.push_back({ka, kb, link->relation, link->overlap});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Families

Result<std::vector<uint32_t>> root_weights(std::span<const std::optional<int64_t>> time,
                                           std::span<const uint32_t> shingles) {
  if (time.size() != shingles.size()) {
    return Status(StatusCode::kInvalidArgument, "root weight columns of different lengths");
  }
  return cluster::root_weights(time, shingles);
}

Result<std::vector<KeyedFamily>> families_from_links(std::span<const KeyedLink> links,
                                                     std::span<const FamilyDoc> docs,
                                                     uint64_t* withheld) {
  // Dense indices in key order, which is the input order.
  std::vector<uint32_t> by_key(docs.size());
  std::iota(by_key.begin(), by_key.end(), 0u);
  std::sort(by_key.begin(), by_key.end(),
            [&](uint32_t x, uint32_t y) { return docs[x].key < docs[y].key; });
  std::vector<uint64_t> keys(docs.size());
  std::vector<std::optional<int64_t>> time(docs.size());
  std::vector<uint32_t> shingles(docs.size());
  for (size_t i = 0; i < by_key.size(); ++i) {
    const FamilyDoc& d = docs[by_key[i]];
    keys[i] = d.key;
    time[i] = d.time;
    shingles[i] = d.shingles;
    if (i > 0 && keys[i - 1] == keys[i]) {
      return Status(StatusCode::kInvalidArgument,
                    "document " + std::to_string(keys[i]) + " listed twice");
    }
  }
  auto index_of = [&](uint64_t key) -> std::optional<uint32_t> {
    const auto it = std::lower_bound(keys.begin(), keys.end(), key);
    if (it == keys.end() || *it != key) return std::nullopt;
    return static_cast<uint32_t>(it - keys.begin());
  };
  // Scanner's links are sorted by (a, b), which orders ties of the strongest-first sort.
  std::vector<Link> local;
  local.reserve(links.size());
  for (const KeyedLink& l : links) {
    const auto a = index_of(l.a), b = index_of(l.b);
    if (!a || !b) {
      return Status(StatusCode::kInvalidArgument, "link " + std::to_string(l.a) + "-" +
                                                      std::to_string(l.b) +
                                                      " names a document not listed");
    }
    if (l.a >= l.b) {
      return Status(StatusCode::kInvalidArgument,
                    "link " + std::to_string(l.a) + "-" + std::to_string(l.b) + " needs a < b");
    }
    local.push_back({*a, *b, l.relation, l.overlap});
  }
  core::sort_links(local);
  std::vector<int32_t> family_of;
  cluster::FamilyStats stats;
  const std::vector<Family> families =
      cluster::copy_families(local, cluster::root_weights(time, shingles), family_of, &stats);
  std::vector<KeyedFamily> out(families.size());
  for (size_t f = 0; f < families.size(); ++f) {
    out[f].root = keys[families[f].root];
    out[f].members.reserve(families[f].members.size());
    for (uint32_t m : families[f].members) out[f].members.push_back(keys[m]);
  }
  if (withheld != nullptr) *withheld = stats.links_withheld;
  return out;
}

// ---------------------------------------------------------------------------
// Output records

Status append_link_records(std::string& out, std::span<const KeyedLink> links,
                           std::span<const std::string> a_ids, std::span<const std::string> b_ids,
                           std::span<const int64_t> family,
                           std::span<const std::optional<int64_t>> a_times,
                           std::span<const std::optional<int64_t>> b_times) {
  const bool with_provenance = !a_times.empty() || !b_times.empty();
  if (a_ids.size() != links.size() || b_ids.size() != links.size() ||
      family.size() != links.size() ||
      (with_provenance && (a_times.size() != links.size() || b_times.size() != links.size()))) {
    return Status(StatusCode::kInvalidArgument, "link record columns of different lengths");
  }
  ScanResult r;  // the two documents of one link at a time
  r.docs.resize(2);
  for (size_t i = 0; i < links.size(); ++i) {
    r.docs[0].id = a_ids[i];
    r.docs[1].id = b_ids[i];
    r.docs[0].family = r.docs[1].family = family[i] >= 0 ? static_cast<int32_t>(family[i]) : -1;
    const Link link{0, 1, links[i].relation, links[i].overlap};
    report::append_link_record(out, link, r);
    if (with_provenance) {
      const std::optional<int64_t> time[2] = {a_times[i], b_times[i]};
      r.provenance = cluster::infer_provenance(std::span(&link, 1), time);
      report::append_provenance_record(out, 0, r);
    }
  }
  return Status::ok();
}

void append_passage_records(std::string& out, const std::string& a_id, const std::string& b_id,
                            std::string_view text_a, std::string_view text_b) {
  ScanResult r;  // the two documents of one link
  r.docs.resize(2);
  r.docs[0].id = a_id;
  r.docs[1].id = b_id;
  r.docs[0].text = text_a;
  r.docs[1].text = text_b;
  r.links.push_back(Link{0, 1, Relation::kOverlapping, {}});
  for (const Passage& p : align_texts(text_a, text_b)) report::append_passage_record(out, 0, p, r);
}

void append_family_record(std::string& out, uint32_t family, const std::string& root,
                          std::span<const std::string> members) {
  ScanResult r;
  Family f;
  f.id = family;
  for (const std::string& m : members) {
    if (m == root) f.root = static_cast<uint32_t>(r.docs.size());
    f.members.push_back(static_cast<uint32_t>(r.docs.size()));
    r.docs.emplace_back().id = m;
  }
  report::append_family_record(out, f, r);
}

void append_run_record(std::string& out, const Params& params, const ScanStats& stats) {
  report::append_run_record(out, params, stats);
}

void append_summary_record(std::string& out, const ScanStats& stats,
                           const std::array<uint64_t, 4>& relation_counts, uint64_t rejected) {
  ScanResult r;  // report counts relations from the links themselves
  r.stats = stats;
  for (size_t rel = 0; rel < relation_counts.size(); ++rel) {
    r.links.insert(r.links.end(), relation_counts[rel], Link{0, 0, static_cast<Relation>(rel), {}});
  }
  report::append_summary_record(out, r, rejected);
}

// ---------------------------------------------------------------------------
// Whole scans

InputScan scan_paths(std::span<const std::string> paths, const Params& params,
                     const ScanOptions& options, const ingest::ReadOptions& read, bool skip_bad,
                     size_t batch_size) {
  InputScan out;
  if (Status valid = params.validate(); !valid) {
    out.error = valid;
    return out;
  }
  Scanner scanner(params, options);
  ingest::ReadStats stats;
  std::optional<Rejection> fatal = ingest::read_in_batches(
      paths, read, {batch_size, skip_bad},
      [&](std::vector<Document>&& batch) { return scanner.add(std::move(batch)); },
      [&](Rejection&& r) {
        out.rejections.push_back(std::move(r));
        return true;
      },
      &stats);
  out.files = stats.files;
  out.files_skipped = stats.files_skipped;
  if (fatal) {
    out.error = fatal->status;
    out.rejections.push_back(std::move(*fatal));
    return out;
  }
  out.result = scanner.finish();
  return out;
}

InputScan scan_documents(std::vector<Document> documents, const Params& params,
                         const ScanOptions& options, bool skip_bad) {
  InputScan out;
  if (Status valid = params.validate(); !valid) {
    out.error = valid;
    return out;
  }
  Scanner scanner(params, options);
  for (Rejection& r : scanner.add(std::move(documents))) {
    out.rejections.push_back(std::move(r));
    if (!skip_bad) {
      out.error = out.rejections.back().status;
      return out;
    }
  }
  out.result = scanner.finish();
  return out;
}

}  // namespace kindred
