// A block's private data at commit, as Fabric 2.5's peer handles it: the coordinator's
// sorting of what the endorsers handed over (gossip/privdata: coordinator.go,
// pvtdataprovider.go), the private state updates of kvledger (validation/batch_preparer.go)
// and BlockToLive's expiry schedule (pvtstatepurgemgmt).
//
// Sorting (SortPrivateData). For every endorser transaction of the block, VALID or not
// (Fabric keeps the private data of invalid transactions too), and each collection its
// first action writes (hashed writes or hashed metadata writes):
//   - a collection this peer's org is not a member of: missing, not eligible;
//   - else the handed collection rwset whose SHA-256 equals the collection's
//     pvt_rwset_hash in the block: stored; none, or one that does not match: missing,
//     eligible (it may be supplied later, as Fabric's reconciliation does);
//   - a collection the chaincode's definition does not have: nothing.
// The record also notes the BlockToLive of each collection the block writes.
//
// Applying (PreparePrivateUpdates). The stored rwsets of VALID transactions update the
// private state (raw keys, under Fabric's namespace ns + "$$p" + collection), in block
// order, at version (block, tx); a later write of a key in the block replaces an earlier
// one. A metadata-only write moves the private value to its hashed key's new version
// when the value still matches the hash (Fabric's incrementPvtdataVersionIfNeeded).
//
// Expiry (ExpiryEntries, Purges). A key written at block W in a collection with
// BlockToLive b > 0 expires at block W + b + 1: while that block commits, its hash (and
// metadata) and private value are deleted, unless the key was written again since (its
// hashed version is no longer of block W) or the block itself writes it; a private value
// left at block W while its hash moved on is deleted alone. Purges are not part of the
// commit hash (Fabric adds them after computing it). The same block drops the
// collection's data, stored or missing, from block W's record, as Fabric's pvtdata store
// expires it (ExpireRecord).
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_LEDGER_PRIVATE_DATA_H_
#define FABRIC_LIB_LEDGER_PRIVATE_DATA_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/ledger/update_batch.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

// What the committing peer needs to know of one collection.
struct CollectionRule {
  bool eligible = false;       // this peer's org is a member
  uint64_t block_to_live = 0;  // 0: never expires
};

// The collections of the channel's chaincodes as their committed definitions say
// (chaincode/collections.h implements it for a channel).
class CollectionRules {
 public:
  virtual ~CollectionRules() = default;
  // nullopt for a collection that chaincode `ns` does not define.
  virtual absl::StatusOr<std::optional<CollectionRule>> Rule(absl::string_view ns,
                                                             absl::string_view coll) const = 0;
};

// The private data handed over with a block: transaction index -> serialized
// rwset.TxPvtReadWriteSet.
using HandedPvtData = std::map<uint64_t, std::string>;

// One (transaction, namespace, collection) of a block.
struct PvtSlot {
  uint64_t tx = 0;
  std::string ns;
  std::string coll;

  bool operator<(const PvtSlot& o) const {
    return std::tie(tx, ns, coll) < std::tie(o.tx, o.ns, o.coll);
  }
  bool operator==(const PvtSlot& o) const { return tx == o.tx && ns == o.ns && coll == o.coll; }
};

// What the ledger keeps of a block's private data.
struct BlockPvtRecord {
  // Stored collection rwsets (serialized kvrwset.KVRWSet), verified against the block.
  std::map<PvtSlot, std::string> stored;
  // Missing ones; the value says whether this peer is eligible for them.
  std::map<PvtSlot, bool> missing;
  // (ns, coll) -> BlockToLive, for every collection the block writes whose BlockToLive
  // is not 0.
  std::map<std::pair<std::string, std::string>, uint64_t> block_to_live;

  bool empty() const { return stored.empty() && missing.empty() && block_to_live.empty(); }
};

// True if some transaction of `block` has a collection write (only then has it a record).
bool HasCollectionWrites(const wire::ParsedBlock& block);

// The record of `block` from the handed data, by the rules above. `rules` may be null
// (no collection is then eligible, and none expires).
absl::StatusOr<BlockPvtRecord> SortPrivateData(const wire::ParsedBlock& block,
                                               const HandedPvtData& handed,
                                               const CollectionRules* rules);

// Namespace -> collection -> raw key -> update (private state), sorted.
using PrivateUpdates = std::map<std::string, std::map<std::string, KeyUpdates>>;

// Reads the private state.
class PrivateReader {
 public:
  virtual ~PrivateReader() = default;
  virtual absl::StatusOr<std::optional<VersionedValue>> GetPrivate(absl::string_view ns,
                                                                   absl::string_view coll,
                                                                   absl::string_view key) const = 0;
};

// The private state updates of `block` (final codes `filter`) from its record, given
// the block's public and hashed `updates`.
absl::StatusOr<PrivateUpdates> PreparePrivateUpdates(const wire::ParsedBlock& block,
                                                     absl::string_view filter,
                                                     const BlockPvtRecord& record,
                                                     const BlockUpdates& updates,
                                                     const PrivateReader& state);

// One key of the expiry schedule; `key` is "" when this peer does not have the private
// value (it then purges the hash alone). An entry with an empty `key_hash` stands for the
// collection's data in the block's record.
struct ExpiringKey {
  std::string ns;
  std::string coll;
  std::string key_hash;
  std::string key;
};

// The schedule entries of block `committing`'s writes, by expiry block: every hashed
// upsert of a collection whose BlockToLive (in the record) is not 0, and one entry per
// such collection for its data in the record.
std::map<uint64_t, std::vector<ExpiringKey>> ExpiryEntries(uint64_t committing,
                                                           const BlockPvtRecord& record,
                                                           const BlockUpdates& updates,
                                                           const PrivateUpdates& pvt);

// Drops from `record` the data of the collections that `expiring` (a block's schedule
// entries) names; true if it changed.
bool ExpireRecord(const std::vector<ExpiringKey>& expiring, BlockPvtRecord* record);

// Reconciliation (Fabric's CommitPvtDataOfOldBlocks): private data handed over after
// its block committed, for collections the block's record has as missing and eligible.
// A collection rwset whose SHA-256 is the block's hash is stored (the record updated);
// for a VALID transaction, each of its upserts whose key still has the hashed version
// and value hash the transaction gave it (not written again since, not purged) updates
// the private state. Data for anything else is ignored.
struct Reconciled {
  BlockPvtRecord record;   // the block's record, updated
  PrivateUpdates updates;  // private state updates
  size_t stored = 0;       // collections newly stored
};
absl::StatusOr<Reconciled> ReconcilePrivateData(const wire::ParsedBlock& block,
                                                absl::string_view filter, BlockPvtRecord record,
                                                const HandedPvtData& handed,
                                                const StateReader& state);

// Adds to `updates` and `pvt` the deletes of the keys written at block `written` that
// expire at the block being committed (`expiring`, from the schedule), by the rules above.
absl::Status AddPurges(uint64_t written, const std::vector<ExpiringKey>& expiring, uint64_t block,
                       const StateReader& state, const PrivateReader& pvt_state,
                       BlockUpdates* updates, PrivateUpdates* pvt);

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_PRIVATE_DATA_H_
