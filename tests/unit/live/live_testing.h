// What the live index tests share: temporary stores, the corpora they add,
// and the batch scan they are compared with.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "ingest/reader.h"
#include "kindred/pipeline.h"
#include "kindred/stages.h"

namespace kindred::live_testing {

// A directory removed with everything in it when the test ends.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("kindred-live-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// The documents of a folder or file as `kindred scan` reads them, in order.
inline std::vector<Document> read_documents(const std::string& path) {
  std::vector<Document> docs;
  const Status s = ingest::read_path(
      path, {},
      [&](Document&& d) {
        docs.push_back(std::move(d));
        return true;
      },
      [](Rejection&&) { return true; });
  if (!s.is_ok()) docs.clear();
  return docs;
}

// examples/corpus, then examples/stories.jsonl.
inline std::vector<Document> example_documents() {
  std::vector<Document> docs;
  for (const char* p : {"/examples/corpus", "/examples/stories.jsonl"}) {
    for (Document& d : read_documents(std::string(KINDRED_SOURCE_DIR) + p)) {
      docs.push_back(std::move(d));
    }
  }
  return docs;
}

// A batch scan as the live index is compared with: copies linked, stories with
// quotations and accounts, no passages and no rewrites (the live index links
// copies only; stories and accounts do not depend on either).
inline ScanResult batch_scan(std::vector<Document> docs, const Params& params) {
  ScanOptions o;
  o.threads = 2;
  o.passages = false;
  o.rewrites = false;
  InputScan scan = scan_documents(std::move(docs), params, o, true);
  return std::move(scan.result);
}

}  // namespace kindred::live_testing
