// Msp deserialization and validation: Fabric's deserializeIdentityInternal and newIdentity
// (msp/mspimpl.go, msp/identities.go) and validateIdentity (msp/mspimplvalidate.go).
#include <openssl/ec_key.h>
#include <openssl/evp.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/base/status_macros.h"
#include "lib/crypto/p256_key_table.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/internal/der.h"
#include "lib/identity/msp.h"
#include "lib/identity/pem.h"
#include "lib/wire/proto/identities.pb.h"

namespace fabric::identity {
namespace {

using internal::Certificate;

// Fabric's OUIDs.String(): "[name(first 8 bytes of the certifiers id, hex) ...]".
std::string Describe(const std::vector<OuIdentifier>& ous) {
  std::vector<std::string> parts;
  for (const OuIdentifier& ou : ous) {
    parts.push_back(absl::StrCat(
        ou.organizational_unit, "(",
        absl::AsciiStrToUpper(absl::BytesToHexString(ou.certifiers_id.substr(0, 8))), ")"));
  }
  return absl::StrCat("[", absl::StrJoin(parts, " "), "]");
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Identity>> Msp::Deserialize(
    absl::string_view serialized) const {
  msp::SerializedIdentity sid;
  if (!sid.ParseFromArray(serialized.data(), static_cast<int>(serialized.size()))) {
    return absl::InvalidArgumentError("could not deserialize a SerializedIdentity");
  }
  if (sid.mspid() != name_) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected MSP ID ", name_, ", received ", sid.mspid()));
  }
  return DeserializeIdBytes(sid.id_bytes(), std::string(serialized));
}

absl::StatusOr<std::shared_ptr<const Identity>> Msp::DeserializeIdBytes(
    absl::string_view id_bytes, std::string serialized) const {
  std::optional<PemBlock> block = PemDecode(id_bytes);
  if (!block.has_value()) return absl::InvalidArgumentError("could not decode the PEM structure");
  absl::StatusOr<std::shared_ptr<const Certificate>> cert =
      internal::ParseCertificate(block->bytes);
  if (!cert.ok()) return Prefixed("parseCertificate failed", cert.status());
  const internal::KeyType key_type = (*cert)->key_type;
  if (key_type != internal::KeyType::kEcdsa && key_type != internal::KeyType::kRsa) {
    return absl::InvalidArgumentError(
        "failed to import certificate's public key: Certificate's public key type not "
        "recognized. Supported keys: [ECDSA, RSA]");
  }
  FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> low,
                          Sanitize(*cert, root_pool_, intermediate_pool_));
  std::shared_ptr<Identity> id(new Identity());
  id->mspid_ = name_;
  id->id_ = absl::BytesToHexString(Hash(low->raw));
  id->serialized_ = std::move(serialized);
  if (key_type == internal::KeyType::kEcdsa) {
    id->ec_key_.reset(EVP_PKEY_get1_EC_KEY(low->public_key.get()));
    id->p256_point_ = crypto::P256PointOf(id->ec_key_.get());
  }
  id->cert_ = std::move(low);
  id->hash_family_ = hash_family_;
  return std::shared_ptr<const Identity>(std::move(id));
}

absl::Status Msp::IsWellFormed(const msp::SerializedIdentity& identity) {
  std::optional<PemBlock> block = PemDecode(identity.id_bytes());
  if (!block.has_value()) {
    return absl::InvalidArgumentError("PEM decoding resulted in an empty block");
  }
  if (!block->rest.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("identity for MSP ", identity.mspid(), " has trailing bytes"));
  }
  if (block->type != "CERTIFICATE" && !block->type.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("pem type is ", block->type, ", should be 'CERTIFICATE' or missing"));
  }
  FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const Certificate> cert,
                          internal::ParseCertificate(block->bytes));
  if (!cert->IsEcdsaSigned()) return absl::OkStatus();
  FABRIC_ASSIGN_OR_RETURN(internal::EcdsaSignature sig,
                          internal::ParseEcdsaSignature(cert->signature));
  FABRIC_ASSIGN_OR_RETURN(std::string canonical,
                          internal::MarshalEcdsaSignature(sig.r.get(), sig.s.get()));
  if (canonical != cert->signature) {
    return absl::InvalidArgumentError(
        absl::StrCat("identity for MSP ", identity.mspid(), " has a non canonical signature"));
  }
  return absl::OkStatus();
}

absl::Status Msp::Validate(const Identity& id) const { return ValidationOf(id)->status; }

std::vector<OuIdentifier> Msp::OrganizationalUnits(const Identity& id) const {
  return OusOf(id.certificate());
}

std::shared_ptr<const internal::ValidationResult> Msp::ValidationOf(const Identity& id) const {
  {
    absl::MutexLock lock(&id.memo_mu_);
    if (id.memo_msp_ == instance_) return id.memo_;
  }
  auto result =
      std::make_shared<const internal::ValidationResult>(ValidateCertificate(id.certificate()));
  if (result->status.ok()) id.validated_.store(true, std::memory_order_relaxed);
  absl::MutexLock lock(&id.memo_mu_);
  id.memo_msp_ = instance_;
  id.memo_ = result;
  return result;
}

internal::ValidationResult Msp::ValidateCertificate(const Certificate& cert) const {
  internal::ValidationResult out;
  if (cert.is_ca) {
    out.status = absl::InvalidArgumentError(
        "could not obtain certification chain: An X509 certificate with Basic Constraint: "
        "Certificate Authority equals true cannot be used as an identity");
    return out;
  }
  absl::StatusOr<internal::Chain> chain = ValidationChain(cert, /*intermediate_chain=*/false);
  if (!chain.ok()) {
    out.status = Prefixed("could not obtain certification chain", chain.status());
    return out;
  }
  if (absl::Status st = CheckRevocation(cert, *chain); !st.ok()) {
    out.status = Prefixed("could not validate identity against certification chain", st);
    return out;
  }
  std::string certifiers = ChainIdentifier(*chain, 1);
  for (const std::string& ou : cert.subject_ous) out.ous.push_back({ou, certifiers});
  if (absl::Status st = CheckOus(out.ous); !st.ok()) {
    out.status = Prefixed("could not validate identity's OUs", st);
  }
  return out;
}

std::vector<OuIdentifier> Msp::OusOf(const Certificate& cert) const {
  std::vector<OuIdentifier> ous;
  if (cert.is_ca) return ous;
  absl::StatusOr<internal::Chain> chain = ValidationChain(cert, /*intermediate_chain=*/false);
  if (!chain.ok()) return ous;
  std::string certifiers = ChainIdentifier(*chain, 1);
  for (const std::string& ou : cert.subject_ous) ous.push_back({ou, certifiers});
  return ous;
}

absl::StatusOr<internal::Chain> Msp::ValidationChain(const Certificate& cert,
                                                     bool intermediate_chain) const {
  absl::StatusOr<internal::Chain> chain =
      internal::UniqueValidationChain(cert, root_pool_, intermediate_pool_);
  if (!chain.ok()) return Prefixed("failed getting validation chain", chain.status());
  if (chain->size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a chain of length at least 2, got ", chain->size()));
  }
  const Certificate* parent = (*chain)[intermediate_chain ? 0 : 1];
  if (internal_nodes_.contains(parent->raw)) {
    return absl::InvalidArgumentError(
        "invalid validation chain. Parent certificate should be a leaf of the certification "
        "tree");
  }
  return chain;
}

absl::Status Msp::CheckRevocation(const Certificate& cert, const internal::Chain& chain) const {
  const Certificate& issuer = *chain[1];
  if (!issuer.has_subject_key_id) {
    return absl::InvalidArgumentError(
        "could not obtain Subject Key Identifier for signer cert: subjectKeyIdentifier not "
        "found in certificate");
  }
  for (const internal::Crl& crl : crls_) {
    if (!crl.authority_key_id_status.ok()) {
      return Prefixed("could not obtain Authority Key Identifier for crl",
                      crl.authority_key_id_status);
    }
    if (crl.authority_key_id != issuer.subject_key_id) continue;
    for (const std::string& serial : crl.revoked_serials) {
      // A CRL naming the issuer's key but not signed by it is skipped.
      if (serial == cert.serial && internal::CheckCrlSignature(crl, issuer).ok()) {
        return absl::PermissionDeniedError("The certificate has been revoked");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Msp::CheckOus(const std::vector<OuIdentifier>& ous) const {
  if (!ou_identifiers_.empty()) {
    bool found = false;
    for (const OuIdentifier& ou : ous) {
      auto it = ou_identifiers_.find(ou.organizational_unit);
      if (it == ou_identifiers_.end()) continue;
      for (const std::string& id : it->second) found |= id == ou.certifiers_id;
    }
    if (!found) {
      if (ous.empty()) {
        return absl::PermissionDeniedError(
            "the identity certificate does not contain an Organizational Unit (OU)");
      }
      return absl::PermissionDeniedError(absl::StrCat(
          "none of the identity's organizational units ", Describe(ous), " are in MSP ", name_));
    }
  }
  if (!ou_enforcement_) return absl::OkStatus();

  // The node OUs by name; a later role wins a shared name, as in Fabric's map.
  absl::flat_hash_map<std::string, const NodeOu*> node_ous;
  for (const std::optional<NodeOu>* n : {&client_ou_, &peer_ou_, &admin_ou_, &orderer_ou_}) {
    if (n->has_value()) node_ous[(*n)->organizational_unit] = &**n;
  }
  int count = 0;
  for (const OuIdentifier& ou : ous) {
    auto it = node_ous.find(ou.organizational_unit);
    if (it == node_ous.end()) continue;
    const NodeOu& node = *it->second;
    if (!node.certifiers_id.empty() && node.certifiers_id != ou.certifiers_id) {
      return absl::PermissionDeniedError(absl::StrCat(
          "certifiersIdentifier does not match: ", Describe(ous), ", MSP: [", name_, "]"));
    }
    if (++count > 1) break;
  }
  if (count == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the identity does not have an OU that resolves to client, peer, orderer, or admin "
        "role. OUs: ",
        Describe(ous), ", MSP: [", name_, "]"));
  }
  if (count > 1) {
    return absl::PermissionDeniedError(absl::StrCat(
        "the identity must have a client, a peer, an orderer, or an admin OU role to be "
        "valid, not a combination of them. OUs: ",
        Describe(ous), ", MSP: [", name_, "]"));
  }
  return absl::OkStatus();
}

}  // namespace fabric::identity
