// The policy manager on synthetic configs: paths, Fabric's id matching, ImplicitMeta
// wiring to child groups, errors that fail the whole manager, application policies.
// (The real genesis config: policy_integration_test.cc.)
#include "lib/policy/manager.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/policy/application_policy.h"
#include "lib/policy/dsl.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::policy {
namespace {

// Signers named by the MSP ids whose 'MSPID.peer' principal they satisfy.
class PeersOf : public Signers {
 public:
  explicit PeersOf(std::vector<std::string> msps) : msps_(std::move(msps)) {}
  size_t size() const override { return msps_.size(); }
  bool SatisfiesPrincipal(size_t i, const common::MSPPrincipal& p) const override {
    common::MSPRole role;
    return role.ParseFromString(p.principal()) && role.role() == common::MSPRole::PEER &&
           role.msp_identifier() == msps_[i];
  }

 private:
  std::vector<std::string> msps_;
};

void AddSignature(common::ConfigGroup& group, const std::string& name, const std::string& dsl) {
  auto env = CompileDsl(dsl);
  ASSERT_TRUE(env.ok()) << env.status();
  common::Policy* p = (*group.mutable_policies())[name].mutable_policy();
  p->set_type(common::Policy::SIGNATURE);
  p->set_value(env->SerializeAsString());
}

void AddMeta(common::ConfigGroup& group, const std::string& name, const std::string& text) {
  auto meta = ParseImplicitMeta(text);
  ASSERT_TRUE(meta.ok()) << meta.status();
  common::Policy* p = (*group.mutable_policies())[name].mutable_policy();
  p->set_type(common::Policy::IMPLICIT_META);
  p->set_value(meta->SerializeAsString());
}

// Channel{Application{Org1MSP, Org2MSP, Org3MSP}}: each org's Endorsement is
// OR('OrgN.peer'); Application/Endorsement is MAJORITY Endorsement.
common::ConfigGroup ThreeOrgs() {
  common::ConfigGroup channel;
  common::ConfigGroup& app = (*channel.mutable_groups())["Application"];
  for (int n = 1; n <= 3; ++n) {
    const std::string msp = absl::StrCat("Org", n, "MSP");
    AddSignature((*app.mutable_groups())[msp], "Endorsement", absl::StrCat("OR('", msp, ".peer')"));
  }
  AddMeta(app, "Endorsement", "MAJORITY Endorsement");
  AddMeta(app, "Readers", "ANY Readers");  // no org has Readers
  AddMeta(channel, "Endorsement", "ALL Endorsement");
  return channel;
}

std::shared_ptr<const PolicyManager> Manager(const common::ConfigGroup& channel) {
  auto pm = PolicyManager::Create(channel);
  EXPECT_TRUE(pm.ok()) << pm.status();
  return pm.ok() ? *pm : nullptr;
}

bool Holds(const PolicyManager& pm, absl::string_view id, std::vector<std::string> signers) {
  auto p = pm.Get(id);
  EXPECT_TRUE(p.ok()) << id << ": " << p.status();
  return p.ok() && (*p)->Evaluate(PeersOf(std::move(signers))).ok();
}

TEST(PolicyManager, EveryPolicyHasAPath) {
  auto pm = Manager(ThreeOrgs());
  EXPECT_EQ(pm->Paths(), (std::vector<std::string>{
                             "/Channel/Application/Endorsement",
                             "/Channel/Application/Org1MSP/Endorsement",
                             "/Channel/Application/Org2MSP/Endorsement",
                             "/Channel/Application/Org3MSP/Endorsement",
                             "/Channel/Application/Readers",
                             "/Channel/Endorsement",
                         }));
}

TEST(PolicyManager, IdsAreMatchedAsFabricDoes) {
  auto pm = Manager(ThreeOrgs());
  const Policy* want = *pm->Get("/Channel/Application/Endorsement");
  EXPECT_EQ(*pm->Get("Application/Endorsement"), want);
  // Fabric checks the "/Channel" prefix and skips one more byte, whatever it is.
  EXPECT_EQ(*pm->Get("/ChannelXApplication/Endorsement"), want);
  for (const char* id : {"", "/", "/Channel", "/Channel/", "/Other/Application/Endorsement",
                         "Endorsement/", "/Channel/Application/Org4MSP/Endorsement"}) {
    auto p = pm->Get(id);
    EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound) << id;
  }
  EXPECT_EQ(pm->Get("/Channel/Nope").status().message(), "no such policy: '/Channel/Nope'");
}

TEST(PolicyManager, ImplicitMetaOverChildGroups) {
  auto pm = Manager(ThreeOrgs());
  const std::string majority = "/Channel/Application/Endorsement";
  EXPECT_FALSE(Holds(*pm, majority, {"Org1MSP"}));
  EXPECT_TRUE(Holds(*pm, majority, {"Org1MSP", "Org3MSP"}));
  EXPECT_TRUE(Holds(*pm, majority, {"Org3MSP", "Org2MSP", "Org1MSP"}));
  EXPECT_FALSE(Holds(*pm, majority, {"Org1MSP", "Org1MSP", "Org9MSP"}));
  // Channel/Endorsement = ALL of one child (Application), itself an ImplicitMeta.
  EXPECT_TRUE(Holds(*pm, "/Channel/Endorsement", {"Org1MSP", "Org2MSP"}));
  EXPECT_FALSE(Holds(*pm, "/Channel/Endorsement", {"Org2MSP"}));
  // ANY Readers over orgs that have no Readers: never holds.
  EXPECT_FALSE(Holds(*pm, "/Channel/Application/Readers", {"Org1MSP", "Org2MSP", "Org3MSP"}));
}

TEST(PolicyManager, BadPoliciesFailTheManager) {
  common::ConfigGroup channel = ThreeOrgs();
  common::ConfigGroup& org2 =
      (*(*channel.mutable_groups())["Application"].mutable_groups())["Org2MSP"];
  (*org2.mutable_policies())["Msp"].mutable_policy()->set_type(common::Policy::MSP);
  EXPECT_EQ(PolicyManager::Create(channel).status().message(),
            "policy Msp at path Channel/Application/Org2MSP has unknown policy type: 2");

  org2.mutable_policies()->erase("Msp");
  (*org2.mutable_policies())["Nil"];
  EXPECT_EQ(PolicyManager::Create(channel).status().message(),
            "policy Nil at path Channel/Application/Org2MSP was nil");

  org2.mutable_policies()->erase("Nil");
  common::Policy* bad = (*org2.mutable_policies())["Bad"].mutable_policy();
  bad->set_type(common::Policy::SIGNATURE);
  auto env = CompileDsl("OR('Org2MSP.peer')");
  env->set_version(2);
  bad->set_value(env->SerializeAsString());
  EXPECT_EQ(PolicyManager::Create(channel).status().message(),
            "policy Bad at path Channel/Application/Org2MSP did not compile: This evaluator only "
            "understands messages of version 0, but version was 2");

  bad->set_type(common::Policy::IMPLICIT_META);
  bad->set_value("\xff");
  EXPECT_EQ(PolicyManager::Create(channel).status().message(),
            "implicit policy Bad at path Channel/Application/Org2MSP did not compile: Error "
            "unmarshalling to ImplicitMetaPolicy: not a valid common.ImplicitMetaPolicy");
}

TEST(ApplicationPolicy, SignaturePolicyOrChannelReference) {
  auto pm = Manager(ThreeOrgs());
  protos::ApplicationPolicy by_reference;
  by_reference.set_channel_config_policy_reference("/Channel/Application/Endorsement");
  auto meta = CompileApplicationPolicy(by_reference.SerializeAsString(), pm);
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(meta->get(), *pm->Get("/Channel/Application/Endorsement"));
  EXPECT_TRUE((*meta)->Evaluate(PeersOf({"Org1MSP", "Org2MSP"})).ok());

  protos::ApplicationPolicy signature;
  *signature.mutable_signature_policy() = *CompileDsl("AND('Org1MSP.peer', 'Org3MSP.peer')");
  signature.mutable_signature_policy()->set_version(5);  // not checked for chaincodes
  auto and13 = CompileApplicationPolicy(signature, pm);
  ASSERT_TRUE(and13.ok()) << and13.status();
  EXPECT_FALSE((*and13)->Evaluate(PeersOf({"Org1MSP", "Org2MSP"})).ok());
  EXPECT_TRUE((*and13)->Evaluate(PeersOf({"Org3MSP", "Org1MSP"})).ok());

  by_reference.set_channel_config_policy_reference("/Channel/Application/Nope");
  EXPECT_EQ(CompileApplicationPolicy(by_reference, pm).status().message(),
            "could not create evaluator for channel reference policy: failed to retrieve policy "
            "for reference /Channel/Application/Nope");
  EXPECT_FALSE(CompileApplicationPolicy(protos::ApplicationPolicy(), pm).ok());
  EXPECT_EQ(CompileApplicationPolicy("\xff", pm).status().message(),
            "failed to unmarshal ApplicationPolicy bytes");
  signature.mutable_signature_policy()->clear_rule();
  EXPECT_EQ(CompileApplicationPolicy(signature, pm).status().message(),
            "could not create evaluator for signature policy: Empty policy element");
}

// A referenced policy keeps its manager alive.
TEST(ApplicationPolicy, ReferenceOutlivesManagerHandle) {
  auto pm = Manager(ThreeOrgs());
  protos::ApplicationPolicy ref;
  ref.set_channel_config_policy_reference("/Channel/Application/Endorsement");
  auto policy = CompileApplicationPolicy(ref, pm);
  ASSERT_TRUE(policy.ok());
  pm.reset();
  EXPECT_TRUE((*policy)->Evaluate(PeersOf({"Org1MSP", "Org2MSP"})).ok());
}

}  // namespace
}  // namespace fabric::policy
