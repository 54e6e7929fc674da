#include "lib/wire/transaction.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lib/base/sha256.h"
#include "lib/wire/parse_error.h"

namespace fabric::wire {
namespace {

// Records a failed level; the first one is the action's defect.
void FailAction(ActionView* a, ActionDefect d, absl::Status s) {
  a->failed_levels |= 1u << static_cast<int>(d);
  if (a->defect != ActionDefect::kNone) return;
  a->defect = d;
  a->error = std::move(s);
}

// Error contexts ("block 3, tx 1, action 0, ...") are kept in parts, joined only for an
// error: a successful parse builds no strings.
class TxParser {
 public:
  TxParser(uint64_t block_number, int index, TxView* tx) : tx_(tx) {
    absl::SNPrintF(where_, sizeof where_, "block %d, tx %d", block_number, index);
  }

  void Run(absl::string_view entry);

 private:
  // Records the first defect; later ones are ignored.
  void Fail(TxDefect d, absl::Status s) {
    if (tx_->defect != TxDefect::kNone) return;
    tx_->defect = d;
    tx_->error = std::move(s);
  }
  void ParseEndorserTransaction();
  void ParseAction(int i, const protos::TransactionAction& raw, ActionView* a);
  void ParseNamespaces(absl::string_view action, ActionView* a);

  TxView* tx_;
  char where_[64];
};

void TxParser::Run(absl::string_view entry) {
  absl::Status s = ParseMessage(entry, &tx_->envelope, {where_});
  if (!s.ok()) return Fail(TxDefect::kEnvelope, s);
  s = ParseMessage(tx_->envelope.payload(), &tx_->payload, {where_, ", Envelope.payload"});
  if (!s.ok()) return Fail(TxDefect::kPayload, s);
  if (!tx_->payload.has_header()) {
    return Fail(TxDefect::kMissingHeader,
                absl::InvalidArgumentError(absl::StrCat(where_, ": Payload has no header")));
  }
  const common::Header& h = tx_->payload.header();
  s = ParseMessage(h.channel_header(), &tx_->channel_header, {where_, ", Header.channel_header"});
  if (!s.ok()) return Fail(TxDefect::kChannelHeader, s);
  s = ParseMessage(h.signature_header(), &tx_->signature_header,
                   {where_, ", Header.signature_header"});
  if (!s.ok()) return Fail(TxDefect::kSignatureHeader, s);

  switch (tx_->type()) {
    case common::ENDORSER_TRANSACTION:
      ParseEndorserTransaction();
      break;
    case common::CONFIG:
      s = ParseMessage(tx_->payload.data(), &tx_->config_envelope,
                       {where_, ", CONFIG Payload.data"});
      if (!s.ok()) Fail(TxDefect::kConfigEnvelope, s);
      break;
    default:
      break;  // other types carry nothing a peer reads
  }
}

void TxParser::ParseEndorserTransaction() {
  absl::Status s = ParseMessage(tx_->payload.data(), &tx_->transaction,
                                {where_, ", ENDORSER_TRANSACTION Payload.data"});
  if (!s.ok()) return Fail(TxDefect::kTransaction, s);
  s = ParseMessage(tx_->channel_header.extension(), &tx_->header_extension,
                   {where_, ", ChannelHeader.extension"});
  if (!s.ok()) Fail(TxDefect::kHeaderExtension, s);
  const auto& raw = tx_->transaction.actions();
  tx_->actions.resize(raw.size());
  for (int i = 0; i < raw.size(); ++i) ParseAction(i, raw[i], &tx_->actions[i]);
}

void TxParser::ParseAction(int i, const protos::TransactionAction& raw, ActionView* a) {
  char action_buf[32];
  absl::SNPrintF(action_buf, sizeof action_buf, ", action %d", i);
  const absl::string_view action = action_buf;
  auto fail = [a](ActionDefect d, absl::Status s) { FailAction(a, d, std::move(s)); };
  absl::Status s =
      ParseMessage(raw.header(), &a->header, {where_, action, ", TransactionAction.header"});
  if (!s.ok()) fail(ActionDefect::kSignatureHeader, s);
  s = ParseMessage(raw.payload(), &a->payload, {where_, action, ", TransactionAction.payload"});
  if (!s.ok()) return fail(ActionDefect::kActionPayload, s);
  s = ParseMessage(a->payload.chaincode_proposal_payload(), &a->proposal_payload,
                   {where_, action, ", ChaincodeActionPayload.chaincode_proposal_payload"});
  if (!s.ok()) fail(ActionDefect::kProposalPayload, s);
  if (!a->payload.has_action()) {
    return fail(ActionDefect::kMissingEndorsedAction,
                absl::InvalidArgumentError(
                    absl::StrCat(where_, action, ": ChaincodeActionPayload has no action")));
  }
  s = ParseMessage(a->payload.action().proposal_response_payload(), &a->response_payload,
                   {where_, action, ", ChaincodeEndorsedAction.proposal_response_payload"});
  if (!s.ok()) return fail(ActionDefect::kResponsePayload, s);
  s = ParseMessage(a->response_payload.extension(), &a->chaincode_action,
                   {where_, action, ", ProposalResponsePayload.extension"});
  if (!s.ok()) return fail(ActionDefect::kChaincodeAction, s);
  if (!a->chaincode_action.events().empty()) {
    s = ParseMessage(a->chaincode_action.events(), &a->event,
                     {where_, action, ", ChaincodeAction.events"});
    if (s.ok()) {
      a->has_event = true;
    } else {
      fail(ActionDefect::kEvent, s);
    }
  }
  s = ParseMessage(a->chaincode_action.results(), &a->rwset,
                   {where_, action, ", ChaincodeAction.results"});
  if (!s.ok()) return fail(ActionDefect::kReadWriteSet, s);
  ParseNamespaces(action, a);
}

void TxParser::ParseNamespaces(absl::string_view action, ActionView* a) {
  a->namespaces.resize(a->rwset.ns_rwset_size());
  for (int n = 0; n < a->rwset.ns_rwset_size(); ++n) {
    const ::rwset::NsReadWriteSet& ns = a->rwset.ns_rwset(n);
    NamespaceView& view = a->namespaces[n];
    view.name = ns.namespace_();
    absl::Status s = ParseMessage(ns.rwset(), &view.kv,
                                  {where_, action, ", namespace \"", ns.namespace_(), "\" rwset"});
    if (!s.ok()) FailAction(a, ActionDefect::kNamespaceReadWriteSet, s);
    view.collections.resize(ns.collection_hashed_rwset_size());
    for (int c = 0; c < ns.collection_hashed_rwset_size(); ++c) {
      const ::rwset::CollectionHashedReadWriteSet& coll = ns.collection_hashed_rwset(c);
      view.collections[c].name = coll.collection_name();
      view.collections[c].pvt_rwset_hash = coll.pvt_rwset_hash();
      s = ParseMessage(coll.hashed_rwset(), &view.collections[c].hashed,
                       {where_, action, ", namespace \"", ns.namespace_(), "\", collection \"",
                        coll.collection_name(), "\""});
      if (!s.ok()) FailAction(a, ActionDefect::kCollectionHashedSet, s);
    }
  }
}

}  // namespace

const char* TxDefectName(TxDefect d) {
  switch (d) {
    case TxDefect::kNone:
      return "none";
    case TxDefect::kEnvelope:
      return "envelope";
    case TxDefect::kPayload:
      return "payload";
    case TxDefect::kMissingHeader:
      return "missing header";
    case TxDefect::kChannelHeader:
      return "channel header";
    case TxDefect::kSignatureHeader:
      return "signature header";
    case TxDefect::kTransaction:
      return "transaction";
    case TxDefect::kConfigEnvelope:
      return "config envelope";
    case TxDefect::kHeaderExtension:
      return "header extension";
  }
  return "unknown";
}

const char* ActionDefectName(ActionDefect d) {
  switch (d) {
    case ActionDefect::kNone:
      return "none";
    case ActionDefect::kSignatureHeader:
      return "action signature header";
    case ActionDefect::kActionPayload:
      return "chaincode action payload";
    case ActionDefect::kProposalPayload:
      return "chaincode proposal payload";
    case ActionDefect::kMissingEndorsedAction:
      return "missing endorsed action";
    case ActionDefect::kResponsePayload:
      return "proposal response payload";
    case ActionDefect::kChaincodeAction:
      return "chaincode action";
    case ActionDefect::kReadWriteSet:
      return "read-write set";
    case ActionDefect::kNamespaceReadWriteSet:
      return "namespace read-write set";
    case ActionDefect::kCollectionHashedSet:
      return "collection hashed read-write set";
    case ActionDefect::kEvent:
      return "chaincode event";
  }
  return "unknown";
}

bool TxView::actions_ok() const {
  for (const ActionView& a : actions) {
    if (a.defect != ActionDefect::kNone) return false;
  }
  return true;
}

void ParseTransaction(absl::string_view entry, uint64_t block_number, int index, TxView* out) {
  *out = TxView();
  out->index = index;
  TxParser(block_number, index, out).Run(entry);
}

std::string IndexTxId(const TxView& tx) {
  if (!tx.has_channel_header()) return "";
  if (!tx.txid().empty()) return tx.txid();
  if (!tx.has_headers()) return "";
  return absl::BytesToHexString(
      Sha256Concat(tx.signature_header.nonce(), tx.signature_header.creator()));
}

}  // namespace fabric::wire
