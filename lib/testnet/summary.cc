#include "lib/testnet/summary.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/testnet/asset_transfer.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::testnet {
namespace {

using Problems = std::vector<std::string>;

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

// The header hashes of blocks 0..height-1 of a peer's ledger.
std::vector<std::string> BlockHashes(const ledger::Ledger& l, Problems* problems) {
  std::vector<std::string> out;
  const uint64_t height = l.chain_info().height;
  for (uint64_t n = 0; n < height; ++n) {
    auto bytes = l.blocks().BlockByNumber(n);
    common::Block block;
    if (!bytes.ok() || !block.ParseFromString(*bytes)) {
      problems->push_back(absl::StrCat("block ", n, " cannot be read back"));
      return out;
    }
    out.push_back(wire::BlockHeaderHash(block.header()));
  }
  return out;
}

// The whole namespace `ns` of a peer's state, length-prefixed, for comparison.
std::string StateDump(const ledger::Ledger& l, const std::string& ns, size_t* keys,
                      Problems* problems) {
  auto range = l.state().Range(ns, "", "", 0);
  if (!range.ok()) {
    problems->push_back(absl::StrCat("state of ", ns, ": ", range.status().message()));
    return "";
  }
  *keys = range->kvs.size();
  std::string dump;
  for (const ledger::KeyValue& kv : range->kvs) {
    for (const std::string* s : {&kv.key, &kv.value.value, &kv.value.metadata}) {
      absl::StrAppend(&dump, s->size(), ":", *s);
    }
    absl::StrAppend(&dump, kv.value.version.block, ".", kv.value.version.tx, ";");
  }
  return dump;
}

std::string CodeCounts(const std::map<std::string, size_t>& codes) {
  std::vector<std::string> parts;
  for (const auto& [name, n] : codes) parts.push_back(absl::StrCat(name, " ", n));
  return absl::StrJoin(parts, ", ");
}

// What one peer reports and holds, in comparable form.
struct PeerView {
  std::vector<std::pair<std::string, int>> txs;  // (txid, code) in block order
  size_t blocks = 0;
  std::map<std::string, size_t> events;
  uint64_t height = 0;
  std::vector<std::string> hashes;
  std::string commit_hash;
  std::map<std::string, std::string> state;  // namespace -> dump
  size_t chaincode_keys = 0;
};

PeerView ViewOf(const ChannelPeer& peer, Problems* problems) {
  PeerView v;
  const std::vector<channel::BlockResult> results = peer.results();
  v.blocks = results.size();
  for (const channel::BlockResult& r : results) {
    for (const channel::TxResult& t : r.txs) v.txs.emplace_back(t.txid, t.code);
  }
  v.events = peer.events();
  const ledger::Ledger& l = peer.channel().ledger();
  v.height = l.chain_info().height;
  v.hashes = BlockHashes(l, problems);
  v.commit_hash = l.commit_hash();
  size_t ignored = 0;
  v.state[kChaincode] = StateDump(l, kChaincode, &v.chaincode_keys, problems);
  v.state["_lifecycle"] = StateDump(l, "_lifecycle", &ignored, problems);
  return v;
}

}  // namespace

ChannelCheck CheckChannel(const Channel& channel, const ExpectedOutcome& expected) {
  ChannelCheck c;
  c.channel = channel.id();
  Problems& problems = c.problems;
  if (channel.peers().empty()) {
    problems.push_back("no peers");
    return c;
  }
  std::vector<PeerView> views;
  for (const auto& peer : channel.peers()) {
    c.peers.push_back(peer->peer().name);
    views.push_back(ViewOf(*peer, &problems));
  }
  const PeerView& first = views[0];
  c.height = first.height;
  c.head_hash = first.hashes.empty() ? "" : Hex(first.hashes.back());
  c.commit_hash = Hex(first.commit_hash);
  c.events = first.events;
  c.state_keys = first.chaincode_keys;
  for (const auto& [txid, code] : first.txs) {
    ++c.codes[protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(code))];
  }

  // Every peer holds what the orderer delivered.
  if (first.blocks != channel.blocks().size() || first.height != channel.blocks().size() + 1) {
    problems.push_back(absl::StrCat(c.peers[0], " has ", first.blocks, " results and height ",
                                    first.height, " for ", channel.blocks().size(),
                                    " delivered blocks"));
  } else if (!channel.blocks().empty()) {
    common::Block last;
    if (!last.ParseFromString(channel.blocks().back()) ||
        wire::BlockHeaderHash(last.header()) != first.hashes.back()) {
      problems.push_back("the head is not the orderer's last block");
    }
  }
  // Every peer agrees with the first.
  for (size_t i = 1; i < views.size(); ++i) {
    const PeerView& v = views[i];
    auto differs = [&](const std::string& what) {
      problems.push_back(absl::StrCat(c.peers[i], " differs from ", c.peers[0], ": ", what));
    };
    if (v.blocks != first.blocks || v.txs != first.txs) differs("transaction codes");
    if (v.events != first.events) differs("chaincode events");
    if (v.height != first.height) differs("height");
    if (v.hashes != first.hashes) differs("block hashes");
    if (v.commit_hash != first.commit_hash) differs("commit hash");
    for (const auto& [ns, dump] : first.state) {
      if (v.state.at(ns) != dump) differs("state of " + ns);
    }
  }
  // The workload's expectations.
  std::map<std::string, size_t> want;
  for (const auto& [code, n] : expected.codes) want[protos::TxValidationCode_Name(code)] = n;
  if (c.codes != want) {
    problems.push_back(
        absl::StrCat("codes ", CodeCounts(c.codes), ", expected ", CodeCounts(want)));
  }
  std::map<std::string, size_t> want_events;
  if (expected.transfer_events > 0) want_events[kTransferEvent] = expected.transfer_events;
  if (c.events != want_events) {
    problems.push_back(
        absl::StrCat("events ", CodeCounts(c.events), ", expected ", CodeCounts(want_events)));
  }
  return c;
}

void PrintSummary(const std::vector<ChannelCheck>& channels, const WorkloadReport& report,
                  size_t endorsing_orgs, FILE* out) {
  bool ok = true;
  std::fprintf(out, "\n== summary\n");
  for (const ChannelCheck& c : channels) {
    ok &= c.ok();
    std::fprintf(out, "%s: %zu peers (%s)\n", c.channel.c_str(), c.peers.size(),
                 absl::StrJoin(c.peers, ", ").c_str());
    std::fprintf(out, "  codes:     %s\n", CodeCounts(c.codes).c_str());
    std::fprintf(out, "  events:    %s received by each peer\n", CodeCounts(c.events).c_str());
    std::fprintf(out, "  height %llu, head %s\n", static_cast<unsigned long long>(c.height),
                 c.head_hash.c_str());
    std::fprintf(out, "  commit hash %s\n", c.commit_hash.c_str());
    if (c.ok()) {
      std::fprintf(out,
                   "  identical on every peer: codes, events, height, %llu block hashes, commit "
                   "hash, state of %s (%zu keys) and _lifecycle\n",
                   static_cast<unsigned long long>(c.height), kChaincode, c.state_keys);
    }
    for (const std::string& p : c.problems) std::fprintf(out, "  PROBLEM: %s\n", p.c_str());
  }
  const double tps =
      report.transaction_seconds > 0 ? report.transactions / report.transaction_seconds : 0;
  std::fprintf(out,
               "throughput: %zu transactions in %.2f s = %.0f tx/s, timed from the first "
               "proposal of each phase to its last commit on every peer (client signing, "
               "endorsement by %zu orgs, ordering, block verification, validation and durable "
               "commit on each peer of the channel)\n",
               report.transactions, report.transaction_seconds, tps, endorsing_orgs);
  std::fprintf(out, "queries:    %zu evaluated in %.2f s\n", report.queries, report.query_seconds);
  std::fprintf(out, "result:     %s\n", ok ? "OK" : "FAILED");
}

}  // namespace fabric::testnet
