// LiveIndex::check(): the store against a recomputation from its own
// documents (the batch rules), record by record.
#include <map>
#include <set>

#include "candidates/pairs.h"
#include "index/band_table.h"
#include "live/index_impl.h"
#include "util/utf8.h"

namespace kindred {

using live::bucket_key;
using live::Txn;

std::vector<std::string> LiveIndex::check(size_t max_problems) const {
  const Impl& s = *impl_;
  std::vector<std::string> problems;
  auto problem = [&](std::string p) {
    if (problems.size() < max_problems) problems.push_back(std::move(p));
  };
  Txn t(*s.env, false);
  if (!t.ok()) return {t.status().to_string()};
  const auto& d = s.d();
  const uint32_t n = s.next_doc(t);
  auto entries = [&](MDB_dbi dbi) {
    MDB_stat st;
    if (mdb_stat(t.get(), dbi, &st) != 0) return uint64_t{0};
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
  const uint32_t upto = s.buckets_upto(t);
  if (upto > n) problem("buckets_upto " + std::to_string(upto) + " is past the last document");
  if (const uint64_t kept = s.text_bytes(t), summed = s.summed_text_bytes(t); kept != summed) {
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
      auto r = s.doc(t, i);
      auto kv = live::get(t, d.bandkeys, live::val_of(i));
      auto sv = live::get(t, d.shingles, live::val_of(i));
      auto tv = live::get(t, d.texts, live::val_of(i));
      if (!r || !kv || !sv || !tv) {
        problem("document " + std::to_string(i) + " is incomplete");
        return problems;
      }
      if (!util::is_valid_utf8(live::view(*tv)))
        problem("the text of document " + std::to_string(i) + " is not UTF-8");
      auto idv = live::get(t, d.ids, live::val(r->id));
      if (!idv || live::load<uint32_t>(idv->mv_data) != i)
        problem("id '" + r->id + "' does not map to its document");
      auto keys = live::aligned<uint32_t>(*kv, ks);
      if (keys.size() != s.params.bands) {
        problem("document " + std::to_string(i) + " has " + std::to_string(keys.size()) +
                " band keys");
        return problems;
      }
      auto sh = live::aligned<uint64_t>(*sv, ss);
      if (sh.size() != r->shingles)
        problem("document " + std::to_string(i) + ": shingle count differs");
      std::copy(keys.begin(), keys.end(), band_keys.begin() + size_t{i} * s.params.bands);
      table.add(keys);
      sk[i].tokens = r->tokens;
      sk[i].fingerprint = r->fingerprint;
      sk[i].shingles.assign(sh.begin(), sh.end());
      sk[i].date = r->date;
      sk[i].time = r->time;
    }
  }
  // Bucket runs (live/bucket_runs.h): listed runs cover [0, upto) in order, the
  // table holds exactly their records, each run holds exactly the postings of
  // its documents, sorted, with fences and a filter that find them. Documents
  // from the mark on are only in the in-memory delta, rebuilt from their band keys.
  {
    const std::vector<live::RunInfo> runs = live::read_runs(t, d.meta);
    const uint32_t next_run = live::read_next_run(t, d.meta);
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
    const std::vector<uint32_t> stored_ids = live::stored_run_ids(t, d.buckets);
    if (std::set<uint32_t>(stored_ids.begin(), stored_ids.end()) != listed) {
      problem("the bucket table holds " + std::to_string(stored_ids.size()) +
              " runs, the index lists " + std::to_string(listed.size()));
    }
    const uint32_t bands = s.params.bands;
    for (const live::RunInfo& r : runs) {
      const live::RunView view(t, d.buckets, r);
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
    for (const live::LinkValue& l : s.links_of(t, i)) {
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
  if (s.link_count(t) != static_cast<int64_t>(value.size()) || !t.ok()) {
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
    fdocs[i] = {i, static_cast<uint32_t>(sk[i].shingles.size()), sk[i].time};
  }
  const auto recomputed = families_from_links(klinks, fdocs);
  if (!recomputed) {
    problem("families cannot be recomputed: " + recomputed.status().message());
    return problems;
  }
  const std::vector<KeyedFamily>& families = *recomputed;
  uint64_t in_families = 0;
  for (const KeyedFamily& f : families) {
    const uint32_t id = live::group_key(f.members);
    in_families += f.members.size();
    auto v = live::get(t, d.families, live::val_of(id));
    std::vector<uint32_t> want(f.members.begin(), f.members.end());
    if (!v || live::view(*v) != live::encode_family(static_cast<uint32_t>(f.root), want)) {
      problem("family " + std::to_string(id) + " differs from a recomputation");
      continue;
    }
    for (uint32_t m : want) {
      if (s.assignment(t, d.family, m) != id)
        problem("document " + std::to_string(m) + " not assigned to family " + std::to_string(id));
    }
  }
  if (entries(d.families) != families.size() || entries(d.family) != in_families) {
    problem("stored families (" + std::to_string(entries(d.families)) +
            ") differ from a recomputation (" + std::to_string(families.size()) + ")");
  }
  // Stories: each member assigned to its story.
  uint64_t in_stories = 0;
  live::Cursor c(t, d.stories);
  MDB_val k, v;
  for (bool ok = c.op(k, v, MDB_FIRST); ok; ok = c.op(k, v, MDB_NEXT)) {
    const uint32_t id = live::load<uint32_t>(k.mv_data);
    const auto record = live::decode_story(live::view(v));
    if (!record) {
      problem("the record of story " + std::to_string(id) + " is malformed");
      continue;
    }
    for (uint32_t m : record->members) {
      ++in_stories;
      if (m >= n || s.assignment(t, d.story, m) != id) {
        problem("story " + std::to_string(id) + ": member " + std::to_string(m) +
                " not assigned to it");
      }
    }
  }
  if (in_stories != entries(d.story)) problem("story assignments do not match the stories");
  // A record that could not be read at all (live/store.h) is a problem too.
  if (!t.ok()) problem(t.status().message());
  return problems;
}

}  // namespace kindred
