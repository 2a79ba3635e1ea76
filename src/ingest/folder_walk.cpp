#include "ingest/folder_walk.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace kindred::ingest {
namespace fs = std::filesystem;

bool walk_folder(const std::string& folder, const std::string& rel_prefix,
                 const FolderVisitor& visitor) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  fs::directory_iterator it(fs::path(folder), ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) entries.push_back(*it);
  if (ec) {
    switch (visitor.unlistable(folder, ec)) {
      case FolderVisitor::Next::kStop:
        return false;
      case FolderVisitor::Next::kSkipFolder:
        return true;
      case FolderVisitor::Next::kGoOn:
        break;
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.path().filename().native() < b.path().filename().native();
  });

  for (const fs::directory_entry& entry : entries) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.')) continue;
    const std::string rel = rel_prefix.empty() ? name : rel_prefix + '/' + name;
    std::error_code link_ec, type_ec;
    const bool is_link = entry.is_symlink(link_ec);
    const fs::file_status st = entry.status(type_ec);  // follows links
    if (fs::is_directory(st)) {
      if (!is_link && !walk_folder(entry.path().string(), rel, visitor)) return false;
      continue;
    }
    if (!(fs::is_regular_file(st) || type_ec || link_ec)) {
      visitor.skipped();
      continue;
    }
    std::error_code size_ec;
    const uintmax_t size =
        visitor.want_sizes && fs::is_regular_file(st) ? entry.file_size(size_ec) : 0;
    if (!visitor.file(FolderFile{entry.path().string(), rel, name, size_ec ? 0 : size})) {
      return false;
    }
  }
  return true;
}

}  // namespace kindred::ingest
