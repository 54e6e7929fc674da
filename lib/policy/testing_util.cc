#include "lib/policy/testing_util.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "lib/base/status_macros.h"
#include "lib/identity/msp.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "tests/testdata.h"

namespace fabric::policy {

absl::StatusOr<common::Config> LoadGenesisConfig() {
  FABRIC_ASSIGN_OR_RETURN(std::string bytes,
                          testing::ReadFile(testing::ConformanceDir() + "/genesis.block"));
  FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const wire::ParsedBlock> block,
                          wire::ParsedBlock::Parse(std::move(bytes)));
  if (block->num_transactions() != 1 || !block->tx(0).ok() ||
      !block->tx(0).config_envelope.has_config()) {
    return absl::InvalidArgumentError("genesis.block holds no config");
  }
  return block->tx(0).config_envelope.config();
}

absl::StatusOr<std::shared_ptr<const identity::MspManager>> MspsFromConfig(
    const common::ConfigGroup& channel_group) {
  std::vector<std::unique_ptr<identity::Msp>> msps;
  for (const char* section : {"Application", "Orderer"}) {
    auto it = channel_group.groups().find(section);
    if (it == channel_group.groups().end()) continue;
    for (const auto& [org, group] : it->second.groups()) {
      auto value = group.values().find("MSP");
      if (value == group.values().end()) continue;
      msp::MSPConfig config;
      if (!config.ParseFromString(value->second.value())) {
        return absl::InvalidArgumentError("MSP value of " + org + " is not an msp.MSPConfig");
      }
      FABRIC_ASSIGN_OR_RETURN(std::unique_ptr<identity::Msp> msp, identity::Msp::Create(config));
      msps.push_back(std::move(msp));
    }
  }
  return identity::MspManager::Create(std::move(msps));
}

absl::StatusOr<std::unique_ptr<identity::SigningIdentity>> LoadSigner(const std::string& mspid,
                                                                      const std::string& member) {
  return identity::SigningIdentity::FromMspDir(
      mspid, testing::ConformanceDir() + "/msp/" + member + "/msp");
}

absl::StatusOr<SignedData> SignData(const identity::SigningIdentity& signer, std::string data) {
  FABRIC_ASSIGN_OR_RETURN(std::string signature, signer.Sign(data));
  return SignedData{std::move(data), signer.serialized(), std::move(signature)};
}

}  // namespace fabric::policy
