#include "live/bucket_runs.h"

#include <algorithm>

#include "live/store.h"
#include "util/hash.h"

namespace kindred::live {

namespace {

constexpr uint32_t kBitsPerKey = 10;
constexpr int kProbes = 6;

uint64_t table_key(uint32_t run, uint32_t slot) {
  return (uint64_t{run} << 32) | slot;
}

// The filter block of hash h among n (its probe bits are 9-bit slices of a second hash).
uint64_t filter_block(uint64_t h, uint64_t n) {
  return (h >> 32) * n >> 32;  // n < 2^32 blocks
}

}  // namespace

uint64_t bucket_hash(uint64_t bk) {
  return util::mix64(bk + 0x9e3779b97f4a7c15ull);
}

std::vector<RunInfo> read_runs(Txn& t, MDB_dbi meta) {
  std::vector<RunInfo> out;
  auto v = get(t, meta, val("runs"));
  if (!v) return out;
  if (v->mv_size % 12 != 0) {
    t.corrupt("the list of bucket runs has " + std::to_string(v->mv_size) + " bytes");
    return out;
  }
  const char* p = static_cast<const char*>(v->mv_data);
  for (size_t i = 0; i < v->mv_size / 12; ++i) {
    out.push_back({load<uint32_t>(p + 12 * i), load<uint32_t>(p + 12 * i + 4),
                   load<uint32_t>(p + 12 * i + 8)});
  }
  return out;
}

uint32_t read_next_run(Txn& t, MDB_dbi meta) {
  return get_pod<uint32_t>(t, meta, val("next_run"), "the next run id").value_or(0);
}

Status write_runs(Txn& t, MDB_dbi meta, const std::vector<RunInfo>& runs, uint32_t next_run) {
  std::vector<uint32_t> flat;
  for (const RunInfo& r : runs) flat.insert(flat.end(), {r.id, r.lo, r.hi});
  if (Status s = put(t, meta, val("runs"), val(flat.data(), flat.size() * 4)); !s) return s;
  return put(t, meta, val("next_run"), val_of(next_run));
}

RunRecords make_run(std::span<const BucketPosting> sorted) {
  RunRecords r;
  uint64_t distinct = 0;
  for (size_t i = 0; i < sorted.size(); i += kRunBlock) {
    const size_t n = std::min<size_t>(kRunBlock, sorted.size() - i);
    std::vector<char>& block = r.blocks.emplace_back(n * 12);
    for (size_t j = 0; j < n; ++j) {
      const auto& [bk, doc] = sorted[i + j];
      std::memcpy(block.data() + 12 * j, &bk, 8);
      std::memcpy(block.data() + 12 * j + 8, &doc, 4);
      if (i + j == 0 || sorted[i + j - 1].first != bk) ++distinct;
    }
    r.fences.push_back(sorted[i].first);
  }
  const uint64_t nblocks = std::max<uint64_t>(1, (distinct * kBitsPerKey + 511) / 512);
  r.filter.assign(1 + nblocks * 8, 0);
  r.filter[0] = nblocks;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i - 1].first == sorted[i].first) continue;
    const uint64_t h = bucket_hash(sorted[i].first);
    uint64_t* words = r.filter.data() + 1 + 8 * filter_block(h, nblocks);
    const uint64_t g = util::mix64(h);
    for (int j = 0; j < kProbes; ++j) {
      const uint32_t bit = static_cast<uint32_t>(g >> (9 * j)) & 511;
      words[bit / 64] |= uint64_t{1} << (bit % 64);
    }
  }
  return r;
}

Status write_run(Txn& t, MDB_dbi buckets, uint32_t id, const RunRecords& records) {
  Cursor c(t, buckets);
  auto append = [&](uint32_t slot, const void* data, size_t n) {
    const uint64_t k = table_key(id, slot);
    MDB_val kv = val_of(k), dv = val(data, n);
    return lmdb_status(mdb_cursor_put(c.get(), &kv, &dv, MDB_APPEND), "cannot write bucket run");
  };
  for (size_t b = 0; b < records.blocks.size(); ++b) {
    const std::vector<char>& block = records.blocks[b];
    if (Status s = append(static_cast<uint32_t>(b), block.data(), block.size()); !s) return s;
  }
  if (Status s = append(kFenceSlot, records.fences.data(), records.fences.size() * 8); !s) return s;
  return append(kFilterSlot, records.filter.data(), records.filter.size() * 8);
}

void read_run(Txn& t, MDB_dbi buckets, uint32_t id, std::vector<BucketPosting>& out) {
  Cursor c(t, buckets);
  uint64_t k0 = table_key(id, 0);
  MDB_val k = val_of(k0), v;
  for (bool ok = c.op(k, v, MDB_SET_RANGE); ok; ok = c.op(k, v, MDB_NEXT)) {
    const uint64_t key = load<uint64_t>(k.mv_data);
    if ((key >> 32) != id || static_cast<uint32_t>(key) >= kFenceSlot) break;
    if (v.mv_size % 12 != 0) {
      t.corrupt("block " + std::to_string(static_cast<uint32_t>(key)) + " of bucket run " +
                std::to_string(id) + " has " + std::to_string(v.mv_size) + " bytes");
      break;
    }
    const char* p = static_cast<const char*>(v.mv_data);
    for (size_t i = 0; i < v.mv_size / 12; ++i) {
      out.push_back({RunView::key_at(p, i), RunView::doc_at(p, i)});
    }
  }
}

Status delete_run(Txn& t, MDB_dbi buckets, uint32_t id) {
  std::vector<uint64_t> keys;
  {
    Cursor c(t, buckets);
    uint64_t k0 = table_key(id, 0);
    MDB_val k = val_of(k0), v;
    for (bool ok = c.op(k, v, MDB_SET_RANGE); ok; ok = c.op(k, v, MDB_NEXT)) {
      const uint64_t key = load<uint64_t>(k.mv_data);
      if ((key >> 32) != id) break;
      keys.push_back(key);
    }
  }
  for (uint64_t key : keys) {
    if (Status s = del(t, buckets, val_of(key)); !s) return s;
  }
  return Status::ok();
}

std::vector<uint32_t> stored_run_ids(Txn& t, MDB_dbi buckets) {
  std::vector<uint32_t> out;
  Cursor c(t, buckets);
  MDB_val k, v;
  for (bool ok = c.op(k, v, MDB_FIRST); ok;) {
    const uint32_t id = static_cast<uint32_t>(load<uint64_t>(k.mv_data) >> 32);
    out.push_back(id);
    uint64_t next = table_key(id, kFilterSlot) + 1;
    if (next == 0) break;
    k = val_of(next);
    ok = c.op(k, v, MDB_SET_RANGE);
  }
  return out;
}

RunView::RunView(Txn& t, MDB_dbi buckets, const RunInfo& info)
    : t_(&t), dbi_(buckets), info_(info) {
  auto f = get(t, buckets, val_of(table_key(info.id, kFenceSlot)));
  auto b = get(t, buckets, val_of(table_key(info.id, kFilterSlot)));
  if (f && b && b->mv_size >= 8 && f->mv_size % 8 == 0) {
    const uint64_t blocks = load<uint64_t>(b->mv_data);
    if (blocks > 0 && blocks <= (b->mv_size - 8) / 64 && b->mv_size == 8 + blocks * 64) {
      fences_ = {static_cast<const char*>(f->mv_data), f->mv_size};
      filter_ = static_cast<const char*>(b->mv_data) + 8;
      filter_blocks_ = blocks;
      valid_ = true;
      return;
    }
  }
  t.corrupt("bucket run " + std::to_string(info.id) + ": fences or filter missing or malformed");
}

uint64_t RunView::key_at(const char* p, size_t i) {
  return load<uint64_t>(p + 12 * i);
}
uint32_t RunView::doc_at(const char* p, size_t i) {
  return load<uint32_t>(p + 12 * i + 8);
}
uint64_t RunView::fence(size_t i) const {
  return load<uint64_t>(fences_.data() + 8 * i);
}

bool RunView::may_contain(uint64_t bk) const {
  if (!valid_) return false;
  const uint64_t h = bucket_hash(bk);
  const char* words = filter_ + 64 * filter_block(h, filter_blocks_);
  const uint64_t g = util::mix64(h);
  for (int j = 0; j < kProbes; ++j) {
    const uint32_t bit = static_cast<uint32_t>(g >> (9 * j)) & 511;
    if (!((load<uint64_t>(words + 8 * (bit / 64)) >> (bit % 64)) & 1)) return false;
  }
  return true;
}

std::pair<size_t, size_t> RunView::block_range(uint64_t bk) const {
  const size_t n = blocks();
  // First block whose first key is >= bk; the bucket may begin in the one before.
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (fence(mid) < bk) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const size_t first = lo == 0 ? 0 : lo - 1;
  size_t end = lo;
  while (end < n && fence(end) == bk) ++end;
  return {first, std::max(end, std::min(first + 1, n))};
}

std::span<const char> RunView::block(uint32_t b) const {
  auto v = get(*t_, dbi_, val_of(table_key(info_.id, b)));
  if (!v || v->mv_size % 12 != 0) {
    t_->corrupt("block " + std::to_string(b) + " of bucket run " + std::to_string(info_.id) +
                " is missing or malformed");
    return {};
  }
  return {static_cast<const char*>(v->mv_data), v->mv_size};
}

RunView::Summary RunView::summary(uint64_t bk) const {
  Summary s;
  if (!may_contain(bk)) return s;
  auto [b, e] = block_range(bk);
  for (; b < e; ++b) {
    const std::span<const char> blk = block(static_cast<uint32_t>(b));
    const char* p = blk.data();
    const size_t n = blk.size() / 12;
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = (lo + hi) / 2;
      if (key_at(p, mid) < bk) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    size_t up = lo, top = n;
    while (up < top) {
      const size_t mid = (up + top) / 2;
      if (key_at(p, mid) <= bk) {
        up = mid + 1;
      } else {
        top = mid;
      }
    }
    if (up == lo) continue;
    if (s.count == 0) s.first = doc_at(p, lo);
    s.count += up - lo;
    s.last = doc_at(p, up - 1);
  }
  return s;
}

}  // namespace kindred::live
