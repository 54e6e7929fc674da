// Signed proposals and transaction envelopes, laid out field for field as Fabric's
// protoutil makes them (proputils.go, txutils.go), so that peers running Fabric and ours
// accept them alike.
#include "lib/client/client.h"

#include <cstdint>
#include <limits>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/nonce.h"
#include "lib/base/status_macros.h"
#include "lib/wire/field_reader.h"
#include "lib/wire/hashes.h"
#include "lib/wire/marshal.h"
#include "lib/wire/proto/chaincode.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::client {
namespace {

// Fabric's nonce length (protoutil getRandomNonce).

// The range google.protobuf.Timestamp allows: 0001-01-01 to 9999-12-31, UTC.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

absl::Status SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  if (time == absl::InfinitePast() || time == absl::InfiniteFuture()) {
    return absl::InvalidArgumentError("proposal timestamp is infinite");
  }
  const int64_t seconds = absl::ToUnixSeconds(time);  // rounds down
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(
        absl::StrCat("proposal timestamp ", absl::FormatTime(time), " is out of range"));
  }
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return absl::OkStatus();
}

template <typename Message>
absl::StatusOr<Message> Parse(absl::string_view bytes, absl::string_view what) {
  Message message;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(absl::StrCat("error unmarshalling ", what));
  }
  return message;
}

// The proposal's header and payload, and the checks Fabric makes on the responses
// before it builds anything, in its order.
struct CheckedProposal {
  common::Header header;
  protos::ChaincodeProposalPayload payload;
};

absl::StatusOr<CheckedProposal> ParseProposal(absl::string_view signed_proposal_bytes,
                                              const identity::SigningIdentity& creator) {
  FABRIC_ASSIGN_OR_RETURN(auto signed_proposal,
                          Parse<protos::SignedProposal>(signed_proposal_bytes, "SignedProposal"));
  FABRIC_ASSIGN_OR_RETURN(auto proposal,
                          Parse<protos::Proposal>(signed_proposal.proposal_bytes(), "Proposal"));
  CheckedProposal out;
  FABRIC_ASSIGN_OR_RETURN(out.header, Parse<common::Header>(proposal.header(), "Header"));
  FABRIC_ASSIGN_OR_RETURN(out.payload, Parse<protos::ChaincodeProposalPayload>(
                                           proposal.payload(), "ChaincodeProposalPayload"));
  FABRIC_ASSIGN_OR_RETURN(
      auto signature_header,
      Parse<common::SignatureHeader>(out.header.signature_header(), "SignatureHeader"));
  if (signature_header.creator() != creator.serialized()) {
    return absl::InvalidArgumentError(
        "signer must be the same as the one referenced in the header");
  }
  return out;
}

// Parses every response and checks, as Fabric does, that each succeeded (status in
// [200, 400)) and that all carry the same payload bytes.
absl::StatusOr<std::vector<protos::ProposalResponse>> ParseResponses(
    const std::vector<std::string>& response_bytes) {
  std::vector<protos::ProposalResponse> responses;
  responses.reserve(response_bytes.size());
  for (size_t i = 0; i < response_bytes.size(); ++i) {
    // The interest (field 7) is for gateways, not for the transaction, and its key
    // policies may nest deeper than protobuf's C++ parser goes: it is left out.
    std::string kept;
    wire::FieldReader fields(response_bytes[i]);
    while (fields.Next()) {
      if (fields.number() != 7) kept.append(fields.raw().data(), fields.raw().size());
    }
    protos::ProposalResponse r;
    if (!fields.ok() || !r.ParseFromString(kept)) {
      return absl::InvalidArgumentError(
          absl::StrCat("proposal response ", i, " does not parse as a ProposalResponse"));
    }
    const int32_t status = r.response().status();
    if (status < 200 || status >= 400) {
      return absl::InvalidArgumentError(absl::StrCat("proposal response ", i,
                                                     " was not successful, error code ", status,
                                                     ", msg ", r.response().message()));
    }
    if (i > 0 && r.payload() != responses[0].payload()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ProposalResponsePayloads do not match: response ", i, " differs from response 0"));
    }
    responses.push_back(std::move(r));
  }
  return responses;
}

}  // namespace

absl::StatusOr<SignedProposal> CreateSignedProposal(const identity::SigningIdentity& creator,
                                                    const ProposalSpec& spec) {
  if (spec.chaincode.empty()) {
    return absl::InvalidArgumentError("proposal names no chaincode");
  }
  std::string nonce = spec.nonce;
  if (nonce.empty()) {
    FABRIC_ASSIGN_OR_RETURN(nonce, fabric::RandomNonce());
  }
  SignedProposal out;
  out.txid = wire::ComputeTxId(nonce, creator.serialized());

  protos::ChaincodeInvocationSpec invocation;
  protos::ChaincodeSpec* chaincode_spec = invocation.mutable_chaincode_spec();
  chaincode_spec->set_type(protos::ChaincodeSpec::GOLANG);
  chaincode_spec->mutable_chaincode_id()->set_name(spec.chaincode);
  // The input is always present, even without arguments: Fabric's endorser refuses a
  // spec without one.
  protos::ChaincodeInput* input = chaincode_spec->mutable_input();
  for (const std::string& arg : spec.args) input->add_args(arg);

  protos::ChaincodeProposalPayload payload;
  payload.set_input(wire::MarshalDeterministic(invocation));
  payload.mutable_transientmap()->insert(spec.transient.begin(), spec.transient.end());

  protos::ChaincodeHeaderExtension extension;
  *extension.mutable_chaincode_id() = chaincode_spec->chaincode_id();

  // Version 0 and epoch 0, as Fabric leaves them; the timestamp keeps its nanoseconds.
  common::ChannelHeader channel_header;
  channel_header.set_type(common::ENDORSER_TRANSACTION);
  FABRIC_RETURN_IF_ERROR(
      SetTimestamp(spec.timestamp == absl::InfinitePast() ? absl::Now() : spec.timestamp,
                   channel_header.mutable_timestamp()));
  channel_header.set_channel_id(spec.channel_id);
  channel_header.set_tx_id(out.txid);
  channel_header.set_extension(wire::MarshalDeterministic(extension));

  common::SignatureHeader signature_header;
  signature_header.set_creator(creator.serialized());
  signature_header.set_nonce(nonce);

  common::Header header;
  header.set_channel_header(wire::MarshalDeterministic(channel_header));
  header.set_signature_header(wire::MarshalDeterministic(signature_header));

  protos::Proposal proposal;
  proposal.set_header(wire::MarshalDeterministic(header));
  proposal.set_payload(wire::MarshalDeterministic(payload));

  protos::SignedProposal signed_proposal;
  signed_proposal.set_proposal_bytes(wire::MarshalDeterministic(proposal));
  FABRIC_ASSIGN_OR_RETURN(*signed_proposal.mutable_signature(),
                          creator.Sign(signed_proposal.proposal_bytes()));
  out.signed_proposal = wire::MarshalDeterministic(signed_proposal);
  return out;
}

absl::StatusOr<std::string> CreateSignedTx(absl::string_view signed_proposal,
                                           const std::vector<std::string>& proposal_responses,
                                           const identity::SigningIdentity& creator) {
  if (proposal_responses.empty()) {
    return absl::InvalidArgumentError("at least one proposal response is required");
  }
  FABRIC_ASSIGN_OR_RETURN(CheckedProposal proposal, ParseProposal(signed_proposal, creator));
  FABRIC_ASSIGN_OR_RETURN(std::vector<protos::ProposalResponse> responses,
                          ParseResponses(proposal_responses));

  // One endorsement per endorser, in response order; responses without one add none.
  protos::ChaincodeActionPayload action_payload;
  protos::ChaincodeEndorsedAction* action = action_payload.mutable_action();
  std::set<std::string> endorsers;
  for (const protos::ProposalResponse& r : responses) {
    if (!r.has_endorsement()) continue;
    if (!endorsers.insert(r.endorsement().endorser()).second) continue;
    *action->add_endorsements() = r.endorsement();
  }
  if (action->endorsements_size() == 0) {
    return absl::InvalidArgumentError("no endorsements");
  }
  action->set_proposal_response_payload(responses[0].payload());

  // The proposal payload goes into the transaction without its transient data.
  protos::ChaincodeProposalPayload payload_for_tx;
  payload_for_tx.set_input(proposal.payload.input());
  action_payload.set_chaincode_proposal_payload(wire::MarshalDeterministic(payload_for_tx));

  protos::Transaction transaction;
  protos::TransactionAction* tx_action = transaction.add_actions();
  tx_action->set_header(proposal.header.signature_header());
  tx_action->set_payload(wire::MarshalDeterministic(action_payload));

  common::Payload payload;
  *payload.mutable_header() = std::move(proposal.header);
  payload.set_data(wire::MarshalDeterministic(transaction));

  common::Envelope envelope;
  envelope.set_payload(wire::MarshalDeterministic(payload));
  FABRIC_ASSIGN_OR_RETURN(*envelope.mutable_signature(), creator.Sign(envelope.payload()));
  return wire::MarshalDeterministic(envelope);
}

}  // namespace fabric::client
