#include "lib/ledger/history_db.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"

namespace fabric::ledger {
namespace {

using internal::GetFixed64BE;
using internal::GetLengthPrefixed;
using internal::GetVarint64;

// flags(1: bit0 = is_delete) lp(txid) be64(seconds, two's complement) varint(nanos) value
std::string EncodeRecord(const KeyModification& m) {
  std::string v(1, m.is_delete ? 1 : 0);
  internal::PutLengthPrefixed(&v, m.txid);
  internal::PutFixed64BE(&v, static_cast<uint64_t>(m.timestamp_seconds));
  internal::PutVarint64(&v, static_cast<uint32_t>(m.timestamp_nanos));
  v.append(m.value);
  return v;
}

bool DecodeRecord(absl::string_view in, KeyModification* m) {
  absl::string_view txid;
  uint64_t seconds, nanos;
  if (in.empty() || static_cast<uint8_t>(in[0]) > 1) return false;
  m->is_delete = in[0] == 1;
  in.remove_prefix(1);
  if (!GetLengthPrefixed(&in, &txid) || !GetFixed64BE(&in, &seconds) || !GetVarint64(&in, &nanos) ||
      nanos > UINT32_MAX) {
    return false;
  }
  m->txid = std::string(txid);
  m->timestamp_seconds = static_cast<int64_t>(seconds);
  m->timestamp_nanos = static_cast<int32_t>(nanos);
  m->value = std::string(in);
  return true;
}

}  // namespace

absl::Status HistoryDb::Add(const wire::ParsedBlock& block, absl::string_view filter,
                            rocksdb::WriteBatchBase* batch) const {
  if (filter.size() < block.num_transactions()) {
    return absl::InvalidArgumentError("TRANSACTIONS_FILTER shorter than the block");
  }
  // In key order: the memtable inserts each key from where the previous one went, so
  // sorted keys cost a short walk each instead of a search from the top.
  std::vector<std::pair<std::string, std::string>> entries;
  for (const HistoryEntry& e : BlockHistory(block, filter)) {
    entries.emplace_back(internal::HistoryKey(e.ns, e.key, block.number(), e.tx),
                         EncodeRecord(ModificationOf(block.tx(e.tx), *e.write)));
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [key, record] : entries) batch->Put(db_->cf(Cf::kHistory), key, record);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<HistoryRecord>> HistoryDb::Get(absl::string_view ns,
                                                          absl::string_view key,
                                                          size_t limit) const {
  const std::string prefix = internal::HistoryPrefix(ns, key);
  std::vector<HistoryRecord> out;
  // The last block's history is written behind unindexed (Storage::Commit): wait for it.
  if (snapshot_ == nullptr) FABRIC_RETURN_IF_ERROR(db_->Settle());
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kHistory, snapshot_);
  for (it->SeekForPrev(prefix + std::string(16, '\xff'));
       it->Valid() && it->key().starts_with(prefix) && (limit == 0 || out.size() < limit);
       it->Prev()) {
    absl::string_view pos(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    HistoryRecord m;
    if (!GetFixed64BE(&pos, &m.version.block) || !GetFixed64BE(&pos, &m.version.tx) ||
        !pos.empty() ||
        !DecodeRecord(absl::string_view(it->value().data(), it->value().size()), &m.modification)) {
      return absl::DataLossError(absl::StrCat("corrupt history record for namespace '", ns,
                                              "' key '", absl::CHexEscape(key), "'"));
    }
    out.push_back(std::move(m));
  }
  FABRIC_RETURN_IF_ERROR(FromRocks(it->status(), "scanning history"));
  return out;
}

}  // namespace fabric::ledger
