#include "lib/identity/internal/crl.h"

#include <openssl/bytestring.h>

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/identity/internal/der.h"
#include "lib/identity/pem.h"

namespace fabric::identity::internal {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("could not parse RevocationList: ", what));
}

bool IsTime(const CBS& cbs) {
  return CBS_peek_asn1_tag(&cbs, CBS_ASN1_UTCTIME) ||
         CBS_peek_asn1_tag(&cbs, CBS_ASN1_GENERALIZEDTIME);
}

// RDNSequence ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }
bool SkipName(CBS* cbs) {
  CBS name;
  if (!CBS_get_asn1(cbs, &name, CBS_ASN1_SEQUENCE)) return false;
  while (CBS_len(&name) > 0) {
    CBS rdn;
    if (!CBS_get_asn1(&name, &rdn, CBS_ASN1_SET)) return false;
    while (CBS_len(&rdn) > 0) {
      CBS atv, oid, value;
      if (!CBS_get_asn1(&rdn, &atv, CBS_ASN1_SEQUENCE) ||
          !CBS_get_asn1(&atv, &oid, CBS_ASN1_OBJECT) ||
          !CBS_get_any_asn1_element(&atv, &value, nullptr, nullptr)) {
        return false;
      }
    }
  }
  return true;
}

bool SkipAlgorithm(CBS* cbs, CBS* element) {
  CBS alg, oid;
  if (!CBS_get_asn1_element(cbs, element, CBS_ASN1_SEQUENCE)) return false;
  CBS copy = *element;
  return CBS_get_asn1(&copy, &alg, CBS_ASN1_SEQUENCE) && CBS_get_asn1(&alg, &oid, CBS_ASN1_OBJECT);
}

// Extensions ::= SEQUENCE OF SEQUENCE { OID, BOOLEAN OPTIONAL, OCTET STRING }; returns
// the value of the first authorityKeyIdentifier (2.5.29.35), if any.
bool ReadExtensions(CBS* cbs, bool* found_aki, CBS* aki) {
  CBS exts;
  if (!CBS_get_asn1(cbs, &exts, CBS_ASN1_SEQUENCE)) return false;
  while (CBS_len(&exts) > 0) {
    Extension ext;
    if (!ReadExtension(&exts, &ext)) return false;
    if (!*found_aki && ext.oid == absl::string_view("\x55\x1d\x23", 3)) {
      *found_aki = true;
      *aki = ext.value;
    }
  }
  return true;
}

// Fabric unmarshals the AKI into { KeyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... }.
void ReadAuthorityKeyId(bool found, CBS value, Crl* crl) {
  if (!found) {
    crl->authority_key_id_status =
        absl::NotFoundError("authorityKeyIdentifier not found in certificate");
    return;
  }
  CBS seq, kid;
  if (!CBS_get_asn1(&value, &seq, CBS_ASN1_SEQUENCE)) {
    crl->authority_key_id_status = absl::InvalidArgumentError("failed to unmarshal AKI");
    return;
  }
  if (CBS_peek_asn1_tag(&seq, CBS_ASN1_CONTEXT_SPECIFIC | 0)) {
    if (!CBS_get_asn1(&seq, &kid, CBS_ASN1_CONTEXT_SPECIFIC | 0)) {
      crl->authority_key_id_status = absl::InvalidArgumentError("failed to unmarshal AKI");
      return;
    }
    crl->authority_key_id = std::string(View(kid));
  }
}

absl::StatusOr<Crl> ParseDer(absl::string_view der) {
  Crl crl;
  CBS in, list, tbs_elem, tbs, sig_alg, bits;
  CBS_init(&in, reinterpret_cast<const uint8_t*>(der.data()), der.size());
  if (!CBS_get_asn1(&in, &list, CBS_ASN1_SEQUENCE)) return Bad("malformed crl");
  if (CBS_len(&in) != 0) return Bad("x509: trailing data after CRL");
  if (!CBS_get_asn1_element(&list, &tbs_elem, CBS_ASN1_SEQUENCE) ||
      !SkipAlgorithm(&list, &sig_alg) || !CBS_get_asn1(&list, &bits, CBS_ASN1_BITSTRING) ||
      !CBS_is_valid_asn1_bitstring(&bits)) {
    return Bad("malformed crl");
  }
  crl.raw_tbs = std::string(View(tbs_elem));
  crl.signature_alg = SignatureAlgorithmOf(View(sig_alg));
  crl.signature = RightAlign(View(bits));

  CBS_init(&tbs, reinterpret_cast<const uint8_t*>(crl.raw_tbs.data()), crl.raw_tbs.size());
  if (!CBS_get_asn1(&tbs, &tbs, CBS_ASN1_SEQUENCE)) return Bad("malformed tbs crl");
  int64_t version = 0;
  CBS inner_alg;
  if ((CBS_peek_asn1_tag(&tbs, CBS_ASN1_INTEGER) && !CBS_get_asn1_int64(&tbs, &version)) ||
      !SkipAlgorithm(&tbs, &inner_alg) || !SkipName(&tbs)) {
    return Bad("malformed tbs crl");
  }
  absl::StatusOr<absl::Time> this_update = ReadTime(&tbs);
  if (!this_update.ok()) return Bad(this_update.status().message());
  if (IsTime(tbs)) {
    absl::StatusOr<absl::Time> next_update = ReadTime(&tbs);
    if (!next_update.ok()) return Bad(next_update.status().message());
  }
  if (CBS_peek_asn1_tag(&tbs, CBS_ASN1_SEQUENCE)) {
    CBS revoked;
    // The tag alone says nothing of the length: a truncated element leaves `revoked`
    // unset.
    if (!CBS_get_asn1(&tbs, &revoked, CBS_ASN1_SEQUENCE)) {
      return Bad("malformed revoked certificates");
    }
    while (CBS_len(&revoked) > 0) {
      CBS entry, serial;
      bool unused_found = false;
      CBS unused;
      if (!CBS_get_asn1(&revoked, &entry, CBS_ASN1_SEQUENCE) ||
          !CBS_get_asn1(&entry, &serial, CBS_ASN1_INTEGER) ||
          !CBS_is_valid_asn1_integer(&serial, nullptr)) {
        return Bad("malformed revoked certificate");
      }
      absl::StatusOr<absl::Time> when = ReadTime(&entry);
      if (!when.ok()) return Bad(when.status().message());
      if (CBS_peek_asn1_tag(&entry, CBS_ASN1_SEQUENCE) &&
          !ReadExtensions(&entry, &unused_found, &unused)) {
        return Bad("malformed revoked certificate extensions");
      }
      crl.revoked_serials.emplace_back(View(serial));
    }
  }
  bool found_aki = false;
  CBS aki;
  if (CBS_peek_asn1_tag(&tbs, CBS_ASN1_CONSTRUCTED | CBS_ASN1_CONTEXT_SPECIFIC | 0)) {
    CBS wrapper;
    if (!CBS_get_asn1(&tbs, &wrapper, CBS_ASN1_CONSTRUCTED | CBS_ASN1_CONTEXT_SPECIFIC | 0) ||
        !ReadExtensions(&wrapper, &found_aki, &aki)) {
      return Bad("malformed crl extensions");
    }
  }
  ReadAuthorityKeyId(found_aki, aki, &crl);

  if (IsEcdsa(crl.signature_alg)) {
    absl::StatusOr<EcdsaSignature> sig = ParseEcdsaSignature(crl.signature);
    if (!sig.ok()) return sig.status();
    FABRIC_ASSIGN_OR_RETURN(crl.signature, MarshalEcdsaSignature(sig->r.get(), sig->s.get()));
  }
  return crl;
}

}  // namespace

absl::StatusOr<Crl> ParseCrl(absl::string_view pem_or_der) {
  absl::string_view der = pem_or_der;
  std::optional<PemBlock> block;
  if (absl::StartsWith(pem_or_der, "-----BEGIN X509 CRL")) {
    block = PemDecode(pem_or_der);
    if (block.has_value() && block->type == "X509 CRL") der = block->bytes;
  }
  return ParseDer(der);
}

absl::Status CheckCrlSignature(const Crl& crl, const Certificate& issuer) {
  return CheckSignature(crl.signature_alg, crl.raw_tbs, crl.signature, issuer,
                        /*allow_sha1=*/true);
}

}  // namespace fabric::identity::internal
