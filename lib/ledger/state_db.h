// World state in the "state" column family: (namespace, key) -> value, version
// (block, tx) and metadata (the serialized KVMetadataWrite, opaque here). The hashed
// state of a private collection lives under Fabric's derived namespace ns + "$$h" +
// collection, keyed by key hash. Range scans run in byte order of the key within one
// namespace; keys may hold any bytes, \0 included (Fabric's composite keys).
//
// Thread safety: reads may run concurrently with each other and with Apply; each read
// sees the state as of some whole committed block (RocksDB's atomic batch).
#ifndef FABRIC_LIB_LEDGER_STATE_DB_H_
#define FABRIC_LIB_LEDGER_STATE_DB_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ledger/db.h"
#include "lib/ledger/private_data.h"
#include "lib/ledger/update_batch.h"

namespace fabric::ledger {

struct KeyValue {
  std::string key;
  VersionedValue value;
};

struct RangeResult {
  std::vector<KeyValue> kvs;
  // The key to resume from (pass it as the next `start`) when the limit cut the scan
  // short; "" when the range was exhausted.
  std::string bookmark;
};

class StateDb : public StateReader, public PrivateReader {
 public:
  // `db` must outlive the StateDb. With a `snapshot`, every read sees the state as of
  // that RocksDB snapshot (a consistent view, ledger_view.h; it must outlive the StateDb).
  explicit StateDb(Db* db, const rocksdb::Snapshot* snapshot = nullptr)
      : db_(db), snapshot_(snapshot) {}

  // nullopt when absent; DataLoss when the stored record is corrupt.
  absl::StatusOr<std::optional<VersionedValue>> Get(absl::string_view ns,
                                                    absl::string_view key) const override;
  absl::StatusOr<std::optional<VersionedValue>> GetHashed(
      absl::string_view ns, absl::string_view collection,
      absl::string_view key_hash) const override;
  // The private value of a key of a collection (private_data.h), nullopt if absent.
  absl::StatusOr<std::optional<VersionedValue>> GetPrivate(absl::string_view ns,
                                                           absl::string_view collection,
                                                           absl::string_view key) const override;
  // False when the state keeps the index of namespaces with metadata (doc/ledger_format.md)
  // and no key of the namespace has ever had metadata.
  absl::StatusOr<bool> MayHaveMetadata(absl::string_view ns,
                                       absl::string_view collection) const override;
  // The version alone (MVCC's fast path: no value copy).
  absl::StatusOr<std::optional<Version>> GetVersion(absl::string_view ns,
                                                    absl::string_view key) const;

  // Keys in [start, end) of `ns` in byte order; end "" means to the end of the
  // namespace. At most `limit` entries (0 = no limit).
  absl::StatusOr<RangeResult> Range(absl::string_view ns, absl::string_view start,
                                    absl::string_view end, size_t limit) const;
  // The same over the private values of a collection, and over its hashed state (keys
  // are key hashes).
  absl::StatusOr<RangeResult> RangePrivate(absl::string_view ns, absl::string_view collection,
                                           absl::string_view start, absl::string_view end,
                                           size_t limit) const;
  absl::StatusOr<RangeResult> RangeHashed(absl::string_view ns, absl::string_view collection,
                                          absl::string_view start, absl::string_view end,
                                          size_t limit) const;

  // Adds `updates` (public and hashed) and `pvt` (private values) to `batch`, and the
  // index record of each namespace they give metadata.
  void Apply(const BlockUpdates& updates, const PrivateUpdates& pvt,
             rocksdb::WriteBatchBase* batch) const;
  void Apply(const BlockUpdates& updates, rocksdb::WriteBatchBase* batch) const {
    Apply(updates, PrivateUpdates(), batch);
  }
  // Adds to `batch` the mark that this state keeps the index of namespaces with
  // metadata. REQUIRES: no key of the state has metadata (a new ledger's first block).
  void StartMetadataIndex(rocksdb::WriteBatchBase* batch) const;

 private:
  Db* const db_;
  const rocksdb::Snapshot* const snapshot_;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_STATE_DB_H_
