// IdSet: which document ids have been seen, for rejecting duplicates, in 16 to
// 32 bytes per document rather than a copy of every id.
//
// The ids themselves stay where the caller keeps them (the Scanner's DocInfo);
// the set holds, per document, its index and 32 bits of the id's hash in one
// open-addressing slot, placed by those bits. A probe compares the bits first
// and the stored id only when they match, so a lookup costs one string
// comparison in the usual case of a new id (none) or a duplicate (one), and
// growing never reads an id. PERF: a std::unordered_set of the ids was ~60
// bytes and one allocation per document, in the serial part of Scanner::add.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/check.h"
#include "util/hash.h"

namespace kindred::util {

class IdSet {
 public:
  static uint64_t hash(std::string_view id) { return hash_bytes(id, 0x69647365ull); }

  // Adds document `index` (below 2^32 - 1), whose id is `id` with hash `h`
  // (normally hash(id)), unless an equal id is already present; returns
  // whether it was added. `id_of(i)` must return the id of every document
  // index added before.
  template <class IdOf>
  bool insert(std::string_view id, uint64_t h, uint32_t index, IdOf&& id_of) {
    KINDRED_CHECK(index != UINT32_MAX, "IdSet: document index out of range");
    if (2 * (size_ + 1) > slots_.size()) grow();
    const auto tag = static_cast<uint32_t>(h >> 32);
    for (size_t s = tag & mask();; s = (s + 1) & mask()) {
      const uint64_t slot = slots_[s];
      if (slot == kEmpty) {
        slots_[s] = (uint64_t{tag} << 32) | index;
        ++size_;
        return true;
      }
      if (static_cast<uint32_t>(slot >> 32) == tag && id_of(static_cast<uint32_t>(slot)) == id) {
        return false;
      }
    }
  }

  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(uint64_t); }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  size_t mask() const { return slots_.size() - 1; }

  // Doubles the table (at least 64 slots), re-placing every slot by its tag.
  void grow() {
    std::vector<uint64_t> old(slots_.size() < 32 ? 64 : 2 * slots_.size(), kEmpty);
    old.swap(slots_);
    for (uint64_t slot : old) {
      if (slot == kEmpty) continue;
      size_t s = (slot >> 32) & mask();
      while (slots_[s] != kEmpty) s = (s + 1) & mask();
      slots_[s] = slot;
    }
  }

  // (32 bits of the hash << 32) | document index, or kEmpty. Tables past 2^32
  // slots would need more bits than the tag holds; documents are uint32.
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

}  // namespace kindred::util
