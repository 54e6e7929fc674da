#include "tools/network/summary.h"

#include <fabric/fabric.h>

#include <fabric/contract.hpp>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/network/asset_transfer.h"
#include "tools/network/c_call.h"

namespace fabric::network {
namespace {

using Problems = std::vector<std::string>;

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

// A block's header hash and commit hash ("" if it has none); false if it does not parse.
bool Hashes(const std::string& block_bytes, std::string* header_hash, std::string* commit_hash) {
  fabric_block* parsed = nullptr;
  if (fabric_block_parse(&parsed, Bytes(block_bytes), block_bytes.size(), nullptr) != FABRIC_OK) {
    return false;
  }
  uint8_t hash[FABRIC_HASH_SIZE];
  fabric_block_header_hash(parsed, hash);
  header_hash->assign(reinterpret_cast<const char*>(hash), FABRIC_HASH_SIZE);
  commit_hash->clear();
  if (fabric_block_commit_hash(hash, parsed) == 1) {
    commit_hash->assign(reinterpret_cast<const char*>(hash), FABRIC_HASH_SIZE);
  }
  fabric_block_free(parsed);
  return true;
}

// The header hashes of blocks 0..height-1 of a peer's ledger, and the commit hash of the
// last one.
std::vector<std::string> BlockHashes(const fabric_ledger* l, uint64_t height,
                                     std::string* commit_hash, Problems* problems) {
  std::vector<std::string> out;
  for (uint64_t n = 0; n < height; ++n) {
    fabric_buf bytes = FABRIC_BUF_INIT;
    std::string header_hash;
    if (fabric_ledger_block_by_number(&bytes, l, n, nullptr) != FABRIC_OK ||
        !Hashes(TakeBuf(&bytes), &header_hash, commit_hash)) {
      problems->push_back(absl::StrCat("block ", n, " cannot be read back"));
      return out;
    }
    out.push_back(std::move(header_hash));
  }
  return out;
}

// The whole namespace `ns` of a peer's state (keys, values, metadata, versions),
// length-prefixed, for comparison.
std::string StateDump(const fabric_ledger* l, const std::string& ns, size_t* keys,
                      Problems* problems) {
  fabric_state_iterator* it = nullptr;
  CCall call;
  absl::Status s = call.Check(
      fabric_state_iterator_new(&it, l, ns.c_str(), nullptr, 0, nullptr, 0, 0, call.err()));
  std::string dump;
  *keys = 0;
  while (s.ok()) {
    const uint8_t *key = nullptr, *value = nullptr;
    size_t key_len = 0, value_len = 0;
    fabric_key_version version = FABRIC_KEY_VERSION_INIT;
    const int rc =
        fabric_state_iterator_next(&key, &key_len, &value, &value_len, &version, it, call.err());
    if (rc == FABRIC_ITEROVER) break;
    s = call.Check(rc);
    if (!s.ok()) break;
    fabric_buf stored = FABRIC_BUF_INIT, metadata = FABRIC_BUF_INIT;
    s = call.Check(fabric_ledger_get_state(&stored, nullptr, &metadata, l, ns.c_str(), key, key_len,
                                           call.err()));
    fabric_buf_dispose(&stored);
    const std::string k(reinterpret_cast<const char*>(key), key_len);
    const std::string v(reinterpret_cast<const char*>(value), value_len);
    const std::string m = TakeBuf(&metadata);
    for (const std::string* part : {&k, &v, &m}) absl::StrAppend(&dump, part->size(), ":", *part);
    absl::StrAppend(&dump, version.block, ".", version.tx, ";");
    ++*keys;
  }
  fabric_state_iterator_free(it);
  if (!s.ok()) problems->push_back(absl::StrCat("state of ", ns, ": ", s.message()));
  return dump;
}

std::string CodeName(int code) {
  const char* name = fabric_tx_code_name(code);
  return name != nullptr ? name : absl::StrCat("code ", code);
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

// The approval of org `mspid` as peer `peer` holds it: whether the private value of its
// metadata key is in that org's implicit collection of `_lifecycle` here.
bool HoldsApproval(const fabric_ledger* l, const std::string& mspid) {
  const std::string key = absl::StrCat("namespaces/metadata/", kChaincode, "#1");
  fabric_buf value = FABRIC_BUF_INIT;
  const int rc = fabric_ledger_get_private_data(&value, nullptr, l, "_lifecycle",
                                                absl::StrCat("_implicit_org_", mspid).c_str(),
                                                Bytes(key), key.size(), nullptr);
  fabric_buf_dispose(&value);
  return rc == FABRIC_OK;
}

PeerView ViewOf(const ChannelPeer& peer, const std::vector<std::string>& channel_mspids,
                Problems* problems) {
  PeerView v;
  const std::vector<BlockOutcome> results = peer.results();
  v.blocks = results.size();
  for (const BlockOutcome& r : results) {
    v.txs.insert(v.txs.end(), r.txs.begin(), r.txs.end());
  }
  v.events = peer.events();
  fabric_ledger* ledger = nullptr;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  CCall call;
  absl::Status s = call.Check(fabric_channel_ledger(&ledger, peer.channel(), call.err()));
  fabric::LedgerPtr owned(ledger);
  if (s.ok()) s = call.Check(fabric_ledger_chain_info(&info, ledger, call.err()));
  if (!s.ok()) {
    problems->push_back(absl::StrCat(peer.peer().name, ": ", s.message()));
    return v;
  }
  v.height = info.height;
  v.hashes = BlockHashes(ledger, info.height, &v.commit_hash, problems);
  size_t ignored = 0;
  v.state[kChaincode] = StateDump(ledger, kChaincode, &v.chaincode_keys, problems);
  v.state["_lifecycle"] = StateDump(ledger, "_lifecycle", &ignored, problems);
  // Private data: each peer keeps its own org's approval, and no other org's.
  for (const std::string& mspid : channel_mspids) {
    if (HoldsApproval(ledger, mspid) != (mspid == peer.peer().mspid)) {
      problems->push_back(absl::StrCat(peer.peer().name, (mspid == peer.peer().mspid)
                                                             ? " lacks its org's approval"
                                                             : " holds the approval of " + mspid));
    }
  }
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
  std::vector<std::string> mspids;
  for (const auto& peer : channel.peers()) mspids.push_back(peer->peer().mspid);
  std::vector<PeerView> views;
  for (const auto& peer : channel.peers()) {
    c.peers.push_back(peer->peer().name);
    views.push_back(ViewOf(*peer, mspids, &problems));
  }
  const PeerView& first = views[0];
  c.height = first.height;
  c.head_hash = first.hashes.empty() ? "" : Hex(first.hashes.back());
  c.commit_hash = Hex(first.commit_hash);
  c.events = first.events;
  c.state_keys = first.chaincode_keys;
  for (const auto& [txid, code] : first.txs) {
    ++c.codes[CodeName(code)];
  }

  // Every peer holds what the orderer delivered.
  if (first.blocks != channel.blocks().size() || first.height != channel.blocks().size() + 1) {
    problems.push_back(absl::StrCat(c.peers[0], " has ", first.blocks, " results and height ",
                                    first.height, " for ", channel.blocks().size(),
                                    " delivered blocks"));
  } else if (!channel.blocks().empty()) {
    std::string last_hash, ignored;
    if (!Hashes(channel.blocks().back(), &last_hash, &ignored) ||
        last_hash != first.hashes.back()) {
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
  for (const auto& [code, n] : expected.codes) want[CodeName(code)] = n;
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
                   "hash, state of %s (%zu keys) and _lifecycle; each peer holds its own "
                   "org's approval (private data), no other\n",
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

}  // namespace fabric::network
