// fabric demo [--out DIR] [--root DIR] [--assets N] [--peers N] [--block-size N]
//             [--threads N]
// builds a sample network (tools/network/network.h, on the C ABI alone) in a temporary
// directory, runs the asset-transfer workload on it (tools/network/workload.h), checks
// that every peer of each channel ended identical and with the expected codes
// (tools/network/summary.h),
// and prints a summary. --out also writes each channel as the vectors lay it out, for
// `fabric replay`. Exit code 0 when every check passed, 1 otherwise, 2 for bad usage.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/base/thread_pool.h"
#include "tools/commands.h"
#include "tools/network/network.h"
#include "tools/network/summary.h"
#include "tools/network/workload.h"
#include "tools/progress.h"
#include "tools/scratch_dir.h"

namespace fabric::tools {
namespace {

using network::ChannelCheck;
using network::Network;
using network::NetworkSpec;
using network::PhaseReport;
using network::WorkloadSpec;

constexpr char kUsage[] =
    "usage: fabric demo [--out DIR] [--root DIR] [--assets N] [--peers N] [--block-size N] "
    "[--threads N]";

// One line per phase on stdout; a bar on stderr while it runs, on a terminal.
class PhasePrinter : public network::PhaseObserver {
 public:
  void Started(const std::string& phase, size_t units) override { bar_.Start(phase, units); }
  void Advanced(size_t done) override { bar_.Update(done); }
  void Finished(const PhaseReport& r) override {
    bar_.Clear();
    std::string what;
    if (r.transactions > 0) {
      what = absl::StrCat(r.transactions, " tx, ", r.blocks, " blocks");
    } else {
      what = absl::StrCat(r.queries, " queries");
    }
    std::printf("%-9s %-22s %6.2f s  %s\n", r.name.c_str(), what.c_str(), r.seconds,
                r.detail.c_str());
    std::fflush(stdout);
  }

 private:
  ProgressBar bar_;
};

// Sets *value from a positive number flag, if given; false when it is malformed.
bool NumberFlag(const ParsedArgs& p, const std::string& name, int* value) {
  if (!p.has(name)) return true;
  return absl::SimpleAtoi(p.get(name), value) && *value > 0;
}

// The workload for `assets` assets per channel; the other counts follow (400: 100
// updates, 10 conflict pairs, 5 policy failures, 25 deletes, 100 reads).
WorkloadSpec WorkloadFor(int assets) {
  WorkloadSpec w;
  w.assets = assets;
  w.updates = assets / 4;
  w.conflicts = std::max(1, std::min(10, assets / 20));
  w.policy_failures = std::max(1, std::min(5, assets / 40));
  w.deletes = assets / 16;
  w.queries = assets / 4;
  return w;
}

void PrintNetwork(const Network& net, double seconds) {
  std::printf("%-9s %-22s %6.2f s  cryptogen: %d orgs + orderer org; genesis blocks; ledgers\n",
              "network",
              absl::StrCat(net.spec().orgs * net.spec().peers_per_org, " peers, ",
                           net.channels().size(), " channels")
                  .c_str(),
              seconds, net.spec().orgs);
  for (const auto& ch : net.channels()) {
    std::vector<std::string> peers;
    for (const auto& p : ch->peers()) peers.push_back(p->peer().name);
    std::printf("          %s: %s\n", ch->id().c_str(), absl::StrJoin(peers, ", ").c_str());
  }
}

}  // namespace

int DemoCommand(const Args& args) {
  ParsedArgs p =
      ParseArgs(args, {"--out", "--root", "--assets", "--peers", "--block-size", "--threads"});
  if (!p.error.empty()) return Fail("demo", p.error, 2);
  if (!p.positional.empty()) return Fail("demo", kUsage, 2);
  int assets = 400, peers = 1, block_size = 100, threads = 0;
  if (!NumberFlag(p, "--assets", &assets) || !NumberFlag(p, "--peers", &peers) ||
      !NumberFlag(p, "--block-size", &block_size) || !NumberFlag(p, "--threads", &threads)) {
    return Fail("demo", "--assets, --peers, --block-size and --threads take positive numbers", 2);
  }
  NetworkSpec spec = network::SampleNetwork();
  spec.peers_per_org = peers;
  spec.block_size = static_cast<size_t>(block_size);
  const WorkloadSpec workload = WorkloadFor(assets);
  if (absl::Status s = network::CheckWorkloadSpec(workload, spec); !s.ok()) {
    return Fail("demo", std::string(s.message()), 2);
  }

  std::optional<ScratchDir> scratch;
  std::string root;
  if (p.has("--root")) {
    root = p.get("--root");
  } else {
    auto s = ScratchDir::Make("fabric-demo");
    if (!s.ok()) return Fail("demo", std::string(s.status().message()));
    scratch.emplace(*std::move(s));
    root = scratch->path();
  }
  std::printf("== fabric demo: a sample network in %s%s\n", root.c_str(),
              scratch ? " (removed at the end)" : "");

  const auto t0 = std::chrono::steady_clock::now();
  auto net = Network::Create(root, spec);
  if (!net.ok()) return Fail("demo", absl::StrCat("network: ", net.status().message()));
  PrintNetwork(**net, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

  ThreadPool pool(static_cast<size_t>(threads));
  PhasePrinter printer;
  auto report = network::RunWorkload(**net, workload, pool, &printer);
  if (!report.ok()) return Fail("demo", std::string(report.status().message()));

  std::vector<ChannelCheck> checks;
  bool ok = true;
  for (const auto& ch : (*net)->channels()) {
    checks.push_back(
        network::CheckChannel(*ch, network::ExpectedFor(workload, ch->spec().orgs.size())));
    ok &= checks.back().ok();
  }
  if (p.has("--out")) {
    const std::string out = p.get("--out");
    if (absl::Status s = (*net)->WriteVectors(out); !s.ok()) {
      return Fail("demo", absl::StrCat("--out: ", s.message()));
    }
    for (const auto& ch : (*net)->channels()) {
      std::printf(
          "wrote     %s/%s: genesis.block, blocks/000001..%06zu.block, msp/  "
          "(fabric replay %s/%s)\n",
          out.c_str(), ch->id().c_str(), ch->blocks().size(), out.c_str(), ch->id().c_str());
    }
  }
  network::PrintSummary(checks, *report, static_cast<size_t>(workload.endorsing_orgs), stdout);
  return ok ? 0 : 1;
}

}  // namespace fabric::tools
