// fabric snapshot create|verify|join: ledger snapshots in Fabric's format
// (lib/snapshot). Output is JSON.
#include <cstdio>
#include <filesystem>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "lib/channel/channel.h"
#include "lib/snapshot/metadata.h"
#include "nlohmann/json.hpp"
#include "tools/chain_source.h"
#include "tools/commands.h"
#include "tools/replay.h"

namespace fabric::tools {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: fabric snapshot create --ledger PATH --out DIR [--block N] [--replay CHAIN]\n"
    "           write a snapshot of the ledger at PATH in Fabric's format, as of block N\n"
    "           (default: the last); with --replay, block N may be ahead: the blocks of\n"
    "           CHAIN are committed, and the snapshot written when N commits\n"
    "       fabric snapshot verify DIR\n"
    "           check a snapshot's files against its metadata's hashes\n"
    "       fabric snapshot join SNAPSHOT --ledger PATH [--replay CHAIN] [--no-verify]\n"
    "           create the channel ledger PATH from a snapshot (hashes checked first), then\n"
    "           commit the blocks of CHAIN after it\n"
    "CHAIN: a vectors chain (genesis.block, blocks/), a directory of .block files, or a\n"
    "Fabric peer's block files (ledgersData, or a channel's blockfile_NNNNNN directory).\n"
    "Options for the channel: --mspid ID (this peer's org), --channel ID (of a ledgersData).";

std::string Hex(absl::string_view s) { return absl::BytesToHexString(s); }

int Print(const ordered_json& j) {
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

ordered_json MetadataJson(const snapshot::SnapshotMetadata& m) {
  ordered_json j;
  j["channel"] = m.channel_name;
  j["last_block_number"] = m.last_block_number;
  j["last_block_hash"] = Hex(m.last_block_hash);
  j["previous_block_hash"] = Hex(m.previous_block_hash);
  j["last_block_commit_hash"] = Hex(m.last_block_commit_hash);
  j["snapshot_hash"] = Hex(m.snapshot_hash);
  j["state_db_type"] = m.state_db_type;
  ordered_json files = ordered_json::object();
  for (const auto& [name, hash] : m.file_hashes) files[name] = Hex(hash);
  j["files"] = files;
  return j;
}

ordered_json LedgerJson(const ledger::Ledger& l) {
  const ledger::ChainInfo info = l.chain_info();
  ordered_json j;
  j["channel"] = l.channel_id();
  j["height"] = info.height;
  j["current_hash"] = Hex(info.current_hash);
  j["previous_hash"] = Hex(info.previous_hash);
  j["commit_hash"] = Hex(l.commit_hash());
  if (l.origin().has_value()) j["joined_at_block"] = l.origin()->last_block;
  return j;
}

// Commits CHAIN's blocks after the ledger's height (--replay), if asked.
absl::StatusOr<std::optional<ReplayStats>> MaybeReplay(channel::Channel& c, const ParsedArgs& a,
                                                       bool verify) {
  if (!a.has("--replay")) return std::nullopt;
  const std::string chain = a.get("--replay");
  auto source = ChainSource::Open(chain, a.has("--channel") ? a.get("--channel") : "");
  if (!source.ok()) return source.status();
  auto stats = CommitChain(c, **source, chain, verify);
  if (!stats.ok()) return stats.status();
  return std::optional<ReplayStats>(*stats);
}

ordered_json StatsJson(const ReplayStats& s) {
  ordered_json j;
  j["blocks"] = s.blocks;
  j["transactions"] = s.txs;
  j["tx_per_second"] = s.seconds > 0 ? static_cast<uint64_t>(s.txs / s.seconds) : 0;
  return j;
}

channel::ChannelOptions Options(const ParsedArgs& a, const std::string& chain_dir) {
  channel::ChannelOptions o;
  o.mspid = a.has("--mspid") ? a.get("--mspid") : chain_dir.empty() ? "" : VantageMspid(chain_dir);
  return o;
}

int Verify(const ParsedArgs& a) {
  if (a.positional.size() != 2) return Fail("snapshot", kUsage, 2);
  auto m = snapshot::VerifySnapshot(a.positional[1]);
  if (!m.ok()) return Fail("snapshot", std::string(m.status().message()));
  ordered_json j = MetadataJson(*m);
  j["verified"] = true;
  return Print(j);
}

int Join(const ParsedArgs& a, bool verify) {
  if (a.positional.size() != 2 || !a.has("--ledger")) return Fail("snapshot", kUsage, 2);
  const std::string chain = a.has("--replay") ? a.get("--replay") : "";
  auto c = channel::Channel::JoinFromSnapshot(a.get("--ledger"), a.positional[1],
                                              Options(a, chain));
  if (!c.ok()) return Fail("snapshot", std::string(c.status().message()));
  ordered_json j;
  j["joined"] = LedgerJson((*c)->ledger());
  auto stats = MaybeReplay(**c, a, verify);
  if (!stats.ok()) return Fail("snapshot", std::string(stats.status().message()));
  if (stats->has_value()) {
    j["replayed"] = StatsJson(**stats);
    j["ledger"] = LedgerJson((*c)->ledger());
  }
  return Print(j);
}

int Create(const ParsedArgs& a, bool verify) {
  if (a.positional.size() != 1 || !a.has("--ledger") || !a.has("--out")) {
    return Fail("snapshot", kUsage, 2);
  }
  const std::string chain = a.has("--replay") ? a.get("--replay") : "";
  auto c = channel::Channel::Open(a.get("--ledger"), Options(a, chain));
  if (!c.ok()) return Fail("snapshot", std::string(c.status().message()));
  uint64_t block = ledger::Ledger::kLastBlock;
  if (a.has("--block") && !absl::SimpleAtoi(a.get("--block"), &block)) {
    return Fail("snapshot", "--block takes a block number", 2);
  }
  absl::Mutex mu;
  std::optional<absl::StatusOr<snapshot::SnapshotMetadata>> written;
  absl::Status requested =
      (*c)->RequestSnapshot(block, a.get("--out"), [&](absl::StatusOr<snapshot::SnapshotMetadata> m) {
        absl::MutexLock lock(&mu);
        written = std::move(m);
      });
  if (!requested.ok()) return Fail("snapshot", std::string(requested.message()));
  auto stats = MaybeReplay(**c, a, verify);
  if (!stats.ok()) return Fail("snapshot", std::string(stats.status().message()));
  const uint64_t height = (*c)->ledger().chain_info().height;
  c->reset();  // waits for the snapshot's writer, or cancels a request never reached
  absl::MutexLock lock(&mu);
  if (!written.has_value() || absl::IsCancelled(written->status())) {
    return Fail("snapshot", absl::StrCat("the ledger is at height ", height, ": block ", block,
                                         " was not committed, so no snapshot was written"));
  }
  if (!written->ok()) return Fail("snapshot", std::string(written->status().message()));
  ordered_json j;
  j["snapshot"] = MetadataJson(**written);
  j["dir"] = a.get("--out");
  if (stats->has_value()) j["replayed"] = StatsJson(**stats);
  return Print(j);
}

}  // namespace

int SnapshotCommand(const Args& raw) {
  Args args = raw;
  const bool verify = !TakeSwitch(&args, "--no-verify");
  ParsedArgs a =
      ParseArgs(args, {"--ledger", "--out", "--block", "--replay", "--mspid", "--channel"});
  if (!a.error.empty()) return Fail("snapshot", a.error + "\n" + kUsage, 2);
  if (a.positional.empty()) return Fail("snapshot", kUsage, 2);
  const std::string& verb = a.positional[0];
  if (verb == "verify") return Verify(a);
  if (verb == "join") return Join(a, verify);
  if (verb == "create") return Create(a, verify);
  return Fail("snapshot", "unknown verb '" + verb + "'\n" + kUsage, 2);
}

}  // namespace fabric::tools
