// Writes a ledger snapshot in Fabric's format (core/ledger/kvledger/snapshot.go,
// generateSnapshot), the files Fabric writes for the same ledger, byte for byte:
//   txids.data / .metadata                every txid of the block store, each once,
//                                         ordered by length then bytes; the count
//   confighistory.data / .metadata        the collection config history
//                                         (config_history.h); the count
//   public_state.data / .metadata         the public state, namespace by namespace in
//                                         byte order, keys in byte order (state_record.h);
//                                         (namespace, count) per namespace
//   private_state_hashes.data / .metadata the hashed state of the collections, the same
//   _snapshot_signable_metadata.json, _snapshot_additional_metadata.json (metadata.h)
// A pair of files is written only when it has at least one entry. Private values are
// never exported.
//
// The snapshot is read from a LedgerView (one consistent point, while commits go on)
// into `<dir>.partial`, synced, then renamed to `dir`.
//
// Thread safety: ExportSnapshot may run on any thread while the ledger commits.
#ifndef FABRIC_LIB_SNAPSHOT_EXPORT_H_
#define FABRIC_LIB_SNAPSHOT_EXPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "lib/ledger/ledger_view.h"
#include "lib/snapshot/metadata.h"

namespace fabric::snapshot {

// Writes the snapshot of `view` to `dir`, which must not exist (its parent must).
// AlreadyExists if it does. Returns the metadata written.
absl::StatusOr<SnapshotMetadata> ExportSnapshot(const ledger::LedgerView& view,
                                                const std::string& dir);

}  // namespace fabric::snapshot

#endif  // FABRIC_LIB_SNAPSHOT_EXPORT_H_
