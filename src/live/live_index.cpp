// LiveIndex (include/kindred/live_index.h) over the LMDB store of live/store.h:
// create, open, add and query; the other jobs live beside it (live/index_impl.h
// lists the files).
//
// Equivalence with a batch scan, step by step:
//   * document numbers are insertion order over accepted documents, which is
//     the batch's document index for the same input;
//   * a new document d is the last member of each of its buckets, so the
//     batch candidate rule gives its pairs directly (candidates/bucket_rule.h):
//     every member while the bucket has at most max_bucket members, else the
//     bucket's first member (star) and its previous last member (chain). When
//     a bucket grows past max_bucket the batch stops proposing its other
//     pairs; links that no bucket proposes any more are removed
//     (retire_unproposed);
//   * verification is the batch's: verify_pair() on the stored shingle sets;
//   * families are recomputed per connected component with
//     families_from_links() (Scanner's root preference, ties by number), and
//     the guard never spans two components, so recomputing the touched
//     components gives the families of a run over everything.
#include "kindred/live_index.h"

#include <ctime>
#include <filesystem>
#include <unordered_map>
#include <unordered_set>

#include "core/check.h"
#include "kindred/version.h"
#include "live/index_impl.h"

namespace kindred {

using live::Txn;

int64_t live_now_seconds() {
  return static_cast<int64_t>(std::time(nullptr));
}

Status LiveIndex::Impl::put_link(Txn& t, uint32_t a, uint32_t b, Relation rel, uint64_t shared) {
  auto va = live::encode_link(b, rel, shared);
  auto vb = live::encode_link(a, rel, shared);
  if (Status s = live::put(t, d().links, live::val_of(a), live::val(va.data(), va.size())); !s)
    return s;
  return live::put(t, d().links, live::val_of(b), live::val(vb.data(), vb.size()));
}

Status LiveIndex::Impl::del_link(Txn& t, uint32_t a, uint32_t b) {
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    for (const live::LinkValue& l : links_of(t, x)) {
      if (l.other != y) continue;
      auto v = live::encode_link(y, l.relation, l.shared);
      MDB_val dv = live::val(v.data(), v.size());
      if (Status s = live::del(t, d().links, live::val_of(x), &dv); !s) return s;
    }
  }
  return t.status();
}

int64_t LiveIndex::Impl::link_count(Txn& t) const {
  return live::get_pod<int64_t>(t, d().meta, live::val("links"), "the link count").value_or(0);
}

Status LiveIndex::Impl::add_link_count(Txn& t, int64_t change) {
  return live::put(t, d().meta, live::val("links"), live::val_of(link_count(t) + change));
}

Status LiveIndex::Impl::retire_unproposed(const Buckets& buckets, uint64_t bk, uint32_t newest,
                                          std::set<uint32_t>& touched) {
  Txn& t = buckets.t;
  std::vector<uint32_t> members;
  buckets.members(bk, members);
  const std::unordered_set<uint32_t> in(members.begin(), members.end());
  for (uint32_t x : members) {
    if (x == newest) continue;
    for (const live::LinkValue& l : links_of(t, x)) {
      if (l.other <= x || l.other == newest || !in.count(l.other)) continue;
      if (proposed(buckets, x, l.other)) continue;
      if (Status s = del_link(t, x, l.other); !s) return s;
      if (Status s = add_link_count(t, -1); !s) return s;
      touched.insert(x);
      touched.insert(l.other);
    }
  }
  return t.status();
}

Result<std::vector<LiveFamily>> LiveIndex::Impl::refamily(Txn& t,
                                                          const std::set<uint32_t>& touched) {
  std::unordered_set<uint32_t> seen;
  std::vector<LiveFamily> made;
  for (uint32_t start : touched) {
    if (seen.count(start)) continue;
    std::vector<uint32_t> comp{start};
    seen.insert(start);
    std::vector<KeyedLink> links;
    for (size_t i = 0; i < comp.size(); ++i) {
      const uint32_t x = comp[i];
      for (const live::LinkValue& l : links_of(t, x)) {
        if (seen.insert(l.other).second) comp.push_back(l.other);
        if (l.other > x) links.push_back({x, l.other, l.relation, {l.shared, 0, 0}});
      }
    }
    std::vector<FamilyDoc> fdocs;
    std::unordered_map<uint32_t, uint32_t> shingle_count;
    for (uint32_t x : comp) {
      live::DocRecord r = stored_doc(t, x);
      shingle_count[x] = r.shingles;
      fdocs.push_back({x, r.shingles, r.time});
    }
    if (!t.ok()) return t.status();
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
    auto families = families_from_links(links, fdocs);
    if (!families) return families.status();
    for (const KeyedFamily& f : *families) {
      LiveFamily lf;
      lf.id = live::group_key(f.members);
      lf.root = static_cast<uint32_t>(f.root);
      for (uint64_t m : f.members) lf.members.push_back(static_cast<uint32_t>(m));
      const std::string rec = live::encode_family(lf.root, lf.members);
      if (Status s = live::put(t, d().families, live::val_of(lf.id), live::val(rec)); !s) return s;
      for (uint32_t m : lf.members) {
        if (Status s = live::put(t, d().family, live::val_of(m), live::val_of(lf.id)); !s) return s;
      }
      made.push_back(std::move(lf));
    }
  }
  if (!t.ok()) return t.status();
  return made;
}

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
    if (!t.ok()) return t.status();
    const auto& d = (*env)->dbs();
    const uint32_t version = kLiveFormatVersion, zero = 0;
    const std::string p = live::encode_params(params);
    for (Status s : {live::put(t, d.meta, live::val("format"), live::val_of(version)),
                     live::put(t, d.meta, live::val("params"), live::val(p)),
                     live::put(t, d.meta, live::val("next_doc"), live::val_of(zero)),
                     live::put(t, d.meta, live::val("buckets_upto"), live::val_of(zero))}) {
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
  if (!t.ok()) return t.status();
  auto version = live::get(t, s.d().meta, live::val("format"));
  if (!version || version->mv_size != 4) {
    if (!t.ok()) return t.status();
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
  auto p = live::get(t, s.d().meta, live::val("params"));
  if (!t.ok()) return t.status();
  if (!p) return Status(StatusCode::kDataError, "index '" + dir + "' has no parameters");
  auto params = live::decode_params(live::view(*p));
  if (!params) {
    return Status(StatusCode::kCorrupt,
                  "corrupt index: the parameters of '" + dir + "' are truncated");
  }
  s.params = *params;
  if (Status ok = s.params.validate(); !ok) return ok;
  s.sketcher = std::make_unique<Sketcher>(s.params);
  s.delta = live::BucketDelta(s.params.bands);
  s.delta.reset(s.buckets_upto(t));  // filled on first use (sync_delta)
  if (!t.ok()) return t.status();
  s.start_refresher();
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
  if (!t.ok()) return t.status();
  const auto& d = s.d();
  LiveAddResult result;
  std::set<uint32_t> touched;
  std::vector<uint32_t> cands;
  std::vector<uint64_t> crossing, scratch;
  uint32_t next = s.next_doc(t);
  const uint32_t first = next, upto = s.buckets_upto(t);
  {
    // Another process may have added documents (or merged) since this one last wrote.
    std::unique_lock delta_lock(s.delta_mu);
    if (s.delta.base() == upto && s.delta.end() > next) s.delta.truncate(next);
    s.sync_delta(t, upto, next);
  }
  if (!t.ok()) return t.status();
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
  Impl::Buckets buckets(s, t, UINT32_MAX);
  const int64_t now = live_now_seconds();
  uint64_t text_bytes = s.text_bytes(t);
  for (size_t i = 0; i < documents.size(); ++i) {
    Document& doc = documents[i];
    const DocumentSketch& sk = sketches[i];
    if (sk.tokens == 0) {
      result.rejections.push_back({doc.origin, doc.id, no_words_status(doc.id)});
      continue;
    }
    if (doc.id.empty() || doc.id.size() > 511) {
      result.rejections.push_back(
          {doc.origin, doc.id,
           Status(StatusCode::kDataError, "document id must have 1 to 511 bytes")});
      continue;
    }
    if (live::get(t, d.ids, live::val(doc.id))) {
      result.rejections.push_back({doc.origin, doc.id, duplicate_id_status(doc.id)});
      continue;
    }
    const uint32_t n = next++;
    live::DocRecord rec;
    static_cast<DocInfo&>(rec) = document_info(std::move(doc), sk);  // doc keeps its text
    rec.added = now;
    const std::string enc = live::encode_doc(rec);
    for (Status st : {live::put(t, d.ids, live::val(rec.id), live::val_of(n)),
                      live::put(t, d.docs, live::val_of(n), live::val(enc)),
                      live::put(t, d.texts, live::val_of(n), live::val(doc.text)),
                      live::put(t, d.shingles, live::val_of(n),
                                live::val(sk.shingles.data(), sk.shingles.size() * 8)),
                      live::put(t, d.bandkeys, live::val_of(n),
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
      // Our own bookkeeping: sync_delta above brought the delta to `next`.
      KINDRED_CHECK(s.delta.end() == n, "bucket delta out of step with the documents");
      s.delta.append(sk.band_keys);
    }
    touched.insert(n);
    int64_t new_links = 0;
    for (uint32_t c : cands) {
      const live::DocRecord rc = s.stored_doc(t, c);
      const auto sc = s.shingles(t, c, scratch);
      if (!t.ok()) return t.status();
      if (auto link = verify_pair(SketchView{rc.tokens, rc.fingerprint, sc}, sk, s.params)) {
        if (Status st = s.put_link(t, c, n, link->relation, link->overlap.shared); !st) return st;
        ++new_links;
        touched.insert(c);
      }
    }
    if (Status st = s.add_link_count(t, new_links); !st) return st;
    for (uint64_t bk : crossing) {
      std::shared_lock delta_lock(s.delta_mu);
      if (Status st = s.retire_unproposed(buckets, bk, n, touched); !st) return st;
    }
    LiveAdded added;
    added.doc = n;
    added.id = rec.id;
    result.added.push_back(std::move(added));
  }
  if (Status st = live::put(t, d.meta, live::val("next_doc"), live::val_of(next)); !st) return st;
  if (Status st = live::put(t, d.meta, live::val("text_bytes"), live::val_of(text_bytes)); !st)
    return st;
  auto families = s.refamily(t, touched);
  if (!families) return families.status();
  if (Status st = s.place_in_stories(t, *families); !st) return st;
  for (LiveAdded& a : result.added) {
    a.matches = s.matches(t, a.doc, false);
    a.family = s.assignment(t, d.family, a.doc);
    a.story = s.assignment(t, d.story, a.doc);
  }
  if (Status st = t.commit(); !st) return st;  // refused when anything read was corrupt
  rollback.committed = true;
  s.request_refresh();
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
    if (!txn->ok()) return txn->status();
    const uint32_t upto = s.buckets_upto(*txn), n = s.next_doc(*txn);
    if (!txn->ok()) return txn->status();
    if (s.delta.base() != upto || s.delta.end() < n) {
      // Another process added documents: bring the delta up to this snapshot.
      delta_lock.unlock();
      {
        std::unique_lock exclusive(s.delta_mu);
        s.sync_delta(*txn, upto, n);
      }
      if (!txn->ok()) return txn->status();
      delta_lock.lock();
      // A writer of this process may have merged in between: then this snapshot is stale.
      if (s.delta.base() != upto || s.delta.end() < n) {
        txn.reset();
        delta_lock.unlock();
        return query(document);
      }
    }
    Impl::Buckets buckets(s, *txn, n);
    s.candidates(buckets, sk.band_keys, cands, nullptr);
  }
  Txn& t = *txn;
  LiveQueryResult out;
  std::vector<uint64_t> scratch;
  std::optional<std::pair<Relation, double>> best;
  for (uint32_t c : cands) {
    const live::DocRecord rc = s.stored_doc(t, c);
    const auto sc = s.shingles(t, c, scratch);
    if (!t.ok()) break;
    auto link = verify_pair(SketchView{rc.tokens, rc.fingerprint, sc}, sk, s.params);
    if (!link) continue;
    LiveMatch m;
    m.doc = c;
    m.id = rc.id;
    m.relation = link->relation;
    m.overlap = {link->overlap.shared, static_cast<uint64_t>(sk.shingles.size()), rc.shingles};
    m.passages = align_texts(document.text, s.text(t, c));
    const double strength =
        std::max(m.overlap.containment_a_in_b(), m.overlap.containment_b_in_a());
    if (!best || m.relation < best->first ||
        (m.relation == best->first && strength > best->second)) {
      best = {m.relation, strength};
      out.family = s.assignment(t, s.d().family, c);
      out.story = s.assignment(t, s.d().story, c);
    }
    out.matches.push_back(std::move(m));
  }
  if (!t.ok()) return t.status();
  return out;
}

}  // namespace kindred
