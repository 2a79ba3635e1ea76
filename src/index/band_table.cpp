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
  keys_.insert(keys_.end(), keys.begin(), keys.end());
}

}  // namespace kindred::index
