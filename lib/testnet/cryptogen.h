// Crypto material for a test or demo network, laid out as Fabric's `cryptogen generate`
// lays it out, made with BoringSSL: per org a CA, an admin, peers (or orderers) and
// users, with NodeOU roles.
//
//   OrgSpec org1{.name = "Org1", .domain = "org1.example.com", .mspid = "Org1MSP",
//                .peers = 2, .users = 1};
//   absl::Status s = GenerateOrg(org1, "/tmp/net/crypto");
//
// Writes under `root`/peerOrganizations/<domain>/ (ordererOrganizations/ for an orderer
// org):
//   ca/ca.<domain>-cert.pem, ca/priv_sk         self-signed P-256 CA
//   msp/{cacerts,admincerts?,tlscacerts}/..., msp/config.yaml (NodeOUs)
//   peers/peer<i>.<domain>/msp/ (orderers/orderer<i>.<domain>/msp/ for an orderer org)
//   users/Admin@<domain>/msp/, users/User<i>@<domain>/msp/
// Each identity's msp/ holds cacerts/, signcerts/<name>-cert.pem, keystore/priv_sk
// (PKCS#8), config.yaml, tlscacerts/. Certificates are X.509 v3 with ECDSA-SHA256
// signatures in low-S form; subjects C=US, ST=California, L=San Francisco, O=<domain>
// (CA), OU=<client|peer|admin|orderer>, CN=<name>; SKI = SHA-256 of the public point,
// AKI = the CA's SKI; validity from one hour ago for ten years. The TLS material of
// real cryptogen is not made (the library has no networking); tlscacerts holds the CA.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_TESTNET_CRYPTOGEN_H_
#define FABRIC_LIB_TESTNET_CRYPTOGEN_H_

#include <string>

#include "absl/status/status.h"

namespace fabric::testnet {

struct OrgSpec {
  std::string name;    // e.g. "Org1"
  std::string domain;  // e.g. "org1.example.com"
  std::string mspid;   // e.g. "Org1MSP"
  int peers = 1;       // peer0..  (orderers, for an orderer org)
  int users = 1;       // User1..  (besides Admin)
  bool orderer_org = false;
};

// Replaces whatever OrgDir(spec, root) held, so that two runs never mix material of
// two CAs. InvalidArgument for an empty or path-like domain ("", ".", "..", with '/'),
// an empty MSP id or a negative count.
absl::Status GenerateOrg(const OrgSpec& spec, const std::string& root);

// The directory GenerateOrg writes for `spec` under `root`, and the msp/ directory of
// one of its identities: "Admin", "User<i>", "peer<i>" or "orderer<i>".
std::string OrgDir(const OrgSpec& spec, const std::string& root);
std::string IdentityMspDir(const OrgSpec& spec, const std::string& root,
                           const std::string& identity);

}  // namespace fabric::testnet

#endif  // FABRIC_LIB_TESTNET_CRYPTOGEN_H_
