// ImplicitMeta thresholds and Fabric's count-down, on constant sub-policies.
#include "lib/policy/implicit_meta.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace fabric::policy {
namespace {

class Constant : public Policy {
 public:
  explicit Constant(bool holds) : holds_(holds) {}
  absl::Status Evaluate(const Signers&) const override {
    ++calls;
    return holds_ ? absl::OkStatus() : absl::PermissionDeniedError("no");
  }
  mutable int calls = 0;

 private:
  bool holds_;
};

class NoSigners : public Signers {
 public:
  size_t size() const override { return 0; }
  bool SatisfiesPrincipal(size_t, const common::MSPPrincipal&) const override { return false; }
};

common::ImplicitMetaPolicy Definition(int rule) {
  common::ImplicitMetaPolicy d;
  d.set_rule(static_cast<common::ImplicitMetaPolicy::Rule>(rule));
  d.set_sub_policy("Endorsement");
  return d;
}

// `pattern`: one sub-policy per character, '1' holds, '0' does not, '-' is missing.
ImplicitMetaPolicy Make(int rule, const std::string& pattern) {
  std::vector<std::shared_ptr<const Policy>> subs;
  for (char c : pattern) {
    subs.push_back(c == '-' ? nullptr : std::make_shared<Constant>(c == '1'));
  }
  return ImplicitMetaPolicy(Definition(rule), std::move(subs));
}

bool Holds(int rule, const std::string& pattern) {
  return Make(rule, pattern).Evaluate(NoSigners()).ok();
}

constexpr int kAny = common::ImplicitMetaPolicy::ANY;
constexpr int kAll = common::ImplicitMetaPolicy::ALL;
constexpr int kMajority = common::ImplicitMetaPolicy::MAJORITY;

TEST(ImplicitMeta, Thresholds) {
  EXPECT_EQ(Make(kAny, "000").threshold(), 1);
  EXPECT_EQ(Make(kAll, "000").threshold(), 3);
  EXPECT_EQ(Make(kMajority, "000").threshold(), 2);
  EXPECT_EQ(Make(kMajority, "0000").threshold(), 3);
  EXPECT_EQ(Make(kMajority, "0").threshold(), 1);
  for (int rule : {kAny, kAll, kMajority, 7}) EXPECT_EQ(Make(rule, "").threshold(), 0);
  EXPECT_EQ(Make(7, "00").threshold(), 0);
}

TEST(ImplicitMeta, OneTwoThreeOfThree) {
  EXPECT_FALSE(Holds(kAny, "000"));
  EXPECT_TRUE(Holds(kAny, "001"));
  EXPECT_FALSE(Holds(kMajority, "100"));
  EXPECT_TRUE(Holds(kMajority, "101"));
  EXPECT_TRUE(Holds(kMajority, "111"));
  EXPECT_FALSE(Holds(kAll, "110"));
  EXPECT_TRUE(Holds(kAll, "111"));
}

TEST(ImplicitMeta, MissingSubPoliciesCountButNeverHold) {
  EXPECT_FALSE(Holds(kAll, "11-"));
  EXPECT_FALSE(Holds(kMajority, "1--"));
  EXPECT_TRUE(Holds(kMajority, "1-1"));
  EXPECT_FALSE(Holds(kAny, "---"));
}

TEST(ImplicitMeta, NoChildGroupsAlwaysHolds) {
  for (int rule : {kAny, kAll, kMajority}) EXPECT_TRUE(Holds(rule, ""));
}

// Fabric's count-down: with a threshold of 0 (an unknown rule) over child groups, any
// satisfied sub-policy takes the count below zero for good.
TEST(ImplicitMeta, UnknownRuleHoldsOnlyWhenNothingHolds) {
  EXPECT_TRUE(Holds(7, "00"));
  EXPECT_FALSE(Holds(7, "01"));
  EXPECT_EQ(Make(7, "11").Evaluate(NoSigners()).message(),
            "implicit policy evaluation failed - 2 sub-policies were satisfied, but this policy "
            "requires 0 of the 'Endorsement' sub-policies to be satisfied");
}

TEST(ImplicitMeta, StopsOnceSatisfiedAndSaysWhyOnFailure) {
  auto first = std::make_shared<Constant>(true);
  auto second = std::make_shared<Constant>(true);
  ImplicitMetaPolicy any(Definition(kAny), {first, second});
  EXPECT_TRUE(any.Evaluate(NoSigners()).ok());
  EXPECT_EQ(first->calls + second->calls, 1);

  absl::Status s = Make(kMajority, "100").Evaluate(NoSigners());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy "
            "requires 2 of the 'Endorsement' sub-policies to be satisfied");
}

}  // namespace
}  // namespace fabric::policy
