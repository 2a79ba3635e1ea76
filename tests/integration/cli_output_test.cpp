// Batch outputs (`scan -o`, `report -o`) are opened before any input is read
// and appear at their path only when complete: a missing folder fails at once
// with exit code 3, and a run killed with SIGKILL or stopped by a full disk
// leaves the previous file (or none), never a torn one that looks complete.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "cli_runner.h"

namespace kindred::testing {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = std::string(KINDRED_SOURCE_DIR) + "/examples/corpus";
const std::string kOld = "old output\n";

// A complete scan output: every line is a record and the summary closes it.
bool complete_scan_output(const std::string& text, std::string& why) {
  ScanOutput out;
  if (!parse_scan_output(text, out, why)) return false;
  if (out.summaries != 1 || text.empty() || text.back() != '\n' ||
      text.rfind("{\"type\":\"summary\"") == std::string::npos) {
    why = "no closing summary record";
    return false;
  }
  const size_t last = text.rfind('\n', text.size() - 2);
  if (text.compare(last == std::string::npos ? 0 : last + 1, 17, "{\"type\":\"summary\"") != 0) {
    why = "the summary is not the last record";
    return false;
  }
  return true;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Output, MissingFolderFailsBeforeAnyInputIsRead) {
  TempDir tmp;
  // The input is bad: had it been read first, the run would end with exit code 1.
  write_file(tmp / "bad.jsonl", "{\"id\": \"x\", \"text\": \n");
  const fs::path target = tmp / "no" / "such" / "out.jsonl";
  for (const char* cmd : {"scan", "report"}) {
    const RunResult r =
        run_kindred(std::string(cmd) + " " + quote(tmp / "bad.jsonl") + " -o " + quote(target));
    EXPECT_EQ(r.exit_code, 3) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("cannot write output: " + target.string() + ": No such file or directory"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("bad.jsonl"), std::string::npos) << "input was read: " << r.err;
  }
  EXPECT_FALSE(fs::exists(tmp / "no"));
}

TEST(Output, FullDiskLeavesThePreviousFileIntact) {
  TempDir tmp;
  const fs::path target = tmp / "out.jsonl";
  // The whole output is well over the 1 KiB the file-size limit below allows.
  ASSERT_EQ(run_kindred("scan " + quote(kCorpus) + " -q -o " + quote(target)).exit_code, 0);
  const std::string full = read_file(target);
  ASSERT_GT(full.size(), 4096u);
  write_file(target, kOld);
  // RLIMIT_FSIZE stands in for a full disk: past 1 KiB a write fails with EFBIG
  // (SIGXFSZ ignored, as a full disk sends no signal).
  const std::string cmd = "trap '' XFSZ; ulimit -f 1; exec '" + std::string(KINDRED_CLI_PATH) +
                          "' scan " + quote(kCorpus) + " -q -o " + quote(target) + " 2> " +
                          quote(tmp / "err");
  write_file(tmp / "full.sh", cmd + "\n");
  const int status = std::system(("bash " + quote(tmp / "full.sh")).c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3) << read_file(tmp / "err");
  EXPECT_NE(read_file(tmp / "err").find("write failed"), std::string::npos)
      << read_file(tmp / "err");
  EXPECT_EQ(read_file(target), kOld);
  EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"err", "full.sh", "out.jsonl"}));
  // A device is written in place, and its failure reported the same way.
  const RunResult dev = run_kindred("scan " + quote(kCorpus) + " -q -o /dev/full");
  EXPECT_EQ(dev.exit_code, 3);
  EXPECT_NE(dev.err.find("No space left on device"), std::string::npos) << dev.err;
}

// What a kill between naming the finished output and renaming it leaves (a
// hidden temporary of a process that is gone) is removed by the next run
// writing that path; a temporary of a live process is not touched.
TEST(Output, TemporariesOfProcessesThatAreGoneAreRemoved) {
  TempDir tmp;
  const pid_t gone = fork();
  ASSERT_GE(gone, 0);
  if (gone == 0) _exit(0);
  ASSERT_EQ(waitpid(gone, nullptr, 0), gone);
  const std::string stale = ".out.jsonl.kindred-" + std::to_string(gone) + "-0-0";
  const std::string live = ".out.jsonl.kindred-" + std::to_string(::getpid()) + "-0-0";
  const std::string other = ".other.jsonl.kindred-" + std::to_string(gone) + "-0-0";
  for (const std::string& name : {stale, live, other}) write_file(tmp / name, kOld);
  ASSERT_EQ(run_kindred("scan " + quote(kCorpus) + " -q -o " + quote(tmp / "out.jsonl")).exit_code,
            0);
  std::vector<std::string> want{live, other, "out.jsonl"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(names_in(tmp.path()), want);
}

// Kills `kindred scan -o FILE` at random moments, and also the moment FILE
// changes on disk (where a torn file would show), and checks that FILE then
// holds the previous output or a complete new one. Bounded: 12 runs, each
// killed within 1.5 s or finished.
TEST(Output, SigkillNeverLeavesAPartialFile) {
  TempDir tmp;
  const fs::path corpus = tmp / "corpus.jsonl";
  ASSERT_EQ(run_kindred("synth -n 3000 --mean-words 150 -o " + quote(corpus)).exit_code, 0);
  const fs::path target = tmp / "out.jsonl";
  std::mt19937 rng(2024);
  int killed_early = 0, killed_on_change = 0, finished = 0, left_over = 0;
  for (int iter = 0; iter < 12; ++iter) {
    write_file(target, kOld);
    struct stat before {};
    ASSERT_EQ(::stat(target.c_str(), &before), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDERR_FILENO);
      execl(KINDRED_CLI_PATH, "kindred", "scan", corpus.c_str(), "-q", "-o", target.c_str(), "-t",
            "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    // Even iterations wait for FILE to change; odd ones kill at a random moment.
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(
                              iter % 2 ? std::uniform_int_distribution<int>(20, 1500)(rng) : 60000);
    bool exited = false, changed = false;
    while (std::chrono::steady_clock::now() < deadline && !exited && !changed) {
      struct stat now {};
      changed = ::stat(target.c_str(), &now) != 0 || now.st_ino != before.st_ino ||
                now.st_size != before.st_size || now.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
                now.st_mtim.tv_sec != before.st_mtim.tv_sec;
      int status = 0;
      if (!changed) exited = waitpid(child, &status, WNOHANG) == child;
      if (!changed && !exited) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!exited) {
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
      ++(changed ? killed_on_change : killed_early);
    } else {
      ++finished;
    }
    const std::string text = read_file(target);
    std::string why;
    if (text != kOld) {
      EXPECT_TRUE(complete_scan_output(text, why))
          << "run " << iter << ": a partial file (" << text.size() << " bytes): " << why;
    }
    // Nothing else is left in the folder, killed or not, except after a kill
    // in the instant between naming the finished output and renaming it: a
    // hidden temporary holding a complete output, which the next run removes.
    std::vector<std::string> names = names_in(tmp.path());
    std::erase_if(names, [&](const std::string& name) {
      if (!name.starts_with(".out.jsonl.kindred-")) return false;
      std::string left_why;
      EXPECT_TRUE(complete_scan_output(read_file(tmp / name), left_why))
          << "run " << iter << ": a partial temporary: " << left_why;
      ++left_over;
      return true;
    });
    EXPECT_EQ(names, (std::vector<std::string>{"corpus.jsonl", "out.jsonl"})) << "run " << iter;
  }
  // A complete run leaves nothing but its output, whatever earlier kills left.
  ASSERT_EQ(run_kindred("scan " + quote(corpus) + " -q -o " + quote(target)).exit_code, 0);
  EXPECT_EQ(names_in(tmp.path()), (std::vector<std::string>{"corpus.jsonl", "out.jsonl"}))
      << left_over << " temporaries were left by kills";
  EXPECT_GT(killed_early + killed_on_change, 0);
  EXPECT_GT(killed_on_change + finished, 0) << "no run got as far as its output";
}

}  // namespace
}  // namespace kindred::testing
