// The client's side of a transaction, as Fabric's SDKs and protoutil do it: a signed
// proposal for an identity, and the signed transaction envelope assembled from the
// endorsements (protoutil.CreateSignedTx).
//
//   auto p = CreateSignedProposal(user, {"mychannel", "basic", {"Transfer", "a1", "bob"}});
//   ... send p->signed_proposal to endorsers, collect their ProposalResponse bytes ...
//   auto env = CreateSignedTx(p->signed_proposal, {r1, r2}, user);
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_CLIENT_CLIENT_H_
#define FABRIC_LIB_CLIENT_CLIENT_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/identity/signing_identity.h"

namespace fabric::client {

struct ProposalSpec {
  std::string channel_id;
  std::string chaincode;
  std::vector<std::string> args;  // the function first, as the CLI's Args
  std::map<std::string, std::string> transient;
  // The nonce (24 random bytes if "") and timestamp (now if InfinitePast).
  std::string nonce;
  absl::Time timestamp = absl::InfinitePast();
};

struct SignedProposal {
  std::string txid;             // hex(SHA-256(nonce || creator))
  std::string signed_proposal;  // a serialized peer.SignedProposal
};

// An ENDORSER_TRANSACTION proposal (Fabric's CreateChaincodeProposalWithTxIDNonceAndTransient
// with a GOLANG chaincode spec), signed by `creator`.
absl::StatusOr<SignedProposal> CreateSignedProposal(const identity::SigningIdentity& creator,
                                                    const ProposalSpec& spec);

// The transaction envelope for `signed_proposal` and its endorsers' responses, signed by
// `creator`, who must be the proposal's creator. As Fabric: every response must have a
// status below 400 and the same payload; the proposal payload keeps no transient data.
// InvalidArgument otherwise, saying which response differs.
absl::StatusOr<std::string> CreateSignedTx(absl::string_view signed_proposal,
                                           const std::vector<std::string>& proposal_responses,
                                           const identity::SigningIdentity& creator);

}  // namespace fabric::client

#endif  // FABRIC_LIB_CLIENT_CLIENT_H_
