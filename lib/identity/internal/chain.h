// Certificate chain building as Go's crypto/x509 Certificate.Verify does it for
// Fabric's MSP: candidate parents found by subject name (key-id matches first), every
// chain from the leaf to a root collected, each certificate checked for validity at one
// moment, critical extensions, CA flag and path length, and the chain's extended key
// usages checked for ServerAuth (Go's default, which Fabric does not override).
//
// Thread safety: a CertPool is immutable once filled; Verify is stateless.
#ifndef FABRIC_LIB_IDENTITY_INTERNAL_CHAIN_H_
#define FABRIC_LIB_IDENTITY_INTERNAL_CHAIN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/identity/internal/certificate.h"

namespace fabric::identity::internal {

// Go's x509.CertPool: certificates in insertion order, identical DER added once.
class CertPool {
 public:
  void Add(std::shared_ptr<const Certificate> cert);
  bool Contains(const Certificate& cert) const;
  // Certificates whose subject is `cert`'s issuer: subject key id equal to `cert`'s
  // authority key id first, then those where only one of the two is set, then the rest.
  std::vector<const Certificate*> FindPotentialParents(const Certificate& cert) const;

 private:
  std::vector<std::shared_ptr<const Certificate>> certs_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_subject_;
  absl::flat_hash_set<std::string> raws_;
};

// A chain from a certificate (first) to a root (last). Pointers into the pools and the
// leaf, valid while they are.
using Chain = std::vector<const Certificate*>;

// Go's Certificate.Verify(VerifyOptions{Roots, Intermediates, CurrentTime: now}).
absl::StatusOr<std::vector<Chain>> VerifyChains(const Certificate& leaf, const CertPool& roots,
                                                const CertPool& intermediates, absl::Time now);

// Fabric's getUniqueValidationChain at `cert`'s NotBefore + 1 s: exactly one chain,
// and the name-constraint rule of Go 1.14 that Fabric keeps.
absl::StatusOr<Chain> UniqueValidationChain(const Certificate& cert, const CertPool& roots,
                                            const CertPool& intermediates);

}  // namespace fabric::identity::internal

#endif  // FABRIC_LIB_IDENTITY_INTERNAL_CHAIN_H_
