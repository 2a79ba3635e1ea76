// Story, part 3: the merged account of a story.
//
// The distinct sentences across a story's articles, each with every article
// that carries it (verbatim or lightly reworded), in narrative order: the
// longest article gives the backbone and every other sentence is placed after
// the nearest sentence its own article shares with the account. Two sentences
// are one when worded nearly alike, or when a rewording keeps most of the
// content words of the shorter (the same fact told in other words). A sentence
// carried by one source only is what that source adds.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "kindred/results.h"

namespace kindred::story {

struct AccountParams {
  double same_sentence =
      0.6;  ///< stem Jaccard, or content-stem overlap, for two sentences to be one
  uint32_t min_shared_content =
      4;                        ///< content stems a rewording must share to be judged by overlap
  uint32_t min_words = 4;       ///< shorter sentences (datelines, bylines) are left out
  uint32_t max_documents = 64;  ///< articles read per story (largest first); the rest only counted
};

// `texts[d]` is document d's text. Returns the account of `story`.
std::vector<AccountSentence> merged_account(const Story& story,
                                            std::span<const std::string_view> texts,
                                            const AccountParams& params = {});

}  // namespace kindred::story
