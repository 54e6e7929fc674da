// A block's data entry parsed once, as far as it parses, into a view that every later
// stage (block verification, validation, MVCC, commit, inspection) shares.
//
// Fabric nests each level of a transaction as serialized bytes inside its parent:
//   Envelope{payload, signature}
//     Payload{header{channel_header, signature_header}, data}
//       ENDORSER_TRANSACTION: data = Transaction{actions[]}
//         TransactionAction{header = SignatureHeader, payload = ChaincodeActionPayload}
//           ChaincodeActionPayload{chaincode_proposal_payload, action{prp, endorsements}}
//             ProposalResponsePayload{proposal_hash, extension = ChaincodeAction}
//               ChaincodeAction{results = TxReadWriteSet, events, response, chaincode_id}
//                 TxReadWriteSet{ns_rwset[]{namespace, rwset = KVRWSet, hashed...}}
//       CONFIG: data = ConfigEnvelope
// An empty entry parses as an empty Envelope, as in Fabric. Parsing never stops the
// block: a level that does not parse is recorded as the entry's (or the action's)
// defect, with a status naming the position, the message and why, and the levels above
// it stay available. Which validation code a defect earns is decided by
// the validator, in Fabric's order of checks, not here.
//
// Views are immutable after parsing and safe to read from many threads.
#ifndef FABRIC_LIB_WIRE_TRANSACTION_H_
#define FABRIC_LIB_WIRE_TRANSACTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "lib/wire/proto/chaincode_event.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::wire {

// The first level of an entry that failed to parse or was absent. Levels are listed in
// the order they are reached; every level before the defect parsed. Actions are parsed
// (each with its own ActionDefect) once the transaction parses, whatever the extension.
enum class TxDefect {
  kNone = 0,
  kEnvelope,         // not a common.Envelope
  kPayload,          // Envelope.payload is not a common.Payload
  kMissingHeader,    // Payload.header is absent
  kChannelHeader,    // Header.channel_header is not a common.ChannelHeader
  kSignatureHeader,  // Header.signature_header is not a common.SignatureHeader
  kTransaction,      // ENDORSER_TRANSACTION data is not a protos.Transaction
  kConfigEnvelope,   // CONFIG data is not a common.ConfigEnvelope
  kHeaderExtension,  // ChannelHeader.extension is not a ChaincodeHeaderExtension
};

// The first level of one TransactionAction that failed to parse or was absent.
enum class ActionDefect {
  kNone = 0,
  kSignatureHeader,        // TransactionAction.header
  kActionPayload,          // TransactionAction.payload is not a ChaincodeActionPayload
  kProposalPayload,        // chaincode_proposal_payload is not a ChaincodeProposalPayload
  kMissingEndorsedAction,  // ChaincodeActionPayload.action is absent
  kResponsePayload,        // not a ProposalResponsePayload
  kChaincodeAction,        // ProposalResponsePayload.extension is not a ChaincodeAction
  kReadWriteSet,           // ChaincodeAction.results is not a rwset.TxReadWriteSet
  kNamespaceReadWriteSet,  // an NsReadWriteSet.rwset is not a kvrwset.KVRWSet
  kCollectionHashedSet,    // a CollectionHashedReadWriteSet is not a kvrwset.HashedRWSet
  kEvent,                  // ChaincodeAction.events is not a ChaincodeEvent
};

const char* TxDefectName(TxDefect d);
const char* ActionDefectName(ActionDefect d);

// One collection's hashed reads and writes (private data).
struct CollectionView {
  std::string name;
  kvrwset::HashedRWSet hashed;
  std::string pvt_rwset_hash;  // SHA-256 of the collection's private rwset bytes
};

// The reads and writes of one namespace (chaincode) in a transaction.
struct NamespaceView {
  std::string name;
  kvrwset::KVRWSet kv;
  std::vector<CollectionView> collections;
};

// One TransactionAction of an endorser transaction.
struct ActionView {
  ActionDefect defect = ActionDefect::kNone;
  absl::Status error;  // OK iff defect == kNone
  // Every level that failed, as bits 1 << ActionDefect: parsing goes on past a level
  // that later levels do not depend on (signature header, proposal payload, event).
  uint32_t failed_levels = 0;
  bool Failed(ActionDefect d) const { return (failed_levels >> static_cast<int>(d)) & 1u; }

  common::SignatureHeader header;
  protos::ChaincodeActionPayload payload;
  protos::ChaincodeProposalPayload proposal_payload;
  protos::ProposalResponsePayload response_payload;
  protos::ChaincodeAction chaincode_action;
  ::rwset::TxReadWriteSet rwset;
  std::vector<NamespaceView> namespaces;  // in rwset order
  bool has_event = false;
  protos::ChaincodeEvent event;
};

// One data entry of a block.
struct TxView {
  int index = 0;  // position in the block
  TxDefect defect = TxDefect::kNone;
  absl::Status error;  // OK iff defect == kNone

  common::Envelope envelope;
  common::Payload payload;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;

  // ENDORSER_TRANSACTION only.
  protos::ChaincodeHeaderExtension header_extension;
  protos::Transaction transaction;
  std::vector<ActionView> actions;

  // CONFIG only.
  common::ConfigEnvelope config_envelope;

  // True once the level is reached (parsed, whatever came after it).
  bool has_envelope() const { return defect > TxDefect::kEnvelope || ok(); }
  bool has_payload() const { return defect > TxDefect::kPayload || ok(); }
  bool has_channel_header() const { return defect > TxDefect::kChannelHeader || ok(); }
  bool has_headers() const { return defect > TxDefect::kSignatureHeader || ok(); }
  bool ok() const { return defect == TxDefect::kNone; }

  common::HeaderType type() const { return static_cast<common::HeaderType>(channel_header.type()); }
  // ChannelHeader.tx_id, or "" when the channel header did not parse.
  const std::string& txid() const { return channel_header.tx_id(); }
  // Every action parsed.
  bool actions_ok() const;
};

// The txid Fabric's block index files `tx` under (protoutil's
// GetOrComputeTxIDFromEnvelope): ChannelHeader.tx_id, or when that is empty the hex
// SHA-256 of the signature header's nonce and creator; "" when the headers needed do
// not parse.
std::string IndexTxId(const TxView& tx);

// Parses `entry`, the `index`-th data entry of block `block_number`, as far as it goes.
void ParseTransaction(absl::string_view entry, uint64_t block_number, int index, TxView* out);

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_TRANSACTION_H_
