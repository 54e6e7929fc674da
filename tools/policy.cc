// fabric policy compile DSL | show B64 | eval POLICY --config BLOCK --signer MSPID:MSPDIR...
#include <cstdio>

#include "absl/strings/escaping.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/signing_identity.h"
#include "lib/policy/dsl.h"
#include "lib/policy/signature_policy.h"
#include "lib/policy/signature_set.h"
#include "tools/commands.h"

namespace fabric::tools {
namespace {

constexpr char kUsage[] =
    "usage: fabric policy compile DSL\n"
    "       fabric policy show BASE64\n"
    "       fabric policy eval POLICY --config BLOCK --signer MSPID:MSPDIR [--signer ...]\n"
    "                          [--data TEXT]\n"
    "POLICY is a channel policy path (/Channel/Application/Writers), the policy language\n"
    "(AND('Org1MSP.peer','Org2MSP.peer')) or a base64 SignaturePolicyEnvelope.";

int Compile(const std::string& dsl) {
  auto envelope = policy::CompileDsl(dsl);
  if (!envelope.ok()) return Fail("policy", std::string(envelope.status().message()));
  std::printf("%s\n", absl::Base64Escape(envelope->SerializeAsString()).c_str());
  return 0;
}

int Show(const std::string& b64) {
  std::string bytes;
  if (!absl::Base64Unescape(b64, &bytes)) return Fail("policy", "not base64: " + b64);
  auto tree = policy::DecodeRuleTree(bytes);
  if (!tree.ok()) return Fail("policy", std::string(tree.status().message()));
  std::printf("%s\n", policy::ToDsl(*tree).c_str());
  return 0;
}

// The policy POLICY names, owned by `holder` unless it belongs to the channel config.
absl::StatusOr<const policy::Policy*> Resolve(const std::string& text,
                                              const channelconfig::ChannelConfig& config,
                                              std::unique_ptr<policy::Policy>* holder) {
  if (!text.empty() && text[0] == '/') return config.policies().Get(text);
  absl::StatusOr<std::unique_ptr<policy::SignaturePolicy>> compiled;
  if (auto envelope = policy::CompileDsl(text); envelope.ok()) {
    compiled = policy::SignaturePolicy::Compile(*envelope);
  } else {
    std::string bytes;
    if (!absl::Base64Unescape(text, &bytes)) return envelope.status();
    compiled = policy::SignaturePolicy::FromEnvelopeBytes(bytes);
  }
  if (!compiled.ok()) return compiled.status();
  *holder = *std::move(compiled);
  return holder->get();
}

int Eval(const ParsedArgs& a) {
  if (a.positional.size() != 2 || !a.has("--config") || !a.has("--signer")) {
    return Fail("policy", kUsage, 2);
  }
  auto bytes = ReadInput(a.get("--config"));
  if (!bytes.ok()) return Fail("policy", std::string(bytes.status().message()), 2);
  auto block = wire::ParsedBlock::Parse(*std::move(bytes));
  if (!block.ok()) return Fail("policy", std::string(block.status().message()), 2);
  auto config = channelconfig::ChannelConfig::FromBlock(**block);
  if (!config.ok()) return Fail("policy", std::string(config.status().message()), 2);

  const std::string data = a.has("--data") ? a.get("--data") : "fabric policy eval";
  std::vector<policy::SignedData> signed_data;
  for (const std::string& spec : a.flags.at("--signer")) {
    const size_t colon = spec.find(':');
    if (colon == std::string::npos) return Fail("policy", "--signer wants MSPID:MSPDIR", 2);
    auto signer =
        identity::SigningIdentity::FromMspDir(spec.substr(0, colon), spec.substr(colon + 1));
    if (!signer.ok())
      return Fail("policy", spec + ": " + std::string(signer.status().message()), 2);
    auto sig = (*signer)->Sign(data);
    if (!sig.ok()) return Fail("policy", std::string(sig.status().message()), 2);
    signed_data.push_back({data, (*signer)->serialized(), *sig});
  }
  std::unique_ptr<policy::Policy> holder;
  auto p = Resolve(a.positional[1], **config, &holder);
  if (!p.ok()) return Fail("policy", std::string(p.status().message()), 2);
  policy::SignatureSet set(std::move(signed_data), (*config)->shared_msps());
  absl::Status verdict = (*p)->Evaluate(set);
  if (verdict.ok()) {
    std::printf("satisfied (%zu distinct valid signer(s))\n", set.size());
    return 0;
  }
  std::printf("not satisfied: %s\n", std::string(verdict.message()).c_str());
  return 1;
}

}  // namespace

// Exit codes: 0 done (eval: satisfied), 1 error or not satisfied, 2 usage.
int PolicyCommand(const Args& args) {
  ParsedArgs a = ParseArgs(args, {"--config", "--signer", "--data"}, {"--signer"});
  if (!a.error.empty()) return Fail("policy", a.error + "\n" + kUsage, 2);
  if (a.positional.empty()) return Fail("policy", kUsage, 2);
  const std::string& verb = a.positional[0];
  if (verb == "eval") return Eval(a);
  if (a.positional.size() != 2 || !a.flags.empty()) return Fail("policy", kUsage, 2);
  if (verb == "compile") return Compile(a.positional[1]);
  if (verb == "show") return Show(a.positional[1]);
  return Fail("policy", "unknown verb '" + verb + "'\n" + kUsage, 2);
}

}  // namespace fabric::tools
