// The policy language of Fabric's `peer` CLI and SDKs (Fabric 2.5 policydsl.FromString
// and policies.ImplicitMetaFromString), compiled to the same bytes Fabric produces.
//
//   absl::StatusOr<common::SignaturePolicyEnvelope> env =
//       CompileDsl("OR('Org1MSP.peer', AND('Org2MSP.member', 'Org3MSP.admin'))");
//
// Signature policies:
//   policy    := gate
//   gate      := name '(' arg { ',' arg } ')'
//   name      := AND | And | and | OR | Or | or | OUTOF | OutOf | outof   (exactly these)
//   arg       := gate | principal                    (AND, OR)
//   OutOf     := OutOf '(' threshold { ',' arg } ')'  at least one arg after the threshold
//   threshold := number | quoted number               (a fraction is truncated: 2.7 -> 2)
//   principal := quoted 'MSPID.role', MSPID of [A-Za-z0-9.-]+ (the role follows the last
//                dot), role one of member, admin, client, peer, orderer (lowercase)
// A quoted string opens with ' or " and ends at the next unescaped ' or " (either one,
// as in Fabric's lexer); a backslash makes the next byte literal. Whitespace between
// tokens is ignored. AND(a..k) is OutOf(k, a..k) and OR(a..k) is OutOf(1, a..k); OutOf's
// threshold t must satisfy 0 <= t <= n + 1 for n arguments (n + 1: never satisfied).
//
// Envelope layout, as Fabric builds it: version 0; one principal per occurrence (no
// de-duplication); principals are numbered in post-order: for each gate, first the
// principals of its nested gates (left to right, recursively), then its own principal
// arguments left to right. So OR('A.member', AND('B.member', 'C.member')) lists B, C, A.
//
// Differences from Fabric, all on inputs Fabric would only accept by accident: Fabric
// evaluates the text as a govaluate expression three times, so it also accepts
// arithmetic in thresholds (OutOf(1+1, ...)), negative zero, hex numbers, and strings
// that are themselves policy text (OR('A.peer', 'OR(\'B.peer\')')). Those are errors here.
//
// Errors are InvalidArgument and name the 0-based byte offset of the problem:
//   "syntax error at position 12: expected ',' or ')'".
//
// Thread safety: stateless; call from any thread.
#ifndef FABRIC_LIB_POLICY_DSL_H_
#define FABRIC_LIB_POLICY_DSL_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/policy/rule_tree.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::policy {

absl::StatusOr<common::SignaturePolicyEnvelope> CompileDsl(absl::string_view text);

// Prints an envelope in the language above: AND when n equals the number of sub-rules
// (and there are several), OR when n is 1, OutOf otherwise; role principals as
// 'MSPID.role'. CompileDsl(ToDsl(x)) reproduces x's bytes for every envelope CompileDsl
// makes. Other envelopes print in a readable form that may not compile: OU('MSPID',
// 'ou'), Identity('MSPID', 'sha256:<hex of the certificate bytes>'), Anonymity(...),
// Combined(...), SignedBy(i) for an index out of range, <empty rule> for a rule with
// neither signed_by nor n_out_of, <no rule> for a missing rule. Text past `max_bytes`
// is cut and ends in "..." (a hostile envelope can name one huge principal thousands of
// times). Any nesting depth is printed without recursion.
inline constexpr size_t kMaxDslText = size_t{1} << 20;
std::string ToDsl(const RuleTree& tree, size_t max_bytes = kMaxDslText);
std::string ToDsl(const common::SignaturePolicyEnvelope& envelope,
                  size_t max_bytes = kMaxDslText);

// "RULE SubPolicy" (RULE one of ANY, ALL, MAJORITY, case-sensitive, one space between,
// exactly as Fabric's ImplicitMetaFromString splits it), e.g. "MAJORITY Endorsement".
absl::StatusOr<common::ImplicitMetaPolicy> ParseImplicitMeta(absl::string_view text);

// The inverse of ParseImplicitMeta; an unknown rule prints as its number.
std::string ImplicitMetaToString(const common::ImplicitMetaPolicy& policy);

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_DSL_H_
