#include "lib/policy/signature_policy.h"

#include <algorithm>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/policy/dsl.h"

namespace fabric::policy {
namespace {

// Failure messages quote the policy up to this many bytes.
constexpr size_t kMaxPolicyText = 300;

}  // namespace

// The state of one Evaluate call: principal answers are memoized per (signer, slot),
// as they cannot change within a call (Fabric's MSP caches them too). The rule tree is
// walked with an explicit stack: one frame, and one set of used-marks, per NOutOf level.
class SignaturePolicy::Evaluation {
 public:
  Evaluation(const SignaturePolicy& policy, const Signers& signers)
      : policy_(policy),
        signers_(signers),
        num_signers_(signers.size()),
        memo_(num_signers_ * policy.principals_.size(), kUnknown) {}

  size_t num_signers() const { return num_signers_; }

  // The verdict of the root rule.
  bool Run() {
    const std::vector<RuleTree::Rule>& rules = policy_.tree_.rules;
    marks_.assign(num_signers_, 0);
    if (rules[0].kind == Kind::kSignedBy) return SignedBy(0, 0);
    frames_.push_back(Frame{0, 0, 0});
    while (true) {
      Frame& frame = frames_.back();
      const RuleTree::Rule& rule = rules[frame.rule];
      const size_t depth = frames_.size() - 1;
      if (frame.next < rule.num_children) {
        const uint32_t child = rule.first_child + frame.next++;
        if (rules[child].kind == Kind::kSignedBy) {
          // Marks a signer only when it succeeds, as a trial copy would.
          if (SignedBy(child, depth)) ++frame.satisfied;
        } else {
          // A sub-rule runs on a copy of the marks, kept only if it succeeds.
          if (marks_.size() < (depth + 2) * num_signers_) marks_.resize((depth + 2) * num_signers_);
          std::copy_n(marks_.begin() + depth * num_signers_, num_signers_,
                      marks_.begin() + (depth + 1) * num_signers_);
          frames_.push_back(Frame{child, 0, 0});
        }
        continue;
      }
      const bool satisfied = frame.satisfied >= rule.value;
      if (depth == 0) {
        root_satisfied_ = frame.satisfied;
        return satisfied;
      }
      frames_.pop_back();
      if (satisfied) {
        std::copy_n(marks_.begin() + depth * num_signers_, num_signers_,
                    marks_.begin() + (depth - 1) * num_signers_);
        ++frames_.back().satisfied;
      }
    }
  }

  // For an NOutOf root, how many of its sub-rules were satisfied.
  int32_t root_satisfied() const { return root_satisfied_; }

 private:
  using Kind = RuleTree::Rule::Kind;
  static constexpr signed char kUnknown = -1;

  struct Frame {
    uint32_t rule;
    uint32_t next;  // the next sub-rule to run
    int32_t satisfied;
  };

  // Takes the FIRST signer unused at NOutOf depth `depth` that satisfies the rule's
  // principal.
  bool SignedBy(uint32_t rule, size_t depth) {
    const int32_t slot = policy_.slot_[rule];
    char* used = marks_.data() + depth * num_signers_;
    for (size_t i = 0; i < num_signers_; ++i) {
      if (used[i] || !Satisfies(i, slot)) continue;
      used[i] = 1;
      return true;
    }
    return false;
  }

  bool Satisfies(size_t signer, int32_t slot) {
    signed char& m = memo_[signer * policy_.principals_.size() + slot];
    if (m == kUnknown) m = signers_.SatisfiesPrincipal(signer, *policy_.principals_[slot]);
    return m;
  }

  const SignaturePolicy& policy_;
  const Signers& signers_;
  const size_t num_signers_;
  std::vector<signed char> memo_;
  absl::InlinedVector<Frame, 8> frames_;
  // The used-marks of each NOutOf level: num_signers_ bytes per depth.
  std::vector<char> marks_;
  int32_t root_satisfied_ = 0;
};

absl::StatusOr<std::unique_ptr<SignaturePolicy>> SignaturePolicy::Compile(
    const common::SignaturePolicyEnvelope& envelope) {
  return Compile(FlattenRuleTree(envelope));
}

absl::StatusOr<std::unique_ptr<SignaturePolicy>> SignaturePolicy::Compile(RuleTree tree) {
  if (!tree.has_rule) return absl::InvalidArgumentError("Empty policy element");
  std::unique_ptr<SignaturePolicy> policy(new SignaturePolicy(std::move(tree)));
  FABRIC_RETURN_IF_ERROR(policy->CompileRules());
  return policy;
}

absl::Status SignaturePolicy::CompileRules() {
  const std::vector<RuleTree::Rule>& rules = tree_.rules;
  const int32_t num_identities = static_cast<int32_t>(tree_.identities.size());
  std::vector<int32_t> slot_of(tree_.identities.size(), -1);
  slot_.assign(rules.size(), -1);
  std::vector<uint32_t> stack = {0};  // depth first, sub-rules in order
  while (!stack.empty()) {
    const uint32_t index = stack.back();
    stack.pop_back();
    const RuleTree::Rule& rule = rules[index];
    switch (rule.kind) {
      case RuleTree::Rule::Kind::kSignedBy: {
        const int32_t i = rule.value;
        if (i < 0 || i >= num_identities) {
          return absl::InvalidArgumentError(absl::StrCat("identity index out of range, requested ",
                                                         i, ", but identities length is ",
                                                         num_identities));
        }
        if (slot_of[i] < 0) {
          slot_of[i] = static_cast<int32_t>(principals_.size());
          principals_.push_back(&tree_.identities[i]);
        }
        slot_[index] = slot_of[i];
        break;
      }
      case RuleTree::Rule::Kind::kNOutOf:
        for (uint32_t k = rule.num_children; k > 0; --k) stack.push_back(rule.first_child + k - 1);
        break;
      case RuleTree::Rule::Kind::kNone:
        return absl::InvalidArgumentError("Unknown type: rule has neither signed_by nor n_out_of");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SignaturePolicy>> SignaturePolicy::FromEnvelopeBytes(
    absl::string_view bytes) {
  FABRIC_ASSIGN_OR_RETURN(RuleTree tree, DecodeRuleTree(bytes));
  return Compile(std::move(tree));
}

absl::StatusOr<std::unique_ptr<SignaturePolicy>> SignaturePolicy::FromConfigBytes(
    absl::string_view bytes) {
  auto tree = DecodeRuleTree(bytes);
  if (!tree.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Error unmarshalling to SignaturePolicy: ", tree.status().message()));
  }
  if (tree->version != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("This evaluator only understands messages of version 0, but version was ",
                     tree->version));
  }
  return Compile(*std::move(tree));
}

absl::Status SignaturePolicy::Evaluate(const Signers& signers) const {
  Evaluation evaluation(*this, signers);
  if (evaluation.Run()) return absl::OkStatus();
  std::string text = ToDsl(tree_, kMaxPolicyText);
  std::string detail;
  if (tree_.rules[0].kind == RuleTree::Rule::Kind::kNOutOf) {
    detail = absl::StrCat("; ", evaluation.root_satisfied(), " of the ", tree_.rules[0].value,
                          " required sub-rules were satisfied");
  }
  return absl::PermissionDeniedError(absl::StrCat("signature set did not satisfy policy ", text,
                                                  " (", evaluation.num_signers(),
                                                  " verified signer(s)", detail, ")"));
}

}  // namespace fabric::policy
