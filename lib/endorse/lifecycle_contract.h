// The `_lifecycle` system chaincode, as much of it as a host needs to define its
// contracts' chaincodes on a channel through real endorsed transactions.
//
//   CommitChaincodeDefinition  args[0]: a serialized lifecycle.CommitChaincodeDefinitionArgs.
//     The sequence must be the committed one + 1. Writes the definition into the
//     `_lifecycle` namespace with Fabric's serializer layout (chaincode/definition.h):
//     namespaces/metadata/<cc> and namespaces/fields/<cc>/{Sequence, EndorsementInfo,
//     ValidationInfo, Collections}, endorsement plugin "escc", validation plugin "vscc".
//     The transaction is validated against /Channel/Application/LifecycleEndorsement,
//     as any `_lifecycle` write.
//   QueryChaincodeDefinition   args[0]: a serialized lifecycle.QueryChaincodeDefinitionArgs;
//     the payload is a lifecycle.QueryChaincodeDefinitionResult.
//
// Unlike Fabric, CommitChaincodeDefinition does not require prior per-org approvals
// (ApproveChaincodeDefinitionForMyOrg, which lives in private data): the endorsement
// policy of `_lifecycle` is what stands for the orgs' agreement.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_ENDORSE_LIFECYCLE_CONTRACT_H_
#define FABRIC_LIB_ENDORSE_LIFECYCLE_CONTRACT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/endorse/contract.h"

namespace fabric::endorse {

std::shared_ptr<Contract> NewLifecycleContract();

// The arguments of a CommitChaincodeDefinition proposal to `_lifecycle`:
// {"CommitChaincodeDefinition", serialized args}. `policy` is a serialized
// protos.ApplicationPolicy ("" = the channel's /Channel/Application/Endorsement).
std::vector<std::string> CommitChaincodeDefinitionArgs(absl::string_view name,
                                                       absl::string_view version, int64_t sequence,
                                                       absl::string_view policy,
                                                       bool init_required = false);

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_LIFECYCLE_CONTRACT_H_
