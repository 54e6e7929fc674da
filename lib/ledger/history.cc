#include "lib/ledger/history.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "lib/rwset/write_ops.h"

namespace fabric::ledger {

std::vector<HistoryEntry> BlockHistory(const wire::ParsedBlock& block, absl::string_view filter) {
  std::vector<HistoryEntry> out;
  for (size_t i = 0; i < block.num_transactions() && i < filter.size(); ++i) {
    const wire::TxView& tx = block.tx(i);
    if (filter[i] != 0 || !tx.has_channel_header() || tx.type() != common::ENDORSER_TRANSACTION ||
        tx.actions.empty()) {
      continue;
    }
    absl::flat_hash_set<std::pair<absl::string_view, absl::string_view>> seen;
    for (const wire::NamespaceView& ns : tx.actions[0].namespaces) {
      for (const kvrwset::KVWrite& w : ns.kv.writes()) {
        if (seen.emplace(ns.name, w.key()).second) {
          out.push_back({ns.name, w.key(), static_cast<uint64_t>(i), &w});
        }
      }
    }
  }
  return out;
}

std::optional<KeyModification> ModificationOf(const wire::TxView& tx, absl::string_view ns,
                                              absl::string_view key) {
  if (tx.actions.empty()) return std::nullopt;
  for (const wire::NamespaceView& n : tx.actions[0].namespaces) {
    if (n.name != ns) continue;
    for (const kvrwset::KVWrite& w : n.kv.writes()) {
      if (w.key() == key) return ModificationOf(tx, w);
    }
  }
  return std::nullopt;
}

KeyModification ModificationOf(const wire::TxView& tx, const kvrwset::KVWrite& w) {
  KeyModification m;
  m.txid = tx.txid();
  m.is_delete = rwset::IsDelete(w);
  m.value = w.value();
  m.timestamp_seconds = tx.channel_header.timestamp().seconds();
  m.timestamp_nanos = tx.channel_header.timestamp().nanos();
  return m;
}

}  // namespace fabric::ledger
