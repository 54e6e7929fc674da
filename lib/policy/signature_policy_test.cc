// cauthdsl semantics on a fake signer list: greedy first match, marks kept only from
// satisfied sub-rules, every sub-rule evaluated, compile errors. (The same semantics
// with real certificates and signatures: policy_integration_test.cc.)
#include "lib/policy/signature_policy.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/policy/dsl.h"
#include "lib/policy/testing/deep_policies.h"
#include "lib/testing/small_stack.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::policy {
namespace {

const char* const kRoles[] = {"member", "admin", "client", "peer", "orderer"};

// Signer i satisfies the 'MSPID.role' principals listed for it.
class FakeSigners : public Signers {
 public:
  explicit FakeSigners(std::vector<absl::flat_hash_set<std::string>> roles)
      : roles_(std::move(roles)) {}

  size_t size() const override { return roles_.size(); }

  bool SatisfiesPrincipal(size_t i, const common::MSPPrincipal& principal) const override {
    ++calls_;
    common::MSPRole role;
    if (principal.principal_classification() != common::MSPPrincipal::ROLE ||
        !role.ParseFromString(principal.principal())) {
      return false;
    }
    return roles_[i].contains(absl::StrCat(role.msp_identifier(), ".", kRoles[role.role()]));
  }

  int calls() const { return calls_; }

 private:
  std::vector<absl::flat_hash_set<std::string>> roles_;
  mutable int calls_ = 0;
};

// A peer and a client of org A, an admin of org B.
const absl::flat_hash_set<std::string> kPeerA = {"A.member", "A.peer"};
const absl::flat_hash_set<std::string> kUserA = {"A.member", "A.client"};
const absl::flat_hash_set<std::string> kAdminB = {"B.member", "B.admin"};

std::unique_ptr<SignaturePolicy> Compile(absl::string_view dsl) {
  auto env = CompileDsl(dsl);
  EXPECT_TRUE(env.ok()) << dsl << ": " << env.status();
  auto policy = SignaturePolicy::Compile(*env);
  EXPECT_TRUE(policy.ok()) << dsl << ": " << policy.status();
  return policy.ok() ? *std::move(policy) : nullptr;
}

bool Holds(absl::string_view dsl, std::vector<absl::flat_hash_set<std::string>> signers) {
  return Compile(dsl)->Evaluate(FakeSigners(std::move(signers))).ok();
}

TEST(SignaturePolicy, BasicGates) {
  EXPECT_TRUE(Holds("OR('A.peer', 'B.admin')", {kAdminB}));
  EXPECT_FALSE(Holds("AND('A.peer', 'B.admin')", {kAdminB}));
  EXPECT_TRUE(Holds("AND('A.peer', 'B.admin')", {kAdminB, kPeerA}));
  EXPECT_FALSE(Holds("OR('A.peer')", {}));
  EXPECT_TRUE(Holds("OutOf(2, 'A.peer', 'A.client', 'B.admin')", {kUserA, kAdminB}));
  EXPECT_FALSE(Holds("OutOf(3, 'A.peer', 'A.client', 'B.admin')", {kUserA, kAdminB}));
}

// One signer counts once: AND of the same principal twice needs two signers.
TEST(SignaturePolicy, EachSignerSatisfiesOnePrincipal) {
  EXPECT_FALSE(Holds("AND('A.member', 'A.member')", {kPeerA}));
  EXPECT_TRUE(Holds("AND('A.member', 'A.member')", {kPeerA, kUserA}));
}

// SignedBy takes the first unused signer that fits, with no backtracking: the order of
// the signatures decides.
TEST(SignaturePolicy, GreedyFirstMatchIsOrderSensitive) {
  EXPECT_FALSE(Holds("AND('A.member', 'A.peer')", {kPeerA, kUserA}));
  EXPECT_TRUE(Holds("AND('A.member', 'A.peer')", {kUserA, kPeerA}));
  EXPECT_TRUE(Holds("AND('A.peer', 'A.member')", {kPeerA, kUserA}));
}

// NOutOf evaluates every sub-rule even once n are met; the extra marks reach the
// parent, so a later sibling can starve. Fabric does this; so must we.
TEST(SignaturePolicy, NoShortCircuitInsideNOutOf) {
  EXPECT_FALSE(Holds("AND(OR('A.member', 'A.peer'), 'A.peer')", {kUserA, kPeerA}));
  EXPECT_TRUE(Holds("AND(OR('A.member', 'A.peer'), 'A.peer')", {kUserA, kPeerA, kPeerA}));
}

// A sub-rule that fails leaves no marks behind.
TEST(SignaturePolicy, FailedSubRuleMarksAreDiscarded) {
  EXPECT_TRUE(Holds("OR(AND('A.member', 'C.member'), 'A.member')", {kPeerA}));
  EXPECT_TRUE(
      Holds("OutOf(1, AND('A.peer', 'C.member'), AND('A.peer', 'B.admin'))", {kPeerA, kAdminB}));
}

TEST(SignaturePolicy, NestedNOutOf) {
  const char* dsl =
      "OutOf(2, AND('A.peer', 'B.admin'), AND('A.client', 'B.member'), OR('C.peer', 'A.member'))";
  EXPECT_FALSE(Holds(dsl, {kPeerA}));
  // The first AND takes both signers, leaving nothing for the OR.
  EXPECT_FALSE(Holds(dsl, {kPeerA, kAdminB}));
  EXPECT_TRUE(Holds(dsl, {kPeerA, kAdminB, kUserA}));
}

TEST(SignaturePolicy, ThresholdsOutsideOneToN) {
  EXPECT_TRUE(Holds("OutOf(0, 'A.peer')", {}));
  EXPECT_FALSE(Holds("OutOf(2, 'A.peer')", {kPeerA, kPeerA}));
  common::SignaturePolicyEnvelope env;
  env.mutable_rule()->mutable_n_out_of()->set_n(-3);
  auto negative = SignaturePolicy::Compile(env);
  ASSERT_TRUE(negative.ok());
  EXPECT_TRUE((*negative)->Evaluate(FakeSigners({})).ok());
  env.mutable_rule()->mutable_n_out_of()->set_n(1);
  auto empty = SignaturePolicy::Compile(env);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE((*empty)->Evaluate(FakeSigners({kPeerA})).ok());
}

TEST(SignaturePolicy, FailureSaysWhatHeld) {
  auto status = Compile("AND('A.member', 'A.peer')")->Evaluate(FakeSigners({kPeerA, kUserA}));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "signature set did not satisfy policy AND('A.member', 'A.peer') (2 verified signer(s); "
            "1 of the 2 required sub-rules were satisfied)");
}

TEST(SignaturePolicy, FailureQuotesLongPoliciesInPart) {
  std::string dsl = "AND('A.peer'";
  for (int i = 0; i < 100; ++i) dsl += ", 'B.admin'";
  auto status = Compile(dsl + ")")->Evaluate(FakeSigners({kPeerA}));
  EXPECT_FALSE(status.ok());
  EXPECT_LT(status.message().size(), 450u);
  EXPECT_NE(status.message().find("... (1 verified signer(s)"), std::string::npos)
      << status.message();
}

// Each (signer, principal) question is asked at most once per evaluation.
TEST(SignaturePolicy, PrincipalAnswersAreMemoized) {
  auto policy = Compile("OR(AND('A.peer', 'B.admin'), AND('A.peer', 'B.admin'))");
  FakeSigners signers({kUserA, kUserA, kUserA});
  EXPECT_FALSE(policy->Evaluate(signers).ok());
  EXPECT_LE(signers.calls(), 3 * static_cast<int>(policy->tree().identities.size()));
}

TEST(SignaturePolicy, CompileErrorsAreCauthdsls) {
  common::SignaturePolicyEnvelope env;
  EXPECT_EQ(SignaturePolicy::Compile(env).status().message(), "Empty policy element");
  env.mutable_rule();
  EXPECT_EQ(SignaturePolicy::Compile(env).status().message(),
            "Unknown type: rule has neither signed_by nor n_out_of");
  env.mutable_rule()->set_signed_by(0);
  EXPECT_EQ(SignaturePolicy::Compile(env).status().message(),
            "identity index out of range, requested 0, but identities length is 0");
  env.add_identities();
  EXPECT_TRUE(SignaturePolicy::Compile(env).ok());
  env.mutable_rule()->set_signed_by(-1);
  EXPECT_EQ(SignaturePolicy::Compile(env).status().message(),
            "identity index out of range, requested -1, but identities length is 1");
  auto* gate = env.mutable_rule()->mutable_n_out_of();
  gate->add_rules()->set_signed_by(0);
  gate->add_rules();  // neither kind
  EXPECT_EQ(SignaturePolicy::Compile(env).status().message(),
            "Unknown type: rule has neither signed_by nor n_out_of");
}

TEST(SignaturePolicy, ConfigBytesNeedVersionZero) {
  auto env = CompileDsl("OR('A.peer')");
  ASSERT_TRUE(env.ok());
  EXPECT_TRUE(SignaturePolicy::FromConfigBytes(env->SerializeAsString()).ok());
  env->set_version(1);
  EXPECT_EQ(SignaturePolicy::FromConfigBytes(env->SerializeAsString()).status().message(),
            "This evaluator only understands messages of version 0, but version was 1");
  // Application policies take any version.
  EXPECT_TRUE(SignaturePolicy::Compile(*env).ok());
  EXPECT_FALSE(SignaturePolicy::FromConfigBytes("\xff\xff").ok());
}

// Go's protobuf reads policies nested far deeper than C++'s default limit of 100, up
// to 10,000 messages: 4,999 NOutOf levels. They compile, evaluate and print on a
// thread with a 1 MiB stack, with the verdicts of a shallow policy.
TEST(SignaturePolicy, DeepPoliciesDecodeAsInGoOnASmallStack) {
  const common::MSPPrincipal peer_a = *CompileDsl("OR('A.peer')")->identities().begin();
  const std::string deepest = testing::NestedRuleEnvelope(4999, peer_a);
  common::SignaturePolicyEnvelope cxx_default;
  EXPECT_FALSE(cxx_default.ParseFromString(deepest));
  fabric::testing::RunOnSmallStack([&] {
    auto policy = SignaturePolicy::FromConfigBytes(deepest);
    ASSERT_TRUE(policy.ok()) << policy.status();
    EXPECT_TRUE((*policy)->Evaluate(FakeSigners({kUserA, kPeerA})).ok());
    absl::Status denied = (*policy)->Evaluate(FakeSigners({kUserA}));
    EXPECT_TRUE(absl::IsPermissionDenied(denied)) << denied;
    EXPECT_LT(denied.message().size(), 450u);
    EXPECT_EQ(denied.message().rfind("signature set did not satisfy policy OR(OR(OR(", 0), 0u)
        << denied.message();
    const std::string text = ToDsl((*policy)->tree());
    EXPECT_EQ(text.size(), 4999 * 4 + 8u);  // OR( ... 'A.peer' ... )
    // One level more is past Go's limit.
    EXPECT_EQ(SignaturePolicy::FromConfigBytes(testing::NestedRuleEnvelope(5000, peer_a))
                  .status()
                  .message(),
              "Error unmarshalling to SignaturePolicy: not a valid "
              "common.SignaturePolicyEnvelope");
  });
}

// A rule that names one huge principal many times prints within its limit.
TEST(SignaturePolicy, PrintingIsBounded) {
  common::SignaturePolicyEnvelope env;
  common::CombinedPrincipal members;
  for (int i = 0; i < 2000; ++i) {
    *members.add_principals() = *CompileDsl("OR('SomeLongMspName.peer')")->identities().begin();
  }
  common::MSPPrincipal* combined = env.add_identities();
  combined->set_principal_classification(common::MSPPrincipal::COMBINED);
  combined->set_principal(members.SerializeAsString());
  common::SignaturePolicy::NOutOf* gate = env.mutable_rule()->mutable_n_out_of();
  gate->set_n(1);
  for (int i = 0; i < 20000; ++i) gate->add_rules()->set_signed_by(0);
  const std::string text = ToDsl(env);
  EXPECT_EQ(text.size(), kMaxDslText + 3);
  EXPECT_EQ(text.substr(0, 40), "OR(Combined('SomeLongMspName.peer', 'Som");
  EXPECT_EQ(text.substr(text.size() - 3), "...");
  EXPECT_EQ(ToDsl(env, 10), "OR(Combine...");
}

}  // namespace
}  // namespace fabric::policy
