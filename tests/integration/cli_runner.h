// Helpers for tests that run the real `kindred` executable.
#pragma once

#include <simdjson.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace kindred::testing {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::filesystem::path& p, const std::string& data) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("kindred-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

// Runs `kindred ARGS` through the shell (args are passed verbatim), with stdin
// from `stdin_file` when given.
inline RunResult run_kindred(const std::string& args, const std::string& stdin_file = "") {
  TempDir tmp;
  const auto out = tmp / "stdout", err = tmp / "stderr";
  std::string cmd = std::string("'") + KINDRED_CLI_PATH + "' " + args + " > '" + out.string() +
                    "' 2> '" + err.string() + "'";
  cmd += stdin_file.empty() ? " < /dev/null" : " < '" + stdin_file + "'";
  const int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

inline std::string quote(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

// The records of a JSON Lines output, grouped by "type".
struct ScanOutput {
  struct LinkRec {
    std::string relation;
    double jaccard, c_ab, c_ba;
  };
  std::map<std::pair<std::string, std::string>, LinkRec> links;  // (a, b) as written
  std::vector<std::set<std::string>> families;
  std::map<std::string, std::string> family_root;  // first member -> root
  int runs = 0, summaries = 0;

  const LinkRec* link(const std::string& x, const std::string& y) const {
    auto it = links.find({x, y});
    if (it != links.end()) return &it->second;
    it = links.find({y, x});
    return it == links.end() ? nullptr : &it->second;
  }
  bool linked_to_anything(const std::string& id) const {
    for (const auto& [pair, rec] : links) {
      if (pair.first == id || pair.second == id) return true;
    }
    return false;
  }
  const std::set<std::string>* family_of(const std::string& id) const {
    for (const auto& f : families) {
      if (f.count(id)) return &f;
    }
    return nullptr;
  }
};

// Parses a scan's output; returns false (and leaves `why`) on any malformed line.
inline bool parse_scan_output(const std::string& text, ScanOutput& out, std::string& why) {
  simdjson::dom::parser parser;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) {
      why = "not JSON: " + line;
      return false;
    }
    std::string_view type;
    if (e["type"].get(type) != simdjson::SUCCESS) {
      why = "no type: " + line;
      return false;
    }
    if (type == "link") {
      ScanOutput::LinkRec rec{std::string(std::string_view(e["relation"])), double(e["jaccard"]),
                              double(e["containment_a_in_b"]), double(e["containment_b_in_a"])};
      out.links[{std::string(std::string_view(e["a"])), std::string(std::string_view(e["b"]))}] =
          rec;
    } else if (type == "family") {
      std::set<std::string> members;
      for (auto m : e["members"].get_array()) members.insert(std::string(std::string_view(m)));
      out.family_root[*members.begin()] = std::string(std::string_view(e["root"]));
      out.families.push_back(std::move(members));
    } else if (type == "run") {
      ++out.runs;
    } else if (type == "summary") {
      ++out.summaries;
    }
  }
  return true;
}

}  // namespace kindred::testing
