// The checks of one transaction that depend on nothing but the transaction and the
// channel's MSPs, in Fabric 2.5's order and with its codes:
//   - CheckTransaction: core/common/validation/msgvalidation.go ValidateTransaction
//     (envelope, payload, headers, creator identity and signature, txid, the shape of an
//     endorser transaction and its proposal hash), preceded by txvalidator/v20's own
//     envelope check;
//   - CheckEndorserAction: txvalidator/v20/plugindispatcher Dispatch up to the policies
//     (header extension, response payload, read-write set, chaincode ids, event,
//     duplicate namespaces) and the namespaces whose policies must then hold.
// The duplicate-txid check against the ledger sits between the two (block_validator.h).
//
// Where Fabric's Go code would panic on a malformed transaction (an absent endorsed
// action) these return the code of the check it was running.
//
// Thread safety: stateless; the MspManager is thread-safe.
#ifndef FABRIC_LIB_VALIDATE_TX_CHECKS_H_
#define FABRIC_LIB_VALIDATE_TX_CHECKS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lib/identity/msp_manager.h"
#include "lib/policy/signature_set.h"
#include "lib/wire/proto/transaction.pb.h"
#include "lib/wire/transaction.h"

namespace fabric::validate {

// A transaction's validation code and, when it is not VALID, why.
struct TxVerdict {
  protos::TxValidationCode code = protos::VALID;
  std::string reason;

  bool valid() const { return code == protos::VALID; }
};

TxVerdict Invalid(protos::TxValidationCode code, std::string reason);

// Fabric's ValidateTransaction for a transaction of channel `channel_id`.
TxVerdict CheckTransaction(const wire::TxView& tx, absl::string_view channel_id,
                           const identity::MspManager& msps);

// For an endorser transaction that passed CheckTransaction and the duplicate check: the
// dispatcher's checks before the policies. When VALID, `namespaces` receives the
// namespaces whose endorsement policies must hold: the invoked chaincode first, then
// every other namespace the read-write set writes (values, metadata, private hashes),
// in read-write-set order. (Fabric visits them in Go map order, that is at random; a
// fixed order gives the same code whenever Fabric's answer does not depend on chance.)
TxVerdict CheckEndorserAction(const wire::TxView& tx, std::vector<std::string>* namespaces);

// The endorsements of a checked endorser transaction as signed data: each endorser
// signs the proposal response payload bytes followed by its own identity bytes.
std::vector<policy::SignedData> EndorsementSignedData(const wire::ActionView& action);

// True if the namespace's read-write set writes anything (what makes its policy apply).
bool WritesTo(const wire::NamespaceView& ns);

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_TX_CHECKS_H_
