// Live: the LMDB store behind LiveIndex (include/kindred/live_index.h).
//
// One LMDB environment per index directory (data.mdb + lock.mdb), with these
// named databases (numbers are native-endian unless noted):
//   meta      "format" -> u32 version, "params" -> Params fields, "next_doc" -> u32,
//             "links" -> u64 count, "refreshed" -> i64, "buckets_upto" -> u32,
//             "runs" -> u32 {id, lo, hi} per bucket run, "next_run" -> u32 (format 2),
//             "stories_upto" -> u32: the stories are a batch scan's of the documents
//             below it (absent in older stores: none)
//   ids       document id (bytes) -> u32 doc number
//   docs      u32 doc -> DocRecord (fixed header + length-prefixed strings)
//   texts     u32 doc -> the text (UTF-8), for passages and accounts after a restart
//   shingles  u32 doc -> sorted u64 shingle hashes
//   bandkeys  u32 doc -> params.bands u32 LSH keys
//   buckets   u64 (run << 32 | block) -> the LSH bucket postings of the documents below
//             buckets_upto, as sorted runs of blocks with fences and a Bloom filter
//             (live/bucket_runs.h; meta "runs" lists them, "next_run" is the next id);
//             later documents' postings are held in memory, derived from `bandkeys`,
//             until a merge writes them as a new run (live/bucket_delta.h)
//   links     u32 doc -> dupsort 16-byte {u32 other (big-endian, so dups sort by other),
//             u32 relation, u64 shared}; every link is stored from both ends
//   family    u32 doc -> u32 family id (absent: in no family)
//   families  u32 family id -> u32 root, u32 members...
//   story     u32 doc -> u32 story id
//   stories   u32 story id -> i64 updated, f64 cohesion, u32 members...
// Every change is made in one write transaction; LMDB commits it atomically
// and durably (copy-on-write B+trees, fsync on commit), so a killed writer
// leaves the last committed state.
//
// Corrupt data: every read goes through a Txn, and a record that is missing,
// truncated or malformed (or an LMDB error) is recorded on the Txn as its
// first failure (Txn::fail) while the read returns an empty value. An answer is
// computed to its end and then refused with Txn::status(); a write transaction
// that read something corrupt never commits. Nothing read from disk aborts.
//
// Thread-safety: Env is shared; a Txn belongs to one thread at a time
// (MDB_NOTLS lets read transactions move between threads of a pool).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kindred/status.h"

namespace kindred::live {

struct Dbs {
  MDB_dbi meta = 0, ids = 0, docs = 0, texts = 0, shingles = 0, bandkeys = 0, buckets = 0,
          links = 0, family = 0, families = 0, story = 0, stories = 0;
};

Status lmdb_status(int rc, const std::string& what);

class Env {
 public:
  ~Env();
  // Opens (creating the databases when `create`) the environment in `dir`.
  static Result<std::unique_ptr<Env>> open(const std::string& dir, bool create, bool read_only,
                                           uint64_t map_bytes);
  MDB_env* env() const { return env_; }
  const Dbs& dbs() const { return dbs_; }

 private:
  Env() = default;
  MDB_env* env_ = nullptr;
  Dbs dbs_;
};

// A transaction, aborted on destruction unless committed. status() is the
// failure to begin it or the first failed read (see above).
class Txn {
 public:
  Txn(const Env& env, bool write);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  const Status& status() const { return status_; }
  bool ok() const { return status_.is_ok(); }
  MDB_txn* get() const { return txn_; }
  // Records a failure (the first one is kept).
  void fail(Status s);
  // A record of the store that is missing or malformed: a kCorrupt failure.
  void corrupt(const std::string& what);
  // Commits; refused (and aborted) when a read failed.
  Status commit();

 private:
  MDB_txn* txn_ = nullptr;
  Status status_;
};

inline MDB_val val(const void* p, size_t n) {
  return MDB_val{n, const_cast<void*>(p)};
}
inline MDB_val val(std::string_view s) {
  return val(s.data(), s.size());
}
template <typename T>
MDB_val val_of(const T& v) {
  return val(&v, sizeof(T));
}
inline std::string_view view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}
template <typename T>
std::span<const T> span_of(const MDB_val& v) {
  return {static_cast<const T*>(v.mv_data), v.mv_size / sizeof(T)};
}
// Values in LMDB are only 2-byte aligned; copies when an array is not aligned for T.
template <typename T>
std::span<const T> aligned(const MDB_val& v, std::vector<T>& scratch) {
  if (reinterpret_cast<uintptr_t>(v.mv_data) % alignof(T) == 0) return span_of<T>(v);
  scratch.resize(v.mv_size / sizeof(T));
  std::memcpy(scratch.data(), v.mv_data, scratch.size() * sizeof(T));
  return scratch;
}
template <typename T>
T load(const void* p) {
  T t;
  std::memcpy(&t, p, sizeof(T));
  return t;
}

// mdb_get; nullopt when absent (another error fails the transaction, and is nullopt too).
std::optional<MDB_val> get(Txn& txn, MDB_dbi dbi, MDB_val key);
// A fixed-size value (a count, a document number): nullopt when absent; a
// value of another size fails the transaction as corrupt (`what` names it).
template <typename T>
std::optional<T> get_pod(Txn& txn, MDB_dbi dbi, MDB_val key, const char* what);
// mdb_put / mdb_del; MDB_MAP_FULL and friends come back as a Status.
Status put(Txn& txn, MDB_dbi dbi, MDB_val key, MDB_val data, unsigned flags = 0);
Status del(Txn& txn, MDB_dbi dbi, MDB_val key, const MDB_val* data = nullptr);

// A cursor closed on destruction; errors fail its transaction.
class Cursor {
 public:
  Cursor(Txn& txn, MDB_dbi dbi);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  MDB_cursor* get() const { return c_; }
  // mdb_cursor_get; false at the end / not found / on an error.
  bool op(MDB_val& key, MDB_val& data, MDB_cursor_op op);

 private:
  Txn& txn_;
  MDB_cursor* c_ = nullptr;
};

template <typename T>
std::optional<T> get_pod(Txn& txn, MDB_dbi dbi, MDB_val key, const char* what) {
  auto v = get(txn, dbi, key);
  if (!v) return std::nullopt;
  if (v->mv_size != sizeof(T)) {
    txn.corrupt(std::string(what) + " has " + std::to_string(v->mv_size) + " bytes, expected " +
                std::to_string(sizeof(T)));
    return std::nullopt;
  }
  return load<T>(v->mv_data);
}

}  // namespace kindred::live
