// KINDRED_CHECK: aborts with a message when an internal invariant is broken.
// Used for programming errors only; bad input is reported through Status.
#pragma once

namespace kindred::core {
[[noreturn]] void check_failed(const char* expr, const char* file, int line, const char* msg);
}  // namespace kindred::core

#define KINDRED_CHECK(cond, msg)                                                  \
  do {                                                                            \
    if (!(cond)) ::kindred::core::check_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
