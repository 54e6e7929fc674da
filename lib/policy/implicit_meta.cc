#include "lib/policy/implicit_meta.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace fabric::policy {

ImplicitMetaPolicy::ImplicitMetaPolicy(const common::ImplicitMetaPolicy& definition,
                                       std::vector<std::shared_ptr<const Policy>> sub_policies)
    : sub_policy_name_(definition.sub_policy()), sub_policies_(std::move(sub_policies)) {
  const int k = static_cast<int>(sub_policies_.size());
  switch (definition.rule()) {
    case common::ImplicitMetaPolicy::ANY:
      threshold_ = 1;
      break;
    case common::ImplicitMetaPolicy::ALL:
      threshold_ = k;
      break;
    case common::ImplicitMetaPolicy::MAJORITY:
      threshold_ = k / 2 + 1;
      break;
    default:
      threshold_ = 0;
  }
  if (k == 0) threshold_ = 0;
}

absl::Status ImplicitMetaPolicy::Evaluate(const Signers& signers) const {
  int remaining = threshold_;
  for (const std::shared_ptr<const Policy>& sub : sub_policies_) {
    if (sub != nullptr && sub->Evaluate(signers).ok()) {
      if (--remaining == 0) return absl::OkStatus();
    }
  }
  if (remaining == 0) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("implicit policy evaluation failed - ", threshold_ - remaining,
                   " sub-policies were satisfied, but this policy requires ", threshold_,
                   " of the '", sub_policy_name_, "' sub-policies to be satisfied"));
}

}  // namespace fabric::policy
