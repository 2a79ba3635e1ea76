// Report: the documents' texts as the writers read them, one at a time
// through document_text() (kindred/results.h), from wherever the scan kept
// them (the text store, or DocInfo::text), and the check that they all came
// back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kindred/results.h"
#include "kindred/status.h"

namespace kindred::report {

// Reads texts into a buffer of its own; the text last read is kept, as a
// story's sentences come mostly from few documents.
class TextReader {
 public:
  explicit TextReader(const ScanResult& r) : r_(r) {}
  // Document `doc`'s whole text (empty when it cannot be read back; then
  // texts_status() says so), valid until the next call.
  std::string_view text(uint32_t doc) {
    if (doc != doc_) {
      text_ = document_text(r_, doc, buffer_);
      doc_ = doc;
    }
    return text_;
  }
  // Bytes [begin, end) of it (empty when outside it), valid until the next call.
  std::string_view span(uint32_t doc, uint32_t begin, uint32_t end) {
    const std::string_view t = text(doc);
    if (end > t.size() || begin > end) return {};
    return t.substr(begin, end - begin);
  }

 private:
  const ScanResult& r_;
  uint32_t doc_ = UINT32_MAX;
  std::string buffer_;
  std::string_view text_;
};

// OK while every text of `result` has read back whole so far; else a kIoError
// naming the first document whose text cannot be read (a writer's output
// then shows empty text for it and must not be taken for complete).
Status texts_status(const ScanResult& result);

}  // namespace kindred::report
