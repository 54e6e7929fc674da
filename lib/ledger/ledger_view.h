// A consistent, read-only view of a ledger as of one committed block: a RocksDB
// snapshot plus the chain info and commit hash of that moment. Commits go on while a
// view is read; the view keeps seeing the ledger as it was. Exporting a snapshot
// (lib/snapshot) reads one, so commits stop only for as long as taking it takes.
//
//   absl::StatusOr<std::unique_ptr<LedgerView>> v = ledger.View();
//   v->chain_info().height; v->state().Get(ns, key); v->ForEachTxId(...);
//
// Thread safety: a view's reads may run on any thread, concurrently. It must be
// destroyed before the ledger it was taken from.
#ifndef FABRIC_LIB_LEDGER_LEDGER_VIEW_H_
#define FABRIC_LIB_LEDGER_LEDGER_VIEW_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ledger/block_store.h"
#include "lib/ledger/db.h"
#include "lib/ledger/history_db.h"
#include "lib/ledger/snapshot_origin.h"
#include "lib/ledger/state_db.h"

namespace fabric::ledger {

class LedgerView {
 public:
  // Takes a snapshot of `db` now. REQUIRES: no commit is in progress (the caller holds
  // the ledger's commit lock), so that `info` and `commit_hash` describe the snapshot.
  LedgerView(Db* db, std::string channel_id, ChainInfo info, std::string commit_hash,
             std::optional<SnapshotOrigin> origin);
  ~LedgerView();
  LedgerView(const LedgerView&) = delete;
  LedgerView& operator=(const LedgerView&) = delete;

  const std::string& channel_id() const { return channel_id_; }
  const ChainInfo& chain_info() const { return info_; }
  // The commit hash of the last block ("" if none).
  const std::string& commit_hash() const { return commit_hash_; }
  const std::optional<SnapshotOrigin>& origin() const { return origin_; }

  const StateDb& state() const { return state_; }
  const HistoryDb& history() const { return history_; }

  // Every txid of the txid index once (the snapshot's txids, for a ledger joined from
  // one, included), in the index's order: by varint(length), then bytes.
  absl::Status ForEachTxId(const std::function<absl::Status(absl::string_view)>& fn) const;

  // The namespaces of the state (public, hashed "$$h" and private "$$p"), in byte order.
  absl::StatusOr<std::vector<std::string>> Namespaces() const;
  // The keys of namespace `ns` in byte order, with their values.
  absl::Status ForEachKey(
      absl::string_view ns,
      const std::function<absl::Status(absl::string_view, const VersionedValue&)>& fn) const;

  // The collection config history entries imported from the snapshot the ledger was
  // joined from (Fabric's keys and values), in key order; empty for other ledgers.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ImportedConfigHistory() const;

 private:
  Db* const db_;
  const rocksdb::Snapshot* const snapshot_;
  const std::string channel_id_;
  const ChainInfo info_;
  const std::string commit_hash_;
  const std::optional<SnapshotOrigin> origin_;
  const StateDb state_;
  const HistoryDb history_;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_LEDGER_VIEW_H_
