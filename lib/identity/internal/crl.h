// Certificate revocation lists as Fabric's MSP holds them: parsed like Go's deprecated
// x509.ParseCRL (PEM "X509 CRL" or DER), with ECDSA signatures re-encoded the way
// Fabric's setupCRLs does, and the authority key identifier read like Fabric's
// getAuthorityKeyIdentifierFromCrl (its failure surfaces only when the CRL is used).
//
// Thread safety: immutable after parsing.
#ifndef FABRIC_LIB_IDENTITY_INTERNAL_CRL_H_
#define FABRIC_LIB_IDENTITY_INTERNAL_CRL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/identity/internal/certificate.h"

namespace fabric::identity::internal {

struct Crl {
  std::string raw_tbs;  // TBSCertList element, what the signature covers
  SignatureAlgorithm signature_alg = SignatureAlgorithm::kUnknown;
  std::string signature;
  std::vector<std::string> revoked_serials;  // INTEGER bodies, minimal two's complement
  absl::Status authority_key_id_status;      // why there is no key id, if so
  std::string authority_key_id;
};

absl::StatusOr<Crl> ParseCrl(absl::string_view pem_or_der);

// Go's CheckCRLSignature: `issuer`'s key signed `crl` (SHA-1 allowed, no CA checks).
absl::Status CheckCrlSignature(const Crl& crl, const Certificate& issuer);

}  // namespace fabric::identity::internal

#endif  // FABRIC_LIB_IDENTITY_INTERNAL_CRL_H_
