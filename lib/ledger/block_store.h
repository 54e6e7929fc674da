// The block store: block files (block_files.h) plus their index in the "blocks" column
// family, and the savepoint (chain info) in the default column family.
//
// Commit protocol: Stage(block, batch) checks the block's number and previous hash,
// appends it to the block files (synced) unless the files already hold it (blocks
// found past the savepoint at open), and adds its index entries and the new savepoint
// to `batch`. The caller adds state and history to the same batch, writes it, then
// calls Committed(block). A crash between the file append and the batch write leaves
// the block in the files only; Open reports it in unindexed_count().
//
// Thread safety: Stage/Committed are for one committing thread; the queries may run
// concurrently with them and with each other.
#ifndef FABRIC_LIB_LEDGER_BLOCK_STORE_H_
#define FABRIC_LIB_LEDGER_BLOCK_STORE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "lib/ledger/block_files.h"
#include "lib/ledger/db.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

struct ChainInfo {
  uint64_t height = 0;        // last committed block number + 1
  std::string current_hash;   // header hash of block height-1 ("" when empty)
  std::string previous_hash;  // its previous_hash ("" when height < 2)
};

// One occurrence of a transaction id.
struct TxLocation {
  uint64_t block = 0;
  uint64_t tx = 0;
  uint8_t validation_code = 0;  // protos.TxValidationCode
  // A txid of the snapshot the ledger was joined from: its block and code are not kept
  // (`block` is the snapshot's last block, `tx` its place in the snapshot's list).
  bool in_snapshot = false;
};

class BlockStore {
 public:
  // `db` must outlive the store. `first_block` is the first block the store can hold:
  // 0, or for a ledger joined from a snapshot the one after the snapshot's last.
  static absl::StatusOr<std::unique_ptr<BlockStore>> Open(Db* db, const std::string& chains_dir,
                                                          const BlockFilesOptions& options,
                                                          uint64_t first_block = 0);

  uint64_t first_block() const { return first_block_; }

  ChainInfo chain_info() const;
  // Whole blocks in the files beyond the savepoint (numbers height .. height+count-1).
  size_t unindexed_count() const;
  // The bytes of the i-th unindexed block (0 = block number `height`).
  absl::StatusOr<std::string> ReadUnindexed(size_t i) const;

  // See the commit protocol above. `filter` is the block's TRANSACTIONS_FILTER (one
  // code per transaction). FailedPrecondition when the number is not the height or the
  // previous hash is not the last block's hash, or the files hold other bytes for it.
  absl::Status Stage(const wire::ParsedBlock& block, absl::string_view filter,
                     rocksdb::WriteBatchBase* batch);
  // Stage in two parts, so that the append (and its sync) can run beside other work:
  // Append checks the block and appends it to the files (synced), StageIndex writes its
  // index entries and the savepoint into `batch`.
  absl::StatusOr<BlockLocation> Append(const wire::ParsedBlock& block, absl::string_view filter);
  void StageIndex(const wire::ParsedBlock& block, absl::string_view filter,
                  const BlockLocation& loc, rocksdb::WriteBatchBase* batch);
  // REQUIRES: the batch of the last successful Stage(block) was written.
  void Committed(const wire::ParsedBlock& block);

  // Queries. NotFound when absent (blocks before first_block() included); DataLoss when an index entry or a file is corrupt:
  // a block read back must parse, carry the number (and, by hash, the header hash) it
  // was asked for, and match its header's data hash.
  absl::StatusOr<std::string> BlockByNumber(uint64_t number) const;
  absl::StatusOr<std::string> BlockByHash(absl::string_view header_hash) const;
  // The block of the first occurrence of `txid`.
  absl::StatusOr<std::string> BlockByTxId(absl::string_view txid) const;
  absl::StatusOr<BlockLocation> Location(uint64_t number) const;
  // The same, and whether the block's header data hash covers its data.
  absl::StatusOr<BlockLocation> Location(uint64_t number, bool* data_hash_matches) const;
  // Every occurrence of `txid`, in (block, tx) order; empty when none.
  absl::StatusOr<std::vector<TxLocation>> TxLocations(absl::string_view txid) const;
  // For each of `txids`, whether it occurs (TxLocations not empty): one scan for all,
  // cheaper than a TxLocations each. Fails where one of those would.
  absl::StatusOr<std::vector<bool>> HasTxIds(const std::vector<absl::string_view>& txids) const;
  // The txid and validation code of transaction `tx` of block `block`.
  absl::StatusOr<std::pair<std::string, uint8_t>> TxAt(uint64_t block, uint64_t tx) const;

 private:
  BlockStore(Db* db, uint64_t first_block) : db_(db), first_block_(first_block) {}
  static absl::Status ScanTxId(rocksdb::Iterator* it, absl::string_view txid,
                               std::vector<TxLocation>* out);
  // BlockByNumber, and the block's header hash into `header_hash` if not null.
  absl::StatusOr<std::string> ReadBlock(uint64_t number, std::string* header_hash) const;

  Db* const db_;
  const uint64_t first_block_;
  std::unique_ptr<BlockFiles> files_;
  mutable absl::Mutex mu_;
  ChainInfo info_ ABSL_GUARDED_BY(mu_);
  // Blocks in the files past the savepoint, in number order (only commits change it).
  std::deque<BlockLocation> unindexed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_BLOCK_STORE_H_
