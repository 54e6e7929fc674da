// One channel's ledger: the block store, world state and history of storage.h, kept
// consistent, with Fabric's COMMIT_HASH chain.
//
//   auto l = Ledger::Create(dir, genesis_bytes, LedgerOptions());   // a new channel
//   auto l = Ledger::Open(dir, LedgerOptions());                     // after a restart
//   (*l)->Commit(*parsed_block, filter);   // filter: the final code of each transaction
//
// Commit stores the block as Fabric's peer does: its TRANSACTIONS_FILTER set to `filter`
// and, from block 1 on, its COMMIT_HASH slot set; then applies the writes of its VALID
// transactions to state and history (update_batch.h, history.h). Validation, which
// decides `filter`, is not the ledger's business. With the private data handed over
// with the block, it keeps what this peer is eligible for and what is missing, updates
// the private state and purges what BlockToLive says has expired (private_data.h).
//
// Crash safety: Open truncates a torn block-file tail and re-applies, in order, every
// whole block the files hold past the savepoint (their filters are stored with them, and
// their private data records are written before them), so a ledger never opens
// inconsistent and no committed block is lost.
//
// Thread safety: Commit is for one thread at a time; queries may run concurrently with
// it and with each other.
#ifndef FABRIC_LIB_LEDGER_LEDGER_H_
#define FABRIC_LIB_LEDGER_LEDGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "lib/ledger/ledger_view.h"
#include "lib/ledger/private_data.h"
#include "lib/ledger/snapshot_origin.h"
#include "lib/ledger/storage.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

struct LedgerOptions {
  StorageOptions storage;
};

class Ledger {
 public:
  // Creates a ledger in the directory `dir` (absent, empty, or left by a creation that
  // did not finish) from a genesis (config) block; its filter is set to all VALID, as a
  // peer does when it joins. AlreadyExists if `dir` holds a ledger.
  static absl::StatusOr<std::unique_ptr<Ledger>> Create(const std::string& dir,
                                                        std::string genesis_block,
                                                        const LedgerOptions& options);
  // Opens an existing ledger, recovering as described above. NotFound if there is none;
  // FailedPrecondition if its creation did not finish (call Create again).
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const std::string& dir,
                                                      const LedgerOptions& options);

  const std::string& channel_id() const { return channel_id_; }
  ChainInfo chain_info() const { return storage_->chain_info(); }
  // The snapshot the ledger was joined from (ledger_import.h); nullopt if it was
  // created from a genesis block.
  const std::optional<SnapshotOrigin>& origin() const { return storage_->origin(); }

  // A consistent view of the ledger as of its last committed block (ledger_view.h).
  // Waits for a commit in progress to finish, and for its batch written behind; the
  // error of that write if it failed (the ledger must then be reopened).
  absl::StatusOr<std::unique_ptr<LedgerView>> View() const;
  // Calls `ready` with a view of the ledger as of block `number` once that block is
  // committed: at once if it is the last, else right after its commit (on the
  // committing thread, which waits for `ready`: hand the view to another thread to
  // read it), or with Cancelled if the ledger is closed first. FailedPrecondition
  // (and no call) if block `number` is committed and not the last.
  // kLastBlock asks for the last block, whichever it is when the lock is taken.
  using ViewFn = std::function<void(absl::StatusOr<std::unique_ptr<LedgerView>>)>;
  static constexpr uint64_t kLastBlock = ~uint64_t{0};
  absl::Status ViewAt(uint64_t number, ViewFn ready);
  // Calls the ViewAt callbacks still waiting with Cancelled (as closing does).
  void CancelViews();
  ~Ledger();

  // Compacts the database whole (every level, every column family), as a ledger at
  // rest ends up after its background compactions: for benchmarks that measure a large
  // state in its steady state, right after loading it. Commits wait meanwhile.
  absl::Status Compact();
  // Waits until the last block's batch, written behind, is in the database (a
  // benchmark timing the commit whole); its error if the write failed.
  absl::Status Settle();

  // Commits the next block with the final codes `filter` (one byte per transaction),
  // and the private data handed over with it. `rules` are the channel's collections
  // (null: this peer is eligible for none, and nothing expires). FailedPrecondition if
  // it is not the next block or does not chain to the last one; InvalidArgument if
  // `filter` does not fit or the private data is not what it should be. On error
  // nothing changes.
  absl::Status Commit(const wire::ParsedBlock& block, absl::string_view filter,
                      const HandedPvtData& pvt_data = {}, const CollectionRules* rules = nullptr);

  // Reconciliation (private_data.h): private data of the committed block `number`
  // handed over late, for collections its record has as missing and eligible. Returns
  // how many collections it stored. NotFound if the block is not committed;
  // InvalidArgument for data that is not a TxPvtReadWriteSet or a transaction the block
  // does not have. Serialized with Commit.
  absl::StatusOr<size_t> SupplyPrivateData(uint64_t number, const HandedPvtData& pvt_data);

  // The private data record of block `number` (stored and missing collections);
  // nullopt if the block has none.
  absl::StatusOr<std::optional<BlockPvtRecord>> PvtRecord(uint64_t number) const {
    return storage_->PvtRecord(number);
  }

  // The commit hash of the last block ("" before block 1).
  std::string commit_hash() const;

  const BlockStore& blocks() const { return storage_->blocks(); }
  const StateDb& state() const { return storage_->state(); }
  const HistoryDb& history() const { return storage_->history(); }
  // How long the last Commit's storage took. REQUIRES: read by the committing thread.
  const CommitTimes& last_commit_times() const { return storage_->last_commit_times(); }

 private:
  Ledger() = default;
  // Commits `block` whose metadata already holds its filter and commit hash, with the
  // private data record written for it (if any).
  absl::Status CommitStored(const wire::ParsedBlock& stored) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Apply(const wire::ParsedBlock& stored, BlockUpdates updates,
                     const BlockPvtRecord* record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Recover() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::unique_ptr<LedgerView>> ViewLocked() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::string channel_id_;
  std::unique_ptr<Storage> storage_;
  mutable absl::Mutex mu_;
  std::string commit_hash_ ABSL_GUARDED_BY(mu_);
  // ViewAt's callbacks by block number.
  std::multimap<uint64_t, ViewFn> view_requests_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_LEDGER_H_
