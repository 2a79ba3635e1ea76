// Hash functions used across stages. All are deterministic across runs and
// machines (no per-process seed), so sketches and indexes can be persisted.
#pragma once

#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace kindred::util {

// 64-bit hash of bytes (XXH3).
inline uint64_t hash_bytes(std::string_view s, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

// Finaliser of MurmurHash3: a bijective mix with full avalanche, used to turn
// combined word hashes into well-distributed shingle hashes.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

// Maps a 32-bit value uniformly onto [0, n) without division (Lemire's fastrange).
constexpr uint32_t fast_range(uint32_t x, uint32_t n) {
  return static_cast<uint32_t>((uint64_t{x} * n) >> 32);
}

}  // namespace kindred::util
