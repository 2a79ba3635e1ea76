#include "live/bucket_delta.h"

#include <algorithm>

#include "core/check.h"

namespace kindred::live {

void BucketDelta::reset(uint32_t base) {
  base_ = base;
  keys_.clear();
  prev_.clear();
  heads_.clear();
}

void BucketDelta::append(std::span<const uint32_t> keys) {
  KINDRED_CHECK(keys.size() == bands_, "band keys of a document differ from the bands");
  KINDRED_CHECK(keys_.size() + bands_ < kNone, "bucket delta full");
  for (uint32_t b = 0; b < bands_; ++b) {
    const uint32_t p = static_cast<uint32_t>(keys_.size());
    keys_.push_back(keys[b]);
    auto [it, fresh] = heads_.try_emplace(bucket_key(b, keys[b]), Head{p, p, 1});
    if (fresh) {
      prev_.push_back(kNone);
    } else {
      prev_.push_back(it->second.last);
      it->second.last = p;
      ++it->second.count;
    }
  }
}

void BucketDelta::truncate(uint32_t end) {
  if (end >= this->end()) return;
  KINDRED_CHECK(end >= base_, "truncate below the delta's first document");
  const size_t keep = size_t{end - base_} * bands_;
  while (keys_.size() > keep) {
    const uint32_t p = static_cast<uint32_t>(keys_.size() - 1);
    auto it = heads_.find(key_of(p));
    KINDRED_CHECK(it != heads_.end() && it->second.last == p, "bucket delta out of order");
    if (--it->second.count == 0) {
      heads_.erase(it);
    } else {
      it->second.last = prev_[p];
    }
    keys_.pop_back();
    prev_.pop_back();
  }
}

BucketDelta::Summary BucketDelta::summary(uint64_t bk, uint32_t limit) const {
  Summary s;
  auto it = heads_.find(bk);
  if (it == heads_.end()) return s;
  uint32_t p = it->second.last, skipped = 0;
  while (p != kNone && doc_of(p) >= limit) {
    p = prev_[p];
    ++skipped;
  }
  if (p == kNone) return s;
  s.count = it->second.count - skipped;
  s.first = doc_of(it->second.first);
  s.last = doc_of(p);
  return s;
}

void BucketDelta::members(uint64_t bk, uint32_t limit, std::vector<uint32_t>& out) const {
  auto it = heads_.find(bk);
  if (it == heads_.end()) return;
  const size_t from = out.size();
  for (uint32_t p = it->second.last; p != kNone; p = prev_[p]) {
    if (doc_of(p) < limit) out.push_back(doc_of(p));
  }
  std::reverse(out.begin() + static_cast<long>(from), out.end());
}

void BucketDelta::drop_below(uint32_t base) {
  if (base <= base_) return;
  KINDRED_CHECK(base <= end(), "drop past the delta's last document");
  const std::vector<uint32_t> rest(keys_.begin() + static_cast<long>(size_t{base - base_} * bands_),
                                   keys_.end());
  reset(base);
  for (size_t i = 0; i < rest.size(); i += bands_) {
    append(std::span<const uint32_t>(rest.data() + i, bands_));
  }
}

std::vector<std::pair<uint64_t, uint32_t>> BucketDelta::sorted_postings(uint32_t limit) const {
  std::vector<std::pair<uint64_t, uint32_t>> out = unsorted_postings(limit);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<uint64_t, uint32_t>> BucketDelta::unsorted_postings(uint32_t limit) const {
  std::vector<std::pair<uint64_t, uint32_t>> out;
  const size_t n =
      limit <= base_ ? 0 : std::min<size_t>(keys_.size(), size_t{limit - base_} * bands_);
  out.reserve(n);
  for (uint32_t p = 0; p < n; ++p) out.push_back({key_of(p), doc_of(p)});
  return out;
}

size_t BucketDelta::memory_bytes() const {
  // Keys and chain links, plus the hash table's nodes and bucket array (libstdc++ layout).
  return (keys_.capacity() + prev_.capacity()) * sizeof(uint32_t) +
         heads_.size() * (sizeof(void*) + sizeof(uint64_t) + sizeof(Head) + 16) +
         heads_.bucket_count() * sizeof(void*);
}

}  // namespace kindred::live
