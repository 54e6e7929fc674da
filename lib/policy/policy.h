// A policy: a rule over the distinct, verified signers of a signature set.
//
// Policies are compiled once (from a channel config, a chaincode definition, a key's
// validation parameter) and evaluated many times. They hold no MSP: identities enter
// through the Signers they are evaluated on (a SignatureSet, see signature_set.h), so
// one compiled policy serves every signature set built with the MSPs of the same
// channel config.
//
// Thread safety: policies are immutable after construction; Evaluate may be called
// from many threads at once. A Signers implementation says its own.
#ifndef FABRIC_LIB_POLICY_POLICY_H_
#define FABRIC_LIB_POLICY_POLICY_H_

#include <cstddef>

#include "absl/status/status.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::policy {

// What signature policies read: an ordered list of distinct signers and, for each, the
// answer to "does signer i satisfy this principal?".
class Signers {
 public:
  virtual ~Signers() = default;

  virtual size_t size() const = 0;

  // REQUIRES: i < size().
  virtual bool SatisfiesPrincipal(size_t i, const common::MSPPrincipal& principal) const = 0;
};

class Policy {
 public:
  virtual ~Policy() = default;

  // OK when `signers` satisfy the policy; otherwise PermissionDenied, saying why.
  virtual absl::Status Evaluate(const Signers& signers) const = 0;
};

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_POLICY_H_
