// What a transaction's writes do to each key it writes, by Fabric 2.5's rules
// (core/ledger/kvledger/txmgmt/validation: tx_ops.go, applyWriteSet). The one home of
// these rules: MVCC (validate/mvcc.cc) applies them to see the block's earlier writes,
// the update batch (ledger/update_batch.cc) to build what the block commits.
//
// A transaction's writes of one key (public: by key; private: by collection and key
// hash) are combined by ADDING their flags (uint8 arithmetic, as Fabric does, not OR):
// two upserts of a key read as a metadata update. OutcomeOf says what the sum does:
//
//   flags                              outcome
//   delete bit set                     kDelete
//   upsert bit and a metadata bit      kValueAndMetadata
//   upsert alone                       kValueKeepMetadata
//   anything else (metadata only)      kMetadataOnly
//
//   ForEachWrite(action,
//       [&](const std::string& ns, const std::string& coll, const std::string& key,
//           bool is_delete, const std::string& value) { flags[{ns, coll, key}] +=
//                                                          is_delete ? kDelete : kUpsert; },
//       [&](const std::string& ns, const std::string& coll, const std::string& key,
//           const MetadataEntries& entries) { ... });
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_RWSET_WRITE_OPS_H_
#define FABRIC_LIB_RWSET_WRITE_OPS_H_

#include <cstdint>
#include <string>

#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/transaction.h"

namespace fabric::rwset {

// Fabric's per-key operation flags (added, see above).
enum WriteFlag : uint8_t {
  kUpsert = 1,
  kMetadataUpdate = 2,
  kMetadataDelete = 4,
  kDelete = 8,
};

enum class KeyOutcome {
  kDelete,             // the key is deleted
  kValueAndMetadata,   // the new value with the transaction's metadata
  kValueKeepMetadata,  // the new value; the key keeps its latest metadata
  kMetadataOnly,       // the key keeps its latest value (a deleted key stays deleted,
                       // an absent one stays absent) with the transaction's metadata
};

KeyOutcome OutcomeOf(uint8_t flags);

// The flag a metadata write adds: an empty entry list deletes the key's metadata.
inline WriteFlag MetadataFlag(
    const google::protobuf::RepeatedPtrField<kvrwset::KVMetadataEntry>& e) {
  return e.empty() ? kMetadataDelete : kMetadataUpdate;
}

// Whether a public write deletes its key: marked so, or an empty value.
inline bool IsDelete(const kvrwset::KVWrite& w) { return w.is_delete() || w.value().empty(); }

// Whether a hashed write deletes its key: marked so, no value hash, or the hash of the
// empty value.
bool IsHashedDelete(const kvrwset::KVWriteHash& w);

using MetadataEntries = google::protobuf::RepeatedPtrField<kvrwset::KVMetadataEntry>;

// Calls, in the action's order, for every namespace: its public writes, its public
// metadata writes, then per collection its hashed writes and hashed metadata writes.
//   on_write(ns, collection, key, is_delete, value)
//   on_metadata(ns, collection, key, entries)
// collection is "" for public state; for private state, key is the key hash and value
// the value hash. The strings live as long as `action`.
template <typename OnWrite, typename OnMetadata>
void ForEachWrite(const wire::ActionView& action, OnWrite&& on_write, OnMetadata&& on_metadata) {
  static const std::string* const kPublic = new std::string();  // never destroyed
  for (const wire::NamespaceView& ns : action.namespaces) {
    for (const kvrwset::KVWrite& w : ns.kv.writes()) {
      on_write(ns.name, *kPublic, w.key(), IsDelete(w), w.value());
    }
    for (const kvrwset::KVMetadataWrite& m : ns.kv.metadata_writes()) {
      on_metadata(ns.name, *kPublic, m.key(), m.entries());
    }
    for (const wire::CollectionView& c : ns.collections) {
      for (const kvrwset::KVWriteHash& w : c.hashed.hashed_writes()) {
        on_write(ns.name, c.name, w.key_hash(), IsHashedDelete(w), w.value_hash());
      }
      for (const kvrwset::KVMetadataWriteHash& m : c.hashed.metadata_writes()) {
        on_metadata(ns.name, c.name, m.key_hash(), m.entries());
      }
    }
  }
}

}  // namespace fabric::rwset

#endif  // FABRIC_LIB_RWSET_WRITE_OPS_H_
