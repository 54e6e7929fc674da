// Test helpers over the conformance vectors (tests/vectors/conformance): the genesis
// config, its MSPs, and cryptogen identities that sign.
#ifndef FABRIC_LIB_POLICY_TESTING_SIGNERS_H_
#define FABRIC_LIB_POLICY_TESTING_SIGNERS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/identity/msp_manager.h"
#include "lib/identity/signing_identity.h"
#include "lib/policy/signature_set.h"
#include "lib/wire/proto/configtx.pb.h"

namespace fabric::policy {

// The channel config in genesis.block.
absl::StatusOr<common::Config> LoadGenesisConfig();

// A cryptogen member that signs as `mspid`; `member` is its directory under msp/, e.g.
// "peerOrganizations/org1.example.com/peers/peer0.org1.example.com".
absl::StatusOr<std::unique_ptr<identity::SigningIdentity>> LoadSigner(const std::string& mspid,
                                                                      const std::string& member);

// `data` signed by `signer`.
absl::StatusOr<SignedData> SignData(const identity::SigningIdentity& signer, std::string data);

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_TESTING_SIGNERS_H_
