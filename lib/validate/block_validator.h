// Validation of every transaction of a block, as Fabric 2.5's txvalidator/v20 decides
// it, before MVCC: the codes a peer's validator writes into TRANSACTIONS_FILTER.
//
//   BlockValidator v(&pool);
//   absl::StatusOr<BlockValidation> r = v.Validate(*block, config, ledger);
//
// Two passes (see doc/validation.md):
//   1. in parallel over transactions: tx_checks.h (headers, creator, txid, shape), the
//      duplicate-txid lookup in the ledger, the dispatcher's checks, the chaincode
//      definitions read from `_lifecycle` in committed state, and every namespace's
//      endorsement policy (endorsement_policy.h) on a signature set whose signatures
//      are each verified once;
//   2. in block order, cheaply: what depends on earlier transactions of the block.
//      A write to a key whose validation parameter an earlier transaction of the block
//      updates, where that transaction passed its policy check for the key's namespace,
//      is an ENDORSEMENT_POLICY_FAILURE (Fabric's ValidationParameterUpdatedError);
//      then a txid that an earlier VALID transaction of the block carries is a
//      DUPLICATE_TXID; a valid CONFIG transaction yields the next channel config.
// An error (rather than codes) means the block cannot be validated at all, as when
// Fabric's validator returns an error and the peer stops the channel: a corrupt ledger,
// a chaincode whose validation plugin is not "vscc", a config transaction that does not
// apply. Nothing about the block is decided then.
//
// Thread safety: Validate calls must not overlap on one BlockValidator (it keeps the
// compiled policies of the current config between blocks); the ledger may commit
// concurrently only blocks earlier than the one validated.
#ifndef FABRIC_LIB_VALIDATE_BLOCK_VALIDATOR_H_
#define FABRIC_LIB_VALIDATE_BLOCK_VALIDATOR_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/thread_pool.h"
#include "lib/channel/channel_config.h"
#include "lib/ledger/ledger.h"
#include "lib/validate/endorsement_policy.h"
#include "lib/validate/tx_checks.h"
#include "lib/wire/block.h"

namespace fabric::validate {

struct BlockValidation {
  std::vector<TxVerdict> verdicts;  // one per transaction, in block order
  // The channel config the block's valid CONFIG transaction installs, else null.
  std::shared_ptr<const channel::ChannelConfig> new_config;
};

class BlockValidator {
 public:
  // `pool` must outlive the validator.
  explicit BlockValidator(ThreadPool* pool) : pool_(pool) {}

  // Validates `block` under `config` (the channel config in force for it) against the
  // committed `ledger` (which holds every block before it).
  absl::StatusOr<BlockValidation> Validate(
      const wire::ParsedBlock& block, const std::shared_ptr<const channel::ChannelConfig>& config,
      const ledger::Ledger& ledger);

 private:
  ThreadPool* const pool_;
  std::shared_ptr<PolicyCache> policies_;  // for policies_->config()
};

// The validation codes as TRANSACTIONS_FILTER bytes.
std::string FilterOf(const std::vector<TxVerdict>& verdicts);

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_BLOCK_VALIDATOR_H_
