#include "kindred/status.h"

#include <cstdio>
#include <cstdlib>

#include "core/check.h"

namespace kindred {

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kDataError:
      return "data error";
    case StatusCode::kIoError:
      return "I/O error";
    case StatusCode::kCorrupt:
      return "corrupt input";
    case StatusCode::kDuplicate:
      return "duplicate id";
    case StatusCode::kTooLarge:
      return "too large";
    case StatusCode::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(status_code_name(code_)) + ": " + message_;
}

void abort_bad_result_access(const Status& status) {
  std::fprintf(stderr, "kindred: value() of a Result holding an error: %s\n",
               status.to_string().c_str());
  std::abort();
}

namespace core {
void check_failed(const char* expr, const char* file, int line, const char* msg) {
  std::fprintf(stderr, "kindred: internal check failed at %s:%d: %s (%s)\n", file, line, msg, expr);
  std::abort();
}
}  // namespace core

}  // namespace kindred
