// The demo's workload on a sample network: the asset-transfer chaincode defined on every
// channel through an endorsed `_lifecycle` transaction, then rounds of transactions
// (endorse in parallel -> assemble -> order -> validate and commit on every peer) and
// queries, each checked against a model of the expected world state.
//
// Phases, each over every channel, each committed on every peer before the next starts:
//   approve   `_lifecycle` ApproveChaincodeDefinitionForMyOrg of "basic" by each org of
//             the channel, endorsed by its own peer (private data of the org's implicit
//             collection, kept by that org's peers)
//   commit    `_lifecycle` CommitChaincodeDefinition, endorsed by a majority of the
//             channel's orgs; the chaincode policy needs `endorsing_orgs` orgs
//   create    CreateAsset x assets
//   query     ReadAsset x queries over all peers, AssetExists, GetAllAssets on every peer
//   transfer  TransferAsset x assets (each sets a chaincode event)
//   update    UpdateAsset x updates
//   conflict  `conflicts` pairs of transfers of one asset, endorsed on the same state and
//             ordered in one block (the second: MVCC_READ_CONFLICT), and
//             `policy_failures` transfers endorsed by one org (ENDORSEMENT_POLICY_FAILURE)
//   delete    DeleteAsset x deletes
//   verify    GetAllAssets on every peer equals the model; GetAssetHistory of a few
//             assets lists exactly the model's valid transactions, newest first
// Transactions of a phase touch distinct assets except the deliberate conflicts, so the
// codes each channel's peers must report are known in advance (ExpectedOutcome).
//
// Thread safety: RunWorkload drives the network from the calling thread and the pool;
// `observer` is called under a lock, one call at a time.
#ifndef FABRIC_TOOLS_NETWORK_WORKLOAD_H_
#define FABRIC_TOOLS_NETWORK_WORKLOAD_H_

#include <fabric/fabric.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/base/thread_pool.h"
#include "tools/network/network.h"

namespace fabric::network {

inline constexpr char kChaincode[] = "basic";

struct WorkloadSpec {
  int assets = 400;         // per channel; each is created, then transferred once
  int updates = 100;        // UpdateAsset of the first `updates` assets
  int conflicts = 10;       // pairs of transfers of one asset in one block
  int policy_failures = 5;  // transfers endorsed by one org only
  int deletes = 25;         // DeleteAsset of the last `deletes` assets
  int queries = 100;        // ReadAsset evaluations per channel
  int endorsing_orgs = 2;   // orgs that endorse each transaction (and that the policy needs)
};

// InvalidArgument when the counts do not fit together (e.g. more deletes than assets,
// or a conflict pair that cannot share a block of `block_size`).
absl::Status CheckWorkloadSpec(const WorkloadSpec& spec, const NetworkSpec& network);

// What each channel's peers must report when all goes well, on a channel of `orgs` orgs:
// the count of each final validation code over blocks 1.., and the TransferAsset events
// of valid transactions.
struct ExpectedOutcome {
  std::map<int, size_t> codes;  // fabric_tx_code -> transactions
  size_t transfer_events = 0;
};
ExpectedOutcome ExpectedFor(const WorkloadSpec& spec, size_t orgs);

// The chaincode endorsement policy the workload defines on a channel with these member
// orgs: AND of all their peers when `endorsing_orgs` covers them, else OutOf.
std::string ChaincodePolicyDsl(const std::vector<int>& orgs, int endorsing_orgs);

// The argument of `_lifecycle`'s CommitChaincodeDefinition for chaincode `name` at
// `version` and `sequence` with the endorsement policy `dsl` (fabric_policy_compile,
// fabric_lifecycle_commit_args).
absl::StatusOr<std::string> CommitDefinitionArg(const char* name, const char* version,
                                                int64_t sequence, const std::string& dsl);

struct PhaseReport {
  std::string name;
  std::string detail;       // what the phase did, for people
  size_t transactions = 0;  // ordered, over all channels
  size_t queries = 0;       // evaluated, over all channels
  size_t blocks = 0;        // cut, over all channels
  double seconds = 0;       // wall time, first proposal to last commit on every peer
};

struct WorkloadReport {
  std::vector<PhaseReport> phases;
  size_t transactions = 0;
  double transaction_seconds = 0;  // the phases that order transactions
  size_t queries = 0;
  double query_seconds = 0;  // the phases that only query
};

class PhaseObserver {
 public:
  virtual ~PhaseObserver() = default;
  // A phase with `units` proposals (transactions or queries) begins.
  virtual void Started(const std::string& phase, size_t units) {}
  // `done` of its proposals have been answered.
  virtual void Advanced(size_t done) {}
  virtual void Finished(const PhaseReport& report) {}
};

// Runs the phases above; the first failure (an endorsement refused, a peer error, a
// query answer that differs from the model) ends the run.
absl::StatusOr<WorkloadReport> RunWorkload(Network& network, const WorkloadSpec& spec,
                                           ThreadPool& pool, PhaseObserver* observer);

}  // namespace fabric::network

#endif  // FABRIC_TOOLS_NETWORK_WORKLOAD_H_
