// The block assembler against Fabric's own chain: the vectors' blocks rebuilt from their
// envelopes come out with Fabric's headers and last-config metadata, and the peer's block
// verification accepts them; then the cutting rules (count, bytes, time, config alone),
// a rogue orderer, and the envelopes the assembler refuses.
#include "lib/ordering/block_assembler.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/signing_identity.h"
#include "lib/testing/testdata.h"
#include "lib/validate/block_verifier.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::ordering {
namespace {

using identity::SigningIdentity;
using wire::ParsedBlock;

// Metadata slots that the proto marks deprecated (common.BlockMetadataIndex).
constexpr int kLastConfigSlot = 1;
constexpr int kOrdererSlot = 3;

constexpr char kOrderer0[] = "ordererOrganizations/example.com/orderers/orderer0.example.com/msp";
constexpr char kRoguePeer[] = "rogue/peers/peer0.org1.example.com/msp";
constexpr char kPeer0Org1[] = "peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp";

std::string Path(const std::string& name) { return testing::ConformanceDir() + "/" + name; }

std::string BlockFile(uint64_t n) { return absl::StrFormat("blocks/%06d.block", n); }
std::string CommittedFile(uint64_t n) { return absl::StrFormat("committed/%06d.block", n); }

std::shared_ptr<const ParsedBlock> Parse(std::string bytes) {
  auto b = ParsedBlock::Parse(std::move(bytes));
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? *b : nullptr;
}

std::shared_ptr<const SigningIdentity> Load(const std::string& mspid, const std::string& dir) {
  auto id = SigningIdentity::FromMspDir(mspid, Path("msp/" + dir));
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? std::shared_ptr<const SigningIdentity>(*std::move(id)) : nullptr;
}

std::shared_ptr<const channelconfig::ChannelConfig> ConfigOf(const ParsedBlock& config_block) {
  auto c = channelconfig::ChannelConfig::FromBlock(config_block);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : nullptr;
}

// The block's last config index; a failure to read it fails the test (not the binary).
uint64_t LastConfig(const ParsedBlock& block) {
  absl::StatusOr<uint64_t> index = block.LastConfigIndex();
  EXPECT_TRUE(index.ok()) << index.status();
  return index.value_or(~uint64_t{0});
}

// The data entries of a vector block, as envelopes to order again.
std::vector<std::string> EnvelopesOf(uint64_t n) {
  auto block = Parse(testing::ReadVector(BlockFile(n)));
  if (block == nullptr) return {};
  const auto& data = block->block().data().data();
  return {data.begin(), data.end()};
}

// What the block cutter counts: payload plus signature.
size_t MessageSize(const std::string& envelope) {
  common::Envelope e;
  EXPECT_TRUE(e.ParseFromString(envelope));
  return e.payload().size() + e.signature().size();
}

BatchOptions Unlimited() {
  BatchOptions o;
  o.max_message_count = 100000;
  o.preferred_max_bytes = 1u << 30;
  o.timeout = absl::Hours(24);
  return o;
}

// A chain as a peer follows it: each block is verified against the config in force, the
// ledger height and the last header hash, then becomes the new tip.
class Follower {
 public:
  explicit Follower(const ParsedBlock& tip,
                    std::shared_ptr<const channelconfig::ChannelConfig> config)
      : height_(tip.number() + 1), tip_hash_(tip.header_hash()), config_(std::move(config)) {}

  // Verifies `bytes` as the next block and returns it parsed, or nullptr.
  std::shared_ptr<const ParsedBlock> Accept(const std::string& bytes) {
    auto block = validate::ParseAndVerifyBlock(bytes, *config_, height_, tip_hash_);
    EXPECT_TRUE(block.ok()) << block.status();
    if (!block.ok()) return nullptr;
    height_ = (*block)->number() + 1;
    tip_hash_ = (*block)->header_hash();
    if ((*block)->IsConfigBlock()) config_ = ConfigOf(**block);
    return *block;
  }

  absl::Status Verify(const std::string& bytes) const {
    return validate::ParseAndVerifyBlock(bytes, *config_, height_, tip_hash_).status();
  }

 private:
  uint64_t height_;
  std::string tip_hash_;
  std::shared_ptr<const channelconfig::ChannelConfig> config_;
};

class BlockAssemblerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    genesis_bytes_ = testing::ReadVector("genesis.block");
    genesis_ = Parse(genesis_bytes_);
    ASSERT_NE(genesis_, nullptr);
    genesis_config_ = ConfigOf(*genesis_);
    ASSERT_NE(genesis_config_, nullptr);
    orderer_ = Load("OrdererMSP", kOrderer0);
    ASSERT_NE(orderer_, nullptr);
  }

  std::unique_ptr<BlockAssembler> Assembler(const std::string& last_block,
                                            std::shared_ptr<const SigningIdentity> signer,
                                            const BatchOptions& options) {
    auto a = BlockAssembler::Create(last_block, std::move(signer), options);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? *std::move(a) : nullptr;
  }

  std::unique_ptr<BlockAssembler> FromGenesis(const BatchOptions& options) {
    return Assembler(genesis_bytes_, orderer_, options);
  }

  // Adds every envelope, expecting no block to be cut.
  void AddAll(BlockAssembler& a, const std::vector<std::string>& envelopes) {
    for (const std::string& e : envelopes) {
      auto blocks = a.Add(e);
      ASSERT_TRUE(blocks.ok()) << blocks.status();
      EXPECT_TRUE(blocks->empty());
    }
  }

  std::string CutNow(BlockAssembler& a) {
    auto block = a.Cut();
    EXPECT_TRUE(block.ok()) << block.status();
    EXPECT_TRUE(block.ok() && block->has_value());
    return block.ok() && block->has_value() ? **block : "";
  }

  // Orders the envelopes of vector blocks `first`..`last` again, one batch per block,
  // continuing `a`, and checks each block against Fabric's and through `follower`.
  void Rebuild(BlockAssembler& a, Follower& follower, uint64_t first, uint64_t last) {
    for (uint64_t n = first; n <= last; ++n) {
      SCOPED_TRACE(absl::StrCat("block ", n));
      auto fabrics = Parse(testing::ReadVector(BlockFile(n)));
      ASSERT_NE(fabrics, nullptr);
      std::string ours_bytes;
      if (fabrics->IsConfigBlock()) {
        auto blocks = a.Add(fabrics->block().data().data(0));
        ASSERT_TRUE(blocks.ok()) << blocks.status();
        ASSERT_EQ(blocks->size(), 1u);
        ours_bytes = (*blocks)[0];
      } else {
        AddAll(a, EnvelopesOf(n));
        ours_bytes = CutNow(a);
      }
      auto ours = follower.Accept(ours_bytes);
      ASSERT_NE(ours, nullptr);
      EXPECT_EQ(ours->number(), n);
      EXPECT_EQ(absl::BytesToHexString(ours->header_hash()),
                absl::BytesToHexString(fabrics->header_hash()));
      EXPECT_EQ(ours->metadata(kLastConfigSlot), fabrics->metadata(kLastConfigSlot));
      EXPECT_EQ(LastConfig(*ours), LastConfig(*fabrics));
      EXPECT_EQ(ours->block().metadata().metadata_size(),
                fabrics->block().metadata().metadata_size());
      // The signed value: Fabric's OrdererBlockMetadata carries the same last config;
      // its consenter metadata is etcdraft's (consenter ids, raft index), which ours, with
      // no consensus, leaves out. One signature each.
      common::Metadata our_signatures, fabric_signatures;
      ASSERT_TRUE(our_signatures.ParseFromString(std::string(ours->metadata(common::SIGNATURES))));
      ASSERT_TRUE(
          fabric_signatures.ParseFromString(std::string(fabrics->metadata(common::SIGNATURES))));
      common::OrdererBlockMetadata our_value, fabric_value;
      ASSERT_TRUE(our_value.ParseFromString(our_signatures.value()));
      ASSERT_TRUE(fabric_value.ParseFromString(fabric_signatures.value()));
      EXPECT_EQ(our_value.last_config().SerializeAsString(),
                fabric_value.last_config().SerializeAsString());
      EXPECT_TRUE(our_value.consenter_metadata().empty());
      ASSERT_EQ(fabric_signatures.signatures_size(), 1);
      EXPECT_EQ(our_signatures.signatures_size(), 1);
    }
  }

  std::string genesis_bytes_;
  std::shared_ptr<const ParsedBlock> genesis_;
  std::shared_ptr<const channelconfig::ChannelConfig> genesis_config_;
  std::shared_ptr<const SigningIdentity> orderer_;
};

// Blocks 1-13 of the conformance chain, ordered again from the genesis block, have
// Fabric's headers (so the same hash chain) and last config, and verify. (Block 14 holds
// an envelope of another channel, which the assembler refuses.)
TEST_F(BlockAssemblerTest, RebuildsFabricsChainFromGenesis) {
  auto a = FromGenesis(Unlimited());
  ASSERT_NE(a, nullptr);
  Follower follower(*genesis_, genesis_config_);
  Rebuild(*a, follower, 1, 13);
  EXPECT_EQ(a->next_number(), 14u);
}

// From the stored block 16: the CONFIG envelope of block 17 is cut alone and becomes the
// last config; blocks 18 and 19 (whose MESSAGE and CONFIG_UPDATE envelopes are ordered
// like any other) then record it, as Fabric's orderer did.
TEST_F(BlockAssemblerTest, RebuildsFabricsConfigBlockAndTheBlockAfter) {
  auto a = Assembler(testing::ReadVector(CommittedFile(16)), orderer_, Unlimited());
  ASSERT_NE(a, nullptr);
  auto block16 = Parse(testing::ReadVector(CommittedFile(16)));
  ASSERT_NE(block16, nullptr);
  Follower follower(*block16, genesis_config_);
  Rebuild(*a, follower, 17, 19);
}

// A new block after the last stored one (block 20) extends the chain and verifies
// under the config of block 17.
TEST_F(BlockAssemblerTest, ContinuesFromTheLastCommittedBlock) {
  const std::string last = testing::ReadVector(CommittedFile(20));
  auto tip = Parse(last);
  auto config17 = Parse(testing::ReadVector(BlockFile(17)));
  ASSERT_NE(tip, nullptr);
  ASSERT_NE(config17, nullptr);
  auto a = Assembler(last, orderer_, Unlimited());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->next_number(), 21u);
  AddAll(*a, EnvelopesOf(18));
  Follower follower(*tip, ConfigOf(*config17));
  auto block = follower.Accept(CutNow(*a));
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->number(), 21u);
  EXPECT_EQ(block->previous_hash(), tip->header_hash());
  EXPECT_EQ(LastConfig(*block), 17u);
  EXPECT_EQ(block->num_transactions(), EnvelopesOf(18).size());
}

// The metadata as Fabric's block writer leaves it: five slots, LAST_CONFIG, and one
// orderer signature whose header names orderer0 with a fresh 24-byte nonce.
TEST_F(BlockAssemblerTest, MetadataIsAsFabricsBlockWriterLeavesIt) {
  auto a = FromGenesis(Unlimited());
  ASSERT_NE(a, nullptr);
  AddAll(*a, EnvelopesOf(1));
  auto block = Parse(CutNow(*a));
  ASSERT_NE(block, nullptr);
  ASSERT_EQ(block->block().metadata().metadata_size(), 5);
  EXPECT_TRUE(block->metadata(common::TRANSACTIONS_FILTER).empty());
  EXPECT_TRUE(block->metadata(kOrdererSlot).empty());
  EXPECT_TRUE(block->metadata(common::COMMIT_HASH).empty());
  EXPECT_EQ(block->data_hash(), block->computed_data_hash());

  common::Metadata signatures;
  ASSERT_TRUE(signatures.ParseFromString(std::string(block->metadata(common::SIGNATURES))));
  common::OrdererBlockMetadata value;
  ASSERT_TRUE(value.ParseFromString(signatures.value()));
  EXPECT_TRUE(value.has_last_config());
  EXPECT_EQ(value.last_config().index(), 0u);
  EXPECT_TRUE(value.consenter_metadata().empty());
  ASSERT_EQ(signatures.signatures_size(), 1);
  common::SignatureHeader header;
  ASSERT_TRUE(header.ParseFromString(signatures.signatures(0).signature_header()));
  EXPECT_EQ(header.creator(), orderer_->serialized());
  EXPECT_EQ(header.nonce().size(), 24u);
}

TEST_F(BlockAssemblerTest, CutsWhenTheBatchHasMaxMessageCount) {
  BatchOptions options = Unlimited();
  options.max_message_count = 2;
  auto a = FromGenesis(options);
  ASSERT_NE(a, nullptr);
  Follower follower(*genesis_, genesis_config_);
  const std::vector<std::string> envelopes = EnvelopesOf(2);
  ASSERT_GE(envelopes.size(), 5u);
  std::vector<size_t> sizes;
  for (int i = 0; i < 5; ++i) {
    auto blocks = a->Add(envelopes[i]);
    ASSERT_TRUE(blocks.ok()) << blocks.status();
    EXPECT_EQ(blocks->size(), i % 2 == 1 ? 1u : 0u) << i;
    for (const std::string& b : *blocks) {
      auto block = follower.Accept(b);
      ASSERT_NE(block, nullptr);
      sizes.push_back(block->num_transactions());
    }
  }
  EXPECT_EQ(a->pending(), 1u);
  auto last = follower.Accept(CutNow(*a));
  ASSERT_NE(last, nullptr);
  sizes.push_back(last->num_transactions());
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  EXPECT_EQ(a->next_number(), 4u);
  EXPECT_EQ(last->block().data().data(0), envelopes[4]);
}

TEST_F(BlockAssemblerTest, CutsByPreferredMaxBytes) {
  const std::vector<std::string> envelopes = EnvelopesOf(2);
  ASSERT_GE(envelopes.size(), 4u);
  const std::string& e0 = envelopes[0];
  const std::string& e1 = envelopes[1];
  const std::string& e2 = envelopes[2];
  BatchOptions options = Unlimited();
  // e0 and e1 fill the batch exactly; e2 would overflow it.
  options.preferred_max_bytes = MessageSize(e0) + MessageSize(e1);
  ASSERT_LE(MessageSize(e2), options.preferred_max_bytes);
  auto a = FromGenesis(options);
  ASSERT_NE(a, nullptr);
  Follower follower(*genesis_, genesis_config_);

  AddAll(*a, {e0, e1});
  auto cut = a->Add(e2);  // the pending batch is cut first, e2 starts the next one
  ASSERT_TRUE(cut.ok()) << cut.status();
  ASSERT_EQ(cut->size(), 1u);
  auto b1 = follower.Accept((*cut)[0]);
  ASSERT_NE(b1, nullptr);
  EXPECT_EQ(b1->num_transactions(), 2u);
  EXPECT_EQ(a->pending(), 1u);

  // A message larger than the preferred size: what is pending, then the message alone.
  common::Envelope big;
  ASSERT_TRUE(big.ParseFromString(envelopes[3]));
  big.set_signature(big.signature() + std::string(options.preferred_max_bytes, 'x'));
  auto two = a->Add(big.SerializeAsString());
  ASSERT_TRUE(two.ok()) << two.status();
  ASSERT_EQ(two->size(), 2u);
  auto b2 = follower.Accept((*two)[0]);
  auto b3 = follower.Accept((*two)[1]);
  ASSERT_NE(b2, nullptr);
  ASSERT_NE(b3, nullptr);
  EXPECT_EQ(b2->block().data().data(0), e2);
  EXPECT_EQ(b2->num_transactions(), 1u);
  EXPECT_EQ(b3->num_transactions(), 1u);
  EXPECT_EQ(a->pending(), 0u);
}

TEST_F(BlockAssemblerTest, TickCutsOnlyAfterTheTimeout) {
  BatchOptions options = Unlimited();
  options.timeout = absl::Hours(1);
  auto a = FromGenesis(options);
  ASSERT_NE(a, nullptr);
  auto none = a->Tick(absl::Now() + absl::Hours(2));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());  // nothing pending

  const absl::Time before = absl::Now();
  AddAll(*a, {EnvelopesOf(1)[0], EnvelopesOf(1)[1]});
  auto early = a->Tick(before + absl::Minutes(59));
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());
  EXPECT_EQ(a->pending(), 2u);

  auto due = a->Tick(absl::Now() + absl::Hours(1));
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_TRUE(due->has_value());
  Follower follower(*genesis_, genesis_config_);
  auto block = follower.Accept(**due);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->num_transactions(), 2u);
  EXPECT_EQ(a->pending(), 0u);
  auto again = a->Tick(absl::Now() + absl::Hours(3));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

// A CONFIG envelope cuts what is pending, goes alone into the next block and is the
// last config of every block after it.
TEST_F(BlockAssemblerTest, ConfigEnvelopeGoesAloneAndBecomesLastConfig) {
  const std::string block16 = testing::ReadVector(CommittedFile(16));
  auto tip = Parse(block16);
  ASSERT_NE(tip, nullptr);
  auto a = Assembler(block16, orderer_, Unlimited());
  ASSERT_NE(a, nullptr);
  const std::string config = EnvelopesOf(17).at(0);
  const std::vector<std::string> normal = EnvelopesOf(18);
  Follower follower(*tip, genesis_config_);

  AddAll(*a, {normal[0]});
  auto blocks = a->Add(config);
  ASSERT_TRUE(blocks.ok()) << blocks.status();
  ASSERT_EQ(blocks->size(), 2u);
  auto pending = follower.Accept((*blocks)[0]);
  auto config_block = follower.Accept((*blocks)[1]);
  ASSERT_NE(pending, nullptr);
  ASSERT_NE(config_block, nullptr);
  EXPECT_EQ(pending->number(), 17u);
  EXPECT_EQ(LastConfig(*pending), 0u);
  EXPECT_EQ(config_block->number(), 18u);
  EXPECT_TRUE(config_block->IsConfigBlock());
  EXPECT_EQ(LastConfig(*config_block), 18u);

  // With nothing pending, only the config block.
  auto alone = a->Add(config);
  ASSERT_TRUE(alone.ok()) << alone.status();
  ASSERT_EQ(alone->size(), 1u);
  ASSERT_NE(follower.Accept((*alone)[0]), nullptr);

  AddAll(*a, {normal[1]});
  auto after = follower.Accept(CutNow(*a));
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(LastConfig(*after), 19u);
}

// Blocks signed by anyone but a member of the orderer org fail the BlockValidation
// policy: a rogue CA's identity claiming OrdererMSP, and a peer of Org1.
TEST_F(BlockAssemblerTest, BlocksOfOtherSignersFailVerification) {
  for (auto signer : {Load("OrdererMSP", kRoguePeer), Load("Org1MSP", kPeer0Org1)}) {
    ASSERT_NE(signer, nullptr);
    auto a = Assembler(genesis_bytes_, signer, Unlimited());
    ASSERT_NE(a, nullptr);
    AddAll(*a, EnvelopesOf(1));
    const std::string block = CutNow(*a);
    Follower follower(*genesis_, genesis_config_);
    absl::Status s = follower.Verify(block);
    EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  }
}

TEST_F(BlockAssemblerTest, RefusesEnvelopesOfAnotherChannelOrThatDoNotParse) {
  auto a = FromGenesis(Unlimited());
  ASSERT_NE(a, nullptr);
  common::Envelope env;
  ASSERT_TRUE(env.ParseFromString(EnvelopesOf(1)[0]));
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(env.payload()));
  common::ChannelHeader ch;
  ASSERT_TRUE(ch.ParseFromString(payload.header().channel_header()));
  ch.set_channel_id("otherchannel");
  payload.mutable_header()->set_channel_header(ch.SerializeAsString());
  env.set_payload(payload.SerializeAsString());

  auto other = a->Add(env.SerializeAsString());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(other.status().message(), "otherchannel")) << other.status();

  common::Envelope headerless;
  headerless.set_payload(common::Payload().SerializeAsString());
  for (const std::string& bad :
       {std::string("\xff\xff\xff"), std::string(), headerless.SerializeAsString()}) {
    EXPECT_EQ(a->Add(bad).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(a->pending(), 0u);
  EXPECT_EQ(a->next_number(), 1u);
  auto nothing = a->Cut();
  ASSERT_TRUE(nothing.ok());
  EXPECT_FALSE(nothing->has_value());
}

TEST_F(BlockAssemblerTest, CreateRefusesBadInput) {
  EXPECT_EQ(BlockAssembler::Create("\xff\xff", orderer_, BatchOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BlockAssembler::Create(genesis_bytes_, nullptr, BatchOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  BatchOptions zero;
  zero.max_message_count = 0;
  EXPECT_EQ(BlockAssembler::Create(genesis_bytes_, orderer_, zero).status().code(),
            absl::StatusCode::kInvalidArgument);
  common::Block empty;
  empty.mutable_header()->set_number(3);
  EXPECT_EQ(
      BlockAssembler::Create(empty.SerializeAsString(), orderer_, BatchOptions()).status().code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fabric::ordering
