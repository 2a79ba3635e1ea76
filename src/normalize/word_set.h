// A fixed set of words held as word hashes (normalize::word_hash, a Token's
// hash), so that a token is tested without building its string.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "normalize/tokenize.h"

namespace kindred::normalize {

// Open addressing over a power-of-two table, at most half full. A word whose
// 64-bit hash equals a member's by chance is out of practical reach; 0 marks
// an empty slot (no word hashes to 0 in practice).
// Thread-safety: const member functions may run concurrently.
class WordHashSet {
 public:
  void insert(uint64_t hash) {
    if (2 * (size_ + 1) > table_.size()) grow();
    size_ += place(table_, hash);
  }
  void insert(std::string_view normalized_word) { insert(word_hash(normalized_word)); }
  bool contains(uint64_t hash) const {
    if (table_.empty()) return false;
    const size_t mask = table_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (table_[i] == hash) return true;
      if (table_[i] == 0) return false;
    }
  }
  bool contains(std::string_view normalized_word) const {
    return contains(word_hash(normalized_word));
  }
  size_t size() const { return size_; }

 private:
  static bool place(std::vector<uint64_t>& table, uint64_t hash) {
    const size_t mask = table.size() - 1;
    size_t i = hash & mask;
    while (table[i] != 0 && table[i] != hash) i = (i + 1) & mask;
    const bool fresh = table[i] == 0;
    table[i] = hash;
    return fresh;
  }
  void grow() {
    std::vector<uint64_t> bigger(table_.empty() ? 16 : 2 * table_.size(), 0);
    for (uint64_t h : table_) {
      if (h != 0) place(bigger, h);
    }
    table_.swap(bigger);
  }

  std::vector<uint64_t> table_;
  size_t size_ = 0;
};

}  // namespace kindred::normalize
