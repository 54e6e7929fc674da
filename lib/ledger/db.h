// One RocksDB per ledger directory, with a column family per store:
//   default  savepoint (chain height and hashes)
//   blocks   block index (by number, header hash, txid, (block, tx))
//   state    world state
//   history  key history
// Writes of one block go in one rocksdb::WriteBatch, so a block is either wholly
// indexed, applied and savepointed, or not at all. RocksDB errors become absl::Status
// (Corruption -> DataLoss, IOError -> Unavailable... see FromRocks); nothing throws.
//
// A block's batch is written behind (WriteBehind): a writer thread inserts it into the
// database while the next block is validated, and until it has, every read without a
// snapshot (Get, NewIterator) sees the batch over the database, so no reader can tell.
// Only one batch is behind at a time; every other write, and Settle, waits for it.
//
// Thread safety: a Db is safe for concurrent reads and writes (RocksDB's guarantees).
#ifndef FABRIC_LIB_LEDGER_DB_H_
#define FABRIC_LIB_LEDGER_DB_H_

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "lib/base/thread_pool.h"

namespace fabric::ledger {

enum class Cf { kMeta = 0, kBlocks = 1, kState = 2, kHistory = 3 };

// The column family names, indexed by Cf.
inline constexpr const char* kCfNames[] = {"default", "blocks", "state", "history"};

// `what: <rocksdb message>` with a code chosen from the RocksDB status.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

class Db {
 public:
  // Opens the database in `path`, creating it and its column families when missing.
  static absl::StatusOr<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  rocksdb::ColumnFamilyHandle* cf(Cf c) const { return handles_[static_cast<int>(c)]; }
  rocksdb::DB* raw() const { return db_.get(); }

  // The value of `key`, or nullopt when absent; read at `snapshot` when not null (a
  // consistent view, see ledger_view.h), else the latest.
  absl::StatusOr<std::optional<std::string>> Get(
      Cf c, absl::string_view key, const rocksdb::Snapshot* snapshot = nullptr) const;
  // Waits for the batch behind, then writes `batch`.
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);

  // Hands `batch` to the writer thread (unsynced: the caller keeps what it holds durable
  // elsewhere, the block files) and returns; reads see it at once. Waits for the batch
  // behind first. Once a batch behind failed to write, it and every later write and
  // Settle return that error: the ledger must be reopened (which re-applies the blocks
  // the database lacks).
  // `unindexed`, if given, is written first, and is not read before it is written: its
  // readers Settle first (the key history, which validation never reads).
  absl::Status WriteBehind(std::unique_ptr<rocksdb::WriteBatchWithIndex> batch,
                           std::unique_ptr<rocksdb::WriteBatch> unindexed = nullptr);
  // Waits until the batch behind, if any, is in the database.
  absl::Status Settle();
  // Settles, then compacts every column family to the bottom level.
  absl::Status Compact();

  // Get into a PinnableSlice (no copy when the value is in the block cache), as
  // rocksdb::DB::Get; NotFound when absent.
  rocksdb::Status GetPinned(Cf c, const rocksdb::Slice& key, const rocksdb::Snapshot* snapshot,
                            rocksdb::PinnableSlice* value) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(
      Cf c, const rocksdb::Snapshot* snapshot = nullptr) const;

 private:
  Db() = default;
  // The batch behind, readable until it is written (null when none is, or once written).
  std::shared_ptr<rocksdb::WriteBatchWithIndex> Behind() const;
  absl::Status SettleLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;

  mutable absl::Mutex behind_mu_;
  std::shared_ptr<rocksdb::WriteBatchWithIndex> behind_ ABSL_GUARDED_BY(behind_mu_);
  absl::Mutex write_mu_;  // orders the writes
  std::shared_ptr<absl::Notification> behind_written_ ABSL_GUARDED_BY(write_mu_);
  std::shared_ptr<absl::Status> behind_status_ ABSL_GUARDED_BY(write_mu_);
  absl::Status failed_ ABSL_GUARDED_BY(write_mu_);  // sticky: a batch behind failed
  std::unique_ptr<ThreadPool> writer_ = std::make_unique<ThreadPool>(2);  // one thread
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_DB_H_
