#include "lib/ledger/db.h"

#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "lib/base/log.h"
#include "lib/base/status_macros.h"

namespace fabric::ledger {
namespace {

// RocksDB's info log is kept out of the ledger directory: its file logger asserts (and
// Debian's RocksDB keeps assertions) when a write fails, so a full disk during WAL
// recovery aborted the host instead of failing the open. Its lines go to the library's
// log (component "rocksdb") when the host asked for them (base/log.h), else nowhere.
class LogForwarder final : public rocksdb::Logger {
 public:
  LogForwarder() : rocksdb::Logger(rocksdb::InfoLogLevel::DEBUG_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (!log::RocksDbEnabled()) return;
    const log::Level ours = level >= rocksdb::InfoLogLevel::ERROR_LEVEL   ? log::Level::kError
                            : level == rocksdb::InfoLogLevel::WARN_LEVEL  ? log::Level::kWarn
                            : level == rocksdb::InfoLogLevel::DEBUG_LEVEL ? log::Level::kDebug
                                                                          : log::Level::kInfo;
    if (!log::Enabled(ours)) return;
    char line[1024];
    const int n = std::vsnprintf(line, sizeof line, format, ap);
    if (n < 0) return;
    log::Write(ours, "rocksdb", absl::string_view(line, std::min<size_t>(n, sizeof line - 1)));
  }
};

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(msg);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(msg);
    case rocksdb::Status::kInvalidArgument:
    case rocksdb::Status::kNotSupported:
      return absl::InvalidArgumentError(msg);
    case rocksdb::Status::kIOError:
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return absl::UnavailableError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.paranoid_checks = true;
  options.info_log = std::make_shared<LogForwarder>();

  // Point reads (MVCC versions, block lookups) dominate: bloom filters on every CF, and
  // a block cache big enough for the hot part of a large state (RocksDB's default is
  // 8 MB, which makes nearly every version read at 10M keys a miss).
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(256 << 20);
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned: a file's filter and index in 4 KiB blocks under a small top level.
  // Whole, a large file's filter (6.5 MB at 10M keys) does not fit a shard of the block
  // cache (256 MB in 64 shards), so every read loaded and checked it again: at 10M keys
  // MVCC ran at 287 tx/s; partitioned, 32,000.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  // Commits write one batch per block from one thread; let RocksDB use both cores for
  // flushes and compactions.
  options.IncreaseParallelism(2);
  // Memtables of all column families together stay under 128 MiB (with the 256 MiB
  // block cache, the bound of a ledger's memory however large its state).
  options.db_write_buffer_size = 128 << 20;
  rocksdb::ColumnFamilyOptions cf_options(options);
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const char* name : kCfNames) descriptors.emplace_back(name, cf_options);

  std::unique_ptr<Db> db(new Db());
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(rocksdb::DBOptions(options), path, descriptors, &db->handles_, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("opening ledger database ", path));
  db->db_.reset(raw);
  return db;
}

Db::~Db() {
  Settle().IgnoreError();  // a failure was reported to the commit that follows, if any
  writer_.reset();
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

std::shared_ptr<rocksdb::WriteBatchWithIndex> Db::Behind() const {
  absl::MutexLock lock(&behind_mu_);
  return behind_;
}

// A point read takes the batch behind, then reads the database: a batch handed over in
// between can only make the answer newer, and every answer is the key's value after
// some committed block.
absl::StatusOr<std::optional<std::string>> Db::Get(Cf c, absl::string_view key,
                                                   const rocksdb::Snapshot* snapshot) const {
  std::string value;
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  const rocksdb::Slice k(key.data(), key.size());
  std::shared_ptr<rocksdb::WriteBatchWithIndex> behind = snapshot ? nullptr : Behind();
  rocksdb::Status s = behind != nullptr
                          ? behind->GetFromBatchAndDB(db_.get(), read, cf(c), k, &value)
                          : db_->Get(read, cf(c), k, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", kCfNames[static_cast<int>(c)]));
  return value;
}

rocksdb::Status Db::GetPinned(Cf c, const rocksdb::Slice& key, const rocksdb::Snapshot* snapshot,
                              rocksdb::PinnableSlice* value) const {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::shared_ptr<rocksdb::WriteBatchWithIndex> behind = snapshot ? nullptr : Behind();
  if (behind != nullptr) return behind->GetFromBatchAndDB(db_.get(), read, cf(c), key, value);
  return db_->Get(read, cf(c), key, value);
}

absl::Status Db::Write(rocksdb::WriteBatch* batch, bool sync) {
  absl::MutexLock lock(&write_mu_);
  FABRIC_RETURN_IF_ERROR(SettleLocked());
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db_->Write(options, batch), "writing ledger batch");
}

absl::Status Db::WriteBehind(std::unique_ptr<rocksdb::WriteBatchWithIndex> batch,
                             std::unique_ptr<rocksdb::WriteBatch> unindexed) {
  absl::MutexLock lock(&write_mu_);
  FABRIC_RETURN_IF_ERROR(SettleLocked());
  std::shared_ptr<rocksdb::WriteBatchWithIndex> b(std::move(batch));
  {
    absl::MutexLock l(&behind_mu_);
    behind_ = b;
  }
  auto written = std::make_shared<absl::Notification>();
  auto status = std::make_shared<absl::Status>();
  behind_written_ = written;
  behind_status_ = status;
  std::shared_ptr<rocksdb::WriteBatch> first(std::move(unindexed));
  writer_->Schedule([this, b, first, written, status] {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    rocksdb::WriteOptions options;  // unsynced: see WriteBehind
    if (first != nullptr) {
      *status = FromRocks(db_->Write(options, first.get()), "writing ledger batch");
    }
    if (status->ok()) {
      *status = FromRocks(db_->Write(options, b->GetWriteBatch()), "writing ledger batch");
    }
    if (status->ok()) {
      // Written: reads find it in the database now. (On failure the batch stays
      // readable, so that readers agree with the chain the caller reported.)
      absl::MutexLock l(&behind_mu_);
      if (behind_ == b) behind_.reset();
    }
    written->Notify();
  });
  return absl::OkStatus();
}

absl::Status Db::Settle() {
  absl::MutexLock lock(&write_mu_);
  return SettleLocked();
}

absl::Status Db::Compact() {
  FABRIC_RETURN_IF_ERROR(Settle());
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    FABRIC_RETURN_IF_ERROR(
        FromRocks(db_->CompactRange(options, h, nullptr, nullptr), "compacting the ledger"));
  }
  return absl::OkStatus();
}

absl::Status Db::SettleLocked() {
  if (behind_written_ != nullptr) {
    behind_written_->WaitForNotification();
    if (!behind_status_->ok()) failed_ = *behind_status_;
    behind_written_.reset();
    behind_status_.reset();
  }
  return failed_;
}

std::unique_ptr<rocksdb::Iterator> Db::NewIterator(Cf c, const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::shared_ptr<rocksdb::WriteBatchWithIndex> behind;
  rocksdb::Iterator* base = nullptr;
  if (snapshot != nullptr) {
    base = db_->NewIterator(read, cf(c));
  } else {
    // The batch and the database's view taken together: no batch is handed over while
    // the lock is held, so the view holds every batch before this one, and this one
    // (if behind) in whole or not at all; the batch over it is the state after it.
    absl::MutexLock lock(&behind_mu_);
    behind = behind_;
    base = db_->NewIterator(read, cf(c));
  }
  if (behind == nullptr) return std::unique_ptr<rocksdb::Iterator>(base);
  // The batch over the database; the iterator keeps the batch alive.
  rocksdb::Iterator* merged = behind->NewIteratorWithBase(cf(c), base, &read);
  merged->RegisterCleanup(
      [](void* arg, void*) { delete static_cast<std::shared_ptr<rocksdb::WriteBatchWithIndex>*>(arg); },
      new std::shared_ptr<rocksdb::WriteBatchWithIndex>(std::move(behind)), nullptr);
  return std::unique_ptr<rocksdb::Iterator>(merged);
}

}  // namespace fabric::ledger
