// The material a sample network starts from, made as Fabric's tools make it before any
// peer runs: crypto material for peer orgs Org1.. and an orderer org (testnet/cryptogen.h,
// `cryptogen generate`), the PEM files of one identity, and a channel's genesis block
// (testnet/genesis.h, `configtxgen -outputBlock`). Everything else a network does goes
// through the C ABI (tools/network).
//
//   GenerateCrypto("/tmp/net/crypto", 3, 1, 1);
//   auto genesis = SampleGenesisBlock("/tmp/net/crypto", "channel1", {1, 2, 3}, 100);
//   auto user = ReadIdentity("/tmp/net/crypto", PeerOrgSpec(1, 1, 1), "User1");
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_TESTNET_MATERIAL_H_
#define FABRIC_LIB_TESTNET_MATERIAL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/testnet/cryptogen.h"

namespace fabric::testnet {

// Org<n>, org<n>.example.com, Org<n>MSP with `peers` peers and `users` users; and the
// orderer org (Orderer, example.com, OrdererMSP) with `orderers` orderers.
OrgSpec PeerOrgSpec(int n, int peers, int users);
OrgSpec OrdererOrgSpec(int orderers = 1);

// The crypto material of peer orgs 1..`orgs` and of the orderer org (one orderer) under
// `root`, replacing what was there.
absl::Status GenerateCrypto(const std::string& root, int orgs, int peers_per_org,
                            int users_per_org);

// A signing identity as its msp/ directory holds it.
struct IdentityPem {
  std::string mspid;
  std::string cert_pem;  // signcerts/
  std::string key_pem;   // keystore/
};

// The identity `who` ("Admin", "User<i>", "peer<i>", "orderer<i>") of `org` under `root`.
// NotFound if its certificate or key file is missing.
absl::StatusOr<IdentityPem> ReadIdentity(const std::string& root, const OrgSpec& org,
                                         const std::string& who);

// The genesis block of channel `channel_id` whose application orgs are the peer orgs
// numbered `orgs` and whose orderer is orderer0.example.com:7050 (the consenter), cutting
// blocks of `block_size` transactions, from the material under `root`.
absl::StatusOr<std::string> SampleGenesisBlock(const std::string& root,
                                               const std::string& channel_id,
                                               const std::vector<int>& orgs, size_t block_size);

}  // namespace fabric::testnet

#endif  // FABRIC_LIB_TESTNET_MATERIAL_H_
