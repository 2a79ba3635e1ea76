// Index: the verification data, every document's sorted shingle set.
//
// Exact verification of a candidate pair intersects the two documents' shingle
// sets, so the sets must outlive sketching. They are ~8 bytes per word of text,
// the largest thing the batch pipeline keeps: a million news articles make
// 4-5 GB. ShingleStore keeps the newest sets in memory up to a budget and
// appends older ones to an unlinked temporary file, read back with pread() for
// the pairs that need them (from the page cache when it is large enough). What
// stays in memory is 8 bytes per document plus the budget, so a corpus larger
// than memory still completes.
//
// If the temporary file cannot be created or written (no space, read-only
// directory), the store keeps everything in memory instead and says why in
// spill_error(): the scan is slower to fail for lack of memory, but never
// loses a set.
//
// Writing overlaps the scan: a full buffer goes to a background thread while
// appends fill a second one, so the budget covers both buffers.
//
// Thread-safety: append() and seal() from one thread; view() from any number
// of threads after seal().
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace kindred::index {

class ShingleStore {
 public:
  // Sets beyond `memory_budget` bytes go to a file in `spill_dir` (empty: the
  // system's temporary directory). A budget of UINT64_MAX never spills.
  explicit ShingleStore(uint64_t memory_budget, std::string spill_dir = {});
  ~ShingleStore();
  ShingleStore(const ShingleStore&) = delete;
  ShingleStore& operator=(const ShingleStore&) = delete;

  // Appends the next document's set (document index = size() before the call).
  void append(std::span<const uint64_t> set);
  // Ends appending: waits for the background write. view() needs it.
  void seal();

  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  uint32_t set_size(uint32_t doc) const {
    return static_cast<uint32_t>(offsets_[doc + 1] - offsets_[doc]);
  }

  // Document `doc`'s set (after seal()). Points into the store when the set is in memory,
  // otherwise into `buffer`, which it fills; valid until the next call with
  // the same buffer.
  std::span<const uint64_t> view(uint32_t doc, std::vector<uint64_t>& buffer) const;

  // Whether document `doc`'s set lies in the spill file (after seal()).
  bool spilled(uint32_t doc) const { return offsets_[doc] < spilled_; }
  // Where a set that is not spilled lies in memory (after seal()).
  const uint64_t* memory_view(uint32_t doc) const {
    return tail_.data() + (offsets_[doc] - spilled_);
  }
  // Reads a spilled set into `out`,
  // set_size(doc) values (out needs no alignment). False when the file cannot
  // be read back.
  bool read_spilled(uint32_t doc, void* out) const;

  uint64_t memory_bytes() const;  ///< sets held in memory, and offsets
  uint64_t spilled_bytes() const { return spilled_ * sizeof(uint64_t); }  ///< sets in the file
  const std::string& spill_error() const {
    return spill_error_;
  }  ///< why spilling stopped, if it did

 private:
  void spill();
  void finish_write();  // joins the writer; on failure its values return to memory

  uint64_t budget_;  // of each of the two buffers
  std::string dir_;
  int fd_ = -1;
  uint64_t spilled_ = 0;           // values [0, spilled_) are in the file, in order
  std::vector<uint64_t> writing_;  // values [spilled_, spilled_ + size) being written
  std::vector<uint64_t> tail_;     // the values after those, in memory
  std::vector<uint64_t> offsets_;  // doc d's set is values [offsets_[d], offsets_[d + 1])
  std::thread writer_;
  bool write_ok_ = true;  // set by the writer before it ends
  int write_errno_ = 0;
  std::string spill_error_;
};

}  // namespace kindred::index
