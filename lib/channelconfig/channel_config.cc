#include "lib/channelconfig/channel_config.h"

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/wire/parse_error.h"
#include "lib/wire/proto/configuration.pb.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "lib/wire/proto/peer_configuration.pb.h"

namespace fabric::channelconfig {
namespace {

constexpr char kApplication[] = "Application";
constexpr char kOrderer[] = "Orderer";
constexpr char kMspKey[] = "MSP";
constexpr char kCapabilitiesKey[] = "Capabilities";
constexpr char kAnchorPeersKey[] = "AnchorPeers";
constexpr char kEndpointsKey[] = "Endpoints";

// The capability names in `group`'s Capabilities value (none if absent).
absl::StatusOr<std::set<std::string>> Capabilities(const common::ConfigGroup& group,
                                                   absl::string_view path) {
  std::set<std::string> out;
  auto it = group.values().find(kCapabilitiesKey);
  if (it == group.values().end()) return out;
  common::Capabilities caps;
  FABRIC_RETURN_IF_ERROR(
      wire::ParseMessage(it->second.value(), &caps, absl::StrCat(path, "/Capabilities")));
  for (const auto& [name, unused] : caps.capabilities()) out.insert(name);
  return out;
}

// Reads one org group: its MSP (appended to `msps`) and its endpoints.
absl::Status ReadOrganization(const std::string& name, const common::ConfigGroup& group,
                              bool orderer, const std::string& path, Organization* org,
                              std::vector<std::unique_ptr<identity::Msp>>* msps) {
  org->name = name;
  org->orderer = orderer;
  auto msp_value = group.values().find(kMspKey);
  if (msp_value == group.values().end()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " has no MSP value"));
  }
  msp::MSPConfig msp_config;
  FABRIC_RETURN_IF_ERROR(wire::ParseMessage(msp_value->second.value(), &msp_config, path + "/MSP"));
  auto msp = identity::Msp::Create(msp_config);
  if (!msp.ok()) {
    return absl::Status(msp.status().code(), absl::StrCat(path, "/MSP: ", msp.status().message()));
  }
  org->mspid = (*msp)->name();
  msps->push_back(std::move(msp).value());

  if (auto it = group.values().find(kAnchorPeersKey); it != group.values().end()) {
    protos::AnchorPeers peers;
    FABRIC_RETURN_IF_ERROR(wire::ParseMessage(it->second.value(), &peers, path + "/AnchorPeers"));
    for (const auto& p : peers.anchor_peers()) {
      org->anchor_peers.push_back(absl::StrCat(p.host(), ":", p.port()));
    }
  }
  if (auto it = group.values().find(kEndpointsKey); it != group.values().end()) {
    common::OrdererAddresses addresses;
    FABRIC_RETURN_IF_ERROR(wire::ParseMessage(it->second.value(), &addresses, path + "/Endpoints"));
    org->endpoints.assign(addresses.addresses().begin(), addresses.addresses().end());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ChannelConfig>> ChannelConfig::FromBlock(
    const wire::ParsedBlock& block) {
  if (!block.IsConfigBlock()) {
    return absl::InvalidArgumentError(
        absl::StrCat("block ", block.number(), " is not a config block"));
  }
  const wire::TxView& tx = block.tx(0);
  if (!tx.ok()) return tx.error;
  if (!tx.config_envelope.has_config()) {
    return absl::InvalidArgumentError(
        absl::StrCat("block ", block.number(), ": config envelope has no config"));
  }
  return FromConfig(tx.config_envelope.config(), tx.channel_header.channel_id());
}

absl::StatusOr<std::shared_ptr<const ChannelConfig>> ChannelConfig::FromConfig(
    const common::Config& config, std::string channel_id) {
  std::shared_ptr<ChannelConfig> c(new ChannelConfig());
  c->channel_id_ = std::move(channel_id);
  c->config_ = config;
  const common::ConfigGroup& root = c->config_.channel_group();

  std::vector<std::unique_ptr<identity::Msp>> msps;
  for (const char* section : {kApplication, kOrderer}) {
    auto it = root.groups().find(section);
    if (it == root.groups().end()) continue;
    const std::string section_path = absl::StrCat("/Channel/", section);
    // Sorted by name, so the order does not depend on how Go wrote the map.
    std::map<std::string, const common::ConfigGroup*> sorted;
    for (const auto& [name, group] : it->second.groups()) sorted[name] = &group;
    for (const auto& [name, group] : sorted) {
      Organization org;
      FABRIC_RETURN_IF_ERROR(ReadOrganization(name, *group, section == kOrderer,
                                              absl::StrCat(section_path, "/", name), &org, &msps));
      c->orgs_.push_back(std::move(org));
    }
    auto caps = Capabilities(it->second, section_path);
    if (!caps.ok()) return caps.status();
    (section == kOrderer ? c->orderer_caps_ : c->application_caps_) = *std::move(caps);
  }
  auto caps = Capabilities(root, "/Channel");
  if (!caps.ok()) return caps.status();
  c->channel_caps_ = *std::move(caps);

  auto manager = identity::MspManager::Create(std::move(msps));
  if (!manager.ok()) return manager.status();
  c->msps_ = *std::move(manager);
  auto policies = policy::PolicyManager::Create(root);
  if (!policies.ok()) return policies.status();
  c->policies_ = *std::move(policies);
  return std::shared_ptr<const ChannelConfig>(std::move(c));
}

}  // namespace fabric::channelconfig
