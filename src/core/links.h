// The order of ScanResult::links: by first document, then second (a < b in
// each link). Families break ties of equal strength in this order, so every
// producer of links sorts them here.
#pragma once

#include <algorithm>
#include <span>

#include "kindred/results.h"

namespace kindred::core {

inline bool link_before(const Link& x, const Link& y) {
  return x.a != y.a ? x.a < y.a : x.b < y.b;
}

inline void sort_links(std::span<Link> links) {
  std::sort(links.begin(), links.end(), link_before);
}

}  // namespace kindred::core
