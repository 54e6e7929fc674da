// Validation of every transaction of a block, as Fabric 2.5's txvalidator/v20 decides
// it, before MVCC: the codes a peer's validator writes into TRANSACTIONS_FILTER.
//
//   BlockValidator v(&pool);
//   absl::StatusOr<BlockValidation> r = v.Validate(block, config, ledger);
//
// Three passes (see doc/validation.md):
//   0. Prepare, in parallel over transactions, needing no ledger state: tx_checks.h
//      (headers, creator, txid, shape, the dispatcher's checks) and the endorsement
//      signature set, each signature verified once;
//   1. in parallel over transactions: the duplicate-txid lookup in the ledger, the
//      chaincode definitions read from `_lifecycle` in committed state, and every
//      namespace's endorsement policy (endorsement_policy.h);
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
// compiled policies of the current config between blocks); Prepare may run at any
// time.
#ifndef FABRIC_LIB_VALIDATE_BLOCK_VALIDATOR_H_
#define FABRIC_LIB_VALIDATE_BLOCK_VALIDATOR_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/thread_pool.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/crypto/p256_verify_batch.h"
#include "lib/ledger/ledger.h"
#include "lib/validate/endorsement_policy.h"
#include "lib/validate/tx_checks.h"
#include "lib/wire/block.h"

namespace fabric::validate {

struct BlockValidation {
  std::vector<TxVerdict> verdicts;  // one per transaction, in block order
  // The channel config the block's valid CONFIG transaction installs, else null.
  std::shared_ptr<const channelconfig::ChannelConfig> new_config;
};

// A block after the checks that need no ledger state (Prepare), ready for Validate.
struct PreparedBlock {
  struct Tx {
    TxVerdict verdict;         // CheckTransaction
    TxVerdict action_verdict;  // CheckEndorserAction, for a valid endorser transaction
    std::vector<std::string> namespaces;
    std::unique_ptr<policy::SignatureSet> endorsements;  // verified
  };
  std::shared_ptr<const wire::ParsedBlock> block;
  std::shared_ptr<const channelconfig::ChannelConfig> config;
  std::vector<Tx> txs;
};

class BlockValidator {
 public:
  // `pool` must outlive the validator. A block with at least `batch_from` signatures
  // has its hot keys' verifications computed side by side (crypto::P256VerifyBatch).
  explicit BlockValidator(ThreadPool* pool,
                          size_t batch_from = crypto::P256VerifyBatch::kMinSignatures)
      : pool_(pool), batch_from_(batch_from) {}

  // The checks of `block` that depend only on it and on `config` (the channel config
  // in force for it): headers, creator, txid, shape, every signature verified. This is
  // the expensive part, and it may run while earlier blocks are still being committed
  // (not across a config block: a prepared block is bound to its config). Thread-safe.
  PreparedBlock Prepare(std::shared_ptr<const wire::ParsedBlock> block,
                        std::shared_ptr<const channelconfig::ChannelConfig> config) const;

  // The rest, against the committed `ledger`, which must hold every block before it.
  absl::StatusOr<BlockValidation> Validate(const PreparedBlock& prepared,
                                           const ledger::Ledger& ledger);

  // Both.
  absl::StatusOr<BlockValidation> Validate(
      std::shared_ptr<const wire::ParsedBlock> block,
      std::shared_ptr<const channelconfig::ChannelConfig> config, const ledger::Ledger& ledger) {
    return Validate(Prepare(std::move(block), std::move(config)), ledger);
  }

 private:
  ThreadPool* const pool_;
  const size_t batch_from_;
  std::shared_ptr<PolicyCache> policies_;  // for policies_->config()
};

// The validation codes as TRANSACTIONS_FILTER bytes.
std::string FilterOf(const std::vector<TxVerdict>& verdicts);

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_BLOCK_VALIDATOR_H_
