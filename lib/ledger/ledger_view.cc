#include "lib/ledger/ledger_view.h"

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"

namespace fabric::ledger {
namespace {

absl::string_view View(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// The smallest key greater than every key that starts with `prefix` ("" if none is).
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

LedgerView::LedgerView(Db* db, std::string channel_id, ChainInfo info, std::string commit_hash,
                       std::optional<SnapshotOrigin> origin)
    : db_(db),
      snapshot_(db->raw()->GetSnapshot()),
      channel_id_(std::move(channel_id)),
      info_(std::move(info)),
      commit_hash_(std::move(commit_hash)),
      origin_(std::move(origin)),
      state_(db, snapshot_),
      history_(db, snapshot_) {}

LedgerView::~LedgerView() { db_->raw()->ReleaseSnapshot(snapshot_); }

absl::Status LedgerView::ForEachTxId(
    const std::function<absl::Status(absl::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kBlocks, snapshot_);
  std::string previous;
  bool any = false;
  for (it->Seek("t"); it->Valid() && it->key().starts_with("t"); it->Next()) {
    absl::string_view rest = View(it->key());
    rest.remove_prefix(1);
    absl::string_view txid;
    if (!internal::GetLengthPrefixed(&rest, &txid) || rest.size() != 16) {
      return absl::DataLossError("corrupt txid index entry");
    }
    if (any && txid == previous) continue;  // a duplicate txid: listed once
    any = true;
    previous = std::string(txid);
    FABRIC_RETURN_IF_ERROR(fn(txid));
  }
  return FromRocks(it->status(), "scanning the txid index");
}

absl::StatusOr<std::vector<std::string>> LedgerView::Namespaces() const {
  std::vector<std::string> out;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kState, snapshot_);
  for (it->SeekToFirst(); it->Valid();) {
    absl::string_view key = View(it->key());
    absl::string_view ns;
    if (!internal::GetLengthPrefixed(&key, &ns)) {
      return absl::DataLossError("corrupt state key");
    }
    out.emplace_back(ns);
    const std::string end = PrefixEnd(internal::StatePrefix(ns));
    if (end.empty()) break;
    it->Seek(end);
  }
  FABRIC_RETURN_IF_ERROR(FromRocks(it->status(), "scanning state namespaces"));
  return out;
}

absl::Status LedgerView::ForEachKey(
    absl::string_view ns,
    const std::function<absl::Status(absl::string_view, const VersionedValue&)>& fn) const {
  const std::string prefix = internal::StatePrefix(ns);
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kState, snapshot_);
  VersionedValue v;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    absl::string_view key = View(it->key());
    key.remove_prefix(prefix.size());
    if (!internal::DecodeStateValue(View(it->value()), &v)) {
      return absl::DataLossError(absl::StrCat("corrupt state record in namespace '", ns, "'"));
    }
    FABRIC_RETURN_IF_ERROR(fn(key, v));
  }
  return FromRocks(it->status(), "scanning state");
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
LedgerView::ImportedConfigHistory() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kMeta, snapshot_);
  const absl::string_view prefix = internal::kConfigHistoryPrefix;
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() && View(it->key()).substr(0, prefix.size()) == prefix; it->Next()) {
    out.emplace_back(std::string(View(it->key()).substr(prefix.size())),
                     std::string(View(it->value())));
  }
  FABRIC_RETURN_IF_ERROR(FromRocks(it->status(), "reading the config history"));
  return out;
}

}  // namespace fabric::ledger
