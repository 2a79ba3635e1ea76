// LiveIndex (include/kindred/live_index.h) over the LMDB store of live/store.h.
//
// Equivalence with a batch scan, step by step:
//   * document numbers are insertion order over accepted documents, which is
//     the batch's document index for the same input;
//   * a new document d is the last member of each of its buckets, so the
//     batch candidate rule gives its pairs directly: every member while the
//     bucket has at most max_bucket members, else the bucket's first member
//     (star) and its previous last member (chain). When a bucket grows past
//     max_bucket the batch stops proposing its other pairs; links that no
//     bucket proposes any more are removed (retire_unproposed);
//   * verification is the batch's: exact overlap of the stored shingle sets
//     and classify();
//   * families are recomputed per connected component with
//     families_from_links() (Scanner's root preference, ties by number), and
//     the guard never spans two components, so recomputing the touched
//     components gives the families of a run over everything.
#include "kindred/live_index.h"

#include <endian.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "align/overlap.h"
#include "candidates/pairs.h"
#include "cluster/provenance.h"
#include "core/check.h"
#include "index/band_table.h"
#include "kindred/stages.h"
#include "kindred/version.h"
#include "live/bucket_delta.h"
#include "live/bucket_runs.h"
#include "live/store.h"
#include "normalize/tokenize.h"
#include "story/account.h"
#include "story/features.h"
#include "story/stories.h"

namespace kindred {

namespace {

using live::bucket_key;
using live::Cursor;
using live::Txn;

int64_t now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

// Little byte writer/reader for records.
struct Bytes {
  std::string out;
  template <typename T>
  void pod(const T& v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void str(std::string_view s) {
    pod(static_cast<uint32_t>(s.size()));
    out.append(s);
  }
};
struct Reader {
  std::string_view in;
  size_t pos = 0;
  template <typename T>
  T pod() {
    KINDRED_CHECK(pos + sizeof(T) <= in.size(), "truncated record in the index");
    T v = live::load<T>(in.data() + pos);
    pos += sizeof(T);
    return v;
  }
  std::string str() {
    const uint32_t n = pod<uint32_t>();
    KINDRED_CHECK(pos + n <= in.size(), "truncated string in the index");
    std::string s(in.substr(pos, n));
    pos += n;
    return s;
  }
};

// Values in LMDB are only 2-byte aligned; copy when an array is not aligned for T.
template <typename T>
std::span<const T> aligned(const MDB_val& v, std::vector<T>& scratch) {
  if (reinterpret_cast<uintptr_t>(v.mv_data) % alignof(T) == 0) return live::span_of<T>(v);
  scratch.resize(v.mv_size / sizeof(T));
  std::memcpy(scratch.data(), v.mv_data, scratch.size() * sizeof(T));
  return scratch;
}

std::string encode_params(const Params& p) {
  Bytes b;
  b.pod(p.shingle_size);
  b.pod(p.sketch_bins);
  b.pod(p.seed);
  b.pod(p.bands);
  b.pod(p.rows);
  b.pod(p.max_bucket);
  b.pod(p.near_duplicate);
  b.pod(p.contained);
  b.pod(p.link);
  b.pod(p.min_shared);
  b.pod(p.story_link);
  b.pod(p.story_cohesion);
  b.pod(p.story_window_days);
  return b.out;
}

Params decode_params(std::string_view s) {
  Reader r{s};
  Params p;
  p.shingle_size = r.pod<uint32_t>();
  p.sketch_bins = r.pod<uint32_t>();
  p.seed = r.pod<uint64_t>();
  p.bands = r.pod<uint32_t>();
  p.rows = r.pod<uint32_t>();
  p.max_bucket = r.pod<uint32_t>();
  p.near_duplicate = r.pod<double>();
  p.contained = r.pod<double>();
  p.link = r.pod<double>();
  p.min_shared = r.pod<uint32_t>();
  p.story_link = r.pod<double>();
  p.story_cohesion = r.pod<double>();
  p.story_window_days = r.pod<double>();
  return p;
}

// A document's record in the `docs` table.
struct DocRecord {
  uint32_t tokens = 0, shingles = 0, invalid_utf8 = 0;
  uint64_t fingerprint = 0;
  int64_t added = 0;
  std::string id, title, date, url, source;
  Origin origin;
};

std::string encode_doc(const DocRecord& d) {
  Bytes b;
  b.pod(d.tokens);
  b.pod(d.shingles);
  b.pod(d.invalid_utf8);
  b.pod(d.fingerprint);
  b.pod(d.added);
  b.pod(d.origin.line);
  b.pod(d.origin.offset);
  b.str(d.id);
  b.str(d.title);
  b.str(d.date);
  b.str(d.url);
  b.str(d.source);
  b.str(d.origin.file);
  return b.out;
}

DocRecord decode_doc(std::string_view s) {
  Reader r{s};
  DocRecord d;
  d.tokens = r.pod<uint32_t>();
  d.shingles = r.pod<uint32_t>();
  d.invalid_utf8 = r.pod<uint32_t>();
  d.fingerprint = r.pod<uint64_t>();
  d.added = r.pod<int64_t>();
  d.origin.line = r.pod<uint64_t>();
  d.origin.offset = r.pod<uint64_t>();
  d.id = r.str();
  d.title = r.str();
  d.date = r.str();
  d.url = r.str();
  d.source = r.str();
  d.origin.file = r.str();
  return d;
}

// One side of a stored link.
struct LinkValue {
  uint32_t other = 0;
  Relation relation = Relation::kOverlapping;
  uint64_t shared = 0;
};

std::array<char, 16> encode_link(uint32_t other, Relation rel, uint64_t shared) {
  std::array<char, 16> v{};
  const uint32_t be = htobe32(other);
  const uint32_t r = static_cast<uint32_t>(rel);
  std::memcpy(v.data(), &be, 4);
  std::memcpy(v.data() + 4, &r, 4);
  std::memcpy(v.data() + 8, &shared, 8);
  return v;
}

LinkValue decode_link(const MDB_val& v) {
  KINDRED_CHECK(v.mv_size == 16, "bad link record in the index");
  const char* p = static_cast<const char*>(v.mv_data);
  LinkValue l;
  l.other = be32toh(live::load<uint32_t>(p));
  l.relation = static_cast<Relation>(live::load<uint32_t>(p + 4));
  l.shared = live::load<uint64_t>(p + 8);
  return l;
}

std::string encode_members(std::span<const uint32_t> members, Bytes b = {}) {
  for (uint32_t m : members) b.pod(m);
  return b.out;
}

}  // namespace

struct LiveIndex::Impl {
  std::unique_ptr<live::Env> env;
  Params params;
  std::unique_ptr<Sketcher> sketcher;
  LiveOpenOptions options;
  std::mutex write_mu;  // one writer in this process; LMDB serialises processes
  std::string dir;
  // Postings of documents [delta.base(), ...) (live/bucket_delta.h). The writer
  // appends under an exclusive lock, before its commit (readers see only
  // documents below their snapshot's next_doc); readers hold a shared lock
  // from before they begin their transaction until their candidates are found.
  mutable std::shared_mutex delta_mu;
  mutable live::BucketDelta delta;
  // Merges (of the delta into a new run, and of runs) run on this thread
  // (started on first use) outside the writer lock but for their final write
  // (merge_delta_background, compact_once), unless options.background_merges
  // is false.
  std::thread compactor;
  std::mutex compact_mu;
  std::condition_variable compact_cv;
  bool compact_wanted = false;
  std::atomic<bool> stopping{false};

  ~Impl() {
    {
      std::lock_guard lock(compact_mu);
      stopping = true;
    }
    compact_cv.notify_all();
    if (compactor.joinable()) compactor.join();
  }

  // Merge the delta into the store once it holds this many documents.
  uint32_t merge_threshold(uint32_t upto) const {
    const uint32_t low = std::max(1u, options.merge_documents);
    return std::clamp(upto / 4, low, std::max(low, kMergeMax));
  }
  static constexpr uint32_t kMergeMax = 32768;

  const live::Dbs& d() const { return env->dbs(); }

  // --- reads (any transaction) ---
  std::optional<DocRecord> doc(MDB_txn* t, uint32_t n) const {
    auto v = live::get(t, d().docs, live::val_of(n));
    if (!v) return std::nullopt;
    return decode_doc(live::view(*v));
  }
  std::span<const uint64_t> shingles(MDB_txn* t, uint32_t n, std::vector<uint64_t>& scratch) const {
    auto v = live::get(t, d().shingles, live::val_of(n));
    KINDRED_CHECK(v.has_value(), "document without shingles in the index");
    return aligned<uint64_t>(*v, scratch);
  }
  std::string_view text(MDB_txn* t, uint32_t n) const {
    auto v = live::get(t, d().texts, live::val_of(n));
    return v ? live::view(*v) : std::string_view();
  }
  std::vector<LinkValue> links_of(MDB_txn* t, uint32_t n) const {
    std::vector<LinkValue> out;
    Cursor c(t, d().links);
    MDB_val k = live::val_of(n), v;
    if (!c.op(k, v, MDB_SET_KEY)) return out;
    do out.push_back(decode_link(v));
    while (c.op(k, v, MDB_NEXT_DUP));
    return out;
  }
  int64_t assignment(MDB_txn* t, MDB_dbi dbi, uint32_t n) const {
    auto v = live::get(t, dbi, live::val_of(n));
    return v ? int64_t{live::load<uint32_t>(v->mv_data)} : -1;
  }
  uint32_t next_doc(MDB_txn* t) const {
    auto v = live::get(t, d().meta, live::val("next_doc"));
    return v ? live::load<uint32_t>(v->mv_data) : 0;
  }
  // Bytes of all stored texts: kept in meta by add() (stats() must not read
  // every text: 2.4 GB at 1,000,000 documents); summed from the texts table
  // for a store written before the counter existed.
  uint64_t text_bytes(MDB_txn* t) const {
    if (auto v = live::get(t, d().meta, live::val("text_bytes")))
      return live::load<uint64_t>(v->mv_data);
    return summed_text_bytes(t);
  }
  uint64_t summed_text_bytes(MDB_txn* t) const {
    uint64_t total = 0;
    Cursor c(t, d().texts);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) total += v.mv_size;
    return total;
  }
  // Documents below this mark have their postings in the `buckets` table.
  uint32_t buckets_upto(MDB_txn* t) const {
    auto v = live::get(t, d().meta, live::val("buckets_upto"));
    return v ? live::load<uint32_t>(v->mv_data) : 0;
  }

  // Makes `delta` hold documents [upto, n) of transaction t's snapshot (it may
  // hold more: documents a writer of this process has not committed yet).
  // Call with delta_mu held exclusively.
  void sync_delta(MDB_txn* t, uint32_t upto, uint32_t n) const {
    if (delta.base() != upto || delta.end() < upto) delta.reset(upto);
    std::vector<uint32_t> scratch;
    for (uint32_t i = delta.end(); i < n; ++i) {
      auto v = live::get(t, d().bandkeys, live::val_of(i));
      KINDRED_CHECK(v.has_value(), "document without band keys in the index");
      delta.append(aligned<uint32_t>(*v, scratch));
    }
  }

  // The LSH buckets as seen from one transaction: the runs of the `buckets`
  // table (documents below upto, live/bucket_runs.h) followed by the delta's
  // documents below `limit`.
  struct Buckets {
    const Impl& s;
    MDB_txn* t;
    uint32_t limit;
    std::vector<live::RunView> runs;
    Buckets(const Impl& impl, MDB_txn* txn, uint32_t lim) : s(impl), t(txn), limit(lim) {
      for (const live::RunInfo& r : live::read_runs(txn, impl.d().meta)) {
        runs.emplace_back(txn, impl.d().buckets, r);
      }
    }

    struct Summary {
      uint64_t count = 0;
      uint32_t first = 0, last = 0;
    };
    Summary summary(uint64_t bk) {
      Summary out;
      for (const live::RunView& r : runs) {
        const live::RunView::Summary rs = r.summary(bk);
        if (rs.count == 0) continue;
        if (out.count == 0) out.first = rs.first;
        out.count += rs.count;
        out.last = rs.last;
      }
      const live::BucketDelta::Summary ds = s.delta.summary(bk, limit);
      if (ds.count > 0) {
        if (out.count == 0) out.first = ds.first;
        out.count += ds.count;
        out.last = ds.last;
      }
      return out;
    }
    // All members, ascending, appended to out.
    void members(uint64_t bk, std::vector<uint32_t>& out) {
      for (const live::RunView& r : runs) {
        r.members(bk, [&](uint32_t doc) {
          out.push_back(doc);
          return true;
        });
      }
      s.delta.members(bk, limit, out);
    }
  };

  // Candidates of a document with band keys `keys` appended now as the last
  // document (batch rule). Buckets that reach max_bucket + 1 with it go to `crossing`.
  void candidates(Buckets& buckets, std::span<const uint32_t> keys, std::vector<uint32_t>& out,
                  std::vector<uint64_t>* crossing) const {
    for (uint32_t b = 0; b < keys.size(); ++b) {
      const uint64_t bk = bucket_key(b, keys[b]);
      const Buckets::Summary m = buckets.summary(bk);
      if (m.count == 0) continue;
      if (m.count + 1 <= params.max_bucket) {
        buckets.members(bk, out);
      } else {
        out.push_back(m.first);  // the star
        out.push_back(m.last);   // previous last: the chain
        if (m.count == params.max_bucket && crossing) crossing->push_back(bk);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  // Whether the batch rule proposes (x, y), x < y, in some band.
  bool proposed(Buckets& buckets, uint32_t x, uint32_t y) const {
    MDB_txn* t = buckets.t;
    std::vector<uint32_t> sx, sy, members;
    auto kx = aligned<uint32_t>(*live::get(t, d().bandkeys, live::val_of(x)), sx);
    auto ky = aligned<uint32_t>(*live::get(t, d().bandkeys, live::val_of(y)), sy);
    for (uint32_t b = 0; b < kx.size(); ++b) {
      if (kx[b] != ky[b]) continue;
      const uint64_t bk = bucket_key(b, kx[b]);
      const Buckets::Summary m = buckets.summary(bk);
      if (m.count == 0) continue;
      if (m.count <= params.max_bucket) return true;
      if (m.first == x) return true;  // star
      members.clear();
      buckets.members(bk, members);
      auto it = std::lower_bound(members.begin(), members.end(), x);
      if (it != members.end() && *it == x && it + 1 != members.end() && *(it + 1) == y)
        return true;  // chain
    }
    return false;
  }

  std::optional<Link> verify(MDB_txn* t, uint32_t a, const DocRecord& ra,
                             std::span<const uint64_t> sa, uint32_t b, const DocRecord& rb,
                             std::span<const uint64_t> sb) const {
    const Overlap o = align::overlap(sa, sb);
    (void)t;
    const bool same_text = ra.fingerprint == rb.fingerprint && ra.tokens == rb.tokens;
    if (auto rel = classify(o, same_text, params)) return Link{a, b, *rel, o};
    return std::nullopt;
  }

  Status put_link(MDB_txn* t, uint32_t a, uint32_t b, Relation rel, uint64_t shared) {
    auto va = encode_link(b, rel, shared);
    auto vb = encode_link(a, rel, shared);
    if (Status s = live::put(t, d().links, live::val_of(a), live::val(va.data(), 16)); !s) return s;
    return live::put(t, d().links, live::val_of(b), live::val(vb.data(), 16));
  }
  Status del_link(MDB_txn* t, uint32_t a, uint32_t b) {
    for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
      for (const LinkValue& l : links_of(t, x)) {
        if (l.other != y) continue;
        auto v = encode_link(y, l.relation, l.shared);
        MDB_val dv = live::val(v.data(), 16);
        if (Status s = live::del(t, d().links, live::val_of(x), &dv); !s) return s;
      }
    }
    return Status::ok();
  }
  Status add_link_count(MDB_txn* t, int64_t change) {
    auto v = live::get(t, d().meta, live::val("links"));
    const int64_t n = (v ? live::load<int64_t>(v->mv_data) : 0) + change;
    return live::put(t, d().meta, live::val("links"), live::val_of(n));
  }

  // Links between members of a bucket that just went over max_bucket and that
  // no bucket proposes any more are removed, as a batch scan would not find them.
  Status retire_unproposed(Buckets& buckets, uint64_t bk, uint32_t newest,
                           std::set<uint32_t>& touched) {
    MDB_txn* t = buckets.t;
    std::vector<uint32_t> members;
    buckets.members(bk, members);
    const std::unordered_set<uint32_t> in(members.begin(), members.end());
    for (uint32_t x : members) {
      if (x == newest) continue;
      for (const LinkValue& l : links_of(t, x)) {
        if (l.other <= x || l.other == newest || !in.count(l.other)) continue;
        if (proposed(buckets, x, l.other)) continue;
        if (Status s = del_link(t, x, l.other); !s) return s;
        if (Status s = add_link_count(t, -1); !s) return s;
        touched.insert(x);
        touched.insert(l.other);
      }
    }
    return Status::ok();
  }

  // Recomputes the families of the components of `touched`; returns the new
  // families (by id) so that stories can follow.
  Result<std::vector<LiveFamily>> refamily(MDB_txn* t, const std::set<uint32_t>& touched) {
    std::unordered_set<uint32_t> seen;
    std::vector<LiveFamily> made;
    for (uint32_t start : touched) {
      if (seen.count(start)) continue;
      std::vector<uint32_t> comp{start};
      seen.insert(start);
      std::vector<KeyedLink> links;
      for (size_t i = 0; i < comp.size(); ++i) {
        const uint32_t x = comp[i];
        for (const LinkValue& l : links_of(t, x)) {
          if (seen.insert(l.other).second) comp.push_back(l.other);
          if (l.other > x) links.push_back({x, l.other, l.relation, {l.shared, 0, 0}});
        }
      }
      std::vector<FamilyDoc> fdocs;
      std::unordered_map<uint32_t, uint32_t> shingle_count;
      for (uint32_t x : comp) {
        DocRecord r = *doc(t, x);
        shingle_count[x] = r.shingles;
        fdocs.push_back({x, r.shingles, std::move(r.date)});
      }
      for (KeyedLink& l : links) {
        l.overlap.size_a = shingle_count[static_cast<uint32_t>(l.a)];
        l.overlap.size_b = shingle_count[static_cast<uint32_t>(l.b)];
      }
      for (uint32_t x : comp) {
        const int64_t old = assignment(t, d().family, x);
        if (old < 0) continue;
        const uint32_t o = static_cast<uint32_t>(old);
        if (Status s = live::del(t, d().families, live::val_of(o)); !s) return s;
        if (Status s = live::del(t, d().family, live::val_of(x)); !s) return s;
      }
      for (const KeyedFamily& f : families_from_links(links, fdocs)) {
        LiveFamily lf;
        lf.id = static_cast<uint32_t>(f.members.front());
        lf.root = static_cast<uint32_t>(f.root);
        for (uint64_t m : f.members) lf.members.push_back(static_cast<uint32_t>(m));
        Bytes b;
        b.pod(lf.root);
        const std::string rec = encode_members(lf.members, std::move(b));
        if (Status s = live::put(t, d().families, live::val_of(lf.id), live::val(rec)); !s)
          return s;
        for (uint32_t m : lf.members) {
          if (Status s = live::put(t, d().family, live::val_of(m), live::val_of(lf.id)); !s)
            return s;
        }
        made.push_back(std::move(lf));
      }
    }
    return made;
  }

  struct StoryRecord {
    int64_t updated = 0;
    double cohesion = 0;
    std::vector<uint32_t> members;
  };
  std::optional<StoryRecord> story_record(MDB_txn* t, uint32_t id) const {
    auto v = live::get(t, d().stories, live::val_of(id));
    if (!v) return std::nullopt;
    StoryRecord r;
    Reader rd{live::view(*v)};
    r.updated = rd.pod<int64_t>();
    r.cohesion = rd.pod<double>();
    while (rd.pos < rd.in.size()) r.members.push_back(rd.pod<uint32_t>());
    return r;
  }
  Status put_story(MDB_txn* t, uint32_t id, const StoryRecord& r) {
    Bytes b;
    b.pod(r.updated);
    b.pod(r.cohesion);
    const std::string rec = encode_members(r.members, std::move(b));
    return live::put(t, d().stories, live::val_of(id), live::val(rec));
  }

  // Provisional stories: a family joins the story one of its members is in
  // (its root's first), else forms a story of its own.
  Status place_in_stories(MDB_txn* t, const std::vector<LiveFamily>& families) {
    const int64_t now = now_seconds();
    for (const LiveFamily& f : families) {
      int64_t target = assignment(t, d().story, f.root);
      for (size_t i = 0; target < 0 && i < f.members.size(); ++i) {
        target = assignment(t, d().story, f.members[i]);
      }
      std::vector<uint32_t> joining;
      for (uint32_t m : f.members) {
        if (assignment(t, d().story, m) < 0) joining.push_back(m);
      }
      if (joining.empty()) continue;
      StoryRecord r;
      uint32_t id = 0;
      if (target >= 0) {
        id = static_cast<uint32_t>(target);
        r = *story_record(t, id);
      } else {
        id = joining.front();
      }
      r.members.insert(r.members.end(), joining.begin(), joining.end());
      std::sort(r.members.begin(), r.members.end());
      r.updated = now;
      if (Status s = put_story(t, id, r); !s) return s;
      for (uint32_t m : joining) {
        if (Status s = live::put(t, d().story, live::val_of(m), live::val_of(id)); !s) return s;
      }
    }
    return Status::ok();
  }

  // Writes the delta's postings as a new run of the `buckets` table and moves
  // the mark to the delta's end, in one transaction, then merges runs. Call
  // with write_mu held. (With background_merges, merge_delta_background does
  // this on the compactor thread instead.)
  Status merge_delta() {
    Txn t(*env, true);
    if (!t.status()) return t.status();
    MDB_txn* tx = t.get();
    const uint32_t upto = buckets_upto(tx), n = next_doc(tx);
    std::vector<live::BucketPosting> postings;
    {
      std::unique_lock lock(delta_mu);
      sync_delta(tx, upto, n);  // a no-op unless another process wrote
      KINDRED_CHECK(delta.base() == upto && delta.end() == n, "bucket delta out of step");
      postings = delta.sorted_postings();
    }
    std::vector<live::RunInfo> runs = live::read_runs(tx, d().meta);
    uint32_t next_run = live::read_next_run(tx, d().meta);
    KINDRED_CHECK(runs.empty() ? upto == 0 : runs.back().hi == upto, "bucket runs out of step");
    if (Status st = live::write_run(tx, d().buckets, next_run, postings); !st) return st;
    runs.push_back({next_run++, upto, n});
    if (Status st = live::write_runs(tx, d().meta, runs, next_run); !st) return st;
    if (Status st = live::put(tx, d().meta, live::val("buckets_upto"), live::val_of(n)); !st)
      return st;
    if (Status st = t.commit(); !st) return st;
    {
      std::unique_lock lock(delta_mu);
      delta.reset(n);
    }
    while (compact_once(true)) {
    }
    return Status::ok();
  }

  // merge_delta on the compactor thread: copies the postings of the committed
  // documents [upto, cut) from the delta and sorts them into a run without the
  // writer lock, then takes it to write the run and move the mark to `cut`
  // (documents added meanwhile stay in the delta). Returns whether it merged.
  bool merge_delta_background() {
    uint32_t upto = 0, cut = 0;
    std::vector<live::BucketPosting> postings;
    {
      std::shared_lock lock(delta_mu);
      Txn t(*env, false);
      if (!t.status()) return false;
      upto = buckets_upto(t.get());
      cut = next_doc(t.get());
      if (cut - upto < merge_threshold(upto)) return false;
      // Another process wrote: the next add brings the delta up to date and asks again.
      if (delta.base() != upto || delta.end() < cut) return false;
      postings = delta.unsorted_postings(cut);
    }
    std::sort(postings.begin(), postings.end());
    const live::RunRecords records = live::make_run(postings);
    postings = {};
    if (stopping) return false;
    std::lock_guard lock(write_mu);
    Txn t(*env, true);
    if (!t.status()) return false;
    MDB_txn* tx = t.get();
    std::vector<live::RunInfo> runs = live::read_runs(tx, d().meta);
    if (buckets_upto(tx) != upto || (runs.empty() ? upto != 0 : runs.back().hi != upto)) {
      return false;
    }
    const uint32_t next_run = live::read_next_run(tx, d().meta);
    if (!live::write_run(tx, d().buckets, next_run, records)) return false;
    runs.push_back({next_run, upto, cut});
    if (!live::write_runs(tx, d().meta, runs, next_run + 1)) return false;
    if (!live::put(tx, d().meta, live::val("buckets_upto"), live::val_of(cut))) return false;
    if (!t.commit()) return false;
    std::unique_lock delta_lock(delta_mu);
    delta.drop_below(cut);
    return true;
  }

  // The newest adjacent pair of runs to merge: the older no larger than the
  // newer, together within kMaxRunDocuments (a binary counter).
  static std::optional<size_t> run_pair(const std::vector<live::RunInfo>& runs) {
    for (size_t i = runs.size(); i-- > 1;) {
      const uint32_t older = runs[i - 1].documents(), newer = runs[i].documents();
      if (older <= newer && older + newer <= live::kMaxRunDocuments) return i - 1;
    }
    return std::nullopt;
  }

  void request_compaction() {
    if (options.read_only) return;
    std::lock_guard lock(compact_mu);
    compact_wanted = true;
    if (!compactor.joinable()) compactor = std::thread([this] { compactor_loop(); });
    compact_cv.notify_one();
  }

  void compactor_loop() {
    std::unique_lock lock(compact_mu);
    while (true) {
      compact_cv.wait(lock, [&] { return stopping || compact_wanted; });
      if (stopping) return;
      compact_wanted = false;
      lock.unlock();
      while (!stopping && (merge_delta_background() || compact_once(false))) {
      }
      lock.lock();
    }
  }

  // Merges one pair of runs: reads and merges them from a read snapshot (runs
  // never change), then takes the writer lock only to swap them for the merged
  // run in one transaction, if they are still listed. Returns whether to look
  // for another pair. `locked`: the caller holds write_mu.
  bool compact_once(bool locked) {
    std::vector<live::RunInfo> runs;
    size_t i = 0;
    live::RunRecords records;
    {
      std::vector<live::BucketPosting> postings;
      Txn t(*env, false);
      if (!t.status()) return false;
      runs = live::read_runs(t.get(), d().meta);
      const auto pair = run_pair(runs);
      if (!pair) return false;
      i = *pair;
      // Both are sorted by (key, document) and hold disjoint documents.
      live::read_run(t.get(), d().buckets, runs[i].id, postings);
      const auto middle = static_cast<std::ptrdiff_t>(postings.size());
      live::read_run(t.get(), d().buckets, runs[i + 1].id, postings);
      std::inplace_merge(postings.begin(), postings.begin() + middle, postings.end());
      records = live::make_run(postings);
    }
    if (stopping) return false;
    std::unique_lock lock(write_mu, std::defer_lock);
    if (!locked) lock.lock();
    Txn t(*env, true);
    if (!t.status()) return false;
    MDB_txn* tx = t.get();
    std::vector<live::RunInfo> now = live::read_runs(tx, d().meta);
    auto at = std::find(now.begin(), now.end(), runs[i]);
    if (at == now.end() || at + 1 == now.end() || *(at + 1) != runs[i + 1]) return true;
    const uint32_t next_run = live::read_next_run(tx, d().meta);
    for (uint32_t id : {runs[i].id, runs[i + 1].id}) {
      if (!live::delete_run(tx, d().buckets, id)) return false;
    }
    if (!live::write_run(tx, d().buckets, next_run, records)) return false;
    *at = {next_run, runs[i].lo, runs[i + 1].hi};
    now.erase(at + 1);
    if (!live::write_runs(tx, d().meta, now, next_run + 1)) return false;
    return t.commit().is_ok();
  }

  std::vector<LiveMatch> matches(MDB_txn* t, uint32_t n, bool with_passages) const {
    std::vector<LiveMatch> out;
    const auto self = doc(t, n);
    if (!self) return out;
    for (const LinkValue& l : links_of(t, n)) {
      const DocRecord other = *doc(t, l.other);
      LiveMatch m;
      m.doc = l.other;
      m.id = other.id;
      m.relation = l.relation;
      m.overlap = {l.shared, self->shingles, other.shingles};
      if (with_passages) m.passages = align_texts(text(t, n), text(t, l.other));
      out.push_back(std::move(m));
    }
    return out;
  }
};

LiveIndex::LiveIndex() : impl_(std::make_unique<Impl>()) {}
LiveIndex::~LiveIndex() = default;
const Params& LiveIndex::params() const {
  return impl_->params;
}

Result<std::unique_ptr<LiveIndex>> LiveIndex::create(const std::string& dir, const Params& params,
                                                     const LiveOpenOptions& options) {
  if (Status v = params.validate(); !v) return v;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status(StatusCode::kIoError, "cannot create '" + dir + "': " + ec.message());
  if (std::filesystem::exists(std::filesystem::path(dir) / "data.mdb")) {
    return Status(StatusCode::kInvalidArgument, "'" + dir + "' already holds an index");
  }
  auto env = live::Env::open(dir, true, false, options.map_bytes);
  if (!env) return env.status();
  {
    Txn t(**env, true);
    if (!t.status()) return t.status();
    const auto& d = (*env)->dbs();
    const uint32_t version = kLiveFormatVersion, zero = 0;
    const std::string p = encode_params(params);
    for (Status s : {live::put(t.get(), d.meta, live::val("format"), live::val_of(version)),
                     live::put(t.get(), d.meta, live::val("params"), live::val(p)),
                     live::put(t.get(), d.meta, live::val("next_doc"), live::val_of(zero)),
                     live::put(t.get(), d.meta, live::val("buckets_upto"), live::val_of(zero))}) {
      if (!s) return s;
    }
    if (Status s = t.commit(); !s) return s;
  }
  env.value().reset();  // close before reopening
  return open(dir, options);
}

Result<std::unique_ptr<LiveIndex>> LiveIndex::open(const std::string& dir,
                                                   const LiveOpenOptions& options) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "data.mdb")) {
    return Status(StatusCode::kNotFound,
                  "no index in '" + dir + "' (create one with `kindred index create`)");
  }
  auto env = live::Env::open(dir, false, options.read_only, options.map_bytes);
  if (!env) return env.status();
  std::unique_ptr<LiveIndex> index(new LiveIndex());
  Impl& s = *index->impl_;
  s.env = std::move(*env);
  s.options = options;
  s.dir = dir;
  Txn t(*s.env, false);
  if (!t.status()) return t.status();
  auto version = live::get(t.get(), s.d().meta, live::val("format"));
  if (!version || version->mv_size != 4) {
    return Status(StatusCode::kDataError,
                  "'" + dir + "' is not a kindred index (no format version)");
  }
  const uint32_t v = live::load<uint32_t>(version->mv_data);
  if (v != kLiveFormatVersion) {
    return Status(StatusCode::kDataError,
                  "index '" + dir + "' has format version " + std::to_string(v) +
                      ", this kindred (" + kVersion + ") reads version " +
                      std::to_string(kLiveFormatVersion) +
                      " only; rebuild it with this version (`kindred index create` + `add`)");
  }
  auto p = live::get(t.get(), s.d().meta, live::val("params"));
  if (!p) return Status(StatusCode::kDataError, "index '" + dir + "' has no parameters");
  s.params = decode_params(live::view(*p));
  if (Status ok = s.params.validate(); !ok) return ok;
  s.sketcher = std::make_unique<Sketcher>(s.params);
  s.delta = live::BucketDelta(s.params.bands);
  s.delta.reset(s.buckets_upto(t.get()));  // filled on first use (sync_delta)
  return index;
}

Result<LiveAddResult> LiveIndex::add(std::vector<Document> documents) {
  Impl& s = *impl_;
  if (s.options.read_only) return Status(StatusCode::kInvalidArgument, "index opened read-only");
  // Sketch outside the writer lock: the expensive part runs in parallel with other writers.
  const std::vector<DocumentSketch> sketches =
      sketch_documents(documents, s.params, s.options.threads);
  std::lock_guard<std::mutex> lock(s.write_mu);
  Txn t(*s.env, true);
  if (!t.status()) return t.status();
  MDB_txn* tx = t.get();
  const auto& d = s.d();
  LiveAddResult result;
  std::set<uint32_t> touched;
  std::vector<uint32_t> cands;
  std::vector<uint64_t> crossing, scratch;
  uint32_t next = s.next_doc(tx);
  const uint32_t first = next, upto = s.buckets_upto(tx);
  {
    // Another process may have added documents (or merged) since this one last wrote.
    std::unique_lock delta_lock(s.delta_mu);
    if (s.delta.base() == upto && s.delta.end() > next) s.delta.truncate(next);
    s.sync_delta(tx, upto, next);
  }
  // Postings of this transaction's documents go into the delta as they are
  // added (readers ignore documents their snapshot lacks); if it does not
  // commit, they are taken out again.
  struct Rollback {
    Impl& s;
    uint32_t end;
    bool committed = false;
    ~Rollback() {
      if (committed) return;
      std::unique_lock delta_lock(s.delta_mu);
      s.delta.truncate(end);
    }
  } rollback{s, first};
  Impl::Buckets buckets(s, tx, UINT32_MAX);
  const int64_t now = now_seconds();
  uint64_t text_bytes = s.text_bytes(tx);
  for (size_t i = 0; i < documents.size(); ++i) {
    Document& doc = documents[i];
    const DocumentSketch& sk = sketches[i];
    if (sk.tokens == 0) {
      result.rejections.push_back({doc.origin, doc.id, no_words_status(doc.id)});
      continue;
    }
    if (live::get(tx, d.ids, live::val(doc.id))) {
      result.rejections.push_back({doc.origin, doc.id, duplicate_id_status(doc.id)});
      continue;
    }
    if (doc.id.empty() || doc.id.size() > 511) {
      result.rejections.push_back(
          {doc.origin, doc.id,
           Status(StatusCode::kDataError, "document id must have 1 to 511 bytes")});
      continue;
    }
    const uint32_t n = next++;
    DocRecord rec;
    rec.tokens = sk.tokens;
    rec.shingles = static_cast<uint32_t>(sk.shingles.size());
    rec.invalid_utf8 = doc.invalid_utf8;
    rec.fingerprint = sk.fingerprint;
    rec.added = now;
    rec.id = doc.id;
    rec.title = doc.title;
    rec.date = doc.date;
    rec.url = doc.url;
    rec.source = doc.source;
    rec.origin = doc.origin;
    const std::string enc = encode_doc(rec);
    for (Status st : {live::put(tx, d.ids, live::val(doc.id), live::val_of(n)),
                      live::put(tx, d.docs, live::val_of(n), live::val(enc)),
                      live::put(tx, d.texts, live::val_of(n), live::val(doc.text)),
                      live::put(tx, d.shingles, live::val_of(n),
                                live::val(sk.shingles.data(), sk.shingles.size() * 8)),
                      live::put(tx, d.bandkeys, live::val_of(n),
                                live::val(sk.band_keys.data(), sk.band_keys.size() * 4))}) {
      if (!st) return st;
    }
    text_bytes += doc.text.size();
    cands.clear();
    crossing.clear();
    {
      std::shared_lock delta_lock(s.delta_mu);
      s.candidates(buckets, sk.band_keys, cands, &crossing);
    }
    {
      std::unique_lock delta_lock(s.delta_mu);
      KINDRED_CHECK(s.delta.end() == n, "bucket delta out of step with the documents");
      s.delta.append(sk.band_keys);
    }
    touched.insert(n);
    int64_t new_links = 0;
    for (uint32_t c : cands) {
      const DocRecord rc = *s.doc(tx, c);
      auto sc = s.shingles(tx, c, scratch);
      if (auto link = s.verify(tx, c, rc, sc, n, rec, sk.shingles)) {
        if (Status st = s.put_link(tx, c, n, link->relation, link->overlap.shared); !st) return st;
        ++new_links;
        touched.insert(c);
      }
    }
    if (Status st = s.add_link_count(tx, new_links); !st) return st;
    for (uint64_t bk : crossing) {
      std::shared_lock delta_lock(s.delta_mu);
      if (Status st = s.retire_unproposed(buckets, bk, n, touched); !st) return st;
    }
    LiveAdded added;
    added.doc = n;
    added.id = doc.id;
    result.added.push_back(std::move(added));
  }
  if (Status st = live::put(tx, d.meta, live::val("next_doc"), live::val_of(next)); !st) return st;
  if (Status st = live::put(tx, d.meta, live::val("text_bytes"), live::val_of(text_bytes)); !st)
    return st;
  auto families = s.refamily(tx, touched);
  if (!families) return families.status();
  if (Status st = s.place_in_stories(tx, *families); !st) return st;
  for (LiveAdded& a : result.added) {
    a.matches = s.matches(tx, a.doc, false);
    a.family = s.assignment(tx, d.family, a.doc);
    a.story = s.assignment(tx, d.story, a.doc);
  }
  if (Status st = t.commit(); !st) return st;
  rollback.committed = true;
  if (next - upto >= s.merge_threshold(upto)) {
    // The adds are durable already; a merge that fails is tried again next time.
    if (s.options.background_merges) {
      s.request_compaction();
    } else {
      (void)s.merge_delta();
    }
  }
  return result;
}

Result<LiveQueryResult> LiveIndex::query(const Document& document) const {
  const Impl& s = *impl_;
  DocumentSketch sk;
  s.sketcher->sketch(document.text, sk);
  if (sk.tokens == 0) return no_words_status(document.id);
  std::optional<Txn> txn;
  std::vector<uint32_t> cands;
  {
    std::shared_lock delta_lock(s.delta_mu);
    txn.emplace(*s.env, false);
    if (!txn->status()) return txn->status();
    const uint32_t upto = s.buckets_upto(txn->get()), n = s.next_doc(txn->get());
    if (s.delta.base() != upto || s.delta.end() < n) {
      // Another process added documents: bring the delta up to this snapshot.
      delta_lock.unlock();
      {
        std::unique_lock exclusive(s.delta_mu);
        s.sync_delta(txn->get(), upto, n);
      }
      delta_lock.lock();
      // A writer of this process may have merged in between: then this snapshot is stale.
      if (s.delta.base() != upto || s.delta.end() < n) {
        txn.reset();
        delta_lock.unlock();
        return query(document);
      }
    }
    Impl::Buckets buckets(s, txn->get(), n);
    s.candidates(buckets, sk.band_keys, cands, nullptr);
  }
  MDB_txn* tx = txn->get();
  DocRecord self;
  self.tokens = sk.tokens;
  self.fingerprint = sk.fingerprint;
  self.shingles = static_cast<uint32_t>(sk.shingles.size());
  LiveQueryResult out;
  std::vector<uint64_t> scratch;
  std::optional<std::pair<Relation, double>> best;
  for (uint32_t c : cands) {
    const DocRecord rc = *s.doc(tx, c);
    auto sc = s.shingles(tx, c, scratch);
    auto link = s.verify(tx, c, rc, sc, 0, self, sk.shingles);
    if (!link) continue;
    LiveMatch m;
    m.doc = c;
    m.id = rc.id;
    m.relation = link->relation;
    m.overlap = {link->overlap.shared, self.shingles, rc.shingles};
    m.passages = align_texts(document.text, s.text(tx, c));
    const double strength =
        std::max(m.overlap.containment_a_in_b(), m.overlap.containment_b_in_a());
    if (!best || m.relation < best->first ||
        (m.relation == best->first && strength > best->second)) {
      best = {m.relation, strength};
      out.family = s.assignment(tx, s.d().family, c);
      out.story = s.assignment(tx, s.d().story, c);
    }
    out.matches.push_back(std::move(m));
  }
  return out;
}

Status LiveIndex::refresh_stories() {
  Impl& s = *impl_;
  if (s.options.read_only) return Status(StatusCode::kInvalidArgument, "index opened read-only");
  std::lock_guard<std::mutex> lock(s.write_mu);
  Txn t(*s.env, true);
  if (!t.status()) return t.status();
  MDB_txn* tx = t.get();
  const uint32_t n = s.next_doc(tx);
  // Everything is read before the first write: LMDB pointers stay valid until then.
  std::vector<std::string_view> texts(n);
  std::vector<std::string> dates(n);
  for (uint32_t i = 0; i < n; ++i) {
    texts[i] = s.text(tx, i);
    dates[i] = s.doc(tx, i)->date;
  }
  std::vector<story::StoryFeatures> features(n);
  tbb::task_arena arena(static_cast<int>(s.options.threads == 0
                                             ? std::max(1u, std::thread::hardware_concurrency())
                                             : s.options.threads));
  arena.execute([&] {
    tbb::parallel_for(uint32_t{0}, n, [&](uint32_t i) {
      std::vector<normalize::Token> tokens;
      normalize::tokenize(texts[i], tokens);
      features[i] = story::extract_features(texts[i], tokens, dates[i]);
    });
  });
  ScanResult snap = snapshot();  // its own read snapshot: the writer lock keeps it current
  story::StoryParams sp;
  sp.link = s.params.story_link;
  sp.cohesion = s.params.story_cohesion;
  sp.time_window_days = s.params.story_window_days;
  const story::StoryStats stats(features);
  std::vector<Story> stories =
      story::cluster_stories(features, stats, snap.links, snap.families, sp);
  std::map<uint32_t, Impl::StoryRecord> old;
  {
    Cursor c(tx, s.d().stories);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      const uint32_t id = live::load<uint32_t>(k.mv_data);
      old[id] = *s.story_record(tx, id);
    }
  }
  for (MDB_dbi dbi : {s.d().story, s.d().stories}) {
    if (int rc = mdb_drop(tx, dbi, 0); rc != 0)
      return live::lmdb_status(rc, "cannot clear stories");
  }
  const int64_t now = now_seconds();
  for (const Story& st : stories) {
    Impl::StoryRecord r;
    r.members = st.members;
    r.cohesion = st.cohesion;
    const uint32_t id = st.members.front();
    auto it = old.find(id);
    r.updated = it != old.end() && it->second.members == r.members ? it->second.updated : now;
    if (Status x = s.put_story(tx, id, r); !x) return x;
    for (uint32_t m : st.members) {
      if (Status x = live::put(tx, s.d().story, live::val_of(m), live::val_of(id)); !x) return x;
    }
  }
  if (Status x = live::put(tx, s.d().meta, live::val("refreshed"), live::val_of(now)); !x) return x;
  return t.commit();
}

std::optional<uint32_t> LiveIndex::find(const std::string& id) const {
  Txn t(*impl_->env, false);
  if (!t.status() || id.empty() || id.size() > 511) return std::nullopt;
  auto v = live::get(t.get(), impl_->d().ids, live::val(id));
  if (!v) return std::nullopt;
  return live::load<uint32_t>(v->mv_data);
}

std::optional<LiveDocument> LiveIndex::document(uint32_t n, bool with_text) const {
  const Impl& s = *impl_;
  Txn t(*s.env, false);
  if (!t.status()) return std::nullopt;
  auto r = s.doc(t.get(), n);
  if (!r) return std::nullopt;
  LiveDocument out;
  out.doc = n;
  out.added = r->added;
  DocInfo& i = out.info;
  i.id = std::move(r->id);
  i.title = std::move(r->title);
  i.date = std::move(r->date);
  i.url = std::move(r->url);
  i.source = std::move(r->source);
  i.origin = std::move(r->origin);
  i.tokens = r->tokens;
  i.shingles = r->shingles;
  i.invalid_utf8 = r->invalid_utf8;
  i.fingerprint = r->fingerprint;
  i.family = static_cast<int32_t>(s.assignment(t.get(), s.d().family, n));
  i.story = static_cast<int32_t>(s.assignment(t.get(), s.d().story, n));
  if (with_text) i.text = std::string(s.text(t.get(), n));
  return out;
}

std::vector<LiveMatch> LiveIndex::matches(uint32_t n, bool with_passages) const {
  Txn t(*impl_->env, false);
  if (!t.status()) return {};
  return impl_->matches(t.get(), n, with_passages);
}

std::optional<LiveFamily> LiveIndex::family(uint32_t id) const {
  Txn t(*impl_->env, false);
  if (!t.status()) return std::nullopt;
  auto v = live::get(t.get(), impl_->d().families, live::val_of(id));
  if (!v) return std::nullopt;
  Reader r{live::view(*v)};
  LiveFamily f;
  f.id = id;
  f.root = r.pod<uint32_t>();
  while (r.pos < r.in.size()) f.members.push_back(r.pod<uint32_t>());
  return f;
}

std::optional<LiveStory> LiveIndex::story(uint32_t id, bool with_account) const {
  const Impl& s = *impl_;
  Txn t(*s.env, false);
  if (!t.status()) return std::nullopt;
  auto r = s.story_record(t.get(), id);
  if (!r) return std::nullopt;
  LiveStory st;
  st.id = id;
  st.members = r->members;
  st.cohesion = r->cohesion;
  st.updated = r->updated;
  std::set<uint32_t> fams;
  for (uint32_t m : st.members) {
    const int64_t f = s.assignment(t.get(), s.d().family, m);
    if (f >= 0) fams.insert(static_cast<uint32_t>(f));
  }
  st.families.assign(fams.begin(), fams.end());
  if (with_account && !st.members.empty()) {
    std::vector<std::string_view> texts(st.members.back() + 1);
    for (uint32_t m : st.members) texts[m] = s.text(t.get(), m);
    Story story;
    story.id = id;
    story.members = st.members;
    st.account = story::merged_account(story, texts);
  }
  return st;
}

std::vector<LiveStory> LiveIndex::stories_since(int64_t unix_seconds) const {
  const Impl& s = *impl_;
  std::vector<LiveStory> out;
  Txn t(*s.env, false);
  if (!t.status()) return out;
  Cursor c(t.get(), s.d().stories);
  MDB_val k, v;
  for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
    const uint32_t id = live::load<uint32_t>(k.mv_data);
    auto r = s.story_record(t.get(), id);
    if (r->updated < unix_seconds) continue;
    LiveStory st;
    st.id = id;
    st.members = std::move(r->members);
    st.cohesion = r->cohesion;
    st.updated = r->updated;
    out.push_back(std::move(st));
  }
  return out;
}

LiveStats LiveIndex::stats() const {
  const Impl& s = *impl_;
  LiveStats out;
  out.format_version = kLiveFormatVersion;
  out.params = s.params.to_spec();
  Txn t(*s.env, false);
  if (!t.status()) return out;
  auto entries = [&](MDB_dbi dbi) {
    MDB_stat st;
    mdb_stat(t.get(), dbi, &st);
    return uint64_t{st.ms_entries};
  };
  out.documents = entries(s.d().docs);
  out.links = entries(s.d().links) / 2;
  out.families = entries(s.d().families);
  out.documents_in_families = entries(s.d().family);
  out.stories = entries(s.d().stories);
  out.buckets_merged = s.buckets_upto(t.get());
  out.bucket_runs = live::read_runs(t.get(), s.d().meta).size();
  out.buckets = uint64_t{s.next_doc(t.get())} * s.params.bands;
  out.text_bytes = s.text_bytes(t.get());
  std::error_code ec;
  out.store_bytes = std::filesystem::file_size(std::filesystem::path(s.dir) / "data.mdb", ec);
  if (auto r = live::get(t.get(), s.d().meta, live::val("refreshed"))) {
    out.stories_refreshed = live::load<int64_t>(r->mv_data);
  }
  return out;
}

ScanResult LiveIndex::snapshot() const {
  const Impl& s = *impl_;
  ScanResult out;
  Txn t(*s.env, false);
  if (!t.status()) return out;
  MDB_txn* tx = t.get();
  const uint32_t n = s.next_doc(tx);
  out.docs.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    DocRecord r = *s.doc(tx, i);
    DocInfo& di = out.docs[i];
    di.id = std::move(r.id);
    di.title = std::move(r.title);
    di.date = std::move(r.date);
    di.url = std::move(r.url);
    di.source = std::move(r.source);
    di.origin = std::move(r.origin);
    di.tokens = r.tokens;
    di.shingles = r.shingles;
    di.invalid_utf8 = r.invalid_utf8;
    di.fingerprint = r.fingerprint;
  }
  for (uint32_t i = 0; i < n; ++i) {
    for (const LinkValue& l : s.links_of(tx, i)) {
      if (l.other <= i) continue;
      out.links.push_back(
          {i, l.other, l.relation, {l.shared, out.docs[i].shingles, out.docs[l.other].shingles}});
    }
  }
  // Families and stories are numbered by smallest member, as a batch scan numbers them.
  auto read_groups = [&](MDB_dbi dbi, bool family) {
    std::vector<std::pair<uint32_t, std::vector<uint32_t>>>
        groups;  // (root or cohesion slot, members)
    std::vector<double> cohesion;
    Cursor c(tx, dbi);
    MDB_val k, v;
    for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
      Reader r{live::view(v)};
      uint32_t root = 0;
      double coh = 0;
      if (family) {
        root = r.pod<uint32_t>();
      } else {
        r.pod<int64_t>();
        coh = r.pod<double>();
      }
      std::vector<uint32_t> members;
      while (r.pos < r.in.size()) members.push_back(r.pod<uint32_t>());
      groups.push_back({root, std::move(members)});
      cohesion.push_back(coh);
    }
    std::vector<size_t> order(groups.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return groups[a].second.front() < groups[b].second.front();
    });
    if (family) {
      for (size_t i = 0; i < order.size(); ++i) {
        Family f;
        f.id = static_cast<uint32_t>(i);
        f.root = groups[order[i]].first;
        f.members = groups[order[i]].second;
        for (uint32_t m : f.members) out.docs[m].family = static_cast<int32_t>(i);
        out.families.push_back(std::move(f));
      }
    } else {
      for (size_t i = 0; i < order.size(); ++i) {
        Story st;
        st.id = static_cast<uint32_t>(i);
        st.members = groups[order[i]].second;
        st.cohesion = cohesion[order[i]];
        std::set<uint32_t> fams;
        for (uint32_t m : st.members) {
          out.docs[m].story = static_cast<int32_t>(i);
          if (out.docs[m].family >= 0) fams.insert(static_cast<uint32_t>(out.docs[m].family));
        }
        st.families.assign(fams.begin(), fams.end());
        out.stories.push_back(std::move(st));
      }
    }
  };
  read_groups(s.d().families, true);
  read_groups(s.d().stories, false);
  out.stats.documents = n;
  out.stats.links = out.links.size();
  out.stats.families = out.families.size();
  for (const Family& f : out.families) out.stats.documents_in_families += f.members.size();
  out.stats.stories = out.stories.size();
  return out;
}

std::optional<ScanResult> LiveIndex::story_result(uint32_t id) const {
  const Impl& s = *impl_;
  auto st = story(id, false);
  if (!st) return std::nullopt;
  Txn t(*s.env, false);
  if (!t.status()) return std::nullopt;
  MDB_txn* tx = t.get();
  ScanResult out;
  std::unordered_map<uint32_t, uint32_t> local;
  for (uint32_t m : st->members) {
    local[m] = static_cast<uint32_t>(out.docs.size());
    auto doc = document(m, true);
    if (!doc) return std::nullopt;
    doc->info.family = -1;
    doc->info.story = 0;
    out.docs.push_back(std::move(doc->info));
  }
  for (uint32_t m : st->members) {
    for (const LinkValue& l : s.links_of(tx, m)) {
      if (l.other <= m || !local.count(l.other)) continue;
      const uint32_t a = local[m], b = local[l.other];
      out.links.push_back(
          {a, b, l.relation, {l.shared, out.docs[a].shingles, out.docs[b].shingles}});
    }
  }
  std::sort(out.links.begin(), out.links.end(),
            [](const Link& x, const Link& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
  for (const Link& l : out.links) {
    out.passages.push_back(align_texts(out.docs[l.a].text, out.docs[l.b].text));
  }
  Story story;
  story.id = 0;
  story.cohesion = st->cohesion;
  for (uint32_t fid : st->families) {
    auto f = family(fid);
    if (!f) continue;
    Family fam;
    fam.id = static_cast<uint32_t>(out.families.size());
    for (uint32_t m : f->members) {
      if (local.count(m)) fam.members.push_back(local[m]);
    }
    if (fam.members.size() < 2 || !local.count(f->root)) continue;
    fam.root = local[f->root];
    for (uint32_t m : fam.members) out.docs[m].family = static_cast<int32_t>(fam.id);
    story.families.push_back(fam.id);
    out.families.push_back(std::move(fam));
  }
  for (size_t i = 0; i < out.docs.size(); ++i) story.members.push_back(static_cast<uint32_t>(i));
  std::vector<std::string_view> texts;
  for (const DocInfo& di : out.docs) texts.push_back(di.text);
  story.account = story::merged_account(story, texts);
  out.stories.push_back(std::move(story));
  out.provenance = cluster::infer_provenance(out.links, out.docs);
  out.stats.documents = out.docs.size();
  out.stats.links = out.links.size();
  out.stats.families = out.families.size();
  out.stats.stories = 1;
  return out;
}

std::vector<std::string> LiveIndex::check(size_t max_problems) const {
  const Impl& s = *impl_;
  std::vector<std::string> problems;
  auto problem = [&](std::string p) {
    if (problems.size() < max_problems) problems.push_back(std::move(p));
  };
  Txn t(*s.env, false);
  if (!t.status()) return {t.status().to_string()};
  MDB_txn* tx = t.get();
  const auto& d = s.d();
  const uint32_t n = s.next_doc(tx);
  auto entries = [&](MDB_dbi dbi) {
    MDB_stat st;
    mdb_stat(tx, dbi, &st);
    return uint64_t{st.ms_entries};
  };
  const std::array<std::pair<MDB_dbi, const char*>, 5> tables = {{{d.docs, "docs"},
                                                                  {d.ids, "ids"},
                                                                  {d.texts, "texts"},
                                                                  {d.shingles, "shingles"},
                                                                  {d.bandkeys, "bandkeys"}}};
  for (const auto& [dbi, name] : tables) {
    if (entries(dbi) != n) {
      problem(std::string(name) + " holds " + std::to_string(entries(dbi)) + " entries, expected " +
              std::to_string(n));
    }
  }
  const uint32_t upto = s.buckets_upto(tx);
  if (upto > n) problem("buckets_upto " + std::to_string(upto) + " is past the last document");
  if (const uint64_t kept = s.text_bytes(tx), summed = s.summed_text_bytes(tx); kept != summed) {
    problem("text_bytes says " + std::to_string(kept) + ", the texts hold " +
            std::to_string(summed));
  }
  // Documents: complete, id maps back.
  index::BandTable table(s.params.bands);
  std::vector<DocumentSketch> sk(n);
  std::vector<uint32_t> band_keys(size_t{n} * s.params.bands);
  {
    std::vector<uint32_t> ks;
    std::vector<uint64_t> ss;
    for (uint32_t i = 0; i < n; ++i) {
      auto r = s.doc(tx, i);
      auto kv = live::get(tx, d.bandkeys, live::val_of(i));
      auto sv = live::get(tx, d.shingles, live::val_of(i));
      if (!r || !kv || !sv || !live::get(tx, d.texts, live::val_of(i))) {
        problem("document " + std::to_string(i) + " is incomplete");
        return problems;
      }
      auto idv = live::get(tx, d.ids, live::val(r->id));
      if (!idv || live::load<uint32_t>(idv->mv_data) != i)
        problem("id '" + r->id + "' does not map to its document");
      auto keys = aligned<uint32_t>(*kv, ks);
      if (keys.size() != s.params.bands) {
        problem("document " + std::to_string(i) + " has " + std::to_string(keys.size()) +
                " band keys");
        return problems;
      }
      auto sh = aligned<uint64_t>(*sv, ss);
      if (sh.size() != r->shingles)
        problem("document " + std::to_string(i) + ": shingle count differs");
      std::copy(keys.begin(), keys.end(), band_keys.begin() + size_t{i} * s.params.bands);
      table.add(keys);
      sk[i].tokens = r->tokens;
      sk[i].fingerprint = r->fingerprint;
      sk[i].shingles.assign(sh.begin(), sh.end());
      sk[i].date = r->date;
    }
  }
  // Bucket runs (live/bucket_runs.h): listed runs cover [0, upto) in order, the
  // table holds exactly their records, each run holds exactly the postings of
  // its documents, sorted, with fences and a filter that find them. Documents
  // from the mark on are only in the in-memory delta, rebuilt from their band keys.
  {
    const std::vector<live::RunInfo> runs = live::read_runs(tx, d.meta);
    const uint32_t next_run = live::read_next_run(tx, d.meta);
    uint32_t at = 0;
    std::set<uint32_t> listed;
    for (const live::RunInfo& r : runs) {
      if (r.lo != at || r.hi <= r.lo || r.id >= next_run || !listed.insert(r.id).second) {
        problem("bucket run " + std::to_string(r.id) + " [" + std::to_string(r.lo) + ", " +
                std::to_string(r.hi) + ") is out of place");
      }
      at = r.hi;
    }
    if (at != std::min(upto, n)) {
      problem("bucket runs end at document " + std::to_string(at) + ", buckets_upto is " +
              std::to_string(upto));
    }
    const std::vector<uint32_t> stored_ids = live::stored_run_ids(tx, d.buckets);
    if (std::set<uint32_t>(stored_ids.begin(), stored_ids.end()) != listed) {
      problem("the bucket table holds " + std::to_string(stored_ids.size()) +
              " runs, the index lists " + std::to_string(listed.size()));
    }
    const uint32_t bands = s.params.bands;
    for (const live::RunInfo& r : runs) {
      const live::RunView view(tx, d.buckets, r);
      const std::string name = "bucket run " + std::to_string(r.id) + ": ";
      if (!view.valid() || r.hi > n) {
        problem(name + "fences or filter missing or malformed");
        continue;
      }
      uint64_t count = 0;
      live::BucketPosting prev{0, 0};
      bool ok = true;
      for (uint32_t blk = 0; blk < view.blocks() && ok; ++blk) {
        const std::span<const char> bytes = view.block(blk);
        const size_t m = bytes.size() / 12;
        for (size_t j = 0; j < m && ok; ++j) {
          const live::BucketPosting p{live::RunView::key_at(bytes.data(), j),
                                      live::RunView::doc_at(bytes.data(), j)};
          const uint32_t band = static_cast<uint32_t>(p.first >> 32);
          if ((count > 0 && !(prev < p)) || p.second < r.lo || p.second >= r.hi || band >= bands ||
              band_keys[size_t{p.second} * bands + band] != static_cast<uint32_t>(p.first) ||
              !view.may_contain(p.first)) {
            problem(name + "posting " + std::to_string(count) + " (document " +
                    std::to_string(p.second) + ") is out of order, out of range or unfindable");
            ok = false;
          }
          prev = p;
          ++count;
        }
      }
      if (ok && count != uint64_t{r.documents()} * bands) {
        problem(name + "holds " + std::to_string(count) + " postings, expected " +
                std::to_string(uint64_t{r.documents()} * bands));
        ok = false;
      }
      // The read path finds every document in each of its buckets.
      for (uint32_t i = r.lo; ok && i < r.hi; ++i) {
        for (uint32_t b = 0; b < bands && ok; ++b) {
          bool found = false;
          view.members(bucket_key(b, band_keys[size_t{i} * bands + b]), [&](uint32_t doc) {
            found = doc == i;
            return doc < i;
          });
          if (!found) {
            problem(name + "lookup misses document " + std::to_string(i) + " in band " +
                    std::to_string(b));
            ok = false;
          }
        }
      }
    }
  }
  // Links: symmetric, and exactly the verified candidates of a batch run.
  std::set<std::pair<uint32_t, uint32_t>> stored;
  std::map<std::pair<uint32_t, uint32_t>, std::pair<Relation, uint64_t>> value;
  for (uint32_t i = 0; i < n; ++i) {
    for (const LinkValue& l : s.links_of(tx, i)) {
      if (l.other >= n) {
        problem("link " + std::to_string(i) + "-" + std::to_string(l.other) + " names no document");
        continue;
      }
      const auto key = std::minmax(i, l.other);
      auto [it, fresh] = value.insert({key, {l.relation, l.shared}});
      if (!fresh) {
        if (it->second != std::pair{l.relation, l.shared}) {
          problem("link " + std::to_string(key.first) + "-" + std::to_string(key.second) +
                  " differs between its ends");
        }
        stored.insert(key);
      }
    }
  }
  for (const auto& [key, v] : value) {
    if (!stored.count(key)) {
      problem("link " + std::to_string(key.first) + "-" + std::to_string(key.second) +
              " is stored from one end only");
    }
  }
  const auto pairs = candidates::candidate_pairs(table, s.params.max_bucket,
                                                 candidates::sequential_bands, nullptr);
  std::vector<Link> expected;
  for (uint64_t p : pairs) {
    const uint32_t a = candidates::pair_first(p), b = candidates::pair_second(p);
    if (auto l = verify_pair(sk[a], sk[b], s.params)) {
      l->a = a;
      l->b = b;
      expected.push_back(*l);
    }
  }
  for (const Link& l : expected) {
    auto it = value.find({l.a, l.b});
    if (it == value.end()) {
      problem("link " + std::to_string(l.a) + "-" + std::to_string(l.b) + " is missing");
    } else if (it->second != std::pair{l.relation, l.overlap.shared}) {
      problem("link " + std::to_string(l.a) + "-" + std::to_string(l.b) + " does not verify");
    }
  }
  if (expected.size() != value.size()) {
    problem(std::to_string(value.size()) + " links stored, a recomputation finds " +
            std::to_string(expected.size()));
  }
  if (auto c = live::get(tx, d.meta, live::val("links"));
      !c || live::load<int64_t>(c->mv_data) != static_cast<int64_t>(value.size())) {
    problem("link count in meta does not match the links stored");
  }
  // Families: equal to a recomputation over all links.
  std::vector<KeyedLink> klinks;
  for (const auto& [key, v] : value) {
    klinks.push_back({key.first,
                      key.second,
                      v.first,
                      {v.second, sk[key.first].shingles.size(), sk[key.second].shingles.size()}});
  }
  std::vector<FamilyDoc> fdocs(n);
  for (uint32_t i = 0; i < n; ++i) {
    fdocs[i] = {i, static_cast<uint32_t>(sk[i].shingles.size()), sk[i].date};
  }
  const auto families = families_from_links(klinks, fdocs);
  uint64_t in_families = 0;
  for (const KeyedFamily& f : families) {
    const uint32_t id = static_cast<uint32_t>(f.members.front());
    in_families += f.members.size();
    auto v = live::get(tx, d.families, live::val_of(id));
    std::vector<uint32_t> want(f.members.begin(), f.members.end());
    Bytes b;
    b.pod(static_cast<uint32_t>(f.root));
    if (!v || live::view(*v) != encode_members(want, std::move(b))) {
      problem("family " + std::to_string(id) + " differs from a recomputation");
      continue;
    }
    for (uint32_t m : want) {
      if (s.assignment(tx, d.family, m) != id)
        problem("document " + std::to_string(m) + " not assigned to family " + std::to_string(id));
    }
  }
  if (entries(d.families) != families.size() || entries(d.family) != in_families) {
    problem("stored families (" + std::to_string(entries(d.families)) +
            ") differ from a recomputation (" + std::to_string(families.size()) + ")");
  }
  // Stories: each member assigned to its story.
  uint64_t in_stories = 0;
  Cursor c(tx, d.stories);
  MDB_val k, v;
  for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
    const uint32_t id = live::load<uint32_t>(k.mv_data);
    const auto record = s.story_record(tx, id);
    for (uint32_t m : record->members) {
      ++in_stories;
      if (m >= n || s.assignment(tx, d.story, m) != id) {
        problem("story " + std::to_string(id) + ": member " + std::to_string(m) +
                " not assigned to it");
      }
    }
  }
  if (in_stories != entries(d.story)) problem("story assignments do not match the stories");
  return problems;
}

}  // namespace kindred
