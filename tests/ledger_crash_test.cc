// Crash safety: a child process commits the conformance chain and is killed with SIGKILL
// at many points; after each kill the ledger must reopen consistent (every block it
// reports stored byte for byte as Fabric stored it), and a run resumed from there must
// end with exactly Fabric's ledger: the stored blocks, state and histories that an
// independent, uninterrupted replay produces.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/ledger/ledger.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"

namespace fabric {
namespace {

struct Chain {
  std::string genesis;
  std::vector<std::string> delivered;  // blocks/, from block 1
  std::vector<std::string> committed;  // committed/, from block 0
  std::vector<std::string> filters;    // final codes, from block 1
};

const Chain& Vectors() {
  static const Chain* chain = [] {
    auto* c = new Chain();
    const std::string dir = testing::ConformanceDir();
    c->genesis = *testing::ReadFile(dir + "/genesis.block");
    c->committed.push_back(*testing::ReadFile(dir + "/committed/000000.block"));
    for (int n = 1;; ++n) {
      auto stored = testing::ReadFile(dir + absl::StrFormat("/committed/%06d.block", n));
      if (!stored.ok()) break;
      c->committed.push_back(*stored);
      c->delivered.push_back(*testing::ReadFile(dir + absl::StrFormat("/blocks/%06d.block", n)));
      auto parsed = wire::ParsedBlock::Parse(*stored);
      c->filters.emplace_back((*parsed)->metadata(common::TRANSACTIONS_FILTER));
    }
    return c;
  }();
  return *chain;
}

// Opens (or creates) the ledger in `dir` and commits what it lacks. Returns false on
// any error (printed).
bool CommitRemaining(const std::string& dir) {
  const Chain& c = Vectors();
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(dir, {});
  if (l.status().code() == absl::StatusCode::kNotFound ||
      l.status().code() == absl::StatusCode::kFailedPrecondition) {
    l = ledger::Ledger::Create(dir, c.genesis, {});
  }
  if (!l.ok()) {
    fprintf(stderr, "open: %s\n", std::string(l.status().message()).c_str());
    return false;
  }
  for (uint64_t n = (*l)->chain_info().height; n <= c.delivered.size(); ++n) {
    auto block = wire::ParsedBlock::Parse(c.delivered[n - 1]);
    absl::Status s = (*l)->Commit(**block, c.filters[n - 1]);
    if (!s.ok()) {
      fprintf(stderr, "commit %llu: %s\n", static_cast<unsigned long long>(n),
              std::string(s.message()).c_str());
      return false;
    }
  }
  return true;
}

// Every block the ledger holds is Fabric's stored block.
void ExpectConsistent(const ledger::Ledger& l) {
  const Chain& c = Vectors();
  ASSERT_LE(l.chain_info().height, c.committed.size());
  for (uint64_t n = 0; n < l.chain_info().height; ++n) {
    auto bytes = l.blocks().BlockByNumber(n);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    ASSERT_EQ(*bytes, c.committed[n]) << "block " << n;
  }
}

TEST(LedgerCrashTest, SigkillAtManyPointsLosesNothing) {
  const Chain& c = Vectors();
  ASSERT_GT(c.delivered.size(), 5u);

  // The reference: one uninterrupted run.
  const std::string reference = fabric::testing::FreshTempDir("crash_reference");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(CommitRemaining(reference));
  const auto full_run = std::chrono::steady_clock::now() - start;
  auto ref = ledger::Ledger::Open(reference, {});
  ASSERT_TRUE(ref.ok()) << ref.status();

  std::mt19937 rng(7);
  const int64_t span_us =
      std::chrono::duration_cast<std::chrono::microseconds>(full_run).count() + 2000;
  std::uniform_int_distribution<int64_t> delay(0, span_us);
  int kills = 0, restarts = 0, unfinished_creations = 0;
  for (int run = 0; run < 24; ++run) {
    const std::string dir = fabric::testing::FreshTempDir("crash_" + std::to_string(run));
    // Kill repeatedly, resuming each time, until a child finishes on its own.
    for (int attempt = 0; attempt < 40; ++attempt) {
      const pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) _exit(CommitRemaining(dir) ? 0 : 1);
      std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
      const bool killed = kill(pid, SIGKILL) == 0;
      int status = 0;
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      ++restarts;
      if (WIFEXITED(status)) {
        ASSERT_EQ(WEXITSTATUS(status), 0) << "child failed on its own";
        break;
      }
      ASSERT_TRUE(killed && WIFSIGNALED(status));
      ++kills;
      auto l = ledger::Ledger::Open(dir, {});
      if (l.status().code() == absl::StatusCode::kNotFound ||
          l.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++unfinished_creations;  // killed before block 0 was durable: Create resumes
        continue;
      }
      ASSERT_TRUE(l.ok()) << l.status();
      ExpectConsistent(**l);
    }
    // Finish whatever is left and compare with the reference.
    ASSERT_TRUE(CommitRemaining(dir));
    auto l = ledger::Ledger::Open(dir, {});
    ASSERT_TRUE(l.ok()) << l.status();
    ExpectConsistent(**l);
    EXPECT_EQ((*l)->chain_info().height, c.committed.size());
    EXPECT_EQ((*l)->chain_info().current_hash, (*ref)->chain_info().current_hash);
    EXPECT_EQ((*l)->commit_hash(), (*ref)->commit_hash());
    for (const char* ns : {"cc_or", "cc_and", "cc_2of3", "cc_nested", "cc_meta", "_lifecycle"}) {
      auto mine = (*l)->state().Range(ns, "", "", 0);
      auto theirs = (*ref)->state().Range(ns, "", "", 0);
      ASSERT_TRUE(mine.ok() && theirs.ok());
      ASSERT_EQ(mine->kvs.size(), theirs->kvs.size()) << ns;
      for (size_t i = 0; i < mine->kvs.size(); ++i) {
        EXPECT_EQ(mine->kvs[i].key, theirs->kvs[i].key);
        EXPECT_EQ(mine->kvs[i].value.value, theirs->kvs[i].value.value);
        EXPECT_EQ(mine->kvs[i].value.version, theirs->kvs[i].value.version);
        auto h1 = (*l)->history().Get(ns, mine->kvs[i].key);
        auto h2 = (*ref)->history().Get(ns, mine->kvs[i].key);
        ASSERT_TRUE(h1.ok() && h2.ok());
        EXPECT_EQ(h1->size(), h2->size()) << ns << " " << mine->kvs[i].key;
      }
    }
  }
  EXPECT_GT(kills, 24);
  printf(
      "crash test: %d kills over %d restarts (%d before block 0 was durable), every reopen "
      "consistent\n",
      kills, restarts, unfinished_creations);
}

}  // namespace
}  // namespace fabric
