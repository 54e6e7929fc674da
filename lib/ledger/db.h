// One RocksDB per ledger directory, with a column family per store:
//   default  savepoint (chain height and hashes)
//   blocks   block index (by number, header hash, txid, (block, tx))
//   state    world state
//   history  key history
// Writes of one block go in one rocksdb::WriteBatch, so a block is either wholly
// indexed, applied and savepointed, or not at all. RocksDB errors become absl::Status
// (Corruption -> DataLoss, IOError -> Unavailable... see FromRocks); nothing throws.
//
// Thread safety: a Db is safe for concurrent reads and writes (RocksDB's guarantees).
#ifndef FABRIC_LIB_LEDGER_DB_H_
#define FABRIC_LIB_LEDGER_DB_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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
  absl::Status Write(rocksdb::WriteBatch* batch, bool sync);
  std::unique_ptr<rocksdb::Iterator> NewIterator(
      Cf c, const rocksdb::Snapshot* snapshot = nullptr) const;

 private:
  Db() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_DB_H_
