#include "lib/policy/application_policy.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/policy/internal/go_proto.h"
#include "lib/policy/signature_policy.h"

namespace fabric::policy {

absl::StatusOr<std::shared_ptr<const Policy>> CompileApplicationPolicy(
    const protos::ApplicationPolicy& policy,
    const std::shared_ptr<const PolicyManager>& channel_policies) {
  switch (policy.Type_case()) {
    case protos::ApplicationPolicy::kSignaturePolicy: {
      auto compiled = SignaturePolicy::Compile(policy.signature_policy());
      if (!compiled.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "could not create evaluator for signature policy: ", compiled.status().message()));
      }
      return std::shared_ptr<const Policy>(*std::move(compiled));
    }
    case protos::ApplicationPolicy::kChannelConfigPolicyReference: {
      const std::string& reference = policy.channel_config_policy_reference();
      auto found = channel_policies->Get(reference);
      if (!found.ok()) {
        return absl::NotFoundError(
            absl::StrCat("could not create evaluator for channel reference policy: failed to "
                         "retrieve policy for reference ",
                         reference));
      }
      // Shares ownership with the manager that holds the policy.
      return std::shared_ptr<const Policy>(channel_policies, *found);
    }
    default:
      return absl::InvalidArgumentError(
          "unsupported policy type: neither a signature policy "
          "nor a channel config policy reference");
  }
}

absl::StatusOr<std::shared_ptr<const Policy>> CompileApplicationPolicy(
    absl::string_view policy_bytes, const std::shared_ptr<const PolicyManager>& channel_policies) {
  protos::ApplicationPolicy policy;
  if (!internal::ParseLikeGo(policy_bytes, &policy)) {
    return absl::InvalidArgumentError("failed to unmarshal ApplicationPolicy bytes");
  }
  return CompileApplicationPolicy(policy, channel_policies);
}

}  // namespace fabric::policy
