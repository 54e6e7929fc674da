#include "lib/identity/x509_summary.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/obj.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "lib/base/status_macros.h"

namespace fabric::identity {
namespace {

// ---- Distinguished names, the way Go's pkix.Name.String() prints them ----

// One AttributeTypeAndValue of a name, in DER order.
struct Attribute {
  int nid = NID_undef;
  std::string oid;    // dotted form
  std::string value;  // UTF-8
};

// Go's asn1.Marshal of a string value: PrintableString when every character is in
// PrintableString's set ('*' and '&' excluded), else UTF8String.
std::string GoMarshalString(const std::string& s) {
  bool printable = true;
  for (unsigned char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              (c >= '\'' && c <= ')') || (c >= '+' && c <= '/') || c == ' ' || c == ':' ||
              c == '=' || c == '?';
    if (!ok) {
      printable = false;
      break;
    }
  }
  std::string der(1, printable ? 0x13 : 0x0c);
  size_t n = s.size();
  if (n < 0x80) {
    der.push_back(static_cast<char>(n));
  } else {
    std::string len;
    for (; n > 0; n >>= 8) len.insert(len.begin(), static_cast<char>(n & 0xff));
    der.push_back(static_cast<char>(0x80 | len.size()));
    der += len;
  }
  return der + s;
}

// RFC 2253 escaping as Go does it: ,+"\<>; always, a space at either end, a leading #.
std::string GoEscape(const std::string& v) {
  std::string out;
  for (size_t k = 0; k < v.size(); ++k) {
    char c = v[k];
    bool escape = false;
    switch (c) {
      case ',':
      case '+':
      case '"':
      case '\\':
      case '<':
      case '>':
      case ';':
        escape = true;
        break;
      case ' ':
        escape = k == 0 || k == v.size() - 1;
        break;
      case '#':
        escape = k == 0;
        break;
    }
    if (escape) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// The standard attributes Go parses into pkix.Name fields, in ToRDNSequence order
// (the string prints them reversed). CN and SERIALNUMBER keep only their last value.
struct StandardAttribute {
  int nid;
  const char* label;
  bool single;
};
constexpr StandardAttribute kStandard[] = {
    {NID_countryName, "C", false},
    {NID_stateOrProvinceName, "ST", false},
    {NID_localityName, "L", false},
    {NID_streetAddress, "STREET", false},
    {NID_postalCode, "POSTALCODE", false},
    {NID_organizationName, "O", false},
    {NID_organizationalUnitName, "OU", false},
    {NID_commonName, "CN", true},
    {NID_serialNumber, "SERIALNUMBER", true},
};

bool IsStandard(int nid) {
  for (const StandardAttribute& s : kStandard) {
    if (s.nid == nid) return true;
  }
  return false;
}

std::string GoNameString(const std::vector<Attribute>& attrs) {
  // Each RDN is a list of already formatted "TYPE=value" items.
  std::vector<std::vector<std::string>> rdns;
  for (const Attribute& a : attrs) {
    if (IsStandard(a.nid)) continue;
    rdns.push_back({absl::StrCat(a.oid, "=#", absl::BytesToHexString(GoMarshalString(a.value)))});
  }
  for (const StandardAttribute& s : kStandard) {
    std::vector<std::string> values;
    for (const Attribute& a : attrs) {
      if (a.nid == s.nid) values.push_back(a.value);
    }
    if (s.single && !values.empty()) values = {values.back()};
    if (values.empty() || (s.single && values[0].empty())) continue;
    std::vector<std::string> rdn;
    for (const std::string& v : values) rdn.push_back(absl::StrCat(s.label, "=", GoEscape(v)));
    rdns.push_back(std::move(rdn));
  }
  std::vector<std::string> parts;
  for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) parts.push_back(absl::StrJoin(*it, "+"));
  return absl::StrJoin(parts, ",");
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof(buf), obj, /*always_return_oid=*/1);
  if (n <= 0) return "?";
  return std::string(buf, std::min<size_t>(n, sizeof(buf) - 1));
}

absl::StatusOr<std::vector<Attribute>> NameAttributes(const X509_NAME* name) {
  std::vector<Attribute> attrs;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    Attribute a;
    a.nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    a.oid = OidText(X509_NAME_ENTRY_get_object(e));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (n < 0) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("certificate name attribute ", a.oid, " is not a string"));
    }
    a.value.assign(reinterpret_cast<const char*>(utf8), n);
    OPENSSL_free(utf8);
    attrs.push_back(std::move(a));
  }
  return attrs;
}

// ---- Other fields ----

absl::StatusOr<std::string> Rfc3339(const ASN1_TIME* t) {
  bssl::UniquePtr<ASN1_TIME> epoch(ASN1_TIME_set(nullptr, 0));
  int days = 0, secs = 0;
  if (t == nullptr || epoch == nullptr || !ASN1_TIME_diff(&days, &secs, epoch.get(), t)) {
    ERR_clear_error();
    return absl::InvalidArgumentError("certificate has an invalid validity time");
  }
  absl::Time when = absl::FromUnixSeconds(int64_t{days} * 86400 + secs);
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", when, absl::UTCTimeZone());
}

std::string SerialDecimal(const ASN1_INTEGER* serial) {
  bssl::UniquePtr<BIGNUM> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn == nullptr) return "";
  char* dec = BN_bn2dec(bn.get());
  if (dec == nullptr) return "";
  std::string out(dec);
  OPENSSL_free(dec);
  return out;
}

std::string Hex(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return "";
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s)));
}

std::string SignatureAlgorithmName(int nid) {
  switch (nid) {
    case NID_md5WithRSAEncryption:
      return "MD5-RSA";
    case NID_sha1WithRSAEncryption:
      return "SHA1-RSA";
    case NID_sha256WithRSAEncryption:
      return "SHA256-RSA";
    case NID_sha384WithRSAEncryption:
      return "SHA384-RSA";
    case NID_sha512WithRSAEncryption:
      return "SHA512-RSA";
    case NID_rsassaPss:
      return "RSAPSS";
    case NID_dsaWithSHA1:
      return "DSA-SHA1";
    case NID_dsa_with_SHA256:
      return "DSA-SHA256";
    case NID_ecdsa_with_SHA1:
      return "ECDSA-SHA1";
    case NID_ecdsa_with_SHA256:
      return "ECDSA-SHA256";
    case NID_ecdsa_with_SHA384:
      return "ECDSA-SHA384";
    case NID_ecdsa_with_SHA512:
      return "ECDSA-SHA512";
    case NID_ED25519:
      return "Ed25519";
  }
  const char* sn = OBJ_nid2sn(nid);
  return sn != nullptr ? sn : "unknown";
}

void DescribePublicKey(X509* x, CertSummary* out) {
  ASN1_OBJECT* alg = nullptr;
  if (!X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(x))) {
    return;
  }
  switch (OBJ_obj2nid(alg)) {
    case NID_X9_62_id_ecPublicKey:
      out->public_key_algorithm = "ECDSA";
      break;
    case NID_rsaEncryption:
      out->public_key_algorithm = "RSA";
      break;
    case NID_ED25519:
      out->public_key_algorithm = "Ed25519";
      break;
    case NID_dsa:
      out->public_key_algorithm = "DSA";
      break;
    default:
      out->public_key_algorithm = OidText(alg);
  }
  if (out->public_key_algorithm != "ECDSA") return;
  bssl::UniquePtr<EVP_PKEY> key(X509_get_pubkey(x));
  const EC_KEY* ec = key ? EVP_PKEY_get0_EC_KEY(key.get()) : nullptr;
  const EC_GROUP* group = ec ? EC_KEY_get0_group(ec) : nullptr;
  const char* curve = group ? EC_curve_nid2nist(EC_GROUP_get_curve_name(group)) : nullptr;
  if (curve != nullptr) out->public_key_curve = curve;
  ERR_clear_error();
}

// ---- Parsing ----

std::string OpenSslReason() {
  uint32_t err = ERR_get_error();
  ERR_clear_error();
  const char* reason = err ? ERR_reason_error_string(err) : nullptr;
  return reason ? reason : "malformed";
}

absl::StatusOr<bssl::UniquePtr<X509>> ParseDer(absl::string_view der) {
  if (der.empty()) return absl::InvalidArgumentError("empty certificate");
  if (der.size() > LONG_MAX) return absl::InvalidArgumentError("certificate too large");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(der.data());
  bssl::UniquePtr<X509> x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (x == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a DER X.509 certificate: ", OpenSslReason()));
  }
  size_t used = p - reinterpret_cast<const uint8_t*>(der.data());
  if (used != der.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("X.509 certificate followed by ", der.size() - used, " trailing bytes"));
  }
  return x;
}

// The body of the first PEM block, which must be a CERTIFICATE.
absl::StatusOr<std::string> PemBody(absl::string_view pem) {
  if (pem.size() > INT_MAX) return absl::InvalidArgumentError("PEM input too large");
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  uint8_t* data = nullptr;
  long len = 0;
  if (bio == nullptr || !PEM_read_bio(bio.get(), &name, &header, &data, &len)) {
    return absl::InvalidArgumentError(absl::StrCat("malformed PEM: ", OpenSslReason()));
  }
  std::string type(name), body(reinterpret_cast<const char*>(data), len);
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (type != "CERTIFICATE") {
    return absl::InvalidArgumentError(absl::StrCat("PEM block is \"", type, "\", not CERTIFICATE"));
  }
  return body;
}

bool IsCa(X509* x) {
  int crit = 0;
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(x, NID_basic_constraints, &crit, nullptr)));
  ERR_clear_error();
  return bc != nullptr && bc->ca;
}

}  // namespace

absl::StatusOr<CertSummary> SummarizeCertificate(absl::string_view pem_or_der) {
  std::string der_storage;
  absl::string_view der = pem_or_der;
  if (pem_or_der.find("-----BEGIN") != absl::string_view::npos) {
    FABRIC_ASSIGN_OR_RETURN(der_storage, PemBody(pem_or_der));
    der = der_storage;
  }
  FABRIC_ASSIGN_OR_RETURN(bssl::UniquePtr<X509> x, ParseDer(der));

  CertSummary s;
  FABRIC_ASSIGN_OR_RETURN(std::vector<Attribute> subject,
                          NameAttributes(X509_get_subject_name(x.get())));
  FABRIC_ASSIGN_OR_RETURN(std::vector<Attribute> issuer,
                          NameAttributes(X509_get_issuer_name(x.get())));
  s.subject = GoNameString(subject);
  s.issuer = GoNameString(issuer);
  for (const Attribute& a : subject) {
    if (a.nid == NID_organizationalUnitName) s.subject_ous.push_back(a.value);
  }
  s.serial_number = SerialDecimal(X509_get_serialNumber(x.get()));
  FABRIC_ASSIGN_OR_RETURN(s.not_before, Rfc3339(X509_get0_notBefore(x.get())));
  FABRIC_ASSIGN_OR_RETURN(s.not_after, Rfc3339(X509_get0_notAfter(x.get())));
  s.is_ca = IsCa(x.get());
  s.subject_key_id = Hex(X509_get0_subject_key_id(x.get()));
  s.authority_key_id = Hex(X509_get0_authority_key_id(x.get()));
  DescribePublicKey(x.get(), &s);
  s.signature_algorithm = SignatureAlgorithmName(X509_get_signature_nid(x.get()));
  ERR_clear_error();
  return s;
}

}  // namespace fabric::identity
