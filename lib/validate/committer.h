// The committing peer of one channel: what a Fabric peer does with each block the
// ordering service delivers, without the networking.
//
//   auto c = Committer::Create(dir, genesis_bytes, CommitterOptions());  // or Open(dir, ...)
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
// at a time in the order they were enqueued. Subscribers are called on the committer's
// worker thread, one block at a time, in order; they must not call Submit or Drain.
#ifndef FABRIC_LIB_VALIDATE_COMMITTER_H_
#define FABRIC_LIB_VALIDATE_COMMITTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/channel/channel_config.h"
#include "lib/ledger/ledger.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::validate {

struct CommitterOptions {
  // Validation threads, the caller's included; 0: one per core.
  size_t threads = 0;
  // Blocks Enqueue accepts before it waits.
  size_t max_pending = 4;
  ledger::LedgerOptions ledger;
};

struct SubmitOptions {
  // Skip block verification (step 2): for replaying a chain the host already trusts.
  // The number and previous hash are still checked by the ledger.
  bool skip_verification = false;
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

class Committer {
 public:
  // A new channel ledger in `dir` from its genesis block.
  static absl::StatusOr<std::unique_ptr<Committer>> Create(const std::string& dir,
                                                           std::string genesis_block,
                                                           const CommitterOptions& options);
  // The channel ledger in `dir`, recovered (ledger.h); the channel config is the one
  // its last valid config transaction installed.
  static absl::StatusOr<std::unique_ptr<Committer>> Open(const std::string& dir,
                                                         const CommitterOptions& options);
  ~Committer();  // waits for queued blocks

  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

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
  // The same ledger, shared: queries through it may outlive the committer. Committing
  // through it behind the committer's back is a programming error.
  std::shared_ptr<ledger::Ledger> shared_ledger() const;
  const std::string& channel_id() const;
  std::shared_ptr<const channel::ChannelConfig> config() const;

 private:
  struct Impl;
  explicit Committer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_COMMITTER_H_
