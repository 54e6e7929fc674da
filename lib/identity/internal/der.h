// DER details where Fabric's behaviour is Go's: the lenient encoding/asn1 reading of
// ECDSA signatures, X.509 times as crypto/x509 accepts them, BIT STRING alignment.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_IDENTITY_INTERNAL_DER_H_
#define FABRIC_LIB_IDENTITY_INTERNAL_DER_H_

#include <openssl/bn.h>
#include <openssl/bytestring.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace fabric::identity::internal {

struct EcdsaSignature {
  bssl::UniquePtr<BIGNUM> r;
  bssl::UniquePtr<BIGNUM> s;
};

// Reads SEQUENCE { r INTEGER, s INTEGER, ... } the way Go's asn1.Unmarshal does for
// Fabric's ECDSASignature: lengths and integers must be minimal, elements after s
// inside the SEQUENCE and bytes after it are ignored; r and s must be positive.
absl::StatusOr<EcdsaSignature> ParseEcdsaSignature(absl::string_view der);

// The minimal DER SEQUENCE { r, s } (what Go's asn1.Marshal writes).
absl::StatusOr<std::string> MarshalEcdsaSignature(const BIGNUM* r, const BIGNUM* s);

// Reads a UTCTime or GeneralizedTime from `cbs` as Go's crypto/x509 does (canonical
// forms only, "Z" or a non-zero offset, UTCTime years 1950-2049).
absl::StatusOr<absl::Time> ReadTime(CBS* cbs);

// The contents of a BIT STRING element body (first byte = unused bits), right-aligned
// like Go's BitString.RightAlign. REQUIRES: `body` is a valid BIT STRING body.
std::string RightAlign(absl::string_view body);

absl::string_view View(const CBS& cbs);

// One X.509 extension: SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
// extnValue OCTET STRING }.
struct Extension {
  absl::string_view oid;
  bool critical = false;
  CBS value;
};

// Reads the next extension from the body of a SEQUENCE OF Extension; false if it is
// malformed.
bool ReadExtension(CBS* extensions, Extension* out);

}  // namespace fabric::identity::internal

#endif  // FABRIC_LIB_IDENTITY_INTERNAL_DER_H_
