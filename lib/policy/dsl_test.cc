// The policy language against Fabric: the bytes of every policy in the conformance
// vectors, Fabric's own parser tests (policyparser_test.go) re-stated, printing and
// round trips, and error positions.
#include "lib/policy/dsl.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "lib/identity/testing/fixtures.h"
#include "lib/testing/small_stack.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "nlohmann/json.hpp"

namespace fabric::policy {
namespace {

using nlohmann::json;

using identity::testing::RolePrincipal;

common::SignaturePolicy SignedBy(int i) {
  common::SignaturePolicy p;
  p.set_signed_by(i);
  return p;
}

common::SignaturePolicy OutOf(int n, std::vector<common::SignaturePolicy> rules) {
  common::SignaturePolicy p;
  p.mutable_n_out_of()->set_n(n);
  for (auto& r : rules) *p.mutable_n_out_of()->add_rules() = std::move(r);
  return p;
}

common::SignaturePolicyEnvelope Envelope(common::SignaturePolicy rule,
                                         std::vector<common::MSPPrincipal> ids) {
  common::SignaturePolicyEnvelope env;
  *env.mutable_rule() = std::move(rule);
  for (auto& id : ids) *env.add_identities() = std::move(id);
  return env;
}

std::string Bytes(absl::string_view dsl) {
  auto env = CompileDsl(dsl);
  EXPECT_TRUE(env.ok()) << dsl << ": " << env.status();
  return env.ok() ? env->SerializeAsString() : "";
}

std::string Error(absl::string_view dsl) {
  auto env = CompileDsl(dsl);
  EXPECT_FALSE(env.ok()) << dsl << " compiled to " << ToDsl(*env);
  return env.ok() ? "" : std::string(env.status().message());
}

constexpr auto kMember = common::MSPRole::MEMBER;
constexpr auto kAdmin = common::MSPRole::ADMIN;
constexpr auto kClient = common::MSPRole::CLIENT;
constexpr auto kPeer = common::MSPRole::PEER;
constexpr auto kOrderer = common::MSPRole::ORDERER;

// Every DSL policy Fabric compiled for the conformance chaincodes: same bytes, and
// printing then compiling gives the bytes back. Key-level validation parameters found
// in the final state print and compile back to their bytes too.
TEST(DslConformance, ChaincodePoliciesMatchFabricBytes) {
  auto text = testing::ReadFile(testing::ConformanceDir() + "/expected.json");
  ASSERT_TRUE(text.ok()) << text.status();
  const json expected = json::parse(*text);
  int compared = 0;
  for (const json& cc : expected["chaincodes"]) {
    if (!cc.contains("policy_dsl")) continue;
    const std::string dsl = cc["policy_dsl"].get<std::string>();
    std::string want;
    ASSERT_TRUE(
        absl::Base64Unescape(cc["signature_policy_envelope_b64"].get<std::string>(), &want));
    EXPECT_EQ(Bytes(dsl), want) << dsl;
    common::SignaturePolicyEnvelope env;
    ASSERT_TRUE(env.ParseFromString(want));
    EXPECT_EQ(Bytes(ToDsl(env)), want) << ToDsl(env);
    ++compared;
  }
  EXPECT_EQ(compared, 4);

  int key_level = 0;
  for (const auto& [ns, entries] : expected["final_state"].items()) {
    for (const json& e : entries) {
      if (!e.contains("metadata_b64") || !e["metadata_b64"].contains("VALIDATION_PARAMETER")) {
        continue;
      }
      std::string want;
      ASSERT_TRUE(absl::Base64Unescape(e["metadata_b64"]["VALIDATION_PARAMETER"], &want));
      common::SignaturePolicyEnvelope env;
      ASSERT_TRUE(env.ParseFromString(want));
      EXPECT_EQ(Bytes(ToDsl(env)), want) << ns << " " << ToDsl(env);
      ++key_level;
    }
  }
  EXPECT_GT(key_level, 0);
}

TEST(Dsl, OutOfAndOrBuildFabricsEnvelopes) {
  const auto a = RolePrincipal("A", kMember), b = RolePrincipal("B", kMember);
  EXPECT_EQ(Bytes("OutOf(1, 'A.member', 'B.member')"),
            Envelope(OutOf(1, {SignedBy(0), SignedBy(1)}), {a, b}).SerializeAsString());
  EXPECT_EQ(Bytes("OutOf(2, 'A.member', 'B.member')"),
            Envelope(OutOf(2, {SignedBy(0), SignedBy(1)}), {a, b}).SerializeAsString());
  EXPECT_EQ(Bytes("AND('A.member', 'B.member')"),
            Envelope(OutOf(2, {SignedBy(0), SignedBy(1)}), {a, b}).SerializeAsString());
  EXPECT_EQ(Bytes("OR('A.member', 'B.member')"),
            Envelope(OutOf(1, {SignedBy(0), SignedBy(1)}), {a, b}).SerializeAsString());
  EXPECT_EQ(Bytes("AND('A.client', 'B.peer')"),
            Envelope(OutOf(2, {SignedBy(0), SignedBy(1)}),
                     {RolePrincipal("A", kClient), RolePrincipal("B", kPeer)})
                .SerializeAsString());
  EXPECT_EQ(Bytes("OR('A.peer', 'B.admin', 'C.orderer', 'D.client')"),
            Envelope(OutOf(1, {SignedBy(0), SignedBy(1), SignedBy(2), SignedBy(3)}),
                     {RolePrincipal("A", kPeer), RolePrincipal("B", kAdmin),
                      RolePrincipal("C", kOrderer), RolePrincipal("D", kClient)})
                .SerializeAsString());
}

// Principals are numbered in post-order: nested gates first, then the gate's own.
TEST(Dsl, PrincipalsAreNumberedNestedGatesFirst) {
  EXPECT_EQ(Bytes("OR('A.member', AND('B.member', 'C.member'))"),
            Envelope(OutOf(1, {SignedBy(2), OutOf(2, {SignedBy(0), SignedBy(1)})}),
                     {RolePrincipal("B", kMember), RolePrincipal("C", kMember),
                      RolePrincipal("A", kMember)})
                .SerializeAsString());
  EXPECT_EQ(Bytes("OR(AND('A.member', 'B.member'), OR('C.admin', 'D.member'))"),
            Envelope(OutOf(1, {OutOf(2, {SignedBy(0), SignedBy(1)}),
                               OutOf(1, {SignedBy(2), SignedBy(3)})}),
                     {RolePrincipal("A", kMember), RolePrincipal("B", kMember),
                      RolePrincipal("C", kAdmin), RolePrincipal("D", kMember)})
                .SerializeAsString());
  // No de-duplication: the same principal twice is listed twice.
  EXPECT_EQ(Bytes("AND('A.peer', 'A.peer')"),
            Envelope(OutOf(2, {SignedBy(0), SignedBy(1)}),
                     {RolePrincipal("A", kPeer), RolePrincipal("A", kPeer)})
                .SerializeAsString());
}

TEST(Dsl, MspIdsWithDotsAndDashes) {
  EXPECT_EQ(Bytes("OR('MSP.member', 'MSP.WITH.DOTS.member', 'MSP-WITH-DASHES.member')"),
            Envelope(OutOf(1, {SignedBy(0), SignedBy(1), SignedBy(2)}),
                     {RolePrincipal("MSP", kMember), RolePrincipal("MSP.WITH.DOTS", kMember),
                      RolePrincipal("MSP-WITH-DASHES", kMember)})
                .SerializeAsString());
  // The role is what follows the last dot.
  EXPECT_EQ(
      Bytes("OR('A.peer.peer')"),
      Envelope(OutOf(1, {SignedBy(0)}), {RolePrincipal("A.peer", kPeer)}).SerializeAsString());
}

TEST(Dsl, SpellingsQuotesWhitespaceAndThresholds) {
  const std::string want = Bytes("AND('A.peer', 'B.peer')");
  for (const char* dsl :
       {"And('A.peer','B.peer')", "and('A.peer','B.peer')", "AND(\"A.peer\", \"B.peer\")",
        " AND ( 'A.peer' ,\n\t'B.peer' ) ", "OutOf(2, 'A.peer', 'B.peer')",
        "outof(2, 'A.peer', 'B.peer')", "OUTOF(2, 'A.peer', 'B.peer')",
        "OutOf('2', 'A.peer', 'B.peer')", "OutOf(2.9, 'A.peer', 'B.peer')",
        "AND('A.peer\", \"B.peer')",  // a string ends at either quote, as in Fabric's lexer
        "AND('A\\.peer', 'B.peer')"}) {
    EXPECT_EQ(Bytes(dsl), want) << dsl;
  }
  EXPECT_EQ(Bytes("Or('A.peer')"), Bytes("or('A.peer')"));
  // t may be 0 (always holds) or n + 1 (never holds), as Fabric allows.
  EXPECT_EQ(Bytes("OutOf(0, 'A.member', 'B.member')"),
            Envelope(OutOf(0, {SignedBy(0), SignedBy(1)}),
                     {RolePrincipal("A", kMember), RolePrincipal("B", kMember)})
                .SerializeAsString());
  EXPECT_EQ(Bytes("OutOf(3, 'A.member', 'B.member')"),
            Envelope(OutOf(3, {SignedBy(0), SignedBy(1)}),
                     {RolePrincipal("A", kMember), RolePrincipal("B", kMember)})
                .SerializeAsString());
}

TEST(Dsl, ErrorsNamePositionAndExpectation) {
  EXPECT_EQ(Error(""),
            "syntax error at position 0: expected AND, OR, OutOf, a quoted principal "
            "or a number");
  EXPECT_EQ(Error("AND('A.peer' 'B.peer')"), "syntax error at position 13: expected ',' or ')'");
  EXPECT_EQ(Error("AND('A.peer',"),
            "syntax error at position 13: expected AND, OR, OutOf, a quoted principal or a number");
  EXPECT_EQ(Error("AND 'A.peer'"), "syntax error at position 4: expected '('");
  EXPECT_EQ(Error("AND()"), "syntax error at position 4: expected an argument");
  EXPECT_EQ(Error("AND('A.peer') x"), "syntax error at position 14: expected end of input");
  EXPECT_EQ(Error("AND('A.peer"), "syntax error at position 4: unterminated quoted string");
  EXPECT_EQ(Error("'A.peer'"), "syntax error at position 0: expected AND, OR or OutOf");
  EXPECT_EQ(Error("1"), "syntax error at position 0: expected AND, OR or OutOf");
  EXPECT_NE(Error("aNd('A.peer')").find("position 0: unknown name 'aNd'"), std::string::npos);
  EXPECT_NE(Error("OR('A.member', Bmember)").find("position 15: unknown name 'Bmember'"),
            std::string::npos);
  EXPECT_EQ(Error("OR('A.member', 'Bmember')")
                .rfind("invalid policy at position 15: 'Bmember' "
                       "is not a principal",
                       0),
            0u);
  EXPECT_NE(Error("OR('A.PEER')").find("position 3"), std::string::npos);
  EXPECT_NE(Error("OR('.peer')").find("position 3"), std::string::npos);
  EXPECT_NE(Error("OR('A B.peer')").find("position 3"), std::string::npos);
  EXPECT_EQ(Error("OutOf(1)"),
            "invalid policy at position 0: OutOf needs a threshold and at least one principal or "
            "gate");
  EXPECT_EQ(Error("OutOf(1, 2)"),
            "invalid policy at position 9: expected a principal or a gate, not a number");
  EXPECT_EQ(Error("OutOf('A.member', 'B.member')"),
            "invalid policy at position 6: OutOf's first argument must be a number");
  EXPECT_EQ(Error("OutOf(1.2.3, 'B.member')"),
            "invalid policy at position 6: OutOf's first argument must be a number");
  EXPECT_EQ(Error("OutOf(4, 'A.member', 'B.member')"),
            "invalid policy at position 0: invalid t-out-of-n predicate, t 4, n 2");
  EXPECT_EQ(Error("OR('A.member', OutOf(4, 'A.member', 'B.member'))"),
            "invalid policy at position 15: invalid t-out-of-n predicate, t 4, n 2");
  // Fabric's lexer has no negative numbers; '-' is not a token here.
  EXPECT_NE(Error("OutOf(-1, 'A.member')").find("position 6"), std::string::npos);
}

// A threshold too large for 64 bits is reported as Go's int() of it reads on amd64,
// without the undefined cast from double.
TEST(Dsl, HugeThresholdsAreRefusedWithoutOverflow) {
  EXPECT_EQ(Error("OutOf(99999999999999999999999, 'A.member')"),
            "invalid policy at position 0: invalid t-out-of-n predicate, "
            "t -9223372036854775808, n 1");
  EXPECT_EQ(Error("OutOf('1e400', 'A.member')"),
            "invalid policy at position 6: OutOf's first argument must be a number");
  EXPECT_EQ(Error("OutOf(" + std::string(400, '9') + ", 'A.member')"),
            "invalid policy at position 0: invalid t-out-of-n predicate, "
            "t -9223372036854775808, n 1");
}

// Nesting is bounded so that parsing, building and the messages built fit a 1 MiB
// thread; the limit's error names where it was crossed.
TEST(Dsl, NestingIsBoundedForSmallStacks) {
  auto nested = [](int levels) {
    std::string open;
    for (int i = 0; i < levels; ++i) open += "OR(";
    return open + "'A.peer'" + std::string(levels, ')');
  };
  fabric::testing::RunOnSmallStack([&] {
    auto env = CompileDsl(nested(100));
    ASSERT_TRUE(env.ok()) << env.status();
    EXPECT_EQ(ToDsl(*env), nested(100));
    EXPECT_EQ(Error(nested(101)), "syntax error at position 300: gates nested deeper than 100");
    EXPECT_EQ(Error(nested(100000)), "syntax error at position 300: gates nested deeper than 100");
  });
}

TEST(Dsl, ToDslPrintsGates) {
  auto env = CompileDsl(
      "OutOf(2, 'A.peer', OR('B.admin', AND('C.client', 'D.orderer')), "
      "'E.member')");
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(ToDsl(*env),
            "OutOf(2, 'A.peer', OR('B.admin', AND('C.client', 'D.orderer')), 'E.member')");
  EXPECT_EQ(Bytes(ToDsl(*env)), env->SerializeAsString());
  for (const char* dsl : {"OR('A.peer')", "OutOf(0, 'A.peer')", "OutOf(2, 'A.peer')",
                          "AND(OR('A.peer', 'B.peer'), OR('A.peer', 'B.peer'))"}) {
    auto e = CompileDsl(dsl);
    ASSERT_TRUE(e.ok()) << dsl;
    EXPECT_EQ(ToDsl(*e), dsl);
  }
}

TEST(Dsl, ToDslPrintsOtherPrincipalsReadably) {
  common::OrganizationUnit ou;
  ou.set_msp_identifier("Org1MSP");
  ou.set_organizational_unit_identifier("hr");
  common::MSPPrincipal p_ou;
  p_ou.set_principal_classification(common::MSPPrincipal::ORGANIZATION_UNIT);
  p_ou.set_principal(ou.SerializeAsString());
  common::MSPPrincipal p_bad;
  p_bad.set_principal_classification(common::MSPPrincipal::ROLE);
  p_bad.set_principal("\xff");
  const auto env = Envelope(OutOf(1, {SignedBy(0), SignedBy(1), SignedBy(7)}), {p_ou, p_bad});
  EXPECT_EQ(ToDsl(env), "OR(OU('Org1MSP', 'hr'), Principal(0, 1 bytes), SignedBy(7))");
  EXPECT_EQ(ToDsl(common::SignaturePolicyEnvelope()), "<no rule>");
}

TEST(ImplicitMetaDsl, ParsesLikeFabric) {
  auto p = ParseImplicitMeta("MAJORITY Endorsement");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->rule(), common::ImplicitMetaPolicy::MAJORITY);
  EXPECT_EQ(p->sub_policy(), "Endorsement");
  EXPECT_EQ(ImplicitMetaToString(*p), "MAJORITY Endorsement");
  for (const char* s : {"ANY Readers", "ALL Writers", "MAJORITY Admins"}) {
    auto q = ParseImplicitMeta(s);
    ASSERT_TRUE(q.ok()) << s;
    EXPECT_EQ(ImplicitMetaToString(*q), s);
  }
  EXPECT_EQ(ParseImplicitMeta("ANY").status().message(),
            "expected two space separated tokens, but got 1");
  EXPECT_EQ(ParseImplicitMeta("ANY  Readers").status().message(),
            "expected two space separated tokens, but got 3");
  EXPECT_EQ(ParseImplicitMeta("any Readers").status().message(),
            "unknown rule type 'any', expected ALL, ANY, or MAJORITY");
  // Fabric splits on single spaces only: an empty sub-policy name is accepted.
  EXPECT_TRUE(ParseImplicitMeta("ANY ").ok());
}

}  // namespace
}  // namespace fabric::policy
