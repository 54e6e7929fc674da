// A channel's configuration as a peer uses it: read from the channel's latest config
// block (the genesis block or a later CONFIG block), with the MSPs of every org and
// every policy of the config tree ready to evaluate.
//
//   auto block = wire::ParsedBlock::Parse(bytes);
//   auto config = ChannelConfig::FromBlock(**block);
//   const policy::Policy* p = *(*config)->policies().Get("/Channel/Application/Writers");
//
// A CONFIG block carries the whole new configuration, so applying one is loading it:
// the returned object replaces the previous one from the next block on.
//
// Thread safety: immutable after construction; share it (std::shared_ptr<const>) freely.
#ifndef FABRIC_LIB_CHANNELCONFIG_CHANNEL_CONFIG_H_
#define FABRIC_LIB_CHANNELCONFIG_CHANNEL_CONFIG_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/identity/msp_manager.h"
#include "lib/policy/manager.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/configtx.pb.h"

namespace fabric::channelconfig {

// One organization of the channel.
struct Organization {
  std::string name;      // its config group name
  std::string mspid;     // the MSP it declares
  bool orderer = false;  // an orderer org (under /Channel/Orderer), else an application org
  std::vector<std::string> anchor_peers;  // host:port (application orgs)
  std::vector<std::string> endpoints;     // host:port (orderer orgs)
};

class ChannelConfig {
 public:
  // From a config block: exactly one CONFIG envelope holding a ConfigEnvelope.
  static absl::StatusOr<std::shared_ptr<const ChannelConfig>> FromBlock(
      const wire::ParsedBlock& block);
  // From a Config message of the channel `channel_id`.
  static absl::StatusOr<std::shared_ptr<const ChannelConfig>> FromConfig(
      const common::Config& config, std::string channel_id);

  const std::string& channel_id() const { return channel_id_; }
  uint64_t sequence() const { return config_.sequence(); }
  const common::Config& config() const { return config_; }

  const std::vector<Organization>& organizations() const { return orgs_; }
  const identity::MspManager& msps() const { return *msps_; }
  std::shared_ptr<const identity::MspManager> shared_msps() const { return msps_; }
  const policy::PolicyManager& policies() const { return *policies_; }

  // Capability names enabled at /Channel, /Channel/Orderer and /Channel/Application
  // (e.g. "V2_0", "V2_5").
  const std::set<std::string>& channel_capabilities() const { return channel_caps_; }
  const std::set<std::string>& orderer_capabilities() const { return orderer_caps_; }
  const std::set<std::string>& application_capabilities() const { return application_caps_; }

 private:
  ChannelConfig() = default;

  std::string channel_id_;
  common::Config config_;
  std::vector<Organization> orgs_;
  std::shared_ptr<const identity::MspManager> msps_;
  std::shared_ptr<const policy::PolicyManager> policies_;
  std::set<std::string> channel_caps_, orderer_caps_, application_caps_;
};

}  // namespace fabric::channelconfig

#endif  // FABRIC_LIB_CHANNELCONFIG_CHANNEL_CONFIG_H_
