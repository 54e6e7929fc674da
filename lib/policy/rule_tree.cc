#include "lib/policy/rule_tree.h"

#include <utility>

#include "absl/status/status.h"
#include "lib/wire/field_reader.h"

namespace fabric::policy {
namespace {

using wire::FieldReader;
using Kind = RuleTree::Rule::Kind;

absl::Status Invalid() {
  return absl::InvalidArgumentError("not a valid common.SignaturePolicyEnvelope");
}

// A SignaturePolicy still to decode: its rule slot, its bytes (one segment per
// occurrence, to be merged) and its nesting depth, counted as Go counts it (the
// envelope is 1, its rule 2).
struct Pending {
  uint32_t rule;
  std::vector<absl::string_view> segments;
  int depth;
};

// Decodes one SignaturePolicy into tree.rules[p.rule], appending its sub-rules to the
// tree and to `work`.
absl::Status DecodeRule(Pending p, RuleTree& tree, std::vector<Pending>& work) {
  if (p.depth > kMaxMessageDepth) return Invalid();
  Kind kind = Kind::kNone;
  int32_t signed_by = 0;
  std::vector<absl::string_view> n_out_of;  // the NOutOf's occurrences, merged
  for (absl::string_view segment : p.segments) {
    FieldReader r(segment);
    while (r.Next()) {
      if (r.number() == 1 && r.wire_type() == FieldReader::kVarint) {
        kind = Kind::kSignedBy;
        signed_by = static_cast<int32_t>(r.varint());
        n_out_of.clear();
      } else if (r.number() == 2 && r.wire_type() == FieldReader::kBytes) {
        if (kind != Kind::kNOutOf) n_out_of.clear();
        kind = Kind::kNOutOf;
        n_out_of.push_back(r.bytes());
      }
    }
    if (!r.ok()) return Invalid();
  }
  RuleTree::Rule rule;
  rule.kind = kind;
  rule.value = signed_by;
  if (kind == Kind::kNOutOf) {
    if (p.depth + 1 > kMaxMessageDepth) return Invalid();
    rule.value = 0;
    rule.first_child = static_cast<uint32_t>(tree.rules.size());
    for (absl::string_view segment : n_out_of) {
      FieldReader r(segment);
      while (r.Next()) {
        if (r.number() == 1 && r.wire_type() == FieldReader::kVarint) {
          rule.value = static_cast<int32_t>(r.varint());
        } else if (r.number() == 2 && r.wire_type() == FieldReader::kBytes) {
          work.push_back(Pending{static_cast<uint32_t>(tree.rules.size()), {r.bytes()},
                                 p.depth + 2});
          tree.rules.emplace_back();
        }
      }
      if (!r.ok()) return Invalid();
    }
    rule.num_children = static_cast<uint32_t>(tree.rules.size()) - rule.first_child;
  }
  tree.rules[p.rule] = rule;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RuleTree> DecodeRuleTree(absl::Span<const absl::string_view> segments) {
  RuleTree tree;
  std::vector<absl::string_view> rule_segments;
  for (absl::string_view segment : segments) {
    FieldReader r(segment);
    while (r.Next()) {
      if (r.number() == 1 && r.wire_type() == FieldReader::kVarint) {
        tree.version = static_cast<int32_t>(r.varint());
      } else if (r.number() == 2 && r.wire_type() == FieldReader::kBytes) {
        rule_segments.push_back(r.bytes());
      } else if (r.number() == 3 && r.wire_type() == FieldReader::kBytes) {
        const absl::string_view id = r.bytes();
        if (!tree.identities.emplace_back().ParseFromArray(id.data(), static_cast<int>(id.size()))) {
          return Invalid();
        }
      }
    }
    if (!r.ok()) return Invalid();
  }
  if (rule_segments.empty()) return tree;
  tree.has_rule = true;
  tree.rules.emplace_back();
  std::vector<Pending> work;
  work.push_back(Pending{0, std::move(rule_segments), 2});
  while (!work.empty()) {
    Pending p = std::move(work.back());
    work.pop_back();
    if (absl::Status s = DecodeRule(std::move(p), tree, work); !s.ok()) return s;
  }
  return tree;
}

RuleTree FlattenRuleTree(const common::SignaturePolicyEnvelope& envelope) {
  RuleTree tree;
  tree.version = envelope.version();
  tree.identities.assign(envelope.identities().begin(), envelope.identities().end());
  if (!envelope.has_rule()) return tree;
  tree.has_rule = true;
  tree.rules.emplace_back();
  std::vector<std::pair<uint32_t, const common::SignaturePolicy*>> work = {{0, &envelope.rule()}};
  while (!work.empty()) {
    auto [index, policy] = work.back();
    work.pop_back();
    RuleTree::Rule rule;
    if (policy->has_signed_by()) {
      rule.kind = Kind::kSignedBy;
      rule.value = policy->signed_by();
    } else if (policy->has_n_out_of()) {
      rule.kind = Kind::kNOutOf;
      rule.value = policy->n_out_of().n();
      rule.first_child = static_cast<uint32_t>(tree.rules.size());
      rule.num_children = static_cast<uint32_t>(policy->n_out_of().rules_size());
      for (const common::SignaturePolicy& sub : policy->n_out_of().rules()) {
        work.emplace_back(static_cast<uint32_t>(tree.rules.size()), &sub);
        tree.rules.emplace_back();
      }
    }
    tree.rules[index] = rule;
  }
  return tree;
}

}  // namespace fabric::policy
