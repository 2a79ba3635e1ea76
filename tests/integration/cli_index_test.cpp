// `kindred index ...` end to end, and crash safety: a writer killed with
// SIGKILL at random points never loses an acknowledged document and never
// leaves an index that fails `kindred index check`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "integration/cli_runner.h"

namespace kindred::testing {
namespace {

const std::string kExamples = std::string(KINDRED_SOURCE_DIR) + "/examples";

TEST(CliIndex, CreateAddCheckQueryStats) {
  TempDir tmp;
  const auto dir = tmp / "ix";
  ASSERT_EQ(run_kindred("index create " + quote(dir)).exit_code, 0);
  EXPECT_EQ(run_kindred("index create " + quote(dir)).exit_code, 1);  // already there
  RunResult add = run_kindred("index add " + quote(dir) + " '" + kExamples + "/corpus' --ack");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("added strike/abridged.txt\n"), std::string::npos);
  RunResult check = run_kindred("index check " + quote(dir));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out.rfind("ok: ", 0), 0u);
  // The batch scan of the same folder reports the same number of links.
  RunResult scan = run_kindred("scan '" + kExamples + "/corpus' -q --no-stories --no-passages");
  ScanOutput batch;
  std::string why;
  ASSERT_TRUE(parse_scan_output(scan.out, batch, why)) << why;
  RunResult stats = run_kindred("index stats " + quote(dir));
  ASSERT_EQ(stats.exit_code, 0);
  EXPECT_NE(stats.out.find("\"links\":" + std::to_string(batch.links.size()) + ","),
            std::string::npos)
      << stats.out;
  RunResult q =
      run_kindred("index query " + quote(dir) + " '" + kExamples + "/corpus/strike/abridged.txt'");
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(q.out.find("\"id\":\"strike/wire_full.txt\",\"relation\":\"contained\""),
            std::string::npos)
      << q.out;
  EXPECT_NE(q.out.find("\"passages\":[{"), std::string::npos);
  // Adding the same documents again rejects every one as a duplicate.
  EXPECT_EQ(run_kindred("index add " + quote(dir) + " '" + kExamples + "/corpus'").exit_code, 1);
  EXPECT_EQ(run_kindred("index refresh " + quote(dir)).exit_code, 0);
  EXPECT_EQ(run_kindred("index check " + quote(dir)).exit_code, 0);
  EXPECT_EQ(run_kindred("index stats " + quote(tmp / "none")).exit_code, 1);
}

// "N links to them" counts each new link once, also when both of its documents
// arrive in the same commit (each then lists the other among its matches).
TEST(CliIndex, AddCountsEachLinkOnce) {
  for (const char* commit : {"256", "4"}) {
    TempDir tmp;
    const auto dir = tmp / "ix";
    ASSERT_EQ(run_kindred("index create " + quote(dir)).exit_code, 0);
    RunResult add =
        run_kindred("index add " + quote(dir) + " '" + kExamples + "/corpus' --commit " + commit);
    ASSERT_EQ(add.exit_code, 0) << add.err;
    RunResult stats = run_kindred("index stats " + quote(dir));
    const auto pos = stats.out.find("\"links\":");
    ASSERT_NE(pos, std::string::npos) << stats.out;
    const uint64_t stored = std::stoull(stats.out.substr(pos + 8));
    ASSERT_GT(stored, 0u);
    EXPECT_NE(add.err.find("(" + std::to_string(stored) + " links to them)"), std::string::npos)
        << "commit " << commit << ": " << add.err << " (" << stored << " links stored)";
  }
}

// An index that never stored a document (a writer killed before its first
// commit leaves one) is consistent: no link count in meta means none.
TEST(CliIndex, CheckPassesOnAnEmptyIndex) {
  TempDir tmp;
  const auto dir = tmp / "ix";
  ASSERT_EQ(run_kindred("index create " + quote(dir)).exit_code, 0);
  RunResult check = run_kindred("index check " + quote(dir));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out.rfind("ok: ", 0), 0u) << check.out;
}

TEST(CliIndex, CheckFailsOnDamagedStore) {
  TempDir tmp;
  const auto dir = tmp / "ix";
  ASSERT_EQ(run_kindred("index create " + quote(dir)).exit_code, 0);
  ASSERT_EQ(run_kindred("index add " + quote(dir) + " '" + kExamples + "/corpus'").exit_code, 0);
  // Truncate the data file: the store can no longer be read as an index.
  std::filesystem::resize_file(dir / "data.mdb", 4096 * 3);
  RunResult check = run_kindred("index check " + quote(dir));
  EXPECT_NE(check.exit_code, 0);
}

// Forks `kindred index add --ack`, kills it at a random moment, and checks
// that everything acknowledged survived. Bounded: 20 iterations, each child
// killed within ~1.5 s.
TEST(CliIndex, SurvivesSigkillDuringIngest) {
  TempDir tmp;
  const auto corpus = tmp / "corpus.jsonl";
  ASSERT_EQ(run_kindred("synth -n 4000 --mean-words 150 -o " + quote(corpus)).exit_code, 0);
  const auto dir = tmp / "ix";
  ASSERT_EQ(run_kindred("index create " + quote(dir)).exit_code, 0);
  std::mt19937 rng(12345);
  std::set<std::string> acknowledged;
  int killed = 0;
  for (int iter = 0; iter < 20; ++iter) {
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      dup2(out[1], STDOUT_FILENO);
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDERR_FILENO);
      close(out[0]);
      execl(KINDRED_CLI_PATH, "kindred", "index", "add", dir.c_str(), corpus.c_str(), "--ack",
            "--skip-bad", "--rejects", "/dev/null", "--commit", "7", "--merge-every", "50", "-t",
            "1", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 1500)(rng));
    // Read acknowledgements until the deadline, then kill.
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    std::string buffer;
    char chunk[4096];
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline && !exited) {
      const ssize_t n = read(out[0], chunk, sizeof chunk);
      if (n > 0) buffer.append(chunk, static_cast<size_t>(n));
      int status = 0;
      if (n <= 0 && waitpid(child, &status, WNOHANG) == child) exited = true;
      if (n <= 0 && !exited) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      kill(child, SIGKILL);
      waitpid(child, nullptr, 0);
      ++killed;
    }
    ssize_t n;
    while ((n = read(out[0], chunk, sizeof chunk)) > 0)
      buffer.append(chunk, static_cast<size_t>(n));
    close(out[0]);
    // Only complete lines are acknowledgements.
    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string line = buffer.substr(start, nl - start);
      if (line.rfind("added ", 0) == 0) acknowledged.insert(line.substr(6));
    }
    RunResult check = run_kindred("index check " + quote(dir));
    ASSERT_EQ(check.exit_code, 0) << "after kill " << iter << ": " << check.err;
    RunResult stats = run_kindred("index stats " + quote(dir));
    const auto pos = stats.out.find("\"documents\":");
    ASSERT_NE(pos, std::string::npos);
    const uint64_t stored = std::stoull(stats.out.substr(pos + 12));
    EXPECT_GE(stored, acknowledged.size()) << "after kill " << iter;
  }
  EXPECT_GT(killed, 0);
  EXPECT_FALSE(acknowledged.empty());
  // Kills also hit LSH bucket merges (every 50 documents here), not only adds.
  RunResult stats = run_kindred("index stats " + quote(dir));
  const auto merged = stats.out.find("\"bucket_documents_merged\":");
  ASSERT_NE(merged, std::string::npos) << stats.out;
  EXPECT_GT(std::stoull(stats.out.substr(merged + 26)), 0u) << stats.out;
  // Every acknowledged document is present and queryable: querying the corpus finds each as an
  // exact copy.
  RunResult q = run_kindred("index query " + quote(dir) + " " + quote(corpus));
  for (const std::string& id : acknowledged) {
    EXPECT_NE(q.out.find(",\"id\":\"" + id + "\",\"relation\":\"exact\""), std::string::npos) << id;
  }
}

}  // namespace
}  // namespace kindred::testing
