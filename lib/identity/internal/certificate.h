// An X.509 certificate parsed into the fields Go's crypto/x509 gives Fabric's MSP, and
// the signature checks built on them (Certificate.CheckSignatureFrom / CheckSignature).
//
// Parsing uses BoringSSL's DER parser plus the checks Go adds (negative serial, inner and
// outer signature algorithms equal, duplicate extensions, supported EC curves, the
// extensions Go understands, critical SKI/AKI/AIA rejected).
//
// Thread safety: a Certificate is immutable after parsing; share it freely.
#ifndef FABRIC_LIB_IDENTITY_INTERNAL_CERTIFICATE_H_
#define FABRIC_LIB_IDENTITY_INTERNAL_CERTIFICATE_H_

#include <openssl/base.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fabric::identity::internal {

enum class SignatureAlgorithm {
  kUnknown,
  kMd2WithRsa,
  kMd5WithRsa,
  kSha1WithRsa,
  kSha256WithRsa,
  kSha384WithRsa,
  kSha512WithRsa,
  kEcdsaWithSha1,
  kEcdsaWithSha256,
  kEcdsaWithSha384,
  kEcdsaWithSha512,
  kEd25519,
};

enum class KeyType { kUnknown, kEcdsa, kRsa, kEd25519, kOther };

bool IsEcdsa(SignatureAlgorithm alg);

// The algorithm named by an AlgorithmIdentifier element (SEQUENCE included).
SignatureAlgorithm SignatureAlgorithmOf(absl::string_view algorithm_identifier);

struct Certificate {
  std::string raw;                // the whole certificate, DER
  std::string raw_tbs;            // TBSCertificate element
  std::string raw_signature_alg;  // outer AlgorithmIdentifier element
  std::string raw_issuer;         // Name elements
  std::string raw_subject;
  std::string raw_spki;  // SubjectPublicKeyInfo element
  std::string serial;    // INTEGER body (minimal two's complement)
  int version = 1;       // 1..3, as Go counts
  SignatureAlgorithm signature_alg = SignatureAlgorithm::kUnknown;
  std::string signature;  // BIT STRING, right-aligned
  absl::Time not_before, not_after;
  bool basic_constraints_valid = false;
  bool is_ca = false;
  int max_path_len = -1;           // -1: no limit
  unsigned key_usage = 0;          // Go's KeyUsage bits; 0 if absent
  bool has_ext_key_usage = false;  // an EKU extension with at least one purpose
  bool eku_any = false;
  bool eku_server_auth = false;
  std::string subject_key_id;  // "" if absent
  std::string authority_key_id;
  bool has_subject_key_id = false;
  bool has_san = false;
  std::string san_value;  // the SAN extension's value
  bool has_name_constraints = false;
  bool has_unhandled_critical_extension = false;
  std::vector<std::string> subject_ous;  // in certificate order
  std::string subject_common_name;       // the last CN, as Go keeps it
  KeyType key_type = KeyType::kUnknown;
  bssl::UniquePtr<EVP_PKEY> public_key;  // null when key_type is kUnknown

  Certificate();
  ~Certificate();
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;

  bool IsEcdsaSigned() const { return IsEcdsa(signature_alg); }
};

// Go's x509.ParseCertificate: one DER certificate, no trailing bytes.
absl::StatusOr<std::shared_ptr<const Certificate>> ParseCertificate(absl::string_view der);

// Go's checkSignature: `signature` by `signer`'s public key over `signed` with `alg`.
// SHA-1 is refused unless `allow_sha1` (Go allows it for CRLs only); MD5 always.
absl::Status CheckSignature(SignatureAlgorithm alg, absl::string_view signed_data,
                            absl::string_view signature, const Certificate& signer,
                            bool allow_sha1);

// Go's CheckSignatureFrom: `parent` may sign certificates (basic constraints, key
// usage) and its key verifies `child`'s signature.
absl::Status CheckSignatureFrom(const Certificate& child, const Certificate& parent);

// `cert` with its ECDSA signature re-encoded with s in the lower half of the order of
// `signer`'s curve (Fabric's sanitizeECDSASignedCert). Returns `cert` itself when
// nothing changes. REQUIRES: `signer` has an ECDSA key.
absl::StatusOr<std::shared_ptr<const Certificate>> LowSCertificate(
    std::shared_ptr<const Certificate> cert, const Certificate& signer);

}  // namespace fabric::identity::internal

#endif  // FABRIC_LIB_IDENTITY_INTERNAL_CERTIFICATE_H_
