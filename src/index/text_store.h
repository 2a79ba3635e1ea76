// Index: every document's text, kept out of memory while the scan runs.
//
// Passages and merged accounts need the texts after every document has been
// read, and news text is ~3 KB a document: a million articles make 3 GB,
// held beside the story evidence. TextStore appends each text to a
// ShingleStore (packed into 8-byte words, so it spills to the same kind of
// unlinked temporary file past the same kind of budget) and keeps only each
// text's length in memory: 12 bytes a document plus the budget.
//
// Thread-safety: append() and seal() from one thread; view() from any number
// of threads after seal().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/shingle_store.h"

namespace kindred::index {

class TextStore {
 public:
  // As ShingleStore: texts beyond `memory_budget` bytes go to a file in `spill_dir`.
  explicit TextStore(uint64_t memory_budget, std::string spill_dir = {})
      : words_(memory_budget, std::move(spill_dir)) {}

  // Appends the next document's text (document index = size() before the call).
  void append(std::string_view text);
  // Ends appending. view() needs it.
  void seal() { words_.seal(); }

  uint32_t size() const { return static_cast<uint32_t>(bytes_.size()); }

  // Document `doc`'s text (after seal()): points into the store or into
  // `buffer`, which it fills; valid until the next call with the same buffer.
  std::string_view view(uint32_t doc, std::vector<uint64_t>& buffer) const;

  uint64_t memory_bytes() const { return words_.memory_bytes() + bytes_.capacity() * 4; }
  uint64_t spilled_bytes() const { return words_.spilled_bytes(); }
  const std::string& spill_error() const { return words_.spill_error(); }

 private:
  ShingleStore words_;           // each text in ceil(bytes / 8) words
  std::vector<uint32_t> bytes_;  // each text's length
  std::vector<uint64_t> pack_;   // append()'s scratch
};

}  // namespace kindred::index
