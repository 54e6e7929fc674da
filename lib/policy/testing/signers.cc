#include "lib/policy/testing/signers.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "lib/base/status_macros.h"
#include "lib/identity/msp.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "lib/testing/testdata.h"

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
