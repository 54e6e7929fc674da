// The config tree follows configtxgen's encoder for a profile like test-network's
// ChannelUsingRaft; the block follows the genesis factory behind `-outputBlock`. What the
// profile does not say is fixed here, as the conformance vectors' genesis block has it:
// capabilities, the three default ACLs, etcdraft's default options, no OrdererAddresses
// at /Channel (Fabric writes that deprecated value only when a profile lists global
// orderer addresses; endpoints live in each orderer org). An application org's
// `endpoints` become its AnchorPeers.
//
// Before returning, the new config is loaded as a peer would load it
// (channelconfig::ChannelConfig::FromConfig), so a profile whose MSPs do not build fails here.
#include "lib/testnet/genesis.h"

#include <initializer_list>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/base/nonce.h"
#include "lib/base/status_macros.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/wire/hashes.h"
#include "lib/wire/marshal.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/configuration.pb.h"
#include "lib/wire/proto/etcdraft.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/wire/proto/orderer_config.pb.h"
#include "lib/wire/proto/peer_configuration.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::testnet {
namespace {

constexpr char kAdmins[] = "Admins";
constexpr char kReaders[] = "Readers";
constexpr char kWriters[] = "Writers";
constexpr char kEndorsement[] = "Endorsement";
constexpr int32_t kGenesisMessageVersion = 1;  // Fabric's genesis factory writes 1
constexpr size_t kMaxIdLength = 249;           // channel ids and config keys

// Every element configtxgen writes is version 0 and modified by the group's Admins.
void AddValue(common::ConfigGroup* group, const std::string& key,
              const google::protobuf::Message& value) {
  common::ConfigValue& v = (*group->mutable_values())[key];
  v.set_value(wire::MarshalDeterministic(value));
  v.set_mod_policy(kAdmins);
}

void AddPolicy(common::ConfigGroup* group, const std::string& name, common::Policy::PolicyType type,
               const google::protobuf::Message& value) {
  common::ConfigPolicy& p = (*group->mutable_policies())[name];
  p.mutable_policy()->set_type(type);
  p.mutable_policy()->set_value(wire::MarshalDeterministic(value));
  p.set_mod_policy(kAdmins);
}

void AddImplicitMeta(common::ConfigGroup* group, const std::string& name,
                     common::ImplicitMetaPolicy::Rule rule, const std::string& sub_policy) {
  common::ImplicitMetaPolicy meta;
  meta.set_sub_policy(sub_policy);
  meta.set_rule(rule);
  AddPolicy(group, name, common::Policy::IMPLICIT_META, meta);
}

// OR over role principals of one MSP, as the policy language compiles
// OR('MSP.role1', 'MSP.role2', ...): principal i is rule i.
void AddAnyRolePolicy(common::ConfigGroup* group, const std::string& name, const std::string& mspid,
                      std::initializer_list<common::MSPRole::MSPRoleType> roles) {
  common::SignaturePolicyEnvelope envelope;
  envelope.set_version(0);
  common::SignaturePolicy::NOutOf* any = envelope.mutable_rule()->mutable_n_out_of();
  any->set_n(1);
  int index = 0;
  for (common::MSPRole::MSPRoleType role : roles) {
    any->add_rules()->set_signed_by(index++);
    common::MSPRole principal;
    principal.set_msp_identifier(mspid);
    principal.set_role(role);
    common::MSPPrincipal* identity = envelope.add_identities();
    identity->set_principal_classification(common::MSPPrincipal::ROLE);
    identity->set_principal(wire::MarshalDeterministic(principal));
  }
  AddPolicy(group, name, common::Policy::SIGNATURE, envelope);
}

common::Capabilities CapabilitiesOf(const std::string& name) {
  common::Capabilities caps;
  (*caps.mutable_capabilities())[name];
  return caps;
}

// Fabric's configtx.ValidateChannelID: [a-z][a-z0-9.-]*, at most 249 bytes.
absl::Status ValidateChannelId(const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError("genesis profile: empty channel id");
  if (id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("genesis profile: channel id longer than ", kMaxIdLength, " bytes"));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool ok =
        (c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '.' || c == '-'));
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("genesis profile: channel id '", id,
                       "' has illegal characters (want a lowercase letter, then [a-z0-9.-])"));
    }
  }
  return absl::OkStatus();
}

// Fabric's config key rule for group names: [a-zA-Z0-9._-]+, not "." or "..".
absl::Status ValidateOrgName(const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("genesis profile: an org has no name");
  bool ok = name.size() <= kMaxIdLength && name != "." && name != "..";
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("genesis profile: org name '", name, "' is not a valid config key"));
  }
  return absl::OkStatus();
}

// The MSP id an org's policies name: its FabricMSPConfig's name.
absl::StatusOr<std::string> MspIdOf(const OrgProfile& org) {
  if (org.msp.type() != 0) {
    return absl::InvalidArgumentError(absl::StrCat("genesis profile: org ", org.name, ": MSP type ",
                                                   org.msp.type(),
                                                   " is not supported (want FABRIC, 0)"));
  }
  msp::FabricMSPConfig config;
  if (!config.ParseFromString(org.msp.config())) {
    return absl::InvalidArgumentError(
        absl::StrCat("genesis profile: org ", org.name, ": MSP config does not parse"));
  }
  if (config.name().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("genesis profile: org ", org.name, ": MSP config has no name"));
  }
  return config.name();
}

// "host:port" with a port in 1..65535.
absl::StatusOr<protos::AnchorPeer> ParseAnchorPeer(const std::string& org,
                                                   const std::string& endpoint) {
  const size_t colon = endpoint.rfind(':');
  uint32_t port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(endpoint.substr(colon + 1), &port) || port == 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("genesis profile: org ", org, ": endpoint '", endpoint, "' is not host:port"));
  }
  protos::AnchorPeer peer;
  peer.set_host(endpoint.substr(0, colon));
  peer.set_port(static_cast<int32_t>(port));
  return peer;
}

// Readers/Writers/Admins (+ Endorsement), MSP and AnchorPeers of an application org.
absl::StatusOr<common::ConfigGroup> ApplicationOrgGroup(const OrgProfile& org) {
  FABRIC_ASSIGN_OR_RETURN(std::string mspid, MspIdOf(org));
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  AddAnyRolePolicy(&group, kReaders, mspid,
                   {common::MSPRole::ADMIN, common::MSPRole::PEER, common::MSPRole::CLIENT});
  AddAnyRolePolicy(&group, kWriters, mspid, {common::MSPRole::ADMIN, common::MSPRole::CLIENT});
  AddAnyRolePolicy(&group, kAdmins, mspid, {common::MSPRole::ADMIN});
  AddAnyRolePolicy(&group, kEndorsement, mspid, {common::MSPRole::PEER});
  AddValue(&group, "MSP", org.msp);
  if (!org.endpoints.empty()) {
    protos::AnchorPeers peers;
    for (const std::string& endpoint : org.endpoints) {
      FABRIC_ASSIGN_OR_RETURN(*peers.add_anchor_peers(), ParseAnchorPeer(org.name, endpoint));
    }
    AddValue(&group, "AnchorPeers", peers);
  }
  return group;
}

// Readers/Writers OR(member), Admins OR(admin), MSP and Endpoints of an orderer org.
absl::StatusOr<common::ConfigGroup> OrdererOrgGroup(const OrgProfile& org) {
  FABRIC_ASSIGN_OR_RETURN(std::string mspid, MspIdOf(org));
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  AddAnyRolePolicy(&group, kReaders, mspid, {common::MSPRole::MEMBER});
  AddAnyRolePolicy(&group, kWriters, mspid, {common::MSPRole::MEMBER});
  AddAnyRolePolicy(&group, kAdmins, mspid, {common::MSPRole::ADMIN});
  AddValue(&group, "MSP", org.msp);
  if (!org.endpoints.empty()) {
    common::OrdererAddresses endpoints;
    for (const std::string& endpoint : org.endpoints) {
      if (endpoint.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("genesis profile: orderer org ", org.name, ": empty endpoint"));
      }
      endpoints.add_addresses(endpoint);
    }
    AddValue(&group, "Endpoints", endpoints);
  }
  return group;
}

// Adds one group per org under `parent`, refusing duplicate names.
absl::Status AddOrgGroups(const std::vector<OrgProfile>& orgs, bool orderer,
                          common::ConfigGroup* parent) {
  for (const OrgProfile& org : orgs) {
    FABRIC_RETURN_IF_ERROR(ValidateOrgName(org.name));
    if (parent->groups().contains(org.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("genesis profile: org ", org.name, " is listed twice"));
    }
    FABRIC_ASSIGN_OR_RETURN(common::ConfigGroup group,
                            orderer ? OrdererOrgGroup(org) : ApplicationOrgGroup(org));
    (*parent->mutable_groups())[org.name] = std::move(group);
  }
  return absl::OkStatus();
}

// A group with configtxgen's default policies: Readers and Writers ANY, Admins
// MAJORITY of the same policies below it; mod_policy Admins.
common::ConfigGroup GroupWithDefaultPolicies() {
  common::ConfigGroup group;
  group.set_mod_policy(kAdmins);
  AddImplicitMeta(&group, kReaders, common::ImplicitMetaPolicy::ANY, kReaders);
  AddImplicitMeta(&group, kWriters, common::ImplicitMetaPolicy::ANY, kWriters);
  AddImplicitMeta(&group, kAdmins, common::ImplicitMetaPolicy::MAJORITY, kAdmins);
  return group;
}

absl::StatusOr<common::ConfigGroup> ApplicationGroup(const ChannelProfile& profile) {
  common::ConfigGroup group = GroupWithDefaultPolicies();
  AddImplicitMeta(&group, kEndorsement, common::ImplicitMetaPolicy::MAJORITY, kEndorsement);
  AddImplicitMeta(&group, "LifecycleEndorsement", common::ImplicitMetaPolicy::MAJORITY,
                  kEndorsement);
  // The peer's defaults for these resources, written out as the vectors' profile does.
  protos::ACLs acls;
  (*acls.mutable_acls())["_lifecycle/CommitChaincodeDefinition"].set_policy_ref(
      "/Channel/Application/Writers");
  (*acls.mutable_acls())["event/Block"].set_policy_ref("/Channel/Application/Readers");
  (*acls.mutable_acls())["peer/Propose"].set_policy_ref("/Channel/Application/Writers");
  AddValue(&group, "ACLs", acls);
  AddValue(&group, "Capabilities", CapabilitiesOf("V2_5"));
  FABRIC_RETURN_IF_ERROR(AddOrgGroups(profile.application_orgs, /*orderer=*/false, &group));
  return group;
}

absl::StatusOr<common::ConfigGroup> OrdererGroup(const ChannelProfile& profile) {
  common::ConfigGroup group = GroupWithDefaultPolicies();
  AddImplicitMeta(&group, "BlockValidation", common::ImplicitMetaPolicy::ANY, kWriters);

  if (profile.max_message_count == 0 || profile.absolute_max_bytes == 0 ||
      profile.preferred_max_bytes == 0 ||
      profile.preferred_max_bytes > profile.absolute_max_bytes) {
    return absl::InvalidArgumentError(
        "genesis profile: batch size limits must be positive, preferred <= absolute");
  }
  orderer::BatchSize batch_size;
  batch_size.set_max_message_count(profile.max_message_count);
  batch_size.set_absolute_max_bytes(profile.absolute_max_bytes);
  batch_size.set_preferred_max_bytes(profile.preferred_max_bytes);
  AddValue(&group, "BatchSize", batch_size);

  absl::Duration timeout;
  if (!absl::ParseDuration(profile.batch_timeout, &timeout) || timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("genesis profile: batch timeout '",
                                                   profile.batch_timeout,
                                                   "' is not a positive duration like 2s"));
  }
  orderer::BatchTimeout batch_timeout;
  batch_timeout.set_timeout(profile.batch_timeout);
  AddValue(&group, "BatchTimeout", batch_timeout);
  AddValue(&group, "ChannelRestrictions", orderer::ChannelRestrictions());
  AddValue(&group, "Capabilities", CapabilitiesOf("V2_0"));

  if (profile.consenters.empty()) {
    return absl::InvalidArgumentError("genesis profile: etcdraft needs at least one consenter");
  }
  etcdraft::ConfigMetadata raft;
  for (const ChannelProfile::Consenter& c : profile.consenters) {
    if (c.host.empty() || c.port == 0 || c.port > 65535 || c.cert_pem.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("genesis profile: consenter '", c.host, ":", c.port,
                       "' needs a host, a port in 1..65535 and a TLS certificate"));
    }
    etcdraft::Consenter* consenter = raft.add_consenters();
    consenter->set_host(c.host);
    consenter->set_port(c.port);
    consenter->set_client_tls_cert(c.cert_pem);
    consenter->set_server_tls_cert(c.cert_pem);
  }
  // configtxgen's defaults when a profile sets no options.
  etcdraft::Options* options = raft.mutable_options();
  options->set_tick_interval("500ms");
  options->set_election_tick(10);
  options->set_heartbeat_tick(1);
  options->set_max_inflight_blocks(5);
  options->set_snapshot_interval_size(16 * 1024 * 1024);
  orderer::ConsensusType consensus;
  consensus.set_type("etcdraft");
  consensus.set_metadata(wire::MarshalDeterministic(raft));
  AddValue(&group, "ConsensusType", consensus);

  FABRIC_RETURN_IF_ERROR(AddOrgGroups(profile.orderer_orgs, /*orderer=*/true, &group));
  return group;
}

absl::StatusOr<common::ConfigGroup> ChannelGroup(const ChannelProfile& profile) {
  common::ConfigGroup group = GroupWithDefaultPolicies();
  common::HashingAlgorithm hashing;
  hashing.set_name("SHA256");
  AddValue(&group, "HashingAlgorithm", hashing);
  common::BlockDataHashingStructure structure;
  structure.set_width(0xFFFFFFFFu);
  AddValue(&group, "BlockDataHashingStructure", structure);
  AddValue(&group, "Capabilities", CapabilitiesOf("V2_0"));
  FABRIC_ASSIGN_OR_RETURN((*group.mutable_groups())["Orderer"], OrdererGroup(profile));
  FABRIC_ASSIGN_OR_RETURN((*group.mutable_groups())["Application"], ApplicationGroup(profile));
  return group;
}

// Block 0 holding one unsigned CONFIG envelope with `config`.
absl::StatusOr<std::string> AssembleBlock(const std::string& channel_id,
                                          const common::Config& config) {
  common::SignatureHeader signature_header;  // no creator: nobody signs a genesis block
  FABRIC_ASSIGN_OR_RETURN(*signature_header.mutable_nonce(), fabric::RandomNonce());

  common::ChannelHeader channel_header;
  channel_header.set_type(common::CONFIG);
  channel_header.set_version(kGenesisMessageVersion);
  channel_header.mutable_timestamp()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  channel_header.set_channel_id(channel_id);
  channel_header.set_tx_id(wire::ComputeTxId(signature_header.nonce(), ""));
  channel_header.set_epoch(0);

  common::ConfigEnvelope config_envelope;
  *config_envelope.mutable_config() = config;
  common::Payload payload;
  payload.mutable_header()->set_channel_header(wire::MarshalDeterministic(channel_header));
  payload.mutable_header()->set_signature_header(wire::MarshalDeterministic(signature_header));
  payload.set_data(wire::MarshalDeterministic(config_envelope));
  common::Envelope envelope;
  envelope.set_payload(wire::MarshalDeterministic(payload));

  common::Block block;
  block.mutable_data()->add_data(wire::MarshalDeterministic(envelope));
  block.mutable_header()->set_number(0);
  block.mutable_header()->set_data_hash(wire::BlockDataHash(block.data()));

  // One metadata slot per BlockMetadataIndex (SIGNATURES .. COMMIT_HASH); the orderer's
  // SIGNATURES entry names config block 0 and carries no signature; LAST_CONFIG holds
  // Metadata{LastConfig{0}}, which serializes to nothing.
  common::OrdererBlockMetadata orderer_metadata;
  orderer_metadata.mutable_last_config()->set_index(0);
  common::Metadata signatures;
  signatures.set_value(wire::MarshalDeterministic(orderer_metadata));
  common::Metadata last_config;
  last_config.set_value(wire::MarshalDeterministic(common::LastConfig()));
  auto* metadata = block.mutable_metadata()->mutable_metadata();
  metadata->Add(wire::MarshalDeterministic(signatures));
  metadata->Add(wire::MarshalDeterministic(last_config));
  for (int i = 2; i < 5; ++i) metadata->Add(std::string());
  return wire::MarshalDeterministic(block);
}

}  // namespace

absl::StatusOr<std::string> MakeGenesisBlock(const ChannelProfile& profile) {
  FABRIC_RETURN_IF_ERROR(ValidateChannelId(profile.channel_id));
  if (profile.application_orgs.empty()) {
    return absl::InvalidArgumentError("genesis profile: no application orgs");
  }
  if (profile.orderer_orgs.empty()) {
    return absl::InvalidArgumentError("genesis profile: no orderer orgs");
  }
  common::Config config;
  config.set_sequence(0);
  FABRIC_ASSIGN_OR_RETURN(*config.mutable_channel_group(), ChannelGroup(profile));

  // The config must load as a peer loads it: MSPs that build, distinct MSP ids, policies
  // that compile.
  if (auto loaded = channelconfig::ChannelConfig::FromConfig(config, profile.channel_id);
      !loaded.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "genesis profile: the channel config does not load: ", loaded.status().message()));
  }
  return AssembleBlock(profile.channel_id, config);
}

}  // namespace fabric::testnet
