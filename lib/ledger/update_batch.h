// What a committed block writes to the world state, exactly as Fabric 2.5's ledger
// prepares it (core/ledger/kvledger/txmgmt/validation: preprocessProtoBlock,
// applyWriteSet, tx_ops.go), given the block's final TRANSACTIONS_FILTER.
//
// Per VALID endorser transaction, in block order, its (first action's) read-write set is
// folded into per-key operations by Fabric's rules, quirks included (rwset/write_ops.h:
// which writes delete, how a transaction's operations on one key add up, what the sum
// does). Here "the key's latest" value or metadata is this block's earlier update of it,
// else the state's, and a metadata-only change of a key that has no value is dropped.
// Each surviving operation is recorded at version (block, tx index). Hashed writes of
// private collections are folded the same way, keyed by key hash. A later transaction's
// update of a key replaces an earlier one's.
//
// Valid CONFIG transactions store the config envelope under namespace "" (Fabric's
// channel-config key); other transaction types write nothing.
#ifndef FABRIC_LIB_LEDGER_UPDATE_BATCH_H_
#define FABRIC_LIB_LEDGER_UPDATE_BATCH_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/rwset/version.h"
#include "lib/wire/block.h"

namespace fabric::ledger {

using rwset::Version;

// A committed value. `metadata` is the serialized kvrwset.KVMetadataWrite holding the
// key's metadata entries (as Fabric stores it), "" when the key has none.
struct VersionedValue {
  std::string value;
  std::string metadata;
  Version version;
};

// Read access to committed state, for the rules above that consult it.
class StateReader {
 public:
  virtual ~StateReader() = default;
  // The committed value of (ns, key), or nullopt if absent.
  virtual absl::StatusOr<std::optional<VersionedValue>> Get(absl::string_view ns,
                                                            absl::string_view key) const = 0;
  // The committed value hash of a private collection key (by key hash), or nullopt.
  virtual absl::StatusOr<std::optional<VersionedValue>> GetHashed(
      absl::string_view ns, absl::string_view collection, absl::string_view key_hash) const = 0;
  // False only if no committed key of `ns` (public state when `collection` is "", else
  // the hashed state of that collection) has metadata; then an upsert alone needs no
  // read of the key's metadata. The default, true, always reads.
  virtual absl::StatusOr<bool> MayHaveMetadata(absl::string_view ns,
                                               absl::string_view collection) const {
    return true;
  }
};

// One key's new state: deleted, or a value with its metadata, at `version`.
struct Update {
  bool is_delete = false;
  std::string value;
  std::string metadata;
  Version version;
};

// Namespace -> key -> update (public state), sorted.
// (std::less<>: looked up by string_view without a copy.)
using KeyUpdates = std::map<std::string, Update, std::less<>>;
using PublicUpdates = std::map<std::string, KeyUpdates, std::less<>>;
// Namespace -> collection -> key hash -> update (hashed private state), sorted.
using HashedUpdates =
    std::map<std::string, std::map<std::string, KeyUpdates, std::less<>>, std::less<>>;

struct BlockUpdates {
  PublicUpdates pub;
  HashedUpdates hashed;
};

// The namespace and key under which a valid config transaction stores its
// ConfigEnvelope.
inline constexpr char kChannelConfigNamespace[] = "";
inline constexpr char kChannelConfigKey[] = "CHANNEL_CONFIG_ENV_BYTES";

// The updates of `block` whose final codes are `filter` (one byte per transaction).
// InvalidArgument if the filter does not cover the block or a VALID transaction's
// read-write set cannot be read.
absl::StatusOr<BlockUpdates> PrepareBlockUpdates(const wire::ParsedBlock& block,
                                                 absl::string_view filter,
                                                 const StateReader& state);

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_UPDATE_BATCH_H_
