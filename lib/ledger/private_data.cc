#include "lib/ledger/private_data.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/rwset/write_ops.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::ledger {
namespace {

using wire::ActionDefect;

// The first action of an endorser transaction whose read-write set reads, as Fabric's
// coordinator needs it (getTxInfoFromTransactionBytes); null otherwise.
const wire::ActionView* ReadableAction(const wire::TxView& tx) {
  if (!tx.ok() || tx.type() != common::ENDORSER_TRANSACTION || tx.actions.empty()) return nullptr;
  const wire::ActionView& a = tx.actions[0];
  for (ActionDefect d :
       {ActionDefect::kActionPayload, ActionDefect::kMissingEndorsedAction,
        ActionDefect::kResponsePayload, ActionDefect::kChaincodeAction, ActionDefect::kReadWriteSet,
        ActionDefect::kNamespaceReadWriteSet, ActionDefect::kCollectionHashedSet}) {
    if (a.Failed(d)) return nullptr;
  }
  return &a;
}

bool WritesTo(const wire::CollectionView& c) {
  return c.hashed.hashed_writes_size() > 0 || c.hashed.metadata_writes_size() > 0;
}

// The handed collection rwsets of one transaction, by (ns, coll); InvalidArgument if
// the bytes are not a TxPvtReadWriteSet.
absl::StatusOr<std::map<std::pair<std::string, std::string>, std::string>> HandedCollections(
    uint64_t tx, const std::string& bytes) {
  ::rwset::TxPvtReadWriteSet set;
  if (!set.ParseFromString(bytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("private data of transaction ", tx, " is not a rwset.TxPvtReadWriteSet"));
  }
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const ::rwset::NsPvtReadWriteSet& ns : set.ns_pvt_rwset()) {
    for (const ::rwset::CollectionPvtReadWriteSet& c : ns.collection_pvt_rwset()) {
      out.emplace(std::make_pair(ns.namespace_(), c.collection_name()), c.rwset());
    }
  }
  return out;
}

// The latest private value of a key: this block's update of it, else the state's.
absl::StatusOr<std::optional<VersionedValue>> LatestPrivate(const PrivateUpdates& pvt,
                                                            const PrivateReader& state,
                                                            const std::string& ns,
                                                            const std::string& coll,
                                                            const std::string& key) {
  if (auto n = pvt.find(ns); n != pvt.end()) {
    if (auto c = n->second.find(coll); c != n->second.end()) {
      if (auto k = c->second.find(key); k != c->second.end()) {
        if (k->second.is_delete) return std::nullopt;
        return VersionedValue{k->second.value, "", k->second.version};
      }
    }
  }
  return state.GetPrivate(ns, coll, key);
}

const Update* FindHashed(const BlockUpdates& updates, const std::string& ns,
                         const std::string& coll, const std::string& key_hash) {
  auto n = updates.hashed.find(ns);
  if (n == updates.hashed.end()) return nullptr;
  auto c = n->second.find(coll);
  if (c == n->second.end()) return nullptr;
  auto k = c->second.find(key_hash);
  return k == c->second.end() ? nullptr : &k->second;
}

bool HasPrivate(const PrivateUpdates& pvt, const std::string& ns, const std::string& coll,
                const std::string& key) {
  auto n = pvt.find(ns);
  if (n == pvt.end()) return false;
  auto c = n->second.find(coll);
  return c != n->second.end() && c->second.count(key) > 0;
}

}  // namespace

bool HasCollectionWrites(const wire::ParsedBlock& block) {
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    const wire::ActionView* a = ReadableAction(block.tx(i));
    if (a == nullptr) continue;
    for (const wire::NamespaceView& ns : a->namespaces) {
      for (const wire::CollectionView& c : ns.collections) {
        if (WritesTo(c)) return true;
      }
    }
  }
  return false;
}

absl::StatusOr<BlockPvtRecord> SortPrivateData(const wire::ParsedBlock& block,
                                               const HandedPvtData& handed,
                                               const CollectionRules* rules) {
  BlockPvtRecord record;
  for (const auto& [tx, bytes] : handed) {
    if (tx >= block.num_transactions()) {
      return absl::InvalidArgumentError(absl::StrCat("private data for transaction ", tx,
                                                     " of a block of ", block.num_transactions()));
    }
  }
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    const wire::ActionView* a = ReadableAction(block.tx(i));
    if (a == nullptr) continue;
    std::map<std::pair<std::string, std::string>, std::string> given;
    if (auto h = handed.find(i); h != handed.end()) {
      FABRIC_ASSIGN_OR_RETURN(given, HandedCollections(i, h->second));
    }
    for (const wire::NamespaceView& ns : a->namespaces) {
      for (const wire::CollectionView& c : ns.collections) {
        if (!WritesTo(c)) continue;
        std::optional<CollectionRule> rule;
        if (rules != nullptr) {
          FABRIC_ASSIGN_OR_RETURN(rule, rules->Rule(ns.name, c.name));
          if (!rule.has_value()) continue;  // not a collection of the chaincode
        } else {
          rule = CollectionRule{};
        }
        if (rule->block_to_live > 0) {
          record.block_to_live[{ns.name, c.name}] = rule->block_to_live;
        }
        PvtSlot slot{i, ns.name, c.name};
        if (!rule->eligible) {
          record.missing[slot] = false;
          continue;
        }
        auto g = given.find({ns.name, c.name});
        if (g != given.end() && Sha256(g->second) == c.pvt_rwset_hash) {
          record.stored[slot] = g->second;
        } else {
          record.missing[slot] = true;
        }
      }
    }
  }
  return record;
}

bool ExpireRecord(const std::vector<ExpiringKey>& expiring, BlockPvtRecord* record) {
  bool changed = false;
  for (const ExpiringKey& e : expiring) {
    if (!e.key_hash.empty()) continue;
    auto drop = [&](auto& slots) {
      for (auto it = slots.begin(); it != slots.end();) {
        if (it->first.ns == e.ns && it->first.coll == e.coll) {
          it = slots.erase(it);
          changed = true;
        } else {
          ++it;
        }
      }
    };
    drop(record->stored);
    drop(record->missing);
    changed = record->block_to_live.erase({e.ns, e.coll}) > 0 || changed;
  }
  return changed;
}

absl::StatusOr<Reconciled> ReconcilePrivateData(const wire::ParsedBlock& block,
                                                absl::string_view filter, BlockPvtRecord record,
                                                const HandedPvtData& handed,
                                                const StateReader& state) {
  Reconciled out;
  for (const auto& [tx, bytes] : handed) {
    if (tx >= block.num_transactions()) {
      return absl::InvalidArgumentError(absl::StrCat("private data for transaction ", tx,
                                                     " of a block of ", block.num_transactions()));
    }
    const wire::ActionView* a = ReadableAction(block.tx(tx));
    if (a == nullptr) continue;
    FABRIC_ASSIGN_OR_RETURN(auto given, HandedCollections(tx, bytes));
    for (const wire::NamespaceView& ns : a->namespaces) {
      for (const wire::CollectionView& c : ns.collections) {
        const PvtSlot slot{tx, ns.name, c.name};
        auto missing = record.missing.find(slot);
        if (missing == record.missing.end() || !missing->second) continue;  // not wanted
        auto g = given.find({ns.name, c.name});
        if (g == given.end() || Sha256(g->second) != c.pvt_rwset_hash) continue;
        record.missing.erase(missing);
        record.stored[slot] = g->second;
        ++out.stored;
        if (tx >= filter.size() || filter[tx] != 0) continue;  // VALID only
        kvrwset::KVRWSet kv;
        if (!kv.ParseFromString(g->second)) continue;
        const Version version{block.number(), tx};
        for (const kvrwset::KVWrite& w : kv.writes()) {
          if (rwset::IsDelete(w)) continue;
          FABRIC_ASSIGN_OR_RETURN(std::optional<VersionedValue> hashed,
                                  state.GetHashed(ns.name, c.name, Sha256(w.key())));
          if (!hashed.has_value() || !(hashed->version == version) ||
              hashed->value != Sha256(w.value())) {
            continue;  // written again since, or purged: stale
          }
          Update& u = out.updates[ns.name][c.name][w.key()];
          u.value = w.value();
          u.version = version;
        }
      }
    }
  }
  out.record = std::move(record);
  return out;
}

absl::StatusOr<PrivateUpdates> PreparePrivateUpdates(const wire::ParsedBlock& block,
                                                     absl::string_view filter,
                                                     const BlockPvtRecord& record,
                                                     const BlockUpdates& updates,
                                                     const PrivateReader& state) {
  PrivateUpdates pvt;
  // (ns, coll, key) given metadata by a valid transaction's private rwset.
  std::map<std::tuple<std::string, std::string, std::string>, bool> metadata_keys;
  for (const auto& [slot, bytes] : record.stored) {
    if (slot.tx >= filter.size() || filter[slot.tx] != 0) continue;  // VALID only
    kvrwset::KVRWSet kv;
    if (!kv.ParseFromString(bytes)) {
      return absl::DataLossError(absl::StrCat("block ", block.number(), " transaction ", slot.tx,
                                              ": stored private rwset of ", slot.ns, "/", slot.coll,
                                              " is not a KVRWSet"));
    }
    const Version version{block.number(), slot.tx};
    auto& keys = pvt[slot.ns][slot.coll];
    for (const kvrwset::KVWrite& w : kv.writes()) {
      Update& u = keys[w.key()];
      u.is_delete = rwset::IsDelete(w);
      u.value = u.is_delete ? "" : w.value();
      u.version = version;
    }
    for (const kvrwset::KVMetadataWrite& m : kv.metadata_writes()) {
      metadata_keys[{slot.ns, slot.coll, m.key()}] = true;
    }
  }
  // A metadata-only write gives the hashed key a new version: the private value follows
  // when it still matches the hash.
  for (const auto& [k, unused] : metadata_keys) {
    const auto& [ns, coll, key] = k;
    const Update* hashed = FindHashed(updates, ns, coll, Sha256(key));
    if (hashed == nullptr || hashed->is_delete) continue;
    FABRIC_ASSIGN_OR_RETURN(std::optional<VersionedValue> latest,
                            LatestPrivate(pvt, state, ns, coll, key));
    if (!latest.has_value() || latest->version == hashed->version) continue;
    if (Sha256(latest->value) == hashed->value) {
      Update& u = pvt[ns][coll][key];
      u.is_delete = false;
      u.value = latest->value;
      u.version = hashed->version;
    }
  }
  return pvt;
}

std::map<uint64_t, std::vector<ExpiringKey>> ExpiryEntries(uint64_t committing,
                                                           const BlockPvtRecord& record,
                                                           const BlockUpdates& updates,
                                                           const PrivateUpdates& pvt) {
  std::map<uint64_t, std::vector<ExpiringKey>> out;
  if (record.block_to_live.empty()) return out;
  // Raw keys by hash, where this block's private updates know them.
  std::map<std::tuple<std::string, std::string, std::string>, std::string> raw;
  for (const auto& [ns, colls] : pvt) {
    for (const auto& [coll, keys] : colls) {
      for (const auto& [key, u] : keys) raw[{ns, coll, Sha256(key)}] = key;
    }
  }
  for (const auto& [coll, btl] : record.block_to_live) {
    const uint64_t expiry = committing + btl + 1;
    if (expiry > committing) out[expiry].push_back({coll.first, coll.second, "", ""});
  }
  for (const auto& [ns, colls] : updates.hashed) {
    for (const auto& [coll, keys] : colls) {
      auto btl = record.block_to_live.find({ns, coll});
      if (btl == record.block_to_live.end()) continue;
      const uint64_t expiry = committing + btl->second + 1;
      if (expiry <= committing) continue;  // overflow: never
      for (const auto& [key_hash, u] : keys) {
        if (u.is_delete || u.version.block != committing) continue;
        auto r = raw.find({ns, coll, key_hash});
        out[expiry].push_back({ns, coll, key_hash, r == raw.end() ? "" : r->second});
      }
    }
  }
  return out;
}

absl::Status AddPurges(uint64_t written, const std::vector<ExpiringKey>& expiring, uint64_t block,
                       const StateReader& state, const PrivateReader& pvt_state,
                       BlockUpdates* updates, PrivateUpdates* pvt) {
  const Version purge_version{block, 0};
  for (const ExpiringKey& e : expiring) {
    if (e.key_hash.empty()) continue;  // the record's data: ExpireRecord
    FABRIC_ASSIGN_OR_RETURN(std::optional<VersionedValue> hashed,
                            state.GetHashed(e.ns, e.coll, e.key_hash));
    const bool same_write = hashed.has_value() && hashed->version.block == written;
    if (same_write && FindHashed(*updates, e.ns, e.coll, e.key_hash) == nullptr) {
      Update& u = updates->hashed[e.ns][e.coll][e.key_hash];
      u.is_delete = true;
      u.version = purge_version;
    }
    if (e.key.empty() || HasPrivate(*pvt, e.ns, e.coll, e.key)) continue;
    bool purge_value = same_write;
    if (!same_write) {
      FABRIC_ASSIGN_OR_RETURN(std::optional<VersionedValue> value,
                              pvt_state.GetPrivate(e.ns, e.coll, e.key));
      purge_value = value.has_value() && value->version.block == written;
    }
    if (purge_value) {
      Update& u = (*pvt)[e.ns][e.coll][e.key];
      u.is_delete = true;
      u.version = purge_version;
    }
  }
  return absl::OkStatus();
}

}  // namespace fabric::ledger
