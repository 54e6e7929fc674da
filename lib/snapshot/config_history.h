// Fabric's collection config history (core/ledger/confighistory): for each chaincode,
// the explicit collections of its definition at every block that committed a new
// definition of it (a write of its `_lifecycle` Sequence) with at least one
// collection. A snapshot carries it as confighistory.data, under Fabric's LevelDB keys:
//   "s" "lscc" 0x00 <chaincode> "~collection" be64(MaxUint64 - block)
// (newest first per chaincode), each with the serialized CollectionConfigPackage.
//
// Our ledger keeps no separate store for it: the history of `_lifecycle` holds every
// definition, so the entries are derived from it, plus those imported with the
// snapshot a ledger was joined from (whose blocks the history does not cover).
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_SNAPSHOT_CONFIG_HISTORY_H_
#define FABRIC_LIB_SNAPSHOT_CONFIG_HISTORY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/ledger/ledger_view.h"
#include "lib/wire/proto/collection.pb.h"

namespace fabric::snapshot {

// Fabric's key for chaincode `cc`'s collections as of block `block`.
std::string ConfigHistoryKey(absl::string_view cc, uint64_t block);
// The chaincode and block of such a key; false if it is not one.
bool DecodeConfigHistoryKey(absl::string_view key, std::string* cc, uint64_t* block);

// Every entry of the config history of the ledger `view` shows, by key (the order of
// Fabric's export).
absl::StatusOr<std::map<std::string, std::string>> ConfigHistory(const ledger::LedgerView& view);

// The newest collections of each chaincode in config history `entries` (Fabric's
// "most recent collection config", which BlockToLive uses). DataLoss if one does not
// parse.
absl::StatusOr<std::map<std::string, protos::CollectionConfigPackage>> LatestCollections(
    const std::map<std::string, std::string>& entries);

}  // namespace fabric::snapshot

#endif  // FABRIC_LIB_SNAPSHOT_CONFIG_HISTORY_H_
