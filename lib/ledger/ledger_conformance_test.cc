// The ledger against Fabric's: the orderer's blocks (blocks/) committed with the final
// codes Fabric decided (read from committed/) are stored byte for byte as Fabric's peer
// stored them (TRANSACTIONS_FILTER and COMMIT_HASH included), and state, history, chain
// info and transaction lookups equal expected.json, before and after a reopen.
#include <filesystem>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/ledger/ledger.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "nlohmann/json.hpp"

namespace fabric::ledger {
namespace {

using nlohmann::json;

std::string Hex(const std::string& s) { return absl::BytesToHexString(s); }

class LedgerConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fabric::testing::FreshTempDir("ledger_conformance");
    expected_ = json::parse(testing::ReadVector("expected.json"));
  }

  // Builds the whole chain; returns the number of blocks committed after genesis.
  int CommitAll(Ledger* l) { return CommitFrom(l, 1, 0); }

  // Commits blocks from `first` up to `end` (0: to the chain's end); returns the number
  // committed.
  int CommitFrom(Ledger* l, int first, int end) {
    int n = first;
    for (; end == 0 || n < end; ++n) {
      auto committed = testing::ReadFile(testing::ConformanceDir() +
                                         absl::StrFormat("/committed/%06d.block", n));
      if (!committed.ok()) break;
      auto stored = wire::ParsedBlock::Parse(*committed);
      auto delivered =
          wire::ParsedBlock::Parse(testing::ReadVector(absl::StrFormat("blocks/%06d.block", n)));
      EXPECT_TRUE(stored.ok() && delivered.ok());
      absl::Status s =
          l->Commit(**delivered, std::string((*stored)->metadata(common::TRANSACTIONS_FILTER)));
      EXPECT_TRUE(s.ok()) << "block " << n << ": " << s;
    }
    return n - first;
  }

  void CheckAgainstFabric(const Ledger& l) {
    // Stored blocks, byte for byte.
    for (uint64_t n = 0; n < l.chain_info().height; ++n) {
      auto bytes = l.blocks().BlockByNumber(n);
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      EXPECT_EQ(*bytes, testing::ReadVector(absl::StrFormat("committed/%06d.block", n)))
          << "block " << n;
    }
    EXPECT_EQ(l.chain_info().height, expected_["ledger_height"].get<uint64_t>());
    EXPECT_EQ(Hex(l.chain_info().current_hash),
              expected_["ledger_current_block_hash"].get<std::string>());

    // World state: every expected key, and no other key, per namespace.
    for (const auto& [ns, entries] : expected_["final_state"].items()) {
      std::set<std::string> want_keys, got_keys;
      for (const json& e : entries) {
        const std::string key = absl::HexStringToBytes(e["key_hex"].get<std::string>());
        want_keys.insert(key);
        auto v = l.state().Get(ns, key);
        ASSERT_TRUE(v.ok() && v->has_value()) << ns << " " << e["key"];
        EXPECT_EQ((*v)->version.block, e["version"][0].get<uint64_t>());
        EXPECT_EQ((*v)->version.tx, e["version"][1].get<uint64_t>());
        if (ns.empty()) continue;  // config envelope: Go wrote its maps in random order
        EXPECT_EQ(absl::Base64Escape((*v)->value), e["value_b64"].get<std::string>());
        kvrwset::KVMetadataWrite meta;
        ASSERT_TRUE(meta.ParseFromString((*v)->metadata));
        EXPECT_EQ(meta.entries_size(), e.contains("metadata_b64") ? e["metadata_b64"].size() : 0u);
      }
      auto range = l.state().Range(ns, "", "", 0);
      ASSERT_TRUE(range.ok()) << range.status();
      for (const auto& kv : range->kvs) got_keys.insert(kv.key);
      EXPECT_EQ(got_keys, want_keys) << "namespace '" << ns << "'";
    }

    // Histories, newest first.
    for (const json& h : expected_["history"]) {
      const std::string key = absl::HexStringToBytes(h["key_hex"].get<std::string>());
      auto got = l.history().Get(h["namespace"].get<std::string>(), key);
      ASSERT_TRUE(got.ok()) << got.status();
      const json& want = h["history_newest_first"];
      ASSERT_EQ(got->size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ((*got)[i].modification.txid, want[i]["txid"].get<std::string>());
        EXPECT_EQ((*got)[i].modification.is_delete, want[i]["is_delete"].get<bool>());
        EXPECT_EQ(absl::Base64Escape((*got)[i].modification.value),
                  want[i]["value_b64"].get<std::string>());
      }
    }

    // Transactions by id carry their final code.
    for (const json& b : expected_["blocks"]) {
      for (const json& t : b["txs"]) {
        const std::string txid = t["txid"].get<std::string>();
        if (txid.empty()) continue;
        auto locs = l.blocks().TxLocations(txid);
        ASSERT_TRUE(locs.ok()) << locs.status();
        bool found = false;
        for (const TxLocation& loc : *locs) {
          if (loc.block == b["number"].get<uint64_t>() && loc.tx == t["index"].get<uint64_t>()) {
            found = true;
            EXPECT_EQ(loc.validation_code, t["code_num"].get<int>()) << txid;
          }
        }
        EXPECT_TRUE(found) << txid;
      }
    }
  }

  std::string dir_;
  json expected_;
};

TEST_F(LedgerConformanceTest, StoresWhatFabricStoresAndSurvivesReopen) {
  {
    auto l = Ledger::Create(dir_, testing::ReadVector("genesis.block"), LedgerOptions());
    ASSERT_TRUE(l.ok()) << l.status();
    EXPECT_EQ((*l)->channel_id(), expected_["channel_id"].get<std::string>());
    EXPECT_GT(CommitAll(l->get()), 0);
    CheckAgainstFabric(**l);
  }
  auto reopened = Ledger::Open(dir_, LedgerOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  CheckAgainstFabric(**reopened);
  EXPECT_FALSE((*reopened)->commit_hash().empty());
}

// The block files ahead of the database by many blocks (the database of an earlier
// height put back): opening re-applies them all from the files, in order, to the same
// ledger. (A crash leaves at most two behind; the kill test covers that case.)
TEST_F(LedgerConformanceTest, ReappliesEveryBlockTheFilesHoldPastTheSavepoint) {
  namespace fs = std::filesystem;
  {
    auto l = Ledger::Create(dir_, testing::ReadVector("genesis.block"), LedgerOptions());
    ASSERT_TRUE(l.ok()) << l.status();
    ASSERT_EQ(CommitFrom(l->get(), 1, 11), 10);
  }
  const std::string saved = fabric::testing::FreshTempDir("ledger_index_h11");
  fs::copy(dir_ + "/index", saved, fs::copy_options::recursive);
  {
    auto l = Ledger::Open(dir_, LedgerOptions());
    ASSERT_TRUE(l.ok()) << l.status();
    EXPECT_GT(CommitFrom(l->get(), 11, 0), 2);
  }
  fs::remove_all(dir_ + "/index");
  fs::copy(saved, dir_ + "/index", fs::copy_options::recursive);
  auto reopened = Ledger::Open(dir_, LedgerOptions());
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  CheckAgainstFabric(**reopened);
}

TEST_F(LedgerConformanceTest, RejectsOutOfOrderBlocksAndBadFilters) {
  auto l = Ledger::Create(dir_, testing::ReadVector("genesis.block"), LedgerOptions());
  ASSERT_TRUE(l.ok()) << l.status();
  auto b2 = wire::ParsedBlock::Parse(testing::ReadVector("blocks/000002.block"));
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ((*l)->Commit(**b2, std::string((*b2)->num_transactions(), '\0')).code(),
            absl::StatusCode::kFailedPrecondition);
  auto b1 = wire::ParsedBlock::Parse(testing::ReadVector("blocks/000001.block"));
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ((*l)->Commit(**b1, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*l)->chain_info().height, 1u);
  EXPECT_FALSE(Ledger::Create(dir_, testing::ReadVector("genesis.block"), LedgerOptions()).ok());
  EXPECT_FALSE(Ledger::Open(dir_ + "/nonexistent", LedgerOptions()).ok());
}

}  // namespace
}  // namespace fabric::ledger
