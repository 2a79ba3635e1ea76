#include "index/text_store.h"

#include <cstring>
#include <limits>

namespace kindred::index {

Status TextStore::append(std::string_view text) {
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    return {StatusCode::kInvalidArgument, "a text of 4 GB or more cannot be kept"};
  }
  pack_.assign((text.size() + 7) / 8, 0);
  if (!text.empty()) std::memcpy(pack_.data(), text.data(), text.size());
  words_.append(pack_);
  bytes_.push_back(static_cast<uint32_t>(text.size()));
  if (pack_.capacity() > (size_t{1} << 17))
    std::vector<uint64_t>().swap(pack_);  // after a huge text
  return Status::ok();
}

std::string_view TextStore::text(uint32_t doc, std::string& buffer) const {
  if (!words_.spilled(doc)) {
    // Characters may alias the words they were copied into.
    return {reinterpret_cast<const char*>(words_.memory_view(doc)), bytes_[doc]};
  }
  buffer.resize(size_t{words_.set_size(doc)} * sizeof(uint64_t));
  if (!words_.read_spilled(doc, buffer.data())) {
    read_failed_.store(true, std::memory_order_relaxed);
    buffer.clear();
    return {};
  }
  return {buffer.data(), bytes_[doc]};
}

std::string TextStore::error() const {
  return read_failed_.load(std::memory_order_relaxed) ? "cannot read back the text spill file"
                                                      : std::string();
}

}  // namespace kindred::index
