#include "lib/channelconfig/channel_config.h"

#include <set>

#include "gtest/gtest.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/configuration.pb.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/msp_config.pb.h"

namespace fabric::channelconfig {
namespace {

std::shared_ptr<const wire::ParsedBlock> Block(const std::string& name) {
  auto bytes = testing::ReadFile(testing::ConformanceDir() + "/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  auto b = wire::ParsedBlock::Parse(bytes.ok() ? *bytes : "");
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? *b : nullptr;
}

std::shared_ptr<const ChannelConfig> Config(const std::string& name) {
  auto b = Block(name);
  if (b == nullptr) return nullptr;
  auto c = ChannelConfig::FromBlock(*b);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : nullptr;
}

std::string Org1User(const std::string& user) {
  auto pem = testing::ReadFile(
      testing::ConformanceDir() + "/msp/peerOrganizations/org1.example.com/users/" + user +
      "@org1.example.com/msp/signcerts/" + user + "@org1.example.com-cert.pem");
  EXPECT_TRUE(pem.ok()) << pem.status();
  msp::SerializedIdentity sid;
  sid.set_mspid("Org1MSP");
  sid.set_id_bytes(pem.ok() ? *pem : "");
  return sid.SerializeAsString();
}

TEST(ChannelConfigTest, ReadsOrgsMspsPoliciesAndCapabilities) {
  auto block = Block("genesis.block");
  ASSERT_NE(block, nullptr);
  auto config = Config("genesis.block");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->channel_id(), block->tx(0).channel_header.channel_id());

  // Every org group under Application and Orderer, with the MSP its config names.
  const common::ConfigGroup& root = block->tx(0).config_envelope.config().channel_group();
  std::set<std::string> want, got;
  for (const char* section : {"Application", "Orderer"}) {
    for (const auto& [name, group] : root.groups().at(section).groups()) {
      msp::MSPConfig mc;
      msp::FabricMSPConfig fc;
      ASSERT_TRUE(mc.ParseFromString(group.values().at("MSP").value()));
      ASSERT_TRUE(fc.ParseFromString(mc.config()));
      want.insert(name + "=" + fc.name() + (std::string(section) == "Orderer" ? "/o" : "/a"));
    }
  }
  for (const Organization& org : config->organizations()) {
    got.insert(org.name + "=" + org.mspid + (org.orderer ? "/o" : "/a"));
    EXPECT_NE(config->msps().Find(org.mspid), nullptr) << org.mspid;
  }
  EXPECT_EQ(got, want);

  for (const char* path :
       {"/Channel/Readers", "/Channel/Writers", "/Channel/Admins",
        "/Channel/Application/Endorsement", "/Channel/Application/LifecycleEndorsement",
        "/Channel/Orderer/BlockValidation"}) {
    EXPECT_TRUE(config->policies().Get(path).ok()) << path;
  }
  EXPECT_FALSE(config->policies().Get("/Channel/Application/NoSuchPolicy").ok());

  // Capabilities as the config lists them.
  common::Capabilities caps;
  ASSERT_TRUE(caps.ParseFromString(root.values().at("Capabilities").value()));
  ASSERT_GT(caps.capabilities_size(), 0);
  for (const auto& [name, unused] : caps.capabilities()) {
    EXPECT_EQ(config->channel_capabilities().count(name), 1u) << name;
  }
  EXPECT_FALSE(config->application_capabilities().empty());
}

// The CRL that the CONFIG block 17 adds to Org1's MSP revokes User2@org1 from then on.
TEST(ChannelConfigTest, LaterConfigBlockReplacesTheConfiguration) {
  auto genesis = Config("genesis.block");
  auto updated = Config("blocks/000017.block");
  ASSERT_NE(genesis, nullptr);
  ASSERT_NE(updated, nullptr);
  EXPECT_GT(updated->sequence(), genesis->sequence());
  for (const char* user : {"User1", "User2"}) {
    auto before = genesis->msps().Deserialize(Org1User(user));
    auto after = updated->msps().Deserialize(Org1User(user));
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_TRUE(genesis->msps().Validate(**before).ok()) << user;
    EXPECT_EQ(updated->msps().Validate(**after).ok(), std::string(user) == "User1") << user;
  }
}

TEST(ChannelConfigTest, RejectsBlocksThatAreNotConfig) {
  auto block = Block("blocks/000002.block");
  ASSERT_NE(block, nullptr);
  auto c = ChannelConfig::FromBlock(*block);
  EXPECT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not a config block"), std::string::npos);
}

}  // namespace
}  // namespace fabric::channelconfig
