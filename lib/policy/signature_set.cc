#include "lib/policy/signature_set.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace fabric::policy {

SignatureSet::SignatureSet(std::vector<SignedData> signed_data,
                           std::shared_ptr<const identity::MspManager> msps)
    : msps_(std::move(msps)), pending_(std::move(signed_data)), num_input_(pending_.size()) {}

SignatureSet::SignatureSet(std::shared_ptr<const identity::Identity> signer,
                           std::shared_ptr<const identity::MspManager> msps)
    : msps_(std::move(msps)), num_input_(1) {
  identities_.push_back(std::move(signer));
  absl::call_once(once_, [] {});  // nothing left to verify
}

void SignatureSet::Verify() const {
  absl::flat_hash_set<std::string> accepted;
  identities_.reserve(pending_.size());
  for (const SignedData& sd : pending_) {
    auto id = msps_->Deserialize(sd.identity);
    if (!id.ok()) continue;
    std::string key = absl::StrCat((*id)->mspid(), (*id)->id());
    if (accepted.contains(key)) continue;
    if (!(*id)->Verify(sd.data, sd.signature).ok()) continue;
    accepted.insert(std::move(key));
    identities_.push_back(*std::move(id));
  }
  std::vector<SignedData>().swap(pending_);
}

absl::Span<const std::shared_ptr<const identity::Identity>> SignatureSet::identities() const {
  absl::call_once(once_, &SignatureSet::Verify, this);
  return identities_;
}

size_t SignatureSet::num_dropped() const { return num_input_ - identities().size(); }

bool SignatureSet::SatisfiesPrincipal(size_t i, const common::MSPPrincipal& principal) const {
  return msps_->SatisfiesPrincipal(*identities()[i], principal).ok();
}

}  // namespace fabric::policy
