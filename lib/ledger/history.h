// What a committed block adds to key history, as Fabric 2.5's history DB records it
// (core/ledger/kvledger/history): for every VALID endorser transaction, one entry per
// (namespace, key) its read-write set writes (deletes included, metadata-only changes
// and private collections not), at (block, tx). A history query then reads each entry's
// modification back from its transaction: the first write of that key in the
// transaction's read-write set gives the value and the delete flag (a write with an
// empty value is a delete), the channel header gives the txid and timestamp.
#ifndef FABRIC_LIB_LEDGER_HISTORY_H_
#define FABRIC_LIB_LEDGER_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

// Points into the parsed block, which must outlive it.
struct HistoryEntry {
  absl::string_view ns;
  absl::string_view key;
  uint64_t tx = 0;  // index in the block
  const kvrwset::KVWrite* write = nullptr;  // the transaction's first write of the key
};

// A key's modification by one transaction (Fabric's queryresult.KeyModification).
struct KeyModification {
  std::string txid;
  std::string value;
  bool is_delete = false;
  int64_t timestamp_seconds = 0;
  int32_t timestamp_nanos = 0;
};

// The history entries of `block` with final codes `filter`, in block order, each
// (namespace, key) once per transaction.
std::vector<HistoryEntry> BlockHistory(const wire::ParsedBlock& block, absl::string_view filter);

// The modification of (ns, key) by `tx`, or nullopt if it does not write the key.
std::optional<KeyModification> ModificationOf(const wire::TxView& tx, absl::string_view ns,
                                              absl::string_view key);

// The modification an entry of BlockHistory(block, ...) records.
KeyModification ModificationOf(const wire::TxView& tx, const kvrwset::KVWrite& write);

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_HISTORY_H_
