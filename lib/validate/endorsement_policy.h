// Endorsement policies of one transaction's namespace, as Fabric 2.5's builtin "vscc"
// validation plugin checks them (core/handlers/validation/builtin/v20 and
// core/common/validation/statebased: the V20 evaluator).
//
// For namespace `ns`, with the chaincode's policy `cc_policy` (from its definition):
//   for each key the namespace writes, in this order: value writes, metadata writes,
//   private hashed writes, private hashed metadata writes:
//     - if the key carries a key-level policy (metadata entry VALIDATION_PARAMETER in
//       committed state: a SignaturePolicyEnvelope), that policy must hold;
//     - else, for a private key, the collection's endorsement policy, once per
//       collection, when it has one;
//     - else the chaincode's policy, once per transaction;
//   and if no policy was checked at all (a read-only transaction), the chaincode's.
// Any policy that fails, or does not compile, gives ENDORSEMENT_POLICY_FAILURE.
//
// What depends on the other transactions of the block (a key whose validation
// parameter an earlier valid transaction of the block changed) is not decided here:
// see block_validator.h.
//
// Thread safety: PolicyCache and PolicySource are thread-safe; ValidateNamespace may
// run concurrently for different transactions.
#ifndef FABRIC_LIB_VALIDATE_ENDORSEMENT_POLICY_H_
#define FABRIC_LIB_VALIDATE_ENDORSEMENT_POLICY_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "lib/chaincode/definition.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/update_batch.h"
#include "lib/policy/policy.h"
#include "lib/policy/signature_set.h"
#include "lib/validate/tx_checks.h"
#include "lib/wire/transaction.h"

namespace fabric::validate {

// Compiled application policies by their serialized bytes, for one channel config
// (a reference to a channel policy resolves against that config).
class PolicyCache {
 public:
  explicit PolicyCache(std::shared_ptr<const channelconfig::ChannelConfig> config)
      : config_(std::move(config)) {}

  const channelconfig::ChannelConfig& config() const { return *config_; }

  // The policy a serialized protos.ApplicationPolicy names; its compile error if it
  // names none. Errors are cached too.
  absl::StatusOr<std::shared_ptr<const policy::Policy>> Compile(absl::string_view bytes);

 private:
  std::shared_ptr<const channelconfig::ChannelConfig> config_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::StatusOr<std::shared_ptr<const policy::Policy>>> cache_
      ABSL_GUARDED_BY(mu_);
};

// What validating one block reads besides its transactions: the channel config's
// policies and the committed state, with the per-block lookups cached.
class PolicySource {
 public:
  // `cache` and `state` must outlive the source; `state` is the committed state the
  // block is validated against.
  PolicySource(PolicyCache* cache, const ledger::StateReader* state)
      : cache_(cache), state_(state) {}

  PolicyCache& policies() { return *cache_; }
  const channelconfig::ChannelConfig& config() const { return cache_->config(); }

  // ReadValidationInfo, cached for the block.
  absl::StatusOr<chaincode::ValidationInfo> Info(absl::string_view ns);
  // ReadCollectionPolicy, cached for the block.
  absl::StatusOr<std::string> CollectionPolicy(absl::string_view cc, absl::string_view coll);
  // The key-level policy of (ns, key), or of the private key hash in collection `coll`
  // when `coll` is not empty, as a serialized ApplicationPolicy; "" when the key has
  // none. An error (a corrupt stored policy, a failing read) halts validation.
  absl::StatusOr<std::string> KeyPolicy(absl::string_view ns, absl::string_view coll,
                                        absl::string_view key);
  // StateReader::MayHaveMetadata, cached for the block.
  absl::StatusOr<bool> MayHaveMetadata(absl::string_view ns, absl::string_view coll);

 private:
  PolicyCache* const cache_;
  const ledger::StateReader* const state_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::StatusOr<chaincode::ValidationInfo>> infos_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::StatusOr<std::string>> collections_ ABSL_GUARDED_BY(mu_);
  // Whether a namespace (or collection) may hold keys with metadata at all.
  absl::flat_hash_map<std::string, absl::StatusOr<bool>> may_have_metadata_ ABSL_GUARDED_BY(mu_);
};

// The plugin's verdict on namespace `ns` of `action` (VALID or
// ENDORSEMENT_POLICY_FAILURE); an error halts validation of the block. `where` names
// the transaction in messages ("tx 7:3").
absl::StatusOr<TxVerdict> ValidateNamespace(PolicySource& source, const wire::ActionView& action,
                                            absl::string_view ns, absl::string_view cc_policy,
                                            const policy::SignatureSet& endorsements,
                                            absl::string_view where);

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_ENDORSEMENT_POLICY_H_
