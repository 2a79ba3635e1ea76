// Giving freed heap memory back to the system between the phases of a scan.
//
// glibc keeps freed small allocations in its arenas and returns only the top
// of the main heap, so a phase that frees a million small vectors (the story
// evidence of the documents in no story, say) leaves RSS where it was, and
// the next phase's peak adds to it. malloc_trim(0) releases the free pages
// inside every arena (madvise), which the next allocations fault back in as
// needed. PERF: on 100,000 generated documents it took RSS at the end of the
// story stage from 626 to 351 MB (BENCHMARKS.md, issue 15, session 13).
#pragma once

#include <cstddef>

namespace kindred::util {

// Returns the heap's free pages to the system where the allocator can (glibc:
// malloc_trim); elsewhere does nothing. Costs a walk over the free chunks of
// every arena: call it between phases, not per allocation.
void return_free_memory();

}  // namespace kindred::util
