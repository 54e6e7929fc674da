#include "lib/ledger/update_batch.h"

#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/wire/proto/kv_rwset.pb.h"

namespace fabric::ledger {
namespace {

// Fabric's per-key operation flags; a transaction ADDS them (tx_ops.go), it does not OR.
enum : uint8_t { kUpsert = 1, kMetadataUpdate = 2, kMetadataDelete = 4, kDelete = 8 };

struct KeyOps {
  uint8_t flags = 0;
  std::string value;
  std::string metadata;
};

// (namespace, collection, key): collection "" for public state; key is a key hash for
// private collections.
using OpKey = std::tuple<std::string, std::string, std::string>;
using TxOps = std::map<OpKey, KeyOps>;

void AddWrite(TxOps* ops, const OpKey& k, bool is_delete, const std::string& value) {
  KeyOps& o = (*ops)[k];
  if (is_delete) {
    o.flags += kDelete;
  } else {
    o.flags += kUpsert;
    o.value = value;
  }
}

void AddMetadata(TxOps* ops, const OpKey& k,
                 const google::protobuf::RepeatedPtrField<kvrwset::KVMetadataEntry>& entries) {
  KeyOps& o = (*ops)[k];
  if (entries.empty()) {
    o.flags += kMetadataDelete;
    return;
  }
  kvrwset::KVMetadataWrite serialized;  // how Fabric stores metadata: entries, no key
  *serialized.mutable_entries() = entries;
  o.flags += kMetadataUpdate;
  o.metadata = serialized.SerializeAsString();
}

bool IsHashedDelete(const kvrwset::KVWriteHash& w) {
  static const std::string kHashOfEmpty = Sha256("");
  return w.is_delete() || w.value_hash().empty() || w.value_hash() == kHashOfEmpty;
}

// Folds one transaction's read-write set into per-key operations.
TxOps CollectOps(const wire::ActionView& action) {
  TxOps ops;
  for (const wire::NamespaceView& ns : action.namespaces) {
    for (const kvrwset::KVWrite& w : ns.kv.writes()) {
      AddWrite(&ops, {ns.name, "", w.key()}, w.is_delete() || w.value().empty(), w.value());
    }
    for (const kvrwset::KVMetadataWrite& m : ns.kv.metadata_writes()) {
      AddMetadata(&ops, {ns.name, "", m.key()}, m.entries());
    }
    for (const wire::CollectionView& c : ns.collections) {
      for (const kvrwset::KVWriteHash& w : c.hashed.hashed_writes()) {
        AddWrite(&ops, {ns.name, c.name, w.key_hash()}, IsHashedDelete(w), w.value_hash());
      }
      for (const kvrwset::KVMetadataWriteHash& m : c.hashed.metadata_writes()) {
        AddMetadata(&ops, {ns.name, c.name, m.key_hash()}, m.entries());
      }
    }
  }
  return ops;
}

class Batch {
 public:
  Batch(const StateReader& state, BlockUpdates* out) : state_(state), out_(out) {}

  // Applies one VALID transaction's operations at `version` (Fabric's prepareTxOps and
  // applyWriteSet).
  absl::Status Apply(TxOps ops, const Version& version) {
    for (auto& [k, o] : ops) {
      const bool is_delete = (o.flags & kDelete) == kDelete;
      const bool upsert_and_metadata =
          (o.flags & kUpsert) == kUpsert && ((o.flags & kMetadataUpdate) == kMetadataUpdate ||
                                             (o.flags & kMetadataDelete) == kMetadataDelete);
      const bool only_upsert = (o.flags | kUpsert) == kUpsert;
      Update u;
      u.version = version;
      if (is_delete) {
        u.is_delete = true;
      } else if (upsert_and_metadata) {
        u.value = std::move(o.value);
        u.metadata = std::move(o.metadata);
      } else if (only_upsert) {
        FABRIC_ASSIGN_OR_RETURN(u.metadata, LatestMetadata(k));
        u.value = std::move(o.value);
      } else {
        FABRIC_ASSIGN_OR_RETURN(std::optional<Update> latest, Latest(k));
        if (!latest.has_value()) continue;  // metadata of a key that does not exist
        // A value deleted earlier in the block stays deleted (Fabric puts a nil value).
        u.is_delete = latest->is_delete;
        if (!u.is_delete) {
          u.value = std::move(latest->value);
          u.metadata = std::move(o.metadata);
        }
      }
      Slot(k) = std::move(u);
    }
    return absl::OkStatus();
  }

  void Put(const OpKey& k, Update u) { Slot(k) = std::move(u); }

 private:
  Update& Slot(const OpKey& k) {
    const auto& [ns, coll, key] = k;
    return coll.empty() ? out_->pub[ns][key] : out_->hashed[ns][coll][key];
  }

  // This block's earlier update of the key, or null.
  const Update* InBlock(const OpKey& k) const {
    const auto& [ns, coll, key] = k;
    if (coll.empty()) {
      if (auto it = out_->pub.find(ns); it != out_->pub.end()) {
        if (auto u = it->second.find(key); u != it->second.end()) return &u->second;
      }
    } else if (auto it = out_->hashed.find(ns); it != out_->hashed.end()) {
      if (auto c = it->second.find(coll); c != it->second.end()) {
        if (auto u = c->second.find(key); u != c->second.end()) return &u->second;
      }
    }
    return nullptr;
  }

  // The key's latest state: this block's earlier update, else the committed state.
  absl::StatusOr<std::optional<Update>> Latest(const OpKey& k) const {
    if (const Update* u = InBlock(k)) return *u;
    const auto& [ns, coll, key] = k;
    FABRIC_ASSIGN_OR_RETURN(std::optional<VersionedValue> committed,
                            coll.empty() ? state_.Get(ns, key) : state_.GetHashed(ns, coll, key));
    if (!committed.has_value()) return std::optional<Update>();
    Update u;
    u.value = std::move(committed->value);
    u.metadata = std::move(committed->metadata);
    u.version = committed->version;
    return std::optional<Update>(std::move(u));
  }

  // The key's latest metadata, as Latest(k) would give it, without reading the state
  // when no committed key of its namespace has metadata.
  absl::StatusOr<std::string> LatestMetadata(const OpKey& k) {
    if (const Update* u = InBlock(k)) return u->metadata;
    const auto& [ns, coll, key] = k;
    auto [it, inserted] = may_have_metadata_.try_emplace(std::make_pair(ns, coll), true);
    if (inserted) {
      FABRIC_ASSIGN_OR_RETURN(it->second, state_.MayHaveMetadata(ns, coll));
    }
    if (!it->second) return std::string();
    FABRIC_ASSIGN_OR_RETURN(std::optional<Update> latest, Latest(k));
    return latest.has_value() ? std::move(latest->metadata) : std::string();
  }

  const StateReader& state_;
  BlockUpdates* out_;
  // StateReader::MayHaveMetadata by (namespace, collection), asked once per block.
  std::map<std::pair<std::string, std::string>, bool> may_have_metadata_;
};

}  // namespace

absl::StatusOr<BlockUpdates> PrepareBlockUpdates(const wire::ParsedBlock& block,
                                                 absl::string_view filter,
                                                 const StateReader& state) {
  if (filter.size() != block.num_transactions()) {
    return absl::InvalidArgumentError(absl::StrCat("block ", block.number(), ": filter has ",
                                                   filter.size(), " codes for ",
                                                   block.num_transactions(), " transactions"));
  }
  BlockUpdates out;
  Batch batch(state, &out);
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    if (filter[i] != 0) continue;  // only VALID transactions write
    const wire::TxView& tx = block.tx(i);
    const Version version{block.number(), i};
    if (!tx.has_channel_header()) {
      return absl::InvalidArgumentError(
          absl::StrCat("block ", block.number(), ", tx ", i, " is VALID but malformed"));
    }
    if (tx.type() == common::CONFIG) {
      Update u;
      u.value = tx.payload.data();
      u.version = version;
      batch.Put({kChannelConfigNamespace, "", kChannelConfigKey}, std::move(u));
      continue;
    }
    if (tx.type() != common::ENDORSER_TRANSACTION) continue;
    if (!tx.ok() || tx.actions.empty() || !tx.actions[0].error.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "block ", block.number(), ", tx ", i, " is VALID but its read-write set is unreadable",
          tx.ok() ? "" : ": ", tx.ok() ? "" : tx.error.message()));
    }
    absl::Status s = batch.Apply(CollectOps(tx.actions[0]), version);
    if (!s.ok()) return s;
  }
  return out;
}

}  // namespace fabric::ledger
