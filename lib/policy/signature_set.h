// The signers a policy is evaluated on.
//
//   SignatureSet set(std::move(signed_data), msp_manager);   // nothing verified yet
//   chaincode_policy->Evaluate(set);                         // verifies, once
//   key_policy->Evaluate(set);                               // reuses the verified signers
//
// A SignatureSet turns (data, identity, signature) triples into the ordered list of
// distinct signers whose signatures verify, exactly as Fabric 2.5's
// policies.SignatureSetToValidIdentities does; for each entry, in order:
//   1. deserialize the identity with the channel's MSPs; skip the entry on error;
//   2. key = MSP id + identity id (hex SHA-256 of the certificate); if an entry with
//      that key was already accepted, skip this one without verifying it;
//   3. verify the signature over the data; skip the entry on failure;
//   4. accept: append the identity and record its key.
// A key is recorded only on acceptance, so a second copy of an identity whose first
// copy had a bad signature is still verified (and accepted if its signature is good).
// Identities are not validated here (certificate chain, CRLs, NodeOUs): the principal
// check does that, as Fabric's MSP does.
//
// Fabric recomputes this list for every signature policy it evaluates (once per org for
// an ImplicitMeta policy, again per key-level policy). The computation is deterministic,
// so computing it once per set, on first use, gives the same answers with each
// signature verified at most once.
//
// Thread safety: a SignatureSet may be shared by threads; the first use verifies (under
// absl::call_once), later uses only read.
#ifndef FABRIC_LIB_POLICY_SIGNATURE_SET_H_
#define FABRIC_LIB_POLICY_SIGNATURE_SET_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/types/span.h"
#include "lib/identity/identity.h"
#include "lib/identity/msp_manager.h"
#include "lib/policy/policy.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::policy {

// One signature: `signature` by the serialized identity `identity` (an
// msp.SerializedIdentity) over `data`. For an endorsement, data is the proposal
// response payload bytes followed by the endorser bytes.
struct SignedData {
  std::string data;
  std::string identity;
  std::string signature;
};

class SignatureSet final : public Signers {
 public:
  // Keeps `signed_data` until the first use, then drops it. REQUIRES: `msps` is not
  // null and holds the MSPs of the channel config whose policies will be evaluated on
  // this set.
  SignatureSet(std::vector<SignedData> signed_data,
               std::shared_ptr<const identity::MspManager> msps);

  // The set of one signer whose signature the caller has just verified (a proposal's
  // creator, checked before its ACL): what the list above gives for that one entry,
  // without verifying it again. REQUIRES: `signer` came from `msps`.
  SignatureSet(std::shared_ptr<const identity::Identity> signer,
               std::shared_ptr<const identity::MspManager> msps);

  SignatureSet(const SignatureSet&) = delete;
  SignatureSet& operator=(const SignatureSet&) = delete;

  size_t size() const override { return identities().size(); }

  // Principal checks go to the MSPs (MspManager::SatisfiesPrincipal), which validate
  // the identity as Fabric's MSP does.
  bool SatisfiesPrincipal(size_t i, const common::MSPPrincipal& principal) const override;

  // The distinct signers whose signatures verified, in the order of the input.
  // Valid as long as this set lives.
  absl::Span<const std::shared_ptr<const identity::Identity>> identities() const;

  // How many entries of the input were dropped (bad identity, duplicate, bad signature).
  size_t num_dropped() const;

 private:
  void Verify() const;

  std::shared_ptr<const identity::MspManager> msps_;
  mutable absl::once_flag once_;
  mutable std::vector<SignedData> pending_;  // the input, until verified
  const size_t num_input_;
  mutable std::vector<std::shared_ptr<const identity::Identity>> identities_;
};

}  // namespace fabric::policy

#endif  // FABRIC_LIB_POLICY_SIGNATURE_SET_H_
