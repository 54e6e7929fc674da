// ECDSA as Fabric's software BCCSP does it (bccsp/sw/ecdsa.go, bccsp/utils/ecdsa.go):
// signatures are DER SEQUENCE { r, s } read leniently like Go's encoding/asn1, s must
// be in the lower half of the curve order ("low-S"), and the digest is SHA-256.
//
//   absl::Status st = VerifyEcdsaSha256(key, message, signature);
//
// Thread safety: stateless; `key` is only read, so one key may verify on many threads.
#ifndef FABRIC_LIB_IDENTITY_ECDSA_H_
#define FABRIC_LIB_IDENTITY_ECDSA_H_

#include <openssl/base.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/crypto/p256_key_table.h"

namespace fabric::identity {

// Verifies `der_sig` over SHA-256(`data`) by the EC public key `key` (any of P-224,
// P-256, P-384, P-521, like Fabric). InvalidArgument if the signature does not parse or
// its s is high ("Invalid S. Must be smaller than half the order"); PermissionDenied
// "The signature is invalid" if it parses but does not verify. With `table` (which must
// be the P256KeyTable of `key`'s point) the same answer comes about four times faster;
// and where a crypto::P256VerifyBatch is installed on the thread, a signature that
// parses, is low-S and has r and s in range is recorded there and taken as valid (OK)
// until the batch computes it (see p256_verify_batch.h).
absl::Status VerifyEcdsaSha256(const EC_KEY* key, absl::string_view data,
                               absl::string_view der_sig,
                               std::shared_ptr<const crypto::P256KeyTable> table = nullptr);

// Same over a precomputed digest (Fabric's verifyECDSA).
absl::Status VerifyEcdsaDigest(const EC_KEY* key, absl::string_view digest,
                               absl::string_view der_sig,
                               std::shared_ptr<const crypto::P256KeyTable> table = nullptr);

// `der_sig` with s replaced by n - s when s > n/2, for the curve of `group`, re-encoded
// as minimal DER (Fabric's SignatureToLowS). Already-low signatures come back
// re-encoded too, so the output is canonical.
absl::StatusOr<std::string> ToLowS(const EC_GROUP* group, absl::string_view der_sig);

// ToLowS for P-256.
absl::StatusOr<std::string> ToLowS(absl::string_view der_sig);

// Whether `der_sig` parses and its s is at most n/2 for `group`.
bool IsLowS(const EC_GROUP* group, absl::string_view der_sig);

// A DER signature over SHA-256(`data`) by the private key `key`, always low-S.
absl::StatusOr<std::string> SignEcdsaSha256(const EC_KEY* key, absl::string_view data);

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_ECDSA_H_
