#include "live/store.h"

#include <filesystem>
#include <memory>

namespace kindred::live {

Status lmdb_status(int rc, const std::string& what) {
  if (rc == 0) return Status::ok();
  const StatusCode code = rc == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError;
  return Status(code, what + ": " + mdb_strerror(rc));
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

Result<std::unique_ptr<Env>> Env::open(const std::string& dir, bool create, bool read_only,
                                       uint64_t map_bytes) {
  std::unique_ptr<Env> e(new Env());
  int rc = mdb_env_create(&e->env_);
  if (rc != 0) return lmdb_status(rc, "cannot create LMDB environment");
  mdb_env_set_maxdbs(e->env_, 16);
  mdb_env_set_maxreaders(e->env_, 512);
  mdb_env_set_mapsize(e->env_, map_bytes);
  unsigned flags = MDB_NOTLS;
  if (read_only) flags |= MDB_RDONLY;
  rc = mdb_env_open(e->env_, dir.c_str(), flags, 0644);
  if (rc != 0) return lmdb_status(rc, "cannot open index '" + dir + "'");
  int dead = 0;
  mdb_reader_check(e->env_, &dead);  // slots of killed readers
  Txn txn(*e, !read_only);
  if (!txn.status().is_ok()) return txn.status();
  const unsigned c = create ? MDB_CREATE : 0;
  struct Named {
    const char* name;
    MDB_dbi* dbi;
    unsigned flags;
  } named[] = {
      {"meta", &e->dbs_.meta, 0},
      {"ids", &e->dbs_.ids, 0},
      {"docs", &e->dbs_.docs, MDB_INTEGERKEY},
      {"texts", &e->dbs_.texts, MDB_INTEGERKEY},
      {"shingles", &e->dbs_.shingles, MDB_INTEGERKEY},
      {"bandkeys", &e->dbs_.bandkeys, MDB_INTEGERKEY},
      {"buckets", &e->dbs_.buckets, MDB_INTEGERKEY},
      {"links", &e->dbs_.links, MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED},
      {"family", &e->dbs_.family, MDB_INTEGERKEY},
      {"families", &e->dbs_.families, MDB_INTEGERKEY},
      {"story", &e->dbs_.story, MDB_INTEGERKEY},
      {"stories", &e->dbs_.stories, MDB_INTEGERKEY},
  };
  for (const Named& n : named) {
    rc = mdb_dbi_open(txn.get(), n.name, n.flags | c, n.dbi);
    if (rc == MDB_NOTFOUND) {
      return Status(StatusCode::kDataError, "'" + dir + "' is not a kindred index (no '" +
                                                std::string(n.name) + "' table)");
    }
    if (rc != 0) return lmdb_status(rc, "cannot open table " + std::string(n.name));
  }
  if (Status s = txn.commit(); !s.is_ok()) return s;
  return e;
}

Txn::Txn(const Env& env, bool write) {
  const int rc = mdb_txn_begin(env.env(), nullptr, write ? 0 : MDB_RDONLY, &txn_);
  if (rc != 0) {
    txn_ = nullptr;
    status_ = lmdb_status(rc, "cannot begin transaction");
  }
}

Txn::~Txn() {
  if (txn_) mdb_txn_abort(txn_);
}

void Txn::fail(Status s) {
  if (status_.is_ok()) status_ = std::move(s);
}

void Txn::corrupt(const std::string& what) {
  fail(Status(StatusCode::kCorrupt, "corrupt index: " + what));
}

Status Txn::commit() {
  if (!status_.is_ok() || txn_ == nullptr) {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
    txn_ = nullptr;
    return status_.is_ok() ? Status(StatusCode::kIoError, "commit of a finished transaction")
                           : status_;
  }
  const int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  return lmdb_status(rc, "commit failed");
}

std::optional<MDB_val> get(Txn& txn, MDB_dbi dbi, MDB_val key) {
  if (txn.get() == nullptr) return std::nullopt;
  MDB_val data;
  const int rc = mdb_get(txn.get(), dbi, &key, &data);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc != 0) {
    txn.fail(lmdb_status(rc, "cannot read the index"));
    return std::nullopt;
  }
  return data;
}

Status put(Txn& txn, MDB_dbi dbi, MDB_val key, MDB_val data, unsigned flags) {
  return lmdb_status(mdb_put(txn.get(), dbi, &key, &data, flags), "write failed");
}

Status del(Txn& txn, MDB_dbi dbi, MDB_val key, const MDB_val* data) {
  MDB_val d = data ? *data : MDB_val{0, nullptr};
  const int rc = mdb_del(txn.get(), dbi, &key, data ? &d : nullptr);
  if (rc == MDB_NOTFOUND) return Status::ok();
  return lmdb_status(rc, "delete failed");
}

Cursor::Cursor(Txn& txn, MDB_dbi dbi) : txn_(txn) {
  const int rc = txn.get() ? mdb_cursor_open(txn.get(), dbi, &c_) : EINVAL;
  if (rc != 0) {
    c_ = nullptr;
    txn.fail(lmdb_status(rc, "cannot open a cursor on the index"));
  }
}

Cursor::~Cursor() {
  if (c_) mdb_cursor_close(c_);
}

bool Cursor::op(MDB_val& key, MDB_val& data, MDB_cursor_op o) {
  if (c_ == nullptr) return false;
  const int rc = mdb_cursor_get(c_, &key, &data, o);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) {
    txn_.fail(lmdb_status(rc, "cannot read the index"));
    return false;
  }
  return true;
}

}  // namespace kindred::live
