#include "lib/identity/testing/fixtures.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/testdata.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/identities.pb.h"

namespace fabric::identity::testing {
namespace {

absl::StatusOr<const common::ConfigGroup*> ChannelGroup(const wire::ParsedBlock& block) {
  if (block.num_transactions() < 1 || !block.tx(0).ok() ||
      !block.tx(0).config_envelope.has_config()) {
    return absl::InvalidArgumentError("not a config block");
  }
  return &block.tx(0).config_envelope.config().channel_group();
}

absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> ParseBlock(const std::string& path) {
  absl::StatusOr<std::string> bytes = fabric::testing::ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  return wire::ParsedBlock::Parse(std::move(*bytes));
}

std::string MspIdOfDomain(const std::string& domain) {
  if (domain == "example.com") return "OrdererMSP";
  // "org1.example.com" -> "Org1MSP"
  std::string org = domain.substr(0, domain.find('.'));
  org[0] = static_cast<char>(org[0] - 'a' + 'A');
  return org + "MSP";
}

}  // namespace

std::string Vector(absl::string_view relative) {
  return absl::StrCat(fabric::testing::ConformanceDir(), "/", relative);
}

common::MSPPrincipal RolePrincipal(const std::string& mspid, common::MSPRole::MSPRoleType role) {
  common::MSPRole r;
  r.set_msp_identifier(mspid);
  r.set_role(role);
  common::MSPPrincipal p;
  p.set_principal_classification(common::MSPPrincipal::ROLE);
  p.set_principal(r.SerializeAsString());
  return p;
}

std::string Read(const std::string& path) {
  absl::StatusOr<std::string> bytes = fabric::testing::ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

absl::StatusOr<msp::MSPConfig> MspConfigFromBlock(const std::string& block_path,
                                                  absl::string_view mspid) {
  absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> block = ParseBlock(block_path);
  if (!block.ok()) return block.status();
  absl::StatusOr<const common::ConfigGroup*> channel = ChannelGroup(**block);
  if (!channel.ok()) return channel.status();
  for (const char* section : {"Application", "Orderer"}) {
    auto sec = (*channel)->groups().find(section);
    if (sec == (*channel)->groups().end()) continue;
    auto org = sec->second.groups().find(std::string(mspid));
    if (org == sec->second.groups().end()) continue;
    auto value = org->second.values().find("MSP");
    if (value == org->second.values().end()) break;
    msp::MSPConfig config;
    if (!config.ParseFromString(value->second.value())) {
      return absl::InvalidArgumentError("MSP value is not an MSPConfig");
    }
    return config;
  }
  return absl::NotFoundError(absl::StrCat("no org group ", mspid));
}

std::unique_ptr<Msp> MspOrFail(const absl::StatusOr<msp::MSPConfig>& config) {
  EXPECT_TRUE(config.ok()) << config.status();
  if (!config.ok()) return nullptr;
  absl::StatusOr<std::unique_ptr<Msp>> m = Msp::Create(*config);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *std::move(m) : nullptr;
}

absl::StatusOr<std::vector<std::unique_ptr<Msp>>> MspsFromBlock(const std::string& block_path) {
  absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> block = ParseBlock(block_path);
  if (!block.ok()) return block.status();
  absl::StatusOr<const common::ConfigGroup*> channel = ChannelGroup(**block);
  if (!channel.ok()) return channel.status();
  std::vector<std::unique_ptr<Msp>> msps;
  for (const char* section : {"Application", "Orderer"}) {
    auto sec = (*channel)->groups().find(section);
    if (sec == (*channel)->groups().end()) continue;
    for (const auto& [name, org] : sec->second.groups()) {
      auto value = org.values().find("MSP");
      if (value == org.values().end()) continue;
      msp::MSPConfig config;
      if (!config.ParseFromString(value->second.value())) {
        return absl::InvalidArgumentError("MSP value is not an MSPConfig");
      }
      absl::StatusOr<std::unique_ptr<Msp>> m = Msp::Create(config);
      if (!m.ok()) return m.status();
      msps.push_back(std::move(*m));
    }
  }
  return msps;
}

absl::StatusOr<std::shared_ptr<const MspManager>> ManagerFromBlock(const std::string& block_path) {
  absl::StatusOr<std::vector<std::unique_ptr<Msp>>> msps = MspsFromBlock(block_path);
  if (!msps.ok()) return msps.status();
  return MspManager::Create(std::move(*msps));
}

std::vector<TestIdentity> AllIdentities() {
  namespace fs = std::filesystem;
  std::vector<TestIdentity> out;
  for (const char* kind : {"peerOrganizations", "ordererOrganizations"}) {
    std::vector<fs::path> orgs;
    for (const auto& e : fs::directory_iterator(Vector(absl::StrCat("msp/", kind)))) {
      orgs.push_back(e.path());
    }
    std::sort(orgs.begin(), orgs.end());
    for (const fs::path& org : orgs) {
      for (const char* role : {"peers", "orderers", "users"}) {
        fs::path dir = org / role;
        if (!fs::is_directory(dir)) continue;
        std::vector<fs::path> members;
        for (const auto& e : fs::directory_iterator(dir)) members.push_back(e.path());
        std::sort(members.begin(), members.end());
        for (const fs::path& member : members) {
          TestIdentity id;
          id.mspid = MspIdOfDomain(org.filename().string());
          id.name = member.filename().string();
          id.msp_dir = (member / "msp").string();
          std::vector<std::string> certs =
              fabric::testing::ListFiles((member / "msp" / "signcerts").string(), ".pem");
          if (certs.empty()) continue;
          id.cert_pem = Read(certs.front());
          out.push_back(std::move(id));
        }
      }
    }
  }
  return out;
}

TestIdentity Find(absl::string_view name) {
  for (TestIdentity& id : AllIdentities()) {
    if (id.name == name) return id;
  }
  ADD_FAILURE() << "no test identity " << name;
  return {};
}

std::string Serialize(absl::string_view mspid, absl::string_view id_bytes) {
  msp::SerializedIdentity sid;
  sid.set_mspid(std::string(mspid));
  sid.set_id_bytes(std::string(id_bytes));
  return sid.SerializeAsString();
}

}  // namespace fabric::identity::testing
