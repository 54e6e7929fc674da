// Certificates, CRLs and MSP configs: the C ABI's identity checks and channel config
// loading, and lib/identity's PEM, DER and YAML readers.
//
// Input: byte 0 picks the mode, byte 1 a variant, the rest is the subject:
//   0: fabric_identity_validate(conformance config, serialized identity);
//   1: the same with a SerializedIdentity {MSP id picked by the variant, id_bytes =
//      subject}, and fabric_signature_verify of a fixed signature by it;
//   2: PEM: every block PemDecode finds, read as a certificate and as a CRL; a block
//      PemEncode writes decodes back to itself;
//   3: DER: a certificate, a CRL, an ECDSA signature (minimal re-encoding round trip),
//      the x509 summary `fabric inspect` shows;
//   4: YAML: ParseYaml, then every node read as a bool and as a string;
//   5: a serialized MSPConfig: Msp::Create, then known identities deserialized and
//      validated;
//   6: fabric_channel_config_load(block bytes), then its accessors and a validation;
//   7: Org1's (variant odd: Org3's) MSPConfig from the genesis block with one element
//      (root cert, intermediate, admin, CRL, NodeOU cert, OU identifier cert, TLS
//      root; the variant picks which) replaced or added as the subject; then as 5;
//   8: fabric_signature_verify(User1@org1, fixed data, signature = subject).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <openssl/bytestring.h>

#include "fabric/fabric.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/internal/crl.h"
#include "lib/identity/internal/der.h"
#include "lib/identity/pem.h"
#include "lib/identity/internal/yaml.h"
#include "lib/identity/msp.h"
#include "lib/identity/x509_summary.h"
#include "lib/wire/proto/identities.pb.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/proto_util.h"

namespace {

using fabric::fuzz::TakeError;
namespace internal = fabric::identity::internal;

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

struct Globals {
  fabric_channel_config* config = nullptr;
  ::msp::MSPConfig org1, org3;
  std::vector<std::string> identities;  // serialized identities of the vectors
  std::string user1;                    // User1@org1's serialized identity
  std::string data = "data signed for the identity fuzzer";
  std::string user1_signature;
};
Globals* g = nullptr;

std::string Serialized(const std::string& mspid, const std::string& relative_cert) {
  ::msp::SerializedIdentity id;
  id.set_mspid(mspid);
  id.set_id_bytes(fabric::fuzz::ReadVector("msp/" + relative_cert));
  return id.SerializeAsString();
}

// `err` is read after the call (arguments are evaluated in any order).
void CheckValidateCode(int rc, fabric_error** err) {
  FUZZ_CHECK(rc == FABRIC_OK || rc == FABRIC_EDENIED || rc == FABRIC_EMALFORMED,
             "identity_validate: code %d (%s)", rc, *err ? (*err)->message : "");
  FUZZ_CHECK((rc == FABRIC_OK) == (*err == nullptr), "detail iff failure (%d)", rc);
  fabric_error_free(*err);
  *err = nullptr;
}

void ValidateKnown(const fabric::identity::Msp& msp) {
  for (const std::string& serialized : g->identities) {
    auto id = msp.Deserialize(serialized);
    if (!id.ok()) continue;
    (void)msp.Validate(**id);
    (void)msp.OrganizationalUnits(**id);
    ::common::MSPPrincipal principal;
    principal.set_principal_classification(::common::MSPPrincipal::ROLE);
    ::common::MSPRole role;
    role.set_msp_identifier(msp.name());
    for (auto r : {::common::MSPRole::MEMBER, ::common::MSPRole::ADMIN,
                   ::common::MSPRole::PEER, ::common::MSPRole::CLIENT}) {
      role.set_role(r);
      principal.set_principal(role.SerializeAsString());
      (void)msp.SatisfiesPrincipal(**id, principal);
    }
  }
}

void MspFromConfig(const ::msp::MSPConfig& config) {
  auto msp = fabric::identity::Msp::Create(config);
  if (msp.ok()) ValidateKnown(**msp);
}

void WalkYaml(const internal::YamlNode& node, int depth) {
  (void)internal::YamlBool(node);
  (void)internal::YamlString(node);
  for (const auto& [key, child] : node.map) {
    FUZZ_CHECK(node.Get(key) != nullptr, "Get of a present key");
    WalkYaml(child, depth + 1);
  }
  for (const auto& child : node.list) WalkYaml(child, depth + 1);
}

void Der(const std::string& subject) {
  auto cert = internal::ParseCertificate(subject);
  if (cert.ok()) {
    FUZZ_CHECK((*cert)->raw == subject, "a parsed certificate keeps its bytes");
    (void)internal::CheckSignatureFrom(**cert, **cert);
  }
  (void)internal::ParseCrl(subject);
  auto sig = internal::ParseEcdsaSignature(subject);
  if (sig.ok()) {
    auto der = internal::MarshalEcdsaSignature(sig->r.get(), sig->s.get());
    FUZZ_CHECK(der.ok(), "marshal of a parsed signature: %s", der.status().ToString().c_str());
    auto again = internal::ParseEcdsaSignature(*der);
    FUZZ_CHECK(again.ok() && BN_cmp(again->r.get(), sig->r.get()) == 0 &&
                   BN_cmp(again->s.get(), sig->s.get()) == 0,
               "signature round trip");
  }
  (void)fabric::identity::SummarizeCertificate(subject);
  CBS cbs;
  CBS_init(&cbs, U(subject), subject.size());
  (void)internal::ReadTime(&cbs);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g = new Globals();
  const std::string genesis = fabric::fuzz::ReadVector("genesis.block");
  fabric_error* err = nullptr;
  FUZZ_CHECK(fabric_channel_config_load(&g->config, U(genesis), genesis.size(), &err) ==
                 FABRIC_OK,
             "config: %s", TakeError(err).c_str());
  const ::common::Config config = fabric::fuzz::ConfigOfBlock(genesis);
  g->org1 = fabric::fuzz::MspConfigOf(config, "Org1MSP");
  g->org3 = fabric::fuzz::MspConfigOf(config, "Org3MSP");
  const char* const users[][2] = {
      {"Org1MSP", "org1.example.com/users/User1@org1.example.com"},
      {"Org1MSP", "org1.example.com/users/Admin@org1.example.com"},
      {"Org1MSP", "org1.example.com/peers/peer0.org1.example.com"},
      {"Org2MSP", "org2.example.com/users/User3@org2.example.com"},
      {"Org3MSP", "org3.example.com/users/User1@org3.example.com"},
  };
  for (const auto& u : users) {
    const std::string dir = std::string("peerOrganizations/") + u[1];
    const std::string name = dir.substr(dir.rfind('/') + 1);
    g->identities.push_back(Serialized(u[0], dir + "/msp/signcerts/" + name + "-cert.pem"));
  }
  g->user1 = g->identities[0];
  fabric_signer* signer = fabric::fuzz::Signer(
      "Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com");
  fabric_buf sig = FABRIC_BUF_INIT;
  FUZZ_CHECK(fabric_signer_sign(&sig, signer, U(g->data), g->data.size(), nullptr) == FABRIC_OK,
             "sign");
  g->user1_signature.assign(reinterpret_cast<const char*>(sig.data), sig.size);
  fabric_buf_dispose(&sig);
  fabric_signer_free(signer);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int mode = data[0] % 9;
  const int variant = data[1];
  const std::string subject(reinterpret_cast<const char*>(data + 2), size - 2);
  fabric_error* err = nullptr;
  switch (mode) {
    case 0:
      CheckValidateCode(fabric_identity_validate(g->config, U(subject), subject.size(), &err),
                        &err);
      break;
    case 1: {
      static const char* const kMsps[] = {"Org1MSP", "Org2MSP", "Org3MSP", "OrdererMSP",
                                          "Org9MSP"};
      ::msp::SerializedIdentity id;
      id.set_mspid(kMsps[variant % 5]);
      id.set_id_bytes(subject);
      const std::string serialized = id.SerializeAsString();
      CheckValidateCode(
          fabric_identity_validate(g->config, U(serialized), serialized.size(), &err), &err);
      int rc = fabric_signature_verify(g->config, U(serialized), serialized.size(), U(g->data),
                                       g->data.size(), U(g->user1_signature),
                                       g->user1_signature.size(), &err);
      FUZZ_CHECK(rc == FABRIC_OK || rc == FABRIC_EDENIED || rc == FABRIC_EMALFORMED,
                 "signature_verify: %d", rc);
      fabric_error_free(err);
      break;
    }
    case 2: {
      absl::string_view rest = subject;
      for (int i = 0; i < 16; ++i) {
        auto block = fabric::identity::PemDecode(rest);
        if (!block) break;
        FUZZ_CHECK(block->rest.size() < rest.size(), "PemDecode made no progress");
        (void)internal::ParseCertificate(block->bytes);
        (void)internal::ParseCrl(block->bytes);
        if (block->type.find('\n') == std::string::npos &&
            block->type.find('-') == std::string::npos) {
          auto again = fabric::identity::PemDecode(fabric::identity::PemEncode(block->type, block->bytes));
          FUZZ_CHECK(again && again->type == block->type && again->bytes == block->bytes,
                     "PEM round trip of a %zu-byte block of type '%s'", block->bytes.size(),
                     block->type.c_str());
        }
        rest = block->rest;
      }
      (void)internal::ParseCrl(subject);
      break;
    }
    case 3:
      Der(subject);
      break;
    case 4: {
      auto doc = internal::ParseYaml(subject);
      if (doc.ok()) WalkYaml(*doc, 0);
      break;
    }
    case 5: {
      ::msp::MSPConfig config;
      if (config.ParseFromString(subject)) MspFromConfig(config);
      break;
    }
    case 6: {
      fabric_channel_config* config = nullptr;
      int rc = fabric_channel_config_load(&config, U(subject), subject.size(), &err);
      if (rc != FABRIC_OK) {
        FUZZ_CHECK(config == nullptr && err != nullptr, "config_load failure %d", rc);
        fabric_error_free(err);
        break;
      }
      (void)fabric_channel_config_channel_id(config);
      (void)fabric_channel_config_sequence(config);
      const size_t n = fabric_channel_config_msp_count(config);
      for (size_t i = 0; i < n; ++i) {
        FUZZ_CHECK(fabric_channel_config_msp_id(config, i) != nullptr, "msp id %zu", i);
      }
      FUZZ_CHECK(fabric_channel_config_msp_id(config, n) == nullptr, "msp id past the end");
      for (const std::string& id : g->identities) {
        CheckValidateCode(fabric_identity_validate(config, U(id), id.size(), &err), &err);
      }
      fabric_channel_config_free(config);
      break;
    }
    case 7: {
      ::msp::MSPConfig msp = (variant & 1) ? g->org3 : g->org1;
      ::msp::FabricMSPConfig fabric_config;
      FUZZ_CHECK(fabric_config.ParseFromString(msp.config()), "FabricMSPConfig");
      auto set = [&](google::protobuf::RepeatedPtrField<std::string>* field) {
        if (((variant >> 4) & 1) || field->empty()) {
          *field->Add() = subject;
        } else {
          *field->Mutable(0) = subject;
        }
      };
      switch ((variant >> 1) % 8) {
        case 0: set(fabric_config.mutable_root_certs()); break;
        case 1: set(fabric_config.mutable_intermediate_certs()); break;
        case 2: set(fabric_config.mutable_admins()); break;
        case 3: set(fabric_config.mutable_revocation_list()); break;
        case 4:
          fabric_config.mutable_fabric_node_ous()->mutable_peer_ou_identifier()->set_certificate(
              subject);
          break;
        case 5: {
          auto* ou = fabric_config.add_organizational_unit_identifiers();
          ou->set_certificate(subject);
          ou->set_organizational_unit_identifier("peer");
          break;
        }
        case 6: set(fabric_config.mutable_tls_root_certs()); break;
        case 7: fabric_config.mutable_crypto_config()->set_signature_hash_family(subject); break;
      }
      msp.set_config(fabric_config.SerializeAsString());
      MspFromConfig(msp);
      break;
    }
    case 8: {
      int rc = fabric_signature_verify(g->config, U(g->user1), g->user1.size(), U(g->data),
                                       g->data.size(), U(subject), subject.size(), &err);
      FUZZ_CHECK(rc == FABRIC_OK || rc == FABRIC_EDENIED || rc == FABRIC_EMALFORMED,
                 "signature_verify: %d", rc);
      fabric_error_free(err);
      break;
    }
  }
  return 0;
}
