#include "report/texts.h"

namespace kindred::report {

Status texts_status(const ScanResult& r) {
  if (!r.texts) return Status::ok();  // texts in DocInfo cannot fail
  const std::string why = r.texts->error();
  if (why.empty()) return Status::ok();
  // Only on failure: find which document it was, reading each text once.
  std::string buffer;
  for (uint32_t d = 0; d < r.texts->size() && d < r.docs.size(); ++d) {
    if (r.texts->text(d, buffer).size() != r.texts->length(d)) {
      return {StatusCode::kIoError,
              "cannot read back the text of document '" + r.docs[d].id + "' (" + why + ")"};
    }
  }
  return {StatusCode::kIoError, why};
}

}  // namespace kindred::report
