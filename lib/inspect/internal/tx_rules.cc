// Rules for envelopes, transactions, proposals, read-write sets and blocks.
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/inspect/internal/rules.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/chaincode.pb.h"
#include "lib/wire/proto/chaincode_event.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/etcdraft.pb.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/policies.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::inspect::internal {
namespace {

using google::protobuf::DynamicCastToGenerated;
using google::protobuf::Message;

// Payload.data by the type in the payload's own channel header (as protolator does).
absl::StatusOr<const Message*> PayloadDataType(const FieldValue& v) {
  const auto* payload = DynamicCastToGenerated<common::Payload>(&v.frame.message);
  if (payload == nullptr) return nullptr;
  if (!payload->has_header()) {
    return absl::InvalidArgumentError("cannot tell the data type: the payload has no header");
  }
  common::ChannelHeader ch;
  if (!ch.ParseFromString(payload->header().channel_header())) {
    return absl::InvalidArgumentError("cannot tell the data type: bad channel header");
  }
  switch (ch.type()) {
    case common::CONFIG:
      return &Type<common::ConfigEnvelope>();
    case common::CONFIG_UPDATE:
      return &Type<common::ConfigUpdateEnvelope>();
    case common::ENDORSER_TRANSACTION:
      return &Type<protos::Transaction>();
    case 4:
      return &Type<common::Envelope>();  // ORDERER_TRANSACTION (deprecated)
    default:
      return nullptr;
  }
}

absl::StatusOr<const Message*> ChannelHeaderExtensionType(const FieldValue& v) {
  const auto* ch = DynamicCastToGenerated<common::ChannelHeader>(&v.frame.message);
  if (ch == nullptr || ch->type() != common::ENDORSER_TRANSACTION) return nullptr;
  return &Type<protos::ChaincodeHeaderExtension>();
}

// A key-level endorsement policy is a serialized SignaturePolicyEnvelope.
absl::StatusOr<const Message*> MetadataEntryType(const FieldValue& v) {
  const auto* e = DynamicCastToGenerated<kvrwset::KVMetadataEntry>(&v.frame.message);
  if (e == nullptr || e->name() != "VALIDATION_PARAMETER") return nullptr;
  return &Type<common::SignaturePolicyEnvelope>();
}

// TRANSACTIONS_FILTER: one TxValidationCode per transaction, one byte each.
Json TransactionsFilter(absl::string_view bytes) {
  Json codes = Json::array();
  for (unsigned char b : bytes) {
    const auto* code = protos::TxValidationCode_descriptor()->FindValueByNumber(b);
    codes.push_back(code != nullptr ? Json(code->name()) : Json(b));
  }
  return codes;
}

// BlockMetadata.metadata[i] as {"index": i, "name": slot, "value": ...}; an empty slot
// has a null value, a slot that does not decode its base64 and an "error".
Decoded MetadataSlot(Walker& w, const FieldValue& v) {
  Json slot = Json::object();
  slot["index"] = v.index;
  const auto* name = common::BlockMetadataIndex_descriptor()->FindValueByNumber(v.index);
  slot["name"] = name != nullptr ? Json(name->name()) : Json(nullptr);
  if (v.bytes.empty()) {
    slot["value"] = nullptr;
  } else if (v.index == common::TRANSACTIONS_FILTER) {
    slot["value"] = TransactionsFilter(v.bytes);
  } else if (name == nullptr) {
    slot["value"] = Base64(v.bytes);
  } else {
    Decoded d = w.DecodeAs(Type<common::Metadata>(), v.bytes, &v.frame, name->name());
    if (d.kind == Decoded::Kind::kValue) {
      slot["value"] = std::move(d.value);
    } else {
      slot["value"] = Base64(v.bytes);
      slot["error"] = d.error;
    }
  }
  return Decoded::Value(std::move(slot));
}

// The label of the common.Metadata that OrdererBlockMetadata.consenter_metadata holds.
constexpr absl::string_view kConsenterMetadata = "CONSENTER_METADATA";

// Metadata.value by the slot the Metadata sits in (its frame label).
Decoded MetadataValue(Walker& w, const FieldValue& v) {
  absl::string_view slot = v.frame.label;
  if (slot == "SIGNATURES")
    return w.DecodeAs(Type<common::OrdererBlockMetadata>(), v.bytes, &v.frame);
  if (slot == "LAST_CONFIG") return w.DecodeAs(Type<common::LastConfig>(), v.bytes, &v.frame);
  // Raft's block metadata; the block does not say which consensus wrote it.
  if (slot == "ORDERER" || slot == kConsenterMetadata) {
    return DecodeIfClean(w, v, Type<etcdraft::BlockMetadata>());
  }
  if (slot == "COMMIT_HASH") return Decoded::Value(Hex(v.bytes));
  return Decoded::Default();
}

void AddHeaderHash(const Frame& frame, Json& out) {
  const auto* block = DynamicCastToGenerated<common::Block>(&frame.message);
  if (block == nullptr) return;
  out["header_hash"] =
      block->has_header() ? Json(Hex(wire::BlockHeaderHash(block->header()))) : Json(nullptr);
}

FieldRule Rule(Decoded (*decode)(Walker&, const FieldValue&)) {
  FieldRule rule;
  rule.decode = decode;
  return rule;
}

}  // namespace

void AddTransactionRules(RuleTable* t) {
  t->Add("common.Envelope.payload", As(Type<common::Payload>()));
  t->Add("common.Payload.data", Pick(PayloadDataType));
  t->Add("common.Header.channel_header", As(Type<common::ChannelHeader>()));
  t->Add("common.Header.signature_header", As(Type<common::SignatureHeader>()));
  t->Add("common.ChannelHeader.extension", Pick(ChannelHeaderExtensionType));
  t->Add("common.SignatureHeader.creator", As(Type<msp::SerializedIdentity>()));
  t->Add("msp.SerializedIdentity.id_bytes", Certificate("certificate"));

  t->Add("protos.TransactionAction.header", As(Type<common::SignatureHeader>()));
  t->Add("protos.TransactionAction.payload", As(Type<protos::ChaincodeActionPayload>()));
  t->Add("protos.ChaincodeActionPayload.chaincode_proposal_payload",
         As(Type<protos::ChaincodeProposalPayload>()));
  t->Add("protos.ChaincodeProposalPayload.input", As(Type<protos::ChaincodeInvocationSpec>()));
  t->Add("protos.ChaincodeEndorsedAction.proposal_response_payload",
         As(Type<protos::ProposalResponsePayload>()));
  t->Add("protos.ProposalResponsePayload.extension", As(Type<protos::ChaincodeAction>()));
  t->Add("protos.ChaincodeAction.results", As(Type<::rwset::TxReadWriteSet>()));
  t->Add("protos.ChaincodeAction.events", As(Type<protos::ChaincodeEvent>()));
  t->Add("protos.Endorsement.endorser", As(Type<msp::SerializedIdentity>()));

  t->Add("protos.ProposalResponse.payload", As(Type<protos::ProposalResponsePayload>()));
  t->Add("protos.SignedProposal.proposal_bytes", As(Type<protos::Proposal>()));
  t->Add("protos.Proposal.header", As(Type<common::Header>()));
  t->Add("protos.Proposal.payload", As(Type<protos::ChaincodeProposalPayload>()));

  t->Add("rwset.NsReadWriteSet.rwset", As(Type<kvrwset::KVRWSet>()));
  t->Add("rwset.CollectionHashedReadWriteSet.hashed_rwset", As(Type<kvrwset::HashedRWSet>()));
  t->Add("rwset.CollectionPvtReadWriteSet.rwset", As(Type<kvrwset::KVRWSet>()));
  t->Add("kvrwset.KVWrite.value", TextOrBase64());
  t->Add("kvrwset.KVMetadataEntry.value", Pick(MetadataEntryType));
}

void AddBlockRules(RuleTable* t) {
  FieldRule header;
  header.annotate = AddHeaderHash;
  t->Add("common.Block.header", std::move(header));
  t->Add("common.BlockData.data", As(Type<common::Envelope>()));
  t->Add("common.BlockMetadata.metadata", Rule(MetadataSlot));
  t->Add("common.Metadata.value", Rule(MetadataValue));
  t->Add("common.MetadataSignature.signature_header", As(Type<common::SignatureHeader>()));
  t->Add("common.MetadataSignature.identifier_header", As(Type<common::IdentifierHeader>()));
  // The orderer's block writer wraps the consenter's metadata in a common.Metadata.
  t->Add("common.OrdererBlockMetadata.consenter_metadata", Rule([](Walker& w, const FieldValue& v) {
           return w.DecodeAs(Type<common::Metadata>(), v.bytes, &v.frame, kConsenterMetadata);
         }));
}

}  // namespace fabric::inspect::internal
