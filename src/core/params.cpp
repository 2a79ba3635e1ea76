#include "kindred/params.h"

#include <cstdio>
#include <string>
#include <type_traits>

namespace kindred {

namespace {

Status invalid(const std::string& message) {
  return {StatusCode::kInvalidArgument, message};
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// "--near must be in (0, 1]", "--max-bucket must be at least 2", "--story-window must be positive"
std::string range_message(const ParamRow& row) {
  const std::string option = std::string("--") + row.option;
  if (row.max >= ParamRow::kNoLimit) {
    if (row.min_exclusive && row.min == 0) return option + " must be positive";
    return option + (row.min_exclusive ? " must be above " : " must be at least ") +
           number(row.min);
  }
  return option + " must be in " + (row.min_exclusive ? "(" : "[") + number(row.min) + ", " +
         number(row.max) + "]";
}

}  // namespace

Status Params::validate() const {
  Status status;
  for_each_param([&](const ParamRow& row, auto member) {
    if (!status.is_ok()) return;
    const auto v = static_cast<double>(this->*member);
    const bool above_min = row.min_exclusive ? v > row.min : v >= row.min;
    const bool below_max = row.max >= ParamRow::kNoLimit || v <= row.max;
    if (!above_min || !below_max) status = invalid(range_message(row));  // NaN fails above_min
  });
  if (!status.is_ok()) return status;
  if (uint64_t{bands} * rows > sketch_bins) {
    return invalid("--bands x --rows (" + std::to_string(uint64_t{bands} * rows) +
                   ") must not exceed --bins (" + std::to_string(sketch_bins) + ")");
  }
  if (link > contained) return invalid("--link must not exceed --contained");
  return Status::ok();
}

std::string Params::to_spec() const {
  std::string spec;
  for_each_param([&](const ParamRow& row, auto member) {
    if (!spec.empty()) spec += ',';
    spec += row.option;
    spec += ':';
    const auto v = this->*member;
    if constexpr (std::is_floating_point_v<decltype(v)>) {
      spec += number(v);
    } else {
      spec += std::to_string(v);
    }
  });
  return spec;
}

}  // namespace kindred
