// fabric identity check CERT --msp ID --config BLOCK
#include <cstdio>

#include "lib/channelconfig/channel_config.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "tools/commands.h"

namespace fabric::tools {
namespace {

constexpr char kUsage[] = "usage: fabric identity check CERT --msp ID --config BLOCK";

absl::StatusOr<std::shared_ptr<const channelconfig::ChannelConfig>> LoadConfig(
    const std::string& path) {
  auto bytes = ReadInput(path);
  if (!bytes.ok()) return bytes.status();
  auto block = wire::ParsedBlock::Parse(*std::move(bytes));
  if (!block.ok()) return block.status();
  return channelconfig::ChannelConfig::FromBlock(**block);
}

// The MSP roles the identity holds, e.g. "member, peer".
std::string Roles(const channelconfig::ChannelConfig& config, const identity::Identity& id) {
  std::string out;
  for (auto role : {common::MSPRole::MEMBER, common::MSPRole::ADMIN, common::MSPRole::CLIENT,
                    common::MSPRole::PEER, common::MSPRole::ORDERER}) {
    common::MSPRole r;
    r.set_msp_identifier(id.mspid());
    r.set_role(role);
    common::MSPPrincipal p;
    p.set_principal_classification(common::MSPPrincipal::ROLE);
    p.set_principal(r.SerializeAsString());
    if (config.msps().SatisfiesPrincipal(id, p).ok()) {
      if (!out.empty()) out += ", ";
      std::string name = common::MSPRole::MSPRoleType_Name(role);
      for (char& c : name) c = static_cast<char>(std::tolower(c));
      out += name;
    }
  }
  return out.empty() ? "none" : out;
}

}  // namespace

// Exit codes: 0 valid, 1 invalid, 2 usage or unreadable input.
int IdentityCommand(const Args& args) {
  ParsedArgs a = ParseArgs(args, {"--msp", "--config"});
  if (!a.error.empty()) return Fail("identity", a.error + "\n" + kUsage, 2);
  if (a.positional.size() != 2 || a.positional[0] != "check" || !a.has("--msp") ||
      !a.has("--config")) {
    return Fail("identity", kUsage, 2);
  }
  auto cert = ReadInput(a.positional[1]);
  if (!cert.ok()) return Fail("identity", std::string(cert.status().message()), 2);
  auto config = LoadConfig(a.get("--config"));
  if (!config.ok()) {
    return Fail("identity", a.get("--config") + ": " + std::string(config.status().message()), 2);
  }
  msp::SerializedIdentity sid;
  sid.set_mspid(a.get("--msp"));
  sid.set_id_bytes(*cert);
  auto id = (*config)->msps().Deserialize(sid.SerializeAsString());
  if (!id.ok()) {
    std::printf("invalid: %s\n", std::string(id.status().message()).c_str());
    return 1;
  }
  absl::Status valid = (*config)->msps().Validate(**id);
  if (!valid.ok()) {
    std::printf("invalid: %s\n", std::string(valid.message()).c_str());
    return 1;
  }
  std::printf("valid: %s identity %s, roles: %s\n", (*id)->mspid().c_str(), (*id)->id().c_str(),
              Roles(**config, **id).c_str());
  return 0;
}

}  // namespace fabric::tools
