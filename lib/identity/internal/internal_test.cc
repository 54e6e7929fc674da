// The Go-compatible pieces under the MSP: PEM, DER times, certificate parsing, the cache.
#include <openssl/bytestring.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/internal/chain.h"
#include "lib/identity/internal/der.h"
#include "lib/base/lru_cache.h"
#include "lib/identity/pem.h"
#include "lib/testing/testdata.h"

namespace fabric::identity::internal {
namespace {

std::string Read(const std::string& relative) {
  absl::StatusOr<std::string> b =
      fabric::testing::ReadFile(fabric::testing::ConformanceDir() + "/" + relative);
  EXPECT_TRUE(b.ok()) << b.status();
  return b.ok() ? *b : "";
}

const char kOrg1Ca[] = "msp/peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem";
const char kOrg1Peer[] =
    "msp/peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp/signcerts/"
    "peer0.org1.example.com-cert.pem";

// ---- PEM ----

TEST(PemTest, DecodesLikeGo) {
  std::string pem = PemEncode("CERTIFICATE", "hello world");
  EXPECT_EQ(pem, "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n");
  std::optional<PemBlock> b = PemDecode(pem);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "CERTIFICATE");
  EXPECT_EQ(b->bytes, "hello world");
  EXPECT_TRUE(b->rest.empty());

  // Text before and after, CRLF line ends, headers, spaces inside the base64.
  b = PemDecode(
      "junk\r\n-----BEGIN X-----\r\nProc-Type: 4\r\n\r\naGVs bG8g\r\nd29y\tbGQ=\r\n"
      "-----END X-----\r\ntrailer");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "X");
  EXPECT_EQ(b->bytes, "hello world");
  EXPECT_EQ(b->rest, "trailer");

  // A broken block is skipped and the next one taken.
  b = PemDecode("-----BEGIN A-----\n!!!!\n-----END A-----\n" + PemEncode("B", "ok"));
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->type, "B");
  EXPECT_EQ(b->bytes, "ok");

  EXPECT_FALSE(PemDecode("").has_value());
  EXPECT_FALSE(PemDecode("no pem at all").has_value());
  EXPECT_FALSE(PemDecode("-----BEGIN A-----\naGVsbG8=\n").has_value());  // no END
  EXPECT_FALSE(PemDecode("-----BEGIN A-----\naGVsbG8=\n-----END B-----\n").has_value());
  EXPECT_FALSE(PemDecode("-----BEGIN A-----\naGVsbG8\n-----END A-----\n").has_value());  // padding
  EXPECT_FALSE(PemDecode("-----BEGIN A-----\naGVsbG8=x\n-----END A-----\n").has_value());
  EXPECT_FALSE(PemDecode("-----BEGIN A-----\naGVsbG8=\n-----END A----- x\n").has_value());
}

// ---- Times ----

absl::StatusOr<absl::Time> Time(unsigned tag, const std::string& text) {
  std::string der = std::string(1, static_cast<char>(tag)) + static_cast<char>(text.size()) + text;
  CBS cbs;
  CBS_init(&cbs, reinterpret_cast<const uint8_t*>(der.data()), der.size());
  return ReadTime(&cbs);
}

TEST(DerTest, TimesAsGoReadsThem) {
  const unsigned kUtc = CBS_ASN1_UTCTIME, kGen = CBS_ASN1_GENERALIZEDTIME;
  absl::Time t0 = absl::FromUnixSeconds(1795470900);  // 2026-11-23T21:55:00Z
  EXPECT_EQ(*Time(kUtc, "261123215500Z"), t0);
  EXPECT_EQ(*Time(kUtc, "2611232155Z"), t0);
  EXPECT_EQ(*Time(kUtc, "261123225500+0100"), t0);
  EXPECT_EQ(*Time(kGen, "20261123215500Z"), t0);
  EXPECT_EQ(*Time(kGen, "20261123215500.5Z"), t0 + absl::Milliseconds(500));
  EXPECT_EQ(*Time(kUtc, "500101000000Z"), absl::FromUnixSeconds(-631152000));  // 1950
  for (const char* bad : {"261123215500", "261123215500+0000", "261323215500Z", "260230215500Z",
                          "261123245500Z", "261123215560Z", "26112321550Z"}) {
    EXPECT_FALSE(Time(kUtc, bad).ok()) << bad;
  }
  EXPECT_FALSE(Time(kGen, "20261123215500.50Z").ok());
  EXPECT_FALSE(Time(kGen, "20261123215500.Z").ok());
  EXPECT_FALSE(Time(CBS_ASN1_OCTETSTRING, "20261123215500Z").ok());
}

TEST(DerTest, RightAlign) {
  EXPECT_EQ(RightAlign(std::string("\x00\xab\xcd", 3)), "\xab\xcd");
  EXPECT_EQ(RightAlign(std::string("\x04\xab\xc0", 3)), std::string("\x0a\xbc", 2));
}

// ---- Certificates and chains ----

TEST(CertificateTest, ParsesCryptogenCertificates) {
  std::optional<PemBlock> ca_pem = PemDecode(Read(kOrg1Ca));
  std::optional<PemBlock> peer_pem = PemDecode(Read(kOrg1Peer));
  ASSERT_TRUE(ca_pem && peer_pem);
  absl::StatusOr<std::shared_ptr<const Certificate>> ca = ParseCertificate(ca_pem->bytes);
  absl::StatusOr<std::shared_ptr<const Certificate>> peer = ParseCertificate(peer_pem->bytes);
  ASSERT_TRUE(ca.ok() && peer.ok()) << ca.status() << peer.status();
  EXPECT_TRUE((*ca)->is_ca);
  EXPECT_FALSE((*peer)->is_ca);
  EXPECT_EQ((*peer)->subject_ous, std::vector<std::string>{"peer"});
  EXPECT_EQ((*peer)->authority_key_id, (*ca)->subject_key_id);
  EXPECT_EQ((*peer)->raw_issuer, (*ca)->raw_subject);
  EXPECT_TRUE((*peer)->IsEcdsaSigned());
  EXPECT_EQ((*peer)->key_type, KeyType::kEcdsa);
  EXPECT_TRUE(CheckSignatureFrom(**peer, **ca).ok());
  EXPECT_TRUE(CheckSignatureFrom(**ca, **ca).ok());
  // A leaf cannot sign certificates.
  EXPECT_FALSE(CheckSignatureFrom(**ca, **peer).ok());

  CertPool roots, none;
  roots.Add(*ca);
  roots.Add(*ca);  // added once
  absl::StatusOr<Chain> chain = UniqueValidationChain(**peer, roots, none);
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[1], ca->get());
  EXPECT_FALSE(UniqueValidationChain(**peer, none, none).ok());
  // Verified at one instant: outside the root's validity, no chain.
  EXPECT_FALSE(VerifyChains(**peer, roots, none, (*ca)->not_before - absl::Seconds(1)).ok());

  // Truncated, trailing, empty.
  const std::string& der = peer_pem->bytes;
  EXPECT_FALSE(ParseCertificate(der.substr(0, der.size() - 1)).ok());
  EXPECT_FALSE(ParseCertificate(der + std::string(1, '\0')).ok());
  EXPECT_FALSE(ParseCertificate("").ok());
  for (size_t i = 0; i < der.size(); i += 7) {
    std::string bad = der;
    bad[i] = static_cast<char>(bad[i] ^ 0x41);
    (void)ParseCertificate(bad);  // an answer, never a crash
  }
}

// ---- LRU cache ----

TEST(LruCacheTest, BoundedAndRecent) {
  LruCache<int> cache(3);
  cache.Put("a", 1);
  cache.Put("b", 2);
  cache.Put("c", 3);
  EXPECT_EQ(cache.Get("a"), 1);  // a is now the most recent
  cache.Put("d", 4);             // evicts b
  EXPECT_FALSE(cache.Get("b").has_value());
  EXPECT_EQ(cache.Get("a"), 1);
  EXPECT_EQ(cache.Get("c"), 3);
  EXPECT_EQ(cache.Get("d"), 4);
  cache.Put("d", 5);
  EXPECT_EQ(cache.Get("d"), 5);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(LruCacheTest, ConcurrentUseStaysBounded) {
  LruCache<std::string> cache(128);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = std::to_string((i * 7 + t) % 500);
        if (std::optional<std::string> v = cache.Get(key)) {
          EXPECT_EQ(*v, "v" + key);
        } else {
          cache.Put(key, "v" + key);
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_LE(cache.size(), 128u);
  EXPECT_GT(cache.size(), 0u);
}

}  // namespace
}  // namespace fabric::identity::internal
