#include "lib/identity/identity.h"

#include <openssl/ec_key.h>

#include "absl/strings/str_cat.h"
#include "lib/crypto/hot_keys.h"
#include "lib/identity/ecdsa.h"
#include "lib/identity/internal/certificate.h"

namespace fabric::identity {

Identity::~Identity() = default;

const std::string& Identity::cert_der() const { return cert_->raw; }
const std::vector<std::string>& Identity::subject_ous() const { return cert_->subject_ous; }
absl::Time Identity::not_before() const { return cert_->not_before; }
absl::Time Identity::not_after() const { return cert_->not_after; }
bool Identity::is_ca() const { return cert_->is_ca; }

absl::Status Identity::Verify(absl::string_view data, absl::string_view signature) const {
  if (hash_family_ != "SHA2") {
    return absl::InvalidArgumentError(absl::StrCat(
        "failed getting hash function options: hash family not recognized [", hash_family_, "]"));
  }
  if (ec_key_ == nullptr) {
    return absl::InvalidArgumentError(
        "could not determine the validity of the signature: Unsupported 'VerifyKey' provided");
  }
  if (p256_point_.empty()) return VerifyEcdsaSha256(ec_key_.get(), data, signature);
  crypto::HotKeys& hot = crypto::HotKeys::Process();
  std::shared_ptr<const crypto::P256KeyTable> table = hot.Find(p256_point_);
  absl::Status st = VerifyEcdsaSha256(ec_key_.get(), data, signature, table);
  if (st.ok() && table == nullptr && validated_.load(std::memory_order_relaxed)) {
    hot.NoteUse(p256_point_, ec_key_.get());
  }
  return st;
}

}  // namespace fabric::identity
