// MspConfigFromDir against the Fabric-made vectors: the config read from each org's
// msp/ directory is the one configtxgen put in the genesis block, and the MSP built
// from it validates the org's identities with their roles. Then the corners of the
// directory reader and of the config.yaml subset reader.
#include "lib/identity/msp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/identity/internal/yaml.h"
#include "lib/identity/msp.h"
#include "lib/identity/testing/fixtures.h"
#include "lib/testing/temp_dir.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::identity {
namespace {

namespace fs = std::filesystem;
using ::fabric::identity::testing::AllIdentities;
using ::fabric::identity::testing::MspConfigFromBlock;
using ::fabric::identity::testing::Read;
using ::fabric::identity::testing::Serialize;
using ::fabric::identity::testing::TestIdentity;
using ::fabric::identity::testing::Vector;
using internal::YamlNode;
using RoleType = common::MSPRole::MSPRoleType;
using ::testing::HasSubstr;

struct Org {
  std::string mspid;
  std::string dir;    // relative to the vectors
  std::string group;  // the org's config group in the genesis block
};

const std::vector<Org>& Orgs() {
  static const auto* orgs = new std::vector<Org>{
      {"Org1MSP", "msp/peerOrganizations/org1.example.com/msp", "Org1MSP"},
      {"Org2MSP", "msp/peerOrganizations/org2.example.com/msp", "Org2MSP"},
      {"Org3MSP", "msp/peerOrganizations/org3.example.com/msp", "Org3MSP"},
      {"OrdererMSP", "msp/ordererOrganizations/example.com/msp", "OrdererOrg"},
  };
  return *orgs;
}

msp::FabricMSPConfig FabricConfig(const msp::MSPConfig& config) {
  EXPECT_EQ(config.type(), 0);
  msp::FabricMSPConfig conf;
  EXPECT_TRUE(conf.ParseFromString(config.config()));
  return conf;
}

msp::FabricMSPConfig FromDir(const std::string& mspid, const std::string& dir) {
  absl::StatusOr<msp::MSPConfig> config = MspConfigFromDir(mspid, dir);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? FabricConfig(*config) : msp::FabricMSPConfig();
}

std::unique_ptr<Msp> MspFromDir(const std::string& mspid, const std::string& dir) {
  return testing::MspOrFail(MspConfigFromDir(mspid, dir));
}

std::vector<std::string> AsVector(const google::protobuf::RepeatedPtrField<std::string>& f) {
  return std::vector<std::string>(f.begin(), f.end());
}

void ExpectSameOu(const msp::FabricOUIdentifier& a, const msp::FabricOUIdentifier& b) {
  EXPECT_EQ(a.organizational_unit_identifier(), b.organizational_unit_identifier());
  EXPECT_EQ(a.certificate(), b.certificate());
}

// The role a vectors identity has by its name (cryptogen's NodeOUs).
RoleType RoleOf(const std::string& name) {
  if (absl::StartsWith(name, "Admin@")) return common::MSPRole::ADMIN;
  if (absl::StartsWith(name, "peer")) return common::MSPRole::PEER;
  if (absl::StartsWith(name, "orderer")) return common::MSPRole::ORDERER;
  return common::MSPRole::CLIENT;
}

std::string TempDir(const std::string& name) { return fabric::testing::FreshTempDir(name); }

void Write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// A copy of a vectors msp/ directory to modify.
std::string CopyOf(const std::string& vectors_dir, const std::string& name) {
  std::string dir = TempDir(name);
  fs::copy(Vector(vectors_dir), dir, fs::copy_options::recursive);
  return dir;
}

TEST(MspDirTest, SameConfigAsTheGenesisBlock) {
  for (const Org& org : Orgs()) {
    SCOPED_TRACE(org.mspid);
    absl::StatusOr<msp::MSPConfig> block_config =
        MspConfigFromBlock(Vector("genesis.block"), org.group);
    ASSERT_TRUE(block_config.ok()) << block_config.status();
    msp::FabricMSPConfig want = FabricConfig(*block_config);
    msp::FabricMSPConfig got = FromDir(org.mspid, Vector(org.dir));
    EXPECT_EQ(got.name(), org.mspid);
    EXPECT_EQ(AsVector(got.root_certs()), AsVector(want.root_certs()));
    EXPECT_EQ(AsVector(got.intermediate_certs()), AsVector(want.intermediate_certs()));
    EXPECT_EQ(AsVector(got.tls_root_certs()), AsVector(want.tls_root_certs()));
    EXPECT_EQ(AsVector(got.tls_intermediate_certs()), AsVector(want.tls_intermediate_certs()));
    EXPECT_EQ(AsVector(got.admins()), AsVector(want.admins()));
    EXPECT_EQ(got.organizational_unit_identifiers_size(),
              want.organizational_unit_identifiers_size());
    EXPECT_EQ(got.crypto_config().signature_hash_family(), "SHA2");
    EXPECT_EQ(got.crypto_config().identity_identifier_hash_function(), "SHA256");
    EXPECT_EQ(got.crypto_config().SerializeAsString(), want.crypto_config().SerializeAsString());
    ASSERT_TRUE(got.has_fabric_node_ous());
    EXPECT_TRUE(got.fabric_node_ous().enable());
    ExpectSameOu(got.fabric_node_ous().client_ou_identifier(),
                 want.fabric_node_ous().client_ou_identifier());
    ExpectSameOu(got.fabric_node_ous().peer_ou_identifier(),
                 want.fabric_node_ous().peer_ou_identifier());
    ExpectSameOu(got.fabric_node_ous().admin_ou_identifier(),
                 want.fabric_node_ous().admin_ou_identifier());
    ExpectSameOu(got.fabric_node_ous().orderer_ou_identifier(),
                 want.fabric_node_ous().orderer_ou_identifier());
    EXPECT_FALSE(got.fabric_node_ous().peer_ou_identifier().certificate().empty());
    // Org2's CRL is in both; the directory reader is configtxgen's, so the whole
    // marshaled config is the genesis block's.
    EXPECT_EQ(AsVector(got.revocation_list()), AsVector(want.revocation_list()));
    EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  }
}

TEST(MspDirTest, Org3HasItsIntermediateCa) {
  msp::FabricMSPConfig conf = FromDir("Org3MSP", Vector(Orgs()[2].dir));
  ASSERT_EQ(conf.intermediate_certs_size(), 1);
  EXPECT_EQ(conf.intermediate_certs(0),
            Read(Vector("msp/peerOrganizations/org3.example.com/msp/intermediatecerts/"
                        "ica.org3.example.com-cert.pem")));
  EXPECT_EQ(conf.fabric_node_ous().client_ou_identifier().certificate(),
            conf.intermediate_certs(0));
}

TEST(MspDirTest, ValidatesEachOrgsIdentitiesWithTheirRoles) {
  int validated = 0;
  for (const Org& org : Orgs()) {
    std::unique_ptr<Msp> m = MspFromDir(org.mspid, Vector(org.dir));
    ASSERT_NE(m, nullptr);
    for (const TestIdentity& t : AllIdentities()) {
      if (t.mspid != org.mspid) continue;
      SCOPED_TRACE(t.name);
      absl::StatusOr<std::shared_ptr<const Identity>> id =
          m->Deserialize(Serialize(t.mspid, t.cert_pem));
      ASSERT_TRUE(id.ok()) << id.status();
      absl::Status valid = m->Validate(**id);
      // Org2's crls/ revokes User3 and peer2, as its MSP in the genesis block does.
      const bool revoked = t.name == "User3@org2.example.com" || t.name == "peer2.org2.example.com";
      EXPECT_EQ(valid.ok(), !revoked) << valid;
      if (revoked) continue;
      ++validated;
      const RoleType role = RoleOf(t.name);
      for (RoleType r : {common::MSPRole::ADMIN, common::MSPRole::CLIENT, common::MSPRole::PEER,
                         common::MSPRole::ORDERER, common::MSPRole::MEMBER}) {
        absl::Status sat = m->SatisfiesPrincipal(**id, testing::RolePrincipal(org.mspid, r));
        EXPECT_EQ(sat.ok(), r == role || r == common::MSPRole::MEMBER)
            << "role " << r << ": " << sat;
      }
    }
  }
  EXPECT_GE(validated, 15);
}

TEST(MspDirTest, RogueIdentitiesAreNotOrg1s) {
  std::unique_ptr<Msp> org1 = MspFromDir("Org1MSP", Vector(Orgs()[0].dir));
  ASSERT_NE(org1, nullptr);
  for (const char* cert : {"msp/rogue/users/User1@org1.example.com/msp/signcerts/"
                           "User1@org1.example.com-cert.pem",
                           "msp/rogue/peers/peer0.org1.example.com/msp/signcerts/"
                           "peer0.org1.example.com-cert.pem"}) {
    absl::StatusOr<std::shared_ptr<const Identity>> id =
        org1->Deserialize(Serialize("Org1MSP", Read(Vector(cert))));
    EXPECT_TRUE(!id.ok() || !org1->Validate(**id).ok()) << cert;
  }
}

TEST(MspDirTest, WithoutIntermediatesOrg3IdentitiesDoNotValidate) {
  std::string dir = CopyOf(Orgs()[2].dir, "org3_no_ica");
  fs::remove_all(fs::path(dir) / "intermediatecerts");
  msp::FabricMSPConfig conf = FromDir("Org3MSP", dir);
  EXPECT_EQ(conf.intermediate_certs_size(), 0);
  // The NodeOU certificate file is gone too: Fabric leaves it empty (any issuer).
  EXPECT_TRUE(conf.fabric_node_ous().peer_ou_identifier().certificate().empty());
  EXPECT_EQ(conf.fabric_node_ous().peer_ou_identifier().organizational_unit_identifier(), "peer");
  std::unique_ptr<Msp> m = MspFromDir("Org3MSP", dir);
  ASSERT_NE(m, nullptr);
  TestIdentity peer = testing::Find("peer0.org3.example.com");
  absl::StatusOr<std::shared_ptr<const Identity>> id =
      m->Deserialize(Serialize("Org3MSP", peer.cert_pem));
  EXPECT_TRUE(!id.ok() || !m->Validate(**id).ok());
}

TEST(MspDirTest, MissingDirectoryIsNotFound) {
  absl::StatusOr<msp::MSPConfig> c = MspConfigFromDir("X", TempDir("gone") + "/nothing");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
}

TEST(MspDirTest, NoCaCertificateIsInvalid) {
  std::string dir = CopyOf(Orgs()[0].dir, "no_ca");
  fs::remove_all(fs::path(dir) / "cacerts");
  absl::StatusOr<msp::MSPConfig> c = MspConfigFromDir("Org1MSP", dir);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("ca certificate"));

  // A cacerts/ with only non-PEM files and a subdirectory counts as empty.
  fs::create_directories(fs::path(dir) / "cacerts" / "sub");
  Write(fs::path(dir) / "cacerts" / "junk.pem", "not pem");
  Write(fs::path(dir) / "cacerts" / "sub" / "ca.pem",
        Read(Vector(Orgs()[0].dir + "/cacerts/ca.org1.example.com-cert.pem")));
  c = MspConfigFromDir("Org1MSP", dir);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MspDirTest, ReadsEveryFolderInNameOrder) {
  std::string dir = CopyOf(Orgs()[0].dir, "folders");
  const fs::path d(dir);
  const std::string ca = Read(Vector(Orgs()[0].dir + "/cacerts/ca.org1.example.com-cert.pem"));
  const std::string other = Read(Vector(Orgs()[1].dir + "/cacerts/ca.org2.example.com-cert.pem"));
  Write(d / "cacerts" / "a-first.pem", other);  // sorts before ca.org1...
  Write(d / "cacerts" / "README", "no pem here");
  Write(d / "admincerts" / "admin.pem", "comment before\n" + other);
  Write(d / "intermediatecerts" / "ica.pem", other);
  Write(d / "crls" / "crl.pem", Read(Vector("config_update_org1_crl.pem")));
  Write(d / "tlsintermediatecerts" / "tlsica.pem", other);
  msp::FabricMSPConfig conf = FromDir("Org1MSP", dir);
  EXPECT_EQ(AsVector(conf.root_certs()), (std::vector<std::string>{other, ca}));
  EXPECT_EQ(AsVector(conf.admins()), (std::vector<std::string>{"comment before\n" + other}));
  EXPECT_EQ(AsVector(conf.intermediate_certs()), (std::vector<std::string>{other}));
  EXPECT_EQ(AsVector(conf.revocation_list()),
            (std::vector<std::string>{Read(Vector("config_update_org1_crl.pem"))}));
  EXPECT_EQ(AsVector(conf.tls_intermediate_certs()), (std::vector<std::string>{other}));

  // TLS intermediates are read only when there are TLS roots.
  fs::remove_all(d / "tlscacerts");
  conf = FromDir("Org1MSP", dir);
  EXPECT_EQ(conf.tls_root_certs_size(), 0);
  EXPECT_EQ(conf.tls_intermediate_certs_size(), 0);
}

TEST(MspDirTest, ConfigYamlVariants) {
  std::string dir = CopyOf(Orgs()[0].dir, "yaml");
  const fs::path d(dir);
  const std::string ca = Read(Vector(Orgs()[0].dir + "/cacerts/ca.org1.example.com-cert.pem"));

  // No config.yaml: no NodeOUs.
  fs::remove(d / "config.yaml");
  EXPECT_FALSE(FromDir("Org1MSP", dir).has_fabric_node_ous());

  // NodeOUs disabled.
  Write(d / "config.yaml",
        "NodeOUs:\n  Enable: false\n  ClientOUIdentifier:\n"
        "    OrganizationalUnitIdentifier: client\n");
  EXPECT_FALSE(FromDir("Org1MSP", dir).has_fabric_node_ous());

  // Quoted values, comments, a role without OU (left out), one without certificate, and
  // OrganizationalUnitIdentifiers.
  Write(d / "config.yaml",
        "# written by hand\n"
        "---\n"
        "OrganizationalUnitIdentifiers:\n"
        "  - Certificate: \"cacerts/ca.org1.example.com-cert.pem\"  # the root\n"
        "    OrganizationalUnitIdentifier: 'COP'\n"
        "NodeOUs:\n"
        "  Enable: yes\n"
        "  ClientOUIdentifier:\n"
        "    OrganizationalUnitIdentifier: client\n"
        "  PeerOUIdentifier:\n"
        "    Certificate: cacerts/ca.org1.example.com-cert.pem\n"
        "    OrganizationalUnitIdentifier: peer\n"
        "  AdminOUIdentifier:\n"
        "    Certificate: cacerts/ca.org1.example.com-cert.pem\n"
        "  Unknown: ignored\n");
  msp::FabricMSPConfig conf = FromDir("Org1MSP", dir);
  ASSERT_EQ(conf.organizational_unit_identifiers_size(), 1);
  EXPECT_EQ(conf.organizational_unit_identifiers(0).organizational_unit_identifier(), "COP");
  EXPECT_EQ(conf.organizational_unit_identifiers(0).certificate(), ca);
  ASSERT_TRUE(conf.fabric_node_ous().enable());
  EXPECT_EQ(conf.fabric_node_ous().client_ou_identifier().organizational_unit_identifier(),
            "client");
  EXPECT_EQ(conf.fabric_node_ous().client_ou_identifier().certificate(), "");
  EXPECT_EQ(conf.fabric_node_ous().peer_ou_identifier().certificate(), ca);
  EXPECT_FALSE(conf.fabric_node_ous().has_admin_ou_identifier());
  EXPECT_FALSE(conf.fabric_node_ous().has_orderer_ou_identifier());

  // An OU identifier whose certificate cannot be read fails, as in Fabric.
  Write(d / "config.yaml",
        "OrganizationalUnitIdentifiers:\n- Certificate: cacerts/missing.pem\n"
        "  OrganizationalUnitIdentifier: COP\n");
  absl::StatusOr<msp::MSPConfig> c = MspConfigFromDir("Org1MSP", dir);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("missing.pem"));

  for (const char* bad :
       {"NodeOUs:\n  Enable: maybe\n", "NodeOUs: [a, b]\n", "NodeOUs:\n\tEnable: true\n",
        "NodeOUs:\n  Enable: \"true\n", "NodeOUs: 3\n", "- a\n- b\n",
        "NodeOUs:\n  ClientOUIdentifier:\n    OrganizationalUnitIdentifier:\n"
        "      nested: map\n  Enable: true\n"}) {
    Write(d / "config.yaml", bad);
    c = MspConfigFromDir("Org1MSP", dir);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(YamlTest, ParsesMappingsListsAndScalars) {
  absl::StatusOr<YamlNode> doc = internal::ParseYaml(
      "a: 1\n"
      "b:\n"
      "  c: 'it''s'   # comment\n"
      "  d: \"x\\ty \\u00e9 \\\\ \\\" # not a comment\"\n"
      "list:\n"
      "- one\n"
      "- k: v\n"
      "  k2: v2\n"
      "-\n"
      "  - nested\n"
      "empty:\n"
      "nul: ~\n"
      "flow: []\n"
      "url: http://x#y\n"
      "...\n"
      "ignored: after end\n");
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->kind, YamlNode::Kind::kMap);
  EXPECT_EQ(doc->Get("a")->scalar, "1");
  EXPECT_EQ(doc->Get("b")->Get("c")->scalar, "it's");
  EXPECT_TRUE(doc->Get("b")->Get("c")->quoted);
  EXPECT_EQ(doc->Get("b")->Get("d")->scalar, "x\ty \xc3\xa9 \\ \" # not a comment");
  const YamlNode* list = doc->Get("list");
  ASSERT_EQ(list->kind, YamlNode::Kind::kList);
  ASSERT_EQ(list->list.size(), 3u);
  EXPECT_EQ(list->list[0].scalar, "one");
  EXPECT_EQ(list->list[1].Get("k2")->scalar, "v2");
  ASSERT_EQ(list->list[2].kind, YamlNode::Kind::kList);
  EXPECT_EQ(list->list[2].list[0].scalar, "nested");
  EXPECT_EQ(doc->Get("empty")->kind, YamlNode::Kind::kNull);
  EXPECT_EQ(doc->Get("nul")->kind, YamlNode::Kind::kNull);
  EXPECT_EQ(doc->Get("flow")->kind, YamlNode::Kind::kList);
  EXPECT_EQ(doc->Get("url")->scalar, "http://x#y");
  EXPECT_EQ(doc->Get("ignored"), nullptr);
  EXPECT_EQ(doc->Get("missing"), nullptr);

  absl::StatusOr<YamlNode> empty = internal::ParseYaml("# nothing\n\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->kind, YamlNode::Kind::kNull);
}

TEST(YamlTest, BoolsAndStringsAsYamlV2ReadsThem) {
  YamlNode n;
  n.kind = YamlNode::Kind::kScalar;
  for (const char* t : {"true", "True", "TRUE", "yes", "on", "Y"}) {
    n.scalar = t;
    EXPECT_EQ(internal::YamlBool(n).value_or(false), true) << t;
  }
  for (const char* f : {"false", "no", "OFF", "n"}) {
    n.scalar = f;
    absl::StatusOr<bool> b = internal::YamlBool(n);
    ASSERT_TRUE(b.ok()) << f;
    EXPECT_FALSE(*b);
  }
  n.scalar = "1";
  EXPECT_FALSE(internal::YamlBool(n).ok());
  n.scalar = "true";
  n.quoted = true;
  EXPECT_FALSE(internal::YamlBool(n).ok());
  EXPECT_EQ(*internal::YamlString(n), "true");
  EXPECT_FALSE(*internal::YamlBool(YamlNode{}));
  EXPECT_EQ(*internal::YamlString(YamlNode{}), "");
  YamlNode map;
  map.kind = YamlNode::Kind::kMap;
  EXPECT_FALSE(internal::YamlString(map).ok());
}

TEST(YamlTest, RefusesWhatItDoesNotRead) {
  for (const char* bad : {"a: {b: c}\n", "a: [1, 2]\n", "a: &anchor x\n", "a: |\n  text\n",
                          "a: b\n  c: d\n", "a:\n  - x\n  y: z\n", "a: 'open\n", "a: \"\\q\"\n",
                          "a: b\n- c\n", "? complex\n", "a:\n\t- x\n", "a: \"x\" y\n"}) {
    EXPECT_EQ(internal::ParseYaml(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace fabric::identity
