// GenerateOrg: the layout and certificates match Fabric's cryptogen (compared with the
// Fabric-made conformance vectors where the output is deterministic), and the material
// works: MSPs read from the generated msp/ directories validate every generated
// identity with its NodeOU role, and the identities sign.
#include "lib/testnet/cryptogen.h"

#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"
#include "lib/identity/ecdsa.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/pem.h"
#include "lib/identity/msp.h"
#include "lib/identity/msp_dir.h"
#include "lib/identity/signing_identity.h"
#include "lib/identity/testing/fixtures.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/testing/testdata.h"
#include "lib/testing/temp_dir.h"

namespace fabric::testnet {
namespace {

namespace fs = std::filesystem;
using identity::Identity;
using identity::IsLowS;
using identity::Msp;
using identity::MspConfigFromDir;
using identity::PemBlock;
using identity::PemDecode;
using identity::SigningIdentity;
using identity::internal::Certificate;
using RoleType = common::MSPRole::MSPRoleType;

const OrgSpec kOrg1{"Org1", "org1.example.com", "Org1MSP", 2, 2, false};
const OrgSpec kOrg2{"Org2", "org2.example.com", "Org2MSP", 1, 1, false};
const OrgSpec kOrderer{"Orderer", "example.com", "OrdererMSP", 2, 0, true};

std::string TempRoot(const std::string& name) { return fabric::testing::FreshTempDir(name); }

// The network every test looks at, generated once.
const std::string& Root() {
  static const std::string* root = [] {
    auto* r = new std::string(TempRoot("crypto"));
    for (const OrgSpec& spec : {kOrg1, kOrg2, kOrderer}) {
      absl::Status st = GenerateOrg(spec, *r);
      EXPECT_TRUE(st.ok()) << spec.domain << ": " << st;
    }
    return r;
  }();
  return *root;
}

std::string Read(const fs::path& p) { return identity::testing::Read(p.string()); }

std::shared_ptr<const Certificate> CertFromPemFile(const fs::path& p) {
  std::optional<PemBlock> block = PemDecode(Read(p));
  EXPECT_TRUE(block.has_value()) << p;
  if (!block.has_value()) return nullptr;
  EXPECT_EQ(block->type, "CERTIFICATE");
  absl::StatusOr<std::shared_ptr<const Certificate>> cert =
      identity::internal::ParseCertificate(block->bytes);
  EXPECT_TRUE(cert.ok()) << p << ": " << cert.status();
  return cert.ok() ? *cert : nullptr;
}

std::unique_ptr<Msp> OrgMsp(const OrgSpec& spec, const std::string& root) {
  return identity::testing::MspOrFail(
      MspConfigFromDir(spec.mspid, (fs::path(OrgDir(spec, root)) / "msp").string()));
}

struct Member {
  std::string identity;  // "Admin", "User1", "peer0", ...
  RoleType role;
};

std::vector<Member> MembersOf(const OrgSpec& spec) {
  std::vector<Member> out;
  for (int i = 0; i < spec.peers; ++i) {
    out.push_back({absl::StrCat(spec.orderer_org ? "orderer" : "peer", i),
                   spec.orderer_org ? common::MSPRole::ORDERER : common::MSPRole::PEER});
  }
  for (int i = 1; i <= spec.users; ++i) {
    out.push_back({absl::StrCat("User", i), common::MSPRole::CLIENT});
  }
  out.push_back({"Admin", common::MSPRole::ADMIN});
  return out;
}

TEST(CryptogenTest, LayoutMatchesCryptogen) {
  const fs::path org = OrgDir(kOrg1, Root());
  EXPECT_EQ(org, fs::path(Root()) / "peerOrganizations" / "org1.example.com");
  EXPECT_TRUE(fs::is_regular_file(org / "ca" / "ca.org1.example.com-cert.pem"));
  EXPECT_TRUE(fs::is_regular_file(org / "ca" / "priv_sk"));
  for (const fs::path& msp : {org / "msp", fs::path(IdentityMspDir(kOrg1, Root(), "peer1")),
                             fs::path(IdentityMspDir(kOrg1, Root(), "User2")),
                             fs::path(IdentityMspDir(kOrg1, Root(), "Admin"))}) {
    SCOPED_TRACE(msp.string());
    EXPECT_TRUE(fs::is_directory(msp / "admincerts"));
    EXPECT_TRUE(fs::is_empty(msp / "admincerts"));
    EXPECT_EQ(Read(msp / "cacerts" / "ca.org1.example.com-cert.pem"),
              Read(org / "ca" / "ca.org1.example.com-cert.pem"));
    EXPECT_EQ(Read(msp / "tlscacerts" / "ca.org1.example.com-cert.pem"),
              Read(org / "ca" / "ca.org1.example.com-cert.pem"));
    // config.yaml is exactly what Fabric's cryptogen wrote for the same domain.
    EXPECT_EQ(Read(msp / "config.yaml"),
              Read(identity::testing::Vector("msp/peerOrganizations/org1.example.com/msp/config.yaml")));
  }
  EXPECT_EQ(IdentityMspDir(kOrg1, Root(), "peer1"),
            (org / "peers" / "peer1.org1.example.com" / "msp").string());
  EXPECT_EQ(IdentityMspDir(kOrg1, Root(), "User2"),
            (org / "users" / "User2@org1.example.com" / "msp").string());
  const fs::path user2 = IdentityMspDir(kOrg1, Root(), "User2");
  EXPECT_TRUE(fs::is_regular_file(user2 / "signcerts" / "User2@org1.example.com-cert.pem"));
  EXPECT_TRUE(fs::is_regular_file(user2 / "keystore" / "priv_sk"));
  EXPECT_FALSE(fs::exists(org / "users" / "User3@org1.example.com"));
  EXPECT_FALSE(fs::exists(org / "peers" / "peer2.org1.example.com"));

  const fs::path orderers = OrgDir(kOrderer, Root());
  EXPECT_EQ(orderers, fs::path(Root()) / "ordererOrganizations" / "example.com");
  EXPECT_EQ(IdentityMspDir(kOrderer, Root(), "orderer1"),
            (orderers / "orderers" / "orderer1.example.com" / "msp").string());
  EXPECT_TRUE(fs::is_regular_file(fs::path(IdentityMspDir(kOrderer, Root(), "orderer1")) /
                                  "signcerts" / "orderer1.example.com-cert.pem"));
  EXPECT_TRUE(fs::is_regular_file(fs::path(IdentityMspDir(kOrderer, Root(), "Admin")) /
                                  "signcerts" / "Admin@example.com-cert.pem"));
  EXPECT_EQ(Read(orderers / "msp" / "config.yaml"),
            Read(identity::testing::Vector("msp/ordererOrganizations/example.com/msp/config.yaml")));
}

TEST(CryptogenTest, PrivateKeysArePkcs8AndPrivate) {
  for (const fs::path& key :
       {fs::path(OrgDir(kOrg1, Root())) / "ca" / "priv_sk",
        fs::path(IdentityMspDir(kOrg1, Root(), "peer0")) / "keystore" / "priv_sk"}) {
    SCOPED_TRACE(key.string());
    std::optional<PemBlock> block = PemDecode(Read(key));
    ASSERT_TRUE(block.has_value());
    EXPECT_EQ(block->type, "PRIVATE KEY");
    CBS cbs;
    CBS_init(&cbs, reinterpret_cast<const uint8_t*>(block->bytes.data()), block->bytes.size());
    bssl::UniquePtr<EVP_PKEY> pkey(EVP_parse_private_key(&cbs));
    ASSERT_NE(pkey, nullptr);
    EXPECT_EQ(CBS_len(&cbs), 0u);
    const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(pkey.get());
    ASSERT_NE(ec, nullptr);
    EXPECT_EQ(EC_GROUP_get_curve_name(EC_KEY_get0_group(ec)), NID_X9_62_prime256v1);
    EXPECT_EQ(fs::status(key).permissions() & (fs::perms::group_all | fs::perms::others_all),
              fs::perms::none);
  }
  // The same PKCS#8 shape as Go's MarshalPKCS8PrivateKey (and so Fabric's files).
  std::optional<PemBlock> ours = PemDecode(
      Read(fs::path(IdentityMspDir(kOrg1, Root(), "peer0")) / "keystore" / "priv_sk"));
  std::optional<PemBlock> fabric = PemDecode(Read(identity::testing::Vector(
      "msp/peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp/keystore/"
      "priv_sk")));
  ASSERT_TRUE(ours.has_value() && fabric.has_value());
  EXPECT_EQ(ours->bytes.size(), fabric->bytes.size());
  EXPECT_EQ(ours->bytes.substr(0, 36), fabric->bytes.substr(0, 36));  // up to the scalar
}

TEST(CryptogenTest, CaCertificateLikeCryptogens) {
  const fs::path org = OrgDir(kOrg1, Root());
  std::shared_ptr<const Certificate> ca =
      CertFromPemFile(org / "ca" / "ca.org1.example.com-cert.pem");
  std::shared_ptr<const Certificate> fabric = CertFromPemFile(
      identity::testing::Vector("msp/peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem"));
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(fabric, nullptr);
  EXPECT_EQ(ca->version, 3);
  EXPECT_TRUE(ca->is_ca);
  EXPECT_EQ(ca->raw_subject, fabric->raw_subject);  // C, ST, L, O, CN byte for byte
  EXPECT_EQ(ca->raw_issuer, ca->raw_subject);
  EXPECT_EQ(ca->key_usage, fabric->key_usage);
  EXPECT_EQ(ca->has_ext_key_usage, fabric->has_ext_key_usage);
  EXPECT_EQ(ca->eku_server_auth, fabric->eku_server_auth);
  EXPECT_EQ(ca->max_path_len, fabric->max_path_len);
  EXPECT_EQ(ca->signature_alg, identity::internal::SignatureAlgorithm::kEcdsaWithSha256);
  EXPECT_EQ(ca->raw_signature_alg, fabric->raw_signature_alg);
  EXPECT_EQ(ca->authority_key_id, "");
  // SKI: SHA-256 of the uncompressed public point.
  const EC_KEY* key = EVP_PKEY_get0_EC_KEY(ca->public_key.get());
  ASSERT_NE(key, nullptr);
  uint8_t* point = nullptr;
  size_t len = EC_KEY_key2buf(key, POINT_CONVERSION_UNCOMPRESSED, &point, nullptr);
  ASSERT_EQ(len, 65u);
  EXPECT_EQ(ca->subject_key_id, Sha256(absl::string_view(reinterpret_cast<char*>(point), len)));
  OPENSSL_free(point);
  EXPECT_TRUE(identity::internal::CheckSignatureFrom(*ca, *ca).ok());
  // Extensions in the same order and criticality: the TBS differs from Fabric's only in
  // serial, validity, key, SKI (all per run); strip those and compare the lengths.
  EXPECT_EQ(ca->raw_tbs.size() - ca->serial.size() - ca->raw_spki.size(),
            fabric->raw_tbs.size() - fabric->serial.size() - fabric->raw_spki.size());
}

TEST(CryptogenTest, MemberCertificatesLikeCryptogens) {
  const fs::path org = OrgDir(kOrg1, Root());
  std::shared_ptr<const Certificate> ca =
      CertFromPemFile(org / "ca" / "ca.org1.example.com-cert.pem");
  ASSERT_NE(ca, nullptr);
  struct Case {
    std::string identity, file, fabric_file, ou;
  };
  const std::string vectors = identity::testing::Vector("msp/peerOrganizations/org1.example.com/");
  for (const Case& c : std::vector<Case>{
           {"Admin", "Admin@org1.example.com",
            vectors + "users/Admin@org1.example.com/msp/signcerts/Admin@org1.example.com-cert.pem",
            "admin"},
           {"User1", "User1@org1.example.com",
            vectors + "users/User1@org1.example.com/msp/signcerts/User1@org1.example.com-cert.pem",
            "client"},
           {"peer0", "peer0.org1.example.com",
            vectors + "peers/peer0.org1.example.com/msp/signcerts/peer0.org1.example.com-cert.pem",
            "peer"}}) {
    SCOPED_TRACE(c.identity);
    std::shared_ptr<const Certificate> cert = CertFromPemFile(
        fs::path(IdentityMspDir(kOrg1, Root(), c.identity)) / "signcerts" / (c.file + "-cert.pem"));
    std::shared_ptr<const Certificate> fabric = CertFromPemFile(c.fabric_file);
    ASSERT_NE(cert, nullptr);
    ASSERT_NE(fabric, nullptr);
    EXPECT_FALSE(cert->is_ca);
    EXPECT_TRUE(cert->basic_constraints_valid);
    EXPECT_EQ(cert->raw_subject, fabric->raw_subject);  // C, ST, L, OU, CN byte for byte
    EXPECT_EQ(cert->raw_issuer, ca->raw_subject);
    EXPECT_EQ(cert->subject_ous, std::vector<std::string>{c.ou});
    EXPECT_EQ(cert->subject_common_name, c.file);
    EXPECT_EQ(cert->key_usage, fabric->key_usage);
    EXPECT_FALSE(cert->has_ext_key_usage);
    EXPECT_FALSE(cert->has_subject_key_id);
    EXPECT_EQ(cert->authority_key_id, ca->subject_key_id);
    EXPECT_TRUE(identity::internal::CheckSignatureFrom(*cert, *ca).ok());
    EXPECT_EQ(cert->raw_tbs.size() - cert->serial.size() - cert->raw_spki.size(),
              fabric->raw_tbs.size() - fabric->serial.size() - fabric->raw_spki.size());
    // A positive serial of at most 128 bits.
    ASSERT_FALSE(cert->serial.empty());
    EXPECT_EQ(static_cast<uint8_t>(cert->serial[0]) & 0x80, 0);
    EXPECT_LE(cert->serial.size(), 17u);
    // Valid now, for ten years.
    absl::Time now = absl::Now();
    EXPECT_LT(cert->not_before, now);
    EXPECT_GT(cert->not_before, now - absl::Hours(2));
    EXPECT_EQ(cert->not_after - cert->not_before, absl::Hours(24 * 3650));
  }
}

TEST(CryptogenTest, CertificateSignaturesAreLowS) {
  bssl::UniquePtr<EC_GROUP> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  int checked = 0;
  for (const OrgSpec& spec : {kOrg1, kOrg2, kOrderer}) {
    for (const auto& e : fs::recursive_directory_iterator(OrgDir(spec, Root()))) {
      if (e.path().extension() != ".pem") continue;
      std::shared_ptr<const Certificate> cert = CertFromPemFile(e.path());
      ASSERT_NE(cert, nullptr);
      EXPECT_TRUE(IsLowS(group.get(), cert->signature)) << e.path();
      ++checked;
    }
  }
  EXPECT_GT(checked, 20);
}

TEST(CryptogenTest, EveryIdentityValidatesWithItsRoleAndSigns) {
  for (const OrgSpec& spec : {kOrg1, kOrg2, kOrderer}) {
    std::unique_ptr<Msp> m = OrgMsp(spec, Root());
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(m->node_ous_enabled());
    for (const Member& member : MembersOf(spec)) {
      SCOPED_TRACE(absl::StrCat(spec.mspid, " ", member.identity));
      absl::StatusOr<std::unique_ptr<SigningIdentity>> signer =
          SigningIdentity::FromMspDir(spec.mspid, IdentityMspDir(spec, Root(), member.identity));
      ASSERT_TRUE(signer.ok()) << signer.status();
      absl::StatusOr<std::shared_ptr<const Identity>> id = m->Deserialize((*signer)->serialized());
      ASSERT_TRUE(id.ok()) << id.status();
      EXPECT_TRUE(m->Validate(**id).ok()) << m->Validate(**id);
      // Low-S already: the MSP's normalized certificate is the file's.
      EXPECT_EQ((*id)->cert_der(), (*signer)->cert_der());

      for (RoleType role :
           {common::MSPRole::MEMBER, common::MSPRole::ADMIN, common::MSPRole::CLIENT,
            common::MSPRole::PEER, common::MSPRole::ORDERER}) {
        const bool expected = role == common::MSPRole::MEMBER || role == member.role;
        absl::Status sat = m->SatisfiesPrincipal(**id, identity::testing::RolePrincipal(spec.mspid, role));
        EXPECT_EQ(sat.ok(), expected) << "role " << role << ": " << sat;
      }

      absl::StatusOr<std::string> sig = (*signer)->Sign("some proposal bytes");
      ASSERT_TRUE(sig.ok()) << sig.status();
      EXPECT_TRUE((*id)->Verify("some proposal bytes", *sig).ok());
      EXPECT_FALSE((*id)->Verify("other bytes", *sig).ok());
    }
  }
}

TEST(CryptogenTest, IdentitiesOfOneOrgAreNotValidInAnother) {
  std::unique_ptr<Msp> org2 = OrgMsp(kOrg2, Root());
  ASSERT_NE(org2, nullptr);
  for (const Member& member : MembersOf(kOrg1)) {
    SCOPED_TRACE(member.identity);
    absl::StatusOr<std::unique_ptr<SigningIdentity>> signer =
        SigningIdentity::FromMspDir(kOrg2.mspid, IdentityMspDir(kOrg1, Root(), member.identity));
    ASSERT_TRUE(signer.ok()) << signer.status();
    // Claiming Org2MSP: no chain to Org2's CA.
    absl::StatusOr<std::shared_ptr<const Identity>> id = org2->Deserialize((*signer)->serialized());
    EXPECT_TRUE(!id.ok() || !org2->Validate(**id).ok());
  }
}

TEST(CryptogenTest, EachRunMakesNewKeys) {
  const std::string again = TempRoot("again");
  ASSERT_TRUE(GenerateOrg(kOrg1, again).ok());
  for (const std::string rel : {"ca/priv_sk", "ca/ca.org1.example.com-cert.pem",
                                "peers/peer0.org1.example.com/msp/keystore/priv_sk",
                                "users/Admin@org1.example.com/msp/keystore/priv_sk"}) {
    EXPECT_NE(Read(fs::path(OrgDir(kOrg1, again)) / rel),
              Read(fs::path(OrgDir(kOrg1, Root())) / rel))
        << rel;
  }
  // The second network's Admin is no member of the first's Org1.
  std::unique_ptr<Msp> first = OrgMsp(kOrg1, Root());
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<SigningIdentity>> admin =
      SigningIdentity::FromMspDir(kOrg1.mspid, IdentityMspDir(kOrg1, again, "Admin"));
  ASSERT_TRUE(admin.ok());
  absl::StatusOr<std::shared_ptr<const Identity>> id = first->Deserialize((*admin)->serialized());
  EXPECT_TRUE(!id.ok() || !first->Validate(**id).ok());
}

TEST(CryptogenTest, RegeneratingReplacesTheOrg) {
  const std::string root = TempRoot("regen");
  OrgSpec big = kOrg2;
  big.peers = 3;
  ASSERT_TRUE(GenerateOrg(big, root).ok());
  ASSERT_TRUE(fs::exists(fs::path(OrgDir(big, root)) / "peers" / "peer2.org2.example.com"));
  ASSERT_TRUE(GenerateOrg(kOrg2, root).ok());
  EXPECT_FALSE(fs::exists(fs::path(OrgDir(big, root)) / "peers" / "peer2.org2.example.com"));
  std::unique_ptr<Msp> m = OrgMsp(kOrg2, root);
  ASSERT_NE(m, nullptr);
  absl::StatusOr<std::unique_ptr<SigningIdentity>> peer =
      SigningIdentity::FromMspDir(kOrg2.mspid, IdentityMspDir(kOrg2, root, "peer0"));
  ASSERT_TRUE(peer.ok());
  absl::StatusOr<std::shared_ptr<const Identity>> id = m->Deserialize((*peer)->serialized());
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_TRUE(m->Validate(**id).ok());
}

TEST(CryptogenTest, RejectsBadSpecs) {
  const std::string root = TempRoot("bad");
  for (const std::string domain : {"", ".", "..", "a/b"}) {
    OrgSpec spec = kOrg1;
    spec.domain = domain;
    EXPECT_EQ(GenerateOrg(spec, root).code(), absl::StatusCode::kInvalidArgument) << domain;
  }
  OrgSpec no_msp = kOrg1;
  no_msp.mspid = "";
  EXPECT_EQ(GenerateOrg(no_msp, root).code(), absl::StatusCode::kInvalidArgument);
  OrgSpec negative = kOrg1;
  negative.users = -1;
  EXPECT_EQ(GenerateOrg(negative, root).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fabric::testnet
