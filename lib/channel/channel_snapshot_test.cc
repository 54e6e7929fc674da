// Snapshots through the channel: a snapshot asked for at a block ahead is written
// while later blocks commit, and equals the one taken with the ledger at rest; a block
// gone by is refused, one never reached is cancelled; a channel joined from Fabric's
// snapshot finds duplicate txids among the snapshot's and says plainly what it does
// not hold (run under TSan: the writer thread and the committing thread).
#include <filesystem>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "lib/channel/channel.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::channel {
namespace {

namespace fs = std::filesystem;

std::string Block(int n) { return testing::ReadVector(absl::StrFormat("blocks/%06d.block", n)); }

std::unique_ptr<Channel> Replayed(const std::string& name, int through) {
  auto c = Channel::Create(testing::FreshTempDir(name) + "/ledger",
                           testing::ReadVector("genesis.block"), {});
  EXPECT_TRUE(c.ok()) << c.status();
  for (int n = 1; n <= through; ++n) {
    auto r = (*c)->Submit(Block(n));
    EXPECT_TRUE(r.ok()) << n << ": " << r.status();
  }
  return *std::move(c);
}

void ExpectSameFiles(const std::string& a, const std::string& b) {
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(a)) {
    const std::string name = e.path().filename().string();
    EXPECT_EQ(*testing::ReadFile(a + "/" + name), *testing::ReadFile(b + "/" + name)) << name;
    ++files;
  }
  EXPECT_EQ(files, static_cast<size_t>(std::distance(fs::directory_iterator(b),
                                                     fs::directory_iterator())));
  EXPECT_GT(files, 0u);
}

TEST(ChannelSnapshotTest, AskedAheadItIsWrittenWhileLaterBlocksCommit) {
  std::unique_ptr<Channel> c = Replayed("snapshot_ahead", 0);
  const std::string out = testing::FreshTempDir("snapshot_ahead_out") + "/at12";
  absl::Mutex mu;
  std::optional<absl::StatusOr<snapshot::SnapshotMetadata>> written;
  ASSERT_TRUE(c->RequestSnapshot(12, out, [&](auto m) {
                 absl::MutexLock lock(&mu);
                 written = std::move(m);
               }).ok());
  for (int n = 1; n <= 19; ++n) {
    c->Enqueue(Block(n), {}, [n](absl::StatusOr<BlockResult> r) {
      EXPECT_TRUE(r.ok()) << n << ": " << r.status();
    });
  }
  c->Drain();
  EXPECT_EQ(c->ledger().chain_info().height, 20u);
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](std::optional<absl::StatusOr<snapshot::SnapshotMetadata>>* w) { return w->has_value(); },
        &written));
    ASSERT_TRUE(written->ok()) << written->status();
    EXPECT_EQ((*written)->last_block_number, 12u);
  }
  // The same ledger at rest at block 12.
  std::unique_ptr<Channel> at_rest = Replayed("snapshot_rest", 12);
  const std::string rest = testing::FreshTempDir("snapshot_rest_out") + "/at12";
  auto m = at_rest->Snapshot(12, rest);
  ASSERT_TRUE(m.ok()) << m.status();
  ExpectSameFiles(out, rest);

  // The last block, whichever it is: 19 here.
  auto last = c->Snapshot(ledger::Ledger::kLastBlock, out + "-last");
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->last_block_number, 19u);
  // Gone by: refused, and nothing called.
  EXPECT_EQ(c->RequestSnapshot(5, out + "-5", [](auto) { ADD_FAILURE() << "called"; }).code(),
            absl::StatusCode::kFailedPrecondition);
  // Never reached: cancelled when the channel closes.
  absl::Status cancelled;
  ASSERT_TRUE(c->RequestSnapshot(40, out + "-40", [&](auto r) { cancelled = r.status(); }).ok());
  c.reset();
  EXPECT_EQ(cancelled.code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(fs::exists(out + "-40"));
}

// Block `n` of the chain again, renumbered to follow the last block of `c`: the same
// transactions, whose txids the ledger has.
std::string Again(const Channel& c, int n) {
  common::Block b;
  EXPECT_TRUE(b.ParseFromString(Block(n)));
  const ledger::ChainInfo info = c.ledger().chain_info();
  b.mutable_header()->set_number(info.height);
  b.mutable_header()->set_previous_hash(info.current_hash);
  b.mutable_header()->set_data_hash(wire::BlockDataHash(b.data()));
  return b.SerializeAsString();
}

TEST(ChannelSnapshotTest, JoinedItFindsDuplicatesAmongTheSnapshotsTxids) {
  auto joined = Channel::JoinFromSnapshot(testing::FreshTempDir("snapshot_joined") + "/ledger",
                                          testing::SnapshotsDir() + "/conformance_h10/snapshot",
                                          {});
  ASSERT_TRUE(joined.ok()) << joined.status();
  std::unique_ptr<Channel> native = Replayed("snapshot_native", 9);
  ASSERT_EQ((*joined)->ledger().chain_info().current_hash,
            native->ledger().chain_info().current_hash);
  size_t duplicates = 0;
  for (int n : {3, 5, 7}) {
    SubmitOptions unverified;
    unverified.skip_verification = true;
    auto mine = (*joined)->Submit(Again(**joined, n), unverified);
    auto theirs = native->Submit(Again(*native, n), unverified);
    ASSERT_TRUE(mine.ok() && theirs.ok()) << mine.status() << theirs.status();
    ASSERT_EQ(mine->txs.size(), theirs->txs.size());
    for (size_t i = 0; i < mine->txs.size(); ++i) {
      EXPECT_EQ(mine->txs[i].code, theirs->txs[i].code) << "block " << n << " tx " << i;
      duplicates += mine->txs[i].code == protos::DUPLICATE_TXID;
    }
    EXPECT_EQ((*joined)->ledger().commit_hash(), native->ledger().commit_hash());
  }
  EXPECT_GT(duplicates, 0u);

  // What the joined ledger does not hold, it says so.
  const ledger::Ledger& l = (*joined)->ledger();
  auto old = l.blocks().BlockByNumber(4);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(old.status().message(), "snapshot")) << old.status();
  auto parsed = wire::ParsedBlock::Parse(Block(5));
  ASSERT_TRUE(parsed.ok());
  const std::string txid = (*parsed)->tx(0).txid();
  auto locs = l.blocks().TxLocations(txid);
  ASSERT_TRUE(locs.ok() && !locs->empty());
  EXPECT_TRUE(locs->front().in_snapshot);
  EXPECT_TRUE(*(*joined)->HasTransaction(txid));
  EXPECT_EQ((*joined)->WaitForTransaction(txid, absl::ZeroDuration()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(l.blocks().BlockByTxId(txid).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace fabric::channel
