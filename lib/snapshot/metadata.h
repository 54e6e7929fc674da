// The two metadata files of a Fabric ledger snapshot (core/ledger/kvledger/snapshot.go),
// JSON as Go's json.MarshalIndent writes them (4-space indent, keys of the file map
// sorted, no final newline), so that ours are byte for byte Fabric's:
//   _snapshot_signable_metadata.json    channel, last block number and hash, previous
//                                       hash, SHA-256 of every data file, state DB type
//   _snapshot_additional_metadata.json  SHA-256 of the signable file (the snapshot
//                                       hash) and the last block's commit hash
// Hashes are lowercase hex in the files and raw bytes here.
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_SNAPSHOT_METADATA_H_
#define FABRIC_LIB_SNAPSHOT_METADATA_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::snapshot {

inline constexpr char kSignableMetadataFile[] = "_snapshot_signable_metadata.json";
inline constexpr char kAdditionalMetadataFile[] = "_snapshot_additional_metadata.json";
// What Fabric writes as the state database type for its LevelDB state (ours too).
inline constexpr char kSimpleKeyValueDb[] = "SimpleKeyValueDB";

struct SnapshotMetadata {
  // Signable.
  std::string channel_name;
  uint64_t last_block_number = 0;
  std::string last_block_hash;
  std::string previous_block_hash;
  std::map<std::string, std::string> file_hashes;  // file name -> SHA-256
  std::string state_db_type = kSimpleKeyValueDb;
  // Additional.
  std::string snapshot_hash;           // SHA-256 of the signable file's bytes
  std::string last_block_commit_hash;  // "" if none
};

// The signable file's bytes.
std::string SignableMetadataJson(const SnapshotMetadata& m);
// The additional file's bytes.
std::string AdditionalMetadataJson(const SnapshotMetadata& m);

// Reads both files' contents. InvalidArgument naming the file and field for anything
// that is not what Fabric writes (bad JSON, a missing field, a hash that is not hex).
absl::StatusOr<SnapshotMetadata> ParseMetadata(absl::string_view signable_json,
                                               absl::string_view additional_json);

// Reads the metadata files of the snapshot in `dir` and checks, as Fabric does before
// a join, the signable file against the snapshot hash and every listed file against
// its hash. InvalidArgument saying which file and both hashes on a mismatch;
// NotFound for a missing file.
absl::StatusOr<SnapshotMetadata> VerifySnapshot(const std::string& dir);

// The SHA-256 of the file at `path`, read in pieces.
absl::StatusOr<std::string> FileSha256(const std::string& path);

}  // namespace fabric::snapshot

#endif  // FABRIC_LIB_SNAPSHOT_METADATA_H_
