// Msp::Create: Fabric's setupV142 (msp/mspimplsetup.go), step by step.
#include "lib/identity/msp.h"

#include <openssl/digest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/pem.h"

namespace fabric::identity {
namespace {

using internal::Certificate;
using internal::CertPool;

std::atomic<uint64_t> next_instance{1};

}  // namespace

absl::StatusOr<std::shared_ptr<const Certificate>> Msp::CertificateFromPem(absl::string_view pem) {
  std::optional<PemBlock> block = PemDecode(pem);
  if (!block.has_value()) {
    return absl::InvalidArgumentError("getCertFromPem error: could not decode pem bytes");
  }
  absl::StatusOr<std::shared_ptr<const Certificate>> cert =
      internal::ParseCertificate(block->bytes);
  if (!cert.ok()) {
    return Prefixed("getCertFromPem error: failed to parse x509 cert", cert.status());
  }
  return cert;
}

absl::Status Msp::Prefixed(absl::string_view prefix, const absl::Status& st) {
  return absl::Status(st.code(), absl::StrCat(prefix, ": ", st.message()));
}

Msp::Msp() : instance_(next_instance.fetch_add(1)) {}
Msp::~Msp() = default;

absl::StatusOr<std::unique_ptr<Msp>> Msp::Create(const msp::MSPConfig& config) {
  if (config.type() == 1) return absl::UnimplementedError("Idemix MSPs are not supported");
  if (config.type() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Setup error: unsupported msp type ", config.type()));
  }
  msp::FabricMSPConfig conf;
  if (!conf.ParseFromString(config.config())) {
    return absl::InvalidArgumentError("failed unmarshalling fabric msp config");
  }
  std::unique_ptr<Msp> m(new Msp());
  absl::Status st = m->Setup(conf);
  if (!st.ok()) {
    return absl::Status(st.code(), absl::StrCat("MSP ", conf.name(), ": ", st.message()));
  }
  return m;
}

absl::Status Msp::Setup(const msp::FabricMSPConfig& conf) {
  name_ = conf.name();
  id_hash_ = "SHA256";
  hash_family_ = "SHA2";
  if (conf.has_crypto_config()) {
    if (!conf.crypto_config().identity_identifier_hash_function().empty()) {
      id_hash_ = conf.crypto_config().identity_identifier_hash_function();
    }
    if (!conf.crypto_config().signature_hash_family().empty()) {
      hash_family_ = conf.crypto_config().signature_hash_family();
    }
  }
  if (id_hash_ == "SHA3_256" || id_hash_ == "SHA3_384" || hash_family_ == "SHA3") {
    return absl::UnimplementedError("SHA-3 crypto configurations are not supported");
  }
  if (id_hash_ != "SHA256" && id_hash_ != "SHA384") {
    return absl::InvalidArgumentError(absl::StrCat(
        "failed getting hash function options: hash option not recognized [", id_hash_, "]"));
  }
  FABRIC_RETURN_IF_ERROR(SetupCas(conf));
  FABRIC_RETURN_IF_ERROR(SetupCrls(conf));
  FABRIC_RETURN_IF_ERROR(FinalizeCas());
  FABRIC_RETURN_IF_ERROR(SetupTlsCas(conf));
  FABRIC_RETURN_IF_ERROR(SetupOus(conf));
  FABRIC_RETURN_IF_ERROR(SetupNodeOus(conf));
  return SetupAdmins(conf);
}

std::string Msp::Hash(absl::string_view data) const {
  if (id_hash_ == "SHA256") return Sha256(data);
  uint8_t out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha384(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Msp::ChainIdentifier(const internal::Chain& chain, size_t from) const {
  std::string all;
  for (size_t i = from; i < chain.size(); ++i) all += chain[i]->raw;
  return Hash(all);
}

absl::StatusOr<std::shared_ptr<const Certificate>> Msp::Sanitize(
    std::shared_ptr<const Certificate> cert, const CertPool& roots,
    const CertPool& intermediates) const {
  if (!cert->IsEcdsaSigned()) return cert;
  if (cert->is_ca && internal::CheckSignatureFrom(*cert, *cert).ok()) {
    // A self-signed root: normalize against itself, then check it chains to itself.
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> low,
                            internal::LowSCertificate(cert, *cert));
    CertPool self;
    self.Add(low);
    FABRIC_RETURN_IF_ERROR(internal::UniqueValidationChain(*low, self, intermediates).status());
    return low;
  }
  FABRIC_ASSIGN_OR_RETURN(internal::Chain chain,
                          internal::UniqueValidationChain(*cert, roots, intermediates));
  if (chain.size() <= 1) {
    return absl::InvalidArgumentError(
        "failed to traverse certificate verification chain for leaf or intermediate "
        "certificate");
  }
  return internal::LowSCertificate(cert, *chain[1]);
}

absl::StatusOr<std::shared_ptr<const Certificate>> Msp::ConfigCertificate(
    absl::string_view pem, const CertPool& roots, const CertPool& intermediates) const {
  FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> cert, CertificateFromPem(pem));
  if (cert->key_type != internal::KeyType::kEcdsa && cert->key_type != internal::KeyType::kRsa) {
    return absl::InvalidArgumentError(
        "Certificate's public key type not recognized. Supported keys: [ECDSA, RSA]");
  }
  return Sanitize(std::move(cert), roots, intermediates);
}

absl::Status Msp::SetupCas(const msp::FabricMSPConfig& conf) {
  if (conf.root_certs().empty()) {
    return absl::InvalidArgumentError("expected at least one CA certificate");
  }
  // Chains for normalizing the CA certificates come from the certificates as given.
  CertPool given_roots, given_intermediates;
  for (const std::string& pem : conf.root_certs()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c, CertificateFromPem(pem));
    given_roots.Add(std::move(c));
  }
  for (const std::string& pem : conf.intermediate_certs()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c, CertificateFromPem(pem));
    given_intermediates.Add(std::move(c));
  }
  for (const std::string& pem : conf.root_certs()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c,
                            ConfigCertificate(pem, given_roots, given_intermediates));
    roots_.push_back(std::move(c));
  }
  for (const std::string& pem : conf.intermediate_certs()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c,
                            ConfigCertificate(pem, given_roots, given_intermediates));
    intermediates_.push_back(std::move(c));
  }
  for (const auto& c : roots_) root_pool_.Add(c);
  for (const auto& c : intermediates_) intermediate_pool_.Add(c);
  return absl::OkStatus();
}

absl::Status Msp::SetupCrls(const msp::FabricMSPConfig& conf) {
  for (const std::string& bytes : conf.revocation_list()) {
    FABRIC_ASSIGN_OR_RETURN(internal::Crl crl, internal::ParseCrl(bytes));
    crls_.push_back(std::move(crl));
  }
  return absl::OkStatus();
}

absl::Status Msp::FinalizeCas() {
  std::vector<std::shared_ptr<const Certificate>> cas = roots_;
  cas.insert(cas.end(), intermediates_.begin(), intermediates_.end());
  for (const auto& ca : cas) {
    if (!ca->is_ca) {
      return absl::InvalidArgumentError("CA Certificate did not have the CA attribute");
    }
    if (!ca->has_subject_key_id) {
      return absl::InvalidArgumentError(
          "CA Certificate problem with Subject Key Identifier extension: subjectKeyIdentifier "
          "not found in certificate");
    }
    absl::StatusOr<internal::Chain> chain =
        internal::UniqueValidationChain(*ca, root_pool_, intermediate_pool_);
    absl::Status st = chain.ok() ? absl::OkStatus() : chain.status();
    if (st.ok() && chain->size() > 1) st = CheckRevocation(*ca, *chain);
    if (!st.ok()) return Prefixed("CA Certificate is not valid", st);
  }
  for (const auto& ca : intermediates_) {
    absl::StatusOr<internal::Chain> chain =
        internal::UniqueValidationChain(*ca, root_pool_, intermediate_pool_);
    if (!chain.ok()) return Prefixed("failed getting validation chain", chain.status());
    for (size_t i = 1; i < chain->size(); ++i) internal_nodes_.insert((*chain)[i]->raw);
  }
  return absl::OkStatus();
}

absl::Status Msp::SetupTlsCas(const msp::FabricMSPConfig& conf) {
  CertPool roots, intermediates;
  std::vector<std::shared_ptr<const Certificate>> all;
  for (const std::string& pem : conf.tls_root_certs()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c, CertificateFromPem(pem));
    roots.Add(c);
    all.push_back(std::move(c));
  }
  for (const std::string& pem : conf.tls_intermediate_certs()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c, CertificateFromPem(pem));
    intermediates.Add(c);
    all.push_back(std::move(c));
  }
  for (const auto& ca : all) {
    if (!ca->is_ca) {
      return absl::InvalidArgumentError("TLS CA Certificate did not have the CA attribute");
    }
    if (!ca->has_subject_key_id) {
      return absl::InvalidArgumentError(
          "TLS CA Certificate problem with Subject Key Identifier extension");
    }
    absl::StatusOr<internal::Chain> chain =
        internal::UniqueValidationChain(*ca, roots, intermediates);
    absl::Status st = chain.ok() ? absl::OkStatus() : chain.status();
    if (st.ok() && chain->size() > 1) st = CheckRevocation(*ca, *chain);
    if (!st.ok()) return Prefixed("TLS CA Certificate is not valid", st);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Msp::CertifiersIdentifier(absl::string_view pem) const {
  FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> cert, CertificateFromPem(pem));
  absl::StatusOr<std::shared_ptr<const Certificate>> low =
      Sanitize(cert, root_pool_, intermediate_pool_);
  if (!low.ok()) return Prefixed("sanitizeCert failed", low.status());
  cert = *low;
  for (const auto& root : roots_) {
    if (root->raw == cert->raw) return Hash(cert->raw);
  }
  for (const auto& ca : intermediates_) {
    if (ca->raw != cert->raw) continue;
    absl::StatusOr<internal::Chain> chain = ValidationChain(*cert, /*intermediate_chain=*/true);
    if (!chain.ok()) return Prefixed("Failed computing validation chain", chain.status());
    return ChainIdentifier(*chain, 0);
  }
  return absl::InvalidArgumentError(
      "Failed adding OU. Certificate not in root or intermediate certs.");
}

absl::Status Msp::SetupOus(const msp::FabricMSPConfig& conf) {
  for (const msp::FabricOUIdentifier& ou : conf.organizational_unit_identifiers()) {
    absl::StatusOr<std::string> id = CertifiersIdentifier(ou.certificate());
    if (!id.ok()) {
      return Prefixed(absl::StrCat("failed getting certificate for OU [",
                                   ou.organizational_unit_identifier(), "]"),
                      id.status());
    }
    std::vector<std::string>& ids = ou_identifiers_[ou.organizational_unit_identifier()];
    if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
  }
  return absl::OkStatus();
}

absl::Status Msp::SetupNodeOus(const msp::FabricMSPConfig& conf) {
  if (!conf.has_fabric_node_ous()) return absl::OkStatus();
  const msp::FabricNodeOUs& n = conf.fabric_node_ous();
  ou_enforcement_ = n.enable();
  int count = 0;
  struct Slot {
    bool present;
    const msp::FabricOUIdentifier& config;
    std::optional<NodeOu>* out;
  };
  Slot slots[] = {{n.has_client_ou_identifier(), n.client_ou_identifier(), &client_ou_},
                  {n.has_peer_ou_identifier(), n.peer_ou_identifier(), &peer_ou_},
                  {n.has_admin_ou_identifier(), n.admin_ou_identifier(), &admin_ou_},
                  {n.has_orderer_ou_identifier(), n.orderer_ou_identifier(), &orderer_ou_}};
  for (Slot& slot : slots) {
    if (!slot.present) continue;
    NodeOu ou{slot.config.organizational_unit_identifier(), ""};
    if (!slot.config.certificate().empty()) {
      FABRIC_ASSIGN_OR_RETURN(ou.certifiers_id, CertifiersIdentifier(slot.config.certificate()));
    }
    *slot.out = std::move(ou);
    ++count;
  }
  if (count == 0) ou_enforcement_ = false;
  return absl::OkStatus();
}

absl::Status Msp::SetupAdmins(const msp::FabricMSPConfig& conf) {
  for (const std::string& pem : conf.admins()) {
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c,
                            ConfigCertificate(pem, root_pool_, intermediate_pool_));
    admins_.push_back(c->raw);
  }
  if (admins_.empty() && (!ou_enforcement_ || !admin_ou_.has_value())) {
    return absl::InvalidArgumentError(
        "administrators must be declared when no admin ou classification is set");
  }
  for (size_t i = 0; i < admins_.size(); ++i) {
    // Fabric's postSetupV142: admins must be valid members, or with NodeOUs carry the
    // client or admin OU.
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> c,
                            internal::ParseCertificate(admins_[i]));
    if (!ou_enforcement_) {
      absl::Status st = ValidateCertificate(*c).status;
      if (!st.ok()) return Prefixed(absl::StrCat("admin ", i, " is invalid"), st);
      continue;
    }
    bool ok = false;
    for (const OuIdentifier& ou : OusOf(*c)) {
      ok |= (client_ou_ && ou.organizational_unit == client_ou_->organizational_unit) ||
            (admin_ou_ && ou.organizational_unit == admin_ou_->organizational_unit);
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("admin ", i, " is invalid: it has neither the client nor the admin OU"));
    }
  }
  return absl::OkStatus();
}

}  // namespace fabric::identity
