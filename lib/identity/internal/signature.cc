// Signature algorithms and the signature checks of certificates and CRLs, as Go's
// crypto/x509 performs them (checkSignature, CheckSignatureFrom), and the low-S
// re-encoding of certificates Fabric applies (sanitizeECDSASignedCert).
#include <openssl/bytestring.h>
#include <openssl/curve25519.h>
#include <openssl/digest.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/rsa.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/identity/ecdsa.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/internal/der.h"

namespace fabric::identity::internal {
namespace {

// DER bodies of the signature algorithm identifiers.
constexpr char kOidRsaPrefix[] = "\x2a\x86\x48\x86\xf7\x0d\x01\x01";  // + one byte
constexpr char kOidEcdsaSha1[] = "\x2a\x86\x48\xce\x3d\x04\x01";
constexpr char kOidEcdsaSha2Prefix[] = "\x2a\x86\x48\xce\x3d\x04\x03";  // + one byte
constexpr char kOidEd25519[] = "\x2b\x65\x70";

absl::string_view Oid(const char* s, size_t n) { return absl::string_view(s, n); }
#define FABRIC_OID(x) Oid(x, sizeof(x) - 1)

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("x509: ", what));
}

const EVP_MD* DigestOf(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::kSha1WithRsa:
    case SignatureAlgorithm::kEcdsaWithSha1:
      return EVP_sha1();
    case SignatureAlgorithm::kSha256WithRsa:
    case SignatureAlgorithm::kEcdsaWithSha256:
      return EVP_sha256();
    case SignatureAlgorithm::kSha384WithRsa:
    case SignatureAlgorithm::kEcdsaWithSha384:
      return EVP_sha384();
    case SignatureAlgorithm::kSha512WithRsa:
    case SignatureAlgorithm::kEcdsaWithSha512:
      return EVP_sha512();
    default:
      return nullptr;
  }
}

bool IsRsa(SignatureAlgorithm alg) {
  return alg == SignatureAlgorithm::kSha1WithRsa || alg == SignatureAlgorithm::kSha256WithRsa ||
         alg == SignatureAlgorithm::kSha384WithRsa || alg == SignatureAlgorithm::kSha512WithRsa;
}

}  // namespace

bool IsEcdsa(SignatureAlgorithm alg) {
  return alg == SignatureAlgorithm::kEcdsaWithSha1 || alg == SignatureAlgorithm::kEcdsaWithSha256 ||
         alg == SignatureAlgorithm::kEcdsaWithSha384 || alg == SignatureAlgorithm::kEcdsaWithSha512;
}

SignatureAlgorithm SignatureAlgorithmOf(absl::string_view algorithm_identifier) {
  CBS in, seq, oid;
  CBS_init(&in, reinterpret_cast<const uint8_t*>(algorithm_identifier.data()),
           algorithm_identifier.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&seq, &oid, CBS_ASN1_OBJECT)) {
    return SignatureAlgorithm::kUnknown;
  }
  absl::string_view o = View(oid);
  absl::string_view rsa = FABRIC_OID(kOidRsaPrefix), ec2 = FABRIC_OID(kOidEcdsaSha2Prefix);
  if (o.size() == rsa.size() + 1 && o.substr(0, rsa.size()) == rsa) {
    switch (o.back()) {
      case 0x02:
        return SignatureAlgorithm::kMd2WithRsa;
      case 0x04:
        return SignatureAlgorithm::kMd5WithRsa;
      case 0x05:
        return SignatureAlgorithm::kSha1WithRsa;
      case 0x0b:
        return SignatureAlgorithm::kSha256WithRsa;
      case 0x0c:
        return SignatureAlgorithm::kSha384WithRsa;
      case 0x0d:
        return SignatureAlgorithm::kSha512WithRsa;
    }
    return SignatureAlgorithm::kUnknown;
  }
  if (o == FABRIC_OID(kOidEcdsaSha1)) return SignatureAlgorithm::kEcdsaWithSha1;
  if (o.size() == ec2.size() + 1 && o.substr(0, ec2.size()) == ec2) {
    switch (o.back()) {
      case 0x02:
        return SignatureAlgorithm::kEcdsaWithSha256;
      case 0x03:
        return SignatureAlgorithm::kEcdsaWithSha384;
      case 0x04:
        return SignatureAlgorithm::kEcdsaWithSha512;
    }
    return SignatureAlgorithm::kUnknown;
  }
  if (o == FABRIC_OID(kOidEd25519) && CBS_len(&seq) == 0) return SignatureAlgorithm::kEd25519;
  return SignatureAlgorithm::kUnknown;
}

absl::Status CheckSignature(SignatureAlgorithm alg, absl::string_view signed_data,
                            absl::string_view signature, const Certificate& signer,
                            bool allow_sha1) {
  if (alg == SignatureAlgorithm::kMd5WithRsa) {
    return Malformed("cannot verify signature: insecure algorithm MD5-RSA");
  }
  if ((alg == SignatureAlgorithm::kSha1WithRsa || alg == SignatureAlgorithm::kEcdsaWithSha1) &&
      !allow_sha1) {
    return Malformed("cannot verify signature: insecure algorithm SHA1");
  }
  const EVP_MD* md = DigestOf(alg);
  if (md == nullptr && alg != SignatureAlgorithm::kEd25519) {
    return Malformed("cannot verify signature: algorithm unimplemented");
  }
  const uint8_t* msg = reinterpret_cast<const uint8_t*>(signed_data.data());
  const uint8_t* sig = reinterpret_cast<const uint8_t*>(signature.data());
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned digest_len = 0;
  if (md != nullptr && !EVP_Digest(msg, signed_data.size(), digest, &digest_len, md, nullptr)) {
    return absl::InternalError("digest failed");
  }
  bool ok = false;
  switch (signer.key_type) {
    case KeyType::kEcdsa: {
      if (!IsEcdsa(alg)) return Malformed("signature algorithm does not match the ECDSA key");
      bssl::UniquePtr<ECDSA_SIG> s(ECDSA_SIG_from_bytes(sig, signature.size()));
      ok = s != nullptr && ECDSA_do_verify(digest, digest_len, s.get(),
                                           EVP_PKEY_get0_EC_KEY(signer.public_key.get()));
      break;
    }
    case KeyType::kRsa:
      if (!IsRsa(alg)) return Malformed("signature algorithm does not match the RSA key");
      ok = RSA_verify(EVP_MD_type(md), digest, digest_len, sig, signature.size(),
                      EVP_PKEY_get0_RSA(signer.public_key.get()));
      break;
    case KeyType::kEd25519: {
      if (alg != SignatureAlgorithm::kEd25519) {
        return Malformed("signature algorithm does not match the Ed25519 key");
      }
      uint8_t pub[32];
      size_t pub_len = sizeof(pub);
      ok = signature.size() == 64 &&
           EVP_PKEY_get_raw_public_key(signer.public_key.get(), pub, &pub_len) && pub_len == 32 &&
           ED25519_verify(msg, signed_data.size(), sig, pub);
      break;
    }
    default:
      return Malformed("cannot verify signature: algorithm unimplemented");
  }
  ERR_clear_error();
  if (!ok) return Malformed("signature verification failure");
  return absl::OkStatus();
}

absl::Status CheckSignatureFrom(const Certificate& child, const Certificate& parent) {
  if ((parent.version == 3 && !parent.basic_constraints_valid) ||
      (parent.basic_constraints_valid && !parent.is_ca)) {
    return Malformed("parent certificate cannot sign this kind of certificate");
  }
  constexpr unsigned kKeyUsageCertSign = 1u << 5;
  if (parent.key_usage != 0 && (parent.key_usage & kKeyUsageCertSign) == 0) {
    return Malformed("parent certificate cannot sign this kind of certificate");
  }
  if (parent.key_type == KeyType::kUnknown) return Malformed("unknown public key algorithm");
  return CheckSignature(child.signature_alg, child.raw_tbs, child.signature, parent, false);
}

absl::StatusOr<std::shared_ptr<const Certificate>> LowSCertificate(
    std::shared_ptr<const Certificate> cert, const Certificate& signer) {
  const EC_KEY* key = signer.public_key ? EVP_PKEY_get0_EC_KEY(signer.public_key.get()) : nullptr;
  if (key == nullptr) return absl::InvalidArgumentError("the signer has no ECDSA key");
  FABRIC_ASSIGN_OR_RETURN(std::string low, ToLowS(EC_KEY_get0_group(key), cert->signature));
  if (low == cert->signature) return cert;
  bssl::ScopedCBB cbb;
  CBB seq, bits;
  uint8_t* data = nullptr;
  size_t len = 0;
  if (!CBB_init(cbb.get(), cert->raw.size() + 8) ||
      !CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE) ||
      !CBB_add_bytes(&seq, reinterpret_cast<const uint8_t*>(cert->raw_tbs.data()),
                     cert->raw_tbs.size()) ||
      !CBB_add_bytes(&seq, reinterpret_cast<const uint8_t*>(cert->raw_signature_alg.data()),
                     cert->raw_signature_alg.size()) ||
      !CBB_add_asn1(&seq, &bits, CBS_ASN1_BITSTRING) || !CBB_add_u8(&bits, 0) ||
      !CBB_add_bytes(&bits, reinterpret_cast<const uint8_t*>(low.data()), low.size()) ||
      !CBB_finish(cbb.get(), &data, &len)) {
    return absl::InternalError("cannot re-encode the certificate");
  }
  std::string der(reinterpret_cast<const char*>(data), len);
  OPENSSL_free(data);
  return ParseCertificate(der);
}

}  // namespace fabric::identity::internal
