// The codec against Fabric's own blocks: header hash, previous hash, data hash, txids
// and config flags equal what Fabric recorded in expected.json; parse then serialize
// gives the same bytes; tampered and crash blocks parse or fail with a precise error.
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/testdata.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "nlohmann/json.hpp"

namespace fabric {
namespace {

using nlohmann::json;
using wire::ParsedBlock;

std::string Hex(const std::string& s) { return absl::BytesToHexString(s); }

json LoadExpected() {
  auto text = testing::ReadFile(testing::ConformanceDir() + "/expected.json");
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? json::parse(*text) : json();
}

std::shared_ptr<const ParsedBlock> LoadBlock(const std::string& file) {
  auto bytes = testing::ReadFile(testing::ConformanceDir() + "/" + file);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok()) return nullptr;
  auto parsed = ParsedBlock::Parse(*bytes);
  EXPECT_TRUE(parsed.ok()) << file << ": " << parsed.status();
  if (!parsed.ok()) return nullptr;
  // Parse then serialize gives the bytes back.
  EXPECT_EQ((*parsed)->block().SerializeAsString(), *bytes) << file;
  return *parsed;
}

// Hashes, chain link and txids of `b` against one entry of expected.json.
void CheckBlock(const ParsedBlock& b, const json& want, const std::string& file) {
  SCOPED_TRACE(file);
  EXPECT_EQ(b.number(), want["number"].get<uint64_t>());
  EXPECT_EQ(Hex(b.header_hash()), want["header_hash"].get<std::string>());
  EXPECT_EQ(Hex(b.data_hash()), want["data_hash"].get<std::string>());
  EXPECT_EQ(b.computed_data_hash(), b.data_hash());
  if (want.contains("previous_hash")) {
    EXPECT_EQ(Hex(b.previous_hash()), want["previous_hash"].get<std::string>());
  }
  if (want.contains("is_config")) {
    EXPECT_EQ(b.IsConfigBlock(), want["is_config"].get<bool>());
  }
  if (want.contains("last_config")) {
    auto lc = b.LastConfigIndex();
    ASSERT_TRUE(lc.ok()) << lc.status();
    EXPECT_EQ(*lc, want["last_config"].get<uint64_t>());
  }
  if (!want.contains("txs")) return;
  ASSERT_EQ(b.num_transactions(), want["txs"].size());
  for (const json& t : want["txs"]) {
    const wire::TxView& tx = b.tx(t["index"].get<size_t>());
    EXPECT_EQ(tx.txid(), t["txid"].get<std::string>()) << "tx " << tx.index;
    if (t["validator_code"] == "VALID") {
      EXPECT_TRUE(tx.ok()) << tx.error;
    }
    if (t["validator_code"] == "VALID" && tx.type() == common::ENDORSER_TRANSACTION) {
      // A valid endorser transaction's id is the hash of its nonce and creator.
      EXPECT_EQ(wire::ComputeTxId(tx.signature_header.nonce(), tx.signature_header.creator()),
                tx.txid());
    }
  }
}

TEST(WireConformanceTest, GenesisBlock) {
  json expected = LoadExpected();
  auto b = LoadBlock("genesis.block");
  ASSERT_NE(b, nullptr);
  CheckBlock(*b, expected["genesis"], "genesis.block");
  EXPECT_TRUE(b->IsConfigBlock());
  EXPECT_EQ(b->tx(0).channel_header.channel_id(), expected["channel_id"].get<std::string>());
}

TEST(WireConformanceTest, DeliveredAndCommittedBlocks) {
  json expected = LoadExpected();
  ASSERT_FALSE(expected["blocks"].empty());
  std::string previous_hash = expected["genesis"]["header_hash"].get<std::string>();
  for (const json& want : expected["blocks"]) {
    for (const char* key : {"file", "committed_file"}) {
      if (!want.contains(key)) continue;
      const std::string file = want[key].get<std::string>();
      auto b = LoadBlock(file);
      ASSERT_NE(b, nullptr) << file;
      CheckBlock(*b, want, file);
      // Each block links to the header hash of the one before.
      EXPECT_EQ(Hex(b->previous_hash()), previous_hash) << file;
    }
    previous_hash = want["header_hash"].get<std::string>();
  }
  EXPECT_EQ(previous_hash, expected["ledger_current_block_hash"].get<std::string>());
}

TEST(WireConformanceTest, CommittedGenesisKeepsItsHashes) {
  json expected = LoadExpected();
  auto b = LoadBlock("committed/000000.block");
  ASSERT_NE(b, nullptr);
  CheckBlock(*b, expected["genesis"], "committed/000000.block");
  EXPECT_FALSE(b->metadata(common::TRANSACTIONS_FILTER).empty());
}

// Every block in tampered/ and crash/, and every transaction in them, parses or gets an
// error that names where and what.
TEST(WireConformanceTest, TamperedAndCrashBlocksParseOrFailPrecisely) {
  int blocks = 0;
  for (const char* dir : {"tampered", "crash"}) {
    for (const std::string& path :
         testing::ListFiles(testing::ConformanceDir() + "/" + dir, ".block")) {
      SCOPED_TRACE(path);
      ++blocks;
      auto bytes = testing::ReadFile(path);
      ASSERT_TRUE(bytes.ok());
      auto parsed = ParsedBlock::Parse(*bytes);
      if (!parsed.ok()) {
        EXPECT_FALSE(parsed.status().message().empty());
        continue;
      }
      for (const wire::TxView& tx : (*parsed)->transactions()) {
        const std::string where = absl::StrCat("block ", (*parsed)->number(), ", tx ", tx.index);
        if (!tx.ok()) {
          EXPECT_NE(tx.error.message().find(where), std::string::npos) << tx.error;
        }
        for (const wire::ActionView& a : tx.actions) {
          if (a.defect != wire::ActionDefect::kNone) {
            EXPECT_NE(a.error.message().find(where), std::string::npos) << a.error;
          }
        }
      }
    }
  }
  EXPECT_GT(blocks, 20);
}

}  // namespace
}  // namespace fabric
