// A channel as a host sees it (the C ABI's fabric_channel is one): its ledger directory,
// the committing peer's work on each block the ordering service delivers, without the
// networking, and what endorsers read of it (endorse/channel_view.h).
//
// A Channel owns the directory it is created or opened on while it, or a ledger it
// shared, is open. How channels and ledger::LedgerManager share ledger directories is
// stated once, in include/fabric/fabric.h under "Ledger directories".
//
//   auto c = Channel::Create(dir, genesis_bytes, ChannelOptions());  // or Open(dir, ...)
//   absl::StatusOr<BlockResult> r = (*c)->Submit(block_bytes);
//
// For each block, in order:
//   1. parse it once (wire/block.h);
//   2. verify it (block_verifier.h): number, channel, data hash, well-formed envelopes,
//      orderer signatures against /Channel/Orderer/BlockValidation, previous hash;
//   3. validate every transaction (block_validator.h), in parallel on a thread pool;
//   4. MVCC and phantom checks in block order (mvcc.h);
//   5. commit to the ledger (ledger/ledger.h): the block with TRANSACTIONS_FILTER and
//      COMMIT_HASH, state, history; durably;
//   6. tell the host: subscribers get the BlockResult (per-transaction txid and code,
//      chaincode events of valid transactions); WaitForTransaction returns.
// A block that fails 2 (or that cannot be validated at all, 3) is rejected: nothing
// changes, the result is an error saying why, and the channel waits for a good block
// at the same height. A valid CONFIG transaction switches the channel config from the
// next block on.
//
// Pipelining: Enqueue returns at once; while block N is validated against the ledger
// and committed, block N+1 is parsed, verified and has its signatures checked (the
// work that needs no ledger state), on the same pool.
//
// Thread safety: every method may be called from any thread. Blocks are processed one
// at a time in the order they were enqueued. Subscribers are called on the channel's
// worker thread, one block at a time, in order; they must not call Submit or Drain.
#ifndef FABRIC_LIB_CHANNEL_CHANNEL_H_
#define FABRIC_LIB_CHANNEL_CHANNEL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/channel/metrics.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/endorse/channel_view.h"
#include "lib/ledger/ledger.h"
#include "lib/snapshot/metadata.h"
#include "lib/ledger/private_data.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::channel {

struct ChannelOptions {
  // Validation threads, the caller's included; 0: one per core.
  size_t threads = 0;
  // The MSP id of the org this peer belongs to: the private data of the collections
  // that org is a member of is kept (ledger/private_data.h); "" keeps none.
  std::string mspid;
  // Blocks Enqueue accepts before it waits.
  size_t max_pending = 4;
  ledger::LedgerOptions ledger;
};

struct SubmitOptions {
  // Skip block verification (step 2): for replaying a chain the host already trusts.
  // The number and previous hash are still checked by the ledger.
  bool skip_verification = false;
  // The private data handed over with the block (what Fabric's gossip hands the
  // committer): transaction index -> serialized rwset.TxPvtReadWriteSet.
  ledger::HandedPvtData pvt_data;
};

struct TxResult {
  std::string txid;
  protos::TxValidationCode validator_code = protos::VALID;  // before MVCC
  protos::TxValidationCode code = protos::VALID;            // final, as committed
  std::string reason;                                       // why, when not VALID
};

struct ChaincodeEvent {
  uint32_t tx_index = 0;
  std::string txid;
  std::string chaincode_id;
  std::string event_name;
  std::string payload;
};

struct BlockResult {
  uint64_t number = 0;
  std::string header_hash;
  std::vector<TxResult> txs;
  std::vector<ChaincodeEvent> events;  // of VALID transactions, in block order
  bool config_updated = false;
};

class Channel : public endorse::ChannelView {
 public:
  // A new channel ledger in `dir` from its genesis block.
  static absl::StatusOr<std::unique_ptr<Channel>> Create(const std::string& dir,
                                                         std::string genesis_block,
                                                         const ChannelOptions& options);
  // The channel ledger in `dir`, recovered (ledger.h); the channel config is the one
  // its last valid config transaction installed.
  static absl::StatusOr<std::unique_ptr<Channel>> Open(const std::string& dir,
                                                       const ChannelOptions& options);
  // The channel ledger created in `dir` from the Fabric ledger snapshot in
  // `snapshot_dir` (lib/snapshot/join.h: hashes verified, then imported); its config is
  // the one in the snapshot's state, and it takes the blocks after the snapshot's last.
  static absl::StatusOr<std::unique_ptr<Channel>> JoinFromSnapshot(
      const std::string& dir, const std::string& snapshot_dir, const ChannelOptions& options);
  ~Channel() override;  // waits for queued blocks and snapshots being written

  // Writes a snapshot of the ledger in Fabric's format to `dir` (lib/snapshot/export.h)
  // as of block `number`: the last committed block (ledger::Ledger::kLastBlock: whichever
  // it is then), or one still to come, when it commits. Commits stop only while a consistent view is taken; the files are written
  // on a thread of its own, which then calls `done` with what it wrote or the error
  // (Cancelled if the channel closes before the block commits). FailedPrecondition
  // (and no call) if block `number` is committed and not the last.
  using SnapshotDoneFn = std::function<void(absl::StatusOr<snapshot::SnapshotMetadata>)>;
  absl::Status RequestSnapshot(uint64_t number, std::string dir, SnapshotDoneFn done);
  // The same, waiting until the snapshot is written.
  absl::StatusOr<snapshot::SnapshotMetadata> Snapshot(uint64_t number, const std::string& dir);

  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Processes one block and returns its result once committed (or rejected).
  absl::StatusOr<BlockResult> Submit(std::string block, const SubmitOptions& options = {});

  // Queues a block; `done` gets its result on the worker thread.
  using DoneFn = std::function<void(absl::StatusOr<BlockResult>)>;
  void Enqueue(std::string block, const SubmitOptions& options, DoneFn done);
  // Returns once every queued block has been processed.
  void Drain();

  // Calls `fn` with the result of every block committed from now on. Returns an id for
  // Unsubscribe.
  int Subscribe(std::function<void(const BlockResult&)> fn);
  void Unsubscribe(int id);

  // The final result of transaction `txid`: at once if the ledger holds it (its first
  // occurrence), else when a block carrying it commits. DeadlineExceeded after
  // `timeout`.
  absl::StatusOr<TxResult> WaitForTransaction(const std::string& txid, absl::Duration timeout);

  const ledger::Ledger& ledger() const;
  // Private data of committed block `number` handed over late (ledger.h,
  // SupplyPrivateData): how many missing collections it filled.
  absl::StatusOr<size_t> SupplyPrivateData(uint64_t number, const ledger::HandedPvtData& data);
  // The same ledger, shared: queries through it may outlive the channel. Committing
  // through it behind the channel's back is a programming error.
  std::shared_ptr<ledger::Ledger> shared_ledger() const;
  const std::string& channel_id() const override;
  // Fabric's ledger metrics of this channel (metrics.h).
  MetricsSnapshot metrics() const;
  // endorse::ChannelView: the ledger's state and history, and its txid index.
  const ledger::StateDb& state() const override { return ledger().state(); }
  const ledger::HistoryDb& history() const override { return ledger().history(); }
  absl::StatusOr<bool> HasTransaction(absl::string_view txid) const override;
  std::shared_ptr<const channelconfig::ChannelConfig> config() const override;

 private:
  struct Impl;
  explicit Channel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabric::channel

#endif  // FABRIC_LIB_CHANNEL_CHANNEL_H_
