#include "lib/policy/manager.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/policy/implicit_meta.h"
#include "lib/policy/internal/go_proto.h"
#include "lib/policy/signature_policy.h"

namespace fabric::policy {
namespace {

constexpr absl::string_view kRootGroup = "Channel";

using PolicyMap = absl::flat_hash_map<std::string, std::shared_ptr<const Policy>>;

// One group's policies: its own by name, its descendants' as "Child/Name",
// "Child/Grandchild/Name", ..., as a Fabric ManagerImpl holds them.
struct Group {
  std::string path;  // "Channel", "Channel/Application", ...
  PolicyMap policies;
};

// ManagerImpl.GetPolicy's reading of `id` for the group at `path`: the path relative to
// the group, or nullopt when `id` is empty or absolute elsewhere. An absolute id is
// "/" + path and then one more byte that Fabric assumes is "/" without checking.
std::optional<absl::string_view> RelativeId(absl::string_view path, absl::string_view id) {
  if (id.empty()) return std::nullopt;
  if (!absl::StartsWith(id, "/")) return id;
  if (!absl::StartsWith(id.substr(1), path) || id.size() < path.size() + 2) return std::nullopt;
  return id.substr(path.size() + 2);
}

const std::shared_ptr<const Policy>* Lookup(const PolicyMap& policies, absl::string_view path,
                                            absl::string_view id) {
  const std::optional<absl::string_view> relative = RelativeId(path, id);
  if (!relative.has_value()) return nullptr;
  auto it = policies.find(*relative);
  return it == policies.end() ? nullptr : &it->second;
}

template <typename Map>
std::vector<std::string> SortedKeys(const Map& map) {
  std::vector<std::string> keys;
  keys.reserve(map.size());
  for (const auto& [key, value] : map) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

absl::StatusOr<std::shared_ptr<const Policy>> NewImplicitMeta(absl::string_view bytes,
                                                              const std::vector<Group>& children) {
  common::ImplicitMetaPolicy definition;
  if (!internal::ParseLikeGo(bytes, &definition)) {
    return absl::InvalidArgumentError(
        "Error unmarshalling to ImplicitMetaPolicy: not a valid common.ImplicitMetaPolicy");
  }
  std::vector<std::shared_ptr<const Policy>> subs;
  subs.reserve(children.size());
  for (const Group& child : children) {
    const std::shared_ptr<const Policy>* sub =
        Lookup(child.policies, child.path, definition.sub_policy());
    subs.push_back(sub != nullptr ? *sub : nullptr);
  }
  return std::make_shared<ImplicitMetaPolicy>(definition, std::move(subs));
}

// NewManagerImpl: child groups first, then this group's policies, then the children's
// policies under their group names (overwriting an own policy of the same name).
absl::StatusOr<Group> Build(std::string path, const common::ConfigGroup& config) {
  std::vector<std::string> child_names = SortedKeys(config.groups());
  std::vector<Group> children;
  children.reserve(child_names.size());
  for (const std::string& name : child_names) {
    FABRIC_ASSIGN_OR_RETURN(Group child,
                            Build(absl::StrCat(path, "/", name), config.groups().at(name)));
    children.push_back(std::move(child));
  }

  Group group{std::move(path), {}};
  for (const std::string& name : SortedKeys(config.policies())) {
    const common::ConfigPolicy& config_policy = config.policies().at(name);
    if (!config_policy.has_policy()) {
      return absl::InvalidArgumentError(
          absl::StrCat("policy ", name, " at path ", group.path, " was nil"));
    }
    const common::Policy& policy = config_policy.policy();
    std::shared_ptr<const Policy> compiled;
    if (policy.type() == common::Policy::IMPLICIT_META) {
      auto meta = NewImplicitMeta(policy.value(), children);
      if (!meta.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("implicit policy ", name, " at path ", group.path,
                         " did not compile: ", meta.status().message()));
      }
      compiled = *std::move(meta);
    } else if (policy.type() == common::Policy::SIGNATURE) {
      auto signature = SignaturePolicy::FromConfigBytes(policy.value());
      if (!signature.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("policy ", name, " at path ", group.path,
                         " did not compile: ", signature.status().message()));
      }
      compiled = *std::move(signature);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("policy ", name, " at path ", group.path,
                                                     " has unknown policy type: ", policy.type()));
    }
    group.policies[name] = std::move(compiled);
  }

  for (size_t i = 0; i < children.size(); ++i) {
    for (auto& [name, policy] : children[i].policies) {
      group.policies[absl::StrCat(child_names[i], "/", name)] = std::move(policy);
    }
  }
  return group;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const PolicyManager>> PolicyManager::Create(
    const common::ConfigGroup& channel_group) {
  FABRIC_ASSIGN_OR_RETURN(Group root, Build(std::string(kRootGroup), channel_group));
  std::shared_ptr<PolicyManager> manager(new PolicyManager());
  manager->policies_ = std::move(root.policies);
  return manager;
}

absl::StatusOr<const Policy*> PolicyManager::Get(absl::string_view id) const {
  const std::shared_ptr<const Policy>* policy = Lookup(policies_, kRootGroup, id);
  if (policy == nullptr) return absl::NotFoundError(absl::StrCat("no such policy: '", id, "'"));
  return policy->get();
}

std::vector<std::string> PolicyManager::Paths() const {
  std::vector<std::string> paths = SortedKeys(policies_);
  for (std::string& p : paths) p = absl::StrCat("/", kRootGroup, "/", p);
  return paths;
}

}  // namespace fabric::policy
