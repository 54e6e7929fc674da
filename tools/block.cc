// fabric block FILE: a block's identity at a glance.
// fabric chain DIR: a directory of blocks (vector layout) checked end to end.
#include "lib/wire/block.h"

#include <cstdio>
#include <filesystem>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "lib/wire/well_formed.h"
#include "nlohmann/json.hpp"
#include "tools/chain_source.h"
#include "tools/commands.h"

namespace fabric::tools {
namespace {

using nlohmann::ordered_json;

std::string Hex(absl::string_view s) { return absl::BytesToHexString(s); }

ordered_json Summary(const wire::ParsedBlock& b) {
  ordered_json j;
  j["number"] = b.number();
  j["header_hash"] = Hex(b.header_hash());
  j["previous_hash"] = Hex(b.previous_hash());
  j["data_hash"] = Hex(b.data_hash());
  j["data_hash_matches"] = b.data_hash() == b.computed_data_hash();
  absl::Status wf = wire::CheckEnvelopesWellFormed(b.block().data());
  j["envelopes_well_formed"] = wf.ok();
  if (!wf.ok()) j["envelopes_error"] = std::string(wf.message());
  j["is_config"] = b.IsConfigBlock();
  auto last_config = b.LastConfigIndex();
  if (last_config.ok()) j["last_config"] = *last_config;
  ordered_json txs = ordered_json::array();
  for (const wire::TxView& tx : b.transactions()) {
    ordered_json t;
    t["index"] = tx.index;
    t["txid"] = tx.txid();
    if (tx.has_channel_header()) {
      t["type"] = common::HeaderType_Name(tx.type()).empty()
                      ? std::to_string(tx.channel_header.type())
                      : common::HeaderType_Name(tx.type());
    }
    std::string error = tx.ok() ? "" : std::string(tx.error.message());
    for (const wire::ActionView& a : tx.actions) {
      if (error.empty() && !a.error.ok()) error = std::string(a.error.message());
    }
    if (!error.empty()) t["parse_error"] = error;
    txs.push_back(std::move(t));
  }
  j["transactions"] = std::move(txs);
  return j;
}

absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> LoadBlock(const std::string& path) {
  auto bytes = ReadInput(path);
  if (!bytes.ok()) return bytes.status();
  auto b = wire::ParsedBlock::Parse(*std::move(bytes));
  if (!b.ok()) return absl::InvalidArgumentError(path + ": " + std::string(b.status().message()));
  return b;
}

}  // namespace

int BlockCommand(const Args& args) {
  if (args.size() != 1) return Fail("block", "usage: fabric block FILE", 2);
  auto b = LoadBlock(args[0]);
  if (!b.ok()) return Fail("block", std::string(b.status().message()));
  std::printf("%s\n", Summary(**b).dump(2).c_str());
  return 0;
}

int ChainCommand(const Args& args) {
  if (args.size() != 1) return Fail("chain", "usage: fabric chain DIR", 2);
  auto source = ChainSource::Open(args[0]);
  if (!source.ok()) return Fail("chain", std::string(source.status().message()));
  int problems = 0;
  size_t blocks = 0, txs = 0, malformed = 0;
  std::string previous;
  std::optional<uint64_t> expected_number;
  while (true) {
    auto next = (*source)->Next();
    if (!next.ok()) return Fail("chain", std::string(next.status().message()));
    if (!next->has_value()) break;
    auto b = wire::ParsedBlock::Parse(std::move((*next)->bytes));
    if (!b.ok()) return Fail("chain", (*next)->name + ": " + std::string(b.status().message()));
    const wire::ParsedBlock& block = **b;
    auto problem = [&](const std::string& what) {
      std::printf("block %llu: %s\n", static_cast<unsigned long long>(block.number()),
                  what.c_str());
      ++problems;
    };
    // A chain starts at block 0, or (a peer joined from a snapshot) anywhere.
    if (expected_number.has_value() && block.number() != *expected_number) {
      problem(absl::StrFormat("number is not %d", *expected_number));
    }
    if (expected_number.has_value() && block.previous_hash() != previous) {
      problem("previous hash is not the header hash of the block before");
    }
    if (block.data_hash() != block.computed_data_hash()) problem("data hash does not match");
    absl::Status wf = wire::CheckEnvelopesWellFormed(block.block().data());
    if (!wf.ok()) problem("not well formed: " + std::string(wf.message()));
    for (const wire::TxView& tx : block.transactions()) {
      ++txs;
      if (!tx.ok() || !tx.actions_ok()) ++malformed;
    }
    previous = block.header_hash();
    expected_number = block.number() + 1;
    ++blocks;
  }
  std::printf("chain: %zu blocks, %zu transactions (%zu malformed), head %s, %d problem(s)\n",
              blocks, txs, malformed, Hex(previous).c_str(), problems);
  return problems == 0 ? 0 : 1;
}

}  // namespace fabric::tools
