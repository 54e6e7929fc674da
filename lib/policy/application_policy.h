// Chaincode endorsement policies (protos.ApplicationPolicy), as Fabric 2.5's
// core/policy ApplicationPolicyEvaluator reads them: either a SignaturePolicyEnvelope
// (compiled like cauthdsl's EnvelopeBasedPolicyProvider: any version) or a reference to
// a channel policy such as "/Channel/Application/Endorsement", looked up in the
// channel's PolicyManager.
//
// Fabric resolves a reference against the channel's latest config at each evaluation
// and reports every failure here (bytes that do not parse, an envelope that does not
// compile, an unknown reference, neither kind set) as an evaluation error, which the
// validator turns into an endorsement policy failure. Compile once per config and
// treat an error from CompileApplicationPolicy the same way.
//
// Thread safety: stateless; the returned policy is immutable.
#ifndef FABRIC_LIB_POLICY_APPLICATION_POLICY_H_
#define FABRIC_LIB_POLICY_APPLICATION_POLICY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/policy/manager.h"
#include "lib/policy/policy.h"
#include "lib/wire/proto/policy.pb.h"

namespace fabric::policy {

// The policy `policy` names. A channel reference keeps `channel_policies` alive for as
// long as the returned policy lives.
absl::StatusOr<std::shared_ptr<const Policy>> CompileApplicationPolicy(
    const protos::ApplicationPolicy& policy,
    const std::shared_ptr<const PolicyManager>& channel_policies);

// The same, from a serialized protos.ApplicationPolicy (as a chaincode definition
// stores it), decoded as Go's protobuf does at any depth it accepts, without recursion
// (rule_tree.h).
absl::StatusOr<std::shared_ptr<const Policy>> CompileApplicationPolicy(
    absl::string_view policy_bytes, const std::shared_ptr<const PolicyManager>& channel_policies);

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_APPLICATION_POLICY_H_
