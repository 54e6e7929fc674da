#include "lib/identity/msp_manager.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/identity/testing/fixtures.h"

namespace fabric::identity {
namespace {

using ::fabric::identity::testing::AllIdentities;
using ::fabric::identity::testing::Find;
using ::fabric::identity::testing::MspsFromBlock;
using ::fabric::identity::testing::Serialize;
using ::fabric::identity::testing::TestIdentity;
using ::fabric::identity::testing::Vector;
using ::testing::HasSubstr;

std::shared_ptr<const MspManager> Manager(size_t cache_capacity) {
  absl::StatusOr<std::vector<std::unique_ptr<Msp>>> msps = MspsFromBlock(Vector("genesis.block"));
  EXPECT_TRUE(msps.ok()) << msps.status();
  MspManagerOptions options;
  options.cache_capacity = cache_capacity;
  absl::StatusOr<std::shared_ptr<const MspManager>> mgr =
      MspManager::Create(std::move(*msps), options);
  EXPECT_TRUE(mgr.ok()) << mgr.status();
  return *mgr;
}

common::MSPPrincipal Member(const std::string& mspid) {
  common::MSPRole r;
  r.set_msp_identifier(mspid);
  r.set_role(common::MSPRole::MEMBER);
  common::MSPPrincipal p;
  p.set_principal(r.SerializeAsString());
  return p;
}

TEST(MspManagerTest, CachesDeserializedIdentities) {
  std::shared_ptr<const MspManager> mgr = Manager(16);
  std::string creator = Serialize("Org1MSP", Find("User1@org1.example.com").cert_pem);
  auto a = mgr->Deserialize(creator);
  auto b = mgr->Deserialize(creator);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->get(), b->get());  // the same object, from the cache
  EXPECT_EQ((*a)->serialized(), creator);
  EXPECT_TRUE(mgr->Validate(**a).ok());
  EXPECT_TRUE(mgr->Validate(**b).ok());
}

TEST(MspManagerTest, TinyCachesGiveTheSameAnswers) {
  std::shared_ptr<const MspManager> big = Manager(4096), tiny = Manager(1);
  for (int round = 0; round < 2; ++round) {
    for (const TestIdentity& t : AllIdentities()) {
      std::string creator = Serialize(t.mspid, t.cert_pem);
      auto x = big->Deserialize(creator);
      auto y = tiny->Deserialize(creator);
      ASSERT_TRUE(x.ok() && y.ok()) << t.name;
      EXPECT_EQ((*x)->id(), (*y)->id());
      EXPECT_EQ(big->Validate(**x).ok(), tiny->Validate(**y).ok()) << t.name;
      for (const std::string& mspid : big->names()) {
        EXPECT_EQ(big->SatisfiesPrincipal(**x, Member(mspid)).ok(),
                  tiny->SatisfiesPrincipal(**y, Member(mspid)).ok())
            << t.name << " " << mspid;
      }
    }
  }
}

TEST(MspManagerTest, ConcurrentValidation) {
  std::shared_ptr<const MspManager> mgr = Manager(64);
  std::vector<TestIdentity> all = AllIdentities();
  std::atomic<int> valid{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < all.size(); ++i) {
        const TestIdentity& who = all[(i + t) % all.size()];
        auto id = mgr->Deserialize(Serialize(who.mspid, who.cert_pem));
        ASSERT_TRUE(id.ok());
        if (mgr->Validate(**id).ok() && mgr->SatisfiesPrincipal(**id, Member(who.mspid)).ok()) {
          ++valid;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  // Two identities are revoked in the genesis config.
  EXPECT_EQ(valid.load(), 8 * static_cast<int>(all.size() - 2));
}

TEST(MspManagerTest, LookupsAndErrors) {
  std::shared_ptr<const MspManager> mgr = Manager(16);
  EXPECT_THAT(mgr->names(), ::testing::ElementsAre("OrdererMSP", "Org1MSP", "Org2MSP", "Org3MSP"));
  EXPECT_NE(mgr->Find("Org2MSP"), nullptr);
  EXPECT_EQ(mgr->Find("Org9MSP"), nullptr);
  EXPECT_THAT(std::string(mgr->Deserialize(Serialize("Org9MSP", "x")).status().message()),
              HasSubstr("MSP Org9MSP is not defined on channel"));
  EXPECT_FALSE(mgr->Deserialize("\xff\xff\xff").ok());

  // The identity's own MSP answers, whatever MSP the principal names.
  auto peer = mgr->Deserialize(Serialize("Org1MSP", Find("peer0.org1.example.com").cert_pem));
  ASSERT_TRUE(peer.ok());
  EXPECT_TRUE(mgr->SatisfiesPrincipal(**peer, Member("Org1MSP")).ok());
  EXPECT_FALSE(mgr->SatisfiesPrincipal(**peer, Member("Org2MSP")).ok());

  // An identity from another channel's manager whose MSP this one lacks.
  absl::StatusOr<std::vector<std::unique_ptr<Msp>>> msps = MspsFromBlock(Vector("genesis.block"));
  ASSERT_TRUE(msps.ok());
  std::vector<std::unique_ptr<Msp>> only_org2;
  for (auto& m : *msps) {
    if (m->name() == "Org2MSP") only_org2.push_back(std::move(m));
  }
  auto small = MspManager::Create(std::move(only_org2));
  ASSERT_TRUE(small.ok());
  EXPECT_FALSE((*small)->Validate(**peer).ok());
}

TEST(MspManagerTest, RejectsDuplicateMsps) {
  absl::StatusOr<std::vector<std::unique_ptr<Msp>>> a = MspsFromBlock(Vector("genesis.block"));
  absl::StatusOr<std::vector<std::unique_ptr<Msp>>> b = MspsFromBlock(Vector("genesis.block"));
  ASSERT_TRUE(a.ok() && b.ok());
  a->push_back(std::move(b->front()));
  EXPECT_FALSE(MspManager::Create(std::move(*a)).ok());
  std::vector<std::unique_ptr<Msp>> with_null;
  with_null.push_back(nullptr);
  EXPECT_FALSE(MspManager::Create(std::move(with_null)).ok());
}

}  // namespace
}  // namespace fabric::identity
