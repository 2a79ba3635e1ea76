#include "kindred/params.h"

#include <cstdio>
#include <string>

namespace kindred {

namespace {
Status invalid(const std::string& message) {
  return {StatusCode::kInvalidArgument, message};
}
bool in_unit_interval(double v) {
  return v > 0.0 && v <= 1.0;
}
}  // namespace

Status Params::validate() const {
  if (shingle_size < 1 || shingle_size > 32) return invalid("--shingle must be in [1, 32]");
  if (sketch_bins < 8 || sketch_bins > 4096) return invalid("--bins must be in [8, 4096]");
  if (bands < 1 || rows < 1) return invalid("--bands and --rows must be at least 1");
  if (uint64_t{bands} * rows > sketch_bins) {
    return invalid("--bands x --rows (" + std::to_string(uint64_t{bands} * rows) +
                   ") must not exceed --bins (" + std::to_string(sketch_bins) + ")");
  }
  if (max_bucket < 2) return invalid("--max-bucket must be at least 2");
  if (!in_unit_interval(near_duplicate)) return invalid("--near must be in (0, 1]");
  if (!in_unit_interval(contained)) return invalid("--contained must be in (0, 1]");
  if (!in_unit_interval(link)) return invalid("--link must be in (0, 1]");
  if (link > contained) return invalid("--link must not exceed --contained");
  if (!in_unit_interval(story_link)) return invalid("--story-link must be in (0, 1]");
  if (!in_unit_interval(story_cohesion)) return invalid("--story-cohesion must be in (0, 1]");
  if (!(story_window_days > 0)) return invalid("--story-window must be positive");
  return Status::ok();
}

std::string Params::to_spec() const {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "shingle:%u,bins:%u,lsh:%ux%u,max_bucket:%u,near:%g,contained:%g,link:%g,"
                "min_shared:%u,story_link:%g,story_cohesion:%g,story_window:%g",
                shingle_size, sketch_bins, bands, rows, max_bucket, near_duplicate, contained, link,
                min_shared, story_link, story_cohesion, story_window_days);
  return buf;
}

}  // namespace kindred
