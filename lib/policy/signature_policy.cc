#include "lib/policy/signature_policy.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/policy/dsl.h"
#include "lib/policy/internal/go_proto.h"

namespace fabric::policy {
namespace {

// Failure messages quote the policy up to this many bytes.
constexpr size_t kMaxPolicyText = 300;

}  // namespace

// The state of one Evaluate call: principal answers are memoized per (signer, slot),
// as they cannot change within a call (Fabric's MSP caches them too).
class SignaturePolicy::Evaluation {
 public:
  Evaluation(const SignaturePolicy& policy, const Signers& signers)
      : policy_(policy),
        signers_(signers),
        num_signers_(signers.size()),
        memo_(num_signers_ * policy.principals_.size(), kUnknown) {}

  size_t num_signers() const { return num_signers_; }

  // `used` has num_signers() entries.
  bool Run(uint32_t node_index, std::vector<char>& used) {
    const Node& node = policy_.nodes_[node_index];
    if (node.signed_by) {
      for (size_t i = 0; i < num_signers_; ++i) {
        if (used[i] || !Satisfies(i, node.value)) continue;
        used[i] = 1;
        return true;
      }
      return false;
    }
    int32_t satisfied = 0;
    std::vector<char> trial(num_signers_);
    for (uint32_t k = 0; k < node.num_children; ++k) {
      std::copy(used.begin(), used.end(), trial.begin());
      if (Run(policy_.child_index_[node.first_child + k], trial)) {
        ++satisfied;
        used.swap(trial);
      }
    }
    last_satisfied_ = satisfied;
    return satisfied >= node.value;
  }

  // How many sub-rules of the last NOutOf to finish were satisfied: for the root, the
  // count behind its verdict.
  int32_t last_satisfied() const { return last_satisfied_; }

 private:
  static constexpr signed char kUnknown = -1;

  bool Satisfies(size_t signer, int32_t slot) {
    signed char& m = memo_[signer * policy_.principals_.size() + slot];
    if (m == kUnknown) m = signers_.SatisfiesPrincipal(signer, *policy_.principals_[slot]);
    return m;
  }

  const SignaturePolicy& policy_;
  const Signers& signers_;
  const size_t num_signers_;
  std::vector<signed char> memo_;
  int32_t last_satisfied_ = 0;
};

SignaturePolicy::SignaturePolicy(common::SignaturePolicyEnvelope envelope)
    : envelope_(std::move(envelope)) {}

absl::StatusOr<std::unique_ptr<SignaturePolicy>> SignaturePolicy::Compile(
    common::SignaturePolicyEnvelope envelope) {
  if (!envelope.has_rule()) return absl::InvalidArgumentError("Empty policy element");
  std::unique_ptr<SignaturePolicy> policy(new SignaturePolicy(std::move(envelope)));
  std::vector<int32_t> slot_of(policy->envelope_.identities_size(), -1);
  FABRIC_RETURN_IF_ERROR(policy->CompileRule(policy->envelope_.rule(), slot_of));
  return policy;
}

absl::Status SignaturePolicy::CompileRule(const common::SignaturePolicy& rule,
                                          std::vector<int32_t>& slot_of) {
  const uint32_t index = static_cast<uint32_t>(nodes_.size());
  nodes_.push_back(Node{});
  switch (rule.Type_case()) {
    case common::SignaturePolicy::kSignedBy: {
      const int32_t i = rule.signed_by();
      if (i < 0 || i >= envelope_.identities_size()) {
        return absl::InvalidArgumentError(absl::StrCat("identity index out of range, requested ", i,
                                                       ", but identities length is ",
                                                       envelope_.identities_size()));
      }
      if (slot_of[i] < 0) {
        slot_of[i] = static_cast<int32_t>(principals_.size());
        principals_.push_back(&envelope_.identities(i));
      }
      nodes_[index] = Node{true, slot_of[i], 0, 0};
      return absl::OkStatus();
    }
    case common::SignaturePolicy::kNOutOf: {
      const common::SignaturePolicy::NOutOf& gate = rule.n_out_of();
      std::vector<uint32_t> children;
      children.reserve(gate.rules_size());
      for (const common::SignaturePolicy& sub : gate.rules()) {
        children.push_back(static_cast<uint32_t>(nodes_.size()));
        FABRIC_RETURN_IF_ERROR(CompileRule(sub, slot_of));
      }
      nodes_[index] = Node{false, gate.n(), static_cast<uint32_t>(child_index_.size()),
                           static_cast<uint32_t>(children.size())};
      child_index_.insert(child_index_.end(), children.begin(), children.end());
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError("Unknown type: rule has neither signed_by nor n_out_of");
  }
}

absl::StatusOr<std::unique_ptr<SignaturePolicy>> SignaturePolicy::FromConfigBytes(
    absl::string_view bytes) {
  auto envelope = ParseSignaturePolicyEnvelope(bytes);
  if (!envelope.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Error unmarshalling to SignaturePolicy: ", envelope.status().message()));
  }
  if (envelope->version() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("This evaluator only understands messages of version 0, but version was ",
                     envelope->version()));
  }
  return Compile(*std::move(envelope));
}

absl::Status SignaturePolicy::Evaluate(const Signers& signers) const {
  Evaluation evaluation(*this, signers);
  std::vector<char> used(evaluation.num_signers());
  if (evaluation.Run(0, used)) return absl::OkStatus();
  std::string text = ToDsl(envelope_);
  if (text.size() > kMaxPolicyText) text = absl::StrCat(text.substr(0, kMaxPolicyText), "...");
  std::string detail;
  if (!nodes_[0].signed_by) {
    detail = absl::StrCat("; ", evaluation.last_satisfied(), " of the ", nodes_[0].value,
                          " required sub-rules were satisfied");
  }
  return absl::PermissionDeniedError(absl::StrCat("signature set did not satisfy policy ", text,
                                                  " (", evaluation.num_signers(),
                                                  " verified signer(s)", detail, ")"));
}

absl::StatusOr<common::SignaturePolicyEnvelope> ParseSignaturePolicyEnvelope(
    absl::string_view bytes) {
  common::SignaturePolicyEnvelope envelope;
  if (!internal::ParseLikeGo(bytes, &envelope)) {
    return absl::InvalidArgumentError("not a valid common.SignaturePolicyEnvelope");
  }
  return envelope;
}

}  // namespace fabric::policy
