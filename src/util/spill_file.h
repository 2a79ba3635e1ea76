// Util: the temporary files that stores spill to past a memory budget
// (index::ShingleStore, index::TextStore, story::TermStore).
//
// A spill file is created in a directory and unlinked at once, so the kernel
// frees it when its store closes it or the process dies: nothing is left
// behind, whatever the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kindred::util {

// Creates an anonymous file named `prefix`-XXXXXX in `dir` (empty: the
// system's temporary directory, $TMPDIR or /tmp) and returns its descriptor;
// -1 when it cannot be created, with why in `error`.
int open_spill_file(const std::string& dir, const char* prefix, std::string& error);

// Writes `bytes` at the file's position; false (errno set) when they could
// not all be written (a full disk).
bool write_all(int fd, const char* data, size_t bytes);

// Reads `bytes` at `offset`; false when they could not all be read.
bool read_all(int fd, char* data, size_t bytes, uint64_t offset);

}  // namespace kindred::util
