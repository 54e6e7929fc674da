// Builds a ledger joined from a snapshot (Fabric's CreateFromSnapshot): the caller
// (lib/snapshot) streams in what the snapshot holds, and the ledger starts at the block
// after the snapshot's last, with its txids (duplicate detection), world state and
// hashed private state, collection config history and BlockToLive schedule.
//
//   auto imp = LedgerImporter::Start(dir, origin, LedgerOptions());
//   (*imp)->AddTxId(txid); (*imp)->AddState(ns, key, value); ...
//   absl::StatusOr<std::unique_ptr<Ledger>> l = (*imp)->Finish();
//
// Crash safety: the origin record is written first and the savepoint last (synced); a
// directory left by an import that did not finish opens with FailedPrecondition and is
// cleared by the next Start.
//
// Thread safety: one thread.
#ifndef FABRIC_LIB_LEDGER_LEDGER_IMPORT_H_
#define FABRIC_LIB_LEDGER_LEDGER_IMPORT_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/snapshot_origin.h"

namespace fabric::ledger {

class LedgerImporter {
 public:
  // Starts the import into `dir`: absent, empty, or left by a creation or import that
  // did not finish (cleared first). AlreadyExists if it holds a ledger.
  static absl::StatusOr<std::unique_ptr<LedgerImporter>> Start(const std::string& dir,
                                                               SnapshotOrigin origin,
                                                               const LedgerOptions& options);
  ~LedgerImporter();

  // A txid of the snapshot's block store (in the snapshot's order).
  absl::Status AddTxId(absl::string_view txid);
  // A key of the public state, or of a collection's hashed state (namespace
  // ns + "$$h" + collection, keyed by key hash).
  absl::Status AddState(absl::string_view ns, absl::string_view key, const VersionedValue& v);
  // An entry of Fabric's collection config history (its key and value, kept verbatim).
  absl::Status AddConfigHistory(absl::string_view key, absl::string_view value);
  // A hashed key block `committing` wrote that BlockToLive purges at block `expiry`.
  void AddExpiring(uint64_t expiry, uint64_t committing, ExpiringKey key);

  // Writes what is left and the savepoint (synced), and opens the ledger.
  absl::StatusOr<std::unique_ptr<Ledger>> Finish();

 private:
  LedgerImporter() = default;
  absl::Status Flush(bool sync);

  std::string dir_;
  LedgerOptions options_;
  SnapshotOrigin origin_;
  std::unique_ptr<Storage> storage_;
  rocksdb::WriteBatch batch_;
  uint64_t txids_ = 0;
  std::set<std::string> metadata_namespaces_;
  std::map<std::pair<uint64_t, uint64_t>, std::vector<ExpiringKey>> expiring_;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_LEDGER_IMPORT_H_
