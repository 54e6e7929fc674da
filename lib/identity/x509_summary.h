// A readable summary of an X.509 certificate, as Go's crypto/x509 would describe it.
//
//   absl::StatusOr<CertSummary> s = SummarizeCertificate(pem_or_der);
//
// This is for showing identities to people (`fabric inspect`), not for validating
// them: nothing here checks a signature, a chain or a validity period.
//
// Thread safety: stateless; call from any thread.
#ifndef FABRIC_LIB_IDENTITY_X509_SUMMARY_H_
#define FABRIC_LIB_IDENTITY_X509_SUMMARY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::identity {

struct CertSummary {
  // Distinguished names as Go's pkix.Name.String() prints them: RFC 2253 style, the
  // standard attributes last-to-first (SERIALNUMBER, CN, OU, O, POSTALCODE, STREET,
  // L, ST, C; several values of one attribute joined by '+'), then any other
  // attribute as OID=#hex(DER), e.g.
  //   "CN=peer0.org1.example.com,OU=peer,O=Org1,L=San Francisco,ST=California,C=US".
  std::string subject;
  std::string issuer;
  std::string serial_number;  // decimal, '-' if negative (like Go's big.Int)
  std::string not_before;     // RFC 3339, UTC: "2026-11-23T21:55:00Z"
  std::string not_after;
  std::vector<std::string> subject_ous;  // in certificate order
  bool is_ca = false;                    // basicConstraints cA
  std::string subject_key_id;            // lowercase hex; "" if absent
  std::string authority_key_id;          // lowercase hex; "" if absent
  std::string public_key_algorithm;      // Go's names: "ECDSA", "RSA", "Ed25519", "DSA"
  std::string public_key_curve;          // "P-256" etc. for ECDSA keys, else ""
  // Go's names ("ECDSA-SHA256", "SHA256-RSA", ...); other algorithms by OID name.
  std::string signature_algorithm;
};

// Summarizes a certificate given as PEM (the first PEM block, which must be a
// CERTIFICATE; text around it is ignored, as Go's pem.Decode does) or as DER (the whole
// input, no trailing bytes). Input is PEM when it contains "-----BEGIN". Anything else
// is InvalidArgument saying what was wrong; never crashes.
absl::StatusOr<CertSummary> SummarizeCertificate(absl::string_view pem_or_der);

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_X509_SUMMARY_H_
