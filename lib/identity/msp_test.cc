// The MSP against the Fabric-made conformance vectors: MSPs built from the channel
// configuration (genesis block, and Org1's from config block 17), verdicts derived from
// the vectors' README (which identities are revoked, expired, rogue, from an
// intermediate CA).
#include "lib/identity/msp.h"

#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/msp_manager.h"
#include "lib/identity/pem.h"
#include "lib/identity/testing/fixtures.h"

namespace fabric::identity {
namespace {

using ::fabric::identity::testing::AllIdentities;
using ::fabric::identity::testing::Find;
using ::fabric::identity::testing::ManagerFromBlock;
using ::fabric::identity::testing::MspConfigFromBlock;
using ::fabric::identity::testing::MspOrFail;
using ::fabric::identity::testing::Read;
using ::fabric::identity::testing::Serialize;
using ::fabric::identity::testing::TestIdentity;
using ::fabric::identity::testing::Vector;
using ::testing::HasSubstr;

const std::string kGenesis = Vector("genesis.block");
const std::string kCrlConfigBlock = Vector("blocks/000017.block");

std::shared_ptr<const MspManager> Genesis() {
  static const auto* mgr = [] {
    absl::StatusOr<std::shared_ptr<const MspManager>> m = ManagerFromBlock(kGenesis);
    EXPECT_TRUE(m.ok()) << m.status();
    return new std::shared_ptr<const MspManager>(m.ok() ? *m : nullptr);
  }();
  return *mgr;
}

std::unique_ptr<Msp> OrgMsp(const std::string& block, const std::string& mspid) {
  return MspOrFail(MspConfigFromBlock(block, mspid));
}

std::shared_ptr<const Identity> MustDeserialize(const MspManager& mgr, const TestIdentity& t) {
  absl::StatusOr<std::shared_ptr<const Identity>> id =
      mgr.Deserialize(Serialize(t.mspid, t.cert_pem));
  EXPECT_TRUE(id.ok()) << t.name << ": " << id.status();
  return id.ok() ? *id : nullptr;
}

common::MSPPrincipal Principal(common::MSPPrincipal::Classification c, const std::string& bytes) {
  common::MSPPrincipal p;
  p.set_principal_classification(c);
  p.set_principal(bytes);
  return p;
}

// The DER inside a one-certificate PEM.
std::string Der(const std::string& pem) {
  std::optional<PemBlock> b = PemDecode(pem);
  EXPECT_TRUE(b.has_value());
  return b.has_value() ? b->bytes : "";
}

// `der` with its P-256 ECDSA signature's s replaced by n - s (still a valid signature).
std::string FlipS(const std::string& der) {
  CBS in, cert, tbs, alg, bits;
  CBS_init(&in, reinterpret_cast<const uint8_t*>(der.data()), der.size());
  EXPECT_TRUE(CBS_get_asn1(&in, &cert, CBS_ASN1_SEQUENCE) &&
              CBS_get_asn1_element(&cert, &tbs, CBS_ASN1_SEQUENCE) &&
              CBS_get_asn1_element(&cert, &alg, CBS_ASN1_SEQUENCE) &&
              CBS_get_asn1(&cert, &bits, CBS_ASN1_BITSTRING) && CBS_skip(&bits, 1));
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_from_bytes(CBS_data(&bits), CBS_len(&bits)));
  bssl::UniquePtr<EC_GROUP> p256(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  BIGNUM* s = const_cast<BIGNUM*>(ECDSA_SIG_get0_s(sig.get()));
  BN_sub(s, EC_GROUP_get0_order(p256.get()), s);
  uint8_t* sig_der = nullptr;
  size_t sig_len = 0;
  ECDSA_SIG_to_bytes(&sig_der, &sig_len, sig.get());
  bssl::ScopedCBB cbb;
  CBB seq, b;
  uint8_t* out = nullptr;
  size_t out_len = 0;
  CBB_init(cbb.get(), 0);
  CBB_add_asn1(cbb.get(), &seq, CBS_ASN1_SEQUENCE);
  CBB_add_bytes(&seq, CBS_data(&tbs), CBS_len(&tbs));
  CBB_add_bytes(&seq, CBS_data(&alg), CBS_len(&alg));
  CBB_add_asn1(&seq, &b, CBS_ASN1_BITSTRING);
  CBB_add_u8(&b, 0);
  CBB_add_bytes(&b, sig_der, sig_len);
  CBB_finish(cbb.get(), &out, &out_len);
  std::string flipped(reinterpret_cast<const char*>(out), out_len);
  OPENSSL_free(out);
  OPENSSL_free(sig_der);
  return flipped;
}

// ---- Building MSPs from the channel configuration ----

TEST(MspTest, GenesisConfigBuildsEveryOrgMsp) {
  ASSERT_NE(Genesis(), nullptr);
  EXPECT_THAT(Genesis()->names(),
              ::testing::ElementsAre("OrdererMSP", "Org1MSP", "Org2MSP", "Org3MSP"));
  for (const std::string& name : Genesis()->names()) {
    const Msp* m = Genesis()->Find(name);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->name(), name);
    EXPECT_TRUE(m->node_ous_enabled()) << name;
  }
  EXPECT_EQ(Genesis()->Find("Org9MSP"), nullptr);
}

TEST(MspTest, RejectsConfigsFabricRejects) {
  msp::MSPConfig idemix;
  idemix.set_type(1);
  EXPECT_EQ(Msp::Create(idemix).status().code(), absl::StatusCode::kUnimplemented);
  msp::MSPConfig other;
  other.set_type(7);
  EXPECT_EQ(Msp::Create(other).status().code(), absl::StatusCode::kInvalidArgument);
  msp::MSPConfig garbage;
  garbage.set_config("\xff\xff\xff");
  EXPECT_FALSE(Msp::Create(garbage).ok());

  absl::StatusOr<msp::MSPConfig> org1 = MspConfigFromBlock(kGenesis, "Org1MSP");
  ASSERT_TRUE(org1.ok());
  msp::FabricMSPConfig conf;
  ASSERT_TRUE(conf.ParseFromString(org1->config()));

  msp::FabricMSPConfig no_roots = conf;
  no_roots.clear_root_certs();
  msp::MSPConfig c;
  c.set_config(no_roots.SerializeAsString());
  EXPECT_THAT(std::string(Msp::Create(c).status().message()), HasSubstr("at least one CA"));

  // Without an admin OU classification, admins must be listed.
  msp::FabricMSPConfig no_admin_ou = conf;
  no_admin_ou.mutable_fabric_node_ous()->clear_admin_ou_identifier();
  c.set_config(no_admin_ou.SerializeAsString());
  EXPECT_THAT(std::string(Msp::Create(c).status().message()), HasSubstr("administrators"));

  // An admin certificate from another org has no chain here.
  msp::FabricMSPConfig foreign_admin = conf;
  foreign_admin.add_admins(Find("Admin@org2.example.com").cert_pem);
  c.set_config(foreign_admin.SerializeAsString());
  EXPECT_FALSE(Msp::Create(c).ok());

  // A leaf certificate cannot be a root.
  msp::FabricMSPConfig leaf_root = conf;
  leaf_root.add_root_certs(Find("User1@org1.example.com").cert_pem);
  c.set_config(leaf_root.SerializeAsString());
  EXPECT_FALSE(Msp::Create(c).ok());

  msp::FabricMSPConfig sha3 = conf;
  sha3.mutable_crypto_config()->set_signature_hash_family("SHA3");
  c.set_config(sha3.SerializeAsString());
  EXPECT_EQ(Msp::Create(c).status().code(), absl::StatusCode::kUnimplemented);
}

TEST(MspTest, DamagedConfigsNeverCrash) {
  const std::string user = Serialize("Org1MSP", Find("User1@org1.example.com").cert_pem);
  for (const char* org : {"Org1MSP", "Org2MSP", "Org3MSP"}) {
    absl::StatusOr<msp::MSPConfig> config = MspConfigFromBlock(kGenesis, org);
    ASSERT_TRUE(config.ok());
    const std::string good = config->config();
    for (size_t i = 0; i < good.size(); i += 11) {
      msp::MSPConfig bad = *config;
      std::string bytes = good;
      bytes[i] = static_cast<char>(bytes[i] ^ (0x80 >> (i % 8)));
      bad.set_config(bytes);
      absl::StatusOr<std::unique_ptr<Msp>> m = Msp::Create(bad);  // an answer, never a crash
      if (m.ok()) (void)(*m)->Deserialize(user);
    }
  }
}

// ---- Validity ----

TEST(MspTest, EveryCryptogenIdentityIsValidExceptTheRevokedOnes) {
  // README: Org2's MSP in the genesis config has a CRL revoking User3@org2 and peer2.org2.
  const std::set<std::string> revoked = {"User3@org2.example.com", "peer2.org2.example.com"};
  std::vector<TestIdentity> all = AllIdentities();
  ASSERT_GE(all.size(), 20u);
  for (const TestIdentity& t : all) {
    std::shared_ptr<const Identity> id = MustDeserialize(*Genesis(), t);
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->mspid(), t.mspid);
    absl::Status st = Genesis()->Validate(*id);
    if (revoked.count(t.name)) {
      EXPECT_THAT(std::string(st.message()), HasSubstr("The certificate has been revoked"))
          << t.name;
    } else {
      EXPECT_TRUE(st.ok()) << t.name << ": " << st;
    }
  }
}

TEST(MspTest, ExpiredAndNotYetValidCertificatesAreValid) {
  // README: validity is checked at NotBefore + 1 s, so the window does not matter.
  for (const char* name : {"Expired@org1.example.com", "Future@org1.example.com"}) {
    std::shared_ptr<const Identity> id = MustDeserialize(*Genesis(), Find(name));
    ASSERT_NE(id, nullptr);
    EXPECT_TRUE(Genesis()->Validate(*id).ok()) << name;
  }
}

TEST(MspTest, ConfigBlock17RevokesUser2OfOrg1) {
  std::unique_ptr<Msp> before = OrgMsp(kGenesis, "Org1MSP");
  std::unique_ptr<Msp> after = OrgMsp(kCrlConfigBlock, "Org1MSP");
  ASSERT_NE(before, nullptr);
  ASSERT_NE(after, nullptr);
  for (const TestIdentity& t : AllIdentities()) {
    if (t.mspid != "Org1MSP") continue;
    std::string serialized = Serialize(t.mspid, t.cert_pem);
    auto id_before = before->Deserialize(serialized);
    auto id_after = after->Deserialize(serialized);
    ASSERT_TRUE(id_before.ok() && id_after.ok()) << t.name;
    EXPECT_TRUE(before->Validate(**id_before).ok()) << t.name;
    absl::Status st = after->Validate(**id_after);
    if (t.name == "User2@org1.example.com") {
      EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
      EXPECT_THAT(std::string(st.message()), HasSubstr("revoked"));
    } else {
      EXPECT_TRUE(st.ok()) << t.name << ": " << st;
    }
  }
}

TEST(MspTest, Org3IdentitiesChainThroughTheIntermediateCa) {
  const Msp* org3 = Genesis()->Find("Org3MSP");
  ASSERT_NE(org3, nullptr);
  std::string ica =
      Der(Read(Vector("msp/peerOrganizations/org3.example.com/ica/ica.org3.example.com-cert.pem")));
  std::string ca =
      Der(Read(Vector("msp/peerOrganizations/org3.example.com/ca/ca.org3.example.com-cert.pem")));
  std::shared_ptr<const Identity> peer =
      MustDeserialize(*Genesis(), Find("peer0.org3.example.com"));
  ASSERT_NE(peer, nullptr);
  EXPECT_TRUE(org3->Validate(*peer).ok());
  std::vector<OuIdentifier> ous = org3->OrganizationalUnits(*peer);
  ASSERT_FALSE(ous.empty());
  // The certifiers identifier hashes the chain above the identity: ICA then root.
  EXPECT_EQ(ous[0].certifiers_id, Sha256(ica + ca));
}

TEST(MspTest, RogueIdentitiesClaimingOrg1AreRejected) {
  for (const char* who :
       {"peers/peer0.org1.example.com/msp/signcerts/peer0.org1.example.com-cert.pem",
        "users/User1@org1.example.com/msp/signcerts/User1@org1.example.com-cert.pem"}) {
    std::string pem = Read(Vector(std::string("msp/rogue/") + who));
    // Their ECDSA-signed certificates have no chain in Org1's MSP, so Fabric cannot even
    // normalize them: deserialization fails.
    absl::StatusOr<std::shared_ptr<const Identity>> id =
        Genesis()->Deserialize(Serialize("Org1MSP", pem));
    EXPECT_FALSE(id.ok()) << who;
    EXPECT_THAT(std::string(id.status().message()), HasSubstr("unknown authority"));
  }
}

TEST(MspTest, UnknownMspIsRefused) {
  std::string pem = Read(Vector(
      "msp/rogue/users/User1@org1.example.com/msp/signcerts/User1@org1.example.com-cert.pem"));
  absl::StatusOr<std::shared_ptr<const Identity>> id =
      Genesis()->Deserialize(Serialize("Org9MSP", pem));
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("MSP Org9MSP is not defined"));
}

TEST(MspTest, AnotherOrgsCertificateIsNotOrg1s) {
  absl::StatusOr<std::shared_ptr<const Identity>> id =
      Genesis()->Deserialize(Serialize("Org1MSP", Find("User1@org2.example.com").cert_pem));
  EXPECT_FALSE(id.ok());
  // Msp::Deserialize insists the mspid is its own.
  std::unique_ptr<Msp> org1 = OrgMsp(kGenesis, "Org1MSP");
  ASSERT_NE(org1, nullptr);
  EXPECT_THAT(
      std::string(org1->Deserialize(Serialize("Org2MSP", Find("User1@org2.example.com").cert_pem))
                      .status()
                      .message()),
      HasSubstr("expected MSP ID Org1MSP"));
}

TEST(MspTest, CaCertificatesAreNotIdentities) {
  struct Case {
    const char* mspid;
    const char* path;
  } cases[] = {
      {"Org1MSP", "msp/peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem"},
      {"Org2MSP", "msp/peerOrganizations/org2.example.com/ca/ca.org2.example.com-cert.pem"},
      {"Org3MSP", "msp/peerOrganizations/org3.example.com/ca/ca.org3.example.com-cert.pem"},
      {"Org3MSP", "msp/peerOrganizations/org3.example.com/ica/ica.org3.example.com-cert.pem"},
      {"OrdererMSP", "msp/ordererOrganizations/example.com/ca/ca.example.com-cert.pem"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<const Identity>> id =
        Genesis()->Deserialize(Serialize(c.mspid, Read(Vector(c.path))));
    ASSERT_TRUE(id.ok()) << c.path << ": " << id.status();  // deserializing does not validate
    EXPECT_TRUE((*id)->is_ca());
    EXPECT_THAT(std::string(Genesis()->Validate(**id).message()),
                HasSubstr("Certificate Authority equals true"))
        << c.path;
    EXPECT_FALSE(
        Genesis()
            ->SatisfiesPrincipal(**id, testing::RolePrincipal(c.mspid, common::MSPRole::MEMBER))
            .ok());
  }
}

// ---- Low-S normalization ----

TEST(MspTest, HighSCertificateIsNormalizedToTheSameIdentity) {
  TestIdentity user = Find("User1@org1.example.com");
  std::string der = Der(user.cert_pem);
  std::string high = FlipS(der);
  ASSERT_NE(high, der);
  std::shared_ptr<const Identity> original = MustDeserialize(*Genesis(), user);
  absl::StatusOr<std::shared_ptr<const Identity>> flipped =
      Genesis()->Deserialize(Serialize("Org1MSP", PemEncode("CERTIFICATE", high)));
  ASSERT_TRUE(flipped.ok()) << flipped.status();
  EXPECT_EQ((*flipped)->cert_der(), der);
  EXPECT_EQ((*flipped)->id(), original->id());
  EXPECT_EQ(original->id(), absl::BytesToHexString(Sha256(der)));
  EXPECT_TRUE(Genesis()->Validate(**flipped).ok());
  // An IDENTITY principal compares normalized certificates.
  common::MSPPrincipal same =
      Principal(common::MSPPrincipal::IDENTITY, Serialize("Org1MSP", user.cert_pem));
  EXPECT_TRUE(Genesis()->SatisfiesPrincipal(**flipped, same).ok());
}

TEST(MspTest, IsWellFormed) {
  TestIdentity user = Find("User1@org1.example.com");
  std::string der = Der(user.cert_pem);
  auto sid = [](const std::string& id_bytes) {
    msp::SerializedIdentity s;
    s.set_mspid("Org1MSP");
    s.set_id_bytes(id_bytes);
    return s;
  };
  EXPECT_TRUE(Msp::IsWellFormed(sid(user.cert_pem)).ok());
  EXPECT_TRUE(Msp::IsWellFormed(sid(PemEncode("", der))).ok());
  // Still low-S or not, the encoding is canonical.
  EXPECT_TRUE(Msp::IsWellFormed(sid(PemEncode("CERTIFICATE", FlipS(der)))).ok());
  EXPECT_FALSE(Msp::IsWellFormed(sid(PemEncode("SOMETHING", der))).ok());
  EXPECT_FALSE(Msp::IsWellFormed(sid(user.cert_pem + "x")).ok());
  EXPECT_FALSE(Msp::IsWellFormed(sid("garbage")).ok());
}

// ---- Principals ----

struct RoleCase {
  const char* name;
  common::MSPRole::MSPRoleType role;
  bool satisfied;
};

TEST(MspTest, RolePrincipals) {
  using R = common::MSPRole;
  const RoleCase cases[] = {
      {"peer0.org1.example.com", R::PEER, true},     {"peer0.org1.example.com", R::MEMBER, true},
      {"peer0.org1.example.com", R::CLIENT, false},  {"peer0.org1.example.com", R::ADMIN, false},
      {"peer0.org1.example.com", R::ORDERER, false}, {"User1@org1.example.com", R::CLIENT, true},
      {"User1@org1.example.com", R::MEMBER, true},   {"User1@org1.example.com", R::PEER, false},
      {"User1@org1.example.com", R::ADMIN, false},   {"Admin@org1.example.com", R::ADMIN, true},
      {"Admin@org1.example.com", R::MEMBER, true},   {"Admin@org1.example.com", R::CLIENT, false},
      {"Admin@org2.example.com", R::ADMIN, true},    {"Admin@org3.example.com", R::ADMIN, true},
      {"peer1.org3.example.com", R::PEER, true},     {"User2@org3.example.com", R::CLIENT, true},
      {"orderer0.example.com", R::ORDERER, true},    {"orderer1.example.com", R::MEMBER, true},
      {"orderer0.example.com", R::PEER, false},      {"Admin@example.com", R::ADMIN, true},
      {"User3@org2.example.com", R::CLIENT, false},  {"User3@org2.example.com", R::MEMBER, false},
      {"peer2.org2.example.com", R::PEER, false},    {"Future@org1.example.com", R::CLIENT, true},
  };
  for (const RoleCase& c : cases) {
    TestIdentity t = Find(c.name);
    std::shared_ptr<const Identity> id = MustDeserialize(*Genesis(), t);
    ASSERT_NE(id, nullptr);
    absl::Status st = Genesis()->SatisfiesPrincipal(*id, testing::RolePrincipal(t.mspid, c.role));
    EXPECT_EQ(st.ok(), c.satisfied)
        << c.name << " as " << R::MSPRoleType_Name(c.role) << ": " << st;
  }
}

TEST(MspTest, PrincipalOfAnotherMspFails) {
  std::shared_ptr<const Identity> peer =
      MustDeserialize(*Genesis(), Find("peer0.org1.example.com"));
  absl::Status st = Genesis()->SatisfiesPrincipal(
      *peer, testing::RolePrincipal("Org2MSP", common::MSPRole::PEER));
  EXPECT_THAT(std::string(st.message()), HasSubstr("different MSP"));
  st = Genesis()->SatisfiesPrincipal(*peer,
                                     testing::RolePrincipal("Org2MSP", common::MSPRole::MEMBER));
  EXPECT_FALSE(st.ok());
}

TEST(MspTest, OrganizationUnitPrincipal) {
  std::shared_ptr<const Identity> peer =
      MustDeserialize(*Genesis(), Find("peer0.org1.example.com"));
  std::string ca =
      Der(Read(Vector("msp/peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem")));
  auto ou = [](const std::string& mspid, const std::string& name, const std::string& certifiers) {
    common::OrganizationUnit u;
    u.set_msp_identifier(mspid);
    u.set_organizational_unit_identifier(name);
    u.set_certifiers_identifier(certifiers);
    return Principal(common::MSPPrincipal::ORGANIZATION_UNIT, u.SerializeAsString());
  };
  EXPECT_TRUE(Genesis()->SatisfiesPrincipal(*peer, ou("Org1MSP", "peer", Sha256(ca))).ok());
  EXPECT_FALSE(Genesis()->SatisfiesPrincipal(*peer, ou("Org1MSP", "peer", "")).ok());
  EXPECT_FALSE(Genesis()->SatisfiesPrincipal(*peer, ou("Org1MSP", "client", Sha256(ca))).ok());
  EXPECT_FALSE(Genesis()->SatisfiesPrincipal(*peer, ou("Org2MSP", "peer", Sha256(ca))).ok());
}

TEST(MspTest, IdentityPrincipal) {
  TestIdentity p0 = Find("peer0.org1.example.com");
  std::shared_ptr<const Identity> peer0 = MustDeserialize(*Genesis(), p0);
  std::shared_ptr<const Identity> peer1 =
      MustDeserialize(*Genesis(), Find("peer1.org1.example.com"));
  common::MSPPrincipal is_peer0 =
      Principal(common::MSPPrincipal::IDENTITY, Serialize("Org1MSP", p0.cert_pem));
  EXPECT_TRUE(Genesis()->SatisfiesPrincipal(*peer0, is_peer0).ok());
  EXPECT_THAT(std::string(Genesis()->SatisfiesPrincipal(*peer1, is_peer0).message()),
              HasSubstr("do not match"));
  common::MSPPrincipal wrong_msp =
      Principal(common::MSPPrincipal::IDENTITY, Serialize("Org2MSP", p0.cert_pem));
  EXPECT_FALSE(Genesis()->SatisfiesPrincipal(*peer0, wrong_msp).ok());
  common::MSPPrincipal garbage = Principal(common::MSPPrincipal::IDENTITY, "not an identity");
  EXPECT_FALSE(Genesis()->SatisfiesPrincipal(*peer0, garbage).ok());
}

TEST(MspTest, CombinedAndAnonymityPrincipals) {
  std::shared_ptr<const Identity> peer =
      MustDeserialize(*Genesis(), Find("peer0.org1.example.com"));
  auto combined = [](std::vector<common::MSPPrincipal> parts) {
    common::CombinedPrincipal c;
    for (auto& p : parts) *c.add_principals() = p;
    return Principal(common::MSPPrincipal::COMBINED, c.SerializeAsString());
  };
  EXPECT_TRUE(Genesis()
                  ->SatisfiesPrincipal(
                      *peer, combined({testing::RolePrincipal("Org1MSP", common::MSPRole::MEMBER),
                                       testing::RolePrincipal("Org1MSP", common::MSPRole::PEER)}))
                  .ok());
  EXPECT_FALSE(
      Genesis()
          ->SatisfiesPrincipal(
              *peer, combined({testing::RolePrincipal("Org1MSP", common::MSPRole::MEMBER),
                               testing::RolePrincipal("Org1MSP", common::MSPRole::CLIENT)}))
          .ok());
  EXPECT_TRUE(Genesis()
                  ->SatisfiesPrincipal(*peer, combined({combined({testing::RolePrincipal(
                                                  "Org1MSP", common::MSPRole::PEER)})}))
                  .ok());
  EXPECT_THAT(std::string(Genesis()->SatisfiesPrincipal(*peer, combined({})).message()),
              HasSubstr("No principals"));

  common::MSPIdentityAnonymity anon;
  anon.set_anonymity_type(common::MSPIdentityAnonymity::NOMINAL);
  EXPECT_TRUE(Genesis()
                  ->SatisfiesPrincipal(
                      *peer, Principal(common::MSPPrincipal::ANONYMITY, anon.SerializeAsString()))
                  .ok());
  anon.set_anonymity_type(common::MSPIdentityAnonymity::ANONYMOUS);
  EXPECT_FALSE(Genesis()
                   ->SatisfiesPrincipal(
                       *peer, Principal(common::MSPPrincipal::ANONYMITY, anon.SerializeAsString()))
                   .ok());
}

TEST(MspTest, MalformedPrincipalsFailCleanly) {
  std::shared_ptr<const Identity> peer =
      MustDeserialize(*Genesis(), Find("peer0.org1.example.com"));
  for (auto c : {common::MSPPrincipal::ROLE, common::MSPPrincipal::ORGANIZATION_UNIT,
                 common::MSPPrincipal::IDENTITY, common::MSPPrincipal::ANONYMITY,
                 common::MSPPrincipal::COMBINED}) {
    EXPECT_FALSE(Genesis()->SatisfiesPrincipal(*peer, Principal(c, "\xff\xff\x01")).ok()) << c;
  }
  EXPECT_FALSE(Genesis()
                   ->SatisfiesPrincipal(
                       *peer, Principal(static_cast<common::MSPPrincipal::Classification>(9), ""))
                   .ok());
  EXPECT_FALSE(
      Genesis()
          ->SatisfiesPrincipal(*peer, testing::RolePrincipal(
                                          "Org1MSP", static_cast<common::MSPRole::MSPRoleType>(7)))
          .ok());
}

// ---- Signatures ----

TEST(MspTest, IdentityVerifiesItsOwnSignaturesOnly) {
  std::shared_ptr<const Identity> user =
      MustDeserialize(*Genesis(), Find("User1@org1.example.com"));
  std::shared_ptr<const Identity> other =
      MustDeserialize(*Genesis(), Find("User1@org2.example.com"));
  ASSERT_NE(user, nullptr);
  EXPECT_FALSE(user->Verify("data", "").ok());
  EXPECT_FALSE(user->Verify("data", "\x30\x00").ok());
  EXPECT_FALSE(other->Verify("data", std::string(70, 'x')).ok());
}

// ---- Malformed input ----

TEST(MspTest, MalformedSerializedIdentitiesAreErrors) {
  TestIdentity user = Find("User1@org1.example.com");
  std::string der = Der(user.cert_pem);
  const std::string inputs[] = {
      "",
      "garbage that is no protobuf \xff\xff",
      Serialize("Org1MSP", ""),
      Serialize("Org1MSP", "no pem here"),
      Serialize("Org1MSP", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
      Serialize("Org1MSP", PemEncode("CERTIFICATE", der.substr(0, der.size() / 2))),
      Serialize("Org1MSP", PemEncode("CERTIFICATE", der + "x")),
      Serialize("Org1MSP", PemEncode("CERTIFICATE", "")),
      Serialize("Org1MSP", PemEncode("CERTIFICATE", std::string(300, '\x30'))),
  };
  for (const std::string& in : inputs) {
    EXPECT_FALSE(Genesis()->Deserialize(in).ok()) << absl::CEscape(in.substr(0, 60));
  }
  // Bit flips anywhere in a valid serialized identity: an answer, never a crash.
  std::string good = Serialize("Org1MSP", user.cert_pem);
  std::unique_ptr<Msp> org1 = OrgMsp(kGenesis, "Org1MSP");
  for (size_t i = 0; i < good.size(); i += 3) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    absl::StatusOr<std::shared_ptr<const Identity>> id = org1->Deserialize(bad);
    if (id.ok()) (void)org1->Validate(**id);
  }
  // The PEM's type is not checked (Fabric's pem.Decode takes the first block).
  EXPECT_TRUE(Genesis()->Deserialize(Serialize("Org1MSP", PemEncode("SOMETHING", der))).ok());
  // Text around the block is ignored.
  EXPECT_TRUE(Genesis()->Deserialize(Serialize("Org1MSP", "hello\n" + user.cert_pem + "bye")).ok());
}

}  // namespace
}  // namespace fabric::identity
