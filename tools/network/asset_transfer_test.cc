// The asset-transfer contract as a client meets it: endorsed, ordered and committed, or
// evaluated, on a one-org network over the C ABI.
#include "tools/network/asset_transfer.h"

#include <fabric/fabric.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"
#include "nlohmann/json.hpp"
#include "tools/network/network.h"
#include "tools/network/workload.h"

namespace fabric::network {
namespace {

TEST(AssetJsonTest, RoundTripsInGoFieldOrder) {
  const Asset a{"asset1", "blue", 5, "Tomoko", 300};
  EXPECT_EQ(AssetToJson(a),
            R"({"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5})");
  auto back = AssetFromJson(AssetToJson(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
  EXPECT_FALSE(AssetFromJson("{\"ID\":\"x\"}").ok());
  EXPECT_FALSE(AssetFromJson("not json").ok());
}

class AssetTransferTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(fabric::testing::FreshTempDir("asset_transfer_test"));
    NetworkSpec spec;
    spec.orgs = 1;
    spec.channels = {{"assets", {1}}};
    spec.block_size = 1;
    auto net = Network::Create(*root_, spec);
    ASSERT_TRUE(net.ok()) << net.status();
    net_ = net->release();
    ASSERT_TRUE(Peer().Host(kChaincode, std::make_shared<AssetTransfer>()).ok());
    auto definition = CommitDefinitionArg(kChaincode, "1.0", 1, "OR('Org1MSP.peer')");
    ASSERT_TRUE(definition.ok()) << definition.status();
    auto approval = Ch().Endorse(net_->admin(1), "_lifecycle",
                                 {"ApproveChaincodeDefinitionForMyOrg", *definition}, {1});
    ASSERT_TRUE(approval.ok()) << approval.status();
    ASSERT_TRUE(Ch().Order(*approval).ok());
    ASSERT_TRUE(Ch().Drain().ok());
    auto tx =
        Ch().Endorse(net_->admin(1), "_lifecycle", {"CommitChaincodeDefinition", *definition}, {1});
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE(Ch().Order(*tx).ok());
    ASSERT_TRUE(Ch().Drain().ok());
  }
  static void TearDownTestSuite() {
    delete net_;
    delete root_;
  }
  void SetUp() override { ASSERT_NE(net_, nullptr) << "no network"; }

  static Channel& Ch() { return *net_->channels().at(0); }
  static ChannelPeer& Peer() { return *Ch().peers().at(0); }

  // Endorses `args`, orders and commits the transaction; its txid and response payload,
  // or the endorsement's error. The transaction must commit as VALID.
  static absl::StatusOr<EndorsedTx> Submit(const std::vector<std::string>& args) {
    auto tx = Ch().Endorse(net_->user(1), kChaincode, args, {1});
    if (!tx.ok()) return tx.status();
    if (absl::Status s = Ch().Order(*tx); !s.ok()) return s;
    if (absl::Status s = Ch().Drain(); !s.ok()) return s;
    const std::vector<BlockOutcome> results = Peer().results();
    if (results.empty() || results.back().txs.size() != 1 ||
        results.back().txs[0] != std::make_pair(tx->txid, static_cast<int>(FABRIC_TX_VALID))) {
      return absl::InternalError(args[0] + " did not commit as VALID");
    }
    return tx;
  }
  // Evaluates `args`: the payload, or the error (a response of 400 or more is one).
  static absl::StatusOr<std::string> Query(const std::vector<std::string>& args) {
    return Ch().Evaluate(net_->user(1), Peer(), kChaincode, args);
  }
  // The message of a refused endorsement of `args`.
  static std::string Refusal(const std::vector<std::string>& args) {
    auto tx = Ch().Endorse(net_->user(1), kChaincode, args, {1});
    return tx.ok() ? "endorsed" : std::string(tx.status().message());
  }

  static std::string* root_;
  static Network* net_;
};
std::string* AssetTransferTest::root_ = nullptr;
Network* AssetTransferTest::net_ = nullptr;

TEST_F(AssetTransferTest, CreateReadExistsAndDuplicates) {
  ASSERT_TRUE(Submit({"CreateAsset", "c1", "blue", "5", "Tomoko", "300"}).ok());
  EXPECT_EQ(*Query({"ReadAsset", "c1"}), AssetToJson({"c1", "blue", 5, "Tomoko", 300}));
  EXPECT_EQ(*Query({"AssetExists", "c1"}), "true");
  EXPECT_EQ(*Query({"AssetExists", "c2"}), "false");
  EXPECT_NE(Refusal({"CreateAsset", "c1", "red", "1", "Brad", "1"})
                .find("answered 500: the asset c1 already exists"),
            std::string::npos);
  EXPECT_NE(Query({"ReadAsset", "c2"}).status().message().find("the asset c2 does not exist"),
            std::string::npos);
  EXPECT_NE(Refusal({"CreateAsset", "c3", "red", "big", "Brad", "1"}).find("must be integers"),
            std::string::npos);
  EXPECT_NE(Refusal({"CreateAsset", "c3", "red"}).find("expected 5 arguments"), std::string::npos);
  EXPECT_EQ(*Query({"AssetExists", "c3"}), "false");
}

TEST_F(AssetTransferTest, TransferSetsEventAndReturnsOldOwner) {
  ASSERT_TRUE(Submit({"CreateAsset", "t1", "blue", "5", "Tomoko", "300"}).ok());
  const size_t events = Peer().events()[kTransferEvent];
  auto tx = Submit({"TransferAsset", "t1", "Brad"});
  ASSERT_TRUE(tx.ok()) << tx.status();
  EXPECT_EQ(tx->payload, "Tomoko");
  EXPECT_EQ(*Query({"ReadAsset", "t1"}), AssetToJson({"t1", "blue", 5, "Brad", 300}));
  EXPECT_EQ(Peer().events()[kTransferEvent], events + 1);
  EXPECT_NE(Refusal({"TransferAsset", "nope", "Brad"}).find("the asset nope does not exist"),
            std::string::npos);
}

TEST_F(AssetTransferTest, UpdateAndDeleteNeedAnAsset) {
  EXPECT_NE(Refusal({"UpdateAsset", "u1", "red", "1", "Max", "2"}).find("does not exist"),
            std::string::npos);
  EXPECT_NE(Refusal({"DeleteAsset", "u1"}).find("does not exist"), std::string::npos);
  ASSERT_TRUE(Submit({"CreateAsset", "u1", "blue", "5", "Tomoko", "300"}).ok());
  ASSERT_TRUE(Submit({"UpdateAsset", "u1", "red", "1", "Max", "2"}).ok());
  EXPECT_EQ(*Query({"ReadAsset", "u1"}), AssetToJson({"u1", "red", 1, "Max", 2}));
  ASSERT_TRUE(Submit({"DeleteAsset", "u1"}).ok());
  EXPECT_EQ(*Query({"AssetExists", "u1"}), "false");
}

TEST_F(AssetTransferTest, GetAllAssetsInKeyOrder) {
  ASSERT_TRUE(Submit({"CreateAsset", "g2", "blue", "5", "Tomoko", "300"}).ok());
  ASSERT_TRUE(Submit({"CreateAsset", "g1", "red", "1", "Max", "2"}).ok());
  nlohmann::json all = nlohmann::json::parse(*Query({"GetAllAssets"}));
  ASSERT_TRUE(all.is_array());
  std::vector<std::string> ids;
  for (const auto& a : all) {
    ids.push_back(a["ID"].get<std::string>());
    EXPECT_EQ(*Query({"ReadAsset", ids.back()}), a.dump());
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_NE(std::find(ids.begin(), ids.end(), "g1"), ids.end());
  EXPECT_FALSE(Query({"GetAllAssets", "extra"}).ok());
}

TEST_F(AssetTransferTest, HistoryNewestFirstWithDeletes) {
  auto t1 = Submit({"CreateAsset", "h1", "blue", "5", "Tomoko", "300"});
  auto t2 = Submit({"TransferAsset", "h1", "Brad"});
  auto t3 = Submit({"DeleteAsset", "h1"});
  ASSERT_TRUE(t1.ok() && t2.ok() && t3.ok());
  nlohmann::json j = nlohmann::json::parse(*Query({"GetAssetHistory", "h1"}));
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["txId"], t3->txid);
  EXPECT_EQ(j[0]["isDelete"], true);
  EXPECT_TRUE(j[0]["record"].is_null());
  EXPECT_EQ(j[1]["txId"], t2->txid);
  EXPECT_EQ(j[1]["record"]["Owner"], "Brad");
  EXPECT_EQ(j[2]["txId"], t1->txid);
  EXPECT_EQ(j[2]["record"]["Owner"], "Tomoko");
  // Go's RFC3339Nano in UTC: 2026-12-06T08:24:58.123456789Z, trailing zeros dropped.
  const std::string ts = j[1]["timestamp"].get<std::string>();
  ASSERT_GE(ts.size(), 20u);
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(AssetTransferTest, UnknownFunctionAndArgumentCounts) {
  EXPECT_NE(Query({"Frobnicate"}).status().message().find("unknown function \"Frobnicate\""),
            std::string::npos);
  EXPECT_FALSE(Query({"ReadAsset"}).ok());
  EXPECT_NE(Refusal({"TransferAsset", "a1"}).find("takes 2 arguments"), std::string::npos);
}

}  // namespace
}  // namespace fabric::network
