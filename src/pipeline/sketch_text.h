// The per-document work of the copy pipeline, in one place for Scanner and
// the stages API: tokenize -> shingle_set -> one-permutation MinHash -> band keys.
#pragma once

#include <string_view>
#include <vector>

#include "kindred/params.h"
#include "kindred/stages.h"
#include "normalize/tokenize.h"
#include "sketch/minhash.h"

namespace kindred::pipeline {

// Fills out.tokens, fingerprint, shingles and band_keys (not id or date).
// `tokens` and `signature` are scratch the caller may reuse; `tokens` holds the
// text's tokens afterwards (later stages such as story features read them).
void sketch_text(std::string_view text, const Params& params,
                 const sketch::OnePermutationMinHash& minhash,
                 std::vector<normalize::Token>& tokens, std::vector<uint32_t>& signature,
                 DocumentSketch& out);

// sketch_text() up to the band keys, without sorting the shingles into a set:
// out.shingles holds every shingle's hash in text order, duplicates kept.
// Sketching proper (what issue 5's ceiling loop is measured against); the
// sorted set is exact verification's data.
void sketch_words(std::string_view text, const Params& params,
                  const sketch::OnePermutationMinHash& minhash,
                  std::vector<normalize::Token>& tokens, std::vector<uint32_t>& signature,
                  DocumentSketch& out);

}  // namespace kindred::pipeline
