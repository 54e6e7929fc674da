// The `_lifecycle` system chaincode as Fabric 2.5 runs it (core/chaincode/lifecycle:
// scc.go, lifecycle.go, serializer.go): chaincodes are defined on a channel by each
// org's approval, then a commit that the LifecycleEndorsement policy's orgs endorse.
//
//   ApproveChaincodeDefinitionForMyOrg  args[0]: lifecycle.ApproveChaincodeDefinitionForMyOrgArgs.
//     The sequence must be the committed one (with its parameters) or the next. Writes,
//     with Fabric's serializer, into the endorsing peer's org's implicit collection
//     `_implicit_org_<MSPID>` of `_lifecycle`: namespaces/metadata/<cc>#<seq>
//     (ChaincodeParameters) and namespaces/fields/<cc>#<seq>/{EndorsementInfo,
//     ValidationInfo, Collections}, chaincode-sources/metadata/<cc>#<seq> and
//     chaincode-sources/fields/<cc>#<seq>/PackageID. The same approval twice is refused.
//   CheckCommitReadiness  args[0]: lifecycle.CheckCommitReadinessArgs; the payload is a
//     CheckCommitReadinessResult: for each application org of the channel, whether its
//     implicit collection holds (by hash: every peer has the hashes) that approval.
//   CommitChaincodeDefinition  args[0]: lifecycle.CommitChaincodeDefinitionArgs. The
//     sequence must be the committed one + 1; writes the definition into the public
//     `_lifecycle` namespace (chaincode/definition.h); refused unless the endorsing
//     peer's own org approved it ("chaincode definition not agreed to by this org").
//     The orgs the LifecycleEndorsement policy needs must endorse it, so their approvals
//     are what the channel requires.
//   QueryApprovedChaincodeDefinition  args[0]: QueryApprovedChaincodeDefinitionArgs
//     (sequence 0: the next uncommitted approval, else the committed one).
//   QueryChaincodeDefinition / QueryChaincodeDefinitions: the committed definitions (the
//     former with the orgs' approvals).
// Definitions and approvals get Fabric's defaults: endorsement plugin "escc", validation
// plugin "vscc", policy /Channel/Application/Endorsement. Inputs are checked as Fabric's
// validateInput does: names, versions, collection configs (names, peer counts, a member
// policy) and, against the committed definition, no collection removed and no
// BlockToLive changed.
//
// Thread safety: stateless; Invoke may run on many threads at once.
#ifndef FABRIC_LIB_ENDORSE_LIFECYCLE_CONTRACT_H_
#define FABRIC_LIB_ENDORSE_LIFECYCLE_CONTRACT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/endorse/channel_view.h"
#include "lib/endorse/contract.h"

namespace fabric::endorse {

// The contract for an endorser of org `peer_mspid` on `channel` (which must outlive it).
std::shared_ptr<Contract> NewLifecycleContract(const ChannelView* channel, std::string peer_mspid);

// The arguments of a CommitChaincodeDefinition proposal to `_lifecycle`:
// {"CommitChaincodeDefinition", serialized args}. `policy` is a serialized
// protos.ApplicationPolicy ("" = the channel's /Channel/Application/Endorsement).
std::vector<std::string> CommitChaincodeDefinitionArgs(absl::string_view name,
                                                       absl::string_view version, int64_t sequence,
                                                       absl::string_view policy,
                                                       bool init_required = false);

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_LIFECYCLE_CONTRACT_H_
