#include "lib/ledger/storage.h"

#include <filesystem>
#include <future>
#include <memory>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"

namespace fabric::ledger {
namespace {

// OK for a ledger of a format this code reads (or a new, empty one).
absl::Status CheckFormat(const Db& db, const std::string& dir) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          db.Get(Cf::kMeta, internal::kFormatKey));
  if (!stored.has_value()) return absl::OkStatus();
  absl::string_view in = *stored;
  uint64_t format = 0;
  if (!internal::GetVarint64(&in, &format) || !in.empty()) {
    return absl::DataLossError(absl::StrCat("corrupt ledger format record in ", dir));
  }
  if (format > Storage::kFormatVersion) {
    return absl::UnimplementedError(absl::StrCat(
        "the ledger in ", dir, " has on-disk format ", format, "; this library reads format ",
        Storage::kFormatVersion, " and older: open it with the newer libfabricpeer that wrote it"));
  }
  return absl::OkStatus();
}

// About the bytes of a block's state and index batch, so that it is allocated once: the
// updates' keys, values and metadata, and two index entries per transaction, each with
// its encoding's overhead.
size_t EstimatedBatchBytes(const wire::ParsedBlock& block, const BlockUpdates& updates) {
  constexpr size_t kPerEntry = 32;  // tag, varint lengths, column family, version
  auto sum = [](const std::string& ns, const KeyUpdates& keys) {
    size_t n = 0;
    for (const auto& [key, u] : keys) {
      n += kPerEntry + ns.size() + key.size() + u.value.size() + u.metadata.size();
    }
    return n;
  };
  size_t bytes = 256;
  for (const auto& [ns, keys] : updates.pub) bytes += sum(ns, keys);
  for (const auto& [ns, colls] : updates.hashed) {
    for (const auto& [coll, keys] : colls) bytes += sum(ns + coll, keys);
  }
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    bytes += 2 * (kPerEntry + block.tx(i).txid().size());
  }
  return bytes;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const std::string& dir,
                                                       const StorageOptions& options) {
  std::unique_ptr<Storage> s(new Storage());
  s->options_ = options;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("creating ", dir, ": ", ec.message()));
  FABRIC_ASSIGN_OR_RETURN(s->db_, Db::Open(dir + "/index"));
  FABRIC_RETURN_IF_ERROR(CheckFormat(*s->db_, dir));
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> origin,
                          s->db_->Get(Cf::kMeta, internal::kOriginKey));
  if (origin.has_value()) {
    s->origin_.emplace();
    if (!internal::DecodeOrigin(*origin, &*s->origin_)) {
      return absl::DataLossError(absl::StrCat("corrupt snapshot origin record in ", dir));
    }
  }
  const uint64_t first_block = s->origin_.has_value() ? s->origin_->last_block + 1 : 0;
  FABRIC_ASSIGN_OR_RETURN(
      s->blocks_,
      BlockStore::Open(s->db_.get(), dir + "/chains",
                       BlockFilesOptions{options.max_block_file_size, options.sync}, first_block));
  s->state_ = std::make_unique<StateDb>(s->db_.get());
  {
    std::unique_ptr<rocksdb::Iterator> it = s->db_->NewIterator(Cf::kMeta);
    it->Seek(internal::kExpiryPrefix);
    s->may_expire_ = it->Valid() && it->key().starts_with(internal::kExpiryPrefix);
    FABRIC_RETURN_IF_ERROR(FromRocks(it->status(), "reading the expiry schedule"));
  }
  s->history_ = std::make_unique<HistoryDb>(s->db_.get());
  return s;
}

absl::Status Storage::Commit(const wire::ParsedBlock& block, const BlockUpdates& updates) {
  return Commit(block, updates, PrivateCommit());
}

absl::Status Storage::Commit(const wire::ParsedBlock& block, const BlockUpdates& updates,
                             const PrivateCommit& pvt) {
  absl::string_view filter = block.metadata(common::TRANSACTIONS_FILTER);
  // Indexed, so that reads see it while it is written behind (Db::WriteBehind).
  auto indexed = std::make_unique<rocksdb::WriteBatchWithIndex>(
      rocksdb::BytewiseComparator(), EstimatedBatchBytes(block, updates), /*overwrite_key=*/false);
  rocksdb::WriteBatchBase& batch = *indexed;
  const absl::Time start = absl::Now();
  // Beside the state's batch built below, on the helper threads: the block's append to
  // the files and its sync, and the key history's batch, which validation never reads
  // (unindexed: written behind before the rest, and its readers wait for it,
  // HistoryDb::Get). The batches are written only once the block is synced.
  // (Threads that wait for this work, rather than ones started per block: a new thread
  // queues behind the busy ones, a woken one runs at once. The promises are shared with
  // the tasks, which may still be inside set_value when this thread has the result and
  // returns.)
  auto append_done = std::make_shared<std::promise<absl::StatusOr<BlockLocation>>>();
  std::future<absl::StatusOr<BlockLocation>> appended = append_done->get_future();
  absl::Duration append_time;
  helpers_->Schedule([this, &block, filter, &append_time, append_done] {
    const absl::Time t = absl::Now();
    absl::StatusOr<BlockLocation> loc = blocks_->Append(block, filter);
    append_time = absl::Now() - t;  // read after get(), which orders it
    append_done->set_value(std::move(loc));
  });
  using HistoryBatch = absl::StatusOr<std::unique_ptr<rocksdb::WriteBatch>>;
  auto history_done = std::make_shared<std::promise<HistoryBatch>>();
  std::future<HistoryBatch> history = history_done->get_future();
  helpers_->Schedule([this, &block, filter, history_done] {
    history_done->set_value(history_->BlockBatch(block, filter));
  });
  auto wait_for_helpers = absl::MakeCleanup([&] {
    // An early return must not leave them running.
    if (appended.valid()) appended.wait();
    if (history.valid()) history.wait();
  });
  // A new ledger records its format, and indexes the namespaces with metadata from its
  // first block on.
  if (block.number() == 0) {
    std::string format;
    internal::PutVarint64(&format, kGenesisFormat);
    batch.Put(db_->cf(Cf::kMeta), internal::kFormatKey, format);
    state_->StartMetadataIndex(&batch);
  }
  state_->Apply(updates, pvt.updates, &batch);
  for (const auto& [expiry, keys] : pvt.schedule) {
    batch.Put(db_->cf(Cf::kMeta), internal::ExpiryKey(expiry, block.number()),
              internal::EncodeExpiring(keys));
    may_expire_ = true;
  }
  for (uint64_t written : pvt.expired) {
    batch.Delete(db_->cf(Cf::kMeta), internal::ExpiryKey(block.number(), written));
  }
  for (const auto& [number, record] : pvt.records) {
    if (record.has_value()) {
      batch.Put(db_->cf(Cf::kMeta), internal::PvtRecordKey(number),
                internal::EncodePvtRecord(*record));
    } else {
      batch.Delete(db_->cf(Cf::kMeta), internal::PvtRecordKey(number));
    }
  }
  const absl::Time waited_from = absl::Now();
  absl::StatusOr<BlockLocation> loc = appended.get();
  const absl::Duration waited = absl::Now() - waited_from;
  FABRIC_RETURN_IF_ERROR(loc.status());
  HistoryBatch history_batch = history.get();
  FABRIC_RETURN_IF_ERROR(history_batch.status());
  blocks_->StageIndex(block, filter, *loc, &batch);
  // The synced block file is the durable log: after a crash, whatever the database lost
  // is re-applied from it (Open reports those blocks), with the private data record
  // written before the block. So the batch needs no sync of its own (RocksDB's
  // point-in-time WAL recovery keeps it a consistent prefix), and it is written behind:
  // the database inserts it while the next block is validated, reads seeing it at once.
  // (No key is put twice in a block's batch: a WriteBatchWithIndex without
  // overwrite_key, cheaper to build, then iterates like the database.)
  FABRIC_RETURN_IF_ERROR(db_->WriteBehind(std::move(indexed), *std::move(history_batch)));
  blocks_->Committed(block);
  // The block files' part: the append and its sync; the database's: building the
  // batches and handing them over (which waits for the previous block's insert), that
  // is the commit's time but for its wait for the append.
  last_commit_times_ = {append_time, absl::Now() - start - waited};
  return absl::OkStatus();
}

absl::Status Storage::WritePvtRecord(uint64_t number, const BlockPvtRecord& record) {
  rocksdb::WriteBatch batch;
  // Format 2 brought the private data records; a joined ledger is format 3 already.
  if (!origin_.has_value()) {
    std::string format;
    internal::PutVarint64(&format, kGenesisFormat);
    batch.Put(db_->cf(Cf::kMeta), internal::kFormatKey, format);
  }
  batch.Put(db_->cf(Cf::kMeta), internal::PvtRecordKey(number), internal::EncodePvtRecord(record));
  return db_->Write(&batch, /*sync=*/options_.sync);
}

absl::Status Storage::CommitReconciled(
    uint64_t number, const BlockPvtRecord& record, const PrivateUpdates& updates,
    const std::map<uint64_t, std::vector<ExpiringKey>>& schedule) {
  rocksdb::WriteBatch batch;
  batch.Put(db_->cf(Cf::kMeta), internal::PvtRecordKey(number), internal::EncodePvtRecord(record));
  state_->Apply(BlockUpdates(), updates, &batch);
  for (const auto& [expiry, keys] : schedule) {
    batch.Put(db_->cf(Cf::kMeta), internal::ExpiryKey(expiry, number),
              internal::EncodeExpiring(keys));
  }
  return db_->Write(&batch, /*sync=*/options_.sync);
}

absl::StatusOr<std::vector<ExpiringKey>> Storage::ExpiringFrom(uint64_t expiry,
                                                               uint64_t written) const {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          db_->Get(Cf::kMeta, internal::ExpiryKey(expiry, written)));
  std::vector<ExpiringKey> keys;
  if (bytes.has_value() && !internal::DecodeExpiring(*bytes, &keys)) {
    return absl::DataLossError(absl::StrCat("corrupt expiry schedule entry for block ", expiry));
  }
  return keys;
}

absl::StatusOr<std::optional<BlockPvtRecord>> Storage::PvtRecord(uint64_t number) const {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          db_->Get(Cf::kMeta, internal::PvtRecordKey(number)));
  if (!bytes.has_value()) return std::nullopt;
  BlockPvtRecord r;
  if (!internal::DecodePvtRecord(*bytes, &r)) {
    return absl::DataLossError(absl::StrCat("corrupt private data record of block ", number));
  }
  return r;
}

absl::StatusOr<std::map<uint64_t, std::vector<ExpiringKey>>> Storage::Expiring(
    uint64_t expiry) const {
  std::map<uint64_t, std::vector<ExpiringKey>> out;
  if (!may_expire_) return out;
  const std::string prefix = internal::ExpiryPrefix(expiry);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kMeta);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    uint64_t e = 0, written = 0;
    std::vector<ExpiringKey> keys;
    if (!internal::DecodeExpiryKey(absl::string_view(it->key().data(), it->key().size()), &e,
                                   &written) ||
        !internal::DecodeExpiring(absl::string_view(it->value().data(), it->value().size()),
                                  &keys)) {
      return absl::DataLossError(absl::StrCat("corrupt expiry schedule entry for block ", expiry));
    }
    out[written] = std::move(keys);
  }
  FABRIC_RETURN_IF_ERROR(FromRocks(it->status(), "reading the expiry schedule"));
  return out;
}

}  // namespace fabric::ledger
