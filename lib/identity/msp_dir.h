// An org's verifying MSP configuration read from a cryptogen-style msp/ directory, as
// Fabric's msp.GetVerifyingMspConfig does: cacerts/, intermediatecerts/, admincerts/,
// crls/, tlscacerts/, tlsintermediatecerts/ and config.yaml (NodeOUs), with crypto
// config SHA2/SHA256.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_IDENTITY_MSP_DIR_H_
#define FABRIC_LIB_IDENTITY_MSP_DIR_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/wire/proto/msp_config.pb.h"

namespace fabric::identity {

// An MSPConfig of type FABRIC (0) whose config is the FabricMSPConfig named `mspid`.
// InvalidArgument when the directory has no CA certificate or config.yaml does not
// parse; NotFound when `dir` does not exist.
absl::StatusOr<msp::MSPConfig> MspConfigFromDir(const std::string& mspid,
                                                const std::string& dir);

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_MSP_DIR_H_
