#include "story/term_store.h"

#include <algorithm>
#include <functional>
#include <numeric>

namespace kindred::story {

void TermStore::append(std::span<const std::pair<uint64_t, uint32_t>> terms) {
  if (sealed_) return;
  auto strictly_ascending = [](const auto& x, const auto& y) { return x.first >= y.first; };
  if (std::adjacent_find(terms.begin(), terms.end(), strictly_ascending) != terms.end()) {
    scratch_.assign(terms.begin(), terms.end());
    std::sort(scratch_.begin(), scratch_.end());
    size_t out = 0;
    for (size_t i = 0; i < scratch_.size(); ++i) {
      if (out > 0 && scratch_[out - 1].first == scratch_[i].first) {
        scratch_[out - 1].second += scratch_[i].second;
      } else {
        scratch_[out++] = scratch_[i];
      }
    }
    scratch_.resize(out);
    terms = scratch_;
  }
  if (terms.empty()) {
    begin_.push_back(nullptr);
    size_.push_back(0);
    return;
  }
  if (block_used_ + terms.size() > block_size_) {
    block_size_ = std::max(block_, terms.size());
    blocks_.push_back(std::make_unique<TermCount[]>(block_size_));
    block_capacity_.push_back(block_size_);
    block_terms_ += block_size_;
    block_used_ = 0;
  }
  TermCount* out = blocks_.back().get() + block_used_;
  block_used_ += terms.size();
  for (size_t i = 0; i < terms.size(); ++i) {
    const uint64_t h = terms[i].first;
    uint32_t id = ids_.count(h);
    if (id == 0) {
      hashes_.push_back(h);
      df_.push_back(0);
      id = static_cast<uint32_t>(hashes_.size());
      ids_.add(h, id);
    }
    --id;
    ++df_[id];
    out[i] = {id, terms[i].second};
  }
  begin_.push_back(out);
  size_.push_back(static_cast<uint32_t>(terms.size()));
}

void TermStore::seal(const RangeLoop& loop) {
  if (sealed_) return;
  sealed_ = true;
  ids_ = KeyCounts();
  std::vector<std::pair<uint64_t, uint32_t>>().swap(scratch_);
  std::vector<uint32_t> order(hashes_.size());  // arrival ids in hash order
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t x, uint32_t y) { return hashes_[x] < hashes_[y]; });
  std::vector<uint32_t> final_id(hashes_.size());
  std::vector<uint64_t> hashes(hashes_.size());
  std::vector<uint32_t> df(hashes_.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    final_id[order[i]] = i;
    hashes[i] = hashes_[order[i]];
    df[i] = df_[order[i]];
  }
  hashes_ = std::move(hashes);
  df_ = std::move(df);
  // A document's terms came in hash order, and final ids follow the hashes:
  // renumbered, they stay in order.
  loop(begin_.size(), [&](size_t begin, size_t end) {
    for (size_t d = begin; d < end; ++d) {
      for (TermCount* t = begin_[d]; t != begin_[d] + size_[d]; ++t) t->id = final_id[t->id];
    }
  });
}

void TermStore::retain(std::span<const char> keep) {
  // Documents lie in blocks in document order. Writing the kept ones in
  // order from the first block never overtakes what is still to be read: a
  // document fits where it is, so it fits at an earlier place of its own
  // block, or at the start of an earlier block when it no longer fits in the
  // block being written (a block is at least as large as any document in it).
  size_t block = 0, used = 0;  // where the next kept document goes
  size_t read_block = 0;       // the block document d lies in
  for (size_t d = 0; d < begin_.size(); ++d) {
    if (size_[d] == 0) continue;
    const std::less<const TermCount*> before;  // a total order across blocks
    while (before(begin_[d], blocks_[read_block].get()) ||
           !before(begin_[d], blocks_[read_block].get() + block_capacity_[read_block])) {
      ++read_block;
    }
    if (d >= keep.size() || !keep[d]) {
      begin_[d] = nullptr;
      size_[d] = 0;
      continue;
    }
    while (used + size_[d] > block_capacity_[block]) ++block, used = 0;  // stays <= read_block
    TermCount* to = blocks_[block].get() + used;
    if (to != begin_[d])
      std::copy(begin_[d], begin_[d] + size_[d], to);  // forward: no overlap ahead
    begin_[d] = to;
    used += size_[d];
  }
  const size_t blocks = used > 0 || block > 0 ? block + 1 : 0;
  for (size_t b = blocks; b < blocks_.size(); ++b) block_terms_ -= block_capacity_[b];
  blocks_.resize(blocks);
  block_capacity_.resize(blocks);
  block_used_ = used;
  block_size_ = blocks > 0 ? block_capacity_.back() : 0;
}

std::span<const TermCount> TermStore::terms(uint32_t doc) const {
  if (doc >= begin_.size()) return {};
  return {begin_[doc], size_[doc]};
}

size_t TermStore::memory_bytes() const {
  size_t bytes = (begin_.capacity() + hashes_.capacity()) * 8 +
                 (size_.capacity() + df_.capacity()) * 4 +
                 (sealed_ ? 0 : 2 * hashes_.size() * 16);  // the dictionary, at most half full
  return bytes + block_terms_ * sizeof(TermCount);
}

}  // namespace kindred::story
