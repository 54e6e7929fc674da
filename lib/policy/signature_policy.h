// Signature policies (common.SignaturePolicyEnvelope) with Fabric 2.5's cauthdsl
// semantics, which order-sensitive results depend on:
//   - SignedBy(i) takes the FIRST signer, in signature-set order, that is not yet used
//     and satisfies principal i, and marks it used.
//   - NOutOf(n, rules) runs EVERY sub-rule in order (no stop once n are met), each on a
//     copy of the used-marks; a sub-rule's marks are kept only if it succeeds. It holds
//     when at least n sub-rules succeeded (so n <= 0 always holds).
//   - No backtracking: the same signatures in another order can give another answer,
//     and an early sub-rule can consume a signer a later one needed. Fabric does the
//     same, and validation results must match it.
// Compilation rejects what cauthdsl's compile rejects: a missing rule ("Empty policy
// element"), a rule that is neither signed_by nor n_out_of, a signed_by index outside
// the principals. Principals themselves are only read at evaluation: one the MSPs
// cannot interpret is simply never satisfied.
//
// Thread safety: immutable after construction; Evaluate may run on many threads.
#ifndef FABRIC_LIB_POLICY_SIGNATURE_POLICY_H_
#define FABRIC_LIB_POLICY_SIGNATURE_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/policy/policy.h"
#include "lib/policy/rule_tree.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::policy {

class SignaturePolicy final : public Policy {
 public:
  // As Fabric's cauthdsl.EnvelopeBasedPolicyProvider, used for chaincode endorsement
  // policies, collection policies and key-level validation parameters: any version.
  static absl::StatusOr<std::unique_ptr<SignaturePolicy>> Compile(
      const common::SignaturePolicyEnvelope& envelope);
  static absl::StatusOr<std::unique_ptr<SignaturePolicy>> Compile(RuleTree tree);

  // The same from a serialized envelope, decoded as Go's protobuf does at any depth it
  // accepts (see rule_tree.h), so: "not a valid common.SignaturePolicyEnvelope", or
  // Compile's errors.
  static absl::StatusOr<std::unique_ptr<SignaturePolicy>> FromEnvelopeBytes(
      absl::string_view bytes);

  // As Fabric's cauthdsl policy provider, used for SIGNATURE policies in a channel
  // config: `bytes` must decode ("Error unmarshalling to SignaturePolicy: ...") and have
  // version 0.
  static absl::StatusOr<std::unique_ptr<SignaturePolicy>> FromConfigBytes(absl::string_view bytes);

  // OK, or PermissionDenied "signature set did not satisfy policy ..." (Fabric's
  // words, followed by the start of the policy and how far it got). Needs no more
  // stack however deep the rule nests.
  absl::Status Evaluate(const Signers& signers) const override;

  const RuleTree& tree() const { return tree_; }

 private:
  class Evaluation;

  explicit SignaturePolicy(RuleTree tree) : tree_(std::move(tree)) {}
  // cauthdsl's compile checks, in its (depth-first) order; assigns slots.
  absl::Status CompileRules();

  RuleTree tree_;
  // Per rule: for kSignedBy, the slot of its principal in principals_.
  std::vector<int32_t> slot_;
  // The principals the rule refers to, each once, by slot (pointers into tree_).
  std::vector<const common::MSPPrincipal*> principals_;
};

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_SIGNATURE_POLICY_H_
