#include "ingest/line_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace kindred::ingest {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

// A buffer of `capacity` bytes plus the padding. PERF: only the padding is
// zeroed (the rest is written before it is read as a line); clearing a MiB per
// file was most of the time of the JSON Lines fuzz target.
std::unique_ptr<char[]> make_buffer(size_t capacity) {
  auto buf = std::make_unique_for_overwrite<char[]>(capacity + kLinePadding);
  std::memset(buf.get() + capacity, 0, kLinePadding);
  return buf;
}

}  // namespace

LineReader::LineReader(ByteStream& stream, uint64_t max_line_bytes, size_t chunk_bytes)
    : stream_(stream),
      max_line_bytes_(max_line_bytes),
      chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
      buf_(make_buffer(chunk_bytes_)),
      capacity_(chunk_bytes_) {}

bool LineReader::next(Line* line) {
  for (;;) {
    const char* data = buf_.get();
    if (skipping_) {
      // Discard the over-long line chunk by chunk until its newline (or the end).
      const void* nl = std::memchr(data + begin_, '\n', end_ - begin_);
      bool at_newline = nl != nullptr;
      size_t stop = at_newline ? static_cast<size_t>(static_cast<const char*>(nl) - data) : end_;
      skipped_ += stop - begin_;
      if (stop > begin_) skipped_cr_ = data[stop - 1] == '\r';
      size_t next_begin = stop + 1;
      if (!at_newline) {
        begin_ = scan_ = end_ = 0;
        if (read_more()) continue;
        if (!status_.is_ok()) return false;  // cut short by damage: only the error is reported
        next_begin = 0;                      // clean end: the line ends with the stream
      }
      line->bytes = {};
      line->number = ++lines_;
      line->offset = line_offset_;
      line->length = skipped_ - (skipped_cr_ ? 1 : 0);
      line->too_long = true;
      line_offset_ += skipped_ + (at_newline ? 1 : 0);
      begin_ = scan_ = next_begin;
      skipping_ = false;
      return true;
    }

    if (const void* nl = std::memchr(data + scan_, '\n', end_ - scan_)) {
      const size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - data);
      return emit(pos, /*has_newline=*/true, line);
    }
    scan_ = end_;
    const size_t pending = end_ - begin_;
    // One byte of slack: the line may still end in "\r\n", and the '\r' does not count.
    if (pending > saturating_add(max_line_bytes_, 1)) {
      skipping_ = true;
      skipped_ = 0;
      skipped_cr_ = false;
      continue;  // the skipping branch consumes what is buffered
    }
    if (!read_more()) {
      // A last line without a newline is complete at a clean end, but after
      // a read error it may be cut short, so it is left to the error report.
      if (status_.is_ok() && end_ > begin_) return emit(end_, /*has_newline=*/false, line);
      return false;
    }
  }
}

bool LineReader::emit(size_t end, bool has_newline, Line* line) {
  const char* data = buf_.get();
  size_t start = begin_;
  size_t stop = end;
  if (stop > start && data[stop - 1] == '\r') --stop;
  if (lines_ == 0 && std::string_view(data + start, stop - start).starts_with(kBom)) {
    start += kBom.size();
  }
  line->number = ++lines_;
  line->offset = line_offset_;
  line->length = stop - start;
  line->too_long = line->length > max_line_bytes_;
  line->bytes = line->too_long ? std::string_view() : std::string_view(data + start, stop - start);
  const size_t next_begin = has_newline ? end + 1 : end;
  line_offset_ += next_begin - begin_;
  begin_ = scan_ = next_begin;
  return true;
}

bool LineReader::read_more() {
  if (at_end_) return false;
  make_room();
  size_t got = 0;
  Status st = stream_.read(buf_.get() + end_, chunk_bytes_, &got);
  end_ += got;
  bytes_ += got;
  if (!st.is_ok()) {
    status_ = std::move(st);
    at_end_ = true;
  } else if (got == 0) {
    at_end_ = true;
  }
  return got > 0;
}

void LineReader::make_room() {
  if (capacity_ - end_ >= chunk_bytes_) return;
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  if (capacity_ - end_ >= chunk_bytes_) return;
  // Grow geometrically (a long line is not copied once per chunk), but never
  // past what the longest acceptable line needs: the limit plus one chunk.
  const uint64_t bound = saturating_add(saturating_add(max_line_bytes_, 1), chunk_bytes_);
  const uint64_t doubled = std::min<uint64_t>(uint64_t{capacity_} * 2, bound);
  const size_t new_capacity = static_cast<size_t>(std::max<uint64_t>(end_ + chunk_bytes_, doubled));
  auto bigger = make_buffer(new_capacity);
  std::memcpy(bigger.get(), buf_.get(), end_);
  buf_ = std::move(bigger);
  capacity_ = new_capacity;
}

}  // namespace kindred::ingest
