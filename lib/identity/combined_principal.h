// COMBINED principals (common.CombinedPrincipal) read as views into their bytes.
//
// Each level of a COMBINED principal is its own bytes field, so no protobuf depth limit
// applies and an attacker can nest them as deep as a transaction is long. Parsing each
// level into messages copies the rest of the bytes per level (quadratic) and recursing
// per level overflows a stack; readers of nested principals (Msp::SatisfiesPrincipal,
// the policy printer) walk them with these views and a stack of their own.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_IDENTITY_COMBINED_PRINCIPAL_H_
#define FABRIC_LIB_IDENTITY_COMBINED_PRINCIPAL_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace fabric::identity {

// An MSPPrincipal's fields; `principal` points into the bytes it was read from.
struct PrincipalView {
  int32_t classification = 0;  // common.MSPPrincipal.Classification
  absl::string_view principal;
};

// Appends the members of the serialized CombinedPrincipal `combined` to `out`, as
// protobuf would parse them (last value of a field wins, unknown fields skipped).
// False if the bytes, or a member's, are not a valid message.
bool ReadCombinedMembers(absl::string_view combined, std::vector<PrincipalView>& out);

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_COMBINED_PRINCIPAL_H_
