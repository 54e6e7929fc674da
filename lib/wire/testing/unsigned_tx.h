// Test transactions for the stages that read a transaction's read-write set but check no
// signature (ledger updates, MVCC): well-formed envelopes with placeholder signatures.
#ifndef FABRIC_LIB_WIRE_TESTING_UNSIGNED_TX_H_
#define FABRIC_LIB_WIRE_TESTING_UNSIGNED_TX_H_

#include <string>

#include "absl/strings/string_view.h"

namespace fabric::wire::testing {

// An ENDORSER_TRANSACTION envelope of channel "mychannel" with id `txid` and one action
// of chaincode "cc" whose results are `results` (a serialized TxReadWriteSet, or any
// bytes), endorsed by a placeholder; nothing is signed.
std::string UnsignedEndorserTx(absl::string_view txid, absl::string_view results);

}  // namespace fabric::wire::testing

#endif  // FABRIC_LIB_WIRE_TESTING_UNSIGNED_TX_H_
