#include "lib/testnet/material.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/base/file.h"
#include "lib/base/status_macros.h"
#include "lib/identity/msp_dir.h"
#include "lib/testnet/genesis.h"

namespace fabric::testnet {
namespace {

namespace fs = std::filesystem;

// The first regular file of `dir` in name order (cryptogen writes one).
absl::StatusOr<std::string> OnlyFile(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) files.push_back(e.path());
  }
  if (files.empty()) return absl::NotFoundError(absl::StrCat("no file in ", dir.string()));
  return ReadFileBounded(std::min_element(files.begin(), files.end())->string());
}

absl::StatusOr<OrgProfile> ProfileOf(const OrgSpec& org, const std::string& root) {
  OrgProfile p;
  p.name = org.mspid;
  FABRIC_ASSIGN_OR_RETURN(p.msp, identity::MspConfigFromDir(org.mspid, OrgDir(org, root) + "/msp"));
  return p;
}

}  // namespace

OrgSpec PeerOrgSpec(int n, int peers, int users) {
  OrgSpec org;
  org.name = absl::StrCat("Org", n);
  org.domain = absl::StrCat("org", n, ".example.com");
  org.mspid = absl::StrCat("Org", n, "MSP");
  org.peers = peers;
  org.users = users;
  return org;
}

OrgSpec OrdererOrgSpec(int orderers) {
  OrgSpec org;
  org.name = "Orderer";
  org.domain = "example.com";
  org.mspid = "OrdererMSP";
  org.peers = orderers;
  org.users = 0;
  org.orderer_org = true;
  return org;
}

absl::Status GenerateCrypto(const std::string& root, int orgs, int peers_per_org,
                            int users_per_org) {
  for (int n = 1; n <= orgs; ++n) {
    FABRIC_RETURN_IF_ERROR(GenerateOrg(PeerOrgSpec(n, peers_per_org, users_per_org), root));
  }
  return GenerateOrg(OrdererOrgSpec(), root);
}

absl::StatusOr<IdentityPem> ReadIdentity(const std::string& root, const OrgSpec& org,
                                         const std::string& who) {
  const fs::path msp = IdentityMspDir(org, root, who);
  IdentityPem id;
  id.mspid = org.mspid;
  FABRIC_ASSIGN_OR_RETURN(id.cert_pem, OnlyFile(msp / "signcerts"));
  FABRIC_ASSIGN_OR_RETURN(id.key_pem, OnlyFile(msp / "keystore"));
  return id;
}

absl::StatusOr<std::string> SampleGenesisBlock(const std::string& root,
                                               const std::string& channel_id,
                                               const std::vector<int>& orgs, size_t block_size) {
  const OrgSpec orderer_org = OrdererOrgSpec();
  FABRIC_ASSIGN_OR_RETURN(IdentityPem orderer, ReadIdentity(root, orderer_org, "orderer0"));
  FABRIC_ASSIGN_OR_RETURN(OrgProfile orderer_profile, ProfileOf(orderer_org, root));
  orderer_profile.endpoints = {"orderer0.example.com:7050"};

  ChannelProfile profile;
  profile.channel_id = channel_id;
  profile.max_message_count = static_cast<uint32_t>(block_size);
  profile.orderer_orgs = {std::move(orderer_profile)};
  profile.consenters = {{"orderer0.example.com", 7050, std::move(orderer.cert_pem)}};
  for (int n : orgs) {
    FABRIC_ASSIGN_OR_RETURN(OrgProfile p, ProfileOf(PeerOrgSpec(n, 1, 1), root));
    profile.application_orgs.push_back(std::move(p));
  }
  return MakeGenesisBlock(profile);
}

}  // namespace fabric::testnet
