// Test fixtures over the Fabric-made conformance vectors: MSPs built from the channel
// configuration in a config block, and paths to the cryptogen material.
#ifndef FABRIC_LIB_IDENTITY_TESTING_FIXTURES_H_
#define FABRIC_LIB_IDENTITY_TESTING_FIXTURES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/identity/msp.h"
#include "lib/identity/msp_manager.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::identity::testing {

// A path under the conformance vectors, e.g. Vector("genesis.block").
std::string Vector(absl::string_view relative);

// The MSPConfig of the org group `mspid` (Application or Orderer) in a config block.
absl::StatusOr<msp::MSPConfig> MspConfigFromBlock(const std::string& block_path,
                                                  absl::string_view mspid);

// The MSP of `config`; a test failure and nullptr if the config or the MSP is not ok.
std::unique_ptr<Msp> MspOrFail(const absl::StatusOr<msp::MSPConfig>& config);

// Every org MSP of the config block, built with Msp::Create.
absl::StatusOr<std::vector<std::unique_ptr<Msp>>> MspsFromBlock(const std::string& block_path);
absl::StatusOr<std::shared_ptr<const MspManager>> ManagerFromBlock(const std::string& block_path);

// One cryptogen identity: its MSP id and its msp/ directory.
struct TestIdentity {
  std::string mspid;
  std::string name;     // e.g. "User1@org1.example.com"
  std::string msp_dir;  // .../msp
  std::string cert_pem;
};

// Every peer, orderer and user of msp/peerOrganizations and msp/ordererOrganizations.
std::vector<TestIdentity> AllIdentities();
// One of them by name; aborts the test if missing.
TestIdentity Find(absl::string_view name);

// SerializedIdentity{mspid, id_bytes}, marshaled.
std::string Serialize(absl::string_view mspid, absl::string_view id_bytes);

// MSPPrincipal{ROLE, MSPRole{mspid, role}}.
common::MSPPrincipal RolePrincipal(const std::string& mspid, common::MSPRole::MSPRoleType role);

// The file's bytes; "" (and a test failure) if unreadable.
std::string Read(const std::string& path);

}  // namespace fabric::identity::testing

#endif  // FABRIC_LIB_IDENTITY_TESTING_FIXTURES_H_
