// Helpers the story tests share.
#pragma once

#include <string>
#include <vector>

#include "normalize/tokenize.h"
#include "story/features.h"

namespace kindred::story::testing {

// The story features of each text, extracted as the scan extracts them (no date).
inline std::vector<StoryFeatures> features(const std::vector<std::string>& texts) {
  std::vector<StoryFeatures> out;
  for (const auto& t : texts) {
    std::vector<normalize::Token> tokens;
    normalize::tokenize(t, tokens);
    out.push_back(extract_features(t, tokens, std::nullopt));
  }
  return out;
}

}  // namespace kindred::story::testing
