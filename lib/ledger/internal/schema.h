// The on-disk key schema and value encodings of a ledger's RocksDB (doc/ledger_format.md
// is the specification; keep the two in step). Every decoder checks bounds and returns
// false on malformed input; callers turn that into a DataLoss status.
#ifndef FABRIC_LIB_LEDGER_INTERNAL_SCHEMA_H_
#define FABRIC_LIB_LEDGER_INTERNAL_SCHEMA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lib/ledger/block_files.h"
#include "lib/ledger/block_store.h"
#include "lib/ledger/private_data.h"
#include "lib/ledger/snapshot_origin.h"
#include "lib/ledger/update_batch.h"

namespace fabric::ledger::internal {

// ---- Primitive codings ----
void PutVarint64(std::string* dst, uint64_t v);
void PutFixed64BE(std::string* dst, uint64_t v);
// varint64(len) || bytes
void PutLengthPrefixed(std::string* dst, absl::string_view s);
bool GetVarint64(absl::string_view* in, uint64_t* v);
bool GetFixed64BE(absl::string_view* in, uint64_t* v);
bool GetLengthPrefixed(absl::string_view* in, absl::string_view* s);

// ---- "blocks" column family ----
std::string BlockNumKey(uint64_t number);                                  // 'n' be64(number)
std::string BlockHashKey(absl::string_view h);                             // 'h' hash
std::string TxIdPrefix(absl::string_view txid);                            // 't' lp(txid)
std::string TxIdKey(absl::string_view txid, uint64_t block, uint64_t tx);  // prefix be64 be64
std::string BlockTxKey(uint64_t block, uint64_t tx);  // 'b' be64(block) be64(tx)

// A block's index entry: its location and whether its header's data hash covers its
// data (false only for a block committed without verification that did not match).
std::string EncodeLocation(const BlockLocation& loc, bool data_hash_matches);
bool DecodeLocation(absl::string_view in, BlockLocation* loc, bool* data_hash_matches);

// ---- "state" column family ----
std::string StatePrefix(absl::string_view ns);                      // lp(ns)
std::string StateKey(absl::string_view ns, absl::string_view key);  // lp(ns) key
// Fabric's namespace for the hashed state of a private collection.
std::string HashedNamespace(absl::string_view ns, absl::string_view collection);
// Fabric's namespace for the private values of a collection (raw keys).
std::string PrivateNamespace(absl::string_view ns, absl::string_view collection);

std::string EncodeStateValue(const Update& u);
bool DecodeStateVersion(absl::string_view in, Version* v);
bool DecodeStateValue(absl::string_view in, VersionedValue* out);

// ---- "history" column family ----
std::string HistoryPrefix(absl::string_view ns, absl::string_view key);  // lp(ns) lp(key)
std::string HistoryKey(absl::string_view ns, absl::string_view key, uint64_t block, uint64_t tx);

// ---- default column family ----
inline constexpr char kSavepointKey[] = "savepoint";
// varint(height) lp(current_hash) lp(previous_hash)
std::string EncodeSavepoint(const ChainInfo& info);
bool DecodeSavepoint(absl::string_view in, ChainInfo* info);
// varint(format): the on-disk format the ledger was created in (doc/ledger_format.md),
// written with block 0. Absent in ledgers made before it was kept: those are format 1.
inline constexpr char kFormatKey[] = "format";
// Present when the 'M' records below are kept (ledgers created since they exist).
inline constexpr char kMetadataIndexKey[] = "metadata-index";
// 'M' lp(ns): some key of state namespace `ns` has (or had) metadata.
std::string MetadataNamespaceKey(absl::string_view ns);

// ---- default column family: a ledger joined from a snapshot (format 3) ----
// The SnapshotOrigin (storage.h), written with the imported state.
inline constexpr char kOriginKey[] = "origin";
std::string EncodeOrigin(const SnapshotOrigin& o);
bool DecodeOrigin(absl::string_view in, SnapshotOrigin* out);
// 'C' key: an entry of Fabric's collection config history imported from the snapshot,
// under Fabric's own key (its value is Fabric's too).
inline constexpr char kConfigHistoryPrefix[] = "C";
std::string ConfigHistoryKey(absl::string_view fabric_key);

// ---- default column family: private data (format 2) ----
// 'P' be64(block): the block's BlockPvtRecord, written (synced) before the block.
std::string PvtRecordKey(uint64_t block);
inline constexpr char kPvtRecordPrefix[] = "P";
// 'E' be64(expiry) be64(committing): the keys block `committing` wrote that expire at
// block `expiry`.
inline constexpr char kExpiryPrefix[] = "E";
std::string ExpiryPrefix(uint64_t expiry);
std::string ExpiryKey(uint64_t expiry, uint64_t committing);
bool DecodeExpiryKey(absl::string_view key, uint64_t* expiry, uint64_t* committing);

std::string EncodePvtRecord(const BlockPvtRecord& r);
bool DecodePvtRecord(absl::string_view in, BlockPvtRecord* out);
std::string EncodeExpiring(const std::vector<ExpiringKey>& keys);
bool DecodeExpiring(absl::string_view in, std::vector<ExpiringKey>* out);

}  // namespace fabric::ledger::internal

#endif  // FABRIC_LIB_LEDGER_INTERNAL_SCHEMA_H_
