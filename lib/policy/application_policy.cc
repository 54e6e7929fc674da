#include "lib/policy/application_policy.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/policy/rule_tree.h"
#include "lib/policy/signature_policy.h"
#include "lib/wire/field_reader.h"

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

namespace {

absl::Status NotApplicationPolicy() {
  return absl::InvalidArgumentError("failed to unmarshal ApplicationPolicy bytes");
}

// Whether protobuf accepts `reference` as the string field (valid UTF-8, as proto3
// requires of strings in Go and C++ alike).
bool ValidReference(absl::string_view reference) {
  std::string field;
  wire::AppendBytesField(2, reference, &field);
  protos::ApplicationPolicy p;
  return p.ParseFromString(field);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Policy>> CompileApplicationPolicy(
    absl::string_view policy_bytes, const std::shared_ptr<const PolicyManager>& channel_policies) {
  // Read field by field, as protobuf would parse it (the last of the oneof wins; an
  // envelope that occurs several times is merged), without protobuf's recursion: the
  // envelope may nest as deep as Go accepts (rule_tree.h).
  enum class Case { kNone, kSignature, kReference } last = Case::kNone;
  std::vector<absl::string_view> envelope;  // signature_policy's occurrences, merged
  absl::string_view reference;
  wire::FieldReader r(policy_bytes);
  while (r.Next()) {
    if (r.wire_type() != wire::FieldReader::kBytes) continue;
    if (r.number() == 1) {
      if (last != Case::kSignature) envelope.clear();
      last = Case::kSignature;
      envelope.push_back(r.bytes());
    } else if (r.number() == 2) {
      // An envelope the reference replaces must still have parsed.
      if (last == Case::kSignature && !DecodeRuleTree(envelope).ok()) {
        return NotApplicationPolicy();
      }
      if (!ValidReference(r.bytes())) return NotApplicationPolicy();
      last = Case::kReference;
      reference = r.bytes();
    }
  }
  if (!r.ok()) return NotApplicationPolicy();
  protos::ApplicationPolicy policy;
  switch (last) {
    case Case::kSignature: {
      absl::StatusOr<RuleTree> tree = DecodeRuleTree(envelope);
      if (!tree.ok()) return NotApplicationPolicy();
      auto compiled = SignaturePolicy::Compile(*std::move(tree));
      if (!compiled.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "could not create evaluator for signature policy: ", compiled.status().message()));
      }
      return std::shared_ptr<const Policy>(*std::move(compiled));
    }
    case Case::kReference:
      policy.set_channel_config_policy_reference(std::string(reference));
      break;
    case Case::kNone:
      break;
  }
  return CompileApplicationPolicy(policy, channel_policies);
}

}  // namespace fabric::policy
