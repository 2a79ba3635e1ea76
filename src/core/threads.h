// How many threads a `threads` option means: 0 asks for every core the
// process may use, and more than that is capped to it. The one rule for every
// task arena (Scanner, the stages API, the live index's refresher): TBB runs
// no more workers than the machine has anyway, and an arena asking for more
// makes it print a warning on stderr.
#pragma once

#include <oneapi/tbb/info.h>

#include <algorithm>

namespace kindred::core {

inline unsigned resolve_threads(unsigned requested) {
  // The cores of this process's affinity mask (and cgroup quota), as TBB counts them.
  const unsigned available = static_cast<unsigned>(std::max(1, tbb::info::default_concurrency()));
  return requested == 0 ? available : std::min(requested, available);
}

}  // namespace kindred::core
