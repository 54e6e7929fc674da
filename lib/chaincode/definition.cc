#include "lib/chaincode/definition.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/collections.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::chaincode {
namespace {

constexpr char kLifecycleEndorsementPolicy[] = "/Channel/Application/LifecycleEndorsement";

// The stored StateData of field `field` of definition `name` (empty if absent).
absl::StatusOr<lifecycle::StateData> ReadField(const ledger::StateReader& state,
                                               absl::string_view name, absl::string_view field) {
  const std::string key = DefinitionFieldKey(name, field);
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> v,
                          state.Get(kLifecycleNamespace, key));
  lifecycle::StateData data;
  if (v.has_value() && !data.ParseFromString(v->value)) {
    return absl::DataLossError(absl::StrCat("could not unmarshal state for key ", key));
  }
  return data;
}

// A message-valued field: StateData bytes holding the serialized message.
absl::Status ReadMessageField(const ledger::StateReader& state, absl::string_view name,
                              absl::string_view field, google::protobuf::Message* out) {
  FABRIC_ASSIGN_OR_RETURN(lifecycle::StateData data, ReadField(state, name, field));
  const std::string where = DefinitionFieldKey(name, field);
  switch (data.Type_case()) {
    case lifecycle::StateData::TYPE_NOT_SET:
      return absl::OkStatus();
    case lifecycle::StateData::kBytes:
      if (!out->ParseFromString(data.bytes())) {
        return absl::DataLossError(
            absl::StrCat("could not unmarshal key ", where, " to ", out->GetTypeName()));
      }
      return absl::OkStatus();
    default:
      return absl::DataLossError(
          absl::StrCat("expected key ", where, " to encode a value of type []byte"));
  }
}

// SignaturePolicyEnvelope: at least `n` of the members of `mspids`, as an
// ApplicationPolicy (Fabric's SignedByNOutOfGivenRole with the MEMBER role).
std::string NOutOfMembers(int n, const std::vector<std::string>& mspids) {
  protos::ApplicationPolicy app;
  common::SignaturePolicyEnvelope* env = app.mutable_signature_policy();
  common::SignaturePolicy::NOutOf* rule = env->mutable_rule()->mutable_n_out_of();
  rule->set_n(n);
  for (size_t i = 0; i < mspids.size(); ++i) {
    common::MSPRole role;
    role.set_msp_identifier(mspids[i]);
    role.set_role(common::MSPRole::MEMBER);
    common::MSPPrincipal* p = env->add_identities();
    p->set_principal_classification(common::MSPPrincipal::ROLE);
    p->set_principal(role.SerializeAsString());
    rule->add_rules()->set_signed_by(static_cast<int32_t>(i));
  }
  return app.SerializeAsString();
}

std::string PolicyReference(absl::string_view path) {
  protos::ApplicationPolicy app;
  app.set_channel_config_policy_reference(std::string(path));
  return app.SerializeAsString();
}

}  // namespace

std::string MetadataKey(absl::string_view space, absl::string_view name) {
  return absl::StrCat(space, "/metadata/", name);
}

std::string FieldKey(absl::string_view space, absl::string_view name, absl::string_view field) {
  return absl::StrCat(space, "/fields/", name, "/", field);
}

std::string DefinitionMetadataKey(absl::string_view name) {
  return MetadataKey("namespaces", name);
}

std::string DefinitionFieldKey(absl::string_view name, absl::string_view field) {
  return FieldKey("namespaces", name, field);
}

std::string SequenceKey(absl::string_view name) { return DefinitionFieldKey(name, "Sequence"); }

absl::StatusOr<int64_t> DecodeSequence(absl::string_view name,
                                       const std::optional<std::string>& stored) {
  if (!stored.has_value()) return 0;
  lifecycle::StateData data;
  if (!data.ParseFromString(*stored)) {
    return absl::DataLossError(
        absl::StrCat("could not unmarshal state for key ", SequenceKey(name)));
  }
  // A stored value must hold an int64, as Fabric's DeserializeFieldAsInt64 requires.
  if (data.Type_case() != lifecycle::StateData::kInt64) {
    return absl::DataLossError(
        absl::StrCat("expected key ", SequenceKey(name), " to encode a value of type Int64"));
  }
  return data.int64();
}

absl::StatusOr<std::optional<ChaincodeDefinition>> ReadChaincodeDefinition(
    const ledger::StateReader& state, absl::string_view name) {
  const std::string key = DefinitionMetadataKey(name);
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> meta_value,
                          state.Get(kLifecycleNamespace, key));
  if (!meta_value.has_value()) return std::nullopt;
  lifecycle::StateMetadata meta;
  if (!meta.ParseFromString(meta_value->value)) {
    return absl::DataLossError(
        absl::StrCat("could not unmarshal metadata for namespace namespaces/", name));
  }
  if (meta.datatype() != kDefinitionType) {
    return absl::DataLossError(absl::StrCat("not a chaincode type: ", meta.datatype()));
  }
  ChaincodeDefinition def;
  FABRIC_ASSIGN_OR_RETURN(lifecycle::StateData seq, ReadField(state, name, "Sequence"));
  if (seq.Type_case() == lifecycle::StateData::kInt64) {
    def.sequence = seq.int64();
  } else if (seq.Type_case() != lifecycle::StateData::TYPE_NOT_SET) {
    return absl::DataLossError(
        absl::StrCat("expected key ", SequenceKey(name), " to encode a value of type Int64"));
  }
  FABRIC_RETURN_IF_ERROR(ReadMessageField(state, name, "EndorsementInfo", &def.endorsement_info));
  FABRIC_RETURN_IF_ERROR(ReadMessageField(state, name, "ValidationInfo", &def.validation_info));
  FABRIC_RETURN_IF_ERROR(ReadMessageField(state, name, "Collections", &def.collections));
  return def;
}

absl::StatusOr<ValidationInfo> ReadValidationInfo(const ledger::StateReader& state,
                                                  const channelconfig::ChannelConfig& config,
                                                  absl::string_view name) {
  if (name == kLifecycleNamespace) {
    if (config.policies().Get(kLifecycleEndorsementPolicy).ok()) {
      return ValidationInfo{"vscc", PolicyReference(kLifecycleEndorsementPolicy)};
    }
    std::vector<std::string> mspids;
    for (const channelconfig::Organization& org : config.organizations()) {
      if (!org.orderer) mspids.push_back(org.mspid);
    }
    return ValidationInfo{"vscc", NOutOfMembers(static_cast<int>(mspids.size() / 2 + 1), mspids)};
  }
  FABRIC_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> def,
                          ReadChaincodeDefinition(state, name));
  if (!def.has_value()) {
    return absl::NotFoundError(absl::StrCat("chaincode ", name, " is not defined"));
  }
  ValidationInfo info{def->validation_info.validation_plugin(),
                      def->validation_info.validation_parameter()};
  if (info.plugin.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("chaincode definition for [", name, "] is invalid, plugin field must be set"));
  }
  if (info.policy.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("chaincode definition for [", name, "] is invalid, policy field must be set"));
  }
  return info;
}

absl::StatusOr<std::string> ReadCollectionPolicy(const ledger::StateReader& state,
                                                 const channelconfig::ChannelConfig& config,
                                                 absl::string_view cc,
                                                 absl::string_view collection) {
  std::optional<ChaincodeDefinition> def;
  if (cc == kLifecycleNamespace) {
    def.emplace();  // _lifecycle is always defined, with no collections
  } else {
    FABRIC_ASSIGN_OR_RETURN(def, ReadChaincodeDefinition(state, cc));
    if (!def.has_value()) return std::string();
  }
  if (absl::StartsWith(collection, kImplicitCollectionPrefix)) {
    const absl::string_view mspid = collection.substr(strlen(kImplicitCollectionPrefix));
    for (const channelconfig::Organization& org : config.organizations()) {
      if (org.orderer || org.mspid != mspid) continue;
      const std::string path = absl::StrCat("/Channel/Application/", org.name, "/Endorsement");
      if (config.policies().Get(path).ok()) return PolicyReference(path);
      return NOutOfMembers(1, {std::string(mspid)});
    }
    return absl::NotFoundError(absl::StrCat("no org found in channel with MSPID '", mspid, "'"));
  }
  for (const protos::CollectionConfig& c : def->collections.config()) {
    if (!c.has_static_collection_config()) continue;
    const protos::StaticCollectionConfig& s = c.static_collection_config();
    if (s.name() != collection) continue;
    if (s.has_endorsement_policy()) return s.endorsement_policy().SerializeAsString();
    return def->validation_info.validation_parameter();
  }
  return absl::NotFoundError(absl::StrCat("no such collection '", collection, "'"));
}

}  // namespace fabric::chaincode
