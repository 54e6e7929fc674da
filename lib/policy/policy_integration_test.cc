// Policies with real MSPs, certificates and signatures: the genesis config of the
// conformance vectors, cryptogen identities signing fresh data. Covers cauthdsl's order
// sensitivity, Fabric's signature-set de-duplication, dropped signatures, ImplicitMeta
// over the three orgs, the orderer's BlockValidation, and the chaincode policies.
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "lib/identity/testing/fixtures.h"
#include "lib/policy/application_policy.h"
#include "lib/policy/dsl.h"
#include "lib/policy/implicit_meta.h"
#include "lib/policy/manager.h"
#include "lib/policy/signature_policy.h"
#include "lib/policy/signature_set.h"
#include "lib/policy/testing/deep_policies.h"
#include "lib/policy/testing/signers.h"
#include "lib/testing/small_stack.h"
#include "lib/testing/testdata.h"
#include "nlohmann/json.hpp"

namespace fabric::policy {
namespace {

// Who signs, by short name: MSP id and directory under msp/.
const std::map<std::string, std::pair<std::string, std::string>>& Members() {
  static const auto* members = new std::map<std::string, std::pair<std::string, std::string>>{
      {"peer0.org1",
       {"Org1MSP", "peerOrganizations/org1.example.com/peers/peer0.org1.example.com"}},
      {"user1.org1",
       {"Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com"}},
      {"admin.org1",
       {"Org1MSP", "peerOrganizations/org1.example.com/users/Admin@org1.example.com"}},
      {"peer0.org2",
       {"Org2MSP", "peerOrganizations/org2.example.com/peers/peer0.org2.example.com"}},
      {"peer2.org2",
       {"Org2MSP", "peerOrganizations/org2.example.com/peers/peer2.org2.example.com"}},
      {"user1.org2",
       {"Org2MSP", "peerOrganizations/org2.example.com/users/User1@org2.example.com"}},
      {"user3.org2",
       {"Org2MSP", "peerOrganizations/org2.example.com/users/User3@org2.example.com"}},
      {"peer0.org3",
       {"Org3MSP", "peerOrganizations/org3.example.com/peers/peer0.org3.example.com"}},
      {"admin.org3",
       {"Org3MSP", "peerOrganizations/org3.example.com/users/Admin@org3.example.com"}},
      {"orderer0",
       {"OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com"}},
      {"admin.orderer", {"OrdererMSP", "ordererOrganizations/example.com/users/Admin@example.com"}},
      {"rogue.org1", {"Org1MSP", "rogue/peers/peer0.org1.example.com"}},
      {"rogue.org9", {"Org9MSP", "rogue/users/User1@org1.example.com"}},
  };
  return *members;
}

class PolicyIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto config = LoadGenesisConfig();
    ASSERT_TRUE(config.ok()) << config.status();
    // The genesis config's MSPs, built as the identity tests build them.
    auto msps = identity::testing::ManagerFromBlock(identity::testing::Vector("genesis.block"));
    ASSERT_TRUE(msps.ok()) << msps.status();
    msps_ = new std::shared_ptr<const identity::MspManager>(*msps);
    auto pm = PolicyManager::Create(config->channel_group());
    ASSERT_TRUE(pm.ok()) << pm.status();
    policies_ = new std::shared_ptr<const PolicyManager>(*pm);
    signers_ = new std::map<std::string, std::unique_ptr<identity::SigningIdentity>>();
    for (const auto& [name, member] : Members()) {
      auto signer = LoadSigner(member.first, member.second);
      ASSERT_TRUE(signer.ok()) << name << ": " << signer.status();
      (*signers_)[name] = *std::move(signer);
    }
  }

  // One signature per name, over data of its own; "!name" signs with a bad signature.
  static std::vector<SignedData> Sign(const std::vector<std::string>& names) {
    std::vector<SignedData> out;
    for (std::string name : names) {
      const bool bad = name[0] == '!';
      if (bad) name = name.substr(1);
      auto sd = SignData(*signers_->at(name), "payload signed by " + name);
      EXPECT_TRUE(sd.ok()) << sd.status();
      if (bad) sd->data += " (tampered)";
      out.push_back(*std::move(sd));
    }
    return out;
  }

  static std::unique_ptr<SignatureSet> Set(const std::vector<std::string>& names) {
    return std::make_unique<SignatureSet>(Sign(names), *msps_);
  }

  static bool Holds(absl::string_view dsl, const std::vector<std::string>& names) {
    auto env = CompileDsl(dsl);
    EXPECT_TRUE(env.ok()) << env.status();
    auto policy = SignaturePolicy::Compile(*env);
    EXPECT_TRUE(policy.ok()) << policy.status();
    return (*policy)->Evaluate(*Set(names)).ok();
  }

  static bool ChannelHolds(absl::string_view path, const std::vector<std::string>& names) {
    auto policy = (*policies_)->Get(path);
    EXPECT_TRUE(policy.ok()) << policy.status();
    return policy.ok() && (*policy)->Evaluate(*Set(names)).ok();
  }

  static std::shared_ptr<const identity::MspManager>* msps_;
  static std::shared_ptr<const PolicyManager>* policies_;
  static std::map<std::string, std::unique_ptr<identity::SigningIdentity>>* signers_;
};

std::shared_ptr<const identity::MspManager>* PolicyIntegration::msps_ = nullptr;
std::shared_ptr<const PolicyManager>* PolicyIntegration::policies_ = nullptr;
std::map<std::string, std::unique_ptr<identity::SigningIdentity>>* PolicyIntegration::signers_ =
    nullptr;

TEST_F(PolicyIntegration, GreedyMatchDependsOnSignatureOrder) {
  // The peer is a member too; taken first for 'member', it is gone when 'peer' looks.
  EXPECT_FALSE(Holds("AND('Org1MSP.member', 'Org1MSP.peer')", {"peer0.org1", "user1.org1"}));
  EXPECT_TRUE(Holds("AND('Org1MSP.member', 'Org1MSP.peer')", {"user1.org1", "peer0.org1"}));
  EXPECT_TRUE(Holds("AND('Org1MSP.peer', 'Org1MSP.member')", {"peer0.org1", "user1.org1"}));
  // Every sub-rule of an OR runs: here it uses both signers and starves the later 'peer'.
  EXPECT_FALSE(Holds("AND(OR('Org1MSP.member', 'Org1MSP.peer'), 'Org1MSP.peer')",
                     {"user1.org1", "peer0.org1"}));
}

TEST_F(PolicyIntegration, DuplicatesCountOnce) {
  auto set = Set({"peer0.org1", "peer0.org1", "peer0.org1"});
  EXPECT_EQ(set->size(), 1u);
  EXPECT_EQ(set->num_dropped(), 2u);
  EXPECT_FALSE(Holds("AND('Org1MSP.member', 'Org1MSP.member')", {"peer0.org1", "peer0.org1"}));
  EXPECT_TRUE(Holds("AND('Org1MSP.member', 'Org1MSP.member')", {"peer0.org1", "user1.org1"}));
}

// A key is recorded only once its signature verified: a good copy after a bad one is
// accepted; a bad copy after a good one is skipped unverified.
TEST_F(PolicyIntegration, DuplicateAfterBadSignatureIsStillVerified) {
  EXPECT_EQ(Set({"!peer0.org1", "peer0.org1"})->size(), 1u);
  EXPECT_EQ(Set({"peer0.org1", "!peer0.org1"})->size(), 1u);
  EXPECT_EQ(Set({"!peer0.org1", "!peer0.org1"})->size(), 0u);
  EXPECT_TRUE(Holds("OR('Org1MSP.peer')", {"!peer0.org1", "peer0.org1"}));
}

TEST_F(PolicyIntegration, BadSignaturesAndUnknownMspsAreDropped) {
  EXPECT_FALSE(Holds("OR('Org1MSP.peer')", {"!peer0.org1"}));
  auto set = Set({"!peer0.org1", "rogue.org9", "peer0.org2"});
  ASSERT_EQ(set->size(), 1u);
  EXPECT_EQ(set->identities()[0]->mspid(), "Org2MSP");
  // Garbage where the identity should be.
  std::vector<SignedData> garbage = Sign({"peer0.org2"});
  garbage[0].identity = "not a SerializedIdentity";
  EXPECT_EQ(SignatureSet(std::move(garbage), *msps_).size(), 0u);
}

// Identities that deserialize and sign but do not validate (a CA outside the MSP,
// a revoked certificate) stay in the set and satisfy no principal.
TEST_F(PolicyIntegration, InvalidIdentitiesSatisfyNoPrincipal) {
  EXPECT_FALSE(Holds("OR('Org1MSP.member')", {"rogue.org1"}));
  EXPECT_FALSE(Holds("OR('Org2MSP.member')", {"user3.org2"}));
  EXPECT_FALSE(Holds("OR('Org2MSP.peer')", {"peer2.org2"}));
  EXPECT_TRUE(Holds("OR('Org2MSP.peer')", {"peer2.org2", "peer0.org2"}));
}

TEST_F(PolicyIntegration, RolesAndNesting) {
  const char* nested = "OR(AND('Org1MSP.member', 'Org2MSP.member'), 'Org3MSP.admin')";
  EXPECT_TRUE(Holds(nested, {"admin.org3"}));
  EXPECT_FALSE(Holds(nested, {"peer0.org3"}));
  EXPECT_FALSE(Holds(nested, {"user1.org1"}));
  EXPECT_TRUE(Holds(nested, {"user1.org2", "peer0.org1"}));
  EXPECT_TRUE(Holds("OR('Org1MSP.admin')", {"admin.org1"}));
  EXPECT_FALSE(Holds("OR('Org1MSP.admin')", {"user1.org1"}));
  EXPECT_TRUE(Holds("OR('Org1MSP.client')", {"user1.org1"}));
  EXPECT_FALSE(Holds("OR('Org1MSP.client')", {"peer0.org1"}));
  EXPECT_TRUE(Holds("OR('OrdererMSP.orderer')", {"orderer0"}));
  EXPECT_TRUE(Holds("OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
                    {"peer0.org3", "peer0.org1"}));
}

TEST_F(PolicyIntegration, ApplicationEndorsementIsMajorityOfThreeOrgs) {
  const char* path = "/Channel/Application/Endorsement";
  EXPECT_FALSE(ChannelHolds(path, {}));
  EXPECT_FALSE(ChannelHolds(path, {"peer0.org1"}));
  EXPECT_FALSE(ChannelHolds(path, {"peer0.org1", "user1.org2"}));  // org Endorsement = peer
  EXPECT_TRUE(ChannelHolds(path, {"peer0.org1", "peer0.org2"}));
  EXPECT_TRUE(ChannelHolds(path, {"peer0.org3", "peer0.org1", "peer0.org2"}));
  auto status = (*(*policies_)->Get(path))->Evaluate(*Set({"peer0.org3"}));
  EXPECT_EQ(status.message(),
            "implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy "
            "requires 2 of the 'Endorsement' sub-policies to be satisfied");
}

// ANY, ALL and MAJORITY over the orgs' real Endorsement policies, with 1, 2, 3 orgs.
TEST_F(PolicyIntegration, AnyAllMajorityOverOrgEndorsements) {
  std::vector<std::shared_ptr<const Policy>> orgs;
  for (const char* org : {"Org1MSP", "Org2MSP", "Org3MSP"}) {
    auto p = (*policies_)->Get(std::string("/Channel/Application/") + org + "/Endorsement");
    ASSERT_TRUE(p.ok()) << p.status();
    orgs.push_back(std::shared_ptr<const Policy>(*policies_, *p));
  }
  const std::vector<std::vector<std::string>> signers = {
      {"peer0.org2"}, {"peer0.org2", "peer0.org3"}, {"peer0.org1", "peer0.org2", "peer0.org3"}};
  const std::map<int, std::vector<bool>> want = {
      {common::ImplicitMetaPolicy::ANY, {true, true, true}},
      {common::ImplicitMetaPolicy::MAJORITY, {false, true, true}},
      {common::ImplicitMetaPolicy::ALL, {false, false, true}},
  };
  for (const auto& [rule, verdicts] : want) {
    common::ImplicitMetaPolicy def;
    def.set_rule(static_cast<common::ImplicitMetaPolicy::Rule>(rule));
    def.set_sub_policy("Endorsement");
    ImplicitMetaPolicy meta(def, orgs);
    for (size_t k = 0; k < signers.size(); ++k) {
      EXPECT_EQ(meta.Evaluate(*Set(signers[k])).ok(), verdicts[k])
          << ImplicitMetaToString(def) << " with " << k + 1 << " org(s)";
    }
  }
}

TEST_F(PolicyIntegration, ReadersWritersAndBlockValidation) {
  // Org Readers: admin, peer or client; Writers: admin or client.
  EXPECT_TRUE(ChannelHolds("/Channel/Application/Readers", {"peer0.org2"}));
  EXPECT_FALSE(ChannelHolds("/Channel/Application/Writers", {"peer0.org2"}));
  EXPECT_TRUE(ChannelHolds("/Channel/Application/Writers", {"user1.org2"}));
  EXPECT_FALSE(ChannelHolds("/Channel/Application/Readers", {"orderer0"}));
  EXPECT_TRUE(ChannelHolds("/Channel/Readers", {"orderer0"}));
  EXPECT_TRUE(ChannelHolds("/Channel/Readers", {"peer0.org1"}));
  EXPECT_TRUE(ChannelHolds("/Channel/Writers", {"user1.org1"}));
  EXPECT_FALSE(ChannelHolds("/Channel/Writers", {"peer0.org1"}));
  // BlockValidation: any orderer org member, its admin included.
  EXPECT_TRUE(ChannelHolds("/Channel/Orderer/BlockValidation", {"orderer0"}));
  EXPECT_TRUE(ChannelHolds("/Channel/Orderer/BlockValidation", {"admin.orderer"}));
  EXPECT_FALSE(ChannelHolds("/Channel/Orderer/BlockValidation", {"peer0.org1", "admin.org1"}));
  EXPECT_FALSE(ChannelHolds("/Channel/Orderer/BlockValidation", {"!orderer0"}));
}

// A set of one signer verified by the caller answers as the set of its signed data.
TEST_F(PolicyIntegration, VerifiedSignerSetEqualsItsSignedDataSet) {
  for (const char* name : {"peer0.org2", "user1.org2", "orderer0"}) {
    auto id = (*msps_)->Deserialize(signers_->at(name)->serialized());
    ASSERT_TRUE(id.ok()) << id.status();
    SignatureSet verified(*id, *msps_);
    ASSERT_EQ(verified.size(), 1u);
    EXPECT_EQ(verified.num_dropped(), 0u);
    for (const char* path : {"/Channel/Application/Readers", "/Channel/Application/Writers",
                             "/Channel/Orderer/BlockValidation"}) {
      auto policy = (*policies_)->Get(path);
      ASSERT_TRUE(policy.ok()) << policy.status();
      EXPECT_EQ((*policy)->Evaluate(verified).ok(), ChannelHolds(path, {name}))
          << name << " " << path;
    }
  }
}

// The chaincode definitions' ApplicationPolicy bytes, as Fabric wrote them.
TEST_F(PolicyIntegration, ConformanceChaincodePolicies) {
  auto text = testing::ReadFile(testing::ConformanceDir() + "/expected.json");
  ASSERT_TRUE(text.ok());
  const nlohmann::json expected = nlohmann::json::parse(*text);
  std::map<std::string, std::shared_ptr<const Policy>> cc;
  for (const nlohmann::json& c : expected["chaincodes"]) {
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(c["application_policy_b64"].get<std::string>(), &bytes));
    auto policy = CompileApplicationPolicy(bytes, *policies_);
    ASSERT_TRUE(policy.ok()) << policy.status();
    cc[c["name"].get<std::string>()] = *policy;
  }
  auto holds = [&](const std::string& name, const std::vector<std::string>& names) {
    return cc.at(name)->Evaluate(*Set(names)).ok();
  };
  EXPECT_TRUE(holds("cc_or", {"peer0.org2"}));
  EXPECT_FALSE(holds("cc_or", {"peer0.org3"}));
  EXPECT_FALSE(holds("cc_and", {"peer0.org1"}));
  EXPECT_TRUE(holds("cc_and", {"peer0.org2", "peer0.org1"}));
  EXPECT_FALSE(holds("cc_2of3", {"peer0.org3", "user1.org1"}));
  EXPECT_TRUE(holds("cc_2of3", {"peer0.org3", "peer0.org1"}));
  EXPECT_FALSE(holds("cc_meta", {"peer0.org3"}));
  EXPECT_TRUE(holds("cc_meta", {"peer0.org3", "peer0.org2"}));
  EXPECT_TRUE(holds("cc_nested", {"admin.org3"}));
  EXPECT_TRUE(holds("cc_nested", {"user1.org1", "peer0.org2"}));
}

// One set, verified once, evaluated against several policies from several threads.
TEST_F(PolicyIntegration, OneSetManyPoliciesManyThreads) {
  auto set = Set({"peer0.org1", "peer0.org2", "!peer0.org3", "user1.org1"});
  const Policy* endorsement = *(*policies_)->Get("/Channel/Application/Endorsement");
  const Policy* writers = *(*policies_)->Get("/Channel/Application/Writers");
  const Policy* blocks = *(*policies_)->Get("/Channel/Orderer/BlockValidation");
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!endorsement->Evaluate(*set).ok()) ++failures[t];
        if (!writers->Evaluate(*set).ok()) ++failures[t];
        if (blocks->Evaluate(*set).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
  EXPECT_EQ(set->size(), 3u);
}

// A principal nesting COMBINED principals 150,000 deep (each level its own bytes, so no
// protobuf limit applies) is checked as Fabric's collectPrincipals checks it, in time
// linear in its size, and a failure's message stays short: on a 1 MiB stack, as the
// validator's and a host's threads have.
TEST_F(PolicyIntegration, DeepCombinedPrincipalsOnASmallStack) {
  common::SignaturePolicyEnvelope env;
  *env.add_identities() = testing::NestedCombined(150000, testing::MemberOf("Org1MSP"));
  env.mutable_rule()->set_signed_by(0);
  fabric::testing::RunOnSmallStack([&] {
    auto policy = SignaturePolicy::Compile(env);
    ASSERT_TRUE(policy.ok()) << policy.status();
    EXPECT_TRUE((*policy)->Evaluate(*Set({"user1.org1"})).ok());
    absl::Status denied = (*policy)->Evaluate(*Set({"user1.org2"}));
    EXPECT_TRUE(absl::IsPermissionDenied(denied)) << denied;
    EXPECT_LT(denied.message().size(), 450u);
    EXPECT_EQ(denied.message().rfind("signature set did not satisfy policy Combined(Combined(", 0),
              0u)
        << denied.message();
    const std::string text = ToDsl(env);
    EXPECT_EQ(text.size(), kMaxDslText + 3);
  });
}

}  // namespace
}  // namespace fabric::policy
