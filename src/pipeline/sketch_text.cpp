// sketch_text.h: the per-document work of the copy pipeline, for Scanner and
// the stages API alike.
#include "pipeline/sketch_text.h"

#include "index/band_table.h"
#include "sketch/shingle.h"

namespace kindred::pipeline {

void sketch_words(std::string_view text, const Params& params,
                  const sketch::OnePermutationMinHash& minhash,
                  std::vector<normalize::Token>& tokens, std::vector<uint32_t>& signature,
                  DocumentSketch& out) {
  normalize::tokenize(text, tokens);
  out.tokens = static_cast<uint32_t>(tokens.size());
  out.fingerprint = normalize::sequence_fingerprint(tokens);
  signature.resize(params.sketch_bins);
  sketch::shingle_hashes_and_sketch(tokens, params.shingle_size, minhash, out.shingles, signature);
  out.band_keys.resize(params.bands);
  index::band_keys(signature, params.bands, params.rows, out.band_keys);
}

void sketch_text(std::string_view text, const Params& params,
                 const sketch::OnePermutationMinHash& minhash,
                 std::vector<normalize::Token>& tokens, std::vector<uint32_t>& signature,
                 DocumentSketch& out) {
  sketch_words(text, params, minhash, tokens, signature, out);
  sketch::sort_into_set(out.shingles);
}

}  // namespace kindred::pipeline
