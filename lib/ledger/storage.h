// The storage of one channel ledger in one directory:
//   <dir>/index/             RocksDB (db.h): block index, state, history, savepoint
//   <dir>/chains/blockfile_* block files (block_files.h)
// See doc/ledger_format.md for the bytes.
//
//   absl::StatusOr<std::unique_ptr<Storage>> s = Storage::Open(dir, StorageOptions());
//   (*s)->Commit(block, updates);  // block index + state + history + savepoint, atomically
//
// Recovery: the block files are written (and synced) before the RocksDB batch, so after
// a crash the files may hold whole blocks the savepoint does not cover; Open reports
// them (unindexed_blocks()) and the ledger re-applies them, in order, with Commit (which
// then indexes the stored copy instead of appending again). A partial block at the end
// of the files is cut off on Open.
//
// Thread safety: Commit is for one thread at a time; queries (blocks(), state(),
// history(), chain_info()) may run concurrently with it and with each other.
#ifndef FABRIC_LIB_LEDGER_STORAGE_H_
#define FABRIC_LIB_LEDGER_STORAGE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/base/thread_pool.h"
#include "lib/ledger/block_store.h"
#include "lib/ledger/db.h"
#include "lib/ledger/history_db.h"
#include "lib/ledger/private_data.h"
#include "lib/ledger/snapshot_origin.h"
#include "lib/ledger/state_db.h"
#include "lib/ledger/update_batch.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

struct StorageOptions {
  uint64_t max_block_file_size = 64 << 20;
  // fdatasync the block files on every commit (they are the durable log; the RocksDB
  // batch is written without a sync and recovered from the files if lost).
  bool sync = true;
};

// How long the last commit took: the block file's append and sync (on the appender
// thread), and the database's part on the committing thread: building the batch (state,
// history, index) and handing it over to be written behind, which waits for the
// previous block's insert.
struct CommitTimes {
  absl::Duration block_storage;
  absl::Duration state;
};

class Storage {
 public:
  // The on-disk format this code writes and the newest it reads (doc/ledger_format.md).
  // 2: private data records and the expiry schedule (ledgers without private data
  // written by format 1 code are still format 1, and stay readable).
  // 3: a ledger joined from a snapshot (its origin record; ledgers created from a
  // genesis block stay format 2).
  static constexpr uint64_t kFormatVersion = 3;
  static constexpr uint64_t kGenesisFormat = 2;

  // Unimplemented (and nothing changed) when `dir` holds a ledger of a newer format.
  static absl::StatusOr<std::unique_ptr<Storage>> Open(const std::string& dir,
                                                       const StorageOptions& options);

  // Of the last Commit. REQUIRES: read by the committing thread.
  const CommitTimes& last_commit_times() const { return last_commit_times_; }

  // The snapshot the ledger was joined from; nullopt for a ledger created from a
  // genesis block.
  const std::optional<SnapshotOrigin>& origin() const { return origin_; }
  Db* db() const { return db_.get(); }

  // The savepoint: height and hashes of the last committed block.
  ChainInfo chain_info() const { return blocks_->chain_info(); }
  // Whole blocks in the files past the savepoint, numbered chain_info().height onward.
  size_t unindexed_blocks() const { return blocks_->unindexed_count(); }
  // The serialized i-th of them, for re-application (each commit of the first makes
  // the second the first).
  absl::StatusOr<std::string> ReadUnindexedBlock(size_t i) const {
    return blocks_->ReadUnindexed(i);
  }

  // Commits `block` (serialized with its final TRANSACTIONS_FILTER) and the state
  // `updates` computed for it: block files, index, state, history and savepoint, the
  // last four in one RocksDB batch. On error nothing is committed (the block may sit in
  // the files, unindexed, and is reused by the next Commit of the same block).
  absl::Status Commit(const wire::ParsedBlock& block, const BlockUpdates& updates);

  // The same with the block's private part: its private state updates, the expiry
  // schedule entries its writes make (by expiry block), and the schedule entries of the
  // blocks in `expired` (keys written by them that expire at this block, now handled),
  // which are removed.
  struct PrivateCommit {
    PrivateUpdates updates;
    std::map<uint64_t, std::vector<ExpiringKey>> schedule;
    std::vector<uint64_t> expired;
    // Records of earlier blocks whose expired data is dropped (nullopt: none left).
    std::map<uint64_t, std::optional<BlockPvtRecord>> records;
  };
  absl::Status Commit(const wire::ParsedBlock& block, const BlockUpdates& updates,
                      const PrivateCommit& pvt);

  // Writes (and syncs) the private data record of block `number`, before the block is
  // committed, so that recovery finds it; marks the ledger format 2.
  absl::Status WritePvtRecord(uint64_t number, const BlockPvtRecord& record);
  // Reconciliation: the updated record of block `number`, the private state updates it
  // brings, and the raw keys now known for its expiry schedule entries, in one synced
  // batch.
  absl::Status CommitReconciled(uint64_t number, const BlockPvtRecord& record,
                                const PrivateUpdates& updates,
                                const std::map<uint64_t, std::vector<ExpiringKey>>& schedule);
  // The record of block `number`; nullopt if it has none.
  absl::StatusOr<std::optional<BlockPvtRecord>> PvtRecord(uint64_t number) const;
  // The schedule entries of keys expiring at block `expiry`: committing block -> keys.
  absl::StatusOr<std::map<uint64_t, std::vector<ExpiringKey>>> Expiring(uint64_t expiry) const;
  // The schedule entry of keys block `written` wrote that expire at `expiry` (empty if none).
  absl::StatusOr<std::vector<ExpiringKey>> ExpiringFrom(uint64_t expiry, uint64_t written) const;

  const BlockStore& blocks() const { return *blocks_; }
  const StateDb& state() const { return *state_; }
  const HistoryDb& history() const { return *history_; }

 private:
  Storage() = default;

  StorageOptions options_;
  std::unique_ptr<Db> db_;  // declared first: destroyed last
  std::unique_ptr<BlockStore> blocks_;
  std::unique_ptr<StateDb> state_;
  std::unique_ptr<HistoryDb> history_;
  std::optional<SnapshotOrigin> origin_;
  CommitTimes last_commit_times_;
  // Two threads beside the committing one: one appends and syncs each committed block,
  // the other builds its history batch, while the committing thread builds the state's.
  std::unique_ptr<ThreadPool> helpers_ = std::make_unique<ThreadPool>(3);
  // Whether the expiry schedule may hold entries: false for a ledger that never had
  // private data with a BlockToLive, whose commits then skip the schedule lookup.
  // REQUIRES: used by the committing thread.
  bool may_expire_ = true;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_STORAGE_H_
