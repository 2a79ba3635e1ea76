// Index: every document's text, kept out of memory while the scan runs and
// after it, read back one document at a time.
//
// Passages, merged accounts, rewrites and the report writers need the texts
// after every document has been read, and news text is ~3 KB a document: a
// million articles make 3 GB. TextStore appends each text to a ShingleStore
// (packed into 8-byte words, so it spills to the same kind of unlinked
// temporary file past the same kind of budget) and keeps only each text's
// length in memory: 12 bytes a document plus the budget. Readers pread() a
// spilled text into a buffer of their own, so what they hold is one text per
// buffer.
//
// A text that cannot be read back (the file shrank or fails) reads as empty
// and error() says why: a scan reports it, it does not abort.
//
// Thread-safety: append() and seal() from one thread; view(), text() and
// error() from any number of threads after seal().
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "index/shingle_store.h"
#include "kindred/results.h"
#include "kindred/status.h"

namespace kindred::index {

class TextStore final : public DocumentTexts {
 public:
  // As ShingleStore: texts beyond `memory_budget` bytes go to a file in `spill_dir`.
  explicit TextStore(uint64_t memory_budget, std::string spill_dir = {})
      : words_(memory_budget, std::move(spill_dir)) {}

  // Appends the next document's text (document index = size() before the
  // call). A text of 4 GB or more is not stored (kInvalidArgument).
  Status append(std::string_view text);
  // Ends appending. Reading needs it.
  void seal() { words_.seal(); }

  uint32_t size() const override { return static_cast<uint32_t>(bytes_.size()); }
  uint32_t length(uint32_t doc) const override { return bytes_[doc]; }

  // Document `doc`'s text (after seal()): points into the store or into
  // `buffer`, which it fills; valid until the next call with the same buffer.
  std::string_view text(uint32_t doc, std::string& buffer) const override;
  std::string error() const override;

  uint64_t memory_bytes() const { return words_.memory_bytes() + bytes_.capacity() * 4; }
  uint64_t spilled_bytes() const { return words_.spilled_bytes(); }
  const std::string& spill_error() const { return words_.spill_error(); }

 private:
  ShingleStore words_;           // each text in ceil(bytes / 8) words
  std::vector<uint32_t> bytes_;  // each text's length
  std::vector<uint64_t> pack_;   // append()'s scratch
  mutable std::atomic<bool> read_failed_{false};
};

}  // namespace kindred::index
