#include "lib/identity/ecdsa.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/crypto/p256_inverse_batch.h"
#include "lib/crypto/p256_verify_batch.h"
#include "lib/identity/internal/der.h"

namespace fabric::identity {
namespace {

// n/2 for one of the four curves Fabric knows, computed once.
const BIGNUM* HalfOrder(const EC_GROUP* group) {
  struct Half {
    int nid;
    BIGNUM* half;
  };
  static const Half* halves = [] {
    static Half h[4];
    const int nids[4] = {NID_secp224r1, NID_X9_62_prime256v1, NID_secp384r1, NID_secp521r1};
    for (int i = 0; i < 4; ++i) {
      h[i].nid = nids[i];
      h[i].half = BN_new();
      EC_GROUP* g = EC_GROUP_new_by_curve_name(nids[i]);
      if (g == nullptr || h[i].half == nullptr || !BN_rshift1(h[i].half, EC_GROUP_get0_order(g))) {
        h[i].nid = NID_undef;
      }
      EC_GROUP_free(g);
    }
    return h;
  }();
  if (group == nullptr) return nullptr;
  int nid = EC_GROUP_get_curve_name(group);
  for (int i = 0; i < 4; ++i) {
    if (halves[i].nid == nid && nid != NID_undef) return halves[i].half;
  }
  return nullptr;
}

absl::StatusOr<internal::EcdsaSignature> Parse(absl::string_view der_sig) {
  absl::StatusOr<internal::EcdsaSignature> sig = internal::ParseEcdsaSignature(der_sig);
  if (!sig.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("failed unmarshalling signature: ", sig.status().message()));
  }
  return sig;
}

}  // namespace

absl::Status VerifyEcdsaDigest(const EC_KEY* key, absl::string_view digest,
                               absl::string_view der_sig,
                               std::shared_ptr<const crypto::P256KeyTable> table) {
  const EC_GROUP* group = key != nullptr ? EC_KEY_get0_group(key) : nullptr;
  const BIGNUM* half = HalfOrder(group);
  if (half == nullptr) return absl::InvalidArgumentError("curve not recognized");
  FABRIC_ASSIGN_OR_RETURN(internal::EcdsaSignature sig, Parse(der_sig));
  if (BN_cmp(sig.s.get(), half) > 0) {
    return absl::InvalidArgumentError("Invalid S. Must be smaller than half the order");
  }
  bssl::UniquePtr<ECDSA_SIG> esig(ECDSA_SIG_new());
  if (esig == nullptr || !ECDSA_SIG_set0(esig.get(), sig.r.get(), sig.s.get())) {
    return absl::ResourceExhaustedError("out of memory");
  }
  sig.r.release();
  sig.s.release();
  const uint8_t* d = reinterpret_cast<const uint8_t*>(digest.data());
  int ok;
  if (table != nullptr) {
    // Computed later with the block's others, if the validator defers them.
    crypto::P256VerifyBatch* deferred = crypto::P256VerifyBatch::Current();
    if (deferred != nullptr && deferred->Add(d, digest.size(), esig.get(), table)) {
      return absl::OkStatus();
    }
    // The inverse of s, if the validator computed it with the block's others.
    const crypto::P256InverseBatch* batch = crypto::P256InverseBatch::Current();
    ok = crypto::EcdsaVerifyP256(d, digest.size(), esig.get(), key, *table,
                                 batch != nullptr ? batch->Find(der_sig) : nullptr);
  } else {
    ok = ECDSA_do_verify(d, digest.size(), esig.get(), key);
  }
  ERR_clear_error();
  if (ok != 1) return absl::PermissionDeniedError("The signature is invalid");
  return absl::OkStatus();
}

absl::Status VerifyEcdsaSha256(const EC_KEY* key, absl::string_view data,
                               absl::string_view der_sig,
                               std::shared_ptr<const crypto::P256KeyTable> table) {
  return VerifyEcdsaDigest(key, Sha256(data), der_sig, std::move(table));
}

absl::StatusOr<std::string> ToLowS(const EC_GROUP* group, absl::string_view der_sig) {
  const BIGNUM* half = HalfOrder(group);
  if (half == nullptr) return absl::InvalidArgumentError("curve not recognized");
  FABRIC_ASSIGN_OR_RETURN(internal::EcdsaSignature sig, Parse(der_sig));
  if (BN_cmp(sig.s.get(), half) > 0 &&
      !BN_sub(sig.s.get(), EC_GROUP_get0_order(group), sig.s.get())) {
    return absl::ResourceExhaustedError("out of memory");
  }
  return internal::MarshalEcdsaSignature(sig.r.get(), sig.s.get());
}

absl::StatusOr<std::string> ToLowS(absl::string_view der_sig) {
  static const EC_GROUP* p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return ToLowS(p256, der_sig);
}

bool IsLowS(const EC_GROUP* group, absl::string_view der_sig) {
  const BIGNUM* half = HalfOrder(group);
  absl::StatusOr<internal::EcdsaSignature> sig = internal::ParseEcdsaSignature(der_sig);
  return half != nullptr && sig.ok() && BN_cmp(sig->s.get(), half) <= 0;
}

absl::StatusOr<std::string> SignEcdsaSha256(const EC_KEY* key, absl::string_view data) {
  if (key == nullptr || EC_KEY_get0_private_key(key) == nullptr) {
    return absl::InvalidArgumentError("not an EC private key");
  }
  const EC_GROUP* group = EC_KEY_get0_group(key);
  const BIGNUM* half = HalfOrder(group);
  if (half == nullptr) return absl::InvalidArgumentError("curve not recognized");
  std::string digest = Sha256(data);
  bssl::UniquePtr<ECDSA_SIG> sig(
      ECDSA_do_sign(reinterpret_cast<const uint8_t*>(digest.data()), digest.size(), key));
  if (sig == nullptr) {
    ERR_clear_error();
    return absl::InternalError("ECDSA signing failed");
  }
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  bssl::UniquePtr<BIGNUM> low_s(BN_dup(s));
  if (low_s == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (BN_cmp(low_s.get(), half) > 0 &&
      !BN_sub(low_s.get(), EC_GROUP_get0_order(group), low_s.get())) {
    return absl::ResourceExhaustedError("out of memory");
  }
  return internal::MarshalEcdsaSignature(r, low_s.get());
}

}  // namespace fabric::identity
