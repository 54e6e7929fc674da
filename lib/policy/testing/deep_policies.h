// Hostile policies for tests: nesting deeper than any recursion over it could survive,
// built in linear time without building nested messages.
#ifndef FABRIC_LIB_POLICY_TESTING_DEEP_POLICIES_H_
#define FABRIC_LIB_POLICY_TESTING_DEEP_POLICIES_H_

#include <string>

#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::testing {

// A serialized SignaturePolicyEnvelope (version 0) whose rule is `levels` nested
// NOutOf(1, [...]) around SignedBy(0), with `identity` as its only principal. Go's
// nesting limit (rule_tree.h) admits at most 4999 levels.
std::string NestedRuleEnvelope(int levels, const common::MSPPrincipal& identity);

// `leaf` wrapped in `levels` COMBINED principals of one member each.
common::MSPPrincipal NestedCombined(int levels, const common::MSPPrincipal& leaf);

// A ROLE principal 'mspid.member'.
common::MSPPrincipal MemberOf(const std::string& mspid);

}  // namespace fabric::testing

#endif  // FABRIC_LIB_POLICY_TESTING_DEEP_POLICIES_H_
