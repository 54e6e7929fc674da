// One key of a snapshot's state files (public_state.data, private_state_hashes.data):
// Fabric's SnapshotRecord message, field by field
//   1 key       bytes  the key (for hashed state, the key hash)
//   2 value     bytes  the value (the value hash)
//   3 metadata  bytes  the serialized KVMetadataWrite, if any
//   4 version   bytes  the version as Fabric's version.Height.ToBytes: the block and then
//                      the transaction number, each an order-preserving varint (one
//                      byte holding the count of big-endian bytes that follow, no
//                      leading zero bytes)
// encoded as Go's protobuf encodes it (fields in order, empty ones left out).
//
// Thread safety: stateless functions.
#ifndef FABRIC_LIB_SNAPSHOT_STATE_RECORD_H_
#define FABRIC_LIB_SNAPSHOT_STATE_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/ledger/update_batch.h"

namespace fabric::snapshot {

struct StateRecord {
  std::string key;
  ledger::VersionedValue value;
};

std::string EncodeHeight(const ledger::Version& v);
// The height at the start of `bytes` (Fabric ignores what follows it). False if there
// is none.
bool DecodeHeight(absl::string_view bytes, ledger::Version* v);

std::string EncodeStateRecord(absl::string_view key, const ledger::VersionedValue& v);
// InvalidArgument when `bytes` is not a SnapshotRecord with a valid version.
absl::StatusOr<StateRecord> DecodeStateRecord(absl::string_view bytes);

}  // namespace fabric::snapshot

#endif  // FABRIC_LIB_SNAPSHOT_STATE_RECORD_H_
