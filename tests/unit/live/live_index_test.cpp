// The live index against a batch scan of the same documents (the oracle), and
// its store's format and error handling.
#include "kindred/live_index.h"

#include <endian.h>
#include <gtest/gtest.h>
#include <lmdb.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "live_testing.h"
#include "synth/generator.h"

namespace kindred {
namespace {

using live_testing::batch_scan;
using live_testing::example_documents;
using live_testing::TempDir;

std::vector<Document> synthetic_documents(uint64_t n) {
  synth::CorpusSpec spec;
  spec.documents = n;
  spec.mean_words = 200;
  spec.copy_fraction = 0.3;
  return synth::generate_corpus(spec).documents;
}

// 600 short documents, 60% copies, and a bucket cap of 3: buckets cross the
// cap while documents arrive.
std::vector<Document> copy_heavy_documents() {
  synth::CorpusSpec spec;
  spec.documents = 600;
  spec.mean_words = 150;
  spec.copy_fraction = 0.6;
  return synth::generate_corpus(spec).documents;
}
Params capped_params() {
  Params p;
  p.max_bucket = 3;
  return p;
}

// Links as (a id, b id, relation, shared), families as (root id, member ids),
// stories as member ids: comparable across numberings.
using LinkSet = std::set<std::tuple<std::string, std::string, int, uint64_t>>;
using FamilySet = std::set<std::pair<std::string, std::set<std::string>>>;
using StorySet = std::set<std::set<std::string>>;

LinkSet links_of(const ScanResult& r) {
  LinkSet out;
  for (const Link& l : r.links) {
    out.insert({r.docs[l.a].id, r.docs[l.b].id, static_cast<int>(l.relation), l.overlap.shared});
  }
  return out;
}
FamilySet families_of(const ScanResult& r) {
  FamilySet out;
  for (const Family& f : r.families) {
    std::set<std::string> m;
    for (uint32_t d : f.members) m.insert(r.docs[d].id);
    out.insert({r.docs[f.root].id, m});
  }
  return out;
}
StorySet stories_of(const ScanResult& r) {
  StorySet out;
  for (const Story& s : r.stories) {
    std::set<std::string> m;
    for (uint32_t d : s.members) m.insert(r.docs[d].id);
    out.insert(m);
  }
  return out;
}

// Adds `docs` in batches of `batch`, then compares with a batch scan.
// Returns the batch scan's count of capped buckets. With `reopen_every`, the
// index is closed and opened again after that many batches (its in-memory
// bucket postings are then rebuilt from the store).
uint64_t expect_equivalent(const std::vector<Document>& docs, const Params& params, size_t batch,
                           bool stories,
                           LiveOpenOptions options = {.threads = 2, .background_stories = false},
                           size_t reopen_every = 0) {
  TempDir dir;
  auto index = LiveIndex::create(dir.path.string(), params, options);
  EXPECT_TRUE(index.has_value()) << index.status().to_string();
  if (!index) return 0;
  for (size_t i = 0, batches = 0; i < docs.size(); i += batch) {
    std::vector<Document> part(docs.begin() + static_cast<long>(i),
                               docs.begin() + static_cast<long>(std::min(docs.size(), i + batch)));
    auto r = (*index)->add(std::move(part));
    EXPECT_TRUE(r.has_value()) << r.status().to_string();
    if (reopen_every > 0 && ++batches % reopen_every == 0) {
      index->reset();
      index = LiveIndex::open(dir.path.string(), options);
      EXPECT_TRUE(index.has_value()) << index.status().to_string();
      if (!index) return 0;
    }
  }
  EXPECT_EQ((*index)->stats()->buckets, uint64_t{docs.size()} * params.bands);
  if (options.merge_documents < docs.size()) {
    EXPECT_GE((*index)->stats()->buckets_merged, options.merge_documents);
  }
  const ScanResult batch_result = batch_scan(docs, params);
  const ScanResult live = (*index)->snapshot().value();
  EXPECT_EQ(live.docs.size(), batch_result.docs.size());
  EXPECT_EQ(links_of(live), links_of(batch_result));
  EXPECT_EQ(families_of(live), families_of(batch_result));
  EXPECT_EQ((*index)->check(), std::vector<std::string>{});
  if (!stories) return batch_result.stats.capped_buckets;
  // Before a refresh stories are provisional; report how close they are.
  EXPECT_EQ((*index)->stats()->stories_pending, docs.size());
  const StorySet want = stories_of(batch_result);
  const StorySet before = stories_of(live);
  size_t same = 0;
  for (const auto& s : before) same += want.count(s);
  std::printf("stories before refresh: %zu of %zu batch stories identical (%zu provisional)\n",
              same, want.size(), before.size());
  EXPECT_TRUE((*index)->refresh_stories().is_ok());
  const ScanResult refreshed = (*index)->snapshot().value();
  EXPECT_EQ(stories_of(refreshed), want);
  EXPECT_EQ((*index)->check(), std::vector<std::string>{});
  return batch_result.stats.capped_buckets;
}

TEST(LiveIndex, ExamplesEqualBatchScan) {
  expect_equivalent(example_documents(), Params{}, 1, true);
  expect_equivalent(example_documents(), Params{}, 7, true);
}

TEST(LiveIndex, SyntheticCorpusEqualsBatchScan) {
  std::vector<Document> docs = example_documents();
  for (Document& d : synthetic_documents(3000)) docs.push_back(std::move(d));
  expect_equivalent(docs, Params{}, 500, true);
}

// A tiny bucket cap makes buckets cross it while documents arrive: links the
// batch rule stops proposing must disappear, exactly as a batch scan finds.
TEST(LiveIndex, CappedBucketsEqualBatchScan) {
  EXPECT_GT(expect_equivalent(copy_heavy_documents(), capped_params(), 37, false), 0u);
}

// Bucket postings merged into the store every few hundred documents (and the
// in-memory rest rebuilt on reopen) give the same links and families.
TEST(LiveIndex, MergedBucketsEqualBatchScan) {
  std::vector<Document> docs = example_documents();
  for (Document& d : synthetic_documents(2000)) docs.push_back(std::move(d));
  expect_equivalent(docs, Params{}, 61, false, {.threads = 2, .merge_documents = 150});
  expect_equivalent(docs, Params{}, 61, false, {.threads = 2, .merge_documents = 150}, 5);
  EXPECT_GT(expect_equivalent(copy_heavy_documents(), capped_params(), 37, false,
                              {.threads = 2, .merge_documents = 40}, 3),
            0u);
}

// Bucket runs merged in the adding thread (deterministically): the merges keep
// few runs, and links and families still equal the batch scan's.
TEST(LiveIndex, MergedBucketRunsEqualBatchScan) {
  std::vector<Document> docs = synthetic_documents(3000);
  const LiveOpenOptions options{.threads = 2, .merge_documents = 40, .background_merges = false};
  expect_equivalent(docs, Params{}, 23, false, options);
  expect_equivalent(docs, Params{}, 23, false, options, 7);
  TempDir dir;
  auto index = LiveIndex::create(dir.path.string(), Params{}, options);
  ASSERT_TRUE(index.has_value());
  size_t adds = 0;
  for (size_t i = 0; i < docs.size(); i += 23, ++adds) {
    std::vector<Document> part(docs.begin() + static_cast<long>(i),
                               docs.begin() + static_cast<long>(std::min(docs.size(), i + 23)));
    ASSERT_TRUE((*index)->add(std::move(part)).has_value());
  }
  const LiveStats st = (*index)->stats().value();
  // Delta merges every 40 documents or a quarter of the merged ones: dozens of
  // runs written, a binary counter of them left.
  EXPECT_GT(st.buckets_merged, 2000u);
  EXPECT_GE(st.bucket_runs, 1u);
  EXPECT_LE(st.bucket_runs, 8u) << adds;
  EXPECT_EQ((*index)->check(), std::vector<std::string>{});
}

// Queries see the same candidates whether postings are merged or in memory,
// also from a second read-only handle that has to build its delta itself.
TEST(LiveIndex, QueriesAgreeAcrossMerges) {
  std::vector<Document> docs = synthetic_documents(1200);
  const std::vector<Document> probes(docs.end() - 40, docs.end());
  docs.resize(docs.size() - 40);
  TempDir merged_dir, memory_dir;
  auto merged = LiveIndex::create(merged_dir.path.string(), Params{}, {.merge_documents = 100});
  auto memory =
      LiveIndex::create(memory_dir.path.string(), Params{}, {.merge_documents = 1u << 30});
  ASSERT_TRUE(merged.has_value() && memory.has_value());
  for (size_t i = 0; i < docs.size(); i += 70) {
    std::vector<Document> part(docs.begin() + static_cast<long>(i),
                               docs.begin() + static_cast<long>(std::min(docs.size(), i + 70)));
    ASSERT_TRUE((*merged)->add(part).has_value());
    ASSERT_TRUE((*memory)->add(part).has_value());
  }
  merged->reset();
  auto reader = LiveIndex::open(merged_dir.path.string(), {.read_only = true});
  ASSERT_TRUE(reader.has_value()) << reader.status().to_string();
  EXPECT_EQ((*reader)->check(), std::vector<std::string>{});
  size_t matched = 0;
  for (const Document& q : probes) {
    auto a = (*reader)->query(q);
    auto b = (*memory)->query(q);
    ASSERT_TRUE(a.has_value() && b.has_value());
    ASSERT_EQ(a->matches.size(), b->matches.size()) << q.id;
    for (size_t i = 0; i < a->matches.size(); ++i) {
      EXPECT_EQ(a->matches[i].id, b->matches[i].id);
      EXPECT_EQ(a->matches[i].relation, b->matches[i].relation);
      EXPECT_EQ(a->matches[i].overlap.shared, b->matches[i].overlap.shared);
    }
    matched += a->matches.empty() ? 0 : 1;
  }
  EXPECT_GT(matched, 0u);
}

TEST(LiveIndex, RejectsDuplicatesAndEmptyDocuments) {
  TempDir dir;
  auto index = LiveIndex::create(dir.path.string(), Params{});
  ASSERT_TRUE(index.has_value());
  std::vector<Document> docs(3);
  docs[0].id = "a";
  docs[0].text = "one two three four five six seven";
  docs[1].id = "a";
  docs[1].text = "another text entirely with words";
  docs[2].id = "b";
  docs[2].text = "  ...  ";
  auto r = (*index)->add(docs);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->added.size(), 1u);
  ASSERT_EQ(r->rejections.size(), 2u);
  EXPECT_EQ(r->rejections[0].status.code(), StatusCode::kDuplicate);
  EXPECT_EQ(r->rejections[1].status.code(), StatusCode::kDataError);
  EXPECT_EQ((*index)->stats()->documents, 1u);
}

TEST(LiveIndex, PersistsAcrossReopenAndQueries) {
  TempDir dir;
  std::vector<Document> docs = example_documents();
  {
    auto index = LiveIndex::create(dir.path.string(), Params{});
    ASSERT_TRUE(index.has_value());
    ASSERT_TRUE((*index)->add(docs).has_value());
  }
  auto index = LiveIndex::open(dir.path.string());
  ASSERT_TRUE(index.has_value()) << index.status().to_string();
  const auto n = (*index)->find("strike/abridged.txt");
  ASSERT_TRUE(n.has_value());
  auto doc = (*index)->document(*n, true);
  ASSERT_TRUE(doc.has_value());
  EXPECT_FALSE(doc->info.text.empty());
  const auto stored = (*index)->matches(*n, true).value();
  ASSERT_FALSE(stored.empty());
  EXPECT_FALSE(stored.front().passages.empty());
  // A query with the same text finds the document itself as an exact copy.
  Document q;
  q.id = "probe";
  q.text = doc->info.text;
  auto r = (*index)->query(q);
  ASSERT_TRUE(r.has_value());
  bool self = false;
  for (const LiveMatch& m : r->matches)
    self |= m.id == "strike/abridged.txt" && m.relation == Relation::kExact;
  EXPECT_TRUE(self);
  EXPECT_EQ((*index)->stats()->documents, docs.size());  // the query stored nothing
  // A second create on the same directory is refused.
  EXPECT_FALSE(LiveIndex::create(dir.path.string(), Params{}).has_value());
}

// A store made by an earlier build (tests/data/live-format-2/README.md) must
// still open, pass its check, hold what a batch scan of the same documents
// finds now, and take new documents whose sketches meet the stored ones.
TEST(LiveIndex, OpensTheCheckedInFormat2Store) {
  static_assert(kLiveFormatVersion == 2,
                "a new store format: replace tests/data/live-format-2 (see its README)");
  TempDir dir;
  std::filesystem::create_directories(dir.path);
  std::filesystem::copy_file(
      std::filesystem::path(KINDRED_SOURCE_DIR) / "tests/data/live-format-2/data.mdb",
      dir.path / "data.mdb");
  auto index = LiveIndex::open(dir.path.string());
  ASSERT_TRUE(index.has_value()) << index.status().to_string();
  EXPECT_EQ((*index)->check(), std::vector<std::string>{});
  const std::vector<Document> docs = example_documents();
  const ScanResult batch_result = batch_scan(docs, Params{});
  const ScanResult stored = (*index)->snapshot().value();
  EXPECT_EQ(stored.docs.size(), docs.size());
  EXPECT_FALSE(links_of(batch_result).empty());
  EXPECT_EQ(links_of(stored), links_of(batch_result));
  EXPECT_EQ(families_of(stored), families_of(batch_result));
  // The store predates the text_bytes counter: stats() sums the texts.
  uint64_t text_bytes = 0;
  for (const Document& d : docs) text_bytes += d.text.size();
  EXPECT_EQ((*index)->stats()->text_bytes, text_bytes);
  // New documents: an exact copy of a stored text, under a new id, links to it.
  const auto n = (*index)->find("strike/abridged.txt");
  ASSERT_TRUE(n.has_value());
  auto doc = (*index)->document(*n, true);
  ASSERT_TRUE(doc.has_value());
  Document copy;
  copy.id = "new/copy.txt";
  copy.text = doc->info.text;
  auto added = (*index)->add({copy});
  ASSERT_TRUE(added.has_value()) << added.status().to_string();
  ASSERT_EQ(added->added.size(), 1u);
  bool found = false;
  for (const LiveMatch& m : added->added[0].matches)
    found |= m.id == "strike/abridged.txt" && m.relation == Relation::kExact;
  EXPECT_TRUE(found);
  // The add started the counter from the texts already stored.
  EXPECT_EQ((*index)->stats()->text_bytes, text_bytes + copy.text.size());
  EXPECT_EQ((*index)->check(), std::vector<std::string>{});
}

// Writes `value` under `key` in table `table` of the store in `dir`, behind
// the index's back (integer keys for every table but meta and ids).
void overwrite(const std::filesystem::path& dir, const char* table, std::string_view key,
               std::string_view value) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 16);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  MDB_dbi dbi = 0;
  const std::string_view name(table);
  const unsigned flags = name == "meta" || name == "ids" ? 0
                         : name == "links" ? MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED
                                           : MDB_INTEGERKEY;
  ASSERT_EQ(mdb_dbi_open(txn, table, flags, &dbi), 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}
std::string doc_key(uint32_t n) {
  return std::string(reinterpret_cast<const char*>(&n), sizeof n);
}
// A well-formed record that names document `missing`, which the store lacks:
// a link of the links table (16 bytes, the other document big-endian), a
// family (root, members) or a story (updated, cohesion, members).
std::string link_to(uint32_t missing) {
  std::string v(16, '\0');
  const uint32_t be = htobe32(missing);
  std::memcpy(v.data(), &be, 4);
  return v;
}
std::string family_naming(uint32_t member, uint32_t missing) {
  return doc_key(member) + doc_key(member) + doc_key(missing);
}
std::string story_naming(uint32_t member, uint32_t missing) {
  return std::string(16, '\0') + doc_key(member) + doc_key(missing);
}

// Document n's record in the store at `dir` with the first byte of its id
// made 0xFF: the record still decodes as to its layout, but the id is not UTF-8.
std::string damaged_id(const std::filesystem::path& dir, uint32_t n, const std::string& id) {
  MDB_env* env = nullptr;
  EXPECT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 16);
  EXPECT_EQ(mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0644), 0);
  MDB_txn* txn = nullptr;
  EXPECT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
  MDB_dbi dbi = 0;
  EXPECT_EQ(mdb_dbi_open(txn, "docs", MDB_INTEGERKEY, &dbi), 0);
  const std::string key = doc_key(n);
  MDB_val k{key.size(), const_cast<char*>(key.data())}, v{0, nullptr};
  EXPECT_EQ(mdb_get(txn, dbi, &k, &v), 0);
  std::string record(static_cast<const char*>(v.mv_data), v.mv_size);
  mdb_txn_abort(txn);
  mdb_env_close(env);
  const size_t at = record.find(id);  // the id comes first of the strings
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos) record[at] = '\xff';
  return record;
}

// Every kind of record, corrupted in a copy of a store: the calls that read
// it return a kCorrupt Status naming it (never an abort), the others still
// answer, check() lists a problem, and an add that reads it stores nothing.
TEST(LiveIndex, CorruptRecordsAreStatusesNotAborts) {
  TempDir original;
  std::vector<Document> docs = example_documents();
  // No background refresher: it would rewrite a corrupted story record.
  const LiveOpenOptions options{.background_stories = false};
  {
    auto index = LiveIndex::create(original.path.string(), Params{}, options);
    ASSERT_TRUE(index.has_value());
    ASSERT_TRUE((*index)->add(docs).has_value());
    ASSERT_TRUE((*index)->sync_stories().is_ok());
  }
  uint32_t linked = 0, family = 0, story = 0;
  {
    auto index = LiveIndex::open(original.path.string(), options);
    ASSERT_TRUE(index.has_value());
    const ScanResult snap = (*index)->snapshot().value();
    ASSERT_FALSE(snap.links.empty());
    linked = snap.links.front().b;
    family = snap.families.front().members.front();
    story = snap.stories.front().members.front();
  }
  struct Case {
    const char* table;
    std::string key, value;
    std::string message;  // in the Status
  };
  const std::vector<Case> cases = {
      {"docs", doc_key(linked), "short", "document " + std::to_string(linked)},
      {"shingles", doc_key(linked), "1234567", "shingles of document"},
      {"bandkeys", doc_key(linked), "123", "band keys of document"},
      {"families", doc_key(family), "xy", "family " + std::to_string(family)},
      {"stories", doc_key(story), std::string(16, '\0'), "story " + std::to_string(story)},
      {"family", doc_key(linked), "x", "assignment"},
      {"meta", "next_doc", "xy", "document count"},
      {"meta", "runs", "12345", "bucket runs"},
      // Well-formed records that name a document the store does not hold.
      {"links", doc_key(linked), link_to(9999), "document 9999"},
      {"families", doc_key(family), family_naming(family, 9999), "names no document"},
      {"stories", doc_key(story), story_naming(story, 9999), "names no document"},
      {"story", doc_key(linked), "xyz", "assignment"},
      {"ids", docs[linked].id, "xy", "document number"},
      // Damaged bytes: a text that is no longer UTF-8, and a document record
      // whose id is not (its layout intact), would make answers invalid JSON.
      {"texts", doc_key(story), "caf\xc3 \xff\xfe", "text of document " + std::to_string(story)},
      {"docs", doc_key(linked), damaged_id(original.path, linked, docs[linked].id),
       "document " + std::to_string(linked)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.table) + " " + c.message);
    TempDir dir;
    std::filesystem::create_directories(dir.path);
    std::filesystem::copy(original.path, dir.path, std::filesystem::copy_options::recursive);
    overwrite(dir.path, c.table, c.key, c.value);
    auto index = LiveIndex::open(dir.path.string(), options);
    ASSERT_TRUE(index.has_value()) << index.status().to_string();
    LiveIndex& ix = **index;
    // Each read either answers or fails as corrupt; at least one of them fails.
    std::vector<Status> failures;
    auto note = [&](const Status& s) {
      if (s.is_ok() || s.code() == StatusCode::kNotFound) return;
      EXPECT_EQ(s.code(), StatusCode::kCorrupt) << s.to_string();
      EXPECT_NE(s.message().find("corrupt index"), std::string::npos) << s.message();
      failures.push_back(s);
    };
    note(ix.snapshot().status());
    note(ix.stats().status());
    note(ix.document(linked).status());
    note(ix.matches(linked, false).status());
    note(ix.family(family).status());
    note(ix.story(story, true).status());
    note(ix.story_result(story).status());
    note(ix.stories_since(0).status());
    note(ix.find(docs[linked].id).status());
    Document probe = docs[linked];
    probe.id = "probe";
    note(ix.query(probe).status());
    ASSERT_FALSE(failures.empty());
    bool named = false;
    for (const Status& s : failures) named |= s.message().find(c.message) != std::string::npos;
    EXPECT_TRUE(named) << failures.front().message();
    EXPECT_FALSE(ix.check().empty());
    // An add that reads the corrupt record is refused whole.
    auto added = ix.add({probe});
    if (!added) {
      note(added.status());
      EXPECT_EQ(ix.find("probe").status().code(), StatusCode::kNotFound);
    }
    // A story refresh that reads it fails with its Status.
    note(ix.sync_stories());
    note(ix.refresh_stories());
  }
}

TEST(LiveIndex, RefusesOtherFormatVersion) {
  TempDir dir;
  ASSERT_TRUE(LiveIndex::create(dir.path.string(), Params{}).has_value());
  {
    MDB_env* env = nullptr;
    ASSERT_EQ(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 16);
    ASSERT_EQ(mdb_env_open(env, dir.path.c_str(), 0, 0644), 0);
    MDB_txn* txn = nullptr;
    ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
    MDB_dbi meta;
    ASSERT_EQ(mdb_dbi_open(txn, "meta", 0, &meta), 0);
    uint32_t version = 99;
    MDB_val k{6, const_cast<char*>("format")}, v{4, &version};
    ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
    ASSERT_EQ(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
  }
  auto index = LiveIndex::open(dir.path.string());
  ASSERT_FALSE(index.has_value());
  EXPECT_NE(index.status().message().find("format version 99"), std::string::npos)
      << index.status().message();
  EXPECT_FALSE(LiveIndex::open((dir.path / "nothing").string()).has_value());
}

}  // namespace
}  // namespace kindred
