// The end of the demo: what every peer of a channel reports and holds, compared across
// the peers and with what the workload expects, and the summary printed for people.
//
// A channel passes when, on every one of its peers:
//   - every delivered block has a result, with the same txids and final codes in the
//     same order, and the code counts are the expected ones;
//   - the chaincode events its subscription received are the same and as expected;
//   - the ledger has the same height, the same header hash for every block (the
//     orderer's hashes), the same commit hash (the last block's), all read through the
//     C ABI (fabric_channel_ledger);
//   - the chaincode's and `_lifecycle`'s namespaces hold the same keys, values,
//     metadata and versions;
//   - the private data of the approvals: each peer holds its own org's approval in its
//     org's implicit collection, and none of another org's.
//
// Thread safety: call once the channel's peers are drained.
#ifndef FABRIC_TOOLS_NETWORK_SUMMARY_H_
#define FABRIC_TOOLS_NETWORK_SUMMARY_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tools/network/network.h"
#include "tools/network/workload.h"

namespace fabric::network {

struct ChannelCheck {
  std::string channel;
  std::vector<std::string> peers;
  uint64_t height = 0;
  std::string head_hash;                 // hex header hash of the last block
  std::string commit_hash;               // hex
  std::map<std::string, size_t> codes;   // final code name -> transactions, blocks 1..
  std::map<std::string, size_t> events;  // event name -> count, on each peer
  size_t state_keys = 0;                 // keys of the chaincode namespace
  std::vector<std::string> problems;     // empty when the channel passes

  bool ok() const { return problems.empty(); }
};

ChannelCheck CheckChannel(const Channel& channel, const ExpectedOutcome& expected);

// Prints the per-channel results, the throughput (and what it times) and a verdict.
void PrintSummary(const std::vector<ChannelCheck>& channels, const WorkloadReport& report,
                  size_t endorsing_orgs, FILE* out);

}  // namespace fabric::network

#endif  // FABRIC_TOOLS_NETWORK_SUMMARY_H_
