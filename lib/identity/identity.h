// A certificate identity as an MSP deserialized it (Fabric's msp.identity).
//
//   absl::StatusOr<std::shared_ptr<const Identity>> id = msp.Deserialize(creator);
//   absl::Status st = (*id)->Verify(signed_bytes, signature);
//
// Deserializing does not validate: whether the identity is a member of its MSP is
// Msp::Validate's answer. The certificate is kept in low-S form (see Msp), and the
// public key is parsed once, so Verify costs one hash and one ECDSA verification. The
// keys of validated identities that sign often get a P-256 table (crypto::HotKeys), which
// makes their verifications about three times faster.
//
// Thread safety: immutable (a validation memo inside is locked); share freely.
#ifndef FABRIC_LIB_IDENTITY_IDENTITY_H_
#define FABRIC_LIB_IDENTITY_IDENTITY_H_

#include <openssl/base.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace fabric::identity {

namespace internal {
struct Certificate;
struct ValidationResult;
}  // namespace internal

class Identity {
 public:
  ~Identity();
  Identity(const Identity&) = delete;
  Identity& operator=(const Identity&) = delete;

  // The MSP that deserialized it (the SerializedIdentity's mspid).
  const std::string& mspid() const { return mspid_; }
  // Lowercase hex hash (SHA-256 unless the MSP's crypto config says SHA384) of
  // cert_der(): Fabric's IdentityIdentifier.Id.
  const std::string& id() const { return id_; }
  // The SerializedIdentity bytes it came from.
  const std::string& serialized() const { return serialized_; }
  // The certificate DER, its ECDSA signature normalized to low-S.
  const std::string& cert_der() const;

  // Verifies an ECDSA signature, DER (r, s), over SHA-256(`data`) by this identity's key.
  // InvalidArgument if the signature is malformed or high-S or the key cannot verify
  // (an RSA key, an unknown hash family); PermissionDenied if it does not verify.
  absl::Status Verify(absl::string_view data, absl::string_view signature) const;

  // The certificate's subject OUs, in order.
  const std::vector<std::string>& subject_ous() const;
  absl::Time not_before() const;
  absl::Time not_after() const;
  bool is_ca() const;
  const internal::Certificate& certificate() const { return *cert_; }

 private:
  friend class Msp;
  friend class MspManager;  // marks validated_ when its caches answer for the identity
  Identity() = default;

  std::string mspid_;
  std::string id_;
  std::string serialized_;
  std::shared_ptr<const internal::Certificate> cert_;
  bssl::UniquePtr<EC_KEY> ec_key_;  // null when the key is RSA
  std::string p256_point_;          // uncompressed, for a P-256 key; else ""
  // Set once an MSP validated it: from then on its verifications count towards a
  // P-256 table in crypto::HotKeys::Process().
  mutable std::atomic<bool> validated_{false};
  std::string hash_family_;         // the MSP's SignatureHashFamily

  // Fabric validates an identity once; so do we, per MSP instance.
  mutable absl::Mutex memo_mu_;
  mutable uint64_t memo_msp_ ABSL_GUARDED_BY(memo_mu_) = 0;
  mutable std::shared_ptr<const internal::ValidationResult> memo_ ABSL_GUARDED_BY(memo_mu_);
};

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_IDENTITY_H_
