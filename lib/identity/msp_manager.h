// The MSPs of one channel (Fabric's mspManagerImpl with each MSP behind msp/cache).
//
//   absl::StatusOr<std::shared_ptr<const MspManager>> mgr = MspManager::Create(std::move(msps));
//   auto id = (*mgr)->Deserialize(creator);          // finds the MSP by mspid
//   absl::Status ok = (*mgr)->Validate(**id);
//   absl::Status sat = (*mgr)->SatisfiesPrincipal(**id, principal);
//
// Results are cached in bounded LRU caches, so a busy channel deserializes, validates
// and matches each certificate once: Deserialize by the serialized bytes (successes
// only, like Fabric), Validate by MSP and identity id, SatisfiesPrincipal by MSP,
// identity id and principal. All three depend only on the MSP configuration and the
// certificate, so caching failures too changes no answer. Fabric keeps 100 entries per
// cache per MSP; we default to more, shared by the channel's MSPs.
//
// As in Fabric, Validate and SatisfiesPrincipal are answered by the identity's own MSP
// (the one named by its mspid), whatever MSP the principal names.
//
// Thread safety: immutable except for the caches, which are locked; share freely.
#ifndef FABRIC_LIB_IDENTITY_MSP_MANAGER_H_
#define FABRIC_LIB_IDENTITY_MSP_MANAGER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/identity/identity.h"
#include "lib/base/lru_cache.h"
#include "lib/identity/msp.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::identity {

struct MspManagerOptions {
  // Entries per cache (deserialized identities, validations, principal matches).
  size_t cache_capacity = 4096;
};

class MspManager {
 public:
  // InvalidArgument if two MSPs share a name or one is null.
  static absl::StatusOr<std::shared_ptr<const MspManager>> Create(
      std::vector<std::unique_ptr<Msp>> msps, MspManagerOptions options = {});

  MspManager(const MspManager&) = delete;
  MspManager& operator=(const MspManager&) = delete;

  // Parses a SerializedIdentity and deserializes it with the MSP its mspid names
  // (InvalidArgument "MSP Org9MSP is not defined on channel" if none does).
  absl::StatusOr<std::shared_ptr<const Identity>> Deserialize(absl::string_view serialized) const;

  absl::Status Validate(const Identity& id) const;
  absl::Status SatisfiesPrincipal(const Identity& id, const common::MSPPrincipal& principal) const;

  // nullptr if no MSP has that id. The Msp lives as long as the manager.
  const Msp* Find(absl::string_view mspid) const;
  // The MSP ids, sorted.
  std::vector<std::string> names() const;

 private:
  explicit MspManager(const MspManagerOptions& options);
  absl::StatusOr<const Msp*> MspOf(const Identity& id) const;

  std::vector<std::unique_ptr<Msp>> msps_;
  absl::flat_hash_map<std::string, const Msp*> by_name_;
  mutable LruCache<std::shared_ptr<const Identity>> identities_;
  mutable LruCache<absl::Status> validations_;
  mutable LruCache<absl::Status> principals_;
};

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_MSP_MANAGER_H_
