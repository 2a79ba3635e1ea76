#include "story/term_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>

#include "util/spill_file.h"

namespace kindred::story {

namespace {

uint64_t next_serial() {
  static std::atomic<uint64_t> serial{0};
  return serial.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

TermStore::TermStore(size_t block_terms, uint64_t memory_budget, std::string spill_dir)
    : block_(std::max<size_t>(block_terms, 1)),
      budget_terms_(memory_budget == kNoBudget ? kNoBudget : memory_budget / sizeof(TermCount)),
      dir_(std::move(spill_dir)),
      serial_(next_serial()) {}

TermStore::~TermStore() {
  close_file();
}

TermStore::TermStore(TermStore&& other) noexcept : serial_(0) {
  *this = std::move(other);
}

TermStore& TermStore::operator=(TermStore&& other) noexcept {
  if (this == &other) return *this;
  close_file();
  block_ = other.block_;
  budget_terms_ = other.budget_terms_;
  dir_ = std::move(other.dir_);
  blocks_ = std::move(other.blocks_);
  first_in_memory_ = std::exchange(other.first_in_memory_, 0);
  memory_terms_ = std::exchange(other.memory_terms_, 0);
  end_ = std::exchange(other.end_, 0);
  fd_ = std::exchange(other.fd_, -1);
  file_terms_ = std::exchange(other.file_terms_, 0);
  at_ = std::move(other.at_);
  size_ = std::move(other.size_);
  hashes_ = std::move(other.hashes_);
  df_ = std::move(other.df_);
  spilled_id_ = std::move(other.spilled_id_);
  ids_ = std::move(other.ids_);
  scratch_ = std::move(other.scratch_);
  sealed_ = std::exchange(other.sealed_, false);
  spill_error_ = std::move(other.spill_error_);
  read_failed_.store(other.read_failed_.exchange(false));
  // The other store is empty now: a read kept under its serial must not be
  // taken for one of what it holds next.
  serial_ = std::exchange(other.serial_, next_serial());
  other.blocks_.clear();
  other.at_.clear();
  other.size_.clear();
  other.hashes_.clear();
  other.df_.clear();
  other.spilled_id_.clear();
  other.ids_ = KeyCounts();
  return *this;
}

void TermStore::close_file() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

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
    at_.push_back(0);
    size_.push_back(0);
    return;
  }
  if (blocks_.empty() || blocks_.back().used + terms.size() > blocks_.back().capacity) {
    const size_t capacity = std::max(block_, terms.size());
    // The oldest blocks leave memory first, until the new one fits the budget.
    while (first_in_memory_ < blocks_.size() && budget_terms_ != kNoBudget &&
           memory_terms_ + capacity > budget_terms_) {
      spill_oldest();
    }
    Block b;
    b.terms = std::make_unique<TermCount[]>(capacity);
    b.capacity = capacity;
    b.start = end_;
    end_ += capacity;
    memory_terms_ += capacity;
    blocks_.push_back(std::move(b));
  }
  Block& block = blocks_.back();
  TermCount* out = block.terms.get() + block.used;
  at_.push_back(block.start + block.used);
  size_.push_back(static_cast<uint32_t>(terms.size()));
  block.used += terms.size();
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
}

void TermStore::spill_oldest() {
  Block& b = blocks_[first_in_memory_];
  if (fd_ < 0) fd_ = util::open_spill_file(dir_, "kindred-terms", spill_error_);
  if (fd_ < 0) {
    budget_terms_ = kNoBudget;  // everything stays in memory
    return;
  }
  if (!util::write_all(fd_, reinterpret_cast<const char*>(b.terms.get()),
                       b.used * sizeof(TermCount))) {
    // The file keeps what came before; this block and the later ones stay in
    // memory (a partial write is never read: only spilled blocks are).
    spill_error_ = std::string("cannot write the term spill file: ") + std::strerror(errno);
    budget_terms_ = kNoBudget;
    return;
  }
  b.file_offset = file_terms_;
  file_terms_ += b.used;
  memory_terms_ -= b.capacity;
  b.terms.reset();
  ++first_in_memory_;
}

size_t TermStore::block_of(uint64_t position) const {
  const auto it = std::upper_bound(blocks_.begin(), blocks_.end(), position,
                                   [](uint64_t p, const Block& b) { return p < b.start; });
  return static_cast<size_t>(it - blocks_.begin()) - 1;
}

bool TermStore::spilled(uint32_t doc) const {
  if (doc >= size_.size() || size_[doc] == 0 || first_in_memory_ == 0) return false;
  return first_in_memory_ == blocks_.size() || at_[doc] < blocks_[first_in_memory_].start;
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
  // renumbered, they stay in order. Spilled ones are renumbered when read.
  loop(at_.size(), [&](size_t begin, size_t end) {
    for (size_t d = begin; d < end; ++d) {
      const auto doc = static_cast<uint32_t>(d);
      if (size_[d] == 0 || spilled(doc)) continue;
      const Block& b = blocks_[block_of(at_[d])];
      TermCount* t = b.terms.get() + (at_[d] - b.start);
      for (TermCount* e = t + size_[d]; t != e; ++t) t->id = final_id[t->id];
    }
  });
  if (first_in_memory_ > 0) spilled_id_ = std::move(final_id);
}

void TermStore::retain(std::span<const char> keep) {
  // Documents lie in blocks in document order. Writing the kept ones in
  // memory in order from the first block in memory never overtakes what is
  // still to be read: a document fits where it is, so it fits at an earlier
  // place of its own block, or at the start of an earlier block when it no
  // longer fits in the block being written (a block is at least as large as
  // any document in it). Spilled documents stay in the file.
  size_t block = first_in_memory_, used = 0;  // where the next kept document goes
  for (size_t d = 0; d < at_.size(); ++d) {
    if (size_[d] == 0) continue;
    const bool kept = d < keep.size() && keep[d];
    if (!kept) {
      at_[d] = 0;
      size_[d] = 0;
      continue;
    }
    if (spilled(static_cast<uint32_t>(d))) continue;
    const Block& from = blocks_[block_of(at_[d])];
    const TermCount* source = from.terms.get() + (at_[d] - from.start);
    while (used + size_[d] > blocks_[block].capacity) blocks_[block++].used = used, used = 0;
    TermCount* to = blocks_[block].terms.get() + used;
    if (to != source) std::copy(source, source + size_[d], to);  // forward: no overlap ahead
    at_[d] = blocks_[block].start + used;
    used += size_[d];
  }
  if (block < blocks_.size()) blocks_[block].used = used;
  const size_t blocks = used > 0 || block > first_in_memory_ ? block + 1 : first_in_memory_;
  for (size_t b = blocks; b < blocks_.size(); ++b) memory_terms_ -= blocks_[b].capacity;
  blocks_.resize(blocks);
}

std::span<const TermCount> TermStore::terms(uint32_t doc) const {
  if (doc >= at_.size() || size_[doc] == 0 || spilled(doc)) return {};
  const Block& b = blocks_[block_of(at_[doc])];
  return {b.terms.get() + (at_[doc] - b.start), size_[doc]};
}

std::span<const TermCount> TermStore::terms(uint32_t doc, std::vector<TermCount>& buffer) const {
  if (!spilled(doc)) return terms(doc);
  const Block& b = blocks_[block_of(at_[doc])];
  buffer.resize(size_[doc]);
  const uint64_t offset = b.file_offset + (at_[doc] - b.start);
  if (!util::read_all(fd_, reinterpret_cast<char*>(buffer.data()),
                      buffer.size() * sizeof(TermCount), offset * sizeof(TermCount))) {
    read_failed_.store(true, std::memory_order_relaxed);
    buffer.clear();
    return {};
  }
  if (!spilled_id_.empty()) {
    for (TermCount& t : buffer) {
      if (t.id >= spilled_id_.size()) {  // not what was written: the file is corrupt
        read_failed_.store(true, std::memory_order_relaxed);
        buffer.clear();
        return {};
      }
      t.id = spilled_id_[t.id];
    }
  }
  return buffer;
}

std::string TermStore::error() const {
  return read_failed_.load(std::memory_order_relaxed) ? "cannot read back the term spill file"
                                                      : std::string();
}

size_t TermStore::memory_bytes() const {
  size_t bytes = (at_.capacity() + hashes_.capacity()) * 8 +
                 (size_.capacity() + df_.capacity() + spilled_id_.capacity()) * 4 +
                 blocks_.capacity() * sizeof(Block) +
                 (sealed_ ? 0 : 2 * hashes_.size() * 16);  // the dictionary, at most half full
  return bytes + memory_terms_ * sizeof(TermCount);
}

std::span<const TermCount> terms_of(const PreparedDoc& p, ReadTerms& read) {
  if (!p.spilled_terms) return p.terms;
  const uint64_t serial = p.spilled_terms->serial();
  if (read.serial != serial || read.doc != p.doc) {
    read.serial = 0;
    const std::span<const TermCount> terms = p.spilled_terms->terms(p.doc, read.terms);
    if (terms.data() != read.terms.data()) return terms;  // in memory after all
    read.serial = serial;
    read.doc = p.doc;
  }
  return read.terms;
}

PreparedDoc prepare(const StoryFeatures& f, const TermStore& store, uint32_t doc,
                    const StoryStats& stats) {
  thread_local std::vector<TermCount> buffer;
  PreparedDoc p = prepare(f, store.terms(doc, buffer), stats);
  point_terms(p, store, doc);
  return p;
}

void point_terms(PreparedDoc& p, const TermStore& store, uint32_t doc) {
  if (store.spilled(doc)) {
    p.terms = {};
    p.spilled_terms = &store;
    p.doc = doc;
  } else {
    p.terms = store.terms(doc);
    p.spilled_terms = nullptr;
  }
}

}  // namespace kindred::story
