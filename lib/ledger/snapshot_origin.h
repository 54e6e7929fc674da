// Where a ledger joined from a snapshot starts: the snapshot's last block, which the
// ledger does not hold (its first block is last_block + 1), and what the snapshot said
// about it. A ledger created from a genesis block has none.
#ifndef FABRIC_LIB_LEDGER_SNAPSHOT_ORIGIN_H_
#define FABRIC_LIB_LEDGER_SNAPSHOT_ORIGIN_H_

#include <cstdint>
#include <string>

namespace fabric::ledger {

struct SnapshotOrigin {
  std::string channel_id;
  uint64_t last_block = 0;          // the snapshot's last block number
  std::string last_block_hash;      // its header hash
  std::string previous_block_hash;  // its previous_hash
  std::string commit_hash;          // its commit hash ("" if it had none)
  // The snapshot's two metadata files, verbatim (Fabric keeps them the same way: they
  // are what the peer reports as its bootstrapping snapshot).
  std::string signable_metadata;
  std::string additional_metadata;
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_SNAPSHOT_ORIGIN_H_
