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
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/policy/policy.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::policy {

class SignaturePolicy final : public Policy {
 public:
  // As Fabric's cauthdsl.EnvelopeBasedPolicyProvider, used for chaincode endorsement
  // policies, collection policies and key-level validation parameters: any version.
  static absl::StatusOr<std::unique_ptr<SignaturePolicy>> Compile(
      common::SignaturePolicyEnvelope envelope);

  // As Fabric's cauthdsl policy provider, used for SIGNATURE policies in a channel
  // config: `bytes` must parse (see ParseSignaturePolicyEnvelope) and have version 0.
  static absl::StatusOr<std::unique_ptr<SignaturePolicy>> FromConfigBytes(absl::string_view bytes);

  // OK, or PermissionDenied "signature set did not satisfy policy ..." (Fabric's
  // words, followed by the policy and how far it got).
  absl::Status Evaluate(const Signers& signers) const override;

  const common::SignaturePolicyEnvelope& envelope() const { return envelope_; }

 private:
  // The rule tree, flattened; node 0 is the root.
  struct Node {
    bool signed_by;
    int32_t value;         // signed_by: principal slot; else n
    uint32_t first_child;  // children are child_index_[first_child, + num_children)
    uint32_t num_children;
  };
  class Evaluation;

  explicit SignaturePolicy(common::SignaturePolicyEnvelope envelope);
  // Appends `rule`'s nodes; slot_of maps envelope principal indices to slots (-1: none).
  absl::Status CompileRule(const common::SignaturePolicy& rule, std::vector<int32_t>& slot_of);

  common::SignaturePolicyEnvelope envelope_;
  std::vector<Node> nodes_;
  std::vector<uint32_t> child_index_;
  // The principals the rule refers to, each once, by slot (pointers into envelope_).
  std::vector<const common::MSPPrincipal*> principals_;
};

// Parses a serialized SignaturePolicyEnvelope as Go's protobuf does, which accepts
// nesting up to 10000 messages deep (C++'s default stops at 100).
absl::StatusOr<common::SignaturePolicyEnvelope> ParseSignaturePolicyEnvelope(
    absl::string_view bytes);

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_SIGNATURE_POLICY_H_
