#include "lib/validate/tx_checks.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/wire/hashes.h"

namespace fabric::validate {
namespace {

using protos::TxValidationCode;
using wire::ActionDefect;
using wire::TxDefect;

std::string TypeName(int type) {
  const std::string& name = common::HeaderType_Name(static_cast<common::HeaderType>(type));
  return name.empty() ? absl::StrCat(type) : name;
}

// Fabric's validateSignatureHeader.
std::string SignatureHeaderProblem(const common::SignatureHeader& h) {
  if (h.nonce().empty()) return "invalid nonce specified in the header";
  if (h.creator().empty()) return "invalid creator specified in the header";
  return "";
}

// Fabric's checkSignatureFromCreator, with the channel's MSPs standing in for the
// peer's per-channel deserializer lookup (a transaction naming another channel finds
// no MSPs).
TxVerdict CheckCreator(const wire::TxView& tx, absl::string_view channel_id,
                       const identity::MspManager& msps) {
  const TxValidationCode code = protos::BAD_CREATOR_SIGNATURE;
  if (tx.envelope.signature().empty()) return Invalid(code, "nil arguments: no signature");
  if (tx.channel_header.channel_id() != channel_id) {
    return Invalid(
        code, absl::StrCat("could not get msp for channel [", tx.channel_header.channel_id(), "]"));
  }
  auto creator = msps.Deserialize(tx.signature_header.creator());
  if (!creator.ok()) return Invalid(code, absl::StrCat("MSP error: ", creator.status().message()));
  if (absl::Status s = msps.Validate(**creator); !s.ok()) {
    return Invalid(code, absl::StrCat("creator certificate is not valid: ", s.message()));
  }
  if (absl::Status s = (*creator)->Verify(tx.envelope.payload(), tx.envelope.signature());
      !s.ok()) {
    return Invalid(
        code, absl::StrCat("creator's signature over the proposal is not valid: ", s.message()));
  }
  return {};
}

// Fabric's validateEndorserTransaction: one action, well formed, whose proposal hash
// covers this transaction's headers and proposal payload.
TxVerdict CheckEndorserShape(const wire::TxView& tx) {
  const TxValidationCode code = protos::INVALID_ENDORSER_TRANSACTION;
  if (tx.defect == TxDefect::kTransaction) return Invalid(code, tx.error.ToString());
  if (tx.actions.size() != 1) {
    return Invalid(code, absl::StrCat("only one action per transaction is supported, tx contains ",
                                      tx.actions.size()));
  }
  const wire::ActionView& a = tx.actions[0];
  if (a.Failed(ActionDefect::kSignatureHeader)) return Invalid(code, a.error.ToString());
  if (std::string p = SignatureHeaderProblem(a.header); !p.empty()) return Invalid(code, p);
  if (a.Failed(ActionDefect::kActionPayload)) return Invalid(code, a.error.ToString());
  // Fabric dereferences the absent action here (a Go panic).
  if (a.Failed(ActionDefect::kMissingEndorsedAction)) return Invalid(code, a.error.ToString());
  if (a.Failed(ActionDefect::kResponsePayload)) return Invalid(code, a.error.ToString());
  const std::string& proposal_payload = a.payload.chaincode_proposal_payload();
  if (proposal_payload.empty()) {
    return Invalid(code, "nil arguments: no chaincode proposal payload to hash");
  }
  Sha256Hasher h;
  h.Update(tx.payload.header().channel_header());
  h.Update(tx.transaction.actions(0).header());
  h.Update(proposal_payload);
  if (h.Finish() != a.response_payload.proposal_hash()) {
    return Invalid(code, "proposal hash does not match");
  }
  return {};
}

}  // namespace

TxVerdict Invalid(protos::TxValidationCode code, std::string reason) {
  return TxVerdict{code, std::move(reason)};
}

TxVerdict CheckTransaction(const wire::TxView& tx, absl::string_view channel_id,
                           const identity::MspManager& msps) {
  switch (tx.defect) {
    case TxDefect::kEnvelope:
      return Invalid(protos::INVALID_OTHER_REASON, tx.error.ToString());
    case TxDefect::kPayload:
      return Invalid(protos::BAD_PAYLOAD, tx.error.ToString());
    case TxDefect::kMissingHeader:
    case TxDefect::kChannelHeader:
    case TxDefect::kSignatureHeader:
      return Invalid(protos::BAD_COMMON_HEADER, tx.error.ToString());
    default:
      break;
  }
  const common::ChannelHeader& ch = tx.channel_header;
  switch (tx.type()) {
    case common::ENDORSER_TRANSACTION:
    case common::CONFIG_UPDATE:
    case common::CONFIG:
      break;
    default:
      return Invalid(protos::BAD_COMMON_HEADER, "invalid header type " + TypeName(ch.type()));
  }
  if (ch.epoch() != 0) {
    return Invalid(
        protos::BAD_COMMON_HEADER,
        absl::StrCat("invalid Epoch in ChannelHeader. Expected 0, got [", ch.epoch(), "]"));
  }
  if (std::string p = SignatureHeaderProblem(tx.signature_header); !p.empty()) {
    return Invalid(protos::BAD_COMMON_HEADER, p);
  }
  if (TxVerdict v = CheckCreator(tx, channel_id, msps); !v.valid()) return v;

  switch (tx.type()) {
    case common::ENDORSER_TRANSACTION: {
      const std::string want =
          wire::ComputeTxId(tx.signature_header.nonce(), tx.signature_header.creator());
      if (ch.tx_id() != want) {
        return Invalid(protos::BAD_PROPOSAL_TXID,
                       absl::StrCat("invalid txid. got [", ch.tx_id(), "], expected [", want, "]"));
      }
      return CheckEndorserShape(tx);
    }
    case common::CONFIG:
      if (tx.payload.data().empty()) {
        return Invalid(protos::INVALID_CONFIG_TRANSACTION, "nil arguments: no config data");
      }
      return {};
    default:
      return Invalid(protos::UNSUPPORTED_TX_PAYLOAD,
                     "unsupported transaction payload type " + TypeName(ch.type()));
  }
}

bool WritesTo(const wire::NamespaceView& ns) {
  if (ns.kv.writes_size() > 0 || ns.kv.metadata_writes_size() > 0) return true;
  for (const wire::CollectionView& c : ns.collections) {
    if (c.hashed.hashed_writes_size() > 0 || c.hashed.metadata_writes_size() > 0) return true;
  }
  return false;
}

TxVerdict CheckEndorserAction(const wire::TxView& tx, std::vector<std::string>* namespaces) {
  if (tx.defect == TxDefect::kHeaderExtension) {
    return Invalid(protos::BAD_HEADER_EXTENSION, tx.error.ToString());
  }
  const wire::ActionView& a = tx.actions[0];
  if (a.payload.action().proposal_response_payload().empty()) {
    return Invalid(protos::BAD_RESPONSE_PAYLOAD, "no payload in ChaincodeActionPayload");
  }
  if (a.response_payload.extension().empty()) {
    return Invalid(protos::BAD_RESPONSE_PAYLOAD, "response payload is missing extension");
  }
  if (a.Failed(ActionDefect::kChaincodeAction)) {
    return Invalid(protos::BAD_RESPONSE_PAYLOAD, a.error.ToString());
  }
  if (a.Failed(ActionDefect::kReadWriteSet) || a.Failed(ActionDefect::kNamespaceReadWriteSet) ||
      a.Failed(ActionDefect::kCollectionHashedSet)) {
    return Invalid(protos::BAD_RWSET, a.error.ToString());
  }
  if (!tx.header_extension.has_chaincode_id()) {
    return Invalid(protos::INVALID_OTHER_REASON, "nil ChaincodeId in header extension");
  }
  if (!a.chaincode_action.has_chaincode_id()) {
    return Invalid(protos::INVALID_OTHER_REASON, "nil ChaincodeId in ChaincodeAction");
  }
  const std::string& cc = tx.header_extension.chaincode_id().name();
  const protos::ChaincodeID& acted = a.chaincode_action.chaincode_id();
  if (cc.empty()) return Invalid(protos::INVALID_CHAINCODE, "invalid chaincode ID");
  if (cc != acted.name()) {
    return Invalid(protos::INVALID_CHAINCODE,
                   absl::StrCat("inconsistent ccid info (", cc, "/", acted.name(), ")"));
  }
  if (acted.version().empty())
    return Invalid(protos::INVALID_CHAINCODE, "invalid chaincode version");
  if (!a.chaincode_action.events().empty()) {
    if (a.Failed(ActionDefect::kEvent)) {
      return Invalid(protos::INVALID_OTHER_REASON,
                     "invalid chaincode event: " + a.error.ToString());
    }
    if (a.event.chaincode_id() != cc) {
      return Invalid(protos::INVALID_OTHER_REASON,
                     "chaincode event chaincode id does not match chaincode action chaincode id");
    }
  }
  absl::flat_hash_set<absl::string_view> seen;
  namespaces->assign(1, cc);
  for (const wire::NamespaceView& ns : a.namespaces) {
    if (!seen.insert(ns.name).second) {
      return Invalid(protos::ILLEGAL_WRITESET,
                     absl::StrCat("duplicate namespace '", ns.name, "' in txRWSet"));
    }
    if (ns.name != cc && WritesTo(ns)) namespaces->push_back(ns.name);
  }
  return {};
}

std::vector<policy::SignedData> EndorsementSignedData(const wire::ActionView& action) {
  const protos::ChaincodeEndorsedAction& ea = action.payload.action();
  std::vector<policy::SignedData> out;
  out.reserve(ea.endorsements_size());
  for (const protos::Endorsement& e : ea.endorsements()) {
    out.push_back(
        {absl::StrCat(ea.proposal_response_payload(), e.endorser()), e.endorser(), e.signature()});
  }
  return out;
}

}  // namespace fabric::validate
