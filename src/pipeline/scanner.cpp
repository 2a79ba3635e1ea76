// The batch pipeline behind include/kindred/pipeline.h.
//
// Per document (parallel, in add()): tokenise -> shingle set -> sketch -> band keys.
// What is kept: metadata, the band keys, and the sorted shingle sets (in a
// ShingleStore, which spills them to a temporary file past a memory budget);
// with passages, stories or ScanOptions::keep_text the texts too (in a
// TextStore, spilled the same way; the result reads them from it,
// ScanResult::texts, and never copies them into DocInfo).
// In finish(): candidates from the bands -> exact verification -> families.
#include "kindred/pipeline.h"

#include "kindred/stages.h"
#include "pipeline/memory_budget.h"
#include "pipeline/sketch_text.h"
#include "pipeline/story_reuse.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>
#include <optional>
#include <system_error>
#include <thread>

#include "align/overlap.h"
#include "align/passages.h"
#include "candidates/pairs.h"
#include "cluster/families.h"
#include "cluster/provenance.h"
#include "core/links.h"
#include "core/threads.h"
#include "index/band_table.h"
#include "index/shingle_store.h"
#include "index/text_store.h"
#include "normalize/tokenize.h"
#include "sketch/minhash.h"
#include "sketch/shingle.h"
#include "story/account.h"
#include "story/features.h"
#include "story/quotations.h"
#include "story/stories.h"
#include "story/story_params.h"
#include "story/term_store.h"
#include "util/date.h"
#include "util/free_memory.h"
#include "util/id_set.h"

namespace kindred {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

using core::resolve_threads;

// What add() computes for one document before it is accepted or rejected.
struct Analysis {
  DocumentSketch sketch;       // id and date left empty (the Document has them); time read
  uint64_t id_hash = 0;        // util::IdSet::hash of the id
  story::StoryFeatures story;  // only with ScanOptions::stories
};

}  // namespace

struct Scanner::Impl {
  Impl(const Params& p, ScanOptions o)
      : params(p),
        options(o),
        arena(static_cast<int>(resolve_threads(o.threads))),
        sketcher(p.sketch_bins, p.seed),
        budget(pipeline::memory_budget(o)),
        bands(p.bands),
        shingles(std::make_unique<index::ShingleStore>(budget.shingles, o.spill_dir)),
        // The terms are read back per candidate pair of the story stage,
        // from the page cache when it holds them.
        story_terms(story::TermStore::kDefaultBlock, budget.terms, o.spill_dir) {
    if (o.keep_text || o.stories || o.passages) {
      texts = std::make_unique<index::TextStore>(budget.texts, o.spill_dir);
    }
  }

  // Hands the text store to the result (ScanResult::texts). Nothing when
  // there is none or it was done.
  void release_texts(ScanResult& result) {
    if (!texts) return;
    texts->seal();
    if (stats.spill_error.empty()) stats.spill_error = texts->spill_error();
    result.texts = std::shared_ptr<const index::TextStore>(std::move(texts));
  }

  // Frees the story terms, saying first if their spill file failed.
  void release_story_terms() {
    if (stats.spill_error.empty()) stats.spill_error = story_terms.spill_error();
    if (stats.spill_error.empty()) stats.spill_error = story_terms.error();
    story_terms = story::TermStore();
  }

  // Adds to `feature_seconds` the time spent extracting the story evidence.
  void analyse(const Document& doc, Analysis& out, std::vector<normalize::Token>& tokens,
               std::vector<uint32_t>& sketch, double& feature_seconds) const {
    pipeline::sketch_text(doc.text, params, sketcher, tokens, sketch, out.sketch);
    out.id_hash = util::IdSet::hash(doc.id);
    out.sketch.time = util::parse_iso8601(doc.date);  // once: document_info() keeps it
    if (options.stories) {
      const auto start = Clock::now();
      out.story = story::extract_features(doc.text, tokens, out.sketch.time);
      feature_seconds += seconds_since(start);
    }
  }

  Params params;
  ScanOptions options;
  tbb::task_arena arena;
  sketch::OnePermutationMinHash sketcher;
  pipeline::MemoryBudget budget;  // spill_after_bytes shared by the stores

  std::vector<DocInfo> docs;
  util::IdSet ids;  // of docs' ids
  index::BandTable bands;
  std::unique_ptr<index::ShingleStore> shingles;     // released once verified
  std::unique_ptr<index::TextStore> texts;           // with keep_text, stories or passages
  std::vector<story::StoryFeatures> story_features;  // per document, with stories; terms apart:
  story::TermStore story_terms;                      // their terms, 8 B per stem
  std::vector<Analysis> analyses;                    // add()'s scratch, one per document of a batch
  // make_accounts()' scratch, per thread: the story's members' texts by
  // document (empty elsewhere), read into buffers of their own.
  struct StoryTexts {
    std::vector<std::string_view> of_doc;
    std::vector<std::string> buffers;  // one per member
  };
  tbb::enumerable_thread_specific<StoryTexts> story_texts;
  ScanStats stats;
  bool finished = false;
};

Scanner::Scanner(const Params& params, ScanOptions options) : status_(params.validate()) {
  if (status_.is_ok()) impl_ = std::make_unique<Impl>(params, options);
}

Scanner::~Scanner() = default;

uint64_t Scanner::size() const {
  return impl_ ? impl_->docs.size() : 0;
}

std::vector<Rejection> Scanner::add(std::vector<Document> batch) {
  if (!impl_ || impl_->finished) {
    // A caller error: nothing is analysed, and each document says why.
    const Status why =
        impl_ ? Status(StatusCode::kInvalidArgument, "Scanner::add() after finish()") : status_;
    std::vector<Rejection> rejected;
    rejected.reserve(batch.size());
    for (Document& doc : batch) rejected.push_back({doc.origin, std::move(doc.id), why});
    return rejected;
  }
  Impl& s = *impl_;
  const auto start = Clock::now();
  // Reused from batch to batch: each Analysis keeps its vectors' capacity, so
  // sketching allocates nothing per document once the first batch is done.
  std::vector<Analysis>& analyses = s.analyses;
  analyses.resize(batch.size());
  struct Scratch {
    std::vector<normalize::Token> tokens;
    std::vector<uint32_t> sketch;
    double busy_seconds = 0;     // analysing and accepting, this batch
    double feature_seconds = 0;  // of which extracting story evidence
  };
  tbb::enumerable_thread_specific<Scratch> scratch([&] {
    Scratch sc;
    sc.sketch.resize(s.params.sketch_bins);
    return sc;
  });
  std::vector<Rejection> rejected;

  // A three-stage pipeline over chunks of the batch: chunks are analysed in
  // parallel, and accepted in input order (so document indices and ties are
  // reproducible) by whichever thread is free, while the others analyse later
  // chunks. PERF: accepting after a parallel_for left one core idle for 20% of
  // the sketch stage (two threads were 1.44 times one, end to end; now 1.7-1.8).
  // Freeing the texts in the parallel stage was tried and was slower: glibc
  // locks the arena of the thread that allocated them.
  constexpr size_t kChunk = 32;
  size_t next = 0;
  auto emit = [&](tbb::flow_control& control) -> size_t {
    if (next >= batch.size()) {
      control.stop();
      return 0;
    }
    const size_t begin = next;
    next += kChunk;
    return begin;
  };
  auto analyse = [&](size_t begin) {
    const auto chunk_start = Clock::now();
    Scratch& sc = scratch.local();
    for (size_t i = begin; i < std::min(batch.size(), begin + kChunk); ++i) {
      s.analyse(batch[i], analyses[i], sc.tokens, sc.sketch, sc.feature_seconds);
    }
    sc.busy_seconds += seconds_since(chunk_start);
    return begin;
  };
  auto accept = [&](size_t begin) {
    const auto chunk_start = Clock::now();
    for (size_t i = begin; i < std::min(batch.size(), begin + kChunk); ++i) {
      Document& doc = batch[i];
      Analysis& a = analyses[i];
      DocumentSketch& sk = a.sketch;
      if (sk.tokens == 0) {
        rejected.push_back({doc.origin, doc.id, no_words_status(doc.id)});
        continue;
      }
      if (s.texts && doc.text.size() >= UINT32_MAX) {  // what TextStore cannot keep
        rejected.push_back({doc.origin, doc.id,
                            Status(StatusCode::kInvalidArgument,
                                   "document '" + doc.id + "' has 4 GB of text or more")});
        continue;
      }
      const auto index = static_cast<uint32_t>(s.docs.size());
      if (!s.ids.insert(doc.id, a.id_hash, index,
                        [&](uint32_t d) -> std::string_view { return s.docs[d].id; })) {
        rejected.push_back({doc.origin, doc.id, duplicate_id_status(doc.id)});
        continue;
      }
      s.stats.bytes += doc.text.size();
      s.stats.tokens += sk.tokens;
      s.stats.invalid_utf8 += doc.invalid_utf8;
      DocInfo info = document_info(std::move(doc), sk);
      if (s.texts) (void)s.texts->append(doc.text);  // fits: tested above
      if (s.options.stories) {
        s.story_terms.append(a.story.terms);
        std::vector<std::pair<uint64_t, uint32_t>>().swap(a.story.terms);
        s.story_features.push_back(std::move(a.story));
      }
      s.docs.push_back(std::move(info));
      s.shingles->append(sk.shingles);
      s.bands.add(sk.band_keys);
    }
    scratch.local().busy_seconds += seconds_since(chunk_start);
  };
  const auto threads = static_cast<size_t>(s.arena.max_concurrency());
  s.arena.execute([&] {
    tbb::parallel_pipeline(
        4 * threads, tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order, emit) &
                         tbb::make_filter<size_t, size_t>(tbb::filter_mode::parallel, analyse) &
                         tbb::make_filter<size_t, void>(tbb::filter_mode::serial_in_order, accept));
  });
  s.stats.documents = s.docs.size();
  // Sketching and feature extraction run interleaved in the same pass (no
  // text is read twice), so add()'s wall time is shared between the two
  // stages in proportion to the threads' time in each.
  double busy = 0, features = 0;
  for (const Scratch& sc : scratch) busy += sc.busy_seconds, features += sc.feature_seconds;
  const double wall = seconds_since(start);
  const double feature_share = busy > 0 ? std::min(1.0, features / busy) : 0.0;
  s.stats.seconds_features += wall * feature_share;
  s.stats.seconds_sketch += wall * (1 - feature_share);
  if (s.options.progress) s.options.progress->update("sketch", s.docs.size(), 0);
  return rejected;
}

ScanResult Scanner::finish() {
  if (!impl_) return {};
  if (impl_->finished) {
    status_ = Status(StatusCode::kInvalidArgument, "Scanner::finish() called twice");
    return {};
  }
  Impl& s = *impl_;
  s.finished = true;
  std::vector<Analysis>().swap(s.analyses);
  ProgressSink* progress = s.options.progress;

  // Candidates.
  auto t = Clock::now();
  candidates::CandidateStats cstats;
  std::vector<uint64_t> pairs;
  s.arena.execute([&] {
    pairs = candidates::candidate_pairs(
        s.bands, s.params.max_bucket,
        [](uint32_t n, const std::function<void(uint32_t)>& body) {
          tbb::parallel_for(0u, n, [&](uint32_t b) { body(b); });
        },
        &cstats);
  });
  // The band keys (4 B per band and document) and the ids' hash set were
  // add()'s: nothing after the candidates reads them.
  s.bands = index::BandTable(s.params.bands);
  s.ids = util::IdSet();
  s.stats.candidate_pairs = cstats.pairs;
  s.stats.capped_buckets = cstats.capped_buckets;
  s.stats.seconds_candidates = seconds_since(t);
  if (progress) progress->update("candidates", pairs.size(), pairs.size());

  // Verification, exact on the shingle sets.
  t = Clock::now();
  tbb::enumerable_thread_specific<std::vector<Link>> found;
  struct SetBuffers {
    std::vector<uint64_t> a, b;  // sets read back from the spill file
  };
  tbb::enumerable_thread_specific<SetBuffers> buffers;
  std::atomic<uint64_t> verified{0};
  constexpr size_t kGrain = 512;  // pairs per task: small enough to balance 20,000-document scans
  s.shingles->seal();
  const index::ShingleStore& store = *s.shingles;
  s.arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, pairs.size(), kGrain), [&](const auto& r) {
      auto& out = found.local();
      SetBuffers& buf = buffers.local();
      // Pairs are sorted by their first document: read its set once per run.
      uint32_t current = UINT32_MAX;
      std::span<const uint64_t> set_a;
      for (size_t i = r.begin(); i != r.end(); ++i) {
        const uint32_t a = candidates::pair_first(pairs[i]);
        const uint32_t b = candidates::pair_second(pairs[i]);
        if (a != current) {
          set_a = store.view(a, buf.a);
          current = a;
        }
        const SketchView va{s.docs[a].tokens, s.docs[a].fingerprint, set_a};
        const SketchView vb{s.docs[b].tokens, s.docs[b].fingerprint, store.view(b, buf.b)};
        if (auto link = verify_pair(va, vb, s.params)) {
          out.push_back({a, b, link->relation, link->overlap});
        }
      }
      const uint64_t done = verified.fetch_add(r.size()) + r.size();
      // Progress is reported from whichever worker crosses the mark; sinks must be thread-safe.
      if (progress && (done / kGrain) % 64 == 0) progress->update("verify", done, pairs.size());
    });
  });
  const size_t pair_count = pairs.size();
  std::vector<uint64_t>().swap(pairs);
  s.stats.spilled_bytes = store.spilled_bytes();
  s.stats.spill_error = store.spill_error();
  // The sets are not needed after verification. Unmapping hundreds of MB
  // takes milliseconds (half the verify stage of a 20,000-document scan on
  // two threads), so it happens on a thread of its own (beyond
  // ScanOptions::threads, mostly asleep in the kernel) while the families are
  // found. A jthread joins however finish() ends, exceptions included.
  std::jthread release_sets;
  try {
    release_sets = std::jthread([sets = std::move(s.shingles)]() mutable { sets.reset(); });
  } catch (const std::system_error&) {
    // No thread to be had: the lambda that owned the sets is gone, and freed them.
  }
  ScanResult result;
  for (auto& v : found) result.links.insert(result.links.end(), v.begin(), v.end());
  core::sort_links(result.links);
  s.stats.links = result.links.size();
  s.stats.seconds_verify = seconds_since(t);
  if (progress) progress->update("verify", pair_count, pair_count);

  // Passages of every link, aligned on the words of both texts (read back
  // from the text store), in batches of links that analyse each of their
  // documents once (pipeline/story_reuse.h): not kept for every document.
  if (s.options.passages) {
    t = Clock::now();
    result.passages.resize(result.links.size());
    s.texts->seal();
    const index::TextStore& texts = *s.texts;
    tbb::enumerable_thread_specific<std::string>
        text_buffers;  // texts read back from the spill file
    const auto batches = [&](size_t n, const std::function<void(size_t, size_t)>& body) {
      s.arena.execute([&] { tbb::parallel_for(size_t{0}, n, [&](size_t i) { body(i, i + 1); }); });
    };
    pipeline::link_passages(
        result.links, [&](uint32_t d) { return texts.text(d, text_buffers.local()); },
        result.passages, batches);
    s.stats.seconds_passages = seconds_since(t);
    if (progress) progress->update("passages", result.links.size(), result.links.size());
  }

  // Families.
  t = Clock::now();
  {  // the per-document columns below are freed once the families are found
    std::vector<std::optional<int64_t>> time(s.docs.size());
    std::vector<uint32_t> shingles(s.docs.size());
    s.arena.execute([&] {
      tbb::parallel_for(size_t{0}, s.docs.size(), [&](size_t d) {
        time[d] = s.docs[d].time;
        shingles[d] = s.docs[d].shingles;
      });
    });
    const std::vector<uint32_t> weight = cluster::root_weights(time, shingles);
    std::vector<int32_t> family_of;
    result.families = cluster::copy_families(result.links, weight, family_of);
    for (size_t d = 0; d < s.docs.size(); ++d) s.docs[d].family = family_of[d];
    s.stats.families = result.families.size();
    for (const Family& f : result.families) s.stats.documents_in_families += f.members.size();
    result.provenance = cluster::infer_provenance(result.links, time);
  }
  s.stats.seconds_cluster = seconds_since(t);
  if (progress) progress->update("families", result.families.size(), result.families.size());
  if (s.options.stories) {
    // Freed: the candidate pairs, the verification's buffers, the families'
    // columns, the band table's blocks: pages the story stage need not keep.
    util::return_free_memory();
    t = Clock::now();
    find_stories(result);
    s.stats.seconds_stories = seconds_since(t) - s.stats.seconds_rewrites;
    if (progress) progress->update("stories", result.stories.size(), result.stories.size());
  }

  if (release_sets.joinable()) release_sets.join();
  s.release_texts(result);
  result.docs = std::move(s.docs);
  // The merged accounts last: they read the members' texts and the
  // quotations only, so the evidence and the rewrites' alignments are gone
  // before they are made.
  if (s.options.stories && !s.options.accounts_on_demand) {
    make_accounts(result, 0, result.stories.size());
  }
  if (result.texts && s.stats.spill_error.empty()) s.stats.spill_error = result.texts->error();
  result.stats = s.stats;
  // The story stage's heap goes back before the records are written.
  if (s.options.stories) util::return_free_memory();
  return result;
}

void Scanner::find_stories(ScanResult& result) {
  Impl& s = *impl_;
  const story::StoryParams sp = story::story_params(s.params);
  const auto loop = [&](size_t n, const std::function<void(size_t, size_t)>& body) {
    s.arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 512),
                        [&](const tbb::blocked_range<size_t>& r) { body(r.begin(), r.end()); });
    });
  };
  // Each document's evidence weighted once against the collection. Its
  // terms stay in the term store (story/term_store.h), which the prepared
  // document views; its names and numbers then live only in the prepared
  // document: the story stage holds one copy of them.
  s.story_terms.seal(loop);
  const story::StoryStats stats(
      s.story_features,
      std::vector<uint64_t>(s.story_terms.hashes().begin(), s.story_terms.hashes().end()),
      std::vector<uint32_t>(s.story_terms.document_counts().begin(),
                            s.story_terms.document_counts().end()));
  std::vector<story::PreparedDoc> prepared(s.story_features.size());
  loop(prepared.size(), [&](size_t begin, size_t end) {
    for (size_t d = begin; d < end; ++d) {
      story::StoryFeatures& f = s.story_features[d];
      prepared[d] = story::prepare(f, s.story_terms, static_cast<uint32_t>(d), stats);
      std::vector<std::string>().swap(f.names);
      std::vector<uint64_t>().swap(f.numbers);
    }
  });
  result.stories = story::cluster_stories(prepared, result.links, result.families, sp, loop);
  if (s.options.rewrites) {
    // From here on only the members of stories are read (their quotations,
    // accounts and rewrites): the evidence of the other documents is freed,
    // and the terms of the members packed into fewer blocks.
    std::vector<char> member(prepared.size(), 0);
    for (const Story& st : result.stories) {
      for (uint32_t d : st.members) member[d] = 1;
    }
    loop(prepared.size(), [&](size_t begin, size_t end) {
      for (size_t d = begin; d < end; ++d) {
        if (!member[d]) prepared[d] = story::PreparedDoc(), s.story_features[d] = {};
      }
    });
    s.story_terms.retain(member);
    for (size_t d = 0; d < prepared.size(); ++d) {
      if (member[d]) story::point_terms(prepared[d], s.story_terms, static_cast<uint32_t>(d));
    }
  }
  // Freed: the evidence of the documents in no story.
  util::return_free_memory();
  result.quotations = story::story_quotations(s.story_features, result.stories, {}, loop);
  s.texts->seal();
  const index::TextStore& store = *s.texts;
  for (const Story& st : result.stories) {
    for (uint32_t d : st.members) s.docs[d].story = static_cast<int32_t>(st.id);
  }
  s.stats.stories = result.stories.size();
  s.stats.quotations = result.quotations.size();
  if (s.options.rewrites) {  // pipeline/story_reuse.h
    const auto t = Clock::now();
    pipeline::StoryReuseStats rs;
    // One story per task: a story's alignments outweigh the grain of `loop`.
    const auto each = [&](size_t n, const std::function<void(size_t, size_t)>& body) {
      s.arena.execute([&] { tbb::parallel_for(size_t{0}, n, [&](size_t i) { body(i, i + 1); }); });
    };
    auto rewrites = pipeline::find_story_rewrites(result.stories, s.docs, prepared, result.links,
                                                  s.params, {}, each, &rs, &store);
    pipeline::add_story_rewrites(result, s.docs, std::move(rewrites), s.options.passages);
    s.stats.rewrite_pairs = rs.pairs;
    s.stats.rewrite_links = rs.links;
    s.stats.links = result.links.size();
    s.stats.seconds_rewrites = seconds_since(t);
  }
  // The evidence is spent: rewrites were its last reader.
  std::vector<story::PreparedDoc>().swap(prepared);
  std::vector<story::StoryFeatures>().swap(s.story_features);
  s.release_story_terms();
  util::return_free_memory();
}

void Scanner::make_accounts(ScanResult& result, size_t first, size_t last) {
  if (!impl_ || !result.texts) return;
  Impl& s = *impl_;
  last = std::min(last, result.stories.size());
  if (first >= last) return;
  const auto start = Clock::now();
  const DocumentTexts& texts = *result.texts;
  // A story's account reads its members' texts and its quotations only: each
  // thread reads the texts into buffers of its own, and its view of every
  // text is empty elsewhere (kept in Impl, so that ranges after the first
  // reuse the views of every document).
  s.arena.execute([&] {
    tbb::parallel_for(first, last, [&](size_t i) {
      Story& st = result.stories[i];
      Impl::StoryTexts& mine = s.story_texts.local();
      mine.of_doc.resize(result.docs.size());
      if (mine.buffers.size() < st.members.size()) mine.buffers.resize(st.members.size());
      for (size_t m = 0; m < st.members.size(); ++m) {
        mine.of_doc[st.members[m]] = texts.text(st.members[m], mine.buffers[m]);
      }
      // result.quotations come story by story (story_quotations()).
      const std::span<const Quotation> all(result.quotations);
      const auto q_begin =
          std::lower_bound(all.begin(), all.end(), st.id,
                           [](const Quotation& q, uint32_t id) { return q.story < id; });
      const auto q_end = std::find_if(q_begin, all.end(),
                                      [&](const Quotation& q) { return q.story != st.id; });
      st.account = story::merged_account(st, mine.of_doc, std::span<const Quotation>(q_begin, q_end));
      for (uint32_t d : st.members) mine.of_doc[d] = {};
      if (mine.buffers.size() > 64) {  // after a large story, give its texts back
        mine.buffers.resize(64);
        mine.buffers.shrink_to_fit();
      }
    });
  });
  // result.stats is a copy: the story stage's time is kept in both.
  const double seconds = seconds_since(start);
  s.stats.seconds_stories += seconds;
  result.stats.seconds_stories += seconds;
}

std::vector<Passage> align_texts(std::string_view a, std::string_view b) {
  return pipeline::reuse_passages(a, b);
}

Comparison compare_texts(std::string_view a, std::string_view b, const Params& params) {
  std::vector<normalize::Token> ta, tb;
  normalize::tokenize(a, ta);
  normalize::tokenize(b, tb);
  std::vector<uint64_t> sa, sb;
  sketch::shingle_set(ta, params.shingle_size, sa);
  sketch::shingle_set(tb, params.shingle_size, sb);
  Comparison c;
  c.overlap = align::overlap(sa, sb);
  c.tokens_a = static_cast<uint32_t>(ta.size());
  c.tokens_b = static_cast<uint32_t>(tb.size());
  c.same_text = !ta.empty() && ta.size() == tb.size() &&
                normalize::sequence_fingerprint(ta) == normalize::sequence_fingerprint(tb);
  c.relation = classify(c.overlap, c.same_text, params);
  const story::StoryFeatures fa = story::extract_features(a, ta, std::nullopt);
  const story::StoryFeatures fb = story::extract_features(b, tb, std::nullopt);
  // Only the time window enters a similarity (link and cohesion group stories).
  const story::StoryParams sp = story::story_params(params);
  const double copy =
      c.relation ? std::max(c.overlap.containment_a_in_b(), c.overlap.containment_b_in_a()) : 0.0;
  const story::StoryEvidence e = story::story_similarity(fa, fb, story::StoryStats(), sp, copy);
  c.story = e.total;
  c.story_words = e.words;
  c.story_names = e.names;
  c.story_quotes = e.quotes;
  return c;
}

}  // namespace kindred
