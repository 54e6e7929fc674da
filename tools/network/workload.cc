#include "tools/network/workload.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "lib/base/status_macros.h"
#include "nlohmann/json.hpp"
#include "tools/network/asset_transfer.h"
#include "tools/network/c_call.h"

namespace fabric::network {
namespace {

constexpr const char* kColors[] = {"blue", "red", "green", "yellow", "black", "white"};
constexpr const char* kOwners[] = {"Tomoko", "Brad", "Jin Soo", "Max", "Adriana", "Michel"};

std::string AssetId(int i) { return absl::StrFormat("asset%05d", i); }

std::vector<std::string> AssetArgs(const char* function, const Asset& a) {
  return {function, a.id, a.color, absl::StrCat(a.size), a.owner, absl::StrCat(a.appraised_value)};
}

// One channel as the workload expects it to be.
struct Model {
  Channel* channel;
  std::map<std::string, Asset> assets;
  // The valid transactions that wrote each asset, oldest first.
  std::map<std::string, std::vector<std::string>> history;

  const std::vector<int>& orgs() const { return channel->spec().orgs; }
  // The orgs that endorse the i-th transaction of a phase: `k` members, rotating.
  std::vector<int> Endorsers(size_t i, int k) const {
    std::vector<int> out;
    for (int j = 0; j < k; ++j) out.push_back(orgs()[(i + j) % orgs().size()]);
    return out;
  }
  int Client(size_t i) const { return orgs()[i % orgs().size()]; }

  std::string AllAssetsJson() const {
    std::vector<std::string> parts;
    for (const auto& [id, a] : assets) parts.push_back(AssetToJson(a));
    return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
  }
};

struct Planned {
  Model* model;
  std::vector<std::string> args;
  std::vector<int> endorsers;
  int client_org = 1;
  bool admin = false;  // sign as Admin rather than User1
  std::string chaincode = kChaincode;
  int expect = FABRIC_TX_VALID;  // the final fabric_tx_code
  std::string asset;             // whose history it extends when valid
  bool pair_with_next = false;   // order in the same block as the next one
};

struct Query {
  const Channel* channel;
  const ChannelPeer* peer;
  std::vector<std::string> args;
  // Checks the answer; an error names what differs.
  std::function<absl::Status(const std::string&)> check;
};

std::function<absl::Status(const std::string&)> Equals(std::string want) {
  return [want = std::move(want)](const std::string& got) {
    if (got == want) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("answered ", got.substr(0, 200), ", expected ", want.substr(0, 200)));
  };
}

// GetAssetHistory's answer must list exactly `txids` (oldest first) newest first; the
// newest entry a delete iff `deleted`.
std::function<absl::Status(const std::string&)> HistoryIs(std::vector<std::string> txids,
                                                          bool deleted) {
  return [txids = std::move(txids), deleted](const std::string& got) {
    nlohmann::json j = nlohmann::json::parse(got, nullptr, false);
    std::vector<std::string> listed;
    bool newest_deleted = false;
    if (j.is_array()) {
      for (const auto& e : j) {
        if (!e.is_object() || !e.contains("txId") || !e["txId"].is_string()) break;
        listed.insert(listed.begin(), e["txId"].get<std::string>());
      }
      newest_deleted = !j.empty() && j[0].value("isDelete", false);
    }
    if (listed == txids && newest_deleted == deleted) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("history lists ", listed.size(), " writes (newest deleted: ", newest_deleted,
                     "), expected ", txids.size(), " (deleted: ", deleted, ")"));
  };
}

class Runner {
 public:
  Runner(Network& net, const WorkloadSpec& spec, ThreadPool& pool, PhaseObserver* observer)
      : net_(net), spec_(spec), pool_(pool), observer_(observer) {
    for (const auto& ch : net.channels()) models_.push_back({ch.get(), {}, {}});
  }

  absl::StatusOr<WorkloadReport> Run() {
    FABRIC_RETURN_IF_ERROR(Approve());
    FABRIC_RETURN_IF_ERROR(Define());
    FABRIC_RETURN_IF_ERROR(Create());
    FABRIC_RETURN_IF_ERROR(ReadBack());
    FABRIC_RETURN_IF_ERROR(Transfer());
    FABRIC_RETURN_IF_ERROR(Update());
    FABRIC_RETURN_IF_ERROR(Conflict());
    FABRIC_RETURN_IF_ERROR(Delete());
    FABRIC_RETURN_IF_ERROR(Verify());
    return report_;
  }

 private:
  using Clock = std::chrono::steady_clock;

  void Start(const std::string& phase, size_t units) {
    absl::MutexLock lock(&mu_);
    done_ = 0;
    if (observer_ != nullptr) observer_->Started(phase, units);
  }
  void Advance() {
    absl::MutexLock lock(&mu_);
    ++done_;
    if (observer_ != nullptr) observer_->Advanced(done_);
  }
  void Finish(PhaseReport r, Clock::time_point t0) {
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (r.transactions > 0) {
      report_.transactions += r.transactions;
      report_.transaction_seconds += r.seconds;
    } else {
      report_.queries += r.queries;
      report_.query_seconds += r.seconds;
    }
    report_.phases.push_back(r);
    absl::MutexLock lock(&mu_);
    if (observer_ != nullptr) observer_->Finished(r);
  }

  // Endorses `txs` in parallel and orders them, in list order, on their channels; cuts;
  // waits for every peer; checks each transaction's final code on every peer. Chunks
  // of a block's worth are ordered as soon as they are endorsed, so that the peers
  // commit one chunk while the next is endorsed (a phase's transactions touch distinct
  // assets; the two of a conflict pair are endorsed in the same chunk).
  absl::Status Transact(const std::string& name, std::string detail, std::vector<Planned> txs) {
    const auto t0 = Clock::now();
    Start(name, txs.size());
    std::map<Channel*, size_t> first_block;
    for (Model& m : models_) first_block[m.channel] = m.channel->blocks().size();
    const size_t block_size = net_.spec().block_size;
    std::vector<absl::StatusOr<EndorsedTx>> endorsed(txs.size(), absl::UnknownError("not run"));
    for (size_t begin = 0, end = 0; begin < txs.size(); begin = end) {
      end = std::min(txs.size(), begin + block_size);
      while (end < txs.size() && txs[end - 1].pair_with_next) ++end;
      pool_.ParallelFor(end - begin, [&](size_t j) {
        const Planned& p = txs[begin + j];
        const fabric_signer& client = p.admin ? net_.admin(p.client_org) : net_.user(p.client_org);
        endorsed[begin + j] = p.model->channel->Endorse(client, p.chaincode, p.args, p.endorsers);
        Advance();
      });
      for (size_t i = begin; i < end; ++i) {
        if (!endorsed[i].ok()) {
          return absl::Status(endorsed[i].status().code(),
                              absl::StrCat(name, ": ", endorsed[i].status().message()));
        }
        Channel* ch = txs[i].model->channel;
        if (txs[i].pair_with_next && ch->pending() + 2 > block_size) {
          FABRIC_RETURN_IF_ERROR(ch->Cut());
        }
        FABRIC_RETURN_IF_ERROR(ch->Order(*endorsed[i]));
      }
    }
    PhaseReport r{name, std::move(detail), txs.size()};
    for (Model& m : models_) {
      FABRIC_RETURN_IF_ERROR(m.channel->Cut());
      r.blocks += m.channel->blocks().size() - first_block[m.channel];
    }
    for (Model& m : models_) FABRIC_RETURN_IF_ERROR(m.channel->Drain());
    FABRIC_RETURN_IF_ERROR(CheckCodes(name, txs, endorsed, first_block));
    for (size_t i = 0; i < txs.size(); ++i) {
      if (txs[i].expect == FABRIC_TX_VALID && !txs[i].asset.empty()) {
        txs[i].model->history[txs[i].asset].push_back(endorsed[i]->txid);
      }
    }
    Finish(std::move(r), t0);
    return absl::OkStatus();
  }

  // Every peer's code for each transaction of this phase is the expected one.
  absl::Status CheckCodes(const std::string& name, const std::vector<Planned>& txs,
                          const std::vector<absl::StatusOr<EndorsedTx>>& endorsed,
                          const std::map<Channel*, size_t>& first_block) {
    for (Model& m : models_) {
      for (const auto& peer : m.channel->peers()) {
        std::map<std::string, int> codes;
        const std::vector<BlockOutcome> results = peer->results();
        for (size_t b = first_block.at(m.channel); b < results.size(); ++b) {
          for (const auto& [txid, code] : results[b].txs) codes[txid] = code;
        }
        for (size_t i = 0; i < txs.size(); ++i) {
          if (txs[i].model != &m) continue;
          auto it = codes.find(endorsed[i]->txid);
          const int got = it == codes.end() ? FABRIC_TX_NOT_VALIDATED : it->second;
          if (got != txs[i].expect) {
            return absl::FailedPreconditionError(absl::StrCat(
                name, ": ", peer->peer().name, " on ", m.channel->id(), " committed ",
                txs[i].args[0], " ", endorsed[i]->txid, " as ", fabric_tx_code_name(got),
                ", expected ", fabric_tx_code_name(txs[i].expect)));
          }
        }
      }
    }
    return absl::OkStatus();
  }

  // Evaluates `queries` in parallel and checks every answer.
  absl::Status Ask(const std::string& name, std::string detail, std::vector<Query> queries) {
    const auto t0 = Clock::now();
    Start(name, queries.size());
    std::vector<absl::Status> errors(queries.size());
    pool_.ParallelFor(queries.size(), [&](size_t i) {
      const Query& q = queries[i];
      auto answer = q.channel->Evaluate(net_.user(q.peer->peer().org), *q.peer, kChaincode, q.args);
      absl::Status s = answer.ok() ? q.check(*answer) : answer.status();
      if (!s.ok()) {
        errors[i] = absl::Status(s.code(), absl::StrCat(name, ": ", q.args[0], " on ",
                                                        q.peer->peer().name, ": ", s.message()));
      }
      Advance();
    });
    for (const absl::Status& e : errors) FABRIC_RETURN_IF_ERROR(e);
    PhaseReport r{name, std::move(detail)};
    r.queries = queries.size();
    Finish(std::move(r), t0);
    return absl::OkStatus();
  }

  // Each org of each channel approves the definition for itself (private data of its
  // implicit collection), endorsed by its own peer, signed by its admin.
  absl::Status Approve() {
    std::vector<Planned> txs;
    for (Model& m : models_) {
      FABRIC_ASSIGN_OR_RETURN(
          std::string definition,
          CommitDefinitionArg(kChaincode, "1.0", 1,
                              ChaincodePolicyDsl(m.orgs(), spec_.endorsing_orgs)));
      for (int org : m.orgs()) {
        Planned p{&m, {"ApproveChaincodeDefinitionForMyOrg", definition}};
        p.endorsers = {org};
        p.client_org = org;
        p.admin = true;
        p.chaincode = "_lifecycle";
        txs.push_back(std::move(p));
      }
    }
    return Transact("approve",
                    absl::StrCat("ApproveChaincodeDefinitionForMyOrg of ", kChaincode,
                                 " 1.0 by each org (private data of its implicit collection)"),
                    std::move(txs));
  }

  absl::Status Define() {
    auto contract = std::make_shared<AssetTransfer>();
    std::vector<Planned> txs;
    std::vector<std::string> policies;
    for (Model& m : models_) {
      for (const auto& peer : m.channel->peers()) {
        FABRIC_RETURN_IF_ERROR(peer->Host(kChaincode, contract));
      }
      const std::string dsl = ChaincodePolicyDsl(m.orgs(), spec_.endorsing_orgs);
      FABRIC_ASSIGN_OR_RETURN(std::string definition,
                              CommitDefinitionArg(kChaincode, "1.0", 1, dsl));
      Planned p{&m, {"CommitChaincodeDefinition", std::move(definition)}};
      // `_lifecycle` writes need a MAJORITY of the channel's orgs.
      p.endorsers = m.Endorsers(0, static_cast<int>(m.orgs().size() / 2 + 1));
      p.client_org = m.orgs()[0];
      p.admin = true;
      p.chaincode = "_lifecycle";
      txs.push_back(std::move(p));
      policies.push_back(absl::StrCat(m.channel->id(), ": ", dsl));
    }
    return Transact("commit",
                    absl::StrCat("CommitChaincodeDefinition of ", kChaincode,
                                 " 1.0, approved by every org; ", absl::StrJoin(policies, "; ")),
                    std::move(txs));
  }

  absl::Status Create() {
    std::vector<Planned> txs;
    for (Model& m : models_) {
      for (int i = 0; i < spec_.assets; ++i) {
        Asset a{AssetId(i), kColors[i % 6], 5 + i % 10, kOwners[i % 6], 100 + 10 * (i % 50)};
        txs.push_back(Tx(m, txs.size(), AssetArgs("CreateAsset", a), a.id));
        m.assets[a.id] = a;
      }
    }
    return Transact("create", absl::StrCat(spec_.assets, " CreateAsset per channel"),
                    std::move(txs));
  }

  absl::Status ReadBack() {
    std::vector<Query> qs;
    for (Model& m : models_) {
      const auto& peers = m.channel->peers();
      for (int q = 0; q < spec_.queries; ++q) {
        const Asset& a = m.assets.at(AssetId(static_cast<int>((q * 7919LL) % spec_.assets)));
        qs.push_back({m.channel,
                      peers[q % peers.size()].get(),
                      {"ReadAsset", a.id},
                      Equals(AssetToJson(a))});
      }
      for (const auto& peer : peers) {
        qs.push_back({m.channel, peer.get(), {"AssetExists", "no-such-asset"}, Equals("false")});
        qs.push_back({m.channel, peer.get(), {"GetAllAssets"}, Equals(m.AllAssetsJson())});
      }
    }
    return Ask("query", "ReadAsset, AssetExists, GetAllAssets (range) on every peer",
               std::move(qs));
  }

  absl::Status Transfer() {
    std::vector<Planned> txs;
    for (Model& m : models_) {
      for (int i = 0; i < spec_.assets; ++i) {
        Asset& a = m.assets.at(AssetId(i));
        a.owner = kOwners[(i + 1) % 6];
        txs.push_back(Tx(m, txs.size(), {"TransferAsset", a.id, a.owner}, a.id));
      }
    }
    return Transact("transfer", "TransferAsset of every asset, each with a chaincode event",
                    std::move(txs));
  }

  absl::Status Update() {
    std::vector<Planned> txs;
    for (Model& m : models_) {
      for (int i = 0; i < spec_.updates; ++i) {
        Asset& a = m.assets.at(AssetId(i));
        a.color = "purple";
        a.appraised_value += 50;
        txs.push_back(Tx(m, txs.size(), AssetArgs("UpdateAsset", a), a.id));
      }
    }
    return Transact("update", absl::StrCat(spec_.updates, " UpdateAsset per channel"),
                    std::move(txs));
  }

  absl::Status Conflict() {
    std::vector<Planned> txs;
    for (Model& m : models_) {
      for (int k = 0; k < spec_.conflicts; ++k) {
        Asset& a = m.assets.at(AssetId(k));
        Planned first = Tx(m, txs.size(), {"TransferAsset", a.id, "Alice"}, a.id);
        first.pair_with_next = true;
        Planned second = Tx(m, txs.size() + 1, {"TransferAsset", a.id, "Bob"}, a.id);
        second.expect = FABRIC_TX_MVCC_READ_CONFLICT;
        txs.push_back(std::move(first));
        txs.push_back(std::move(second));
        a.owner = "Alice";
      }
      for (int j = 0; j < spec_.policy_failures; ++j) {
        const std::string id = AssetId(spec_.conflicts + j);
        Planned p = Tx(m, txs.size(), {"TransferAsset", id, "Mallory"}, id);
        p.endorsers = m.Endorsers(j, 1);
        p.expect = FABRIC_TX_ENDORSEMENT_POLICY_FAILURE;
        txs.push_back(std::move(p));
      }
    }
    return Transact("conflict",
                    absl::StrCat(spec_.conflicts, " pairs of transfers of one asset in one block, ",
                                 spec_.policy_failures, " transfers endorsed by one org"),
                    std::move(txs));
  }

  absl::Status Delete() {
    std::vector<Planned> txs;
    for (Model& m : models_) {
      for (int i = spec_.assets - spec_.deletes; i < spec_.assets; ++i) {
        txs.push_back(Tx(m, txs.size(), {"DeleteAsset", AssetId(i)}, AssetId(i)));
        m.assets.erase(AssetId(i));
      }
    }
    return Transact("delete", absl::StrCat(spec_.deletes, " DeleteAsset per channel"),
                    std::move(txs));
  }

  absl::Status Verify() {
    std::vector<Query> qs;
    for (Model& m : models_) {
      std::vector<std::string> sample = {AssetId(0), AssetId(spec_.assets - 1)};
      if (spec_.policy_failures > 0) sample.push_back(AssetId(spec_.conflicts));
      const auto& peers = m.channel->peers();
      for (size_t i = 0; i < peers.size(); ++i) {
        const ChannelPeer* peer = peers[i].get();
        qs.push_back({m.channel, peer, {"GetAllAssets"}, Equals(m.AllAssetsJson())});
        for (const std::string& id : sample) {
          qs.push_back({m.channel,
                        peer,
                        {"GetAssetHistory", id},
                        HistoryIs(m.history[id], m.assets.count(id) == 0)});
        }
      }
    }
    return Ask("verify", "GetAllAssets and GetAssetHistory (history query) on every peer",
               std::move(qs));
  }

  // The i-th transaction of a phase on `m`, endorsed as the chaincode policy needs.
  Planned Tx(Model& m, size_t i, std::vector<std::string> args, std::string asset) {
    Planned p{&m, std::move(args), m.Endorsers(i, spec_.endorsing_orgs), m.Client(i)};
    p.asset = std::move(asset);
    return p;
  }

  Network& net_;
  const WorkloadSpec spec_;
  ThreadPool& pool_;
  PhaseObserver* const observer_;
  std::vector<Model> models_;
  WorkloadReport report_;
  absl::Mutex mu_;
  size_t done_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

absl::StatusOr<std::string> CommitDefinitionArg(const char* name, const char* version,
                                                int64_t sequence, const std::string& dsl) {
  fabric_buf policy = FABRIC_BUF_INIT;
  CCall call;
  FABRIC_RETURN_IF_ERROR(call.Check(fabric_policy_compile(&policy, dsl.c_str(), call.err())));
  const std::string envelope = TakeBuf(&policy);
  fabric_chaincode_definition d = FABRIC_CHAINCODE_DEFINITION_INIT;
  d.name = name;
  d.chaincode_version = version;
  d.sequence = sequence;
  d.signature_policy = Bytes(envelope);
  d.signature_policy_len = envelope.size();
  fabric_buf arg = FABRIC_BUF_INIT;
  FABRIC_RETURN_IF_ERROR(call.Check(fabric_lifecycle_commit_args(&arg, &d, call.err())));
  return TakeBuf(&arg);
}

absl::Status CheckWorkloadSpec(const WorkloadSpec& s, const NetworkSpec& network) {
  auto bad = [](const std::string& why) { return absl::InvalidArgumentError(why); };
  if (s.assets < 1 || s.updates < 0 || s.conflicts < 0 || s.policy_failures < 0 || s.deletes < 0 ||
      s.queries < 0) {
    return bad("counts must not be negative, and there must be assets");
  }
  if (s.updates > s.assets) return bad("more updates than assets");
  if (s.conflicts + s.policy_failures + s.deletes > s.assets) {
    return bad("conflicts + policy failures + deletes need distinct assets");
  }
  if (s.conflicts > 0 && network.block_size < 2) return bad("a conflict pair needs 2 tx blocks");
  for (const ChannelSpec& ch : network.channels) {
    if (ch.orgs.empty()) return bad(ch.id + " has no orgs");
    if (s.endorsing_orgs < 1 || static_cast<size_t>(s.endorsing_orgs) > ch.orgs.size()) {
      return bad(absl::StrCat(ch.id, " has fewer orgs than endorsing_orgs ", s.endorsing_orgs));
    }
  }
  if (s.policy_failures > 0 && s.endorsing_orgs < 2) {
    return bad("a policy failure needs a policy of two orgs or more");
  }
  return absl::OkStatus();
}

ExpectedOutcome ExpectedFor(const WorkloadSpec& s, size_t orgs) {
  ExpectedOutcome out;
  // Each org's approval, then the definition's commit.
  out.codes[FABRIC_TX_VALID] = orgs + 1 + 2 * s.assets + s.updates + s.conflicts + s.deletes;
  if (s.conflicts > 0) out.codes[FABRIC_TX_MVCC_READ_CONFLICT] = s.conflicts;
  if (s.policy_failures > 0) out.codes[FABRIC_TX_ENDORSEMENT_POLICY_FAILURE] = s.policy_failures;
  out.transfer_events = s.assets + s.conflicts;
  return out;
}

std::string ChaincodePolicyDsl(const std::vector<int>& orgs, int endorsing_orgs) {
  std::vector<std::string> principals;
  for (int n : orgs) principals.push_back(absl::StrCat("'Org", n, "MSP.peer'"));
  if (static_cast<size_t>(endorsing_orgs) >= orgs.size()) {
    return absl::StrCat("AND(", absl::StrJoin(principals, ","), ")");
  }
  return absl::StrCat("OutOf(", endorsing_orgs, ",", absl::StrJoin(principals, ","), ")");
}

absl::StatusOr<WorkloadReport> RunWorkload(Network& network, const WorkloadSpec& spec,
                                           ThreadPool& pool, PhaseObserver* observer) {
  FABRIC_RETURN_IF_ERROR(CheckWorkloadSpec(spec, network.spec()));
  return Runner(network, spec, pool, observer).Run();
}

}  // namespace fabric::network
