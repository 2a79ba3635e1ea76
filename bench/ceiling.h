// The ceiling loop of issue 5: the least work any word-shingle MinHash has to
// do, to measure kindred's sketching against in the same run on the same
// machine. It finds runs of ASCII letters and digits (16 bytes per SSE2 step,
// the same technique as the tokeniser's fast path), hashes each word with one
// multiply, rolls a 5-word shingle hash, mixes it and keeps a one-permutation
// minimum per bin. It has none of kindred's obligations: no Unicode, no
// apostrophes or number separators, no byte offsets, no shingle set for exact
// verification, no densification, no band keys.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kindred::bench {

inline uint64_t ceiling_mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

// Bitmask of the bytes at p[0..16) that are ASCII letters or digits.
inline unsigned alnum_mask16(const unsigned char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
  const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(letter, digit)));
#else
  unsigned m = 0;
  for (int i = 0; i < 16; ++i) {
    const unsigned char c = p[i];
    const unsigned char l = c | 0x20;
    if ((c >= '0' && c <= '9') || (l >= 'a' && l <= 'z')) m |= 1u << i;
  }
  return m;
#endif
}

// Sketches the n bytes at `text` into `bins` (128 values) and returns the
// number of shingles. The caller guarantees 32 readable bytes past the end
// (so 16-byte loads need no tail loop), padding texts before timing.
inline uint64_t ceiling_sketch(const char* text, size_t n, uint32_t* bins) {
  constexpr uint64_t kBase = 0x100000001b3ull * 2 + 1;
  constexpr uint64_t kTop = kBase * kBase * kBase * kBase;  // B^4 for 5-word windows
  for (int b = 0; b < 128; ++b) bins[b] = UINT32_MAX;
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  uint64_t window[5] = {};
  uint64_t h = 0, words = 0, shingles = 0;
  size_t i = 0;
  while (i < n) {
    unsigned mask = alnum_mask16(p + i);
    if (mask == 0) {
      i += 16;
      continue;
    }
    i += static_cast<size_t>(std::countr_zero(mask));  // word start
    size_t end = i;
    for (;;) {
      const unsigned m = alnum_mask16(p + end);
      const auto run = static_cast<size_t>(std::countr_one(m));
      end += run;
      if (run < 16) break;
    }
    // Word hash: the first 8 bytes, lower-cased, times an odd constant, with the length.
    uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    const size_t len = end - i;
    if (len < 8) w &= (uint64_t{1} << (8 * len)) - 1;
    w = ((w | 0x2020202020202020ull) ^ len) * 0x9e3779b97f4a7c15ull;
    h = (h - window[words % 5] * kTop) * kBase + w;
    window[words % 5] = w;
    ++words;
    if (words >= 5) {
      const uint64_t g = ceiling_mix(h);
      const uint32_t bin = static_cast<uint32_t>(g >> 57);
      bins[bin] = std::min(bins[bin], static_cast<uint32_t>(g));
      ++shingles;
    }
    i = end;
  }
  return shingles;
}

}  // namespace kindred::bench
