// Index: LSH band keys of every document, the structure candidates come from.
//
// A sketch of `bands * rows` bins is cut into bands of `rows` consecutive bins;
// each band is hashed to a 32-bit key. Two documents are candidates when they
// share a key in the same band: P = 1 - (1 - J^rows)^bands for Jaccard J.
// 32-bit keys keep the table at 4 * bands bytes per document; a chance key
// collision only adds a candidate that verification then discards.
//
// BandTable is the batch pipeline's in-memory store; the live index keeps its
// postings in LMDB instead (src/live).
#pragma once

#include <cstdint>
#include <memory>
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
  uint32_t size() const { return size_; }

  // Appends the keys of the next document (document index = size() before the call).
  void add(std::span<const uint32_t> keys);
  // Reserves room for `documents` more documents.
  void reserve(size_t documents) { blocks_.reserve(blocks_.size() + documents / kBlock + 1); }

  uint32_t key(uint32_t doc, uint32_t band) const {
    return blocks_[doc / kBlock][size_t{band} * kBlock + doc % kBlock];
  }

  size_t memory_bytes() const {
    return blocks_.size() * size_t{bands_} * kBlock * sizeof(uint32_t);
  }

 private:
  // Keys are stored in blocks of kBlock documents, band-major inside a block:
  // reading one band for every document (what candidate generation does, 64
  // times) is then sequential. PERF: with document-major keys each read was a
  // cache miss, one per document and band.
  static constexpr uint32_t kBlock = 4096;
  uint32_t bands_;
  uint32_t size_ = 0;
  std::vector<std::unique_ptr<uint32_t[]>> blocks_;
};

}  // namespace kindred::index
