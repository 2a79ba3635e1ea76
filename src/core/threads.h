// How many threads a `threads` option means: 0 asks for every core.
#pragma once

#include <thread>

namespace kindred::core {

inline unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;  // hardware_concurrency() may not know
}

}  // namespace kindred::core
