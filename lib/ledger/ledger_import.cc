#include "lib/ledger/ledger_import.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"

namespace fabric::ledger {
namespace {

// A batch is written once it holds this much.
constexpr size_t kBatchBytes = 8 << 20;

rocksdb::Slice S(const std::string& s) { return rocksdb::Slice(s); }

// Removes `path` so that a crash part way leaves either all of it or none: renamed
// first (atomic), then deleted. RocksDB refuses to create a database beside the log
// files of a half-deleted one.
absl::Status RemoveDir(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string doomed = path + ".removing";
  if (fs::exists(path, ec)) {
    fs::rename(path, doomed, ec);
    if (ec) return absl::UnavailableError(absl::StrCat("removing ", path, ": ", ec.message()));
  }
  fs::remove_all(doomed, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("removing ", doomed, ": ", ec.message()));
  return absl::OkStatus();
}

// Makes `dir` ready for an import: absent or empty, or left by a creation or import
// that did not finish (cleared). AlreadyExists if it holds a ledger.
absl::Status ClearUnfinished(const std::string& dir, const LedgerOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // What an earlier clearing left half way.
  FABRIC_RETURN_IF_ERROR(RemoveDir(dir + "/chains.removing"));
  FABRIC_RETURN_IF_ERROR(RemoveDir(dir + "/index.removing"));
  if (fs::exists(dir + "/index", ec)) {
    {
      FABRIC_ASSIGN_OR_RETURN(std::unique_ptr<Storage> existing,
                              Storage::Open(dir, options.storage));
      if (existing->chain_info().height != 0) {
        return absl::AlreadyExistsError(absl::StrCat(dir, " already holds a ledger"));
      }
    }
    // The block files first: while the index is there, a retry clears again.
    FABRIC_RETURN_IF_ERROR(RemoveDir(dir + "/chains"));
    FABRIC_RETURN_IF_ERROR(RemoveDir(dir + "/index"));
  } else if (fs::exists(dir + "/chains", ec) && !fs::is_empty(dir + "/chains", ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " holds block files but no ledger index: not a directory to join into"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LedgerImporter>> LedgerImporter::Start(
    const std::string& dir, SnapshotOrigin origin, const LedgerOptions& options) {
  std::unique_ptr<LedgerImporter> imp(new LedgerImporter());
  imp->dir_ = dir;
  imp->options_ = options;
  imp->origin_ = std::move(origin);
  FABRIC_RETURN_IF_ERROR(ClearUnfinished(dir, options));
  FABRIC_ASSIGN_OR_RETURN(imp->storage_, Storage::Open(dir, options.storage));
  // The origin and format first: a directory whose import stops half way is recognized.
  rocksdb::WriteBatch first;
  Db* db = imp->storage_->db();
  std::string format;
  internal::PutVarint64(&format, Storage::kFormatVersion);
  first.Put(db->cf(Cf::kMeta), internal::kFormatKey, S(format));
  first.Put(db->cf(Cf::kMeta), internal::kOriginKey, S(internal::EncodeOrigin(imp->origin_)));
  first.Put(db->cf(Cf::kMeta), internal::kMetadataIndexKey, "");
  FABRIC_RETURN_IF_ERROR(db->Write(&first, /*sync=*/true));
  return imp;
}

LedgerImporter::~LedgerImporter() = default;

absl::Status LedgerImporter::Flush(bool sync) {
  if (batch_.Count() == 0 && !sync) return absl::OkStatus();
  FABRIC_RETURN_IF_ERROR(storage_->db()->Write(&batch_, sync));
  batch_.Clear();
  return absl::OkStatus();
}

absl::Status LedgerImporter::AddTxId(absl::string_view txid) {
  if (txid.empty()) return absl::InvalidArgumentError("an empty txid in the snapshot");
  // No value: a txid whose block and code the ledger does not hold.
  batch_.Put(storage_->db()->cf(Cf::kBlocks),
             S(internal::TxIdKey(txid, origin_.last_block, txids_++)), "");
  return batch_.GetDataSize() >= kBatchBytes ? Flush(false) : absl::OkStatus();
}

absl::Status LedgerImporter::AddState(absl::string_view ns, absl::string_view key,
                                      const VersionedValue& v) {
  if (key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("an empty key in namespace '", ns, "'"));
  }
  if (v.version.block > origin_.last_block) {
    return absl::InvalidArgumentError(
        absl::StrCat("a key of namespace '", ns, "' has version (", v.version.block, ", ",
                     v.version.tx, "), after the snapshot's last block ", origin_.last_block));
  }
  Update u;
  u.value = v.value;
  u.metadata = v.metadata;
  u.version = v.version;
  batch_.Put(storage_->db()->cf(Cf::kState), S(internal::StateKey(ns, key)),
             S(internal::EncodeStateValue(u)));
  if (!v.metadata.empty()) metadata_namespaces_.emplace(ns);
  return batch_.GetDataSize() >= kBatchBytes ? Flush(false) : absl::OkStatus();
}

absl::Status LedgerImporter::AddConfigHistory(absl::string_view key, absl::string_view value) {
  batch_.Put(storage_->db()->cf(Cf::kMeta), S(internal::ConfigHistoryKey(key)),
             rocksdb::Slice(value.data(), value.size()));
  return batch_.GetDataSize() >= kBatchBytes ? Flush(false) : absl::OkStatus();
}

void LedgerImporter::AddExpiring(uint64_t expiry, uint64_t committing, ExpiringKey key) {
  expiring_[{expiry, committing}].push_back(std::move(key));
}

absl::StatusOr<std::unique_ptr<Ledger>> LedgerImporter::Finish() {
  Db* db = storage_->db();
  for (const std::string& ns : metadata_namespaces_) {
    batch_.Put(db->cf(Cf::kMeta), S(internal::MetadataNamespaceKey(ns)), "");
  }
  for (const auto& [at, keys] : expiring_) {
    batch_.Put(db->cf(Cf::kMeta), S(internal::ExpiryKey(at.first, at.second)),
               S(internal::EncodeExpiring(keys)));
  }
  // The savepoint last: the ledger is at the snapshot's height from here on.
  const ChainInfo at{origin_.last_block + 1, origin_.last_block_hash,
                     origin_.previous_block_hash};
  batch_.Put(db->cf(Cf::kMeta), internal::kSavepointKey, S(internal::EncodeSavepoint(at)));
  FABRIC_RETURN_IF_ERROR(Flush(/*sync=*/true));
  storage_.reset();
  return Ledger::Open(dir_, options_);
}

}  // namespace fabric::ledger
