// Block verification against Fabric's own verdicts: the tampered copies of block 2
// (block_verification.json), every block of the conformance chain (expected.json) and
// the blocks that crash Fabric (crash/crash.json); then the cases no vector covers.
#include "lib/validate/block_verifier.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/identity/signing_identity.h"
#include "lib/policy/testing/signers.h"
#include "lib/testing/testdata.h"
#include "lib/wire/hashes.h"
#include "nlohmann/json.hpp"

namespace fabric::validate {
namespace {

using nlohmann::json;
using wire::ParsedBlock;

std::string Path(const std::string& name) { return testing::ConformanceDir() + "/" + name; }

json ReadJson(const std::string& name) { return json::parse(testing::ReadVector(name)); }

std::shared_ptr<const ParsedBlock> Parse(std::string bytes) {
  auto b = ParsedBlock::Parse(std::move(bytes));
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? *b : nullptr;
}

std::shared_ptr<const ParsedBlock> Block(const std::string& name) {
  return Parse(testing::ReadVector(name));
}

std::shared_ptr<const channelconfig::ChannelConfig> Config(const ParsedBlock& config_block) {
  auto c = channelconfig::ChannelConfig::FromBlock(config_block);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : nullptr;
}

std::string BlockFile(uint64_t n) { return absl::StrFormat("blocks/%06d.block", n); }

// Checks our verdict on `status` against Fabric's: accepted, or rejected with a message
// that contains Fabric's.
void ExpectVerdict(const absl::Status& status, bool accepted, const std::string& fabric_error) {
  if (accepted) {
    EXPECT_TRUE(status.ok()) << status;
    return;
  }
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find(fabric_error), absl::string_view::npos)
      << "ours: " << status.message() << "\nFabric's: " << fabric_error;
}

// The tampered copies of block 2, arriving at a ledger that holds blocks 0 and 1. Fabric's
// gossip VerifyBlock was given the number the block claims and does not look at the
// previous hash; its block store rejects such blocks at commit. We check both on arrival,
// so a block is accepted iff Fabric's VerifyBlock accepted it and its commit succeeded,
// and our message is VerifyBlock's or else the commit's.
TEST(BlockVerifierTest, TamperedBlocksAsFabricJudgedThem) {
  auto genesis = Block("genesis.block");
  auto block1 = Block(BlockFile(1));
  ASSERT_NE(genesis, nullptr);
  ASSERT_NE(block1, nullptr);
  auto config = Config(*genesis);
  ASSERT_NE(config, nullptr);

  const json results = ReadJson("block_verification.json")["results"];
  std::set<std::string> covered;
  for (const json& r : results) {
    const std::string file = r["file"].get<std::string>();
    SCOPED_TRACE(file);
    covered.insert(Path(file));
    const uint64_t number = r["base_block"].get<uint64_t>();
    ASSERT_EQ(number, block1->number() + 1);

    const json& mcs = r["mcs_verify_block"];
    const std::string commit_error = r.value("commit_error", "");
    const bool mcs_accepted = mcs["accepted"].get<bool>();
    const std::string fabric_error = mcs_accepted ? commit_error : mcs["error"].get<std::string>();

    auto verdict =
        ParseAndVerifyBlock(testing::ReadVector(file), *config, number, block1->header_hash());
    ExpectVerdict(verdict.status(), mcs_accepted && commit_error.empty(), fabric_error);
    if (verdict.ok()) {
      EXPECT_EQ((*verdict)->raw(), testing::ReadVector(file));
    }
  }
  // Every tampered block has a verdict.
  for (const std::string& f : testing::ListFiles(Path("tampered"), ".block")) {
    EXPECT_EQ(covered.count(f), 1u) << f;
  }
}

// Every block of the chain, each against the config in force (a CONFIG block's config
// applies from the next block on) and the previous block's header hash.
TEST(BlockVerifierTest, ChainBlocksAsFabricJudgedThem) {
  const json expected = ReadJson("expected.json");
  auto previous = Block("genesis.block");
  ASSERT_NE(previous, nullptr);
  auto config = Config(*previous);
  ASSERT_NE(config, nullptr);
  int rejected = 0;
  for (const json& want : expected["blocks"]) {
    const uint64_t n = want["number"].get<uint64_t>();
    SCOPED_TRACE(n);
    auto block = Block(BlockFile(n));
    ASSERT_NE(block, nullptr);
    const json& mcs = want["mcs_verify_block"];
    const bool accepted = mcs["accepted"].get<bool>();
    ExpectVerdict(VerifyBlock(*block, *config, previous->number() + 1, previous->header_hash()),
                  accepted, mcs.value("error", ""));
    rejected += !accepted;
    // Fabric's peer commits every block of this chain (block 20 after its codes were
    // recorded), so later blocks chain onto rejected ones too.
    if (block->IsConfigBlock()) {
      config = Config(*block);
      ASSERT_NE(config, nullptr);
    }
    previous = block;
  }
  EXPECT_GE(rejected, 1);  // block 20
}

// The blocks that make Fabric panic, after block 20: Fabric's VerifyBlock verdict (it
// ran before the panic) is ours.
TEST(BlockVerifierTest, CrashBlocksAsFabricJudgedThem) {
  auto last = Block(BlockFile(20));
  auto config_block = Block(BlockFile(17));
  ASSERT_NE(last, nullptr);
  ASSERT_NE(config_block, nullptr);
  ASSERT_TRUE(config_block->IsConfigBlock());
  auto config = Config(*config_block);
  ASSERT_NE(config, nullptr);

  const json results = ReadJson("crash/crash.json")["results"];
  ASSERT_FALSE(results.empty());
  for (const json& r : results) {
    const std::string file = r["file"].get<std::string>();
    SCOPED_TRACE(file);
    ASSERT_EQ(r["applies_after_block"].get<uint64_t>(), last->number());
    // "VERIFIED mcs_verify_err=<error or <nil>> ; ..."
    const std::string outcome = r["outcome"].get<std::string>();
    const std::string key = "mcs_verify_err=";
    const size_t from = outcome.find(key);
    ASSERT_NE(from, std::string::npos) << outcome;
    const size_t to = outcome.find(" ;", from);
    const std::string fabric_error = outcome.substr(
        from + key.size(), to == std::string::npos ? std::string::npos : to - from - key.size());

    auto verdict = ParseAndVerifyBlock(testing::ReadVector(file), *config,
                                       r["block_number"].get<uint64_t>(), last->header_hash());
    ExpectVerdict(verdict.status(), fabric_error == "<nil>", fabric_error);
  }
}

// ---- Cases no vector covers, on the original block 2 ----

class BlockVerifierUnitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto genesis = Block("genesis.block");
    auto block1 = Block(BlockFile(1));
    auto block2 = Block("tampered/original.block");
    ASSERT_NE(genesis, nullptr);
    ASSERT_NE(block1, nullptr);
    ASSERT_NE(block2, nullptr);
    config_ = Config(*genesis);
    ASSERT_NE(config_, nullptr);
    previous_hash_ = block1->header_hash();
    original_ = block2->block();
  }

  absl::Status Verify(const common::Block& b) {
    auto parsed = ParseAndVerifyBlock(b.SerializeAsString(), *config_, 2, previous_hash_);
    return parsed.status();
  }

  // Replaces the SIGNATURES slot of `b` by one signature of orderer0 over its header.
  void Resign(common::Block* b) {
    auto signer = policy::LoadSigner(
        "OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com");
    ASSERT_TRUE(signer.ok()) << signer.status();
    common::Metadata md;
    ASSERT_TRUE(md.ParseFromString(b->metadata().metadata(common::SIGNATURES)));
    md.clear_signatures();
    common::SignatureHeader sh;
    sh.set_creator((*signer)->serialized());
    common::MetadataSignature* ms = md.add_signatures();
    ms->set_signature_header(sh.SerializeAsString());
    auto sig = (*signer)->Sign(
        absl::StrCat(md.value(), ms->signature_header(), wire::BlockHeaderDer(b->header())));
    ASSERT_TRUE(sig.ok()) << sig.status();
    ms->set_signature(*sig);
    b->mutable_metadata()->set_metadata(common::SIGNATURES, md.SerializeAsString());
  }

  // `b` with its data replaced by one envelope of `type` that has no signature (not well
  // formed), data hash recomputed and re-signed.
  common::Block WithSingleUnsignedEnvelope(common::HeaderType type) {
    common::Block b = original_;
    common::ChannelHeader ch;
    ch.set_type(type);
    ch.set_channel_id(config_->channel_id());
    common::Payload payload;
    payload.mutable_header()->set_channel_header(ch.SerializeAsString());
    common::Envelope env;
    env.set_payload(payload.SerializeAsString());
    b.mutable_data()->clear_data();
    b.mutable_data()->add_data(env.SerializeAsString());
    b.mutable_header()->set_data_hash(wire::BlockDataHash(b.data()));
    Resign(&b);
    return b;
  }

  std::shared_ptr<const channelconfig::ChannelConfig> config_;
  std::string previous_hash_;
  common::Block original_;
};

TEST_F(BlockVerifierUnitTest, OriginalIsAccepted) { EXPECT_TRUE(Verify(original_).ok()); }

TEST_F(BlockVerifierUnitTest, ReSignedCopyIsAccepted) {
  common::Block b = original_;
  Resign(&b);
  ASSERT_NE(b.metadata().metadata(common::SIGNATURES),
            original_.metadata().metadata(common::SIGNATURES));
  EXPECT_TRUE(Verify(b).ok()) << Verify(b);
}

TEST_F(BlockVerifierUnitTest, WrongChannelIsRejected) {
  auto other = channelconfig::ChannelConfig::FromConfig(config_->config(), "otherchannel");
  ASSERT_TRUE(other.ok()) << other.status();
  auto block = Parse(original_.SerializeAsString());
  ASSERT_NE(block, nullptr);
  absl::Status s = VerifyBlock(*block, **other, 2, previous_hash_);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "Invalid block's channel id. Expected [otherchannel]. Given [mychannel]");
}

TEST_F(BlockVerifierUnitTest, MissingMetadataIsRejected) {
  common::Block b = original_;
  b.mutable_metadata()->clear_metadata();
  absl::Status s = Verify(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Block with id [2] on channel [mychannel] does not have metadata. Block not valid.");
}

TEST_F(BlockVerifierUnitTest, GarbageInSignaturesSlotIsRejected) {
  common::Block b = original_;
  // Field 1 (value) claims 5 bytes; 2 follow.
  b.mutable_metadata()->set_metadata(common::SIGNATURES, std::string("\x0a\x05") + "ab");
  absl::Status s = Verify(b);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("Failed unmarshalling medatata for signatures"),
            absl::string_view::npos)
      << s;
}

// One signature header that does not parse rejects the block, even beside a valid
// signature; an empty one parses (no creator) and is only skipped.
TEST_F(BlockVerifierUnitTest, UnparsableSignatureHeaderRejectsTheBlock) {
  for (const bool garbage : {false, true}) {
    SCOPED_TRACE(garbage);
    common::Block b = original_;
    common::Metadata md;
    ASSERT_TRUE(md.ParseFromString(b.metadata().metadata(common::SIGNATURES)));
    ASSERT_GE(md.signatures_size(), 1);
    md.add_signatures()->set_signature_header(garbage ? "\xff" : "");
    b.mutable_metadata()->set_metadata(common::SIGNATURES, md.SerializeAsString());
    absl::Status s = Verify(b);
    if (!garbage) {
      EXPECT_TRUE(s.ok()) << s;
      continue;
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("Failed unmarshalling signature header for block with id [2] on "
                               "channel [mychannel]"),
              absl::string_view::npos)
        << s;
  }
}

// Fabric 2.5 skips the well-formedness check for a block of one CONFIG or
// ORDERER_TRANSACTION entry, and only for those.
TEST_F(BlockVerifierUnitTest, SingleOrdererTransactionIsExemptFromWellFormedCheck) {
  const auto orderer_transaction = static_cast<common::HeaderType>(4);  // deprecated name
  EXPECT_TRUE(Verify(WithSingleUnsignedEnvelope(orderer_transaction)).ok());
  absl::Status s = Verify(WithSingleUnsignedEnvelope(common::ENDORSER_TRANSACTION));
  EXPECT_EQ(s.message(), "block has malformed transactions: transaction 0 has no signature");
}

TEST_F(BlockVerifierUnitTest, UndecodableBytesAreRejected) {
  auto verdict = ParseAndVerifyBlock("\x0a\x7f", *config_, 2, previous_hash_);
  EXPECT_EQ(verdict.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(verdict.status().message().find("Invalid Block on channel [mychannel]: "),
            absl::string_view::npos)
      << verdict.status();
}

TEST_F(BlockVerifierUnitTest, ChainMismatchesAreFailedPrecondition) {
  auto block = Parse(original_.SerializeAsString());
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(VerifyBlock(*block, *config_, 3, previous_hash_).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(VerifyBlock(*block, *config_, 2, "not the hash").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BlockVerifierUnitTest, VerifiesFromManyThreads) {
  auto block = Parse(original_.SerializeAsString());
  ASSERT_NE(block, nullptr);
  std::vector<std::thread> threads;
  std::vector<absl::Status> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = VerifyBlock(*block, *config_, 2, previous_hash_); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
}

}  // namespace
}  // namespace fabric::validate
