#include "lib/testnet/cryptogen.h"

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/rand.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/identity/ecdsa.h"
#include "lib/identity/pem.h"

namespace fabric::testnet {
namespace {

namespace fs = std::filesystem;

// Object identifiers, DER contents (without tag and length).
constexpr uint8_t kOidCountry[] = {0x55, 0x04, 0x06};
constexpr uint8_t kOidProvince[] = {0x55, 0x04, 0x08};
constexpr uint8_t kOidLocality[] = {0x55, 0x04, 0x07};
constexpr uint8_t kOidOrganization[] = {0x55, 0x04, 0x0a};
constexpr uint8_t kOidOrgUnit[] = {0x55, 0x04, 0x0b};
constexpr uint8_t kOidCommonName[] = {0x55, 0x04, 0x03};
constexpr uint8_t kOidEcdsaWithSha256[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr uint8_t kOidKeyUsage[] = {0x55, 0x1d, 0x0f};
constexpr uint8_t kOidExtKeyUsage[] = {0x55, 0x1d, 0x25};
constexpr uint8_t kOidBasicConstraints[] = {0x55, 0x1d, 0x13};
constexpr uint8_t kOidSubjectKeyId[] = {0x55, 0x1d, 0x0e};
constexpr uint8_t kOidAuthorityKeyId[] = {0x55, 0x1d, 0x23};
constexpr uint8_t kOidClientAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02};
constexpr uint8_t kOidServerAuth[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01};

// X.509 KeyUsage bits, numbered as in RFC 5280 (bit 0 is the most significant).
constexpr int kDigitalSignature = 0;
constexpr int kKeyEncipherment = 2;
constexpr int kCertSign = 5;
constexpr int kCrlSign = 6;

// Kinds of identity, each with its NodeOU.
enum class Role { kClient, kPeer, kAdmin, kOrderer };

const char* OuOf(Role role) {
  switch (role) {
    case Role::kClient:
      return "client";
    case Role::kPeer:
      return "peer";
    case Role::kAdmin:
      return "admin";
    case Role::kOrderer:
      return "orderer";
  }
  return "";
}

// The subject fields cryptogen sets, in the order Go's pkix.Name writes them.
struct Name {
  std::string organization;         // empty: absent
  std::string organizational_unit;  // empty: absent
  std::string common_name;
};

struct CertificateSpec {
  Name subject;
  bool is_ca = false;
  std::vector<int> key_usage;  // bit numbers
  std::string subject_key_id;  // empty: no SKI extension
  std::string authority_key_id;
};

// A CA: its key, certificate, subject and SKI, to issue from.
struct Issuer {
  bssl::UniquePtr<EC_KEY> key;
  std::string cert_der;
  Name subject;
  std::string subject_key_id;
};

absl::Status CryptoError(absl::string_view what) {
  uint32_t code = ERR_get_error();
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat(what, ": ", buf));
}

// Go's asn1 PrintableString alphabet (no '*' or '&', which pkix names do not allow).
bool IsPrintable(absl::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              absl::string_view(" '()+,-./:=?").find(c) != absl::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool AddOid(CBB* cbb, const uint8_t* oid, size_t len) {
  CBB child;
  return CBB_add_asn1(cbb, &child, CBS_ASN1_OBJECT) && CBB_add_bytes(&child, oid, len) &&
         CBB_flush(cbb);
}

template <size_t N>
bool AddOid(CBB* cbb, const uint8_t (&oid)[N]) {
  return AddOid(cbb, oid, N);
}

bool AddElement(CBB* cbb, unsigned tag, absl::string_view body) {
  CBB child;
  return CBB_add_asn1(cbb, &child, tag) &&
         CBB_add_bytes(&child, reinterpret_cast<const uint8_t*>(body.data()), body.size()) &&
         CBB_flush(cbb);
}

// One RelativeDistinguishedName: SET { SEQUENCE { type, value } }, the value a
// PrintableString when it can be one, else a UTF8String (as Go chooses).
template <size_t N>
bool AddAttribute(CBB* name, const uint8_t (&oid)[N], absl::string_view value) {
  CBB set, seq;
  return CBB_add_asn1(name, &set, CBS_ASN1_SET) && CBB_add_asn1(&set, &seq, CBS_ASN1_SEQUENCE) &&
         AddOid(&seq, oid) &&
         AddElement(&seq, IsPrintable(value) ? CBS_ASN1_PRINTABLESTRING : CBS_ASN1_UTF8STRING,
                    value) &&
         CBB_flush(name);
}

bool AddName(CBB* cbb, const Name& n) {
  CBB name;
  if (!CBB_add_asn1(cbb, &name, CBS_ASN1_SEQUENCE) || !AddAttribute(&name, kOidCountry, "US") ||
      !AddAttribute(&name, kOidProvince, "California") ||
      !AddAttribute(&name, kOidLocality, "San Francisco")) {
    return false;
  }
  if (!n.organization.empty() && !AddAttribute(&name, kOidOrganization, n.organization)) {
    return false;
  }
  if (!n.organizational_unit.empty() && !AddAttribute(&name, kOidOrgUnit, n.organizational_unit)) {
    return false;
  }
  return AddAttribute(&name, kOidCommonName, n.common_name) && CBB_flush(cbb);
}

// UTCTime through 2049, GeneralizedTime after, as RFC 5280 and Go's crypto/x509 do.
bool AddTime(CBB* cbb, absl::Time t) {
  absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (c.year() >= 1950 && c.year() < 2050) {
    return AddElement(cbb, CBS_ASN1_UTCTIME,
                      absl::FormatTime("%y%m%d%H%M%SZ", t, absl::UTCTimeZone()));
  }
  return AddElement(cbb, CBS_ASN1_GENERALIZEDTIME,
                    absl::FormatTime("%Y%m%d%H%M%SZ", t, absl::UTCTimeZone()));
}

// A positive random serial number below 2^128, as cryptogen draws it.
bool AddRandomSerial(CBB* cbb) {
  uint8_t bytes[16];
  bssl::UniquePtr<BIGNUM> serial(BN_new());
  if (serial == nullptr) return false;
  do {
    RAND_bytes(bytes, sizeof(bytes));
    if (BN_bin2bn(bytes, sizeof(bytes), serial.get()) == nullptr) return false;
  } while (BN_is_zero(serial.get()));
  return BN_marshal_asn1(cbb, serial.get());
}

// The KeyUsage BIT STRING body: bits in order, trailing zero bits not counted.
std::string KeyUsageBits(const std::vector<int>& bits) {
  uint16_t value = 0;  // bit 0 is the MSB of the first byte
  for (int b : bits) value |= static_cast<uint16_t>(0x8000 >> b);
  std::string out;
  uint8_t hi = value >> 8, lo = value & 0xff;
  uint8_t last = lo != 0 ? lo : hi;
  int unused = 0;
  while (unused < 8 && last != 0 && (last & (1 << unused)) == 0) ++unused;
  out.push_back(static_cast<char>(unused));
  out.push_back(static_cast<char>(hi));
  if (lo != 0) out.push_back(static_cast<char>(lo));
  return out;
}

// Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING },
// `value` writing the DER inside extnValue.
template <size_t N, typename F>
bool AddExtension(CBB* exts, const uint8_t (&oid)[N], bool critical, F value) {
  CBB ext, octets;
  return CBB_add_asn1(exts, &ext, CBS_ASN1_SEQUENCE) && AddOid(&ext, oid) &&
         (!critical || CBB_add_asn1_bool(&ext, 1)) &&
         CBB_add_asn1(&ext, &octets, CBS_ASN1_OCTETSTRING) && value(&octets) && CBB_flush(exts);
}

// The [3] extensions, in the order Go writes them: KeyUsage, ExtKeyUsage (CAs only:
// cryptogen's CAs may authenticate TLS clients and servers), BasicConstraints,
// SubjectKeyId, AuthorityKeyId.
bool AddExtensions(CBB* tbs, const CertificateSpec& spec) {
  CBB wrapper, exts;
  if (!CBB_add_asn1(tbs, &wrapper, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 3) ||
      !CBB_add_asn1(&wrapper, &exts, CBS_ASN1_SEQUENCE)) {
    return false;
  }
  auto key_usage = [&](CBB* c) {
    return AddElement(c, CBS_ASN1_BITSTRING, KeyUsageBits(spec.key_usage));
  };
  auto ext_key_usage = [](CBB* c) {
    CBB seq;
    return CBB_add_asn1(c, &seq, CBS_ASN1_SEQUENCE) && AddOid(&seq, kOidClientAuth) &&
           AddOid(&seq, kOidServerAuth) && CBB_flush(c);
  };
  auto basic_constraints = [&](CBB* c) {
    CBB seq;
    return CBB_add_asn1(c, &seq, CBS_ASN1_SEQUENCE) &&
           (!spec.is_ca || CBB_add_asn1_bool(&seq, 1)) && CBB_flush(c);
  };
  auto ski = [&](CBB* c) { return AddElement(c, CBS_ASN1_OCTETSTRING, spec.subject_key_id); };
  auto aki = [&](CBB* c) {
    CBB seq;
    return CBB_add_asn1(c, &seq, CBS_ASN1_SEQUENCE) &&
           AddElement(&seq, CBS_ASN1_CONTEXT_SPECIFIC | 0, spec.authority_key_id) && CBB_flush(c);
  };
  return AddExtension(&exts, kOidKeyUsage, true, key_usage) &&
         (!spec.is_ca || AddExtension(&exts, kOidExtKeyUsage, false, ext_key_usage)) &&
         AddExtension(&exts, kOidBasicConstraints, true, basic_constraints) &&
         (spec.subject_key_id.empty() || AddExtension(&exts, kOidSubjectKeyId, false, ski)) &&
         (spec.authority_key_id.empty() || AddExtension(&exts, kOidAuthorityKeyId, false, aki)) &&
         CBB_flush(tbs);
}

// `build` run on a fresh CBB; the bytes it wrote.
template <typename F>
absl::StatusOr<std::string> Der(F build) {
  bssl::ScopedCBB cbb;
  uint8_t* data = nullptr;
  size_t len = 0;
  if (!CBB_init(cbb.get(), 512) || !build(cbb.get()) || !CBB_finish(cbb.get(), &data, &len)) {
    return absl::InternalError("cannot encode a certificate");
  }
  bssl::UniquePtr<uint8_t> owned(data);
  return std::string(reinterpret_cast<const char*>(data), len);
}

// A certificate for `subject_key` as `spec` says, issued by `issuer_name` with
// `issuer_key`: DER, signed with ECDSA-SHA256, low-S.
absl::StatusOr<std::string> MakeCertificate(const CertificateSpec& spec, const Name& issuer_name,
                                            const EC_KEY* subject_key, const EC_KEY* issuer_key) {
  bssl::UniquePtr<EVP_PKEY> pub(EVP_PKEY_new());
  if (pub == nullptr || !EVP_PKEY_set1_EC_KEY(pub.get(), const_cast<EC_KEY*>(subject_key))) {
    return CryptoError("public key");
  }
  // Valid from an hour ago (clock skew between the hosts of a demo network) for ten years.
  absl::Time not_before =
      absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()) / 60 * 60) - absl::Hours(1);
  absl::Time not_after = not_before + absl::Hours(3650 * 24);
  FABRIC_ASSIGN_OR_RETURN(
      std::string tbs, Der([&](CBB* c) {
        CBB tbs, version, alg, validity;
        return CBB_add_asn1(c, &tbs, CBS_ASN1_SEQUENCE) &&
               CBB_add_asn1(&tbs, &version, CBS_ASN1_CONTEXT_SPECIFIC | CBS_ASN1_CONSTRUCTED | 0) &&
               CBB_add_asn1_uint64(&version, 2) && AddRandomSerial(&tbs) &&
               CBB_add_asn1(&tbs, &alg, CBS_ASN1_SEQUENCE) && AddOid(&alg, kOidEcdsaWithSha256) &&
               AddName(&tbs, issuer_name) && CBB_add_asn1(&tbs, &validity, CBS_ASN1_SEQUENCE) &&
               AddTime(&validity, not_before) && AddTime(&validity, not_after) &&
               AddName(&tbs, spec.subject) && EVP_marshal_public_key(&tbs, pub.get()) &&
               AddExtensions(&tbs, spec) && CBB_flush(c);
      }));
  FABRIC_ASSIGN_OR_RETURN(std::string signature, identity::SignEcdsaSha256(issuer_key, tbs));
  return Der([&](CBB* c) {
    CBB cert, alg;
    return CBB_add_asn1(c, &cert, CBS_ASN1_SEQUENCE) &&
           CBB_add_bytes(&cert, reinterpret_cast<const uint8_t*>(tbs.data()), tbs.size()) &&
           CBB_add_asn1(&cert, &alg, CBS_ASN1_SEQUENCE) && AddOid(&alg, kOidEcdsaWithSha256) &&
           AddElement(&cert, CBS_ASN1_BITSTRING, std::string(1, '\0') + signature) && CBB_flush(c);
  });
}

absl::StatusOr<bssl::UniquePtr<EC_KEY>> NewP256Key() {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  if (key == nullptr || !EC_KEY_generate_key(key.get())) return CryptoError("P-256 key");
  return key;
}

// RFC 7093 method 4, as cryptogen computes its CA's SKI: SHA-256 of the public point.
absl::StatusOr<std::string> SubjectKeyId(const EC_KEY* key) {
  uint8_t* point = nullptr;
  size_t len = EC_KEY_key2buf(key, POINT_CONVERSION_UNCOMPRESSED, &point, nullptr);
  if (len == 0) return CryptoError("public point");
  bssl::UniquePtr<uint8_t> owned(point);
  return Sha256(absl::string_view(reinterpret_cast<const char*>(point), len));
}

absl::StatusOr<std::string> PrivateKeyPem(const EC_KEY* key) {
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_PKEY_new());
  if (pkey == nullptr || !EVP_PKEY_set1_EC_KEY(pkey.get(), const_cast<EC_KEY*>(key))) {
    return CryptoError("private key");
  }
  FABRIC_ASSIGN_OR_RETURN(std::string der,
                          Der([&](CBB* c) { return EVP_marshal_private_key(c, pkey.get()) == 1; }));
  std::string pem = identity::PemEncode("PRIVATE KEY", der);
  OPENSSL_cleanse(der.data(), der.size());
  return pem;
}

absl::Status MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(absl::StrCat("cannot create ", dir.string(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

// Writes `bytes` to `path`; a `secret` file is made readable by its owner only before
// anything is written to it.
absl::Status WriteFile(const fs::path& path, absl::string_view bytes, bool secret = false) {
  FABRIC_RETURN_IF_ERROR(MakeDirs(path.parent_path()));
  const absl::Status failed = absl::InternalError(absl::StrCat("cannot write ", path.string()));
  if (secret) {
    if (!std::ofstream(path, std::ios::binary | std::ios::trunc)) return failed;
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    ec);
    if (ec) return failed;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  return out ? absl::OkStatus() : failed;
}

std::string CertFileName(const std::string& name) { return name + "-cert.pem"; }

// config.yaml as cryptogen writes it (yaml.v2 marshaling of msp.Configuration).
std::string NodeOuConfig(const std::string& ca_file) {
  std::string out = "NodeOUs:\n  Enable: true\n";
  static constexpr const char* kOus[][2] = {{"ClientOUIdentifier", "client"},
                                            {"PeerOUIdentifier", "peer"},
                                            {"AdminOUIdentifier", "admin"},
                                            {"OrdererOUIdentifier", "orderer"}};
  for (const auto& ou : kOus) {
    absl::StrAppend(&out, "  ", ou[0], ":\n    Certificate: ", ca_file,
                    "\n    OrganizationalUnitIdentifier: ", ou[1], "\n");
  }
  return out;
}

// What every msp/ directory holds: the CA in cacerts/ and tlscacerts/, config.yaml, and
// an empty admincerts/ (admins are told by their OU).
absl::Status WriteVerifyingMsp(const fs::path& msp_dir, const Issuer& ca) {
  const std::string ca_file = CertFileName(ca.subject.common_name);
  const std::string ca_pem = identity::PemEncode("CERTIFICATE", ca.cert_der);
  FABRIC_RETURN_IF_ERROR(MakeDirs(msp_dir / "admincerts"));
  FABRIC_RETURN_IF_ERROR(WriteFile(msp_dir / "cacerts" / ca_file, ca_pem));
  FABRIC_RETURN_IF_ERROR(WriteFile(msp_dir / "tlscacerts" / ca_file, ca_pem));
  return WriteFile(msp_dir / "config.yaml", NodeOuConfig("cacerts/" + ca_file));
}

absl::StatusOr<Issuer> MakeCa(const OrgSpec& spec, const fs::path& ca_dir) {
  Issuer ca;
  FABRIC_ASSIGN_OR_RETURN(ca.key, NewP256Key());
  FABRIC_ASSIGN_OR_RETURN(ca.subject_key_id, SubjectKeyId(ca.key.get()));
  ca.subject = Name{spec.domain, "", "ca." + spec.domain};
  CertificateSpec cert;
  cert.subject = ca.subject;
  cert.is_ca = true;
  cert.key_usage = {kDigitalSignature, kKeyEncipherment, kCertSign, kCrlSign};
  cert.subject_key_id = ca.subject_key_id;
  FABRIC_ASSIGN_OR_RETURN(ca.cert_der,
                          MakeCertificate(cert, ca.subject, ca.key.get(), ca.key.get()));
  FABRIC_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(ca.key.get()));
  FABRIC_RETURN_IF_ERROR(WriteFile(ca_dir / CertFileName(ca.subject.common_name),
                                   identity::PemEncode("CERTIFICATE", ca.cert_der)));
  FABRIC_RETURN_IF_ERROR(WriteFile(ca_dir / "priv_sk", key_pem, /*secret=*/true));
  return ca;
}

// One member's local MSP at `msp_dir`: its key, its certificate named `name` with the
// OU of `role`, and the org's verifying material.
absl::Status MakeMember(const Issuer& ca, const fs::path& msp_dir, const std::string& name,
                        Role role) {
  FABRIC_ASSIGN_OR_RETURN(bssl::UniquePtr<EC_KEY> key, NewP256Key());
  CertificateSpec cert;
  cert.subject = Name{"", OuOf(role), name};
  cert.key_usage = {kDigitalSignature};
  cert.authority_key_id = ca.subject_key_id;
  FABRIC_ASSIGN_OR_RETURN(std::string der,
                          MakeCertificate(cert, ca.subject, key.get(), ca.key.get()));
  FABRIC_ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(key.get()));
  FABRIC_RETURN_IF_ERROR(WriteFile(msp_dir / "keystore" / "priv_sk", key_pem, /*secret=*/true));
  FABRIC_RETURN_IF_ERROR(WriteFile(msp_dir / "signcerts" / CertFileName(name),
                                   identity::PemEncode("CERTIFICATE", der)));
  return WriteVerifyingMsp(msp_dir, ca);
}

absl::Status CheckSpec(const OrgSpec& spec) {
  if (spec.domain.empty() || spec.domain == "." || spec.domain == ".." ||
      spec.domain.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("bad org domain \"", spec.domain, "\""));
  }
  if (spec.mspid.empty()) return absl::InvalidArgumentError("org spec without an MSP id");
  if (spec.peers < 0 || spec.users < 0) {
    return absl::InvalidArgumentError("negative peer or user count");
  }
  return absl::OkStatus();
}

bool IsUser(const std::string& identity) {
  return identity == "Admin" || identity.rfind("User", 0) == 0;
}

// "Admin" -> "Admin@<domain>", "peer0" -> "peer0.<domain>".
std::string MemberName(const OrgSpec& spec, const std::string& identity) {
  if (IsUser(identity)) {
    return absl::StrCat(identity, "@", spec.domain);
  }
  return absl::StrCat(identity, ".", spec.domain);
}

}  // namespace

std::string OrgDir(const OrgSpec& spec, const std::string& root) {
  return (fs::path(root) / (spec.orderer_org ? "ordererOrganizations" : "peerOrganizations") /
          spec.domain)
      .string();
}

std::string IdentityMspDir(const OrgSpec& spec, const std::string& root,
                           const std::string& identity) {
  const char* kind = IsUser(identity) ? "users" : (spec.orderer_org ? "orderers" : "peers");
  return (fs::path(OrgDir(spec, root)) / kind / MemberName(spec, identity) / "msp").string();
}

absl::Status GenerateOrg(const OrgSpec& spec, const std::string& root) {
  FABRIC_RETURN_IF_ERROR(CheckSpec(spec));
  const fs::path org_dir = OrgDir(spec, root);
  // Material left from an earlier run would be issued by another CA: start afresh.
  std::error_code ec;
  fs::remove_all(org_dir, ec);
  if (ec) return absl::InternalError(absl::StrCat("cannot clear ", org_dir.string()));

  FABRIC_ASSIGN_OR_RETURN(Issuer ca, MakeCa(spec, org_dir / "ca"));
  FABRIC_RETURN_IF_ERROR(WriteVerifyingMsp(org_dir / "msp", ca));
  auto member = [&](const std::string& id, Role role) {
    return MakeMember(ca, IdentityMspDir(spec, root, id), MemberName(spec, id), role);
  };
  for (int i = 0; i < spec.peers; ++i) {
    FABRIC_RETURN_IF_ERROR(spec.orderer_org ? member(absl::StrCat("orderer", i), Role::kOrderer)
                                            : member(absl::StrCat("peer", i), Role::kPeer));
  }
  for (int i = 1; i <= spec.users; ++i) {
    FABRIC_RETURN_IF_ERROR(member(absl::StrCat("User", i), Role::kClient));
  }
  return member("Admin", Role::kAdmin);
}

}  // namespace fabric::testnet
