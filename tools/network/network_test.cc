// A small sample network end to end: the workload's codes on every peer, identical
// peers, and the chain written with WriteVectors replayed by a fresh channel to the
// same head.
#include "tools/network/network.h"

#include <fabric/fabric.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"
#include "tools/network/asset_transfer.h"
#include "tools/network/summary.h"
#include "tools/network/workload.h"

namespace fabric::network {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The last block's header hash and commit hash of a ledger.
std::pair<std::string, std::string> HeadAndCommitHash(const fabric_ledger* l) {
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  if (fabric_ledger_chain_info(&info, l, nullptr) != FABRIC_OK) return {};
  fabric_buf bytes = FABRIC_BUF_INIT;
  fabric_block* block = nullptr;
  uint8_t commit[FABRIC_HASH_SIZE];
  std::string commit_hash;
  if (fabric_ledger_block_by_number(&bytes, l, info.height - 1, nullptr) == FABRIC_OK &&
      fabric_block_parse(&block, bytes.data, bytes.size, nullptr) == FABRIC_OK &&
      fabric_block_commit_hash(commit, block) == 1) {
    commit_hash.assign(reinterpret_cast<const char*>(commit), FABRIC_HASH_SIZE);
  }
  fabric_block_free(block);
  fabric_buf_dispose(&bytes);
  return {std::string(reinterpret_cast<const char*>(info.current_hash), FABRIC_HASH_SIZE),
          commit_hash};
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
  // Each (peer, channel) has its own channel.
  EXPECT_NE(Ch(0).PeerOf(1)->channel(), Ch(1).PeerOf(1)->channel());
  EXPECT_EQ(Ch(1).PeerOf(3), nullptr);
}

TEST_F(NetworkTest, EveryPeerReportsTheExpectedCodesAndState) {
  for (const auto& ch : net_->channels()) {
    const size_t orgs = ch->spec().orgs.size();
    ChannelCheck c = CheckChannel(*ch, ExpectedFor(SmallWorkload(), orgs));
    EXPECT_TRUE(c.ok()) << ch->id() << ": " << ::testing::PrintToString(c.problems);
    EXPECT_EQ(c.codes["VALID"], orgs + 1 + 24 + 24 + 6 + 3 + 4);
    EXPECT_EQ(c.codes["MVCC_READ_CONFLICT"], 3u);
    EXPECT_EQ(c.codes["ENDORSEMENT_POLICY_FAILURE"], 2u);
    EXPECT_EQ(c.events[kTransferEvent], 24u + 3);
    EXPECT_EQ(c.state_keys, 24u - 4);
    EXPECT_EQ(c.height, ch->blocks().size() + 1);
  }
  // channel1 has 3 orgs, channel2 2: their approvals, then the same transactions.
  EXPECT_EQ(report_->transactions, 3u + 2 + 2u * (1 + 24 + 24 + 6 + 3 * 2 + 2 + 4));
}

TEST_F(NetworkTest, ConflictingTransfersShareABlockWithTheirWinner) {
  int conflicts = 0;
  for (const BlockOutcome& b : Ch(0).PeerOf(3)->results()) {
    for (size_t i = 0; i < b.txs.size(); ++i) {
      if (b.txs[i].second != FABRIC_TX_MVCC_READ_CONFLICT) continue;
      ++conflicts;
      ASSERT_GT(i, 0u) << "block " << b.number;
      EXPECT_EQ(b.txs[i - 1].second, FABRIC_TX_VALID);
    }
  }
  EXPECT_EQ(conflicts, 3);
}

TEST_F(NetworkTest, CheckFailsOnUnexpectedCodes) {
  ExpectedOutcome wrong = ExpectedFor(SmallWorkload(), Ch(0).spec().orgs.size());
  wrong.codes[FABRIC_TX_MVCC_READ_CONFLICT] += 1;
  EXPECT_FALSE(CheckChannel(Ch(0), wrong).ok());
  wrong = ExpectedFor(SmallWorkload(), Ch(1).spec().orgs.size());
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

    // A fresh channel replays the written chain to the same codes, head and commit hash.
    fabric_channel* replay = nullptr;
    const std::string genesis = Slurp(dir / "genesis.block");
    ASSERT_EQ(fabric_channel_create(&replay, (*root_ + "/replay-" + ch->id()).c_str(),
                                    reinterpret_cast<const uint8_t*>(genesis.data()),
                                    genesis.size(), nullptr, nullptr),
              FABRIC_OK);
    const std::vector<BlockOutcome> want = ch->peers()[0]->results();
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string block = Slurp(files[i]);
      fabric_block_result* r = nullptr;
      ASSERT_EQ(fabric_channel_submit(&r, replay, reinterpret_cast<const uint8_t*>(block.data()),
                                      block.size(), 0, nullptr),
                FABRIC_OK)
          << files[i];
      ASSERT_EQ(fabric_block_result_tx_count(r), want[i].txs.size());
      for (size_t t = 0; t < want[i].txs.size(); ++t) {
        EXPECT_EQ(fabric_block_result_tx(r, t)->code, want[i].txs[t].second);
      }
      fabric_block_result_free(r);
    }
    fabric_ledger* replayed = nullptr;
    fabric_ledger* peer = nullptr;
    ASSERT_EQ(fabric_channel_ledger(&replayed, replay, nullptr), FABRIC_OK);
    ASSERT_EQ(fabric_channel_ledger(&peer, ch->peers()[0]->channel(), nullptr), FABRIC_OK);
    EXPECT_EQ(HeadAndCommitHash(replayed), HeadAndCommitHash(peer));
    EXPECT_NE(HeadAndCommitHash(peer).second, "");
    fabric_ledger_free(replayed);
    fabric_ledger_free(peer);
    fabric_channel_free(replay);
  }
}

}  // namespace
}  // namespace fabric::network
