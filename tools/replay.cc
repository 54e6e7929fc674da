// fabric replay DIR [--ledger PATH] [--no-verify] [--threads N] [--mspid ID]: applies
// DIR/genesis.block and DIR/blocks/*.block, in order, through the committing pipeline
// (verify, validate, MVCC, durable commit), skipping the blocks the ledger already
// holds. When DIR has pvtdata/ (tools/pvt_file.h), each block is committed with the
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
#include "absl/synchronization/mutex.h"
#include "lib/channel/channel.h"
#include "lib/wire/proto/common.pb.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/pvt_file.h"
#include "tools/scratch_dir.h"

namespace fabric::tools {
namespace {

namespace fs = std::filesystem;
using channel::BlockResult;
using channel::Channel;

// The number in a block's header, read without parsing its transactions.
absl::StatusOr<uint64_t> BlockNumber(const std::string& bytes) {
  common::Block block;
  if (!block.ParseFromString(bytes) || !block.has_header()) {
    return absl::InvalidArgumentError("not a block");
  }
  return block.header().number();
}

class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(STDERR_FILENO)) {}
  // Redraws the bar at most ten times a second on a terminal; elsewhere (a log) draws
  // only the final state.
  void Update(size_t done, uint64_t txs, double seconds) {
    if (done != total_ && (!tty_ || seconds - last_ < 0.1)) return;
    last_ = seconds;
    const int width = 30;
    const int filled = total_ == 0 ? width : static_cast<int>(width * done / total_);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu blocks, %llu tx, %.0f tx/s",
                 std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(), done,
                 total_, static_cast<unsigned long long>(txs), seconds > 0 ? txs / seconds : 0.0);
    if (done == total_) std::fprintf(stderr, "\n");
  }

 private:
  const size_t total_;
  const bool tty_;
  double last_ = -1;
};

// The MSP id of the peer a vector directory's private data was handed to, if it says.
std::string VantageMspid(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir + "/expected.json", ec)) return "";
  auto text = ReadInput(dir + "/expected.json");
  if (!text.ok()) return "";
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("vantage_peer") || !j["vantage_peer"].is_object()) return "";
  const nlohmann::json& v = j["vantage_peer"];
  return v.contains("mspid") && v["mspid"].is_string() ? v["mspid"].get<std::string>() : "";
}

}  // namespace

int ReplayCommand(const Args& raw) {
  // --no-verify is a switch, the other flags take values.
  Args args;
  bool verify = true;
  for (const std::string& a : raw) {
    if (a == "--no-verify") {
      verify = false;
    } else {
      args.push_back(a);
    }
  }
  ParsedArgs p = ParseArgs(args, {"--ledger", "--threads", "--mspid"});
  if (!p.error.empty()) return Fail("replay", p.error, 2);
  if (p.positional.size() != 1) {
    return Fail("replay",
                "usage: fabric replay DIR [--ledger PATH] [--no-verify] [--threads N] "
                "[--mspid ID]",
                2);
  }
  const std::string dir = p.positional[0];
  channel::ChannelOptions options;
  // The vantage peer matters only with private data; a big expected.json is not read
  // otherwise.
  std::error_code pvt_ec;
  options.mspid = p.has("--mspid")                             ? p.get("--mspid")
                  : fs::is_directory(dir + "/pvtdata", pvt_ec) ? VantageMspid(dir)
                                                               : "";
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
    auto genesis = ReadInput(dir + "/genesis.block");
    if (!genesis.ok()) return Fail("replay", std::string(genesis.status().message()));
    auto c = Channel::Create(ledger_dir, *std::move(genesis), options);
    if (!c.ok()) return Fail("replay", absl::StrCat(ledger_dir, ": ", c.status().message()));
    channel = *std::move(c);
  }

  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir + "/blocks", ec)) {
    if (e.path().extension() == ".block") files.push_back(e.path().string());
  }
  if (ec) return Fail("replay", absl::StrCat(dir, "/blocks: ", ec.message()));
  std::sort(files.begin(), files.end());

  const uint64_t start_height = channel->ledger().chain_info().height;
  absl::Mutex mu;
  uint64_t txs = 0, blocks = 0;
  absl::Status failure;
  Progress progress(files.size());
  size_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  for (const std::string& f : files) {
    {
      absl::MutexLock lock(&mu);
      if (!failure.ok()) break;
    }
    auto bytes = ReadInput(f);
    if (!bytes.ok()) return Fail("replay", std::string(bytes.status().message()));
    auto number = BlockNumber(*bytes);
    if (!number.ok()) return Fail("replay", absl::StrCat(f, ": ", number.status().message()));
    if (*number < start_height) {  // already in the ledger
      absl::MutexLock lock(&mu);
      progress.Update(++done, txs, elapsed());
      continue;
    }
    channel::SubmitOptions submit;
    submit.skip_verification = !verify;
    absl::StatusOr<std::optional<ledger::HandedPvtData>> pvt = ReadPvtData(dir, *number);
    if (!pvt.ok()) return Fail("replay", std::string(pvt.status().message()));
    if (pvt->has_value()) submit.pvt_data = **std::move(pvt);
    channel->Enqueue(*std::move(bytes), submit, [&, f](absl::StatusOr<BlockResult> r) {
      absl::MutexLock lock(&mu);
      ++done;
      if (!r.ok()) {
        if (failure.ok())
          failure = absl::Status(r.status().code(), absl::StrCat(f, ": ", r.status().message()));
        return;
      }
      ++blocks;
      txs += r->txs.size();
      progress.Update(done, txs, elapsed());
    });
  }
  channel->Drain();
  const double seconds = elapsed();
  if (!failure.ok()) {
    std::fprintf(stderr, "\n");
    return Fail("replay", std::string(failure.message()));
  }
  std::printf("replay: %llu transactions in %llu blocks, %.0f tx/s\n",
              static_cast<unsigned long long>(txs), static_cast<unsigned long long>(blocks),
              seconds > 0 ? txs / seconds : 0.0);
  return 0;
}

}  // namespace fabric::tools
