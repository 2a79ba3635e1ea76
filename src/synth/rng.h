// Random numbers for the synthetic corpus: xoshiro256** seeded through
// splitmix64, with the few distributions the generator needs.
//
// Written here rather than taken from <random> because the standard
// distributions are implementation-defined: a seed must give the same corpus
// with every compiler and standard library. Nothing below calls libm.
#pragma once

#include <cstdint>

namespace kindred::synth {

// splitmix64 finaliser: a bijective 64-bit mix.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Seed of an independent stream for (corpus seed, document index, purpose).
inline uint64_t stream_seed(uint64_t seed, uint64_t index, uint64_t salt) {
  return mix64(mix64(seed ^ salt) + mix64(index ^ 0x5851f42d4c957f2dull));
}

// Not thread-safe; cheap to construct, so each document gets its own.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) {
      seed = mix64(seed);
      word = seed;
    }
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) for n >= 1 (Lemire's multiply-shift; bias < n / 2^32).
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
  // Uniform in [0, n) for n >= 1.
  uint64_t below64(uint64_t n) {
    if (n <= 0xffffffffull) return below(static_cast<uint32_t>(n));
    return next() % n;
  }
  // Uniform in [lo, hi] (inclusive), lo <= hi.
  uint32_t between(uint32_t lo, uint32_t hi) { return lo + below(hi - lo + 1); }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }
  // Approximately standard normal: Irwin-Hall sum of 12 uniforms, minus 6
  // (exact mean and variance, tails cut at +-6).
  double normal() {
    double sum = 0;
    for (int i = 0; i < 12; ++i) sum += uniform();
    return sum - 6.0;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace kindred::synth
