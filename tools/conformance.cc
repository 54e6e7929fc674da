// fabric conformance DIR: runs a vector directory (the layout of the shared vectors'
// README) through the committing pipeline from an empty ledger and compares every
// verdict, code, hash, stored block, state entry and history with Fabric's.
//
// DIR may also be a snapshot set (snapshot/, expected.json, join_result.json): the
// channel is joined from the snapshot, what it holds then is compared with Fabric's
// joined peer, the rest of the source chain (--chain, default ../../<source_chain>) is
// committed and compared as above; then the snapshot is exported again (right after
// the join, and from a ledger that replayed the chain to its height) and compared file
// by file, and tampered copies must be refused.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/message_differencer.h"
#include "lib/base/sha256.h"
#include "lib/channel/channel.h"
#include "lib/ledger/ledger.h"
#include "lib/snapshot/export.h"
#include "lib/snapshot/metadata.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "nlohmann/json.hpp"
#include "tools/commands.h"
#include "tools/pvt_file.h"
#include "tools/scratch_dir.h"

namespace fabric::tools {
namespace {

namespace fs = std::filesystem;
using channel::BlockResult;
using channel::Channel;
using channel::SubmitOptions;
using nlohmann::json;

struct Tally {
  int ok = 0;
  int total = 0;
  void Add(bool match) {
    ++total;
    ok += match ? 1 : 0;
  }
};

std::string Hex(absl::string_view s) { return absl::BytesToHexString(s); }
std::string CodeName(int c) {
  const std::string& n = protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(c));
  return n.empty() ? absl::StrCat(c) : n;
}

absl::StatusOr<json> ReadJson(const std::string& path) {
  auto text = ReadInput(path);
  if (!text.ok()) return text.status();
  json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not JSON"));
  return j;
}

class Conformance {
 public:
  // `chain` names the source chain of a snapshot set ("": its default).
  Conformance(std::string dir, std::string chain) : dir_(std::move(dir)), chain_(std::move(chain)) {}

  int Run() {
    std::error_code ec;
    if (fs::exists(dir_ + "/snapshot/" + snapshot::kSignableMetadataFile, ec)) {
      // A snapshot set: the blocks come from its source chain.
      set_dir_ = dir_;
      auto joined = ReadJson(set_dir_ + "/expected.json");
      if (!joined.ok()) return Fail("conformance", std::string(joined.status().message()));
      snapshot_expected_ = *std::move(joined);
      if (chain_.empty()) {
        chain_ = absl::StrCat(set_dir_, "/../../", snapshot_expected_.value("source_chain", ""));
      }
      dir_ = chain_;
    }
    auto expected = ReadJson(set_dir_.empty() ? dir_ + "/expected.json"
                                              : set_dir_ + "/join_result.json");
    if (!expected.ok()) return Fail("conformance", std::string(expected.status().message()));
    expected_ = *std::move(expected);
    absl::StatusOr<ScratchDir> scratch = ScratchDir::Make("fabric-conformance");
    if (!scratch.ok()) return Fail("conformance", std::string(scratch.status().message()));
    scratch_ = scratch->path();
    try {
      RunChain();
      if (set_dir_.empty()) {
        RunTampered();
        RunCrash();
      } else {
        RunNativeExport();
        RunTamperedSnapshots();
      }
    } catch (const json::exception& e) {
      Mismatch(absl::StrCat("vector files do not have the expected shape: ", e.what()));
    }
    const std::string private_part =
        private_.total > 0
            ? absl::StrFormat(", %d/%d private data entries", private_.ok, private_.total)
            : "";
    const std::string files_part =
        files_.total > 0 ? absl::StrFormat(", %d/%d snapshot files", files_.ok, files_.total)
                         : "";
    std::printf(
        "conformance: %d/%d transactions, %d/%d blocks, %d/%d state entries%s%s, %d/%d "
        "verdicts match\n",
        txs_.ok, txs_.total, blocks_.ok, blocks_.total, state_.ok, state_.total,
        private_part.c_str(), files_part.c_str(), verdicts_.ok, verdicts_.total);
    const bool all = mismatches_ == 0 && txs_.ok == txs_.total && blocks_.ok == blocks_.total &&
                     state_.ok == state_.total && private_.ok == private_.total &&
                     files_.ok == files_.total && verdicts_.ok == verdicts_.total;
    return all ? 0 : 1;
  }

 private:
  void Mismatch(const std::string& what) {
    ++mismatches_;
    std::printf("mismatch: %s\n", what.c_str());
  }

  std::optional<std::string> ReadVector(const std::string& name, bool required = true) {
    auto b = ReadInput(dir_ + "/" + name);
    if (!b.ok()) {
      if (required) Mismatch(absl::StrCat(name, ": ", b.status().message()));
      return std::nullopt;
    }
    return *std::move(b);
  }

  static std::string BlockFile(const json& b) {
    return b.value("file", absl::StrFormat("blocks/%06d.block", b["number"].get<int>()));
  }

  // The vantage peer's org, for a vector set made from one peer's view (private data).
  channel::ChannelOptions Options() const {
    channel::ChannelOptions o;
    if (expected_.contains("vantage_peer")) o.mspid = expected_["vantage_peer"].value("mspid", "");
    o.mspid = expected_.value("vantage_mspid", o.mspid);
    return o;
  }

  // The private data handed over with block `number`, if the vectors have any.
  SubmitOptions WithPvtData(uint64_t number, bool skip_verification) {
    SubmitOptions o;
    o.skip_verification = skip_verification;
    absl::StatusOr<std::optional<ledger::HandedPvtData>> pvt = ReadPvtData(dir_, number);
    if (!pvt.ok()) {
      Mismatch(std::string(pvt.status().message()));
    } else if (pvt->has_value()) {
      o.pvt_data = **pvt;
    }
    return o;
  }

  // A channel joined from the set's snapshot.
  std::unique_ptr<Channel> JoinedChannel(const std::string& name) {
    const std::string dir = scratch_ + "/" + name;
    fs::remove_all(dir);
    auto c = Channel::JoinFromSnapshot(dir, set_dir_ + "/snapshot", Options());
    if (!c.ok()) {
      Mismatch(absl::StrCat("joining from the snapshot: ", c.status().message()));
      return nullptr;
    }
    return *std::move(c);
  }

  std::unique_ptr<Channel> NewChannel(const std::string& name) {
    const std::string dir = scratch_ + "/" + name;
    fs::remove_all(dir);
    auto genesis = ReadVector("genesis.block");
    if (!genesis) return nullptr;
    auto c = Channel::Create(dir, *genesis, Options());
    if (!c.ok()) {
      Mismatch(absl::StrCat("genesis.block: ", c.status().message()));
      return nullptr;
    }
    return *std::move(c);
  }

  // Submits with verification; when `verify_expected` says Fabric's verification
  // rejected the block, checks that ours does too and submits it unverified (as the
  // vectors recorded its codes). Returns nullopt if the block did not commit.
  std::optional<BlockResult> Submit(Channel& c, const std::string& file, bool verify_expected,
                                    const std::string& what) {
    auto bytes = ReadVector(file);
    if (!bytes) return std::nullopt;
    const uint64_t number = c.ledger().chain_info().height;
    absl::StatusOr<BlockResult> r = c.Submit(*bytes, WithPvtData(number, false));
    verdicts_.Add(r.ok() == verify_expected);
    if (r.ok() != verify_expected) {
      Mismatch(absl::StrCat(what, ": verification ", r.ok() ? "accepted" : "rejected",
                            " the block, Fabric ", verify_expected ? "accepted" : "rejected", " it",
                            r.ok() ? "" : absl::StrCat(" (", r.status().message(), ")")));
    }
    if (!r.ok()) r = c.Submit(*bytes, WithPvtData(number, true));
    if (!r.ok()) {
      Mismatch(absl::StrCat(what, ": not committed: ", r.status().message()));
      return std::nullopt;
    }
    return *std::move(r);
  }

  void CompareCodes(const BlockResult& r, const json& txs, const std::string& what) {
    if (r.txs.size() != txs.size()) {
      Mismatch(
          absl::StrFormat("%s: %d transactions, Fabric's has %d", what, r.txs.size(), txs.size()));
    }
    for (const json& t : txs) {
      const size_t i = t["index"].get<size_t>();
      if (i >= r.txs.size()) {
        txs_.Add(false);
        continue;
      }
      const channel::TxResult& got = r.txs[i];
      const std::string want_v = t["validator_code"], want = t["code"];
      const bool match = CodeName(got.validator_code) == want_v && CodeName(got.code) == want &&
                         got.txid == t.value("txid", got.txid);
      txs_.Add(match);
      if (!match) {
        Mismatch(absl::StrFormat("%s tx %d (%s): validator %s, final %s; Fabric %s, %s (%s)", what,
                                 i, t.value("label", ""), CodeName(got.validator_code),
                                 CodeName(got.code), want_v, want, got.reason));
      }
    }
  }

  void CheckStored(const ledger::Ledger& l, uint64_t number) {
    auto want = ReadVector(absl::StrFormat("committed/%06d.block", number), false);
    if (!want) return;
    auto got = l.blocks().BlockByNumber(number);
    const bool match = got.ok() && *got == *want;
    blocks_.Add(match);
    if (!match) {
      Mismatch(absl::StrFormat("block %d: stored bytes differ from committed/%06d.block%s", number,
                               number, got.ok() ? "" : absl::StrCat(": ", got.status().message())));
    }
  }

  void RunChain() {
    std::unique_ptr<Channel> c = set_dir_.empty() ? NewChannel("chain") : JoinedChannel("chain");
    if (c == nullptr) return;
    if (set_dir_.empty()) {
      const json& g = expected_["genesis"];
      const ledger::ChainInfo info0 = c->ledger().chain_info();
      const bool genesis_ok = Hex(info0.current_hash) == g.value("header_hash", "");
      blocks_.Add(genesis_ok);
      if (!genesis_ok) Mismatch("genesis block: header hash differs");
      CheckStored(c->ledger(), 0);
    } else {
      CheckJoined(c->ledger());
      CheckExport(c->ledger(), "right after the join");
    }
    const bool stop_at_rejected = expected_.value("on_rejected_block", "") == "stop";

    for (const json& b : expected_["blocks"]) {
      const int number = b["number"];
      const std::string what = absl::StrCat("block ", number);
      auto bytes = ReadVector(BlockFile(b));
      if (!bytes) continue;
      auto parsed = wire::ParsedBlock::Parse(*bytes);
      if (parsed.ok()) {
        const wire::ParsedBlock& p = **parsed;
        auto last_config = p.LastConfigIndex();
        const bool match = Hex(p.header_hash()) == b["header_hash"] &&
                           Hex(p.previous_hash()) == b["previous_hash"] &&
                           Hex(p.data_hash()) == b["data_hash"] &&
                           p.IsConfigBlock() == b["is_config"].get<bool>() &&
                           (!b.contains("last_config") ||
                            (last_config.ok() && *last_config == b["last_config"].get<uint64_t>()));
        blocks_.Add(match);
        if (!match) Mismatch(what + ": header hash, previous/data hash or config index differ");
      } else {
        blocks_.Add(false);
        Mismatch(absl::StrCat(what, ": ", parsed.status().message()));
      }
      if (stop_at_rejected && !b.value("committed", true)) {
        // Fabric's joined peer stopped here: verification must refuse the block too.
        auto refused = ReadVector(BlockFile(b));
        if (!refused) break;
        absl::StatusOr<BlockResult> r = c->Submit(*refused);
        verdicts_.Add(!r.ok());
        if (r.ok()) Mismatch(what + ": verification accepted the block, Fabric refused it");
        break;
      }
      std::optional<BlockResult> r =
          Submit(*c, BlockFile(b), b["mcs_verify_block"]["accepted"].get<bool>(), what);
      if (!r) continue;
      CompareCodes(*r, b["txs"], what);
      if (b.contains("commit_hash")) {
        const bool match = Hex(c->ledger().commit_hash()) == b["commit_hash"];
        blocks_.Add(match);
        if (!match) Mismatch(what + ": commit hash differs");
      }
      CheckStored(c->ledger(), number);
      CheckPvtCommit(c->ledger(), number);
      CheckKeyTimeline(c->ledger(), number);
    }
    const ledger::ChainInfo info = c->ledger().chain_info();
    if (info.height != expected_.value("ledger_height", info.height) ||
        Hex(info.current_hash) != expected_.value("ledger_current_block_hash", "")) {
      Mismatch(absl::StrFormat("ledger: height %d, current hash %s; Fabric's %d, %s", info.height,
                               Hex(info.current_hash), expected_.value("ledger_height", 0),
                               expected_.value("ledger_current_block_hash", "")));
    }
    CheckState(c->ledger());
    CheckHistory(c->ledger());
    CheckPrivateState(c->ledger());
    CheckHashedState(c->ledger());
    CheckMissingTracker(c->ledger());
  }

  static std::string KeyOf(const json& e) {
    return e.contains("key_hex") ? absl::HexStringToBytes(e["key_hex"].get<std::string>())
                                 : e["key"].get<std::string>();
  }
  // A version Fabric's record leaves out (null) is not compared.
  static bool SameVersion(const ledger::Version& v, const json& want) {
    if (want.is_null()) return true;
    return v.block == want[0].get<uint64_t>() && v.tx == want[1].get<uint64_t>();
  }

  // What the ledger stored and recorded as missing for block `number` (pvt_commit).
  void CheckPvtCommit(const ledger::Ledger& l, uint64_t number) {
    for (const json& b : expected_.value("pvt_commit", json::array())) {
      if (b["block"].get<uint64_t>() != number) continue;
      auto record = l.PvtRecord(number);
      if (!record.ok()) {
        private_.Add(false);
        Mismatch(absl::StrCat("block ", number, ": ", record.status().message()));
        return;
      }
      const ledger::BlockPvtRecord r = record->value_or(ledger::BlockPvtRecord());
      std::set<std::string> want_stored, got_stored, want_missing, got_missing;
      auto slot = [](uint64_t tx, const std::string& ns, const std::string& coll) {
        return absl::StrCat("tx ", tx, " ", ns, "/", coll);
      };
      for (const json& e : b["pvt_committed"]) {
        want_stored.insert(slot(e["tx"], e["namespace"], e["collection"]));
      }
      for (const json& e : b["missing_pvt_data"]) {
        want_missing.insert(absl::StrCat(slot(e["tx"], e["namespace"], e["collection"]),
                                         e["eligible"].get<bool>() ? " eligible" : ""));
      }
      for (const auto& [s, rwset] : r.stored) got_stored.insert(slot(s.tx, s.ns, s.coll));
      for (const auto& [s, eligible] : r.missing) {
        got_missing.insert(absl::StrCat(slot(s.tx, s.ns, s.coll), eligible ? " eligible" : ""));
      }
      const bool match = want_stored == got_stored && want_missing == got_missing;
      private_.Add(match);
      if (!match) {
        Mismatch(absl::StrCat("block ", number, ": private data stored {",
                              absl::StrJoin(got_stored, ", "), "} missing {",
                              absl::StrJoin(got_missing, ", "), "}; Fabric stored {",
                              absl::StrJoin(want_stored, ", "), "} missing {",
                              absl::StrJoin(want_missing, ", "), "}"));
      }
    }
  }

  // Whether each listed key's private value and hash exist after block `number`
  // (pvt_key_timeline, purge_results).
  void CheckKeyTimeline(const ledger::Ledger& l, uint64_t number) {
    for (const char* list : {"pvt_key_timeline", "purge_results"}) {
      for (const json& e : expected_.value(list, json::array())) {
        if (e["after_block"].get<uint64_t>() != number) continue;
        const std::string ns = e["namespace"], coll = e["collection"], key = e["key"];
        auto value = l.state().GetPrivate(ns, coll, key);
        auto hash = l.state().GetHashed(ns, coll, Sha256(key));
        const bool match = value.ok() && hash.ok() &&
                           value->has_value() == e["private_value_present"].get<bool>() &&
                           hash->has_value() == e["hash_present"].get<bool>();
        private_.Add(match);
        if (!match) {
          Mismatch(absl::StrFormat(
              "after block %d: %s/%s/%s: private value %s, hash %s; Fabric: %s, %s", number, ns,
              coll, key, value.ok() && value->has_value() ? "present" : "absent",
              hash.ok() && hash->has_value() ? "present" : "absent",
              e["private_value_present"].get<bool>() ? "present" : "absent",
              e["hash_present"].get<bool>() ? "present" : "absent"));
        }
      }
    }
  }

  // The (namespace, collection) pairs the vectors list, beside those with entries.
  std::set<std::pair<std::string, std::string>> KnownCollections() const {
    std::set<std::pair<std::string, std::string>> out;
    const json known = expected_.value("collections_known", json::object());
    for (const auto& [ns, colls] : known.items()) {
      for (const json& coll : colls) out.insert({ns, coll.get<std::string>()});
    }
    return out;
  }

  // Every key of `range` is one of `want`: no private value or hash Fabric lacks.
  void ExpectNoOtherKeys(const absl::StatusOr<ledger::RangeResult>& range,
                         const std::set<std::string>& want, const std::string& what) {
    if (!range.ok()) {
      private_.Add(false);
      Mismatch(absl::StrCat(what, ": ", range.status().message()));
      return;
    }
    for (const auto& kv : range->kvs) {
      if (want.count(kv.key) > 0) continue;
      private_.Add(false);
      Mismatch(absl::StrCat(what, "/", Hex(kv.key), ": present, Fabric has no such key"));
    }
  }

  void CheckPrivateState(const ledger::Ledger& l) {
    if (!expected_.contains("final_private_state")) return;
    std::set<std::pair<std::string, std::string>> collections = KnownCollections();
    for (const auto& [ns, colls] : expected_["final_private_state"].items()) {
      for (const auto& [coll, entries] : colls.items()) {
        collections.insert({ns, coll});
        for (const json& e : entries) {
          const std::string key = KeyOf(e);
          const std::string where =
              absl::StrCat("private state ", ns, "/", coll, "/", absl::CHexEscape(key));
          auto v = l.state().GetPrivate(ns, coll, key);
          std::string value;
          absl::Base64Unescape(e["value_b64"].get<std::string>(), &value);
          const bool match = v.ok() && v->has_value() && (*v)->value == value &&
                             SameVersion((*v)->version, e["version"]);
          private_.Add(match);
          if (!match) {
            Mismatch(where + (v.ok() && v->has_value() ? ": value or version differ" : ": absent"));
          }
        }
      }
    }
    // No private value Fabric does not have.
    for (const auto& [ns, coll] : collections) {
      std::set<std::string> want;
      if (expected_["final_private_state"].contains(ns) &&
          expected_["final_private_state"][ns].contains(coll)) {
        for (const json& e : expected_["final_private_state"][ns][coll]) want.insert(KeyOf(e));
      }
      ExpectNoOtherKeys(l.state().RangePrivate(ns, coll, "", "", 0), want,
                        absl::StrCat("private state ", ns, "/", coll));
    }
  }

  void CheckHashedState(const ledger::Ledger& l) {
    if (!expected_.contains("final_hashed_state")) return;
    std::set<std::pair<std::string, std::string>> collections = KnownCollections();
    for (const auto& [ns, colls] : expected_["final_hashed_state"].items()) {
      for (const auto& [coll, entries] : colls.items()) {
        collections.insert({ns, coll});
        for (const json& e : entries) {
          const std::string key_hash = absl::HexStringToBytes(e["key_hash_hex"].get<std::string>());
          const std::string where =
              absl::StrCat("hashed state ", ns, "/", coll, "/", e.value("key", Hex(key_hash)));
          auto v = l.state().GetHashed(ns, coll, key_hash);
          std::map<std::string, std::string> want_meta, got_meta;
          const json metadata = e.value("metadata_b64", json::object());
          for (const auto& [name, b64] : metadata.items()) {
            absl::Base64Unescape(b64.get<std::string>(), &want_meta[name]);
          }
          kvrwset::KVMetadataWrite meta;
          if (v.ok() && v->has_value() && meta.ParseFromString((*v)->metadata)) {
            for (const auto& m : meta.entries()) got_meta[m.name()] = m.value();
          }
          const bool match = v.ok() && v->has_value() &&
                             Hex((*v)->value) == e["value_hash_hex"].get<std::string>() &&
                             SameVersion((*v)->version, e["version"]) && got_meta == want_meta;
          private_.Add(match);
          if (!match) {
            Mismatch(where + (v.ok() && v->has_value() ? ": value hash, version or metadata differ"
                                                       : ": absent"));
          }
        }
      }
    }
    for (const auto& [ns, coll] : collections) {
      std::set<std::string> want;
      if (expected_["final_hashed_state"].contains(ns) &&
          expected_["final_hashed_state"][ns].contains(coll)) {
        for (const json& e : expected_["final_hashed_state"][ns][coll]) {
          want.insert(absl::HexStringToBytes(e["key_hash_hex"].get<std::string>()));
        }
      }
      ExpectNoOtherKeys(l.state().RangeHashed(ns, coll, "", "", 0), want,
                        absl::StrCat("hashed state ", ns, "/", coll));
    }
  }

  // The eligible missing data the ledger records, by block (missing_pvt_data_tracker).
  void CheckMissingTracker(const ledger::Ledger& l) {
    if (!expected_.contains("missing_pvt_data_tracker")) return;
    std::set<std::string> want, got;
    for (const auto& [block, entries] : expected_["missing_pvt_data_tracker"].items()) {
      for (const json& e : entries) {
        if (!e.value("eligible", true)) continue;
        want.insert(absl::StrCat("block ", block, " tx ", e["tx"].get<uint64_t>(), " ",
                                 e["namespace"].get<std::string>(), "/",
                                 e["collection"].get<std::string>()));
      }
    }
    const uint64_t height = l.chain_info().height;
    for (uint64_t n = 1; n < height; ++n) {
      auto record = l.PvtRecord(n);
      if (!record.ok() || !record->has_value()) continue;
      for (const auto& [s, eligible] : (*record)->missing) {
        if (eligible) got.insert(absl::StrCat("block ", n, " tx ", s.tx, " ", s.ns, "/", s.coll));
      }
    }
    const bool match = want == got;
    private_.Add(match);
    if (!match) {
      Mismatch(absl::StrCat("missing private data: {", absl::StrJoin(got, ", "), "}; Fabric: {",
                            absl::StrJoin(want, ", "), "}"));
    }
  }

  // Fabric's peer re-marshals the config envelope with Go's random map order, so the
  // config entry is compared as a message.
  static bool SameValue(const std::string& ns, const std::string& got, const std::string& want) {
    if (!ns.empty() || got == want) return got == want;
    common::ConfigEnvelope a, b;
    return a.ParseFromString(got) && b.ParseFromString(want) &&
           google::protobuf::util::MessageDifferencer::Equals(a, b);
  }

  void CheckState(const ledger::Ledger& l) {
    if (!expected_.contains("final_state")) return;  // left out of a big set
    std::set<std::string> namespaces;
    for (const auto& ns : expected_.value("final_state_namespaces", json::array())) {
      namespaces.insert(ns.get<std::string>());
    }
    for (const auto& [ns, entries] : expected_["final_state"].items()) {
      namespaces.insert(ns);
      for (const json& e : entries) {
        const std::string key = e.contains("key_hex")
                                    ? absl::HexStringToBytes(e["key_hex"].get<std::string>())
                                    : e["key"].get<std::string>();
        const std::string where = absl::StrCat("state ", ns, "/", absl::CHexEscape(key));
        auto v = l.state().Get(ns, key);
        if (!v.ok() || !v->has_value()) {
          state_.Add(false);
          Mismatch(where + ": absent");
          continue;
        }
        std::string value;
        absl::Base64Unescape(e["value_b64"].get<std::string>(), &value);
        std::map<std::string, std::string> want_meta, got_meta;
        const json metadata = e.value("metadata_b64", json::object());
        for (const auto& [name, b64] : metadata.items()) {
          absl::Base64Unescape(b64.get<std::string>(), &want_meta[name]);
        }
        kvrwset::KVMetadataWrite meta;
        if (meta.ParseFromString((*v)->metadata)) {
          for (const auto& m : meta.entries()) got_meta[m.name()] = m.value();
        }
        const bool match = SameValue(ns, (*v)->value, value) &&
                           (*v)->version.block == e["version"][0].get<uint64_t>() &&
                           (*v)->version.tx == e["version"][1].get<uint64_t>() &&
                           got_meta == want_meta;
        state_.Add(match);
        if (!match) {
          Mismatch(absl::StrFormat("%s: value, version [%d,%d] or metadata differ", where,
                                   (*v)->version.block, (*v)->version.tx));
        }
      }
    }
    // No key Fabric does not have.
    for (const std::string& ns : namespaces) {
      std::set<std::string> want;
      if (expected_["final_state"].contains(ns)) {
        for (const json& e : expected_["final_state"][ns]) {
          want.insert(e.contains("key_hex")
                          ? absl::HexStringToBytes(e["key_hex"].get<std::string>())
                          : e["key"].get<std::string>());
        }
      }
      auto range = l.state().Range(ns, "", "", 0);
      if (!range.ok()) {
        Mismatch(absl::StrCat("state ", ns, ": ", range.status().message()));
        continue;
      }
      for (const auto& kv : range->kvs) {
        if (want.count(kv.key) == 0) {
          state_.Add(false);
          Mismatch(absl::StrCat("state ", ns, "/", absl::CHexEscape(kv.key),
                                ": present, Fabric has no such key"));
        }
      }
    }
  }

  void CheckHistory(const ledger::Ledger& l) {
    for (const json& h : expected_.value("history", json::array())) {
      const std::string ns = h["namespace"];
      const std::string key = absl::HexStringToBytes(h["key_hex"].get<std::string>());
      auto got = l.history().Get(ns, key);
      const json& want = h["history_newest_first"];
      bool match = got.ok() && got->size() == want.size();
      for (size_t i = 0; match && i < want.size(); ++i) {
        const ledger::KeyModification& m = (*got)[i].modification;
        std::string value;
        absl::Base64Unescape(want[i]["value_b64"].get<std::string>(), &value);
        match = m.txid == want[i]["txid"] && m.is_delete == want[i]["is_delete"].get<bool>() &&
                m.value == value &&
                m.timestamp_seconds == want[i]["timestamp_seconds"].get<int64_t>() &&
                m.timestamp_nanos == want[i]["timestamp_nanos"].get<int32_t>();
      }
      state_.Add(match);
      if (!match) Mismatch(absl::StrCat("history ", ns, "/", absl::CHexEscape(key), " differs"));
    }
  }

  // Replays blocks/ 1..`through` into a new channel.
  std::unique_ptr<Channel> ChannelThrough(const std::string& name, uint64_t through) {
    std::unique_ptr<Channel> c = NewChannel(name);
    if (c == nullptr) return nullptr;
    for (const json& b : expected_["blocks"]) {
      if (b["number"].get<uint64_t>() > through) break;
      auto bytes = ReadVector(BlockFile(b));
      if (!bytes) return nullptr;
      absl::StatusOr<BlockResult> r = c->Submit(
          *bytes,
          WithPvtData(b["number"].get<uint64_t>(), !b["mcs_verify_block"]["accepted"].get<bool>()));
      if (!r.ok()) {
        Mismatch(absl::StrCat(name, ": replaying block ", b["number"].get<int>(), ": ",
                              r.status().message()));
        return nullptr;
      }
    }
    return c;
  }

  void RunTampered() {
    auto text = ReadVector("block_verification.json", false);
    if (!text) return;
    const json cases = json::parse(*text);
    for (const json& t : cases["results"]) {
      const std::string what = absl::StrCat("tampered ", t["name"].get<std::string>());
      std::unique_ptr<Channel> c = ChannelThrough("tampered", t["base_block"].get<uint64_t>() - 1);
      if (c == nullptr) continue;
      auto bytes = ReadVector(t["file"]);
      if (!bytes) continue;
      const uint64_t height = c->ledger().chain_info().height;
      absl::StatusOr<BlockResult> r = c->Submit(*bytes);
      // We also check the number and previous hash on arrival, which Fabric's block
      // store checks at commit: a block either refuses is not committed.
      const bool fabric_commits = t["mcs_verify_block"]["accepted"].get<bool>() &&
                                  t.value("commit_error", "").empty() &&
                                  t.value("committed", false);
      verdicts_.Add(r.ok() == fabric_commits);
      if (r.ok() != fabric_commits) {
        Mismatch(absl::StrCat(what, ": we ", r.ok() ? "committed" : "rejected", " it, Fabric ",
                              fabric_commits ? "committed" : "did not",
                              r.ok() ? "" : absl::StrCat(" (", r.status().message(), ")")));
      }
      if (!r.ok()) {
        if (c->ledger().chain_info().height != height)
          Mismatch(what + ": rejected, yet it changed the ledger");
        continue;
      }
      json txs = json::array();
      int i = 0;
      for (const json& code : t.value("codes_if_committed", json::array())) {
        txs.push_back(
            {{"index", i},
             {"validator_code",
              r->txs.size() > static_cast<size_t>(i) ? CodeName(r->txs[i].validator_code) : ""},
             {"code", code}});
        ++i;
      }
      CompareCodes(*r, txs, what);
    }
  }

  void RunCrash() {
    auto text = ReadVector("crash/crash.json", false);
    if (!text) return;
    const json cases = json::parse(*text);
    static const std::regex kVerified("mcs_verify_err=([^;]*?)\\s*(;|$)");
    static const std::regex kCodes("VALIDATED .*? codes=\\[([A-Z_ ]*)\\]");
    for (const json& t : cases["results"]) {
      const std::string file = t["file"];
      const std::string what = "crash " + file;
      const uint64_t after = t["applies_after_block"].get<uint64_t>();
      std::unique_ptr<Channel> c = ChannelThrough("crash", after);
      if (c == nullptr) continue;
      const std::string outcome = t.value("outcome", "");
      std::smatch m;
      const bool fabric_verified =
          std::regex_search(outcome, m, kVerified) && m[1].str() == "<nil>";
      std::optional<BlockResult> r = Submit(*c, file, fabric_verified, what);
      if (!r) continue;
      bool coded = r->txs.size() > 0;
      if (std::regex_search(outcome, m, kCodes)) {
        std::vector<std::string> want = absl::StrSplit(m[1].str(), ' ');
        json txs = json::array();
        for (size_t i = 0; i < want.size(); ++i) {
          txs.push_back({{"index", i},
                         {"validator_code", want[i]},
                         {"code", i < r->txs.size() ? CodeName(r->txs[i].code) : ""}});
        }
        CompareCodes(*r, txs, what);
      }
      // Nothing lost: the block is stored and survives a reopen.
      c.reset();
      auto reopened = Channel::Open(scratch_ + "/crash", Options());
      if (!reopened.ok() || (*reopened)->ledger().chain_info().height != after + 2 || !coded) {
        Mismatch(what + ": the committed block is not all there after a reopen");
      }
    }
  }

  // What a peer joined from the snapshot holds, before any block.
  void CheckJoined(const ledger::Ledger& l) {
    const json& want = snapshot_expected_["joined_peer"];
    const ledger::ChainInfo info = l.chain_info();
    const bool match =
        info.height == want["ledger_height"].get<uint64_t>() &&
        Hex(info.current_hash) == want["ledger_current_block_hash"] &&
        Hex(info.previous_hash) == want["previous_block_hash"] && l.origin().has_value() &&
        l.origin()->last_block ==
            want["bootstrapping_snapshot_info"]["lastBlockInSnapshot"].get<uint64_t>();
    blocks_.Add(match);
    if (!match) {
      Mismatch(absl::StrFormat("joined: height %d, current hash %s, previous %s differ from "
                               "Fabric's joined peer",
                               info.height, Hex(info.current_hash), Hex(info.previous_hash)));
    }
    for (const auto& [ns, keys] : want["state_samples_b64"].items()) {
      for (const auto& [key, b64] : keys.items()) {
        std::string value;
        absl::Base64Unescape(b64.get<std::string>(), &value);
        auto v = l.state().Get(ns, key);
        // Fabric's GetState gives no bytes for an absent key: "" is absent or empty.
        const bool same = v.ok() && (v->has_value() ? SameValue(ns, (*v)->value, value)
                                                    : value.empty());
        state_.Add(same);
        if (!same) Mismatch(absl::StrCat("joined: state ", ns, "/", absl::CHexEscape(key), " differs"));
      }
    }
  }

  // Exports a snapshot of `l` (at its height) and compares it, file by file, with the
  // set's.
  void CheckExport(const ledger::Ledger& l, const std::string& what) {
    const std::string out = absl::StrCat(scratch_, "/export-", exports_++);
    auto view = l.View();
    auto m = view.ok() ? snapshot::ExportSnapshot(**view, out)
                       : absl::StatusOr<snapshot::SnapshotMetadata>(view.status());
    if (!m.ok()) {
      files_.Add(false);
      Mismatch(absl::StrCat("export ", what, ": ", m.status().message()));
      return;
    }
    std::set<std::string> want, got;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(set_dir_ + "/snapshot", ec)) {
      want.insert(e.path().filename().string());
    }
    for (const auto& e : fs::directory_iterator(out, ec)) got.insert(e.path().filename().string());
    for (const std::string& name : want) {
      auto a = ReadInput(set_dir_ + "/snapshot/" + name);
      auto b = ReadInput(out + "/" + name);
      const bool same = a.ok() && b.ok() && *a == *b;
      files_.Add(same);
      if (!same) Mismatch(absl::StrCat("export ", what, ": ", name, " differs from Fabric's"));
    }
    for (const std::string& name : got) {
      if (want.count(name) == 0) {
        files_.Add(false);
        Mismatch(absl::StrCat("export ", what, ": ", name, " written, Fabric has no such file"));
      }
    }
  }

  // The snapshot exported from a ledger that committed the source chain up to the
  // snapshot's last block (verified, or as Fabric committed a refused block anyway).
  void RunNativeExport() {
    const uint64_t last = snapshot_expected_["last_block_in_snapshot"].get<uint64_t>();
    std::unique_ptr<Channel> c = NewChannel("native");
    if (c == nullptr) return;
    for (uint64_t n = 1; n <= last; ++n) {
      auto bytes = ReadVector(absl::StrFormat("blocks/%06d.block", n));
      if (!bytes) return;
      absl::StatusOr<BlockResult> r = c->Submit(*bytes, WithPvtData(n, false));
      if (!r.ok()) r = c->Submit(*bytes, WithPvtData(n, true));
      if (!r.ok()) {
        Mismatch(absl::StrCat("replaying block ", n, ": ", r.status().message()));
        return;
      }
    }
    CheckExport(c->ledger(), "of the replayed chain");
  }

  // Copies of the snapshot with one file changed must be refused before anything is
  // imported.
  void RunTamperedSnapshots() {
    auto m = snapshot::VerifySnapshot(set_dir_ + "/snapshot");
    if (!m.ok()) {
      verdicts_.Add(false);
      Mismatch(absl::StrCat("the snapshot does not verify: ", m.status().message()));
      return;
    }
    std::vector<std::string> targets = {snapshot::kSignableMetadataFile};
    for (const auto& [name, hash] : m->file_hashes) targets.push_back(name);
    for (const std::string& name : targets) {
      const std::string copy = scratch_ + "/tampered-snapshot";
      std::error_code ec;
      fs::remove_all(copy, ec);
      fs::create_directories(copy, ec);
      for (const auto& e : fs::directory_iterator(set_dir_ + "/snapshot", ec)) {
        auto bytes = ReadInput(e.path().string());
        if (!bytes.ok()) continue;
        if (e.path().filename() == name && !bytes->empty()) (*bytes)[bytes->size() / 2] ^= 0x01;
        std::FILE* f = std::fopen((copy + "/" + e.path().filename().string()).c_str(), "wb");
        if (f == nullptr) continue;
        std::fwrite(bytes->data(), 1, bytes->size(), f);
        std::fclose(f);
      }
      const std::string dir = scratch_ + "/tampered-ledger";
      fs::remove_all(dir, ec);
      auto c = Channel::JoinFromSnapshot(dir, copy, Options());
      const bool refused = !c.ok() && absl::StrContains(c.status().message(), name) &&
                           !ledger::Ledger::Open(dir, {}).ok();
      verdicts_.Add(refused);
      if (!refused) {
        Mismatch(absl::StrCat("a snapshot with ", name, " changed was ",
                              c.ok() ? "joined" : absl::StrCat("refused: ", c.status().message())));
      }
    }
  }

  std::string dir_;
  std::string chain_;
  std::string set_dir_;  // a snapshot set's directory; "" for a chain
  std::string scratch_;
  json expected_;
  json snapshot_expected_;
  int exports_ = 0;
  Tally txs_, blocks_, state_, private_, verdicts_, files_;
  int mismatches_ = 0;
};

}  // namespace

int ConformanceCommand(const Args& args) {
  ParsedArgs p = ParseArgs(args, {"--chain"});
  if (!p.error.empty()) return Fail("conformance", p.error, 2);
  if (p.positional.size() != 1) {
    return Fail("conformance",
                "usage: fabric conformance DIR [--chain CHAIN]\n"
                "DIR: a vector chain, or a snapshot set (snapshot/, expected.json,\n"
                "join_result.json) whose source chain is CHAIN (default DIR/../../<source_chain>)",
                2);
  }
  return Conformance(p.positional[0], p.has("--chain") ? p.get("--chain") : "").Run();
}

}  // namespace fabric::tools
