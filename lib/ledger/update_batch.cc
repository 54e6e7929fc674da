#include "lib/ledger/update_batch.h"

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/rwset/write_ops.h"
#include "lib/wire/proto/kv_rwset.pb.h"

namespace fabric::ledger {
namespace {

// Views into the parsed block, which outlives the ops.
struct KeyOps {
  uint8_t flags = 0;  // added, rwset/write_ops.h
  absl::string_view value;
  std::string metadata;
};

// (namespace, collection, key): collection "" for public state; key is a key hash for
// private collections. Views into the parsed block.
using OpKey = std::tuple<absl::string_view, absl::string_view, absl::string_view>;
using TxOps = std::map<OpKey, KeyOps>;

// Folds one transaction's read-write set into per-key operations.
TxOps CollectOps(const wire::ActionView& action) {
  TxOps ops;
  rwset::ForEachWrite(
      action,
      [&ops](const std::string& ns, const std::string& coll, const std::string& key, bool is_delete,
             const std::string& value) {
        KeyOps& o = ops[OpKey(ns, coll, key)];
        if (is_delete) {
          o.flags += rwset::kDelete;
        } else {
          o.flags += rwset::kUpsert;
          o.value = value;
        }
      },
      [&ops](const std::string& ns, const std::string& coll, const std::string& key,
             const rwset::MetadataEntries& entries) {
        KeyOps& o = ops[OpKey(ns, coll, key)];
        o.flags += rwset::MetadataFlag(entries);
        if (entries.empty()) return;
        kvrwset::KVMetadataWrite serialized;  // how Fabric stores metadata: entries, no key
        *serialized.mutable_entries() = entries;
        o.metadata = serialized.SerializeAsString();
      });
  return ops;
}

// m[k], added if absent; a string is made only then.
template <typename Map>
typename Map::mapped_type& FindOrAdd(Map& m, absl::string_view k) {
  auto it = m.find(k);
  if (it == m.end()) it = m.emplace(std::string(k), typename Map::mapped_type()).first;
  return it->second;
}

class Batch {
 public:
  Batch(const StateReader& state, BlockUpdates* out) : state_(state), out_(out) {}

  // Applies one VALID transaction's operations at `version` (Fabric's prepareTxOps and
  // applyWriteSet).
  absl::Status Apply(TxOps ops, const Version& version) {
    for (auto& [k, o] : ops) {
      Update u;
      u.version = version;
      switch (rwset::OutcomeOf(o.flags)) {
        case rwset::KeyOutcome::kDelete:
          u.is_delete = true;
          break;
        case rwset::KeyOutcome::kValueAndMetadata:
          u.value = std::string(o.value);
          u.metadata = std::move(o.metadata);
          break;
        case rwset::KeyOutcome::kValueKeepMetadata: {
          FABRIC_ASSIGN_OR_RETURN(u.metadata, LatestMetadata(k));
          u.value = std::string(o.value);
          break;
        }
        case rwset::KeyOutcome::kMetadataOnly: {
          FABRIC_ASSIGN_OR_RETURN(std::optional<Update> latest, Latest(k));
          if (!latest.has_value()) continue;  // metadata of a key that does not exist
          // A value deleted earlier in the block stays deleted (Fabric puts a nil value).
          u.is_delete = latest->is_delete;
          if (!u.is_delete) {
            u.value = std::move(latest->value);
            u.metadata = std::move(o.metadata);
          }
          break;
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
    return coll.empty() ? FindOrAdd(FindOrAdd(out_->pub, ns), key)
                        : FindOrAdd(FindOrAdd(FindOrAdd(out_->hashed, ns), coll), key);
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
    auto [it, inserted] =
        may_have_metadata_.try_emplace(std::make_pair(std::string(ns), std::string(coll)), true);
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
