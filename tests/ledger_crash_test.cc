// Crash safety: a child process commits a chain and is killed with SIGKILL at many
// points; after each kill the ledger must reopen consistent (every block it reports
// stored byte for byte as Fabric stored it), and a run resumed from there must end with
// exactly Fabric's ledger: the stored blocks, state and histories that an independent,
// uninterrupted replay produces. Run on the conformance chain, and on the private data
// chain committed with its private data as peer0.org1 (private state, hashed state,
// records of stored and missing data, BlockToLive purges included). And on each chain
// joined from one of Fabric's snapshots of it: the kills then also land inside the join.
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
#include "lib/chaincode/collections.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/ledger.h"
#include "lib/snapshot/join.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "tools/pvt_file.h"

namespace fabric {
namespace {

struct Chain {
  std::string genesis;
  std::vector<std::string> delivered;  // blocks/, from block 1
  std::vector<std::string> committed;  // committed/, from block 0
  std::vector<std::string> filters;    // final codes, from block 1
  // The private data chain: what peer0.org1 was handed with each block (from block 1),
  // and its collections.
  std::vector<ledger::HandedPvtData> pvt;
  std::shared_ptr<const channelconfig::ChannelConfig> config;
};

const Chain& Vectors(bool private_data) {
  static const Chain* chains[2] = {nullptr, nullptr};
  const Chain*& chain = chains[private_data ? 1 : 0];
  if (chain == nullptr)
    chain = [private_data] {
      auto* c = new Chain();
      const std::string dir = private_data ? testing::PvtDir() : testing::ConformanceDir();
      c->genesis = *testing::ReadFile(dir + "/genesis.block");
      if (private_data) {
        auto genesis = wire::ParsedBlock::Parse(c->genesis);
        c->config = *channelconfig::ChannelConfig::FromBlock(**genesis);
      }
      c->committed.push_back(*testing::ReadFile(dir + "/committed/000000.block"));
      for (int n = 1;; ++n) {
        auto stored = testing::ReadFile(dir + absl::StrFormat("/committed/%06d.block", n));
        if (!stored.ok()) break;
        c->committed.push_back(*stored);
        c->delivered.push_back(*testing::ReadFile(dir + absl::StrFormat("/blocks/%06d.block", n)));
        auto parsed = wire::ParsedBlock::Parse(*stored);
        c->filters.emplace_back((*parsed)->metadata(common::TRANSACTIONS_FILTER));
        if (private_data) {
          auto pvt = tools::ReadPvtData(dir, n);
          c->pvt.push_back(pvt.ok() && pvt->has_value() ? **pvt : ledger::HandedPvtData());
        }
      }
      return c;
    }();
  return *chain;
}

// Opens (or creates, from the genesis block or by joining from `snapshot` when not
// empty) the ledger in `dir` and commits what it lacks. Returns false on any error
// (printed).
bool CommitRemaining(const std::string& dir, bool private_data, const std::string& snapshot) {
  const Chain& c = Vectors(private_data);
  absl::StatusOr<std::unique_ptr<ledger::Ledger>> l = ledger::Ledger::Open(dir, {});
  if (l.status().code() == absl::StatusCode::kNotFound ||
      l.status().code() == absl::StatusCode::kFailedPrecondition) {
    l = snapshot.empty() ? ledger::Ledger::Create(dir, c.genesis, {})
                         : snapshot::JoinFromSnapshot(snapshot, dir, {});
  }
  if (!l.ok()) {
    fprintf(stderr, "open: %s\n", std::string(l.status().message()).c_str());
    return false;
  }
  for (uint64_t n = (*l)->chain_info().height; n <= c.delivered.size(); ++n) {
    auto block = wire::ParsedBlock::Parse(c.delivered[n - 1]);
    absl::Status s;
    if (private_data) {
      const chaincode::PeerCollectionRules rules((*l)->state(), *c.config, "Org1MSP");
      s = (*l)->Commit(**block, c.filters[n - 1], c.pvt[n - 1], &rules);
    } else {
      s = (*l)->Commit(**block, c.filters[n - 1]);
    }
    if (!s.ok()) {
      fprintf(stderr, "commit %llu: %s\n", static_cast<unsigned long long>(n),
              std::string(s.message()).c_str());
      return false;
    }
  }
  return true;
}

// Every block the ledger holds is Fabric's stored block.
void ExpectConsistent(const ledger::Ledger& l, bool private_data) {
  const Chain& c = Vectors(private_data);
  ASSERT_LE(l.chain_info().height, c.committed.size());
  for (uint64_t n = l.origin() ? l.origin()->last_block + 1 : 0; n < l.chain_info().height; ++n) {
    auto bytes = l.blocks().BlockByNumber(n);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    ASSERT_EQ(*bytes, c.committed[n]) << "block " << n;
  }
}

// Two ranges of a namespace hold the same keys, values and versions.
void ExpectSameRange(const absl::StatusOr<ledger::RangeResult>& mine,
                     const absl::StatusOr<ledger::RangeResult>& theirs, const std::string& what) {
  ASSERT_TRUE(mine.ok() && theirs.ok()) << what;
  ASSERT_EQ(mine->kvs.size(), theirs->kvs.size()) << what;
  for (size_t i = 0; i < mine->kvs.size(); ++i) {
    EXPECT_EQ(mine->kvs[i].key, theirs->kvs[i].key) << what;
    EXPECT_EQ(mine->kvs[i].value.value, theirs->kvs[i].value.value) << what;
    EXPECT_EQ(mine->kvs[i].value.version, theirs->kvs[i].value.version) << what;
  }
}

void KillAndResume(bool private_data, int runs, const std::vector<std::string>& namespaces,
                   const std::string& snapshot = "") {
  const Chain& c = Vectors(private_data);
  ASSERT_GT(c.delivered.size(), 5u);

  // The reference: one uninterrupted run.
  const std::string reference = fabric::testing::FreshTempDir("crash_reference");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(CommitRemaining(reference, private_data, snapshot));
  const auto full_run = std::chrono::steady_clock::now() - start;
  auto ref = ledger::Ledger::Open(reference, {});
  ASSERT_TRUE(ref.ok()) << ref.status();

  std::mt19937 rng(7);
  const int64_t span_us =
      std::chrono::duration_cast<std::chrono::microseconds>(full_run).count() + 2000;
  std::uniform_int_distribution<int64_t> delay(0, span_us);
  int kills = 0, restarts = 0, unfinished_creations = 0;
  for (int run = 0; run < runs; ++run) {
    const std::string dir = fabric::testing::FreshTempDir("crash_" + std::to_string(run));
    // Kill repeatedly, resuming each time, until a child finishes on its own.
    for (int attempt = 0; attempt < 40; ++attempt) {
      const pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) _exit(CommitRemaining(dir, private_data, snapshot) ? 0 : 1);
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
        ++unfinished_creations;  // killed before block 0 (or the join) was durable
        continue;
      }
      ASSERT_TRUE(l.ok()) << l.status();
      ExpectConsistent(**l, private_data);
    }
    // Finish whatever is left and compare with the reference.
    ASSERT_TRUE(CommitRemaining(dir, private_data, snapshot));
    auto l = ledger::Ledger::Open(dir, {});
    ASSERT_TRUE(l.ok()) << l.status();
    ExpectConsistent(**l, private_data);
    EXPECT_EQ((*l)->chain_info().height, c.committed.size());
    EXPECT_EQ((*l)->chain_info().current_hash, (*ref)->chain_info().current_hash);
    EXPECT_EQ((*l)->commit_hash(), (*ref)->commit_hash());
    for (const std::string& ns : namespaces) {
      auto mine = (*l)->state().Range(ns, "", "", 0);
      auto theirs = (*ref)->state().Range(ns, "", "", 0);
      ExpectSameRange(mine, theirs, ns);
      if (!mine.ok()) continue;
      for (const auto& kv : mine->kvs) {
        auto h1 = (*l)->history().Get(ns, kv.key);
        auto h2 = (*ref)->history().Get(ns, kv.key);
        ASSERT_TRUE(h1.ok() && h2.ok());
        EXPECT_EQ(h1->size(), h2->size()) << ns << " " << kv.key;
      }
    }
    if (private_data) {
      for (const std::string& ns : namespaces) {
        for (const char* coll : {"collA", "collB", "collBTL", "collEP", "collNew",
                                 "_implicit_org_Org1MSP", "_implicit_org_Org2MSP"}) {
          const std::string what = ns + "/" + coll;
          ExpectSameRange((*l)->state().RangePrivate(ns, coll, "", "", 0),
                          (*ref)->state().RangePrivate(ns, coll, "", "", 0), what + " private");
          ExpectSameRange((*l)->state().RangeHashed(ns, coll, "", "", 0),
                          (*ref)->state().RangeHashed(ns, coll, "", "", 0), what + " hashed");
        }
      }
      for (uint64_t n = 1; n < c.committed.size(); ++n) {
        auto mine = (*l)->PvtRecord(n);
        auto theirs = (*ref)->PvtRecord(n);
        ASSERT_TRUE(mine.ok() && theirs.ok());
        ASSERT_EQ(mine->has_value(), theirs->has_value()) << "block " << n;
        if (!mine->has_value()) continue;
        EXPECT_EQ((*mine)->stored, (*theirs)->stored) << "block " << n;
        EXPECT_EQ((*mine)->missing, (*theirs)->missing) << "block " << n;
      }
    }
  }
  EXPECT_GT(kills, runs);
  printf(
      "crash test%s%s: %d kills over %d restarts (%d before block 0 or the join was durable), "
      "every reopen consistent\n",
      private_data ? " (private data)" : "", snapshot.empty() ? "" : " (joined from a snapshot)",
      kills, restarts, unfinished_creations);
}

TEST(LedgerCrashTest, SigkillAtManyPointsLosesNothing) {
  KillAndResume(false, 24, {"cc_or", "cc_and", "cc_2of3", "cc_nested", "cc_meta", "_lifecycle"});
}

TEST(LedgerCrashTest, SigkillWithPrivateDataLosesNothing) {
  KillAndResume(true, 12, {"pvtcc", "_lifecycle"});
}

TEST(LedgerCrashTest, SigkillWhileJoiningFromASnapshotLosesNothing) {
  KillAndResume(false, 12, {"cc_or", "cc_and", "cc_2of3", "cc_nested", "cc_meta", "_lifecycle"},
                testing::SnapshotsDir() + "/conformance_h10/snapshot");
}

TEST(LedgerCrashTest, SigkillWhileJoiningWithPrivateDataLosesNothing) {
  KillAndResume(true, 8, {"pvtcc", "_lifecycle"}, testing::SnapshotsDir() + "/pvt_h4/snapshot");
}

}  // namespace
}  // namespace fabric
