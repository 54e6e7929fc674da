// COMMIT_HASH (block metadata index 4) as Fabric's kvledger computes it:
//   hash(n) = SHA-256(varint(len(filter)) || filter || update bytes || hash(n-1))
// where the update bytes deterministically serialize the block's public and hashed
// updates (Fabric's txmgr.Updates message: namespaces in order, skipping "", public keys
// in order, then collections in order with their key hashes in order; each entry carries
// key, value, is_delete and the order-preserving encoding of its version; the namespace
// and collection names appear only on the first entry of each). Fabric adds the hash from
// block 1 on (hash(0) is empty); the metadata slot holds a common.Metadata whose value is
// the hash.
#ifndef FABRIC_LIB_LEDGER_COMMIT_HASH_H_
#define FABRIC_LIB_LEDGER_COMMIT_HASH_H_

#include <string>

#include "absl/strings/string_view.h"
#include "lib/ledger/update_batch.h"

namespace fabric::ledger {

// Fabric's order-preserving encoding of a version: for block then tx, one byte holding
// the count of significant big-endian bytes, then those bytes.
std::string VersionBytes(const Version& v);

// The deterministic serialization of `updates` that the commit hash covers.
std::string UpdateBytes(const BlockUpdates& updates);

// The next commit hash after `previous` ("" before block 1).
std::string NextCommitHash(absl::string_view filter, absl::string_view update_bytes,
                           absl::string_view previous);

// The COMMIT_HASH metadata slot bytes for `hash` (a serialized common.Metadata).
std::string CommitHashMetadata(absl::string_view hash);

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_COMMIT_HASH_H_
