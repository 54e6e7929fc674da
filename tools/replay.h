// Committing a chain's blocks through a channel's pipeline (verify, validate, MVCC,
// durable commit), for `fabric replay` and `fabric snapshot join`.
#ifndef FABRIC_TOOLS_REPLAY_H_
#define FABRIC_TOOLS_REPLAY_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "lib/channel/channel.h"
#include "tools/chain_source.h"

namespace fabric::tools {

struct ReplayStats {
  uint64_t blocks = 0;
  uint64_t txs = 0;
  double seconds = 0;
  std::map<std::string, uint64_t> codes;  // transactions by final code name (VALID, ...)
};

// Submits every block of `source` the channel does not hold yet, in order, with the
// private data of `pvt_dir`/pvtdata/ when it has some ("" for none), skipping
// verification if `verify` is false. Stops at the first refused block (its error,
// naming the block).
absl::StatusOr<ReplayStats> CommitChain(channel::Channel& channel, ChainSource& source,
                                        const std::string& pvt_dir, bool verify);

// The MSP id of the peer a vector directory's private data was handed to, if it says
// (its expected.json's vantage_peer); "" when it has no pvtdata/.
std::string VantageMspid(const std::string& dir);

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_REPLAY_H_
