#include "lib/channelconfig/config_update.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "lib/base/status_macros.h"
#include "lib/policy/signature_set.h"
#include "lib/wire/marshal.h"
#include "lib/wire/parse_error.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::channelconfig {
namespace {

// The name of the root group in element keys and policy paths.
constexpr char kRoot[] = "Channel";
constexpr size_t kMaxNameLength = 249;
// Present in the rebuilt config => empty mod_policies become kRepairedModPolicy.
constexpr char kRepairTrigger[] = "[Value]  /Channel/Orderer/Capabilities";
constexpr char kRepairedModPolicy[] = "Admins";

// One element of a config tree, borrowed from the message that holds it.
struct Element {
  std::variant<const common::ConfigGroup*, const common::ConfigValue*, const common::ConfigPolicy*>
      item;
  std::string parent;  // path of the enclosing group ("Channel/Application"); "" for the root
  std::string name;

  uint64_t version() const {
    return std::visit([](const auto* p) { return p->version(); }, item);
  }
  const std::string& mod_policy() const {
    return std::visit([](const auto* p) -> const std::string& { return p->mod_policy(); }, item);
  }
  const common::ConfigGroup* group() const {
    auto* g = std::get_if<const common::ConfigGroup*>(&item);
    return g != nullptr ? *g : nullptr;
  }
};

constexpr char kGroupPrefix[] = "[Group]  ";
constexpr char kValuePrefix[] = "[Value]  ";
constexpr char kPolicyPrefix[] = "[Policy] ";
// Indexed by Element::item's alternative.
constexpr const char* kPrefixes[] = {kGroupPrefix, kValuePrefix, kPolicyPrefix};

// Every element of a tree by key: kind prefix + "/" + path, e.g.
// "[Policy] /Channel/Application/Admins". Sorted, so scans visit keys in a stable order.
using ConfigMap = std::map<std::string, Element>;

template <typename Map>
std::vector<std::string> SortedKeys(const Map& map) {
  std::vector<std::string> keys;
  keys.reserve(map.size());
  for (const auto& [key, unused] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

absl::Status ValidateName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("config ID illegal, cannot be empty");
  if (name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("config ID illegal, cannot be longer than ", kMaxNameLength));
  }
  if (name == "." || name == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("name '", name, "' for config ID is not allowed"));
  }
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!allowed) {
      return absl::InvalidArgumentError(
          absl::StrCat("config ID '", name, "' contains illegal characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status AddElement(Element element, ConfigMap* out) {
  const char* prefix = kPrefixes[element.item.index()];
  if (absl::Status s = ValidateName(element.name); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("illegal characters in key: ", prefix, ": ", s.message()));
  }
  std::string key = element.parent.empty()
                        ? absl::StrCat(prefix, "/", element.name)
                        : absl::StrCat(prefix, "/", element.parent, "/", element.name);
  (*out)[std::move(key)] = std::move(element);
  return absl::OkStatus();
}

// Adds `group` (named `name`, inside the group at `parent`) and everything under it.
absl::Status AddGroup(const std::string& parent, const std::string& name,
                      const common::ConfigGroup& group, ConfigMap* out) {
  FABRIC_RETURN_IF_ERROR(AddElement({&group, parent, name}, out));
  const std::string path = parent.empty() ? name : absl::StrCat(parent, "/", name);
  for (const std::string& key : SortedKeys(group.groups())) {
    FABRIC_RETURN_IF_ERROR(AddGroup(path, key, group.groups().at(key), out));
  }
  for (const std::string& key : SortedKeys(group.values())) {
    FABRIC_RETURN_IF_ERROR(AddElement({&group.values().at(key), path, key}, out));
  }
  for (const std::string& key : SortedKeys(group.policies())) {
    FABRIC_RETURN_IF_ERROR(AddElement({&group.policies().at(key), path, key}, out));
  }
  return absl::OkStatus();
}

// The elements of the tree rooted at `root`, which is named kRoot; none if null.
absl::StatusOr<ConfigMap> MapConfig(const common::ConfigGroup* root) {
  ConfigMap out;
  if (root != nullptr) FABRIC_RETURN_IF_ERROR(AddGroup("", kRoot, *root, &out));
  return out;
}

// The ConfigUpdateEnvelope inside `last_update`, an Envelope of type CONFIG_UPDATE.
absl::StatusOr<common::ConfigUpdateEnvelope> OpenLastUpdate(const common::Envelope& last_update) {
  common::Payload payload;
  FABRIC_RETURN_IF_ERROR(
      wire::ParseMessage(last_update.payload(), &payload, "error unmarshalling Payload"));
  if (!payload.has_header()) return absl::InvalidArgumentError("envelope must have a Header");
  common::ChannelHeader channel_header;
  FABRIC_RETURN_IF_ERROR(wire::ParseMessage(payload.header().channel_header(), &channel_header,
                                            "error unmarshalling ChannelHeader"));
  if (channel_header.type() != common::CONFIG_UPDATE) {
    const int type = channel_header.type();
    std::string name = common::HeaderType_IsValid(type)
                           ? common::HeaderType_Name(static_cast<common::HeaderType>(type))
                           : absl::StrCat(type);
    return absl::InvalidArgumentError(
        absl::StrCat("invalid type ", name, ", expected CONFIG_UPDATE"));
  }
  common::ConfigUpdateEnvelope update_envelope;
  FABRIC_RETURN_IF_ERROR(wire::ParseMessage(payload.data(), &update_envelope,
                                            "error unmarshalling message for type CONFIG_UPDATE"));
  return update_envelope;
}

// The signatures of a ConfigUpdateEnvelope: each over its signature header followed by
// the ConfigUpdate bytes, by the header's creator.
absl::StatusOr<std::vector<policy::SignedData>> SignaturesOf(
    const common::ConfigUpdateEnvelope& envelope) {
  std::vector<policy::SignedData> out;
  out.reserve(envelope.signatures_size());
  for (const common::ConfigSignature& signature : envelope.signatures()) {
    common::SignatureHeader header;
    FABRIC_RETURN_IF_ERROR(wire::ParseMessage(signature.signature_header(), &header,
                                              "error unmarshalling SignatureHeader"));
    out.push_back({absl::StrCat(signature.signature_header(), envelope.config_update()),
                   header.creator(), signature.signature()});
  }
  return out;
}

absl::Status ValidateModPolicy(absl::string_view mod_policy) {
  if (mod_policy.empty()) return absl::InvalidArgumentError("mod_policy not set");
  if (mod_policy[0] == '/') mod_policy.remove_prefix(1);
  int i = 0;
  for (absl::string_view element : absl::StrSplit(mod_policy, '/')) {
    if (absl::Status s = ValidateName(element); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("path element at ", i, " is invalid: ", s.message()));
    }
    ++i;
  }
  return absl::OkStatus();
}

// The policy that guards changes to `element` of the current config: its mod_policy,
// absolute when it starts with '/', else relative to the element's group (the group
// itself for a group, the root for the root group). Null when there is none.
const policy::Policy* ModPolicyOf(const policy::PolicyManager& policies, const Element& element) {
  std::string id = element.mod_policy();
  if (!id.empty() && id[0] != '/' && !element.parent.empty()) {
    // Policy ids relative to the root omit the root's name.
    absl::string_view scope = element.parent;
    const size_t slash = scope.find('/');
    scope = slash == absl::string_view::npos ? absl::string_view() : scope.substr(slash + 1);
    std::string prefix(scope);
    if (element.group() != nullptr) {
      prefix = prefix.empty() ? element.name : absl::StrCat(prefix, "/", element.name);
    }
    if (!prefix.empty()) id = absl::StrCat(prefix, "/", id);
  }
  absl::StatusOr<const policy::Policy*> policy = policies.Get(id);
  return policy.ok() ? *policy : nullptr;
}

absl::Status VerifyReadSet(const ConfigMap& current, const ConfigMap& read_set) {
  for (const auto& [key, element] : read_set) {
    auto it = current.find(key);
    if (it == current.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "existing config does not contain element for ", key, " but was in the read set"));
    }
    if (it->second.version() != element.version()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "proposed update requires that key ", key, " be at version ", element.version(),
          ", but it is currently at version ", it->second.version()));
    }
  }
  return absl::OkStatus();
}

// The write set elements that the read set does not pin at the same version.
ConfigMap DeltaOf(const ConfigMap& read_set, const ConfigMap& write_set) {
  ConfigMap delta;
  for (const auto& [key, element] : write_set) {
    auto it = read_set.find(key);
    if (it != read_set.end() && it->second.version() == element.version()) continue;
    delta.emplace(key, element);
  }
  return delta;
}

absl::Status VerifyDelta(const ChannelConfig& current, const ConfigMap& current_map,
                         const ConfigMap& delta, const policy::SignatureSet& signers) {
  if (delta.empty()) {
    return absl::InvalidArgumentError("delta set was empty -- update would have no effect");
  }
  for (const auto& [key, element] : delta) {
    if (absl::Status s = ValidateModPolicy(element.mod_policy()); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid mod_policy for element ", key, ": ", s.message()));
    }
    auto it = current_map.find(key);
    if (it == current_map.end()) {
      if (element.version() != 0) {
        return absl::InvalidArgumentError(absl::StrCat("attempted to set key ", key, " to version ",
                                                       element.version(),
                                                       ", but key does not exist"));
      }
      continue;
    }
    const Element& existing = it->second;
    if (element.version() != existing.version() + 1) {
      return absl::InvalidArgumentError(absl::StrCat("attempt to set key ", key, " to version ",
                                                     element.version(), ", but key is at version ",
                                                     existing.version()));
    }
    const policy::Policy* mod_policy = ModPolicyOf(current.policies(), existing);
    if (mod_policy == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected missing policy ", existing.mod_policy(), " for item ", key));
    }
    if (absl::Status s = mod_policy->Evaluate(signers); !s.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat("policy for ", key, " not satisfied: ", s.message()));
    }
  }
  return absl::OkStatus();
}

// The group at `path` ("/Channel/...") of `map`, with each child it names taken from
// `map` in turn. With `repair`, empty mod_policies become kRepairedModPolicy.
absl::StatusOr<common::ConfigGroup> Rebuild(const std::string& path, const ConfigMap& map,
                                            bool repair) {
  const std::string group_key = absl::StrCat(kGroupPrefix, path);
  auto it = map.find(group_key);
  if (it == map.end()) {
    return absl::InvalidArgumentError(absl::StrCat("missing group at path: ", group_key));
  }
  common::ConfigGroup out = *it->second.group();
  for (auto& [name, child] : *out.mutable_groups()) {
    FABRIC_ASSIGN_OR_RETURN(child, Rebuild(absl::StrCat(path, "/", name), map, repair));
  }
  for (auto& [name, value] : *out.mutable_values()) {
    const std::string key = absl::StrCat(kValuePrefix, path, "/", name);
    auto found = map.find(key);
    if (found == map.end()) {
      return absl::InvalidArgumentError(absl::StrCat("missing value at path: ", key));
    }
    value = **std::get_if<const common::ConfigValue*>(&found->second.item);
    if (repair && value.mod_policy().empty()) value.set_mod_policy(kRepairedModPolicy);
  }
  for (auto& [name, policy] : *out.mutable_policies()) {
    const std::string key = absl::StrCat(kPolicyPrefix, path, "/", name);
    auto found = map.find(key);
    if (found == map.end()) {
      return absl::InvalidArgumentError(absl::StrCat("missing policy at path: ", key));
    }
    policy = **std::get_if<const common::ConfigPolicy*>(&found->second.item);
    if (repair && policy.mod_policy().empty()) policy.set_mod_policy(kRepairedModPolicy);
  }
  if (repair && out.mod_policy().empty()) out.set_mod_policy(kRepairedModPolicy);
  return out;
}

}  // namespace

absl::Status ValidateConfigEnvelope(const ChannelConfig& current,
                                    const common::ConfigEnvelope& envelope) {
  if (!envelope.has_config()) {
    return absl::InvalidArgumentError("config envelope has nil config");
  }
  if (envelope.config().sequence() != current.sequence() + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("config currently at sequence ", current.sequence(),
                     ", cannot validate config at sequence ", envelope.config().sequence()));
  }
  // Fabric dereferences a missing last_update and panics; here it is an error.
  if (!envelope.has_last_update()) {
    return absl::InvalidArgumentError("config envelope has nil last update");
  }
  FABRIC_ASSIGN_OR_RETURN(common::ConfigUpdateEnvelope update_envelope,
                          OpenLastUpdate(envelope.last_update()));

  common::ConfigUpdate update;
  FABRIC_RETURN_IF_ERROR(wire::ParseMessage(update_envelope.config_update(), &update,
                                            "error unmarshalling ConfigUpdate"));
  if (update.channel_id() != current.channel_id()) {
    return absl::InvalidArgumentError(
        absl::StrCat("ConfigUpdate for channel '", update.channel_id(),
                     "' but envelope for channel '", current.channel_id(), "'"));
  }

  auto current_map = MapConfig(&current.config().channel_group());
  if (!current_map.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("error converting config to map: ", current_map.status().message()));
  }
  auto read_set = MapConfig(update.has_read_set() ? &update.read_set() : nullptr);
  if (!read_set.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("error mapping ReadSet: ", read_set.status().message()));
  }
  if (absl::Status s = VerifyReadSet(*current_map, *read_set); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("error validating ReadSet: ", s.message()));
  }
  auto write_set = MapConfig(update.has_write_set() ? &update.write_set() : nullptr);
  if (!write_set.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("error mapping WriteSet: ", write_set.status().message()));
  }

  const ConfigMap delta = DeltaOf(*read_set, *write_set);
  FABRIC_ASSIGN_OR_RETURN(std::vector<policy::SignedData> signatures,
                          SignaturesOf(update_envelope));
  const policy::SignatureSet signers(std::move(signatures), current.shared_msps());
  if (absl::Status s = VerifyDelta(current, *current_map, delta, signers); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("error validating DeltaSet: ", s.message()));
  }

  // The delta laid over the current config. Every write set element outside the delta
  // is pinned by the read set, which exists in the current config, so the result holds
  // the whole write set.
  ConfigMap proposed = *std::move(current_map);
  for (const auto& [key, element] : delta) proposed[key] = element;
  auto channel_group =
      Rebuild(absl::StrCat("/", kRoot), proposed, proposed.count(kRepairTrigger) > 0);
  if (!channel_group.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "could not turn configMap back to channelGroup: ", channel_group.status().message()));
  }
  if (!envelope.config().has_channel_group() ||
      wire::MarshalDeterministic(*channel_group) !=
          wire::MarshalDeterministic(envelope.config().channel_group())) {
    return absl::InvalidArgumentError(
        "ConfigEnvelope LastUpdate did not produce the supplied config result");
  }
  return absl::OkStatus();
}

}  // namespace fabric::channelconfig
