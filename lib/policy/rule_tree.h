// A SignaturePolicyEnvelope as a flat tree of rules, read without recursion.
//
// The rule of a signature policy nests one protobuf message per level (SignaturePolicy,
// NOutOf, SignaturePolicy, ...), and Go's parser, so Fabric, accepts up to 10,000
// levels. Protobuf's C++ parser, destructor and serializer recurse once per level and
// need several MiB of stack for that; a host's thread may have 1 MiB. So policies that
// arrive as bytes (key-level validation parameters, chaincode endorsement policies,
// channel config policies, the C ABI) are decoded here into a flat vector with an
// explicit work stack, and everything after (compiling, evaluating, printing) walks the
// vector iteratively too. Policies deeper than Go accepts are refused as Go refuses them.
//
// Thread safety: RuleTree is a plain value.
#ifndef FABRIC_LIB_POLICY_RULE_TREE_H_
#define FABRIC_LIB_POLICY_RULE_TREE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::policy {

struct RuleTree {
  struct Rule {
    enum class Kind : uint8_t { kNone, kSignedBy, kNOutOf };  // kNone: neither was set
    Kind kind = Kind::kNone;
    int32_t value = 0;         // kSignedBy: the identity index; kNOutOf: n
    uint32_t first_child = 0;  // kNOutOf: its sub-rules are rules[first_child, + num_children)
    uint32_t num_children = 0;
  };

  int32_t version = 0;
  bool has_rule = false;
  std::vector<Rule> rules;  // rules[0] is the root when has_rule
  std::vector<common::MSPPrincipal> identities;
};

// Go's protobuf nesting limit (protowire's DefaultRecursionLimit), the envelope counted.
inline constexpr int kMaxMessageDepth = 10000;

// Decodes the serialized envelope whose bytes are the concatenation of `segments` (a
// message field that occurs several times is their merge), as Go's protobuf does:
// unknown fields skipped, repeated singular fields merged, the last of a oneof wins.
// InvalidArgument "not a valid common.SignaturePolicyEnvelope" on malformed wire format
// or nesting past kMaxMessageDepth.
absl::StatusOr<RuleTree> DecodeRuleTree(absl::Span<const absl::string_view> segments);
inline absl::StatusOr<RuleTree> DecodeRuleTree(absl::string_view bytes) {
  return DecodeRuleTree(absl::MakeConstSpan(&bytes, 1));
}

// The same tree from a parsed envelope (which protobuf built, so is shallow enough).
RuleTree FlattenRuleTree(const common::SignaturePolicyEnvelope& envelope);

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_RULE_TREE_H_
