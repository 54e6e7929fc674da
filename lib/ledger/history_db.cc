#include "lib/ledger/history_db.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"
#include "lib/rwset/write_ops.h"

namespace fabric::ledger {
namespace {

using internal::GetFixed64BE;
using internal::GetLengthPrefixed;
using internal::GetVarint64;

// flags(1: bit0 = is_delete) lp(txid) be64(seconds, two's complement) varint(nanos) value:
// the record of `write` by `tx` (ModificationOf), appended to `out`.
void AppendRecord(const wire::TxView& tx, const kvrwset::KVWrite& write, std::string* out) {
  const google::protobuf::Timestamp& t = tx.channel_header.timestamp();
  out->push_back(rwset::IsDelete(write) ? 1 : 0);
  internal::PutLengthPrefixed(out, tx.txid());
  internal::PutFixed64BE(out, static_cast<uint64_t>(t.seconds()));
  internal::PutVarint64(out, static_cast<uint32_t>(t.nanos()));
  out->append(write.value());
}

// A WriteBatch's header, and the most a Put adds beyond its key and a record's txid and
// value: a tag, three varint32s (column family, key and value lengths) and the record's
// flags, txid length, seconds and nanos.
constexpr size_t kBatchHeaderBytes = 12;
constexpr size_t kPutOverheadBytes = 1 + 3 * 5 + 1 + 5 + 8 + 5;

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

absl::StatusOr<std::unique_ptr<rocksdb::WriteBatch>> HistoryDb::BlockBatch(
    const wire::ParsedBlock& block, absl::string_view filter) const {
  if (filter.size() < block.num_transactions()) {
    return absl::InvalidArgumentError("TRANSACTIONS_FILTER shorter than the block");
  }
  const std::vector<HistoryEntry> entries = BlockHistory(block, filter);
  std::vector<std::string> keys;
  keys.reserve(entries.size());
  size_t bytes = kBatchHeaderBytes;
  for (const HistoryEntry& e : entries) {
    keys.push_back(internal::HistoryKey(e.ns, e.key, block.number(), e.tx));
    bytes += kPutOverheadBytes + keys.back().size() + block.tx(e.tx).txid().size() +
             e.write->value().size();
  }
  // In key order: the memtable inserts each key from where the previous one went, so
  // sorted keys cost a short walk each instead of a search from the top.
  std::vector<uint32_t> order(entries.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&keys](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  auto batch = std::make_unique<rocksdb::WriteBatch>(bytes);  // sized once: no regrowth
  std::string record;
  for (uint32_t i : order) {
    record.clear();
    AppendRecord(block.tx(entries[i].tx), *entries[i].write, &record);
    batch->Put(db_->cf(Cf::kHistory), keys[i], record);
  }
  return batch;
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
