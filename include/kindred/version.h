#pragma once

namespace kindred {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace kindred
