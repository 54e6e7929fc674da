// fabric ledger info|block|tx|state|range|history|private|private-hash|private-range|
//               private-data|import --ledger PATH ...
// PATH is a ledger directory, or a ledger manager root (with --channel when it holds
// several). Output is JSON.
#include <cstdio>
#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "lib/base/sha256.h"
#include "lib/inspect/json.h"
#include "lib/ledger/ledger_manager.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/transaction.pb.h"
#include "nlohmann/json.hpp"
#include "tools/chain_source.h"
#include "tools/commands.h"

namespace fabric::tools {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr char kUsage[] =
    "usage: fabric ledger info --ledger PATH [--channel ID]\n"
    "       fabric ledger block (NUMBER | --hash HEX | --txid TXID) --ledger PATH\n"
    "       fabric ledger tx TXID --ledger PATH\n"
    "       fabric ledger state NAMESPACE (KEY | --key-hex HEX) --ledger PATH\n"
    "       fabric ledger range NAMESPACE [START [END]] [--limit N] --ledger PATH\n"
    "       fabric ledger history NAMESPACE (KEY | --key-hex HEX) --ledger PATH\n"
    "       fabric ledger private NAMESPACE COLLECTION (KEY | --key-hex HEX) --ledger PATH\n"
    "       fabric ledger private-hash NAMESPACE COLLECTION (KEY | --key-hex HEX) --ledger PATH\n"
    "       fabric ledger private-range NAMESPACE COLLECTION [START [END]] [--limit N]\n"
    "                                   --ledger PATH\n"
    "       fabric ledger private-hashes NAMESPACE COLLECTION [--limit N] --ledger PATH\n"
    "       fabric ledger private-data [FIRST [LAST]] --ledger PATH   (stored and missing\n"
    "                                   private data, by block)\n"
    "       fabric ledger import DIR --ledger PATH   (DIR: stored blocks 000000.block ...,\n"
    "                                                each with its final TRANSACTIONS_FILTER,\n"
    "                                                or a Fabric peer's block files)\n"
    "PATH is a ledger directory, or a root of many (then --channel picks one).";

std::string Hex(absl::string_view s) { return absl::BytesToHexString(s); }

// Text when it is printable UTF-8-ish ASCII, else base64 under "<name>_b64".
void PutBytes(ordered_json* j, const std::string& name, const std::string& bytes) {
  bool printable = true;
  for (unsigned char c : bytes) printable &= (c >= 0x20 && c < 0x7f);
  if (printable) {
    (*j)[name] = bytes;
  } else {
    (*j)[name + "_b64"] = absl::Base64Escape(bytes);
  }
}

absl::StatusOr<std::shared_ptr<ledger::Ledger>> OpenLedger(const ParsedArgs& a) {
  if (!a.has("--ledger")) return absl::InvalidArgumentError("--ledger PATH is required");
  const std::string path = a.get("--ledger");
  if (fs::exists(fs::path(path) / "index")) {
    auto l = ledger::Ledger::Open(path, {});
    if (!l.ok()) return l.status();
    return std::shared_ptr<ledger::Ledger>(*std::move(l));
  }
  if (!fs::is_directory(fs::path(path) / "ledgers")) {
    return absl::NotFoundError("no ledger at " + path);
  }
  auto m = ledger::LedgerManager::Open(path, {});
  if (!m.ok()) return m.status();
  std::vector<std::string> ids = (*m)->List();
  std::string id = a.has("--channel") ? a.get("--channel") : "";
  if (id.empty()) {
    if (ids.size() != 1) {
      return absl::InvalidArgumentError(path + " holds " + std::to_string(ids.size()) +
                                        " ledgers: name one with --channel");
    }
    id = ids[0];
  }
  return (*m)->Get(id);
}

absl::StatusOr<std::string> KeyArg(const ParsedArgs& a, size_t index) {
  if (a.has("--key-hex")) return absl::HexStringToBytes(a.get("--key-hex"));
  if (a.positional.size() <= index) return absl::InvalidArgumentError("a key is required");
  return a.positional[index];
}

int Print(const ordered_json& j) {
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

int Info(const ledger::Ledger& l) {
  const ledger::ChainInfo info = l.chain_info();
  ordered_json j;
  j["channel"] = l.channel_id();
  j["height"] = info.height;
  j["current_hash"] = Hex(info.current_hash);
  j["previous_hash"] = Hex(info.previous_hash);
  j["commit_hash"] = Hex(l.commit_hash());
  if (l.origin().has_value()) {
    // Fabric's bootstrapping snapshot info.
    j["joined_from_snapshot"] = {{"last_block_in_snapshot", l.origin()->last_block},
                                 {"last_block_hash", Hex(l.origin()->last_block_hash)},
                                 {"commit_hash", Hex(l.origin()->commit_hash)}};
  }
  return Print(j);
}

int Block(const ledger::Ledger& l, const ParsedArgs& a) {
  absl::StatusOr<std::string> bytes;
  uint64_t n = 0;
  if (a.has("--hash")) {
    bytes = l.blocks().BlockByHash(absl::HexStringToBytes(a.get("--hash")));
  } else if (a.has("--txid")) {
    bytes = l.blocks().BlockByTxId(a.get("--txid"));
  } else if (a.positional.size() == 2 && absl::SimpleAtoi(a.positional[1], &n)) {
    bytes = l.blocks().BlockByNumber(n);
  } else {
    return Fail("ledger", kUsage, 2);
  }
  if (!bytes.ok()) return Fail("ledger", std::string(bytes.status().message()));
  auto json = inspect::InspectBytes(*bytes, "common.Block");
  if (!json.ok()) return Fail("ledger", std::string(json.status().message()));
  std::printf("%s\n", json->c_str());
  return 0;
}

int Tx(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() != 2) return Fail("ledger", kUsage, 2);
  auto locs = l.blocks().TxLocations(a.positional[1]);
  if (!locs.ok()) return Fail("ledger", std::string(locs.status().message()));
  if (locs->empty()) return Fail("ledger", "no transaction " + a.positional[1]);
  ordered_json j;
  j["txid"] = a.positional[1];
  j["occurrences"] = ordered_json::array();
  for (const ledger::TxLocation& loc : *locs) {
    ordered_json o;
    o["block"] = loc.block;
    o["tx"] = loc.tx;
    o["validation_code"] =
        protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(loc.validation_code));
    o["validation_code_num"] = loc.validation_code;
    j["occurrences"].push_back(o);
  }
  return Print(j);
}

ordered_json ValueJson(const std::string& key, const ledger::VersionedValue& v) {
  ordered_json j;
  PutBytes(&j, "key", key);
  PutBytes(&j, "value", v.value);
  j["version"] = {v.version.block, v.version.tx};
  kvrwset::KVMetadataWrite meta;
  if (!v.metadata.empty() && meta.ParseFromString(v.metadata)) {
    for (const auto& e : meta.entries())
      j["metadata_b64"][e.name()] = absl::Base64Escape(e.value());
  }
  return j;
}

int State(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() < 2) return Fail("ledger", kUsage, 2);
  auto key = KeyArg(a, 2);
  if (!key.ok()) return Fail("ledger", std::string(key.status().message()), 2);
  auto v = l.state().Get(a.positional[1], *key);
  if (!v.ok()) return Fail("ledger", std::string(v.status().message()));
  if (!v->has_value()) return Fail("ledger", "no such key");
  ordered_json j = ValueJson(*key, **v);
  j["namespace"] = a.positional[1];
  return Print(j);
}

int Range(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() < 2 || a.positional.size() > 4) return Fail("ledger", kUsage, 2);
  size_t limit = 0;
  if (a.has("--limit") && !absl::SimpleAtoi(a.get("--limit"), &limit)) {
    return Fail("ledger", "--limit wants a number", 2);
  }
  const std::string start = a.positional.size() > 2 ? a.positional[2] : "";
  const std::string end = a.positional.size() > 3 ? a.positional[3] : "";
  auto r = l.state().Range(a.positional[1], start, end, limit);
  if (!r.ok()) return Fail("ledger", std::string(r.status().message()));
  ordered_json j;
  j["namespace"] = a.positional[1];
  j["results"] = ordered_json::array();
  for (const auto& kv : r->kvs) j["results"].push_back(ValueJson(kv.key, kv.value));
  PutBytes(&j, "bookmark", r->bookmark);
  return Print(j);
}

int History(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() < 2) return Fail("ledger", kUsage, 2);
  auto key = KeyArg(a, 2);
  if (!key.ok()) return Fail("ledger", std::string(key.status().message()), 2);
  auto h = l.history().Get(a.positional[1], *key);
  if (!h.ok()) return Fail("ledger", std::string(h.status().message()));
  ordered_json j;
  j["namespace"] = a.positional[1];
  PutBytes(&j, "key", *key);
  j["history"] = ordered_json::array();
  for (const ledger::HistoryRecord& r : *h) {
    ordered_json e;
    e["txid"] = r.modification.txid;
    PutBytes(&e, "value", r.modification.value);
    e["is_delete"] = r.modification.is_delete;
    e["timestamp_seconds"] = r.modification.timestamp_seconds;
    e["timestamp_nanos"] = r.modification.timestamp_nanos;
    e["version"] = {r.version.block, r.version.tx};
    j["history"].push_back(e);
  }
  return Print(j);
}

// A private value of a collection (the private state; absent when this peer has none).
int Private(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() < 3) return Fail("ledger", kUsage, 2);
  auto key = KeyArg(a, 3);
  if (!key.ok()) return Fail("ledger", std::string(key.status().message()), 2);
  auto v = l.state().GetPrivate(a.positional[1], a.positional[2], *key);
  if (!v.ok()) return Fail("ledger", std::string(v.status().message()));
  if (!v->has_value()) return Fail("ledger", "no private value for this key here");
  ordered_json j = ValueJson(*key, **v);
  j["namespace"] = a.positional[1];
  j["collection"] = a.positional[2];
  return Print(j);
}

// The hash of a private value (every peer has it), by the key.
int PrivateHash(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() < 3) return Fail("ledger", kUsage, 2);
  auto key = KeyArg(a, 3);
  if (!key.ok()) return Fail("ledger", std::string(key.status().message()), 2);
  auto v = l.state().GetHashed(a.positional[1], a.positional[2], Sha256(*key));
  if (!v.ok()) return Fail("ledger", std::string(v.status().message()));
  if (!v->has_value()) return Fail("ledger", "no such key");
  ordered_json j;
  j["namespace"] = a.positional[1];
  j["collection"] = a.positional[2];
  PutBytes(&j, "key", *key);
  j["key_hash"] = Hex(Sha256(*key));
  j["value_hash"] = Hex((*v)->value);
  j["version"] = {(*v)->version.block, (*v)->version.tx};
  return Print(j);
}

int PrivateRange(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() < 3 || a.positional.size() > 5) return Fail("ledger", kUsage, 2);
  size_t limit = 0;
  if (a.has("--limit") && !absl::SimpleAtoi(a.get("--limit"), &limit)) {
    return Fail("ledger", "--limit wants a number", 2);
  }
  const std::string start = a.positional.size() > 3 ? a.positional[3] : "";
  const std::string end = a.positional.size() > 4 ? a.positional[4] : "";
  auto r = l.state().RangePrivate(a.positional[1], a.positional[2], start, end, limit);
  if (!r.ok()) return Fail("ledger", std::string(r.status().message()));
  ordered_json j;
  j["namespace"] = a.positional[1];
  j["collection"] = a.positional[2];
  j["results"] = ordered_json::array();
  for (const auto& kv : r->kvs) j["results"].push_back(ValueJson(kv.key, kv.value));
  PutBytes(&j, "bookmark", r->bookmark);
  return Print(j);
}

// A collection's hashed state: key hashes and value hashes, as every peer has them.
int PrivateHashes(const ledger::Ledger& l, const ParsedArgs& a) {
  if (a.positional.size() != 3) return Fail("ledger", kUsage, 2);
  size_t limit = 0;
  if (a.has("--limit") && !absl::SimpleAtoi(a.get("--limit"), &limit)) {
    return Fail("ledger", "--limit wants a number", 2);
  }
  auto r = l.state().RangeHashed(a.positional[1], a.positional[2], "", "", limit);
  if (!r.ok()) return Fail("ledger", std::string(r.status().message()));
  ordered_json j;
  j["namespace"] = a.positional[1];
  j["collection"] = a.positional[2];
  j["results"] = ordered_json::array();
  for (const auto& kv : r->kvs) {
    j["results"].push_back({{"key_hash", Hex(kv.key)},
                            {"value_hash", Hex(kv.value.value)},
                            {"version", {kv.value.version.block, kv.value.version.tx}}});
  }
  return Print(j);
}

// The private data records of blocks FIRST..LAST: what was stored, what is missing.
int PrivateData(const ledger::Ledger& l, const ParsedArgs& a) {
  uint64_t first = 0, last = UINT64_MAX;
  if ((a.positional.size() > 1 && !absl::SimpleAtoi(a.positional[1], &first)) ||
      (a.positional.size() > 2 && !absl::SimpleAtoi(a.positional[2], &last)) ||
      a.positional.size() > 3) {
    return Fail("ledger", kUsage, 2);
  }
  ordered_json j;
  j["blocks"] = ordered_json::array();
  const uint64_t height = l.chain_info().height;
  for (uint64_t n = first; n <= last && n < height; ++n) {
    auto record = l.PvtRecord(n);
    if (!record.ok()) return Fail("ledger", std::string(record.status().message()));
    if (!record->has_value()) continue;
    ordered_json b;
    b["block"] = n;
    b["stored"] = ordered_json::array();
    b["missing"] = ordered_json::array();
    for (const auto& [slot, rwset] : (*record)->stored) {
      b["stored"].push_back({{"tx", slot.tx}, {"namespace", slot.ns}, {"collection", slot.coll}});
    }
    for (const auto& [slot, eligible] : (*record)->missing) {
      b["missing"].push_back({{"tx", slot.tx},
                              {"namespace", slot.ns},
                              {"collection", slot.coll},
                              {"eligible", eligible}});
    }
    j["blocks"].push_back(b);
  }
  return Print(j);
}

// Imports stored blocks (each with its final filter), creating the ledger from 000000.
int Import(const ParsedArgs& a) {
  if (a.positional.size() != 2 || !a.has("--ledger")) return Fail("ledger", kUsage, 2);
  auto source = ChainSource::Open(a.positional[1], a.has("--channel") ? a.get("--channel") : "");
  if (!source.ok()) return Fail("ledger", std::string(source.status().message()));
  const std::string path = a.get("--ledger");
  std::unique_ptr<ledger::Ledger> l;
  if (fs::exists(fs::path(path) / "index")) {
    auto opened = ledger::Ledger::Open(path, {});
    if (!opened.ok()) return Fail("ledger", std::string(opened.status().message()));
    l = *std::move(opened);
  }
  while (true) {
    auto next = (*source)->Next();
    if (!next.ok()) return Fail("ledger", std::string(next.status().message()));
    if (!next->has_value()) break;
    ChainSource::Block b = **std::move(next);
    if (l == nullptr) {
      auto created = ledger::Ledger::Create(path, b.bytes, {});
      if (!created.ok()) return Fail("ledger", b.name + ": " + std::string(created.status().message()));
      l = *std::move(created);
      continue;
    }
    auto block = wire::ParsedBlock::Parse(std::move(b.bytes));
    if (!block.ok()) return Fail("ledger", b.name + ": " + std::string(block.status().message()));
    if ((*block)->number() < l->chain_info().height) continue;  // already there
    absl::Status st =
        l->Commit(**block, std::string((*block)->metadata(common::TRANSACTIONS_FILTER)));
    if (!st.ok()) return Fail("ledger", b.name + ": " + std::string(st.message()));
  }
  if (l == nullptr) return Fail("ledger", "no blocks in " + a.positional[1]);
  return Info(*l);
}

}  // namespace

int LedgerCommand(const Args& args) {
  ParsedArgs a =
      ParseArgs(args, {"--ledger", "--channel", "--hash", "--txid", "--key-hex", "--limit"});
  if (!a.error.empty()) return Fail("ledger", a.error + "\n" + kUsage, 2);
  if (a.positional.empty()) return Fail("ledger", kUsage, 2);
  const std::string& verb = a.positional[0];
  if (verb == "import") return Import(a);
  auto l = OpenLedger(a);
  if (!l.ok()) return Fail("ledger", std::string(l.status().message()));
  if (verb == "info") return Info(**l);
  if (verb == "block") return Block(**l, a);
  if (verb == "tx") return Tx(**l, a);
  if (verb == "state") return State(**l, a);
  if (verb == "range") return Range(**l, a);
  if (verb == "history") return History(**l, a);
  if (verb == "private") return Private(**l, a);
  if (verb == "private-hash") return PrivateHash(**l, a);
  if (verb == "private-range") return PrivateRange(**l, a);
  if (verb == "private-hashes") return PrivateHashes(**l, a);
  if (verb == "private-data") return PrivateData(**l, a);
  return Fail("ledger", "unknown verb '" + verb + "'\n" + kUsage, 2);
}

}  // namespace fabric::tools
