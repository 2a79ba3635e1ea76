// Dates as news metadata gives them: ISO 8601 ("2025-02-17", "2025-02-17T09:30",
// "2025-02-17T09:30:00Z", "2025-02-17 09:30:00+01:00"). Anything else is unknown.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kindred::util {

// Seconds since 1970-01-01T00:00:00Z; a time zone offset is applied when given.
std::optional<int64_t> parse_iso8601(std::string_view text);

}  // namespace kindred::util
