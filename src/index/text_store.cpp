#include "index/text_store.h"

#include <cstring>

#include "core/check.h"

namespace kindred::index {

void TextStore::append(std::string_view text) {
  KINDRED_CHECK(text.size() <= UINT32_MAX, "a text over 4 GB in TextStore");
  pack_.assign((text.size() + 7) / 8, 0);
  if (!text.empty()) std::memcpy(pack_.data(), text.data(), text.size());
  words_.append(pack_);
  bytes_.push_back(static_cast<uint32_t>(text.size()));
}

std::string_view TextStore::view(uint32_t doc, std::vector<uint64_t>& buffer) const {
  const std::span<const uint64_t> words = words_.view(doc, buffer);
  // Characters may alias the words they were copied into.
  return {reinterpret_cast<const char*>(words.data()), bytes_[doc]};
}

}  // namespace kindred::index
