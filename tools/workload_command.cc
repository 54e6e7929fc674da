// fabric workload --out DIR [options]: writes a benchmark chain (tools/workload.h).
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/commands.h"
#include "tools/network/workload.h"
#include "tools/workload.h"

namespace fabric::tools {
namespace {

constexpr char kUsage[] = R"USAGE(usage: fabric workload --out DIR [options]
Writes a Fabric chain for benchmarks in the vectors' layout: DIR/genesis.block,
DIR/blocks/NNNNNN.block, DIR/msp/ (the crypto material) and DIR/workload.json (the
options, the block ranges and the codes every transaction must get). Blocks 1-2 define
the chaincode "bench"; then the preload blocks, then the measured blocks.
  --orgs N               peer orgs, one peer each (2)
  --endorsers K          orgs endorsing each transaction, rotating; the policy is
                         OutOf(K, every org's peer), AND when K is every org (all orgs)
  --policy DSL           the chaincode endorsement policy instead, e.g.
                         "AND('Org1MSP.peer','Org2MSP.peer')" (the K endorsers must satisfy it)
  --clients N            distinct client identities, round robin over the orgs (2)
  --txs N                measured transactions (10000), or
  --blocks N             measured blocks of --block-size transactions
  --block-size N         transactions per measured block (500)
  --reads N, --writes N  keys read and written per transaction (2, 2; the written keys
                         are the first of the read ones)
  --key-space N          keys k0000000000.. the transactions pick from (100000)
  --value-size N         bytes per written value (100)
  --hot-keys N           the first N keys are hot (10) ...
  --hot-share F          ... each key pick is a hot key with probability F (0.01): two
                         transactions of a block on one key give an MVCC_READ_CONFLICT
  --ranges N             range queries per transaction (0) ...
  --range-size N         ... of N keys each (10)
  --preload-keys N       first write N keys (0), in write-only transactions of
  --preload-keys-per-tx N (500) keys, --preload-block-size N (200) transactions per
                         block, values of --preload-value-size N (8) bytes
  --seed N               the workload drawn (1): the same seed, the same chain (but for
                         the signatures)
  --threads N            endorsement and validation threads (one per core)
)USAGE";

bool Unsigned(const ParsedArgs& p, const std::string& name, uint64_t* value) {
  return !p.has(name) || absl::SimpleAtoi(p.get(name), value);
}

bool Int(const ParsedArgs& p, const std::string& name, int* value) {
  return !p.has(name) || (absl::SimpleAtoi(p.get(name), value) && *value >= 0);
}

}  // namespace

int WorkloadCommand(const Args& raw) {
  Args args = raw;
  if (TakeSwitch(&args, "--help") || TakeSwitch(&args, "-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  ParsedArgs p = ParseArgs(args, {"--out",
                                  "--orgs",
                                  "--endorsers",
                                  "--policy",
                                  "--clients",
                                  "--txs",
                                  "--blocks",
                                  "--block-size",
                                  "--reads",
                                  "--writes",
                                  "--key-space",
                                  "--value-size",
                                  "--hot-keys",
                                  "--hot-share",
                                  "--ranges",
                                  "--range-size",
                                  "--preload-keys",
                                  "--preload-keys-per-tx",
                                  "--preload-block-size",
                                  "--preload-value-size",
                                  "--seed",
                                  "--threads"});
  if (!p.error.empty()) return Fail("workload", p.error + " (fabric workload --help)", 2);
  if (!p.positional.empty() || !p.has("--out")) {
    return Fail("workload", "--out DIR is required (fabric workload --help)", 2);
  }
  WorkloadSpec spec;
  uint64_t blocks = 0;
  const bool numbers_ok =
      Int(p, "--orgs", &spec.orgs) && Int(p, "--endorsers", &spec.endorsers) &&
      Int(p, "--clients", &spec.clients) && Unsigned(p, "--txs", &spec.txs) &&
      Unsigned(p, "--blocks", &blocks) && Unsigned(p, "--block-size", &spec.txs_per_block) &&
      Int(p, "--reads", &spec.reads) && Int(p, "--writes", &spec.writes) &&
      Unsigned(p, "--key-space", &spec.key_space) &&
      Unsigned(p, "--value-size", &spec.value_size) && Unsigned(p, "--hot-keys", &spec.hot_keys) &&
      Int(p, "--ranges", &spec.range_queries) && Unsigned(p, "--range-size", &spec.range_size) &&
      Unsigned(p, "--preload-keys", &spec.preload_keys) &&
      Unsigned(p, "--preload-keys-per-tx", &spec.preload_keys_per_tx) &&
      Unsigned(p, "--preload-block-size", &spec.preload_txs_per_block) &&
      Unsigned(p, "--preload-value-size", &spec.preload_value_size) &&
      Unsigned(p, "--seed", &spec.seed) && Int(p, "--threads", &spec.threads) &&
      (!p.has("--hot-share") || absl::SimpleAtod(p.get("--hot-share"), &spec.hot_share));
  if (!numbers_ok)
    return Fail("workload", "options take non-negative numbers (fabric workload --help)", 2);
  if (p.has("--endorsers") && spec.endorsers == 0) {
    return Fail("workload", "--endorsers takes 1 to --orgs", 2);
  }
  if (p.has("--blocks")) {
    if (p.has("--txs")) return Fail("workload", "give --txs or --blocks, not both", 2);
    if (blocks > 1000000) return Fail("workload", "--blocks takes at most 1000000", 2);
    spec.txs = blocks * spec.txs_per_block;
  }
  if (p.has("--policy")) {
    spec.policy = p.get("--policy");
    if (auto compiled = network::CommitDefinitionArg(kWorkloadChaincode, "1.0", 1, spec.policy);
        !compiled.ok()) {
      return Fail("workload", absl::StrCat("--policy: ", compiled.status().message()), 2);
    }
  }
  if (absl::Status s = spec.Check(); !s.ok()) return Fail("workload", std::string(s.message()), 2);

  const std::string out = p.get("--out");
  auto facts = GenerateWorkload(spec, out, stdout);
  if (!facts.ok()) return Fail("workload", std::string(facts.status().message()));
  const double seconds = facts->setup_seconds + facts->preload_seconds + facts->measured_seconds;
  std::printf(
      "wrote     %s: genesis.block, blocks/000001..%06llu.block (measured from %llu), "
      "msp/, workload.json in %.2f s  (fabric bench %s)\n",
      out.c_str(), static_cast<unsigned long long>(facts->last_block),
      static_cast<unsigned long long>(facts->first_measured_block), seconds, out.c_str());
  return 0;
}

}  // namespace fabric::tools
