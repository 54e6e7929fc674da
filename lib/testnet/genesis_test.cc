// Genesis blocks from a profile of the conformance vectors' network (their orgs' MSPs,
// endpoints and orderer TLS certificates), checked against the genesis block Fabric's
// configtxgen made for that network: block layout, config tree (exactly, ACL map order
// aside), loading as a channel config, policy evaluation with real signers, and a
// channel starting from it. Malformed profiles are refused with a clear error.
#include "lib/testnet/genesis.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "lib/channel/channel.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/testing/fixtures.h"
#include "lib/policy/dsl.h"
#include "lib/policy/signature_set.h"
#include "lib/policy/testing/signers.h"
#include "lib/testing/temp_dir.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "lib/wire/marshal.h"
#include "lib/wire/proto/peer_configuration.pb.h"

namespace fabric::testnet {
namespace {

using identity::testing::Vector;

const char kOrdererTls[] = "msp/ordererOrganizations/example.com/orderers/";

std::shared_ptr<const wire::ParsedBlock> ParseOrDie(std::string bytes) {
  auto block = wire::ParsedBlock::Parse(std::move(bytes));
  EXPECT_TRUE(block.ok()) << block.status();
  return block.ok() ? *block : nullptr;
}

std::shared_ptr<const wire::ParsedBlock> VectorsGenesis() {
  return ParseOrDie(identity::testing::Read(Vector("genesis.block")));
}

OrgProfile Org(const std::string& name, std::vector<std::string> endpoints) {
  auto msp = identity::testing::MspConfigFromBlock(Vector("genesis.block"), name);
  EXPECT_TRUE(msp.ok()) << name << ": " << msp.status();
  return OrgProfile{name, msp.ok() ? *msp : msp::MSPConfig(), std::move(endpoints)};
}

// The vectors' network: three peer orgs with one anchor peer each, one orderer org
// with two orderers that are also the raft consenters.
ChannelProfile VectorsProfile() {
  ChannelProfile p;
  p.channel_id = "mychannel";
  p.application_orgs = {Org("Org1MSP", {"peer0.org1.example.com:7051"}),
                        Org("Org2MSP", {"peer0.org2.example.com:9051"}),
                        Org("Org3MSP", {"peer0.org3.example.com:11051"})};
  p.orderer_orgs = {Org("OrdererOrg", {"orderer0.example.com:7050", "orderer1.example.com:7051"})};
  uint32_t port = 7050;
  for (const char* host : {"orderer0.example.com", "orderer1.example.com"}) {
    p.consenters.push_back(
        {host, port++,
         identity::testing::Read(Vector(absl::StrCat(kOrdererTls, host, "/tls/server.crt")))});
  }
  return p;
}

std::shared_ptr<const wire::ParsedBlock> MakeOrDie(const ChannelProfile& profile) {
  auto bytes = MakeGenesisBlock(profile);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? ParseOrDie(*std::move(bytes)) : nullptr;
}

// ACLs is a map that Go wrote in random order: compare it by content.
void CanonicalizeAcls(common::ConfigGroup* channel) {
  auto& app = (*channel->mutable_groups())["Application"];
  auto it = app.mutable_values()->find("ACLs");
  if (it == app.mutable_values()->end()) return;
  protos::ACLs acls;
  ASSERT_TRUE(acls.ParseFromString(it->second.value()));
  it->second.set_value(wire::MarshalDeterministic(acls));
}

// Same keys, versions, mod_policies and policy types at every level.
void ExpectSameStructure(const common::ConfigGroup& got, const common::ConfigGroup& want,
                         const std::string& path) {
  SCOPED_TRACE(path);
  EXPECT_EQ(got.version(), want.version());
  EXPECT_EQ(got.mod_policy(), want.mod_policy());
  auto keys = [](const auto& map) {
    std::vector<std::string> out;
    for (const auto& [k, unused] : map) out.push_back(k);
    std::sort(out.begin(), out.end());
    return absl::StrJoin(out, ",");
  };
  EXPECT_EQ(keys(got.groups()), keys(want.groups()));
  EXPECT_EQ(keys(got.values()), keys(want.values()));
  EXPECT_EQ(keys(got.policies()), keys(want.policies()));
  for (const auto& [k, v] : want.values()) {
    auto it = got.values().find(k);
    if (it == got.values().end()) continue;
    EXPECT_EQ(it->second.version(), v.version()) << k;
    EXPECT_EQ(it->second.mod_policy(), v.mod_policy()) << k;
  }
  for (const auto& [k, p] : want.policies()) {
    auto it = got.policies().find(k);
    if (it == got.policies().end()) continue;
    EXPECT_EQ(it->second.version(), p.version()) << k;
    EXPECT_EQ(it->second.mod_policy(), p.mod_policy()) << k;
    EXPECT_EQ(it->second.policy().type(), p.policy().type()) << k;
  }
  for (const auto& [k, g] : want.groups()) {
    auto it = got.groups().find(k);
    if (it != got.groups().end()) ExpectSameStructure(it->second, g, path + "/" + k);
  }
}

class GenesisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    made_ = MakeOrDie(VectorsProfile());
    fabric_ = VectorsGenesis();
    ASSERT_NE(made_, nullptr);
    ASSERT_NE(fabric_, nullptr);
  }
  const common::Config& MadeConfig() const { return made_->tx(0).config_envelope.config(); }
  const common::Config& FabricConfig() const { return fabric_->tx(0).config_envelope.config(); }

  std::shared_ptr<const wire::ParsedBlock> made_, fabric_;
};

TEST_F(GenesisTest, BlockLayoutIsConfigtxgens) {
  EXPECT_EQ(made_->number(), 0u);
  EXPECT_EQ(made_->previous_hash(), "");
  EXPECT_EQ(made_->data_hash(), made_->computed_data_hash());
  ASSERT_TRUE(made_->IsConfigBlock());
  ASSERT_EQ(made_->num_transactions(), 1u);
  auto last_config = made_->LastConfigIndex();
  ASSERT_TRUE(last_config.ok()) << last_config.status();
  EXPECT_EQ(*last_config, 0u);

  // Metadata: the same five slots, byte for byte (SIGNATURES holds
  // Metadata{OrdererBlockMetadata{LastConfig{0}}}, the others are empty).
  const auto& made_md = made_->block().metadata().metadata();
  const auto& fabric_md = fabric_->block().metadata().metadata();
  ASSERT_EQ(made_md.size(), fabric_md.size());
  for (int i = 0; i < made_md.size(); ++i) EXPECT_EQ(made_md[i], fabric_md[i]) << "slot " << i;
  EXPECT_EQ(made_md[0], std::string("\x0a\x02\x0a\x00", 4));

  const wire::TxView& tx = made_->tx(0);
  const wire::TxView& want = fabric_->tx(0);
  ASSERT_TRUE(tx.ok()) << tx.error;
  EXPECT_EQ(tx.envelope.signature(), "");
  EXPECT_EQ(tx.channel_header.type(), common::CONFIG);
  EXPECT_EQ(tx.channel_header.version(), want.channel_header.version());
  EXPECT_EQ(tx.channel_header.channel_id(), "mychannel");
  EXPECT_EQ(tx.channel_header.epoch(), 0u);
  EXPECT_GT(tx.channel_header.timestamp().seconds(), 0);
  EXPECT_EQ(tx.channel_header.timestamp().nanos(), 0);
  EXPECT_EQ(tx.channel_header.extension(), "");
  EXPECT_EQ(tx.signature_header.creator(), "");
  EXPECT_EQ(tx.signature_header.nonce().size(), want.signature_header.nonce().size());
  EXPECT_EQ(tx.channel_header.tx_id(), wire::ComputeTxId(tx.signature_header.nonce(), ""));
  EXPECT_EQ(MadeConfig().sequence(), 0u);
  EXPECT_FALSE(tx.config_envelope.has_last_update());
}

TEST_F(GenesisTest, ConfigTreeHasFabricsStructure) {
  ExpectSameStructure(MadeConfig().channel_group(), FabricConfig().channel_group(), "/Channel");
}

TEST_F(GenesisTest, ConfigTreeEqualsFabricsForTheSameProfile) {
  common::Config made = MadeConfig(), fabric = FabricConfig();
  CanonicalizeAcls(made.mutable_channel_group());
  CanonicalizeAcls(fabric.mutable_channel_group());
  google::protobuf::util::MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(made, fabric)) << diff;
}

TEST_F(GenesisTest, OrgPoliciesAreThePolicyLanguagesBytes) {
  const auto& org1 = MadeConfig().channel_group().groups().at("Application").groups().at("Org1MSP");
  auto readers = policy::CompileDsl("OR('Org1MSP.admin','Org1MSP.peer','Org1MSP.client')");
  ASSERT_TRUE(readers.ok()) << readers.status();
  EXPECT_EQ(org1.policies().at("Readers").policy().value(), readers->SerializeAsString());
  auto endorsement = policy::CompileDsl("OR('Org1MSP.peer')");
  ASSERT_TRUE(endorsement.ok()) << endorsement.status();
  EXPECT_EQ(org1.policies().at("Endorsement").policy().value(), endorsement->SerializeAsString());
}

TEST_F(GenesisTest, SameProfileSameConfigFreshTxId) {
  auto again = MakeOrDie(VectorsProfile());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(wire::MarshalDeterministic(again->tx(0).config_envelope),
            wire::MarshalDeterministic(made_->tx(0).config_envelope));
  EXPECT_NE(again->tx(0).txid(), made_->tx(0).txid());
}

TEST_F(GenesisTest, LoadsAsChannelConfig) {
  auto config = channelconfig::ChannelConfig::FromBlock(*made_);
  ASSERT_TRUE(config.ok()) << config.status();
  const channelconfig::ChannelConfig& c = **config;
  EXPECT_EQ(c.channel_id(), "mychannel");
  EXPECT_EQ(c.sequence(), 0u);
  std::vector<std::string> orgs;
  for (const channelconfig::Organization& org : c.organizations()) {
    orgs.push_back(absl::StrCat(org.name, "=", org.mspid, org.orderer ? " orderer" : "", " [",
                                absl::StrJoin(org.anchor_peers, ","), "|",
                                absl::StrJoin(org.endpoints, ","), "]"));
  }
  EXPECT_EQ(orgs, (std::vector<std::string>{
                      "Org1MSP=Org1MSP [peer0.org1.example.com:7051|]",
                      "Org2MSP=Org2MSP [peer0.org2.example.com:9051|]",
                      "Org3MSP=Org3MSP [peer0.org3.example.com:11051|]",
                      "OrdererOrg=OrdererMSP orderer [|orderer0.example.com:7050,"
                      "orderer1.example.com:7051]",
                  }));
  EXPECT_EQ(c.channel_capabilities(), std::set<std::string>{"V2_0"});
  EXPECT_EQ(c.orderer_capabilities(), std::set<std::string>{"V2_0"});
  EXPECT_EQ(c.application_capabilities(), std::set<std::string>{"V2_5"});

  auto fabric = channelconfig::ChannelConfig::FromBlock(*fabric_);
  ASSERT_TRUE(fabric.ok()) << fabric.status();
  EXPECT_EQ(c.policies().Paths(), (*fabric)->policies().Paths());
  for (const char* path :
       {"/Channel/Application/Endorsement", "/Channel/Application/LifecycleEndorsement",
        "/Channel/Orderer/BlockValidation", "/Channel/Admins"}) {
    EXPECT_TRUE(c.policies().Get(path).ok()) << path;
  }
}

class GenesisPolicyTest : public GenesisTest {
 protected:
  void SetUp() override {
    GenesisTest::SetUp();
    auto config = channelconfig::ChannelConfig::FromBlock(*made_);
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = *config;
  }

  // Evaluates policy `path` on signatures by the cryptogen members `members`
  // ({mspid, directory under msp/}).
  absl::Status Evaluate(const std::string& path,
                        const std::vector<std::pair<std::string, std::string>>& members) {
    std::vector<policy::SignedData> signed_data;
    for (const auto& [mspid, dir] : members) {
      auto signer = policy::LoadSigner(mspid, dir);
      if (!signer.ok()) return signer.status();
      auto data = policy::SignData(**signer, "data signed by " + dir);
      if (!data.ok()) return data.status();
      signed_data.push_back(*std::move(data));
    }
    policy::SignatureSet set(std::move(signed_data), config_->shared_msps());
    auto p = config_->policies().Get(path);
    if (!p.ok()) return p.status();
    return (*p)->Evaluate(set);
  }

  std::shared_ptr<const channelconfig::ChannelConfig> config_;
};

const std::pair<std::string, std::string> kUser1Org1{
    "Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com"};
const std::pair<std::string, std::string> kPeer0Org1{
    "Org1MSP", "peerOrganizations/org1.example.com/peers/peer0.org1.example.com"};
const std::pair<std::string, std::string> kPeer0Org2{
    "Org2MSP", "peerOrganizations/org2.example.com/peers/peer0.org2.example.com"};
const std::pair<std::string, std::string> kOrderer0{
    "OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com"};

TEST_F(GenesisPolicyTest, ApplicationWritersTakeAClient) {
  EXPECT_TRUE(Evaluate("/Channel/Application/Writers", {kUser1Org1}).ok());
  // A peer is a reader, not a writer.
  EXPECT_EQ(Evaluate("/Channel/Application/Writers", {kPeer0Org1}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Evaluate("/Channel/Application/Readers", {kPeer0Org1}).ok());
}

TEST_F(GenesisPolicyTest, BlockValidationTakesAnOrderer) {
  EXPECT_TRUE(Evaluate("/Channel/Orderer/BlockValidation", {kOrderer0}).ok());
  EXPECT_EQ(Evaluate("/Channel/Orderer/BlockValidation", {kUser1Org1}).code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(GenesisPolicyTest, EndorsementIsAMajorityOfOrgPeers) {
  EXPECT_EQ(Evaluate("/Channel/Application/Endorsement", {kPeer0Org1}).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Evaluate("/Channel/Application/Endorsement", {kPeer0Org1, kPeer0Org2}).ok());
  EXPECT_TRUE(Evaluate("/Channel/Application/LifecycleEndorsement", {kPeer0Org1, kPeer0Org2}).ok());
}

TEST(GenesisChannelTest, ChannelStartsFromTheBlock) {
  auto bytes = MakeGenesisBlock(VectorsProfile());
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  const std::string dir = fabric::testing::FreshTempDir("genesis_test_channel");
  auto channel = channel::Channel::Create(dir, *bytes, channel::ChannelOptions());
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_EQ((*channel)->channel_id(), "mychannel");
  EXPECT_EQ((*channel)->ledger().chain_info().height, 1u);
  EXPECT_EQ((*channel)->config()->organizations().size(), 4u);
  auto block = wire::ParsedBlock::Parse(*bytes);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ((*channel)->ledger().chain_info().current_hash, (*block)->header_hash());
}

// The error for `profile`, which must be InvalidArgument.
std::string Refusal(const ChannelProfile& profile) {
  auto bytes = MakeGenesisBlock(profile);
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument) << bytes.status();
  return std::string(bytes.status().message());
}

TEST(GenesisMalformedTest, NoChannelIdOrNoOrgsIsRefused) {
  ChannelProfile p = VectorsProfile();
  p.channel_id = "";
  EXPECT_EQ(Refusal(p), "genesis profile: empty channel id");

  p = VectorsProfile();
  p.application_orgs.clear();
  EXPECT_EQ(Refusal(p), "genesis profile: no application orgs");

  p = VectorsProfile();
  p.orderer_orgs.clear();
  EXPECT_EQ(Refusal(p), "genesis profile: no orderer orgs");

  EXPECT_EQ(Refusal(ChannelProfile()), "genesis profile: empty channel id");
}

TEST(GenesisMalformedTest, BadFieldsAreNamed) {
  ChannelProfile p = VectorsProfile();
  p.channel_id = "MyChannel";
  EXPECT_NE(Refusal(p).find("'MyChannel' has illegal characters"), std::string::npos);

  p = VectorsProfile();
  p.application_orgs.push_back(p.application_orgs[0]);
  EXPECT_EQ(Refusal(p), "genesis profile: org Org1MSP is listed twice");

  p = VectorsProfile();
  p.application_orgs[1].name = "Org 2";
  EXPECT_NE(Refusal(p).find("'Org 2' is not a valid config key"), std::string::npos);

  p = VectorsProfile();
  p.application_orgs[0].endpoints = {"peer0.org1.example.com"};
  EXPECT_NE(Refusal(p).find("endpoint 'peer0.org1.example.com' is not host:port"),
            std::string::npos);

  p = VectorsProfile();
  p.consenters.clear();
  EXPECT_EQ(Refusal(p), "genesis profile: etcdraft needs at least one consenter");

  p = VectorsProfile();
  p.batch_timeout = "soon";
  EXPECT_NE(Refusal(p).find("batch timeout 'soon'"), std::string::npos);

  p = VectorsProfile();
  p.application_orgs[2].msp.set_config("\xff\xff not an MSP");
  EXPECT_NE(Refusal(p).find("org Org3MSP: MSP config does not parse"), std::string::npos);

  // An MSP that parses but does not build (a root certificate that is no certificate).
  p = VectorsProfile();
  msp::FabricMSPConfig broken;
  ASSERT_TRUE(broken.ParseFromString(p.application_orgs[0].msp.config()));
  broken.set_root_certs(0, "not a certificate");
  p.application_orgs[0].msp.set_config(broken.SerializeAsString());
  EXPECT_NE(Refusal(p).find("the channel config does not load"), std::string::npos);
}

}  // namespace
}  // namespace fabric::testnet
