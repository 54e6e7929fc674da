#include "lib/identity/x509_summary.h"

#include <openssl/asn1.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/testing/testdata.h"

namespace fabric::identity {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kOrg1[] = "tests/vectors/conformance/msp/peerOrganizations/org1.example.com/";

std::string ReadFile(const std::string& path) {
  auto bytes = fabric::testing::ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

std::string PeerCertPem() {
  return ReadFile(std::string(kOrg1) +
                  "peers/peer0.org1.example.com/msp/signcerts/peer0.org1.example.com-cert.pem");
}

std::string CaCertPem() { return ReadFile(std::string(kOrg1) + "ca/ca.org1.example.com-cert.pem"); }

// The DER inside a one-block PEM file.
std::string PemToDer(const std::string& pem) {
  std::string b64;
  for (absl::string_view line : absl::StrSplit(pem, '\n')) {
    if (!absl::StartsWith(line, "-----")) b64.append(line.data(), line.size());
  }
  std::string der;
  EXPECT_TRUE(absl::Base64Unescape(b64, &der));
  return der;
}

TEST(SummarizeCertificateTest, PeerCertificate) {
  absl::StatusOr<CertSummary> s = SummarizeCertificate(PeerCertPem());
  ASSERT_TRUE(s.ok()) << s.status();
  // Go prints the common name first and the country last.
  EXPECT_TRUE(absl::StartsWith(s->subject, "CN=peer0.org1.example.com,")) << s->subject;
  EXPECT_TRUE(absl::EndsWith(s->subject, ",C=US")) << s->subject;
  EXPECT_THAT(s->subject_ous, Contains("peer"));
  EXPECT_THAT(s->subject, HasSubstr("OU=peer"));
  EXPECT_FALSE(s->is_ca);
  EXPECT_EQ(s->public_key_algorithm, "ECDSA");
  EXPECT_EQ(s->public_key_curve, "P-256");
  EXPECT_EQ(s->signature_algorithm, "ECDSA-SHA256");
  EXPECT_FALSE(s->serial_number.empty());
  EXPECT_EQ(s->serial_number.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(s->not_before.size(), 20u) << s->not_before;
  EXPECT_LT(s->not_before, s->not_after);
}

TEST(SummarizeCertificateTest, CaCertificateIsSelfIssuedCa) {
  absl::StatusOr<CertSummary> ca = SummarizeCertificate(CaCertPem());
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_TRUE(ca->is_ca);
  EXPECT_EQ(ca->subject, ca->issuer);
  EXPECT_FALSE(ca->subject_key_id.empty());
}

TEST(SummarizeCertificateTest, PeerIsIssuedByTheCa) {
  absl::StatusOr<CertSummary> peer = SummarizeCertificate(PeerCertPem());
  absl::StatusOr<CertSummary> ca = SummarizeCertificate(CaCertPem());
  ASSERT_TRUE(peer.ok() && ca.ok());
  EXPECT_EQ(peer->issuer, ca->subject);
  EXPECT_EQ(peer->authority_key_id, ca->subject_key_id);
}

TEST(SummarizeCertificateTest, DerGivesTheSameSummaryAsPem) {
  std::string pem = PeerCertPem();
  absl::StatusOr<CertSummary> from_pem = SummarizeCertificate(pem);
  absl::StatusOr<CertSummary> from_der = SummarizeCertificate(PemToDer(pem));
  ASSERT_TRUE(from_pem.ok() && from_der.ok()) << from_der.status();
  EXPECT_EQ(from_pem->subject, from_der->subject);
  EXPECT_EQ(from_pem->serial_number, from_der->serial_number);
  EXPECT_EQ(from_pem->not_after, from_der->not_after);
}

TEST(SummarizeCertificateTest, TextAroundThePemBlockIsIgnored) {
  absl::StatusOr<CertSummary> s = SummarizeCertificate("subject=...\n" + PeerCertPem() + "tail");
  EXPECT_TRUE(s.ok()) << s.status();
}

void ExpectInvalid(absl::string_view input, absl::string_view message_part) {
  absl::StatusOr<CertSummary> s = SummarizeCertificate(input);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr(std::string(message_part)));
}

TEST(SummarizeCertificateTest, MalformedInputIsInvalidArgument) {
  ExpectInvalid("", "empty");
  ExpectInvalid("definitely not a certificate", "not a DER X.509 certificate");
  std::string der = PemToDer(PeerCertPem());
  ExpectInvalid(der.substr(0, der.size() / 2), "not a DER X.509 certificate");
  ExpectInvalid(der + "x", "trailing");
  ExpectInvalid("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "PEM");
}

TEST(SummarizeCertificateTest, OtherPemBlocksAreNotCertificates) {
  ExpectInvalid(ReadFile("tests/vectors/conformance/config_update_org1_crl.pem"), "X509 CRL");
}

TEST(SummarizeCertificateTest, CorruptedDerNeverCrashes) {
  std::string der = PemToDer(PeerCertPem());
  for (size_t i = 0; i < der.size(); ++i) {
    (void)SummarizeCertificate(der.substr(0, i));
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string bad = der;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      (void)SummarizeCertificate(bad);
    }
  }
}

// ---- Names, against Go's pkix.Name.String() rules, on certificates made here ----

struct NameEntry {
  int nid;
  const char* value;
  bool same_rdn_as_previous = false;
};

// A self-signed P-256 certificate with the given subject, serial 42, valid from the
// Unix epoch to 2050-01-01, as DER.
std::string MakeCertificate(std::initializer_list<NameEntry> subject, bool ca) {
  bssl::UniquePtr<EC_KEY> ec(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  EXPECT_TRUE(ec && EC_KEY_generate_key(ec.get()));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  EXPECT_TRUE(EVP_PKEY_assign_EC_KEY(key.get(), ec.release()));

  bssl::UniquePtr<X509> x(X509_new());
  EXPECT_TRUE(X509_set_version(x.get(), X509_VERSION_3));
  EXPECT_TRUE(ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 42));
  EXPECT_TRUE(ASN1_TIME_set(X509_getm_notBefore(x.get()), 0));
  EXPECT_TRUE(ASN1_TIME_set(X509_getm_notAfter(x.get()), 2524608000));  // 2050-01-01
  X509_NAME* name = X509_get_subject_name(x.get());
  for (const NameEntry& e : subject) {
    EXPECT_TRUE(X509_NAME_add_entry_by_NID(name, e.nid, MBSTRING_UTF8,
                                           reinterpret_cast<const uint8_t*>(e.value), -1, -1,
                                           e.same_rdn_as_previous ? -1 : 0));
  }
  EXPECT_TRUE(X509_set_issuer_name(x.get(), name));
  EXPECT_TRUE(X509_set_pubkey(x.get(), key.get()));
  if (ca) {
    bssl::UniquePtr<BASIC_CONSTRAINTS> bc(BASIC_CONSTRAINTS_new());
    bc->ca = 0xff;
    EXPECT_TRUE(X509_add1_ext_i2d(x.get(), NID_basic_constraints, bc.get(), 1, 0));
  }
  EXPECT_TRUE(X509_sign(x.get(), key.get(), EVP_sha256()));
  uint8_t* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  EXPECT_GT(len, 0);
  std::string out(reinterpret_cast<const char*>(der), len);
  OPENSSL_free(der);
  return out;
}

TEST(GoNameTest, StandardAttributesInGoOrderOthersLast) {
  // DER order: email, C, O, OU, CN, OU. Go groups the OUs and prints
  // CN, OU, O, C, then attributes it has no field for, as OID=#hex(DER).
  std::string der = MakeCertificate({{NID_pkcs9_emailAddress, "foo@bar"},
                                     {NID_countryName, "US"},
                                     {NID_organizationName, "Org"},
                                     {NID_organizationalUnitName, "a"},
                                     {NID_commonName, "x"},
                                     {NID_organizationalUnitName, "b"}},
                                    /*ca=*/false);
  absl::StatusOr<CertSummary> s = SummarizeCertificate(der);
  ASSERT_TRUE(s.ok()) << s.status();
  // "foo@bar" is not a PrintableString ('@'): re-encoded as UTF8String (tag 0x0c).
  EXPECT_EQ(s->subject, "CN=x,OU=a+OU=b,O=Org,C=US,1.2.840.113549.1.9.1=#0c07666f6f40626172");
  EXPECT_EQ(s->issuer, s->subject);
  EXPECT_EQ(s->subject_ous, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s->serial_number, "42");
  EXPECT_EQ(s->not_before, "1970-01-01T00:00:00Z");
  EXPECT_EQ(s->not_after, "2050-01-01T00:00:00Z");
  EXPECT_FALSE(s->is_ca);
  EXPECT_EQ(s->subject_key_id, "");
}

TEST(GoNameTest, EscapesLikeGo) {
  std::string der = MakeCertificate({{NID_organizationName, " #lead"},
                                     {NID_organizationalUnitName, "#x "},
                                     {NID_commonName, "a,b+c\"d\\e<f>g;h #i"}},
                                    /*ca=*/true);
  absl::StatusOr<CertSummary> s = SummarizeCertificate(der);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->subject, "CN=a\\,b\\+c\\\"d\\\\e\\<f\\>g\\;h #i,OU=\\#x\\ ,O=\\ #lead");
  EXPECT_TRUE(s->is_ca);
}

TEST(GoNameTest, LastCommonNameWinsAndMultiValuedRdnsFlatten) {
  std::string der = MakeCertificate({{NID_commonName, "first"},
                                     {NID_countryName, "US"},
                                     {NID_countryName, "CA", /*same_rdn_as_previous=*/true},
                                     {NID_commonName, "second"}},
                                    /*ca=*/false);
  absl::StatusOr<CertSummary> s = SummarizeCertificate(der);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->subject, ::testing::AnyOf("CN=second,C=US+C=CA", "CN=second,C=CA+C=US"));
}

}  // namespace
}  // namespace fabric::identity
