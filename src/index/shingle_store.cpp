#include "index/shingle_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "core/check.h"
#include "util/spill_file.h"

namespace kindred::index {

ShingleStore::ShingleStore(uint64_t memory_budget, std::string spill_dir)
    : budget_(memory_budget == std::numeric_limits<uint64_t>::max() ? memory_budget
                                                                    : memory_budget / 2),
      dir_(std::move(spill_dir)) {
  offsets_.push_back(0);
}

ShingleStore::~ShingleStore() {
  if (writer_.joinable()) writer_.join();
  if (fd_ >= 0) ::close(fd_);
}

void ShingleStore::append(std::span<const uint64_t> set) {
  const uint64_t values_in_budget = budget_ / sizeof(uint64_t);
  if (!tail_.empty() && tail_.size() + set.size() > values_in_budget) spill();
  if (tail_.capacity() == 0 && budget_ != std::numeric_limits<uint64_t>::max()) {
    // One allocation of the whole budget (pages are touched only as filled),
    // so growth never doubles the memory past the budget.
    tail_.reserve(std::min<uint64_t>(values_in_budget, uint64_t{1} << 27));
  }
  tail_.insert(tail_.end(), set.begin(), set.end());
  offsets_.push_back(offsets_.back() + set.size());
}

void ShingleStore::spill() {
  finish_write();                                               // at most one write in flight
  if (budget_ == std::numeric_limits<uint64_t>::max()) return;  // spilling failed before
  if (fd_ < 0) fd_ = util::open_spill_file(dir_, "kindred-shingles", spill_error_);
  if (fd_ < 0) {
    budget_ = std::numeric_limits<uint64_t>::max();
    return;
  }
  writing_.swap(tail_);  // tail_ takes the other buffer, with its capacity
  tail_.clear();
  writer_ = std::thread([this] {
    write_ok_ = util::write_all(fd_, reinterpret_cast<const char*>(writing_.data()),
                                writing_.size() * sizeof(uint64_t));
    write_errno_ = write_ok_ ? 0 : errno;
  });
}

void ShingleStore::finish_write() {
  if (!writer_.joinable()) return;
  writer_.join();
  if (write_ok_) {
    spilled_ += writing_.size();
    writing_.clear();
    return;
  }
  // The file keeps only what came before: these values stay in memory, in
  // order before the tail, and nothing more is spilled. A partial write is
  // never read, since only values below spilled_ come from the file.
  spill_error_ = std::string("cannot write the spill file: ") + std::strerror(write_errno_);
  budget_ = std::numeric_limits<uint64_t>::max();
  writing_.insert(writing_.end(), tail_.begin(), tail_.end());
  tail_.swap(writing_);
  std::vector<uint64_t>().swap(writing_);
}

void ShingleStore::seal() {
  finish_write();
  std::vector<uint64_t>().swap(writing_);
}

bool ShingleStore::read_spilled(uint32_t doc, void* out) const {
  const uint64_t begin = offsets_[doc];
  const uint64_t end = offsets_[doc + 1];
  if (begin >= spilled_ || end > spilled_ || fd_ < 0) return false;
  return util::read_all(fd_, static_cast<char*>(out), (end - begin) * sizeof(uint64_t),
                        begin * sizeof(uint64_t));
}

std::span<const uint64_t> ShingleStore::view(uint32_t doc, std::vector<uint64_t>& buffer) const {
  if (!spilled(doc)) return {memory_view(doc), set_size(doc)};
  buffer.resize(set_size(doc));
  // The file holds what this process wrote moments ago; failing to read it
  // back is a broken environment, not bad input.
  const bool ok = read_spilled(doc, buffer.data());
  KINDRED_CHECK(ok, "cannot read back the shingle spill file");
  return buffer;
}

uint64_t ShingleStore::memory_bytes() const {
  return (tail_.capacity() + writing_.capacity() + offsets_.capacity()) * sizeof(uint64_t);
}

}  // namespace kindred::index
