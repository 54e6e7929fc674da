// Synthetic chains for benchmarks: `fabric workload` writes a real Fabric chain in the
// vectors' layout (genesis.block, blocks/NNNNNN.block, msp/) from a described workload,
// which `fabric replay` and `fabric bench` take like any other chain.
//
//   WorkloadSpec spec;            // 2 orgs, AND of both, 20 blocks of 500 transactions
//   spec.preload_keys = 1000000;  // the measured blocks run against a state of 1M keys
//   absl::StatusOr<WorkloadFacts> facts = GenerateWorkload(spec, "/tmp/chain", &log);
//
// The chain is made as a network makes it, with the library's own parts: crypto material
// and the genesis block from lib/testnet (cryptogen, configtxgen), proposals and
// transactions from lib/client, endorsements from lib/endorse's Endorser (one per org,
// signing as the org's peer0) simulating the chaincode "bench" against the generator's
// own ledger (lib/channel), and blocks cut and signed by orderer0 (lib/ordering). So
// every read carries the version the state had when the transaction was endorsed, and
// range queries their Merkle summaries, as Fabric's simulator records them.
// The generator's ledger takes the same blocks but for the preload: there, a preload
// transaction writes only those of its keys that measured transactions touch (same
// values, same block numbers and positions, so the same versions), which keeps it small
// and the endorsements fast however large the preload.
//
// Blocks, after the genesis block:
//   1         ApproveChaincodeDefinitionForMyOrg of "bench" 1.0 by every org (its peer);
//   2         CommitChaincodeDefinition, endorsed by every org: the definition with
//             the workload's endorsement policy, as `fabric demo` defines its chaincode;
//   3..       preload (if preload_keys > 0): write-only transactions of
//             preload_keys_per_tx keys k0000000000.. each, preload_txs_per_block per block;
//   then      the measured blocks: txs_per_block transactions each, every one endorsed
//             on the state after the previous block, so that two transactions of a block
//             that touch one key conflict (the later one: MVCC_READ_CONFLICT, or
//             PHANTOM_READ_CONFLICT when a range query of it covers the key).
// A measured transaction picks max(reads, writes) distinct keys of [0, key_space), each
// one of the first hot_keys keys with probability hot_share; it reads the first `reads`,
// writes the first `writes` (a value of value_size bytes), and runs `range_queries`
// range queries of range_size keys. Everything is drawn from `seed`: the same spec gives
// the same keys, transactions and txids (the signatures differ, ECDSA being randomized).
//
// The generator predicts every code from its own model of the block (which keys earlier
// valid transactions of the block wrote) and checks the codes its ledger committed
// against that prediction; a difference (e.g. a --policy the endorsers do not satisfy)
// is an error. DIR/workload.json records the spec, the block ranges and the codes.
//
// Thread safety: GenerateWorkload uses a pool of its own; call it from one thread.
#ifndef FABRIC_TOOLS_WORKLOAD_H_
#define FABRIC_TOOLS_WORKLOAD_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fabric::tools {

struct WorkloadSpec {
  int orgs = 2;
  int endorsers = 0;     // orgs endorsing each transaction, rotating; 0: every org
  std::string policy;    // the chaincode's endorsement policy; "": AND/OutOf of `endorsers`
  int clients = 2;       // distinct client identities (User1.. of the orgs, round robin)
  uint64_t txs = 10000;  // measured transactions
  uint64_t txs_per_block = 500;
  int reads = 2;
  int writes = 2;
  uint64_t key_space = 100000;
  uint64_t value_size = 100;
  uint64_t hot_keys = 10;
  double hot_share = 0.01;  // probability that a key a transaction picks is a hot one
  int range_queries = 0;    // per transaction
  uint64_t range_size = 10;
  uint64_t preload_keys = 0;
  uint64_t preload_keys_per_tx = 500;
  uint64_t preload_txs_per_block = 200;
  uint64_t preload_value_size = 8;
  uint64_t seed = 1;
  int threads = 0;  // endorsement and validation threads; 0: one per core

  // InvalidArgument naming what does not fit.
  absl::Status Check() const;
  nlohmann::json ToJson() const;
};

inline constexpr char kWorkloadChannel[] = "benchchannel";
inline constexpr char kWorkloadChaincode[] = "bench";
inline constexpr char kWorkloadFile[] = "workload.json";

// What the generator made; also written to DIR/workload.json.
struct WorkloadFacts {
  uint64_t setup_blocks = 0;  // blocks 1..setup_blocks: the chaincode definition
  uint64_t preload_blocks = 0;
  uint64_t preload_txs = 0;
  uint64_t first_measured_block = 0;
  uint64_t last_block = 0;
  uint64_t measured_txs = 0;
  // Final codes by name (VALID, MVCC_READ_CONFLICT, ...): of the whole chain after the
  // genesis block, and of the measured blocks.
  std::map<std::string, uint64_t> codes;
  std::map<std::string, uint64_t> measured_codes;
  double setup_seconds = 0, preload_seconds = 0, measured_seconds = 0;

  nlohmann::json ToJson(const WorkloadSpec& spec) const;
};

// Writes the chain of `spec` into `out_dir` (created; it must not hold a chain already),
// printing one line per phase to `log`.
absl::StatusOr<WorkloadFacts> GenerateWorkload(const WorkloadSpec& spec, const std::string& out_dir,
                                               FILE* log);

// What a benchmark needs of a chain directory's workload.json: the first measured block
// (the blocks before it set up and preload the state) and the preload's size. When
// `dir` has no workload.json, every block after the genesis block is measured.
// InvalidArgument for a workload.json that does not say.
struct WorkloadLayout {
  uint64_t first_measured_block = 1;
  uint64_t preload_keys = 0;
};
absl::StatusOr<WorkloadLayout> ReadWorkloadLayout(const std::string& dir);

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_WORKLOAD_H_
