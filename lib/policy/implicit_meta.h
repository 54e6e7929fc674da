// ImplicitMeta policies (common.ImplicitMetaPolicy): "RULE SubPolicy" over the
// same-named policy of each child group, as Fabric 2.5's policies.ImplicitMetaPolicy.
//
// Threshold for k child groups: ANY 1, ALL k, MAJORITY k/2 + 1; with no child groups
// it is 0 whatever the rule (always satisfied), and an unknown rule value also gives 0.
// A child group without the sub-policy still counts in k, and its sub-policy never holds.
//
// Evaluation counts down from the threshold and succeeds the moment the count reaches
// zero; otherwise it fails after every sub-policy ran, with Fabric's message
//   "implicit policy evaluation failed - %d sub-policies were satisfied, but this policy
//    requires %d of the '%s' sub-policies to be satisfied".
// As in Fabric, a threshold of 0 over child groups that do exist holds only if none of
// the sub-policies is satisfied (the count passes zero and never returns to it). The
// verdict does not depend on the order of the child groups.
//
// Thread safety: immutable after construction; Evaluate may run on many threads.
#ifndef FABRIC_LIB_POLICY_IMPLICIT_META_H_
#define FABRIC_LIB_POLICY_IMPLICIT_META_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "lib/policy/policy.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::policy {

class ImplicitMetaPolicy final : public Policy {
 public:
  // `sub_policies` holds one entry per child group; nullptr where the child group has
  // no policy named definition.sub_policy().
  ImplicitMetaPolicy(const common::ImplicitMetaPolicy& definition,
                     std::vector<std::shared_ptr<const Policy>> sub_policies);

  absl::Status Evaluate(const Signers& signers) const override;

  int threshold() const { return threshold_; }
  const std::string& sub_policy_name() const { return sub_policy_name_; }

 private:
  std::string sub_policy_name_;
  std::vector<std::shared_ptr<const Policy>> sub_policies_;
  int threshold_ = 0;
};

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_IMPLICIT_META_H_
