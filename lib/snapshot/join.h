// Joins a channel's ledger from a Fabric ledger snapshot, as `peer channel
// joinbysnapshot` does (core/ledger/kvledger/snapshot.go, CreateFromSnapshot): the
// snapshot's hashes are verified first (metadata.h, VerifySnapshot), then its files
// are imported into a new ledger (lib/ledger/ledger_import.h), which starts at the block
// after the snapshot's last and takes every later block with Fabric's codes and commit
// hashes:
//   txids                  duplicate txids of later blocks are found among them
//   public state           config (CHANNEL_CONFIG_ENV_BYTES, which must load as the
//                          channel's: a joined channel takes its config from it),
//                          `_lifecycle` definitions, chaincode state, with versions and
//                          metadata
//   private state hashes   the collections' hashed state; each key whose collection has a
//                          BlockToLive (from the newest collections in the config
//                          history, as Fabric's purge manager reads it) is scheduled to
//                          be purged at its block + BlockToLive + 1
//   config history         kept, for the next export
// Only files the signable metadata lists (and so verified) are read; each is checked
// for its format, counts and records, and anything else is InvalidArgument naming the
// file. On error nothing usable is left: the directory opens as an unfinished join
// and the next join clears it.
//
// Thread safety: one call per ledger directory at a time.
#ifndef FABRIC_LIB_SNAPSHOT_JOIN_H_
#define FABRIC_LIB_SNAPSHOT_JOIN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/ledger/ledger.h"

namespace fabric::snapshot {

// The ledger joined from the snapshot in `snapshot_dir`, created in `ledger_dir`
// (absent or empty; AlreadyExists if it holds a ledger).
absl::StatusOr<std::unique_ptr<ledger::Ledger>> JoinFromSnapshot(
    const std::string& snapshot_dir, const std::string& ledger_dir,
    const ledger::LedgerOptions& options);

}  // namespace fabric::snapshot

#endif  // FABRIC_LIB_SNAPSHOT_JOIN_H_
