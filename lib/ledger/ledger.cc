#include "lib/ledger/ledger.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/base/log.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/commit_hash.h"
#include "lib/ledger/update_batch.h"

namespace fabric::ledger {
namespace {

constexpr int kFilterSlot = common::TRANSACTIONS_FILTER;
constexpr int kCommitHashSlot = common::COMMIT_HASH;

// The block as the peer stores it: `filter` and (when non-empty) `commit_hash_metadata`
// in their metadata slots, the slots up to COMMIT_HASH present. The transactions are not
// parsed again.
std::shared_ptr<const wire::ParsedBlock> StoredForm(const wire::ParsedBlock& block,
                                                    absl::string_view filter,
                                                    absl::string_view commit_hash_metadata) {
  const std::pair<int, std::string> slots[] = {
      {kFilterSlot, std::string(filter)},
      {kCommitHashSlot, commit_hash_metadata.empty() ? std::string(block.metadata(kCommitHashSlot))
                                                     : std::string(commit_hash_metadata)}};
  return block.WithMetadata(slots);
}

// The hash inside a stored block's COMMIT_HASH slot ("" if none).
std::string StoredCommitHash(const wire::ParsedBlock& block) {
  common::Metadata m;
  absl::string_view slot = block.metadata(kCommitHashSlot);
  if (slot.empty() || !m.ParseFromArray(slot.data(), static_cast<int>(slot.size()))) return "";
  return m.value();
}

absl::StatusOr<std::string> ChannelOf(const wire::ParsedBlock& genesis) {
  if (!genesis.IsConfigBlock()) {
    return absl::InvalidArgumentError("a ledger starts from a config (genesis) block");
  }
  if (genesis.number() != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("genesis block has number ", genesis.number(), ", not 0"));
  }
  return genesis.tx(0).channel_header.channel_id();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Create(const std::string& dir,
                                                       std::string genesis_block,
                                                       const LedgerOptions& options) {
  FABRIC_ASSIGN_OR_RETURN(auto genesis, wire::ParsedBlock::Parse(std::move(genesis_block)));
  FABRIC_ASSIGN_OR_RETURN(std::string channel, ChannelOf(*genesis));
  std::unique_ptr<Ledger> l(new Ledger());
  FABRIC_ASSIGN_OR_RETURN(l->storage_, Storage::Open(dir, options.storage));
  l->channel_id_ = std::move(channel);
  absl::MutexLock lock(&l->mu_);
  if (l->storage_->origin().has_value()) {
    return absl::AlreadyExistsError(
        absl::StrCat(dir, " holds a ledger joined from a snapshot (or being joined)"));
  }
  FABRIC_RETURN_IF_ERROR(l->Recover());
  // A directory left by a creation that did not finish holds no block yet: finish it.
  if (l->storage_->chain_info().height != 0) {
    return absl::AlreadyExistsError(absl::StrCat(dir, " already holds a ledger"));
  }
  const std::string all_valid(genesis->num_transactions(), '\0');
  FABRIC_RETURN_IF_ERROR(l->CommitStored(*StoredForm(*genesis, all_valid, "")));
  return l;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir,
                                                     const LedgerOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir + "/index", ec)) {
    return absl::NotFoundError(absl::StrCat("no ledger at ", dir));
  }
  std::unique_ptr<Ledger> l(new Ledger());
  FABRIC_ASSIGN_OR_RETURN(l->storage_, Storage::Open(dir, options.storage));
  absl::MutexLock lock(&l->mu_);
  const std::optional<SnapshotOrigin>& origin = l->storage_->origin();
  if (origin.has_value()) {
    // Recovery re-applies blocks through the state, which needs the channel and the
    // commit hash to chain from.
    l->channel_id_ = origin->channel_id;
    l->commit_hash_ = origin->commit_hash;
  }
  FABRIC_RETURN_IF_ERROR(l->Recover());
  if (l->storage_->chain_info().height == 0) {
    return absl::FailedPreconditionError(
        origin.has_value()
            ? absl::StrCat(dir, " holds no block: joining it from a snapshot did not finish; "
                                "join again")
            : absl::StrCat(dir, " holds no block: its creation did not finish; create it again"));
  }
  if (!origin.has_value()) {
    FABRIC_ASSIGN_OR_RETURN(std::string genesis, l->storage_->blocks().BlockByNumber(0));
    FABRIC_ASSIGN_OR_RETURN(auto parsed, wire::ParsedBlock::Parse(std::move(genesis)));
    FABRIC_ASSIGN_OR_RETURN(l->channel_id_, ChannelOf(*parsed));
  }
  const uint64_t last = l->storage_->chain_info().height - 1;
  if (origin.has_value() && last == origin->last_block) return l;
  FABRIC_ASSIGN_OR_RETURN(std::string last_bytes, l->storage_->blocks().BlockByNumber(last));
  FABRIC_ASSIGN_OR_RETURN(auto last_block, wire::ParsedBlock::Parse(std::move(last_bytes)));
  const std::string hash = StoredCommitHash(*last_block);
  if (!hash.empty()) l->commit_hash_ = hash;
  return l;
}

absl::Status Ledger::Recover() {
  // Whole blocks the files hold past the savepoint carry their filter and commit hash.
  const size_t pending = storage_->unindexed_blocks();
  if (pending > 0 && log::Enabled(log::Level::kInfo)) {
    log::Write(log::Level::kInfo, "ledger",
               absl::StrCat("[", channel_id_, "] Recovering: re-applying ", pending,
                            " block(s) the block files hold past the savepoint"));
  }
  // Each re-applied block leaves the unindexed ones, so the next is always the first.
  // (With batches written behind, a crash can leave two: one whose batch was behind, one
  // appended after it.)
  for (size_t i = 0; i < pending; ++i) {
    FABRIC_ASSIGN_OR_RETURN(std::string bytes, storage_->ReadUnindexedBlock(0));
    FABRIC_ASSIGN_OR_RETURN(auto block, wire::ParsedBlock::Parse(std::move(bytes)));
    FABRIC_RETURN_IF_ERROR(CommitStored(*block));
  }
  return absl::OkStatus();
}

absl::Status Ledger::Commit(const wire::ParsedBlock& block, absl::string_view filter,
                            const HandedPvtData& pvt_data, const CollectionRules* rules) {
  if (filter.size() != block.num_transactions()) {
    return absl::InvalidArgumentError(absl::StrCat("block ", block.number(), ": ", filter.size(),
                                                   " codes for ", block.num_transactions(),
                                                   " transactions"));
  }
  absl::MutexLock lock(&mu_);
  const ChainInfo info = storage_->chain_info();
  if (block.number() != info.height) {
    return absl::FailedPreconditionError(
        absl::StrCat("block number should have been ", info.height, " but was ", block.number()));
  }
  // Fabric adds the commit hash from block 1 on, or once a hash exists. It covers the
  // public and hashed updates of the block, not the purges BlockToLive adds to them.
  std::string hash_metadata;
  std::string next_hash;
  FABRIC_ASSIGN_OR_RETURN(BlockUpdates updates,
                          PrepareBlockUpdates(block, filter, storage_->state()));
  if (block.number() >= 1 || !commit_hash_.empty()) {
    next_hash = NextCommitHash(filter, UpdateBytes(updates), commit_hash_);
    hash_metadata = CommitHashMetadata(next_hash);
  }
  std::optional<BlockPvtRecord> record;
  if (!pvt_data.empty() || HasCollectionWrites(block)) {
    FABRIC_ASSIGN_OR_RETURN(BlockPvtRecord r, SortPrivateData(block, pvt_data, rules));
    if (!r.empty()) record = std::move(r);
  }
  auto stored = StoredForm(block, filter, hash_metadata);
  if (record.has_value()) {
    FABRIC_RETURN_IF_ERROR(storage_->WritePvtRecord(block.number(), *record));
  }
  FABRIC_RETURN_IF_ERROR(Apply(*stored, std::move(updates), record ? &*record : nullptr));
  if (!next_hash.empty()) commit_hash_ = std::move(next_hash);
  // Views asked for at this block: taken before the next commit can start.
  auto [first, end] = view_requests_.equal_range(block.number());
  for (auto it = first; it != end; ++it) it->second(ViewLocked());
  view_requests_.erase(first, end);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LedgerView>> Ledger::ViewLocked() const {
  // A view is a RocksDB snapshot: the last block's batch must be in the database, not
  // behind it. If it failed to get there, a view would claim a block it lacks.
  FABRIC_RETURN_IF_ERROR(storage_->db()->Settle());
  return std::make_unique<LedgerView>(storage_->db(), channel_id_, storage_->chain_info(),
                                      commit_hash_, storage_->origin());
}

absl::StatusOr<std::unique_ptr<LedgerView>> Ledger::View() const {
  absl::MutexLock lock(&mu_);
  return ViewLocked();
}

Ledger::~Ledger() { CancelViews(); }

absl::Status Ledger::Settle() {
  absl::MutexLock lock(&mu_);
  return storage_->db()->Settle();
}

absl::Status Ledger::Compact() {
  absl::MutexLock lock(&mu_);
  return storage_->db()->Compact();
}

void Ledger::CancelViews() {
  absl::MutexLock lock(&mu_);
  for (auto& [number, ready] : view_requests_) {
    ready(absl::CancelledError(
        absl::StrCat("the ledger was closed before block ", number, " was committed")));
  }
  view_requests_.clear();
}

absl::Status Ledger::ViewAt(uint64_t number, ViewFn ready) {
  absl::MutexLock lock(&mu_);
  const uint64_t height = storage_->chain_info().height;
  if (number == kLastBlock || number + 1 == height) {
    ready(ViewLocked());
    return absl::OkStatus();
  }
  if (number + 1 < height) {
    return absl::FailedPreconditionError(
        absl::StrCat("block ", number, " is committed and not the last (", height - 1,
                     "): a view shows the ledger as of its last block"));
  }
  view_requests_.emplace(number, std::move(ready));
  return absl::OkStatus();
}

absl::Status Ledger::CommitStored(const wire::ParsedBlock& stored) {
  const absl::string_view filter = stored.metadata(kFilterSlot);
  FABRIC_ASSIGN_OR_RETURN(BlockUpdates updates,
                          PrepareBlockUpdates(stored, filter, storage_->state()));
  FABRIC_ASSIGN_OR_RETURN(std::optional<BlockPvtRecord> record,
                          storage_->PvtRecord(stored.number()));
  FABRIC_RETURN_IF_ERROR(Apply(stored, std::move(updates), record ? &*record : nullptr));
  const std::string hash = StoredCommitHash(stored);
  if (!hash.empty()) commit_hash_ = hash;
  return absl::OkStatus();
}

absl::Status Ledger::Apply(const wire::ParsedBlock& stored, BlockUpdates updates,
                           const BlockPvtRecord* record) {
  const uint64_t number = stored.number();
  const StateDb& state = storage_->state();
  Storage::PrivateCommit pvt;
  if (record != nullptr) {
    FABRIC_ASSIGN_OR_RETURN(pvt.updates, PreparePrivateUpdates(stored, stored.metadata(kFilterSlot),
                                                               *record, updates, state));
    pvt.schedule = ExpiryEntries(number, *record, updates, pvt.updates);
  }
  FABRIC_ASSIGN_OR_RETURN(auto expiring, storage_->Expiring(number));
  for (const auto& [written, keys] : expiring) {
    FABRIC_RETURN_IF_ERROR(AddPurges(written, keys, number, state, state, &updates, &pvt.updates));
    pvt.expired.push_back(written);
    FABRIC_ASSIGN_OR_RETURN(std::optional<BlockPvtRecord> old, storage_->PvtRecord(written));
    if (old.has_value() && ExpireRecord(keys, &*old)) {
      pvt.records[written] = old->empty() ? std::nullopt : std::move(old);
    }
  }
  return storage_->Commit(stored, updates, pvt);
}

absl::StatusOr<size_t> Ledger::SupplyPrivateData(uint64_t number, const HandedPvtData& pvt_data) {
  absl::MutexLock lock(&mu_);
  if (number >= storage_->chain_info().height) {
    return absl::NotFoundError(absl::StrCat("block ", number, " is not committed"));
  }
  FABRIC_ASSIGN_OR_RETURN(std::optional<BlockPvtRecord> record, storage_->PvtRecord(number));
  if (!record.has_value() || pvt_data.empty()) return 0;
  FABRIC_ASSIGN_OR_RETURN(std::string bytes, storage_->blocks().BlockByNumber(number));
  FABRIC_ASSIGN_OR_RETURN(auto block, wire::ParsedBlock::Parse(std::move(bytes)));
  FABRIC_ASSIGN_OR_RETURN(
      Reconciled r, ReconcilePrivateData(*block, block->metadata(kFilterSlot), *std::move(record),
                                         pvt_data, storage_->state()));
  if (r.stored == 0) return 0;
  // The raw keys now known go into the block's expiry schedule entries, so that the
  // values are purged with their hashes.
  std::map<uint64_t, std::vector<ExpiringKey>> schedule;
  for (const auto& [ns, colls] : r.updates) {
    for (const auto& [coll, keys] : colls) {
      auto btl = r.record.block_to_live.find({ns, coll});
      if (btl == r.record.block_to_live.end()) continue;
      const uint64_t expiry = number + btl->second + 1;
      if (schedule.count(expiry) == 0) {
        FABRIC_ASSIGN_OR_RETURN(schedule[expiry], storage_->ExpiringFrom(expiry, number));
      }
      for (const auto& [key, u] : keys) {
        for (ExpiringKey& e : schedule[expiry]) {
          if (e.ns == ns && e.coll == coll && e.key_hash == Sha256(key)) e.key = key;
        }
      }
    }
  }
  FABRIC_RETURN_IF_ERROR(storage_->CommitReconciled(number, r.record, r.updates, schedule));
  return r.stored;
}

std::string Ledger::commit_hash() const {
  absl::MutexLock lock(&mu_);
  return commit_hash_;
}

}  // namespace fabric::ledger
