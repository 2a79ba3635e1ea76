#include "index/band_table.h"

#include "core/check.h"
#include "util/hash.h"

namespace kindred::index {

void band_keys(std::span<const uint32_t> sketch, uint32_t bands, uint32_t rows,
               std::span<uint32_t> out) {
  KINDRED_CHECK(size_t{bands} * rows <= sketch.size(), "sketch smaller than bands x rows");
  KINDRED_CHECK(out.size() == bands, "band key output has the wrong size");
  for (uint32_t b = 0; b < bands; ++b) {
    uint64_t h = 0x42616e64ull + b;  // the band index salts its key
    for (uint32_t r = 0; r < rows; ++r) h = util::mix64(h ^ sketch[size_t{b} * rows + r]);
    out[b] = static_cast<uint32_t>(h ^ (h >> 32));
  }
}

void BandTable::add(std::span<const uint32_t> keys) {
  KINDRED_CHECK(keys.size() == bands_, "wrong number of band keys");
  if (size_ % kBlock == 0) blocks_.push_back(std::make_unique<uint32_t[]>(size_t{bands_} * kBlock));
  uint32_t* block = blocks_.back().get() + size_ % kBlock;
  for (uint32_t b = 0; b < bands_; ++b) block[size_t{b} * kBlock] = keys[b];
  ++size_;
}

}  // namespace kindred::index
