// The sample material: its genesis block loads as a channel config of the asked orgs,
// and the identities read from it sign as members that config's MSPs validate.
#include "lib/testnet/material.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/signing_identity.h"
#include "lib/testing/temp_dir.h"
#include "lib/wire/block.h"

namespace fabric::testnet {
namespace {

TEST(MaterialTest, GenesisBlockOfTheAskedOrgsValidatesTheirIdentities) {
  const std::string root = fabric::testing::FreshTempDir("material_test");
  ASSERT_TRUE(GenerateCrypto(root, 3, 1, 1).ok());
  auto genesis = SampleGenesisBlock(root, "mychannel", {1, 3}, 10);
  ASSERT_TRUE(genesis.ok()) << genesis.status();
  auto block = wire::ParsedBlock::Parse(*genesis);
  ASSERT_TRUE(block.ok()) << block.status();
  auto config = channelconfig::ChannelConfig::FromBlock(**block);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ((*config)->channel_id(), "mychannel");
  std::vector<std::string> mspids;
  for (const auto& org : (*config)->organizations()) mspids.push_back(org.mspid);
  std::sort(mspids.begin(), mspids.end());
  EXPECT_EQ(mspids, (std::vector<std::string>{"OrdererMSP", "Org1MSP", "Org3MSP"}));

  for (const auto& [org, who] :
       {std::pair{PeerOrgSpec(3, 1, 1), "User1"}, std::pair{PeerOrgSpec(1, 1, 1), "peer0"},
        std::pair{OrdererOrgSpec(), "orderer0"}}) {
    auto pem = ReadIdentity(root, org, who);
    ASSERT_TRUE(pem.ok()) << who << ": " << pem.status();
    EXPECT_EQ(pem->mspid, org.mspid);
    auto signer = identity::SigningIdentity::FromPem(pem->mspid, pem->cert_pem, pem->key_pem);
    ASSERT_TRUE(signer.ok()) << who << ": " << signer.status();
    auto id = (*config)->msps().Deserialize((*signer)->serialized());
    ASSERT_TRUE(id.ok()) << who << ": " << id.status();
    EXPECT_TRUE((*config)->msps().Validate(**id).ok()) << who;
  }
}

TEST(MaterialTest, MissingMaterialIsAnError) {
  const std::string root = fabric::testing::FreshTempDir("material_missing");
  ASSERT_TRUE(GenerateCrypto(root, 1, 1, 1).ok());
  EXPECT_EQ(ReadIdentity(root, PeerOrgSpec(1, 1, 1), "User7").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(SampleGenesisBlock(root, "mychannel", {1, 2}, 10).ok());  // no Org2
  EXPECT_FALSE(SampleGenesisBlock(root, "mychannel", {1}, 0).ok());      // no batch size
}

}  // namespace
}  // namespace fabric::testnet
