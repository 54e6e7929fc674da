#include "lib/identity/internal/certificate.h"

#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/obj.h>
#include <openssl/x509.h>

#include <climits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/identity/internal/der.h"

namespace fabric::identity::internal {
namespace {

// DER bodies of the object identifiers we recognize.
constexpr char kOidEcPublicKey[] = "\x2a\x86\x48\xce\x3d\x02\x01";
constexpr char kOidRsaEncryption[] = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";
constexpr char kOidEd25519[] = "\x2b\x65\x70";
constexpr char kOidX25519[] = "\x2b\x65\x6e";
constexpr char kOidDsa[] = "\x2a\x86\x48\xce\x38\x04\x01";
constexpr char kOidAia[] = "\x2b\x06\x01\x05\x05\x07\x01\x01";
constexpr char kOidEkuAny[] = "\x55\x1d\x25\x00";
constexpr char kOidEkuServerAuth[] = "\x2b\x06\x01\x05\x05\x07\x03\x01";

absl::string_view Oid(const char* s, size_t n) { return absl::string_view(s, n); }
#define FABRIC_OID(x) Oid(x, sizeof(x) - 1)

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("x509: ", what));
}

// The extensions of the 2.5.29 arc Go's parser handles, by last arc.
bool IsHandledCertExtension(unsigned arc) {
  switch (arc) {
    case 14:  // subject key identifier
    case 15:  // key usage
    case 17:  // subject alternative name (when it holds a name Go understands)
    case 19:  // basic constraints
    case 30:  // name constraints
    case 31:  // CRL distribution points
    case 32:  // certificate policies
    case 33:  // policy mappings
    case 35:  // authority key identifier
    case 36:  // policy constraints
    case 37:  // extended key usage
    case 54:  // inhibit anyPolicy
      return true;
  }
  return false;
}

absl::Status ParseSan(absl::string_view value, Certificate* out, bool* understood) {
  CBS v, seq;
  CBS_init(&v, reinterpret_cast<const uint8_t*>(value.data()), value.size());
  if (!CBS_get_asn1(&v, &seq, CBS_ASN1_SEQUENCE)) {
    return Malformed("invalid subject alternative names");
  }
  *understood = false;
  while (CBS_len(&seq) > 0) {
    CBS name;
    unsigned tag;
    if (!CBS_get_any_asn1(&seq, &name, &tag)) return Malformed("invalid subject alternative name");
    switch (tag) {
      case CBS_ASN1_CONTEXT_SPECIFIC | 1:  // rfc822Name
      case CBS_ASN1_CONTEXT_SPECIFIC | 2:  // dNSName
      case CBS_ASN1_CONTEXT_SPECIFIC | 6:  // URI
        for (char c : View(name)) {
          if (static_cast<unsigned char>(c) >= 0x80) return Malformed("SAN name is malformed");
        }
        *understood = true;
        break;
      case CBS_ASN1_CONTEXT_SPECIFIC | 7:  // iPAddress
        if (CBS_len(&name) != 4 && CBS_len(&name) != 16) return Malformed("invalid IP SAN");
        *understood = true;
        break;
    }
  }
  out->has_san = true;
  out->san_value = std::string(value);
  return absl::OkStatus();
}

absl::Status ParseExtension(absl::string_view oid, bool critical, absl::string_view value,
                            Certificate* out) {
  CBS v, inner;
  CBS_init(&v, reinterpret_cast<const uint8_t*>(value.data()), value.size());
  bool handled = true;
  if (oid.size() == 3 && oid[0] == 0x55 && oid[1] == 0x1d && !(oid[2] & 0x80)) {
    unsigned arc = static_cast<unsigned char>(oid[2]);
    handled = IsHandledCertExtension(arc);
    switch (arc) {
      case 14:
        if (critical) return Malformed("subject key identifier incorrectly marked critical");
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_OCTETSTRING)) {
          return Malformed("invalid subject key identifier");
        }
        out->subject_key_id = std::string(View(inner));
        out->has_subject_key_id = true;
        break;
      case 15:
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_BITSTRING) || !CBS_is_valid_asn1_bitstring(&inner)) {
          return Malformed("invalid key usage");
        }
        for (unsigned bit = 0; bit < 9; ++bit) {
          if (CBS_asn1_bitstring_has_bit(&inner, bit)) out->key_usage |= 1u << bit;
        }
        break;
      case 17:
        FABRIC_RETURN_IF_ERROR(ParseSan(value, out, &handled));
        break;
      case 19: {
        int is_ca = 0;
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_SEQUENCE)) {
          return Malformed("invalid basic constraints");
        }
        if (CBS_peek_asn1_tag(&inner, CBS_ASN1_BOOLEAN) && !CBS_get_asn1_bool(&inner, &is_ca)) {
          return Malformed("invalid basic constraints");
        }
        int64_t path_len = -1;
        if (CBS_peek_asn1_tag(&inner, CBS_ASN1_INTEGER) && !CBS_get_asn1_int64(&inner, &path_len)) {
          return Malformed("invalid basic constraints");
        }
        if (path_len > INT_MAX || path_len < INT_MIN) return Malformed("invalid basic constraints");
        out->basic_constraints_valid = true;
        out->is_ca = is_ca != 0;
        out->max_path_len = static_cast<int>(path_len);
        break;
      }
      case 30:
        out->has_name_constraints = true;
        break;
      case 35:
        if (critical) return Malformed("authority key identifier incorrectly marked critical");
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_SEQUENCE)) {
          return Malformed("invalid authority key identifier");
        }
        if (CBS_peek_asn1_tag(&inner, CBS_ASN1_CONTEXT_SPECIFIC | 0)) {
          CBS kid;
          if (!CBS_get_asn1(&inner, &kid, CBS_ASN1_CONTEXT_SPECIFIC | 0)) {
            return Malformed("invalid authority key identifier");
          }
          out->authority_key_id = std::string(View(kid));
        }
        break;
      case 37:
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_SEQUENCE)) {
          return Malformed("invalid extended key usages");
        }
        while (CBS_len(&inner) > 0) {
          CBS eku;
          if (!CBS_get_asn1(&inner, &eku, CBS_ASN1_OBJECT)) {
            return Malformed("invalid extended key usages");
          }
          out->has_ext_key_usage = true;
          out->eku_any |= View(eku) == FABRIC_OID(kOidEkuAny);
          out->eku_server_auth |= View(eku) == FABRIC_OID(kOidEkuServerAuth);
        }
        break;
      case 31:
      case 32:
      case 33:
      case 36:
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_SEQUENCE)) return Malformed("invalid extension");
        break;
      case 54:
        if (!CBS_get_asn1(&v, &inner, CBS_ASN1_INTEGER)) return Malformed("invalid extension");
        break;
    }
  } else if (oid == FABRIC_OID(kOidAia)) {
    if (critical) return Malformed("authority info access incorrectly marked critical");
    if (!CBS_get_asn1(&v, &inner, CBS_ASN1_SEQUENCE)) {
      return Malformed("invalid authority info access");
    }
  } else {
    handled = false;
  }
  if (critical && !handled) out->has_unhandled_critical_extension = true;
  return absl::OkStatus();
}

absl::Status ParseExtensions(CBS* tbs, Certificate* out) {
  CBS wrapper, exts;
  int present = 0;
  if (!CBS_get_optional_asn1(tbs, &wrapper, &present,
                             CBS_ASN1_CONSTRUCTED | CBS_ASN1_CONTEXT_SPECIFIC | 3)) {
    return Malformed("malformed extensions");
  }
  if (!present) return absl::OkStatus();
  if (!CBS_get_asn1(&wrapper, &exts, CBS_ASN1_SEQUENCE)) return Malformed("malformed extensions");
  absl::flat_hash_set<std::string> seen;
  while (CBS_len(&exts) > 0) {
    Extension ext;
    if (!ReadExtension(&exts, &ext)) return Malformed("malformed extension");
    if (!seen.insert(std::string(ext.oid)).second) {
      return Malformed("certificate contains duplicate extensions");
    }
    FABRIC_RETURN_IF_ERROR(ParseExtension(ext.oid, ext.critical, View(ext.value), out));
  }
  return absl::OkStatus();
}

absl::Status ParseName(X509_NAME* name, Certificate* out, bool subject) {
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (n < 0) {
      ERR_clear_error();
      return Malformed("unsupported string type in a name");
    }
    std::string value(reinterpret_cast<const char*>(utf8), n);
    OPENSSL_free(utf8);
    if (!subject) continue;
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    if (nid == NID_organizationalUnitName) out->subject_ous.push_back(value);
    if (nid == NID_commonName) out->subject_common_name = value;
  }
  return absl::OkStatus();
}

absl::Status ParsePublicKey(absl::string_view spki, Certificate* out) {
  CBS in, seq, alg, oid;
  CBS_init(&in, reinterpret_cast<const uint8_t*>(spki.data()), spki.size());
  if (!CBS_get_asn1(&in, &seq, CBS_ASN1_SEQUENCE) || !CBS_get_asn1(&seq, &alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&alg, &oid, CBS_ASN1_OBJECT)) {
    return Malformed("malformed spki");
  }
  absl::string_view o = View(oid);
  KeyType type;
  if (o == FABRIC_OID(kOidEcPublicKey)) {
    type = KeyType::kEcdsa;
  } else if (o == FABRIC_OID(kOidRsaEncryption)) {
    type = KeyType::kRsa;
  } else if (o == FABRIC_OID(kOidEd25519)) {
    type = KeyType::kEd25519;
  } else if (o == FABRIC_OID(kOidX25519) || o == FABRIC_OID(kOidDsa)) {
    out->key_type = KeyType::kOther;
    return absl::OkStatus();
  } else {
    return absl::OkStatus();  // unknown algorithm: no key, as in Go
  }
  CBS key_bits;
  if (type == KeyType::kEcdsa && (!CBS_get_asn1(&seq, &key_bits, CBS_ASN1_BITSTRING) ||
                                  CBS_len(&key_bits) < 2 || CBS_data(&key_bits)[1] != 0x04)) {
    return Malformed("failed to unmarshal elliptic curve point");  // Go takes uncompressed only
  }
  CBS key_in;
  CBS_init(&key_in, reinterpret_cast<const uint8_t*>(spki.data()), spki.size());
  out->public_key.reset(EVP_parse_public_key(&key_in));
  ERR_clear_error();
  if (out->public_key == nullptr || CBS_len(&key_in) != 0) {
    return Malformed(type == KeyType::kEcdsa ? "unsupported elliptic curve or invalid EC key"
                                             : "invalid public key");
  }
  out->key_type = type;
  return absl::OkStatus();
}

absl::Status ParseStructure(absl::string_view der, Certificate* out) {
  CBS in, cert, tbs_elem, tbs, sig_alg, sig, inner_alg, issuer, validity, subject, spki, serial;
  CBS_init(&in, reinterpret_cast<const uint8_t*>(der.data()), der.size());
  if (!CBS_get_asn1(&in, &cert, CBS_ASN1_SEQUENCE) || CBS_len(&in) != 0 ||
      !CBS_get_asn1_element(&cert, &tbs_elem, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1_element(&cert, &sig_alg, CBS_ASN1_SEQUENCE) ||
      !CBS_get_asn1(&cert, &sig, CBS_ASN1_BITSTRING) || !CBS_is_valid_asn1_bitstring(&sig)) {
    return Malformed("malformed certificate");
  }
  out->raw_tbs = std::string(View(tbs_elem));
  out->raw_signature_alg = std::string(View(sig_alg));
  out->signature = RightAlign(View(sig));
  CBS_init(&tbs, reinterpret_cast<const uint8_t*>(out->raw_tbs.data()), out->raw_tbs.size());
  if (!CBS_get_asn1(&tbs, &tbs, CBS_ASN1_SEQUENCE)) return Malformed("malformed certificate");
  uint64_t version = 0;
  if (!CBS_get_optional_asn1_uint64(&tbs, &version,
                                    CBS_ASN1_CONSTRUCTED | CBS_ASN1_CONTEXT_SPECIFIC | 0, 0) ||
      version > 2) {
    return Malformed("malformed version");
  }
  out->version = static_cast<int>(version) + 1;
  int negative = 0;
  if (!CBS_get_asn1(&tbs, &serial, CBS_ASN1_INTEGER) ||
      !CBS_is_valid_asn1_integer(&serial, &negative)) {
    return Malformed("malformed serial number");
  }
  if (negative) return Malformed("negative serial number");
  out->serial = std::string(View(serial));
  if (!CBS_get_asn1_element(&tbs, &inner_alg, CBS_ASN1_SEQUENCE)) {
    return Malformed("malformed signature algorithm identifier");
  }
  if (View(inner_alg) != View(sig_alg)) {
    return Malformed("inner and outer signature algorithm identifiers don't match");
  }
  out->signature_alg = SignatureAlgorithmOf(out->raw_signature_alg);
  if (!CBS_get_asn1_element(&tbs, &issuer, CBS_ASN1_SEQUENCE)) return Malformed("malformed issuer");
  out->raw_issuer = std::string(View(issuer));
  if (!CBS_get_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE)) return Malformed("malformed validity");
  FABRIC_ASSIGN_OR_RETURN(out->not_before, ReadTime(&validity));
  FABRIC_ASSIGN_OR_RETURN(out->not_after, ReadTime(&validity));
  if (!CBS_get_asn1_element(&tbs, &subject, CBS_ASN1_SEQUENCE)) {
    return Malformed("malformed subject");
  }
  out->raw_subject = std::string(View(subject));
  if (!CBS_get_asn1_element(&tbs, &spki, CBS_ASN1_SEQUENCE)) return Malformed("malformed spki");
  out->raw_spki = std::string(View(spki));
  FABRIC_RETURN_IF_ERROR(ParsePublicKey(out->raw_spki, out));
  if (out->version > 1) {
    int present;
    CBS skip;
    if (!CBS_get_optional_asn1(&tbs, &skip, &present, CBS_ASN1_CONTEXT_SPECIFIC | 1) ||
        !CBS_get_optional_asn1(&tbs, &skip, &present, CBS_ASN1_CONTEXT_SPECIFIC | 2)) {
      return Malformed("malformed unique identifiers");
    }
    if (out->version == 3) FABRIC_RETURN_IF_ERROR(ParseExtensions(&tbs, out));
  }
  return absl::OkStatus();
}

}  // namespace

Certificate::Certificate() = default;
Certificate::~Certificate() = default;

absl::StatusOr<std::shared_ptr<const Certificate>> ParseCertificate(absl::string_view der) {
  if (der.empty()) return Malformed("malformed certificate");
  if (der.size() > LONG_MAX) return Malformed("certificate too large");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(der.data());
  bssl::UniquePtr<X509> x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (x == nullptr) return Malformed("malformed certificate");
  if (p != reinterpret_cast<const uint8_t*>(der.data()) + der.size()) {
    return Malformed("trailing data");
  }
  auto cert = std::make_shared<Certificate>();
  cert->raw = std::string(der);
  FABRIC_RETURN_IF_ERROR(ParseStructure(der, cert.get()));
  FABRIC_RETURN_IF_ERROR(ParseName(X509_get_issuer_name(x.get()), cert.get(), false));
  FABRIC_RETURN_IF_ERROR(ParseName(X509_get_subject_name(x.get()), cert.get(), true));
  return std::shared_ptr<const Certificate>(std::move(cert));
}

}  // namespace fabric::identity::internal
