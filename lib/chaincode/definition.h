// Chaincode definitions as the `_lifecycle` namespace of the world state holds them, and
// the validation information a committing peer derives from them (Fabric 2.5's
// lifecycle.ValidatorCommitter).
//
// A definition of chaincode <cc> is stored with Fabric's lifecycle serializer:
//   namespaces/metadata/<cc>        lifecycle.StateMetadata{datatype "ChaincodeDefinition"}
//   namespaces/fields/<cc>/<Field>  lifecycle.StateData for the fields Sequence (int64),
//                                   EndorsementInfo, ValidationInfo and Collections
//                                   (bytes of the serialized message)
// A missing field reads as its zero value, as in Fabric.
//
// Validation reads definitions from committed state only: a chaincode defined in block
// N can be invoked from block N+1 on.
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_CHAINCODE_DEFINITION_H_
#define FABRIC_LIB_CHAINCODE_DEFINITION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/update_batch.h"
#include "lib/wire/proto/collection.pb.h"
#include "lib/wire/proto/lifecycle.pb.h"

namespace fabric::chaincode {

inline constexpr char kLifecycleNamespace[] = "_lifecycle";

// The layout above, for readers and for the writer (endorse/lifecycle_contract.h).
// The metadata's datatype and the fields of a definition, in Fabric's declaration order.
inline constexpr char kDefinitionType[] = "ChaincodeDefinition";
inline constexpr const char* kDefinitionFields[] = {"Sequence", "EndorsementInfo", "ValidationInfo",
                                                    "Collections"};
// Fabric's lifecycle serializer keys in a key space ("namespaces" for definitions and
// their approvals, "chaincode-sources" for the package an org approved):
// "<space>/metadata/<name>" and "<space>/fields/<name>/<field>".
std::string MetadataKey(absl::string_view space, absl::string_view name);
std::string FieldKey(absl::string_view space, absl::string_view name, absl::string_view field);
// "namespaces/metadata/<name>"
std::string DefinitionMetadataKey(absl::string_view name);
// "namespaces/fields/<name>/<field>"
std::string DefinitionFieldKey(absl::string_view name, absl::string_view field);
// The key of chaincode `name`'s committed Sequence ("namespaces/fields/<name>/Sequence").
std::string SequenceKey(absl::string_view name);
// The Sequence stored under SequenceKey(name) as Fabric's lifecycle serializer reads it:
// 0 when nothing is stored (the chaincode is not defined); DataLoss when `stored` is
// not a lifecycle.StateData holding an int64.
absl::StatusOr<int64_t> DecodeSequence(absl::string_view name,
                                       const std::optional<std::string>& stored);

struct ChaincodeDefinition {
  int64_t sequence = 0;
  lifecycle::ChaincodeEndorsementInfo endorsement_info;
  lifecycle::ChaincodeValidationInfo validation_info;
  protos::CollectionConfigPackage collections;
};

// The committed definition of chaincode `name`, nullopt if it has none. DataLoss when
// the stored records do not decode (Fabric treats that as a failure of the ledger, not
// of the transaction).
absl::StatusOr<std::optional<ChaincodeDefinition>> ReadChaincodeDefinition(
    const ledger::StateReader& state, absl::string_view name);

// What validates the writes of one namespace: the validation plugin and its argument
// (a serialized protos.ApplicationPolicy).
struct ValidationInfo {
  std::string plugin;
  std::string policy;
};

// Fabric's ValidationInfo for namespace `name`:
//   - `_lifecycle`: plugin "vscc" with /Channel/Application/LifecycleEndorsement if the
//     channel has that policy, else a MAJORITY of the application orgs' members;
//   - a defined chaincode: its definition's validation plugin and parameter;
//   - anything else: NotFound ("chaincode X is not defined"), a transaction error.
// A definition without a plugin or a policy is InvalidArgument, also a transaction
// error. Other errors (DataLoss, ...) are failures of the ledger.
absl::StatusOr<ValidationInfo> ReadValidationInfo(const ledger::StateReader& state,
                                                  const channelconfig::ChannelConfig& config,
                                                  absl::string_view name);

// The endorsement policy of collection `collection` of chaincode `cc` (Fabric's
// CollectionValidationInfo): "" when the chaincode is undefined; for an implicit
// collection `_implicit_org_<MSPID>`, that org's Endorsement policy (or any member of
// the org if the org has none); for a defined collection, its own endorsement policy or
// else the chaincode's. NotFound when the chaincode has no such collection or the
// channel no such org (transaction errors); other errors are failures of the ledger.
absl::StatusOr<std::string> ReadCollectionPolicy(const ledger::StateReader& state,
                                                 const channelconfig::ChannelConfig& config,
                                                 absl::string_view cc,
                                                 absl::string_view collection);

}  // namespace fabric::chaincode

#endif  // FABRIC_LIB_CHAINCODE_DEFINITION_H_
