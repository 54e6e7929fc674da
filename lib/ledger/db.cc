#include "lib/ledger/db.h"

#include <rocksdb/cache.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "lib/base/log.h"

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
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

absl::StatusOr<std::optional<std::string>> Db::Get(Cf c, absl::string_view key,
                                                   const rocksdb::Snapshot* snapshot) const {
  std::string value;
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  rocksdb::Status s = db_->Get(read, cf(c), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading ", kCfNames[static_cast<int>(c)]));
  return value;
}

absl::Status Db::Write(rocksdb::WriteBatch* batch, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  return FromRocks(db_->Write(options, batch), "writing ledger batch");
}

std::unique_ptr<rocksdb::Iterator> Db::NewIterator(Cf c, const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read, cf(c)));
}

}  // namespace fabric::ledger
