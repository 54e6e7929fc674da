// A small sample network end to end: the workload's codes on every peer, identical
// peers, and the chain written with WriteVectors replayed by a fresh channel to the
// same head.
#include "lib/testnet/network.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/channel/channel.h"
#include "lib/testing/temp_dir.h"
#include "lib/testnet/asset_transfer.h"
#include "lib/testnet/summary.h"
#include "lib/testnet/workload.h"

namespace fabric::testnet {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

WorkloadSpec SmallWorkload() {
  WorkloadSpec w;
  w.assets = 24;
  w.updates = 6;
  w.conflicts = 3;
  w.policy_failures = 2;
  w.deletes = 4;
  w.queries = 10;
  return w;
}

// One network for the whole suite: building it is the expensive part.
class NetworkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(fabric::testing::FreshTempDir("network_test"));
    NetworkSpec spec = SampleNetwork();
    spec.block_size = 10;  // several blocks per phase; conflict pairs meet a cut
    auto net = Network::Create(*root_ + "/net", spec);
    ASSERT_TRUE(net.ok()) << net.status();
    net_ = net->release();
    ThreadPool pool(4);
    auto report = RunWorkload(*net_, SmallWorkload(), pool, nullptr);
    ASSERT_TRUE(report.ok()) << report.status();
    report_ = new WorkloadReport(*report);
  }
  static void TearDownTestSuite() {
    delete net_;
    delete report_;
    fs::remove_all(*root_);
    delete root_;
  }
  void SetUp() override { ASSERT_NE(report_, nullptr) << "the workload did not run"; }

  const Channel& Ch(size_t i) { return *net_->channels().at(i); }

  static std::string* root_;
  static Network* net_;
  static WorkloadReport* report_;
};
std::string* NetworkTest::root_ = nullptr;
Network* NetworkTest::net_ = nullptr;
WorkloadReport* NetworkTest::report_ = nullptr;

TEST_F(NetworkTest, PeersJoinTheChannelsOfTheirOrgs) {
  ASSERT_EQ(net_->channels().size(), 2u);
  std::vector<std::string> ch1, ch2;
  for (const auto& p : Ch(0).peers()) ch1.push_back(p->peer().name);
  for (const auto& p : Ch(1).peers()) ch2.push_back(p->peer().name);
  EXPECT_EQ(ch1, (std::vector<std::string>{"peer0.org1.example.com", "peer0.org2.example.com",
                                           "peer0.org3.example.com"}));
  EXPECT_EQ(ch2, (std::vector<std::string>{"peer0.org1.example.com", "peer0.org2.example.com"}));
  // Each (peer, channel) has its own ledger.
  EXPECT_NE(&Ch(0).PeerOf(1)->channel().ledger(), &Ch(1).PeerOf(1)->channel().ledger());
  EXPECT_EQ(Ch(1).PeerOf(3), nullptr);
}

TEST_F(NetworkTest, EveryPeerReportsTheExpectedCodesAndState) {
  const ExpectedOutcome expected = ExpectedFor(SmallWorkload());
  for (const auto& ch : net_->channels()) {
    ChannelCheck c = CheckChannel(*ch, expected);
    EXPECT_TRUE(c.ok()) << ch->id() << ": " << ::testing::PrintToString(c.problems);
    EXPECT_EQ(c.codes["VALID"], 1u + 24 + 24 + 6 + 3 + 4);
    EXPECT_EQ(c.codes["MVCC_READ_CONFLICT"], 3u);
    EXPECT_EQ(c.codes["ENDORSEMENT_POLICY_FAILURE"], 2u);
    EXPECT_EQ(c.events[kTransferEvent], 24u + 3);
    EXPECT_EQ(c.state_keys, 24u - 4);
    EXPECT_EQ(c.height, ch->blocks().size() + 1);
  }
  EXPECT_EQ(report_->transactions, 2u * (1 + 24 + 24 + 6 + 3 * 2 + 2 + 4));
}

TEST_F(NetworkTest, ConflictingTransfersShareABlockWithTheirWinner) {
  int conflicts = 0;
  for (const channel::BlockResult& b : Ch(0).PeerOf(3)->results()) {
    for (size_t i = 0; i < b.txs.size(); ++i) {
      if (b.txs[i].code != protos::MVCC_READ_CONFLICT) continue;
      ++conflicts;
      ASSERT_GT(i, 0u) << "block " << b.number;
      EXPECT_EQ(b.txs[i - 1].code, protos::VALID);
    }
  }
  EXPECT_EQ(conflicts, 3);
}

TEST_F(NetworkTest, CheckFailsOnUnexpectedCodes) {
  ExpectedOutcome wrong = ExpectedFor(SmallWorkload());
  wrong.codes[protos::MVCC_READ_CONFLICT] += 1;
  EXPECT_FALSE(CheckChannel(Ch(0), wrong).ok());
  wrong = ExpectedFor(SmallWorkload());
  wrong.transfer_events += 1;
  EXPECT_FALSE(CheckChannel(Ch(1), wrong).ok());
}

TEST_F(NetworkTest, WrittenChainReplaysToTheSameHead) {
  const std::string out = *root_ + "/out";
  ASSERT_TRUE(net_->WriteVectors(out).ok());
  for (const auto& ch : net_->channels()) {
    const fs::path dir = fs::path(out) / ch->id();
    EXPECT_TRUE(fs::is_directory(dir / "msp/ordererOrganizations/example.com"));
    EXPECT_TRUE(fs::is_directory(dir / "msp/peerOrganizations/org1.example.com"));
    EXPECT_EQ(fs::is_directory(dir / "msp/peerOrganizations/org3.example.com"),
              ch->id() == "channel1");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir / "blocks")) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), ch->blocks().size());
    EXPECT_EQ(files.front().filename(), "000001.block");

    auto replay = channel::Channel::Create((*root_ + "/replay-") + ch->id(),
                                           Slurp(dir / "genesis.block"), {});
    ASSERT_TRUE(replay.ok()) << replay.status();
    const std::vector<channel::BlockResult> want = ch->peers()[0]->results();
    for (size_t i = 0; i < files.size(); ++i) {
      auto r = (*replay)->Submit(Slurp(files[i]));
      ASSERT_TRUE(r.ok()) << files[i] << ": " << r.status();
      ASSERT_EQ(r->txs.size(), want[i].txs.size());
      for (size_t t = 0; t < r->txs.size(); ++t) EXPECT_EQ(r->txs[t].code, want[i].txs[t].code);
    }
    const ledger::Ledger& peer = ch->peers()[0]->channel().ledger();
    EXPECT_EQ((*replay)->ledger().chain_info().current_hash, peer.chain_info().current_hash);
    EXPECT_EQ((*replay)->ledger().commit_hash(), peer.commit_hash());
  }
}

}  // namespace
}  // namespace fabric::testnet
