#include "lib/ledger/state_db.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"

namespace fabric::ledger {
namespace {

absl::Status Corrupt(absl::string_view ns, absl::string_view key) {
  return absl::DataLossError(absl::StrCat("corrupt state record for namespace '", ns, "' key '",
                                          absl::CHexEscape(key), "'"));
}

void ApplyKeys(Db* db, const std::string& ns, const KeyUpdates& keys,
               rocksdb::WriteBatchBase* batch) {
  bool has_metadata = false;
  for (const auto& [key, u] : keys) {
    std::string k = internal::StateKey(ns, key);
    if (u.is_delete) {
      batch->Delete(db->cf(Cf::kState), k);
    } else {
      batch->Put(db->cf(Cf::kState), k, internal::EncodeStateValue(u));
      has_metadata = has_metadata || !u.metadata.empty();
    }
  }
  if (has_metadata) batch->Put(db->cf(Cf::kMeta), internal::MetadataNamespaceKey(ns), "");
}

}  // namespace

absl::StatusOr<std::optional<VersionedValue>> StateDb::Get(absl::string_view ns,
                                                           absl::string_view key) const {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> v,
                          db_->Get(Cf::kState, internal::StateKey(ns, key), snapshot_));
  if (!v.has_value()) return std::nullopt;
  VersionedValue out;
  if (!internal::DecodeStateValue(*v, &out)) return Corrupt(ns, key);
  return out;
}

absl::StatusOr<std::optional<VersionedValue>> StateDb::GetHashed(absl::string_view ns,
                                                                 absl::string_view collection,
                                                                 absl::string_view key_hash) const {
  return Get(internal::HashedNamespace(ns, collection), key_hash);
}

absl::StatusOr<std::optional<VersionedValue>> StateDb::GetPrivate(absl::string_view ns,
                                                                  absl::string_view collection,
                                                                  absl::string_view key) const {
  return Get(internal::PrivateNamespace(ns, collection), key);
}

absl::StatusOr<bool> StateDb::MayHaveMetadata(absl::string_view ns,
                                              absl::string_view collection) const {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> indexed,
                          db_->Get(Cf::kMeta, internal::kMetadataIndexKey, snapshot_));
  if (!indexed.has_value()) return true;
  const std::string state_ns =
      collection.empty() ? std::string(ns) : internal::HashedNamespace(ns, collection);
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> record,
                          db_->Get(Cf::kMeta, internal::MetadataNamespaceKey(state_ns), snapshot_));
  return record.has_value();
}

absl::StatusOr<std::optional<Version>> StateDb::GetVersion(absl::string_view ns,
                                                           absl::string_view key) const {
  rocksdb::PinnableSlice v;
  std::string k = internal::StateKey(ns, key);
  rocksdb::Status s = db_->GetPinned(Cf::kState, k, snapshot_, &v);
  if (s.IsNotFound()) return std::nullopt;
  FABRIC_RETURN_IF_ERROR(FromRocks(s, "reading state"));
  Version version;
  if (!internal::DecodeStateVersion(absl::string_view(v.data(), v.size()), &version)) {
    return Corrupt(ns, key);
  }
  return version;
}

absl::StatusOr<RangeResult> StateDb::Range(absl::string_view ns, absl::string_view start,
                                           absl::string_view end, size_t limit) const {
  const std::string prefix = internal::StatePrefix(ns);
  const std::string first = internal::StateKey(ns, start);
  RangeResult result;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kState, snapshot_);
  for (it->Seek(first); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    absl::string_view key(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    if (!end.empty() && key >= end) break;
    if (limit > 0 && result.kvs.size() == limit) {
      result.bookmark = std::string(key);
      break;
    }
    KeyValue kv{std::string(key), {}};
    if (!internal::DecodeStateValue(absl::string_view(it->value().data(), it->value().size()),
                                    &kv.value)) {
      return Corrupt(ns, key);
    }
    result.kvs.push_back(std::move(kv));
  }
  FABRIC_RETURN_IF_ERROR(FromRocks(it->status(), "scanning state"));
  return result;
}

absl::StatusOr<RangeResult> StateDb::RangePrivate(absl::string_view ns,
                                                  absl::string_view collection,
                                                  absl::string_view start, absl::string_view end,
                                                  size_t limit) const {
  return Range(internal::PrivateNamespace(ns, collection), start, end, limit);
}

absl::StatusOr<RangeResult> StateDb::RangeHashed(absl::string_view ns, absl::string_view collection,
                                                 absl::string_view start, absl::string_view end,
                                                 size_t limit) const {
  return Range(internal::HashedNamespace(ns, collection), start, end, limit);
}

void StateDb::Apply(const BlockUpdates& updates, const PrivateUpdates& pvt,
                    rocksdb::WriteBatchBase* batch) const {
  for (const auto& [ns, keys] : updates.pub) ApplyKeys(db_, ns, keys, batch);
  for (const auto& [ns, collections] : updates.hashed) {
    for (const auto& [coll, keys] : collections) {
      ApplyKeys(db_, internal::HashedNamespace(ns, coll), keys, batch);
    }
  }
  for (const auto& [ns, collections] : pvt) {
    for (const auto& [coll, keys] : collections) {
      ApplyKeys(db_, internal::PrivateNamespace(ns, coll), keys, batch);
    }
  }
}

void StateDb::StartMetadataIndex(rocksdb::WriteBatchBase* batch) const {
  batch->Put(db_->cf(Cf::kMeta), internal::kMetadataIndexKey, "");
}

}  // namespace fabric::ledger
