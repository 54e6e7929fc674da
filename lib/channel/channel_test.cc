// The committing pipeline against Fabric's: the conformance chain submitted block by
// block ends with every final code, every stored block (TRANSACTIONS_FILTER and
// COMMIT_HASH included) and the chain tip equal to Fabric's; rejected blocks change
// nothing; a reopened channel keeps the config its last config block installed; the
// host hears of each commit and of the transactions it waits for.
#include "lib/channel/channel.h"

#include <filesystem>
#include <map>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "lib/ledger/ledger_manager.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "nlohmann/json.hpp"

namespace fabric::channel {
namespace {

using nlohmann::json;

std::string BlockFile(int n) { return absl::StrFormat("blocks/%06d.block", n); }

class ChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fabric::testing::FreshTempDir("channel_test");
    expected_ = json::parse(testing::ReadVector("expected.json"));
  }

  std::unique_ptr<Channel> Create() {
    auto c = Channel::Create(dir_, testing::ReadVector("genesis.block"), options_);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *std::move(c) : nullptr;
  }

  // Submits block `b` of expected.json as a peer would: verified, and if Fabric's
  // verification rejected it, checks ours does too and submits it unverified, as the
  // vectors recorded its codes.
  void SubmitAndCheck(Channel& c, const json& b) {
    const int number = b["number"];
    SubmitOptions verified;
    absl::StatusOr<BlockResult> r = c.Submit(testing::ReadVector(BlockFile(number)), verified);
    if (!b["mcs_verify_block"]["accepted"].get<bool>()) {
      ASSERT_FALSE(r.ok()) << "block " << number << " should be rejected";
      EXPECT_EQ(c.ledger().chain_info().height, static_cast<uint64_t>(number));
      r = c.Submit(testing::ReadVector(BlockFile(number)),
                   SubmitOptions{.skip_verification = true});
    }
    ASSERT_TRUE(r.ok()) << "block " << number << ": " << r.status();
    EXPECT_EQ(r->number, static_cast<uint64_t>(number));
    EXPECT_EQ(absl::BytesToHexString(r->header_hash), b["header_hash"].get<std::string>());
    ASSERT_EQ(r->txs.size(), b["txs"].size());
    for (const json& t : b["txs"]) {
      const TxResult& got = r->txs[t["index"].get<int>()];
      EXPECT_EQ(protos::TxValidationCode_Name(got.code), t["code"].get<std::string>())
          << "block " << number << " tx " << t["index"] << " (" << t["label"]
          << "): " << got.reason;
      EXPECT_EQ(protos::TxValidationCode_Name(got.validator_code),
                t["validator_code"].get<std::string>());
      EXPECT_EQ(got.txid, t["txid"].get<std::string>());
    }
    EXPECT_EQ(r->config_updated, b["is_config"].get<bool>());
  }

  void CheckStoredLikeFabric(const Channel& c) {
    for (uint64_t n = 0; n < c.ledger().chain_info().height; ++n) {
      auto stored = c.ledger().blocks().BlockByNumber(n);
      ASSERT_TRUE(stored.ok()) << stored.status();
      EXPECT_EQ(*stored, testing::ReadVector(absl::StrFormat("committed/%06d.block", n)))
          << "block " << n;
    }
    EXPECT_EQ(absl::BytesToHexString(c.ledger().chain_info().current_hash),
              expected_["ledger_current_block_hash"].get<std::string>());
    EXPECT_EQ(c.ledger().chain_info().height, expected_["ledger_height"].get<uint64_t>());
  }

  std::string dir_;
  json expected_;
  ChannelOptions options_;
};

TEST_F(ChannelTest, ChainEndsAsFabricsDid) {
  auto c = Create();
  ASSERT_NE(c, nullptr);
  for (const json& b : expected_["blocks"]) SubmitAndCheck(*c, b);
  CheckStoredLikeFabric(*c);
}

// The channel's Fabric ledger metrics over the conformance chain: the height and the
// transactions by final code are Fabric's (expected.json), one timing per block.
TEST_F(ChannelTest, MetricsCountWhatFabricCommitted) {
  auto c = Create();
  ASSERT_NE(c, nullptr);
  for (const json& b : expected_["blocks"]) SubmitAndCheck(*c, b);
  const MetricsSnapshot m = c->metrics();
  EXPECT_EQ(m.height, expected_["ledger_height"].get<uint64_t>());
  std::map<std::string, uint64_t> by_code;
  for (const auto& [key, n] : m.transactions) by_code[std::get<2>(key)] += n;
  std::map<std::string, uint64_t> want;
  for (const auto& [code, n] : expected_["code_counts"].items()) want[code] = n.get<uint64_t>();
  EXPECT_EQ(by_code, want);
  const uint64_t blocks = expected_["blocks"].size();
  EXPECT_EQ(m.block_processing.count, blocks);
  EXPECT_EQ(m.blockstorage_commit.count, blocks);
  EXPECT_EQ(m.statedb_commit.count, blocks);

  const std::string text = RenderPrometheus({{c->channel_id(), m}});
  EXPECT_NE(text.find("# TYPE ledger_block_processing_time histogram\n"), std::string::npos);
  EXPECT_NE(text.find(absl::StrCat("ledger_blockchain_height{channel_name=\"", c->channel_id(),
                                   "\"} ", m.height, "\n")),
            std::string::npos);
  EXPECT_NE(text.find(absl::StrCat("ledger_block_processing_time_count{channel_name=\"",
                                   c->channel_id(), "\"} ", blocks, "\n")),
            std::string::npos);
  // Every counter sample carries Fabric's four labels.
  for (const auto& [key, n] : m.transactions) {
    const auto& [type, chaincode, code] = key;
    EXPECT_NE(text.find(absl::StrCat("ledger_transaction_counts{channel_name=\"", c->channel_id(),
                                     "\",transaction_type=\"", type, "\",chaincode_name=\"",
                                     chaincode, "\",validation_code=\"", code, "\"} ", n, "\n")),
              std::string::npos)
        << type << " " << chaincode << " " << code;
  }
}

// Ledger directories have one format and one owner at a time (channel.h): a ledger a
// LedgerManager made opens as a channel once the manager lets go, and not before.
TEST(ChannelDirectoryTest, OpensALedgerTheManagerMadeOnceItIsReleased) {
  const std::string root = fabric::testing::FreshTempDir("channel_dir_manager");
  auto manager = ledger::LedgerManager::Open(root, ledger::LedgerOptions());
  ASSERT_TRUE(manager.ok()) << manager.status();
  auto genesis = fabric::testing::ReadFile(fabric::testing::ConformanceDir() + "/genesis.block");
  ASSERT_TRUE(genesis.ok());
  auto made = (*manager)->Create(*genesis);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string id = (*made)->channel_id();
  const std::string dir = root + "/ledgers/" + id;

  auto busy = Channel::Open(dir, ChannelOptions());
  EXPECT_TRUE(absl::IsUnavailable(busy.status())) << busy.status();

  made->reset();
  (*manager)->Close(id);
  auto opened = Channel::Open(dir, ChannelOptions());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ((*opened)->channel_id(), id);
  EXPECT_EQ((*opened)->ledger().chain_info().height, 1u);
}

TEST_F(ChannelTest, ReopenedChannelKeepsTheConfigOfItsLastConfigBlock) {
  auto c = Create();
  ASSERT_NE(c, nullptr);
  const json& blocks = expected_["blocks"];
  size_t i = 0;
  for (; i < blocks.size(); ++i) {
    SubmitAndCheck(*c, blocks[i]);
    if (blocks[i]["is_config"].get<bool>()) break;
  }
  ASSERT_LT(i, blocks.size()) << "the vectors hold a config block";
  const uint64_t sequence = c->config()->sequence();
  c.reset();
  auto reopened = Channel::Open(dir_, options_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->config()->sequence(), sequence);
  for (++i; i < blocks.size(); ++i) SubmitAndCheck(**reopened, blocks[i]);
  CheckStoredLikeFabric(**reopened);
}

TEST_F(ChannelTest, RejectedBlocksChangeNothing) {
  auto c = Create();
  ASSERT_NE(c, nullptr);
  SubmitAndCheck(*c, expected_["blocks"][0]);
  const ledger::ChainInfo before = c->ledger().chain_info();
  json verdicts = json::parse(testing::ReadVector("block_verification.json"));
  int rejected = 0;
  for (const json& v : verdicts["results"]) {
    if (v["mcs_verify_block"]["accepted"].get<bool>() && v["commit_error"] == "") continue;
    absl::StatusOr<BlockResult> r = c->Submit(testing::ReadVector(v["file"]));
    EXPECT_FALSE(r.ok()) << v["name"];
    const ledger::ChainInfo after = c->ledger().chain_info();
    EXPECT_EQ(after.height, before.height);
    EXPECT_EQ(after.current_hash, before.current_hash);
    ++rejected;
  }
  EXPECT_GT(rejected, 5);
  EXPECT_FALSE(c->Submit("not a block").ok());
  // The good block is still accepted at that height.
  SubmitAndCheck(*c, expected_["blocks"][1]);
}

TEST_F(ChannelTest, HostHearsOfCommitsAndAwaitedTransactions) {
  auto c = Create();
  ASSERT_NE(c, nullptr);
  absl::Mutex mu;
  std::vector<uint64_t> heard;
  const int id = c->Subscribe([&](const BlockResult& r) {
    absl::MutexLock lock(&mu);
    heard.push_back(r.number);
  });
  const json& blocks = expected_["blocks"];
  const std::string later_txid = blocks[2]["txs"][0]["txid"];
  absl::StatusOr<TxResult> awaited = absl::UnknownError("not run");
  std::thread waiter([&] { awaited = c->WaitForTransaction(later_txid, absl::Seconds(60)); });

  // Enqueue (pipelined) the first blocks, then drain.
  std::vector<absl::StatusOr<BlockResult>> results(4, absl::UnknownError("not run"));
  for (int n = 1; n <= 4; ++n) {
    c->Enqueue(testing::ReadVector(BlockFile(n)), {},
               [&results, n](absl::StatusOr<BlockResult> r) { results[n - 1] = std::move(r); });
  }
  c->Drain();
  waiter.join();
  for (int n = 1; n <= 4; ++n) ASSERT_TRUE(results[n - 1].ok()) << results[n - 1].status();
  ASSERT_TRUE(awaited.ok()) << awaited.status();
  EXPECT_EQ(protos::TxValidationCode_Name(awaited->code), blocks[2]["txs"][0]["code"]);
  {
    absl::MutexLock lock(&mu);
    EXPECT_EQ(heard, (std::vector<uint64_t>{1, 2, 3, 4}));
  }
  c->Unsubscribe(id);

  // Already committed: answered at once, with the code of its first occurrence.
  auto again = c->WaitForTransaction(blocks[0]["txs"][5]["txid"], absl::ZeroDuration());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(protos::TxValidationCode_Name(again->code), blocks[0]["txs"][5]["code"]);
  EXPECT_TRUE(absl::IsDeadlineExceeded(
      c->WaitForTransaction("no such txid", absl::Milliseconds(10)).status()));
}

}  // namespace
}  // namespace fabric::channel
