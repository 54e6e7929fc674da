// The policies of a channel config, by path, as Fabric 2.5's policies.ManagerImpl
// builds them from the config's channel group.
//
//   absl::StatusOr<std::shared_ptr<const PolicyManager>> pm =
//       PolicyManager::Create(config.channel_group());
//   absl::StatusOr<const Policy*> p = (*pm)->Get("/Channel/Application/Endorsement");
//
// The root group is "Channel" and each child group is named by its key in the parent's
// groups map, so Org1's Endorsement policy is /Channel/Application/Org1MSP/Endorsement.
// Every ConfigPolicy of every group becomes a policy: SIGNATURE (1) a SignaturePolicy
// (version must be 0), IMPLICIT_META (3) an ImplicitMetaPolicy over the child groups.
// Any other type, a missing policy, or a policy that does not compile fails the whole
// manager, as in Fabric (its channel config is then rejected); errors read like
// Fabric's: "policy Readers at path Channel/Application has unknown policy type: 2".
// Groups and policies are visited in name order, so the error reported is stable
// (Fabric's map order is random).
//
// Thread safety: immutable after construction; use from any thread.
#ifndef FABRIC_LIB_POLICY_MANAGER_H_
#define FABRIC_LIB_POLICY_MANAGER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/policy/policy.h"
#include "lib/wire/proto/configtx.pb.h"

namespace fabric::policy {

class PolicyManager {
 public:
  static absl::StatusOr<std::shared_ptr<const PolicyManager>> Create(
      const common::ConfigGroup& channel_group);

  PolicyManager(const PolicyManager&) = delete;
  PolicyManager& operator=(const PolicyManager&) = delete;

  // The policy named `id`, as Fabric's GetPolicy on the channel's manager finds it:
  // absolute ("/Channel/Application/Writers") or relative to the root
  // ("Application/Writers"). An absolute id is matched by plain string prefix, as Fabric
  // does: "/Channel" followed by any one byte, then the relative path (so even
  // "/ChannelXWriters" names "Writers"). NotFound "no such policy: '<id>'" otherwise.
  // The policy lives as long as the manager.
  absl::StatusOr<const Policy*> Get(absl::string_view id) const;

  // Every policy's absolute path, sorted.
  std::vector<std::string> Paths() const;

 private:
  using PolicyMap = absl::flat_hash_map<std::string, std::shared_ptr<const Policy>>;
  PolicyManager() = default;

  PolicyMap policies_;  // relative path from the root -> policy
};

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_MANAGER_H_
