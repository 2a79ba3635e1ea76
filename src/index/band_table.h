// Index: LSH band keys of every document, the structure candidates come from.
//
// A sketch of `bands * rows` bins is cut into bands of `rows` consecutive bins;
// each band is hashed to a 32-bit key. Two documents are candidates when they
// share a key in the same band: P = 1 - (1 - J^rows)^bands for Jaccard J.
// 32-bit keys keep the table at 4 * bands bytes per document; a chance key
// collision only adds a candidate that verification then discards.
//
// BandTable is the in-memory store; a persistent index (issue: live index)
// will offer the same add/key interface over an embedded database.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace kindred::index {

// Computes the band keys of one sketch into `out` (bands values).
void band_keys(std::span<const uint32_t> sketch, uint32_t bands, uint32_t rows,
               std::span<uint32_t> out);

class BandTable {
 public:
  explicit BandTable(uint32_t bands) : bands_(bands) {}

  uint32_t bands() const { return bands_; }
  uint32_t size() const { return static_cast<uint32_t>(keys_.size() / bands_); }

  // Appends the keys of the next document (document index = size() before the call).
  void add(std::span<const uint32_t> keys);
  // Reserves room for `documents` more documents.
  void reserve(size_t documents) { keys_.reserve(keys_.size() + documents * bands_); }

  uint32_t key(uint32_t doc, uint32_t band) const { return keys_[size_t{doc} * bands_ + band]; }
  std::span<const uint32_t> keys_of(uint32_t doc) const {
    return {keys_.data() + size_t{doc} * bands_, bands_};
  }

  // Band keys of a new document resize a table by ~4 * bands bytes.
  size_t memory_bytes() const { return keys_.capacity() * sizeof(uint32_t); }

 private:
  uint32_t bands_;
  std::vector<uint32_t> keys_;  // document-major: keys_[doc * bands_ + band]
};

}  // namespace kindred::index
