// Genesis blocks for new channels, as Fabric's configtxgen makes them from a profile
// like test-network's ChannelUsingRaft (the conformance vectors' network):
//   /Channel: Readers/Writers ANY, Admins MAJORITY; HashingAlgorithm SHA256,
//     BlockDataHashingStructure 2^32-1, Capabilities V2_0 (no global OrdererAddresses:
//     orderer endpoints are per orderer org, as in the vectors);
//   /Channel/Orderer: etcdraft with one consenter per orderer certificate, BatchSize,
//     BatchTimeout, ChannelRestrictions, Capabilities V2_0; Readers/Writers ANY, Admins
//     MAJORITY, BlockValidation ANY Writers; per orderer org Readers/Writers
//     OR(member), Admins OR(admin), its MSP and Endpoints;
//   /Channel/Application: Readers/Writers ANY, Admins MAJORITY, Endorsement and
//     LifecycleEndorsement MAJORITY Endorsement, Capabilities V2_5; per org Readers
//     OR(admin, peer, client), Writers OR(admin, client), Admins OR(admin), Endorsement
//     OR(peer), its MSP and AnchorPeers; ACLs _lifecycle/CommitChaincodeDefinition and
//     peer/Propose -> Writers, event/Block -> Readers.
// Elements are at version 0 with mod_policy Admins. InvalidArgument for a profile a peer
// could not use: a bad channel id, no application or orderer orgs, no consenters, an MSP
// that does not load, bad batch limits.
// The block: number 0, one CONFIG envelope (ConfigEnvelope{Config{sequence 0}}) with an
// unsigned signature header, metadata SIGNATURES and LAST_CONFIG (index 0).
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_TESTNET_GENESIS_H_
#define FABRIC_LIB_TESTNET_GENESIS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/wire/proto/msp_config.pb.h"

namespace fabric::testnet {

struct OrgProfile {
  std::string name;        // the config group name (usually the MSP id)
  msp::MSPConfig msp;      // e.g. identity::MspConfigFromDir
  // host:port: orderer endpoints of an orderer org, anchor peers of an application org.
  std::vector<std::string> endpoints;
};

struct ChannelProfile {
  std::string channel_id;
  std::vector<OrgProfile> application_orgs;
  std::vector<OrgProfile> orderer_orgs;
  // One etcdraft consenter per entry: host, port and the PEM certificate used as both
  // client and server TLS certificate.
  struct Consenter {
    std::string host;
    uint32_t port = 7050;
    std::string cert_pem;
  };
  std::vector<Consenter> consenters;
  uint32_t max_message_count = 500;
  uint32_t absolute_max_bytes = 10 * 1024 * 1024;
  uint32_t preferred_max_bytes = 2 * 1024 * 1024;
  std::string batch_timeout = "2s";
};

// The serialized genesis block.
absl::StatusOr<std::string> MakeGenesisBlock(const ChannelProfile& profile);

}  // namespace fabric::testnet

#endif  // FABRIC_LIB_TESTNET_GENESIS_H_
