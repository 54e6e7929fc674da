// Rules for channel configuration: config values by name, MSPs, policies, principals.
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/inspect/internal/rules.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/configuration.pb.h"
#include "lib/wire/proto/etcdraft.pb.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/wire/proto/orderer_config.pb.h"
#include "lib/wire/proto/peer_configuration.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::inspect::internal {
namespace {

using google::protobuf::DynamicCastToGenerated;
using google::protobuf::Message;

// ConfigValue.value by its key in the parent ConfigGroup.values map. Fabric uses each
// name at one level only (channel, orderer, application, org), so the name suffices.
absl::StatusOr<const Message*> ConfigValueType(const FieldValue& v) {
  static const auto* const kByName = new absl::flat_hash_map<std::string, const Message*>{
      {"MSP", &Type<msp::MSPConfig>()},
      {"Capabilities", &Type<common::Capabilities>()},
      {"HashingAlgorithm", &Type<common::HashingAlgorithm>()},
      {"BlockDataHashingStructure", &Type<common::BlockDataHashingStructure>()},
      {"OrdererAddresses", &Type<common::OrdererAddresses>()},
      {"Endpoints", &Type<common::OrdererAddresses>()},
      {"Consortium", &Type<common::Consortium>()},
      {"Orderers", &Type<common::Orderers>()},
      {"ConsensusType", &Type<orderer::ConsensusType>()},
      {"BatchSize", &Type<orderer::BatchSize>()},
      {"BatchTimeout", &Type<orderer::BatchTimeout>()},
      {"ChannelRestrictions", &Type<orderer::ChannelRestrictions>()},
      {"KafkaBrokers", &Type<orderer::KafkaBrokers>()},
      {"AnchorPeers", &Type<protos::AnchorPeers>()},
      {"ACLs", &Type<protos::ACLs>()},
  };
  if (v.frame.label.empty()) return nullptr;  // not inside a ConfigGroup
  auto it = kByName->find(v.frame.label);
  if (it == kByName->end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no known message type for config value \"", v.frame.label, "\""));
  }
  return it->second;
}

absl::StatusOr<const Message*> MspConfigType(const FieldValue& v) {
  const auto* c = DynamicCastToGenerated<msp::MSPConfig>(&v.frame.message);
  if (c == nullptr) return nullptr;
  switch (c->type()) {
    case 0:
      return &Type<msp::FabricMSPConfig>();
    case 1:
      return &Type<msp::IdemixMSPConfig>();
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown MSP type ", c->type()));
}

absl::StatusOr<const Message*> PolicyType(const FieldValue& v) {
  const auto* p = DynamicCastToGenerated<common::Policy>(&v.frame.message);
  if (p == nullptr) return nullptr;
  switch (p->type()) {
    case common::Policy::SIGNATURE:
      return &Type<common::SignaturePolicyEnvelope>();
    case common::Policy::IMPLICIT_META:
      return &Type<common::ImplicitMetaPolicy>();
  }
  return nullptr;
}

absl::StatusOr<const Message*> PrincipalType(const FieldValue& v) {
  const auto* p = DynamicCastToGenerated<common::MSPPrincipal>(&v.frame.message);
  if (p == nullptr) return nullptr;
  switch (p->principal_classification()) {
    case common::MSPPrincipal::ROLE:
      return &Type<common::MSPRole>();
    case common::MSPPrincipal::ORGANIZATION_UNIT:
      return &Type<common::OrganizationUnit>();
    case common::MSPPrincipal::IDENTITY:
      return &Type<msp::SerializedIdentity>();
    case common::MSPPrincipal::ANONYMITY:
      return &Type<common::MSPIdentityAnonymity>();
    case common::MSPPrincipal::COMBINED:
      return &Type<common::CombinedPrincipal>();
    default:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown principal classification ", p->principal_classification()));
}

absl::StatusOr<const Message*> ConsensusMetadataType(const FieldValue& v) {
  const auto* c = DynamicCastToGenerated<orderer::ConsensusType>(&v.frame.message);
  if (c == nullptr || c->type() != "etcdraft") return nullptr;
  return &Type<etcdraft::ConfigMetadata>();
}

}  // namespace

void AddConfigRules(RuleTable* t) {
  t->Add("common.ConfigUpdateEnvelope.config_update", As(Type<common::ConfigUpdate>()));
  t->Add("common.ConfigSignature.signature_header", As(Type<common::SignatureHeader>()));
  t->Add("common.ConfigValue.value", Pick(ConfigValueType));

  t->Add("msp.MSPConfig.config", Pick(MspConfigType));
  for (const char* certs :
       {"root_certs", "intermediate_certs", "admins", "tls_root_certs", "tls_intermediate_certs"}) {
    t->Add(absl::StrCat("msp.FabricMSPConfig.", certs), CertificateList());
  }
  t->Add("msp.FabricMSPConfig.revocation_list", TextOrBase64());  // PEM CRLs
  t->Add("msp.FabricOUIdentifier.certificate", Certificate());
  t->Add("msp.SigningIdentityInfo.public_signer", Certificate());

  t->Add("common.Policy.value", Pick(PolicyType));
  t->Add("common.MSPPrincipal.principal", Pick(PrincipalType));
  t->Add("common.OrganizationUnit.certifiers_identifier", AsHex());

  t->Add("orderer.ConsensusType.metadata", Pick(ConsensusMetadataType));
  for (const char* cert : {"client_tls_cert", "server_tls_cert"}) {
    t->Add(absl::StrCat("etcdraft.Consenter.", cert), Certificate());
    t->Add(absl::StrCat("common.Consenter.", cert), Certificate());
  }
  t->Add("common.Consenter.identity", Certificate());
}

}  // namespace fabric::inspect::internal
