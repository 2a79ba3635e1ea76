// How a Scanner divides ScanOptions::spill_after_bytes (`--memory`) between
// the stores that spill past a budget: one budget for all of them, so that
// `--memory 512` means ~512 MB of stores, whatever else the scan keeps.
//
// The shingle sets (index/shingle_store.h) and the texts (index/text_store.h)
// grow together while documents are added; the story terms
// (story/term_store.h) too, and are read back per candidate pair of the story
// stage, after the shingle sets are gone. Shares, of the stores a scan keeps:
// shingle sets 3, texts 3, story terms 2 (of the default 512 MB: 192, 192 and
// 128 MB). A copies-only scan keeps only the shingle sets, which get all of it.
// PERF: the texts' and shingle sets' 512 MB each (before session 13) were
// most of the peak up to 300,000 documents, and a quarter of it cost no
// measured user time (BENCHMARKS.md, issue 15, sessions 12 and 13).
#pragma once

#include <cstdint>

#include "kindred/pipeline.h"

namespace kindred::pipeline {

struct MemoryBudget {
  uint64_t shingles = UINT64_MAX;  ///< bytes of shingle sets in memory (UINT64_MAX: never spill)
  uint64_t texts = 0;              ///< bytes of texts in memory; 0 when no texts are kept
  uint64_t terms = 0;              ///< bytes of story term blocks; 0 without stories
};

inline MemoryBudget memory_budget(const ScanOptions& o) {
  const bool texts = o.keep_text || o.stories || o.passages;
  const uint64_t shares = 3 + (texts ? 3 : 0) + (o.stories ? 2 : 0);
  const auto share = [&](uint64_t s) -> uint64_t {
    if (o.spill_after_bytes == UINT64_MAX) return UINT64_MAX;
    // Divided first: no overflow near UINT64_MAX.
    return o.spill_after_bytes / shares * s + o.spill_after_bytes % shares * s / shares;
  };
  MemoryBudget b;
  b.shingles = share(3);
  if (texts) b.texts = share(3);
  if (o.stories) b.terms = share(2);
  return b;
}

}  // namespace kindred::pipeline
