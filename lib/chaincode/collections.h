// The private data collections of the channel's chaincodes, as a peer sees them
// (Fabric's core/common/privdata and implicit collections of core/chaincode/lifecycle):
//   - the static collections of a chaincode's committed definition;
//   - its implicit org collections `_implicit_org_<MSPID>`, one per application org of
//     the channel, generated, never stored: that org alone is a member, BlockToLive 0,
//     MemberOnlyRead and MemberOnlyWrite false, no endorsement policy of their own
//     (definition.h, ReadCollectionPolicy, says which policy endorses their writes).
// `_lifecycle` has implicit collections too (its approvals live there), and no others.
//
// A peer is eligible for (stores the private data of) a collection when its org is one
// of the member orgs: the MSP ids named by the principals of the collection's
// member_orgs_policy (roles, organization units, identities), as Fabric's getMemberOrgs
// reads them.
//
// Thread safety: the functions are stateless; a PeerCollectionRules is for one thread.
#ifndef FABRIC_LIB_CHAINCODE_COLLECTIONS_H_
#define FABRIC_LIB_CHAINCODE_COLLECTIONS_H_

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/private_data.h"
#include "lib/ledger/update_batch.h"
#include "lib/wire/proto/collection.pb.h"

namespace fabric::chaincode {

inline constexpr char kImplicitCollectionPrefix[] = "_implicit_org_";

// "_implicit_org_<mspid>"
std::string ImplicitCollectionName(absl::string_view mspid);

// The collection `collection` of chaincode `cc`; nullopt when the chaincode is not
// defined or has no such collection. DataLoss when the definition does not decode.
absl::StatusOr<std::optional<protos::StaticCollectionConfig>> FindCollection(
    const ledger::StateReader& state, const channelconfig::ChannelConfig& config,
    absl::string_view cc, absl::string_view collection);

// The MSP ids of the collection's member orgs.
std::set<std::string> MemberOrgs(const protos::StaticCollectionConfig& collection);

// ledger::CollectionRules for a committing peer of org `mspid`, from the committed
// definitions in `state` (read once per chaincode) and the channel's orgs.
class PeerCollectionRules : public ledger::CollectionRules {
 public:
  PeerCollectionRules(const ledger::StateReader& state, const channelconfig::ChannelConfig& config,
                      std::string mspid)
      : state_(state), config_(config), mspid_(std::move(mspid)) {}

  absl::StatusOr<std::optional<ledger::CollectionRule>> Rule(absl::string_view ns,
                                                             absl::string_view coll) const override;

 private:
  const ledger::StateReader& state_;
  const channelconfig::ChannelConfig& config_;
  const std::string mspid_;
  mutable std::map<std::pair<std::string, std::string>, std::optional<ledger::CollectionRule>>
      cache_;
};

}  // namespace fabric::chaincode

#endif  // FABRIC_LIB_CHAINCODE_COLLECTIONS_H_
