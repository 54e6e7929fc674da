// fabric cryptogen --out DIR [--orgs N] [--peers N] [--users N]: crypto material for a
// network of N peer orgs (Org1MSP.., org<i>.example.com) and an orderer org (OrdererMSP,
// example.com, orderer0), in the layout of Fabric's `cryptogen generate`
// (lib/testnet/cryptogen.h), private keys included.
#include "lib/testnet/cryptogen.h"

#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "lib/testnet/material.h"
#include "tools/commands.h"

namespace fabric::tools {

int CryptogenCommand(const Args& args) {
  ParsedArgs p = ParseArgs(args, {"--out", "--orgs", "--peers", "--users"});
  if (!p.error.empty()) return Fail("cryptogen", p.error, 2);
  if (!p.positional.empty() || !p.has("--out")) {
    return Fail("cryptogen", "usage: fabric cryptogen --out DIR [--orgs N] [--peers N] [--users N]",
                2);
  }
  int counts[3] = {3, 1, 1};
  const char* names[3] = {"--orgs", "--peers", "--users"};
  for (int i = 0; i < 3; ++i) {
    if (p.has(names[i]) &&
        (!absl::SimpleAtoi(p.get(names[i]), &counts[i]) || counts[i] < 1 || counts[i] > 100)) {
      return Fail("cryptogen", std::string(names[i]) + " takes a number from 1 to 100", 2);
    }
  }
  const std::string out = p.get("--out");
  if (absl::Status s = testnet::GenerateCrypto(out, counts[0], counts[1], counts[2]); !s.ok()) {
    return Fail("cryptogen", std::string(s.message()));
  }
  for (int n = 1; n <= counts[0]; ++n) {
    const testnet::OrgSpec org = testnet::PeerOrgSpec(n, counts[1], counts[2]);
    std::printf("%-10s %s  (CA, Admin, peer0..%d, User1..%d)\n", org.mspid.c_str(),
                testnet::OrgDir(org, out).c_str(), counts[1] - 1, counts[2]);
  }
  const testnet::OrgSpec orderer = testnet::OrdererOrgSpec();
  std::printf("%-10s %s  (CA, Admin, orderer0)\n", orderer.mspid.c_str(),
              testnet::OrgDir(orderer, out).c_str());
  return 0;
}

}  // namespace fabric::tools
