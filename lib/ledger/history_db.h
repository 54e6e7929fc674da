// Key history in the "history" column family: one record at (ns, key, block, tx) per
// history entry of a committed block (history.h: Fabric's rules). Unlike Fabric, which keeps
// only the position and reads the value back from the block, the record carries the
// value, the delete flag, the txid and the timestamp, so a query needs no block reads.
//
// Thread safety: queries may run concurrently with each other and with commits.
#ifndef FABRIC_LIB_LEDGER_HISTORY_DB_H_
#define FABRIC_LIB_LEDGER_HISTORY_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ledger/db.h"
#include "lib/ledger/history.h"
#include "lib/ledger/update_batch.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

// One modification of a key and the (block, tx) that made it.
struct HistoryRecord {
  Version version;
  KeyModification modification;
};

class HistoryDb {
 public:
  // `db` must outlive the HistoryDb; so must `snapshot`, when given, at which it reads.
  explicit HistoryDb(Db* db, const rocksdb::Snapshot* snapshot = nullptr)
      : db_(db), snapshot_(snapshot) {}

  // The history records of `block`, whose codes are `filter`, as a batch in key order.
  absl::StatusOr<std::unique_ptr<rocksdb::WriteBatch>> BlockBatch(const wire::ParsedBlock& block,
                                                                  absl::string_view filter) const;

  // The modifications of (ns, key), newest first; at most `limit` (0 = all).
  absl::StatusOr<std::vector<HistoryRecord>> Get(absl::string_view ns, absl::string_view key,
                                                 size_t limit = 0) const;

 private:
  Db* const db_;
  const rocksdb::Snapshot* const snapshot_;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_HISTORY_DB_H_
