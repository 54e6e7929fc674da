// The endorsing peer of one channel: what a Fabric peer's endorser (core/endorser) does
// with a SignedProposal, without the networking.
//
//   Endorser e(channel, signer);    // channel_view.h; the peer's identity
//   e.RegisterContract("basic", std::make_shared<Assets>());
//   absl::StatusOr<ProposalResult> r = e.Endorse(signed_proposal_bytes);
//   // r->proposal_response: a signed ProposalResponse, to send back to the client
//   absl::StatusOr<ProposalResult> q = e.Evaluate(signed_proposal_bytes);   // a query
//
// For each proposal, in Fabric's order (endorser.go, msgvalidation.go):
//   1. parse: SignedProposal, Proposal, Header, ChannelHeader, SignatureHeader,
//      ChaincodeHeaderExtension (a chaincode name), ChaincodeProposalPayload and its
//      ChaincodeInvocationSpec; the creator's certificate not expired (the peer's
//      expiration filter);
//   2. headers: this channel, ENDORSER_TRANSACTION (or CONFIG, which Fabric also lets
//      through), epoch 0, nonce and creator set, and the txid equal to
//      hex(SHA-256(nonce || creator));
//   3. the creator: deserialized and validated by the channel's MSPs, its signature
//      over the proposal bytes verified;
//   4. not a duplicate: the txid is in no committed block (valid or not);
//   5. access: the signed proposal satisfies the channel's ACL for peer/Propose
//      (_lifecycle/<function> for `_lifecycle`), else /Channel/Application/Writers;
//      for Evaluate, /Channel/Application/Readers (Fabric's gateway checks peer/Propose
//      for queries too; a query changing nothing, we ask only read access);
//   6. the chaincode: defined in the channel's `_lifecycle` state (its Sequence key read
//      through the simulator, so that it is a read of the rwset; the version from the
//      definition at that sequence, cached) and registered here (`_lifecycle` itself is built in:
//      lifecycle_contract.h);
//   7. simulate: for a definition with init_required, Fabric's "init exactly once"
//      (the chaincode's initialized-version key read, and written by an init); then the
//      contract runs on a TxSimulator (simulator.h) with a Stub;
//   8. a response status of 400 or more ends here: the result carries it, nothing is
//      signed (Fabric's response to 500 and up also carries the unsigned payload and
//      interest; ours carries none: proposal_response stays "");
//   9. ESCC: ProposalResponsePayload{proposal hash, ChaincodeAction{rwset, event,
//      response, chaincode id (name, definition version)}}, signed by the peer's
//      identity over payload || endorser; the response also carries Fabric's
//      ChaincodeInterest.
// Evaluate stops after 7 and returns the contract's response: as in Fabric, the
// contract may write, and its writes are simulated and dropped, never signed.
//
// Errors: a proposal rejected before its contract runs is an error status: InvalidArgument
// (malformed, wrong channel, bad txid), PermissionDenied (identity, expiry, signature,
// access), AlreadyExists (duplicate txid), NotFound (chaincode not defined or not
// registered), FailedPrecondition (an invocation that init exactly once refuses, or a
// definition naming an endorsement plugin other than escc), Aborted (the definition
// changed during the proposal), DataLoss (corrupt `_lifecycle` state). Fabric answers
// these with a ProposalResponse of status 500 and no endorsement.
// A contract's own error is not a status error: it is the result's response.
//
// Thread safety: every method may be called from any thread; proposals are simulated
// concurrently.
#ifndef FABRIC_LIB_ENDORSE_ENDORSER_H_
#define FABRIC_LIB_ENDORSE_ENDORSER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "lib/chaincode/definition_cache.h"
#include "lib/endorse/channel_view.h"
#include "lib/endorse/contract.h"
#include "lib/identity/signing_identity.h"
#include "lib/wire/proto/lifecycle.pb.h"

namespace fabric::endorse {

struct ProposalResult {
  std::string txid;
  // The contract's response (status, message, payload).
  Response response;
  // Endorse with a response status below 400: the signed ProposalResponse. Else "".
  std::string proposal_response;
  // Endorse: the serialized TxReadWriteSet of the simulation (also inside
  // proposal_response), for hosts and tests.
  std::string rwset;
  // Endorse: the private data the transaction wrote (a serialized TxPvtReadWriteSet),
  // which the rwset carries only as hashes; "" if none. What Fabric's endorser hands to
  // gossip: the host passes it to the committing peers of the collections' member orgs
  // with the block (ledger/private_data.h).
  std::string private_rwset;
};

class Endorser {
 public:
  // `channel` must outlive the endorser.
  Endorser(const ChannelView* channel, std::shared_ptr<const identity::SigningIdentity> signer);
  ~Endorser();
  Endorser(const Endorser&) = delete;
  Endorser& operator=(const Endorser&) = delete;

  // Hosts `contract` under chaincode name `name` (replacing an earlier one).
  // InvalidArgument for an empty name or `_lifecycle`.
  absl::Status RegisterContract(std::string name, std::shared_ptr<Contract> contract);

  absl::StatusOr<ProposalResult> Endorse(absl::string_view signed_proposal) const;
  absl::StatusOr<ProposalResult> Evaluate(absl::string_view signed_proposal) const;

  const std::string& channel_id() const;
  const identity::SigningIdentity& signer() const { return *signer_; }

 private:
  absl::StatusOr<ProposalResult> Process(absl::string_view signed_proposal, bool is_query) const;
  std::shared_ptr<Contract> FindContract(absl::string_view name) const;
  const ChannelView* const channel_;
  const std::shared_ptr<const identity::SigningIdentity> signer_;
  const std::shared_ptr<Contract> lifecycle_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Contract>> contracts_ ABSL_GUARDED_BY(mu_);
  mutable chaincode::DefinitionCache definitions_;
};

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_ENDORSER_H_
