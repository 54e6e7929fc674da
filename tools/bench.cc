// fabric bench DIR [--ledger PATH] [--runs N] [--threads N] [--json]: the committing
// peer's throughput on a chain (a `fabric workload` chain, the vectors, any chain
// `fabric replay` takes), per stage and end to end, against the bound one core's bare
// ECDSA_verify sets.
//
//   1. load: the blocks before the measured ones (a workload's chaincode definition and
//      preload, from DIR/workload.json; else the genesis block alone) are committed
//      through the replay pipeline into a base ledger, timed apart, which is then
//      compacted (untimed), as a peer's state at rest is;
//   2. stages, each timed alone, block by block over the measured blocks, on a copy of
//      the base ledger (the file read untimed): parse (wire::ParsedBlock::Parse, one
//      thread), signatures (the block's orderer signatures, and every transaction's
//      creator and endorsement signatures with the checks that need no state:
//      validate::VerifyBlock + BlockValidator::Prepare, on the pool), policy
//      (BlockValidator::Validate: duplicate txids, chaincode definitions, endorsement
//      policies, on the pool), MVCC (CheckReadConflicts, versions fetched on the
//      pool) and commit (ledger::Ledger::Commit, durable). A block VerifyBlock
//      refuses (the conformance vectors' block 20) ends the measured chain, as it
//      stops a peer;
//   3. pipeline: `fabric replay`'s own path (CommitChain: blocks in flight through a
//      channel::Channel, verified, validated, committed durably) from a copy of the
//      base ledger, --runs times; the median is the figure. Peak RSS is the process's
//      (getrusage), which the load's commits usually set.
// Each rate is transactions per second; each is also given as a ratio to the bound:
// rate x signature verifications per transaction / ECDSA_verify per second on one core.
// Output: a table, then one line of JSON (--json: the JSON line alone).
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/base/thread_pool.h"
#include "lib/channel/channel.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/ledger/ledger.h"
#include "lib/validate/block_validator.h"
#include "lib/validate/block_verifier.h"
#include "lib/validate/mvcc.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/common.pb.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/replay.h"
#include "tools/scratch_dir.h"
#include "tools/workload.h"

namespace fabric::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kUsage[] =
    "usage: fabric bench DIR [--ledger PATH] [--runs N] [--threads N] [--json]\n"
    "DIR: a chain fabric replay takes (a fabric workload chain: its workload.json says\n"
    "which blocks only set up and preload the state; they are committed first and left\n"
    "out of the figures). --ledger PATH: where the ledgers go (kept; default: a\n"
    "temporary directory, removed). --runs N: end-to-end runs (3), the median counts.\n"
    "--threads N: validation threads (one per core). --json: print the JSON line alone.";

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double PeakRssMib() {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

// BoringSSL's bare ECDSA_verify on P-256, one core: verifications per second over 64
// fixed signatures for about half a second.
absl::StatusOr<double> EcdsaVerifyRate() {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  if (!key || !EC_KEY_generate_key(key.get())) return absl::InternalError("EC_KEY_generate_key");
  struct Signed {
    std::string digest;
    std::vector<uint8_t> sig;
  };
  std::vector<Signed> set(64);
  for (size_t i = 0; i < set.size(); ++i) {
    set[i].digest = Sha256(absl::StrCat("fabric bench ", i));
    set[i].sig.resize(ECDSA_size(key.get()));
    unsigned int len = 0;
    if (!ECDSA_sign(0, reinterpret_cast<const uint8_t*>(set[i].digest.data()), 32,
                    set[i].sig.data(), &len, key.get())) {
      return absl::InternalError("ECDSA_sign");
    }
    set[i].sig.resize(len);
  }
  uint64_t n = 0;
  const auto t0 = Clock::now();
  double seconds = 0;
  while (seconds < 0.5) {
    for (const Signed& s : set) {
      if (ECDSA_verify(0, reinterpret_cast<const uint8_t*>(s.digest.data()), 32, s.sig.data(),
                       s.sig.size(), key.get()) != 1) {
        return absl::InternalError("ECDSA_verify refused its own signature");
      }
    }
    n += set.size();
    seconds = Since(t0);
  }
  return n / seconds;
}

// Signature verifications a block asks for: the orderer's, and per endorser
// transaction its creator's and its endorsers'; config and other transactions count
// their creator's.
uint64_t VerificationsOf(const wire::ParsedBlock& b) {
  uint64_t n = 0;
  common::Metadata signatures;
  if (signatures.ParseFromArray(b.metadata(common::SIGNATURES).data(),
                                static_cast<int>(b.metadata(common::SIGNATURES).size()))) {
    n += signatures.signatures_size();
  }
  for (const wire::TxView& tx : b.transactions()) {
    ++n;
    for (const wire::ActionView& a : tx.actions) n += a.payload.action().endorsements_size();
  }
  return n;
}

absl::Status CopyLedger(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) return absl::InternalError(absl::StrCat("copy ", from, " to ", to, ": ", ec.message()));
  // Written out before anything is timed: the kernel writing a large copy back in the
  // background would otherwise slow the run that follows (its block syncs wait behind
  // it), by up to half at 10M keys.
  ::sync();
  return absl::OkStatus();
}

struct Setup {
  std::string dir;
  channel::ChannelOptions options;
  uint64_t first_measured = 1;
};

// The base ledger: the genesis block and the blocks before the measured ones, committed
// through the replay pipeline into `ledger_dir`.
absl::StatusOr<ReplayStats> LoadBase(const Setup& setup, const std::string& ledger_dir) {
  FABRIC_ASSIGN_OR_RETURN(auto source, ChainSource::Open(setup.dir));
  source->Limit(setup.first_measured);
  FABRIC_ASSIGN_OR_RETURN(std::optional<ChainSource::Block> genesis, source->Next());
  if (!genesis.has_value()) return absl::NotFoundError(setup.dir + " holds no block");
  FABRIC_ASSIGN_OR_RETURN(
      auto channel, channel::Channel::Create(ledger_dir, std::move(genesis->bytes), setup.options));
  FABRIC_ASSIGN_OR_RETURN(ReplayStats stats,
                          CommitChain(*channel, *source, setup.dir, /*verify=*/true));
  // A state loaded in one burst still has its compactions ahead; a peer's state at rest
  // has them behind. Measure the steady state: compact now, untimed.
  FABRIC_RETURN_IF_ERROR(channel->shared_ledger()->Compact());
  return stats;
}

// One end-to-end run: the measured blocks before block `end` (0: all) through
// CommitChain, as `fabric replay` does.
absl::StatusOr<ReplayStats> RunPipeline(const Setup& setup, const std::string& ledger_dir,
                                        uint64_t end) {
  FABRIC_ASSIGN_OR_RETURN(auto source, ChainSource::Open(setup.dir));
  if (end > 0) source->Limit(end);
  FABRIC_RETURN_IF_ERROR(source->Skip(setup.first_measured));
  FABRIC_ASSIGN_OR_RETURN(auto channel, channel::Channel::Open(ledger_dir, setup.options));
  return CommitChain(*channel, *source, setup.dir, /*verify=*/true);
}

struct StageTimes {
  double parse = 0, signatures = 0, policy = 0, mvcc = 0, commit = 0;
  uint64_t txs = 0, blocks = 0, verifications = 0;
  // The first block the verification refused (the measured chain ends before it), and
  // why; 0 if none.
  uint64_t refused = 0;
  std::string refusal;
};

// The stages one at a time over the measured blocks, block by block, on the base
// ledger copied to `ledger_dir`. A block that verification refuses ends the chain, as
// it stops a peer.
absl::StatusOr<StageTimes> RunStages(const Setup& setup, const std::string& ledger_dir,
                                     ThreadPool& pool) {
  std::shared_ptr<const channelconfig::ChannelConfig> config;
  {
    // The config in force after the base blocks, as the channel loads it.
    FABRIC_ASSIGN_OR_RETURN(auto channel, channel::Channel::Open(ledger_dir, setup.options));
    config = channel->config();
  }
  FABRIC_ASSIGN_OR_RETURN(auto ledger, ledger::Ledger::Open(ledger_dir, ledger::LedgerOptions()));
  FABRIC_ASSIGN_OR_RETURN(auto source, ChainSource::Open(setup.dir));
  FABRIC_RETURN_IF_ERROR(source->Skip(setup.first_measured));
  validate::BlockValidator validator(&pool);
  StageTimes t;
  while (true) {
    FABRIC_ASSIGN_OR_RETURN(std::optional<ChainSource::Block> raw, source->Next());
    if (!raw.has_value()) break;
    auto t0 = Clock::now();
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const wire::ParsedBlock> block,
                            wire::ParsedBlock::Parse(std::move(raw->bytes)));
    t.parse += Since(t0);

    const ledger::ChainInfo tip = ledger->chain_info();
    t0 = Clock::now();
    if (absl::Status s = validate::VerifyBlock(*block, *config, tip.height, tip.current_hash);
        !s.ok()) {
      t.refused = tip.height;
      t.refusal = absl::StrCat(raw->name, ": ", s.message());
      break;
    }
    validate::PreparedBlock prepared = validator.Prepare(block, config);
    t.signatures += Since(t0);

    t0 = Clock::now();
    FABRIC_ASSIGN_OR_RETURN(validate::BlockValidation v, validator.Validate(prepared, *ledger));
    t.policy += Since(t0);

    t0 = Clock::now();
    std::string filter = validate::FilterOf(v.verdicts);
    FABRIC_RETURN_IF_ERROR(validate::CheckReadConflicts(
        *block, ledger->state(),
        absl::MakeSpan(reinterpret_cast<uint8_t*>(filter.data()), filter.size()), &pool));
    t.mvcc += Since(t0);

    t0 = Clock::now();
    FABRIC_RETURN_IF_ERROR(ledger->Commit(*block, filter));
    FABRIC_RETURN_IF_ERROR(ledger->Settle());  // the batch written behind, timed here too
    t.commit += Since(t0);

    if (v.new_config != nullptr) config = v.new_config;
    t.txs += block->num_transactions();
    t.verifications += VerificationsOf(*block);
    ++t.blocks;
  }
  return t;
}

double Rate(uint64_t txs, double seconds) { return seconds > 0 ? txs / seconds : 0.0; }

struct BenchResult {
  double ecdsa_verify_per_s = 0;
  ReplayStats load;
  StageTimes stages;
  std::vector<double> runs;               // tx/s of each end-to-end run
  double pipeline = 0;                    // their median
  std::map<std::string, uint64_t> codes;  // of the measured blocks, from the last run
  double peak_rss_mib = 0;
  size_t threads = 0;
};

// The bound, the load, the stages, then `runs` end-to-end runs, each on its own copy of
// the base ledger under `root`; progress lines to `out`. Copies are removed unless
// `keep`.
absl::StatusOr<BenchResult> RunBench(const Setup& setup, const std::string& root, int runs,
                                     bool keep, FILE* out) {
  BenchResult r;
  FABRIC_ASSIGN_OR_RETURN(r.ecdsa_verify_per_s, EcdsaVerifyRate());
  const std::string base = root + "/base";
  FABRIC_ASSIGN_OR_RETURN(r.load, LoadBase(setup, base));
  std::fprintf(out, "load      %llu blocks before block %llu (setup, preload): %llu tx in %.2f s\n",
               static_cast<unsigned long long>(r.load.blocks),
               static_cast<unsigned long long>(setup.first_measured),
               static_cast<unsigned long long>(r.load.txs), r.load.seconds);

  ThreadPool pool(setup.options.threads);
  r.threads = pool.size();
  std::error_code ec;
  const std::string stages_dir = root + "/stages";
  FABRIC_RETURN_IF_ERROR(CopyLedger(base, stages_dir));
  FABRIC_ASSIGN_OR_RETURN(r.stages, RunStages(setup, stages_dir, pool));
  if (!keep) fs::remove_all(stages_dir, ec);
  if (r.stages.refused > 0) {
    std::fprintf(out, "stop      block %llu refused (%s): the measured blocks end before it\n",
                 static_cast<unsigned long long>(r.stages.refused), r.stages.refusal.c_str());
  }
  if (r.stages.txs == 0) return absl::NotFoundError(setup.dir + ": no measured transactions");

  for (int i = 1; i <= runs; ++i) {
    const std::string dir = absl::StrCat(root, "/run", i);
    FABRIC_RETURN_IF_ERROR(CopyLedger(base, dir));
    FABRIC_ASSIGN_OR_RETURN(ReplayStats run, RunPipeline(setup, dir, r.stages.refused));
    r.runs.push_back(Rate(run.txs, run.seconds));
    std::fprintf(out, "run %-5d %llu tx in %llu blocks, %.3f s, %.0f tx/s\n", i,
                 static_cast<unsigned long long>(run.txs),
                 static_cast<unsigned long long>(run.blocks), run.seconds, r.runs.back());
    r.codes = std::move(run.codes);
    if (!keep) fs::remove_all(dir, ec);
  }
  std::vector<double> sorted = r.runs;
  std::sort(sorted.begin(), sorted.end());
  r.pipeline = sorted[sorted.size() / 2];
  r.peak_rss_mib = PeakRssMib();
  return r;
}

// Stage name -> tx/s, in pipeline order.
std::vector<std::pair<std::string, double>> StageRates(const StageTimes& t) {
  return {{"parse", Rate(t.txs, t.parse)},
          {"signatures", Rate(t.txs, t.signatures)},
          {"policy", Rate(t.txs, t.policy)},
          {"mvcc", Rate(t.txs, t.mvcc)},
          {"commit", Rate(t.txs, t.commit)}};
}

double VerificationsPerTx(const BenchResult& r) {
  return static_cast<double>(r.stages.verifications) / r.stages.txs;
}

// A rate as a multiple of the bound: tx/s x verifications per tx / ECDSA_verify per s.
double RatioToBound(const BenchResult& r, double tx_per_s) {
  return tx_per_s * VerificationsPerTx(r) / r.ecdsa_verify_per_s;
}

void PrintTable(const std::string& dir, const BenchResult& r, FILE* out) {
  const double per_tx = VerificationsPerTx(r);
  std::fprintf(out,
               "\n%s: %llu measured transactions in %llu blocks, %.2f signature verifications "
               "per tx, %zu threads\n",
               dir.c_str(), static_cast<unsigned long long>(r.stages.txs),
               static_cast<unsigned long long>(r.stages.blocks), per_tx, r.threads);
  std::fprintf(out, "%-22s %12s %8s\n", "stage", "tx/s", "x bound");
  for (const auto& [name, rate] : StageRates(r.stages)) {
    std::fprintf(out, "%-22s %12.0f %8.3f\n", name.c_str(), rate, RatioToBound(r, rate));
  }
  std::fprintf(out, "%-22s %12.0f %8.3f\n", "pipeline (median)", r.pipeline,
               RatioToBound(r, r.pipeline));
  std::fprintf(out, "bound: ECDSA_verify %.0f/s on one core = %.0f tx/s at %.2f per tx\n",
               r.ecdsa_verify_per_s, r.ecdsa_verify_per_s / per_tx, per_tx);
  std::fprintf(out, "peak RSS %.0f MiB\n", r.peak_rss_mib);
}

nlohmann::json JsonLine(const BenchResult& r, uint64_t preload_keys) {
  nlohmann::json stages = nlohmann::json::object(), ratios = nlohmann::json::object();
  for (const auto& [name, rate] : StageRates(r.stages)) {
    stages[name] = rate;
    ratios[name] = RatioToBound(r, rate);
  }
  ratios["pipeline"] = RatioToBound(r, r.pipeline);
  return {{"tx", r.stages.txs},
          {"blocks", r.stages.blocks},
          {"tx_per_s", r.pipeline},
          {"runs_tx_per_s", r.runs},
          {"stages", stages},
          {"ratios", ratios},
          {"verifications_per_tx", VerificationsPerTx(r)},
          {"ecdsa_verify_per_s", r.ecdsa_verify_per_s},
          {"ratio_to_bound", RatioToBound(r, r.pipeline)},
          {"peak_rss_mib", r.peak_rss_mib},
          {"threads", r.threads},
          {"preload_keys", preload_keys},
          {"load_blocks", r.load.blocks},
          {"load_seconds", r.load.seconds},
          {"codes", r.codes}};
}

}  // namespace

int BenchCommand(const Args& raw) {
  Args args = raw;
  const bool json_only = TakeSwitch(&args, "--json");
  ParsedArgs p = ParseArgs(args, {"--ledger", "--runs", "--threads"});
  if (!p.error.empty()) return Fail("bench", p.error + "\n" + kUsage, 2);
  if (p.positional.size() != 1) return Fail("bench", kUsage, 2);
  int runs = 3, threads = 0;
  if (p.has("--runs") && (!absl::SimpleAtoi(p.get("--runs"), &runs) || runs < 1 || runs > 100)) {
    return Fail("bench", "--runs takes 1 to 100", 2);
  }
  if (p.has("--threads") &&
      (!absl::SimpleAtoi(p.get("--threads"), &threads) || threads < 1 || threads > 1024)) {
    return Fail("bench", "--threads takes 1 to 1024", 2);
  }
  Setup setup;
  setup.dir = p.positional[0];
  setup.options.threads = static_cast<size_t>(threads);
  setup.options.mspid = VantageMspid(setup.dir);
  auto layout = ReadWorkloadLayout(setup.dir);
  if (!layout.ok()) return Fail("bench", std::string(layout.status().message()));
  setup.first_measured = layout->first_measured_block;
  if (auto probe = ChainSource::Open(setup.dir); !probe.ok()) {
    return Fail("bench", std::string(probe.status().message()));
  }

  std::optional<ScratchDir> scratch;
  std::string root;
  if (p.has("--ledger")) {
    root = p.get("--ledger");
    std::error_code ec;
    if (fs::exists(root, ec) && !fs::is_empty(root, ec)) {
      return Fail("bench", "--ledger " + root + " must be a new or empty directory", 2);
    }
    fs::create_directories(root, ec);
    if (ec) return Fail("bench", absl::StrCat(root, ": ", ec.message()));
  } else {
    auto s = ScratchDir::Make("fabric-bench");
    if (!s.ok()) return Fail("bench", std::string(s.status().message()));
    scratch.emplace(*std::move(s));
    root = scratch->path();
  }
  FILE* const out = json_only ? stderr : stdout;
  auto result = RunBench(setup, root, runs, /*keep=*/!scratch.has_value(), out);
  if (!result.ok()) return Fail("bench", std::string(result.status().message()));
  PrintTable(setup.dir, *result, out);
  std::printf("%s\n", JsonLine(*result, layout->preload_keys).dump().c_str());
  return 0;
}

}  // namespace fabric::tools
