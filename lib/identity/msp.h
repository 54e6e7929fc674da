// One membership service provider, built from its channel-config MSPConfig, behaving
// as Fabric 2.5's X.509 MSP at version 1.4.3 (channels with V1_4_2 or later
// capabilities, V2_0 included): msp/mspimpl.go, mspimplsetup.go, mspimplvalidate.go.
//
//   absl::StatusOr<std::unique_ptr<Msp>> msp = Msp::Create(config);
//   auto id = (*msp)->Deserialize(serialized_identity);
//   absl::Status valid = (*msp)->Validate(**id);
//
// What Fabric does and so do we:
// - Certificates signed with ECDSA are rewritten with a low-S signature; ids, admin and
//   IDENTITY principals compare those normalized bytes. Normalizing needs the issuer,
//   found by building the certificate's chain, so Deserialize fails for an
//   ECDSA-signed certificate with no unique chain in this MSP (a foreign or rogue cert)
//   though it does not otherwise validate.
// - Validate: not a CA; exactly one chain to a root at NotBefore + 1 s (expired and
//   not-yet-valid certificates pass); the issuer is a leaf of the MSP's CA tree; not
//   revoked by a CRL of the issuer; OU identifiers; with NodeOUs exactly one of the
//   client/peer/admin/orderer OUs.
//
// Not supported, an error rather than a guess: Idemix MSPs and SHA-3 crypto configs
// (Create fails); RSA-PSS certificate signatures and CA name constraints over SAN names
// (chains through them fail). The config's signing identity is ignored: a validating
// peer signs nothing with it.
//
// Thread safety: immutable after Create; all methods may be called concurrently.
#ifndef FABRIC_LIB_IDENTITY_MSP_H_
#define FABRIC_LIB_IDENTITY_MSP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/identity/identity.h"
#include "lib/identity/internal/chain.h"
#include "lib/identity/internal/crl.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::identity {

// An organizational unit of an identity, with the hash of the certificate chain that
// issued it (Fabric's OUIdentifier).
struct OuIdentifier {
  std::string organizational_unit;
  std::string certifiers_id;
};

namespace internal {
// The outcome of validating one identity, with its OUs when it has a chain.
struct ValidationResult {
  absl::Status status;
  std::vector<OuIdentifier> ous;
};
}  // namespace internal

class Msp {
 public:
  // `config.type` 0 (FABRIC) only; IDEMIX (1) is Unimplemented, others InvalidArgument.
  // Fails, saying why, where Fabric's Setup fails.
  static absl::StatusOr<std::unique_ptr<Msp>> Create(const msp::MSPConfig& config);

  ~Msp();
  Msp(const Msp&) = delete;
  Msp& operator=(const Msp&) = delete;

  // The MSP id.
  const std::string& name() const { return name_; }

  // A SerializedIdentity whose mspid is this MSP's. Does not validate.
  absl::StatusOr<std::shared_ptr<const Identity>> Deserialize(absl::string_view serialized) const;

  // The identity in `id_bytes` (a PEM certificate) as this MSP's; `serialized` is what
  // the identity reports as serialized() (the caller already parsed it).
  absl::StatusOr<std::shared_ptr<const Identity>> DeserializeIdBytes(absl::string_view id_bytes,
                                                                     std::string serialized) const;

  // OK, or why `id` is not a valid identity of this MSP.
  absl::Status Validate(const Identity& id) const;

  // OK, or why `id` does not satisfy `principal` (ROLE, ORGANIZATION_UNIT, IDENTITY,
  // ANONYMITY, COMBINED), as Fabric's MSP 1.4.3 decides it.
  absl::Status SatisfiesPrincipal(const Identity& id, const common::MSPPrincipal& principal) const;

  // Fabric's GetOrganizationalUnits: the subject OUs with the certifiers identifier of
  // `id`'s chain; empty when `id` has no valid chain here.
  std::vector<OuIdentifier> OrganizationalUnits(const Identity& id) const;

  bool node_ous_enabled() const { return ou_enforcement_; }

  // Fabric's IsWellFormed for X.509 identities (gossip checks it; block validation does
  // not): one PEM block of type CERTIFICATE or none, nothing after it, a certificate
  // whose ECDSA signature, if any, is canonically encoded. Independent of any MSP.
  static absl::Status IsWellFormed(const msp::SerializedIdentity& identity);

 private:
  struct NodeOu {
    std::string organizational_unit;
    std::string certifiers_id;  // "" means any issuer
  };

  Msp();
  // `st` with "`prefix`: " before its message (Go's errors.WithMessage).
  static absl::Status Prefixed(absl::string_view prefix, const absl::Status& st);
  absl::Status Setup(const msp::FabricMSPConfig& conf);
  absl::Status SetupCas(const msp::FabricMSPConfig& conf);
  absl::Status SetupCrls(const msp::FabricMSPConfig& conf);
  absl::Status FinalizeCas();
  absl::Status SetupTlsCas(const msp::FabricMSPConfig& conf);
  absl::Status SetupOus(const msp::FabricMSPConfig& conf);
  absl::Status SetupNodeOus(const msp::FabricMSPConfig& conf);
  absl::Status SetupAdmins(const msp::FabricMSPConfig& conf);
  absl::StatusOr<std::string> CertifiersIdentifier(absl::string_view pem) const;

  // A certificate from config bytes, parsed and low-S normalized against `roots` and
  // `intermediates` (Fabric's getIdentityFromConf).
  absl::StatusOr<std::shared_ptr<const internal::Certificate>> ConfigCertificate(
      absl::string_view pem, const internal::CertPool& roots,
      const internal::CertPool& intermediates) const;
  absl::StatusOr<std::shared_ptr<const internal::Certificate>> Sanitize(
      std::shared_ptr<const internal::Certificate> cert, const internal::CertPool& roots,
      const internal::CertPool& intermediates) const;
  std::string Hash(absl::string_view data) const;
  std::string ChainIdentifier(const internal::Chain& chain, size_t from) const;

  // Fabric's getCertFromPem: the first PEM block, of any type, as a certificate.
  static absl::StatusOr<std::shared_ptr<const internal::Certificate>> CertificateFromPem(
      absl::string_view pem);

  // Validation, memoized in the identity.
  std::shared_ptr<const internal::ValidationResult> ValidationOf(const Identity& id) const;
  internal::ValidationResult ValidateCertificate(const internal::Certificate& cert) const;
  std::vector<OuIdentifier> OusOf(const internal::Certificate& cert) const;
  absl::StatusOr<internal::Chain> ValidationChain(const internal::Certificate& cert,
                                                  bool intermediate_chain) const;
  absl::Status CheckRevocation(const internal::Certificate& cert,
                               const internal::Chain& chain) const;
  absl::Status CheckOus(const std::vector<OuIdentifier>& ous) const;
  absl::Status HasNodeOu(const std::vector<OuIdentifier>& ous, int role) const;
  bool IsAdmin(const Identity& id) const;
  absl::Status SatisfiesOne(const Identity& id, const common::MSPPrincipal& principal) const;
  absl::Status SatisfiesRole(const Identity& id, const common::MSPPrincipal& principal) const;

  uint64_t instance_ = 0;  // distinguishes MSP instances in identity memos
  std::string name_;
  std::string id_hash_;      // "SHA256" or "SHA384"
  std::string hash_family_;  // SignatureHashFamily, "SHA2" when usable
  std::vector<std::shared_ptr<const internal::Certificate>> roots_, intermediates_;
  internal::CertPool root_pool_, intermediate_pool_;
  absl::flat_hash_set<std::string> internal_nodes_;  // raw DER of non-leaf CAs
  std::vector<internal::Crl> crls_;
  std::vector<std::string> admins_;  // normalized DER
  absl::flat_hash_map<std::string, std::vector<std::string>> ou_identifiers_;
  bool ou_enforcement_ = false;
  std::optional<NodeOu> client_ou_, peer_ou_, admin_ou_, orderer_ou_;
};

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_MSP_H_
