#include "lib/identity/msp_manager.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/wire/proto/identities.pb.h"

namespace fabric::identity {
namespace {

// MSP and identity, unambiguously (MSP ids may contain any character).
std::string IdentityKey(const Identity& id) {
  return absl::StrCat(id.mspid().size(), ":", id.mspid(), id.id());
}

absl::Status NotDefined(absl::string_view mspid) {
  return absl::InvalidArgumentError(absl::StrCat("MSP ", mspid, " is not defined on channel"));
}

}  // namespace

MspManager::MspManager(const MspManagerOptions& options)
    : identities_(options.cache_capacity),
      validations_(options.cache_capacity),
      principals_(options.cache_capacity) {}

absl::StatusOr<std::shared_ptr<const MspManager>> MspManager::Create(
    std::vector<std::unique_ptr<Msp>> msps, MspManagerOptions options) {
  std::shared_ptr<MspManager> mgr(new MspManager(options));
  for (std::unique_ptr<Msp>& m : msps) {
    if (m == nullptr) return absl::InvalidArgumentError("null MSP");
    if (!mgr->by_name_.emplace(m->name(), m.get()).second) {
      return absl::InvalidArgumentError(absl::StrCat("MSP ", m->name(), " is defined twice"));
    }
    mgr->msps_.push_back(std::move(m));
  }
  return std::shared_ptr<const MspManager>(std::move(mgr));
}

const Msp* MspManager::Find(absl::string_view mspid) const {
  auto it = by_name_.find(mspid);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<std::string> MspManager::names() const {
  std::vector<std::string> out;
  for (const auto& [name, msp] : by_name_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<std::shared_ptr<const Identity>> MspManager::Deserialize(
    absl::string_view serialized) const {
  if (std::optional<std::shared_ptr<const Identity>> hit = identities_.Get(serialized)) {
    return *std::move(hit);
  }
  msp::SerializedIdentity sid;
  if (!sid.ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return absl::InvalidArgumentError("could not deserialize a SerializedIdentity");
  }
  const Msp* msp = Find(sid.mspid());
  if (msp == nullptr) return NotDefined(sid.mspid());
  absl::StatusOr<std::shared_ptr<const Identity>> id =
      msp->DeserializeIdBytes(sid.id_bytes(), std::string(serialized));
  if (!id.ok()) return id;
  // One object per identity, even when two threads deserialize it at once: its
  // validation memo, and with it the hot-key table its signatures earn (Identity::Verify),
  // must belong to the object every later caller gets.
  return identities_.Insert(serialized, *std::move(id));
}

absl::StatusOr<const Msp*> MspManager::MspOf(const Identity& id) const {
  const Msp* msp = Find(id.mspid());
  if (msp == nullptr) return NotDefined(id.mspid());
  return msp;
}

absl::Status MspManager::Validate(const Identity& id) const {
  absl::StatusOr<const Msp*> msp = MspOf(id);
  if (!msp.ok()) return msp.status();
  std::string key = IdentityKey(id);
  if (std::optional<absl::Status> hit = validations_.Get(key)) {
    // An object made after its identity's was evicted is answered from here, never
    // validated itself: mark it, so that its signatures still earn a key table.
    if (hit->ok()) id.validated_.store(true, std::memory_order_relaxed);
    return *hit;
  }
  absl::Status st = (*msp)->Validate(id);
  validations_.Put(key, st);
  return st;
}

namespace {

// Whether `principal` is satisfied only by an identity that validated.
bool ImpliesValidated(const common::MSPPrincipal& principal) {
  switch (principal.principal_classification()) {
    case common::MSPPrincipal::ORGANIZATION_UNIT:
      return true;
    case common::MSPPrincipal::ROLE: {
      common::MSPRole role;
      return role.ParseFromString(principal.principal()) &&
             role.role() != common::MSPRole::ADMIN;
    }
    default:
      return false;
  }
}

}  // namespace

absl::Status MspManager::SatisfiesPrincipal(const Identity& id,
                                            const common::MSPPrincipal& principal) const {
  absl::StatusOr<const Msp*> msp = MspOf(id);
  if (!msp.ok()) return msp.status();
  std::string key =
      absl::StrCat(IdentityKey(id), "/", static_cast<int>(principal.principal_classification()),
                   "/", principal.principal());
  if (std::optional<absl::Status> hit = principals_.Get(key)) {
    // As in Validate, mark an object made after its identity's was evicted, where the
    // principal says it validated: every role but ADMIN (an admin listed by the MSP is
    // accepted without it) and an OU are checked on a validated identity
    // (Msp::SatisfiesPrincipal).
    if (hit->ok() && !id.validated_.load(std::memory_order_relaxed) &&
        ImpliesValidated(principal)) {
      id.validated_.store(true, std::memory_order_relaxed);
    }
    return *hit;
  }
  absl::Status st = (*msp)->SatisfiesPrincipal(id, principal);
  principals_.Put(key, st);
  return st;
}

}  // namespace fabric::identity
