// fabric replay DIR [--ledger PATH] [--no-verify] [--threads N] [--mspid ID]
//                   [--channel ID]: applies the blocks of DIR (tools/chain_source.h: the
// vectors' layout, a directory of .block files, or a Fabric peer's block files), in
// order, through the committing pipeline (verify, validate, MVCC, durable commit),
// skipping the blocks the ledger already holds. When DIR has pvtdata/ (tools/pvt_file.h), each block is committed with the
// private data handed over with it, as a peer of org --mspid (default: the vectors'
// vantage peer, from DIR/expected.json, if it names one).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "lib/channel/channel.h"
#include "lib/wire/proto/common.pb.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/pvt_file.h"
#include "tools/replay.h"
#include "tools/scratch_dir.h"

namespace fabric::tools {
namespace {

namespace fs = std::filesystem;
using channel::BlockResult;
using channel::Channel;

class Progress {
 public:
  // `total`: the number of blocks, 0 if not known.
  explicit Progress(size_t total) : total_(total), tty_(isatty(STDERR_FILENO)) {}
  // Redraws at most ten times a second on a terminal; elsewhere (a log) draws only the
  // final state.
  void Update(size_t done, uint64_t txs, double seconds) {
    if (done == total_ && total_ > 0) {
      Draw(done, txs, seconds);
      std::fprintf(stderr, "\n");
      return;
    }
    if (!tty_ || seconds - last_ < 0.1) return;
    last_ = seconds;
    Draw(done, txs, seconds);
  }
  // The final state, when the total was not known.
  void Finish(size_t done, uint64_t txs, double seconds) {
    Draw(done, txs, seconds);
    std::fprintf(stderr, "\n");
  }

 private:
  void Draw(size_t done, uint64_t txs, double seconds) {
    const double rate = seconds > 0 ? txs / seconds : 0.0;
    if (total_ == 0) {
      std::fprintf(stderr, "\r%zu blocks, %llu tx, %.0f tx/s", done,
                   static_cast<unsigned long long>(txs), rate);
      return;
    }
    const int width = 30;
    const int filled = static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu blocks, %llu tx, %.0f tx/s",
                 std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(), done,
                 total_, static_cast<unsigned long long>(txs), rate);
  }

  const size_t total_;
  const bool tty_;
  double last_ = -1;
};

absl::StatusOr<uint64_t> BlockNumber(const std::string& bytes) {
  common::Block block;
  if (!block.ParseFromString(bytes) || !block.has_header()) {
    return absl::InvalidArgumentError("not a block");
  }
  return block.header().number();
}

}  // namespace

// The MSP id of the peer a vector directory's private data was handed to, if it says.
std::string VantageMspid(const std::string& dir) {
  std::error_code ec;
  // The vantage peer matters only with private data; a big expected.json is not read
  // otherwise.
  if (!fs::is_directory(dir + "/pvtdata", ec) || !fs::exists(dir + "/expected.json", ec)) {
    return "";
  }
  auto text = ReadInput(dir + "/expected.json");
  if (!text.ok()) return "";
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("vantage_peer") || !j["vantage_peer"].is_object()) return "";
  const nlohmann::json& v = j["vantage_peer"];
  return v.contains("mspid") && v["mspid"].is_string() ? v["mspid"].get<std::string>() : "";
}


absl::StatusOr<ReplayStats> CommitChain(Channel& channel, ChainSource& source,
                                        const std::string& pvt_dir, bool verify) {
  const uint64_t start_height = channel.ledger().chain_info().height;
  absl::Mutex mu;
  ReplayStats stats;
  absl::Status failure;
  Progress progress(source.size_hint());
  size_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::error_code ec;
  const bool has_pvt = !pvt_dir.empty() && fs::is_directory(pvt_dir + "/pvtdata", ec);
  while (true) {
    {
      absl::MutexLock lock(&mu);
      if (!failure.ok()) break;
    }
    absl::StatusOr<std::optional<ChainSource::Block>> next = source.Next();
    if (!next.ok()) {
      channel.Drain();
      return next.status();
    }
    if (!next->has_value()) break;
    ChainSource::Block b = **std::move(next);
    auto number = BlockNumber(b.bytes);
    if (!number.ok()) {
      channel.Drain();
      return absl::InvalidArgumentError(absl::StrCat(b.name, ": ", number.status().message()));
    }
    if (*number < start_height) {  // already in the ledger
      absl::MutexLock lock(&mu);
      progress.Update(++done, stats.txs, elapsed());
      continue;
    }
    channel::SubmitOptions submit;
    submit.skip_verification = !verify;
    if (has_pvt) {
      absl::StatusOr<std::optional<ledger::HandedPvtData>> pvt = ReadPvtData(pvt_dir, *number);
      if (!pvt.ok()) {
        channel.Drain();
        return pvt.status();
      }
      if (pvt->has_value()) submit.pvt_data = **std::move(pvt);
    }
    channel.Enqueue(std::move(b.bytes), submit,
                    [&, name = b.name](absl::StatusOr<BlockResult> r) {
                      absl::MutexLock lock(&mu);
                      ++done;
                      if (!r.ok()) {
                        if (failure.ok()) {
                          failure = absl::Status(r.status().code(),
                                                 absl::StrCat(name, ": ", r.status().message()));
                        }
                        return;
                      }
                      ++stats.blocks;
                      stats.txs += r->txs.size();
                      for (const channel::TxResult& t : r->txs) {
                        ++stats.codes[protos::TxValidationCode_Name(t.code)];
                      }
                      progress.Update(done, stats.txs, elapsed());
                    });
  }
  channel.Drain();
  stats.seconds = elapsed();
  absl::MutexLock lock(&mu);
  if (!failure.ok()) {
    std::fprintf(stderr, "\n");
    return failure;
  }
  if (source.size_hint() == 0) progress.Finish(done, stats.txs, stats.seconds);
  return stats;
}

int ReplayCommand(const Args& raw) {
  // --no-verify is a switch, the other flags take values.
  Args args = raw;
  const bool verify = !TakeSwitch(&args, "--no-verify");
  ParsedArgs p = ParseArgs(args, {"--ledger", "--threads", "--mspid", "--channel"});
  if (!p.error.empty()) return Fail("replay", p.error, 2);
  if (p.positional.size() != 1) {
    return Fail("replay",
                "usage: fabric replay DIR [--ledger PATH] [--no-verify] [--threads N] "
                "[--mspid ID] [--channel ID]\n"
                "DIR: a vectors chain (genesis.block, blocks/), a directory of .block files, "
                "or a Fabric peer's block files (its ledgersData, or a channel's directory)",
                2);
  }
  const std::string dir = p.positional[0];
  auto source = ChainSource::Open(dir, p.has("--channel") ? p.get("--channel") : "");
  if (!source.ok()) return Fail("replay", std::string(source.status().message()));
  channel::ChannelOptions options;
  options.mspid = p.has("--mspid") ? p.get("--mspid") : VantageMspid(dir);
  if (p.has("--threads")) {
    int threads = 0;
    if (!absl::SimpleAtoi(p.get("--threads"), &threads) || threads < 1) {
      return Fail("replay", "--threads takes a positive number", 2);
    }
    options.threads = threads;
  }

  std::optional<ScratchDir> scratch;
  std::string ledger_dir;
  if (p.has("--ledger")) {
    ledger_dir = p.get("--ledger");
  } else {
    auto s = ScratchDir::Make("fabric-replay");
    if (!s.ok()) return Fail("replay", std::string(s.status().message()));
    scratch.emplace(*std::move(s));
    ledger_dir = scratch->path() + "/ledger";
  }

  std::unique_ptr<Channel> channel;
  if (fs::exists(ledger_dir) && !fs::is_empty(ledger_dir)) {
    auto c = Channel::Open(ledger_dir, options);
    if (!c.ok()) return Fail("replay", absl::StrCat(ledger_dir, ": ", c.status().message()));
    channel = *std::move(c);
  } else {
    auto genesis = (*source)->Next();
    if (!genesis.ok()) return Fail("replay", std::string(genesis.status().message()));
    if (!genesis->has_value()) return Fail("replay", dir + " holds no block");
    auto c = Channel::Create(ledger_dir, (*genesis)->bytes, options);
    if (!c.ok()) {
      return Fail("replay",
                  absl::StrCat(ledger_dir, ": ", (*genesis)->name, ": ", c.status().message()));
    }
    channel = *std::move(c);
  }
  auto stats = CommitChain(*channel, **source, dir, verify);
  if (!stats.ok()) return Fail("replay", std::string(stats.status().message()));
  std::printf("replay: %llu transactions in %llu blocks, %.0f tx/s\n",
              static_cast<unsigned long long>(stats->txs),
              static_cast<unsigned long long>(stats->blocks),
              stats->seconds > 0 ? stats->txs / stats->seconds : 0.0);
  std::vector<std::string> codes;
  for (const auto& [name, n] : stats->codes) codes.push_back(absl::StrCat(name, " ", n));
  if (!codes.empty()) std::printf("codes: %s\n", absl::StrJoin(codes, ", ").c_str());
  return 0;
}

}  // namespace fabric::tools
