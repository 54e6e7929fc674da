// The validator against Fabric's: every block of the conformance vectors is validated
// against a ledger holding the blocks before it (committed with Fabric's final codes),
// and every transaction's code equals the `validator_code` Fabric's v20 validator
// decided (expected.json). The crash blocks, on which Fabric panics, get codes, and
// those Fabric did validate get Fabric's.
#include "lib/validate/block_validator.h"

#include <filesystem>
#include <regex>
#include <tuple>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "lib/ledger/ledger.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "nlohmann/json.hpp"

namespace fabric::validate {
namespace {

using nlohmann::json;

std::shared_ptr<const wire::ParsedBlock> Parse(const std::string& name) {
  auto b = wire::ParsedBlock::Parse(testing::ReadVector(name));
  EXPECT_TRUE(b.ok()) << name << ": " << b.status();
  return b.ok() ? *b : nullptr;
}

std::string CodeName(protos::TxValidationCode c) { return protos::TxValidationCode_Name(c); }

std::string FilterFromNames(const std::vector<std::string>& names) {
  std::string filter;
  for (const std::string& n : names) {
    protos::TxValidationCode c{};
    if (!protos::TxValidationCode_Parse(n, &c)) {
      ADD_FAILURE() << "no validation code named " << n;
      continue;
    }
    filter.push_back(static_cast<char>(c));
  }
  return filter;
}

// (threads, batch_from): with batch_from 1, every block's hot-key verifications are
// deferred to a P256VerifyBatch, and the transactions with a bad signature are prepared
// again, so the codes must come out the same through that path too.
class BlockValidatorTest : public ::testing::TestWithParam<std::tuple<int, size_t>> {
 protected:
  void SetUp() override {
    dir_ = fabric::testing::FreshTempDir(absl::StrFormat(
        "block_validator_%d_%d", std::get<0>(GetParam()), std::get<1>(GetParam())));
    expected_ = json::parse(testing::ReadVector("expected.json"));
    auto l = ledger::Ledger::Create(dir_, testing::ReadVector("genesis.block"), {});
    ASSERT_TRUE(l.ok()) << l.status();
    ledger_ = *std::move(l);
    auto genesis = Parse("genesis.block");
    auto config = channelconfig::ChannelConfig::FromBlock(*genesis);
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = *config;
  }

  std::string dir_;
  json expected_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::shared_ptr<const channelconfig::ChannelConfig> config_;
};

TEST_P(BlockValidatorTest, EveryTransactionGetsFabricsValidatorCode) {
  ThreadPool pool(std::get<0>(GetParam()));
  BlockValidator validator(&pool, std::get<1>(GetParam()));
  int checked = 0;
  for (const json& b : expected_["blocks"]) {
    const int number = b["number"];
    auto block = Parse(absl::StrFormat("blocks/%06d.block", number));
    ASSERT_NE(block, nullptr);
    auto r = validator.Validate(block, config_, *ledger_);
    ASSERT_TRUE(r.ok()) << "block " << number << ": " << r.status();
    ASSERT_EQ(r->verdicts.size(), b["txs"].size()) << "block " << number;
    std::vector<std::string> final_codes;
    for (const json& t : b["txs"]) {
      const int i = t["index"];
      EXPECT_EQ(CodeName(r->verdicts[i].code), t["validator_code"].get<std::string>())
          << "block " << number << " tx " << i << " (" << t["label"].get<std::string>()
          << "): " << r->verdicts[i].reason;
      final_codes.push_back(t["code"]);
      ++checked;
    }
    EXPECT_EQ(r->new_config != nullptr, b["is_config"].get<bool>()) << "block " << number;
    if (r->new_config != nullptr) config_ = r->new_config;
    ASSERT_TRUE(ledger_->Commit(*block, FilterFromNames(final_codes)).ok());
  }
  EXPECT_GT(checked, 100);

  // The crash blocks apply after the last block: each gets a code for every
  // transaction, equal to Fabric's where Fabric got that far.
  json crash = json::parse(testing::ReadVector("crash/crash.json"));
  for (const json& c : crash["results"]) {
    auto block = Parse(c["file"]);
    ASSERT_NE(block, nullptr);
    auto r = validator.Validate(block, config_, *ledger_);
    ASSERT_TRUE(r.ok()) << c["file"] << ": " << r.status();
    EXPECT_EQ(r->verdicts.size(), block->num_transactions());
    std::smatch m;
    const std::string outcome = c["outcome"];
    static const std::regex kCodes("VALIDATED .*? codes=\\[([A-Z_ ]*)\\]");
    if (std::regex_search(outcome, m, kCodes)) {
      std::vector<std::string> want = absl::StrSplit(m[1].str(), ' ');
      ASSERT_EQ(want.size(), r->verdicts.size()) << c["file"];
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(CodeName(r->verdicts[i].code), want[i]) << c["file"] << " tx " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(ThreadsAndBatching, BlockValidatorTest,
                         ::testing::Combine(::testing::Values(1, 4),
                                            ::testing::Values(
                                                crypto::P256VerifyBatch::kMinSignatures, 1)));

}  // namespace
}  // namespace fabric::validate
