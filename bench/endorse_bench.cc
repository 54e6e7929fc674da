// The endorsement side (lib/endorse) on the conformance network: the bundled vectors'
// chain is replayed into a channel (durable ledger in
// temp_directory_path()/fabric-endorse-bench-<pid>, removed at exit), peer0.org1 and
// peer0.org2 endorse with their cryptogen keys, User1@org1 proposes and signs, orderer0
// signs blocks. The contract reads one key and writes one key ("update key value"); it is
// registered as the chaincodes cc_or (OR of Org1, Org2 peers) and cc_and (AND of them),
// which block 1 defines. Only the bundled conformance vectors are needed (FABRIC_VECTORS
// is not read): run from the repository root, or through bazel run.
//   bazel build -c opt //bench:endorse_bench && .bazel/bin/bench/endorse_bench
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "lib/base/status_macros.h"
#include "lib/channel/channel.h"
#include "lib/client/client.h"
#include "lib/endorse/contract.h"
#include "lib/endorse/endorser.h"
#include "lib/endorse/simulator.h"
#include "lib/identity/signing_identity.h"
#include "lib/ordering/block_assembler.h"
#include "lib/testing/testdata.h"

namespace {

namespace fs = std::filesystem;
using fabric::channel::BlockResult;
using fabric::channel::Channel;
using fabric::client::CreateSignedProposal;
using fabric::client::CreateSignedTx;
using fabric::client::ProposalSpec;
using fabric::client::SignedProposal;
using fabric::endorse::Contract;
using fabric::endorse::Endorser;
using fabric::endorse::ProposalResult;
using fabric::endorse::Response;
using fabric::endorse::Stub;
using fabric::endorse::TxSimulator;
using fabric::identity::SigningIdentity;
using fabric::ordering::BatchOptions;
using fabric::ordering::BlockAssembler;

constexpr char kChannel[] = "mychannel";
constexpr char kKey[] = "bench-key";  // committed in cc_or by the fixture
constexpr size_t kBlockTxs = 100;

// "update key value": reads the key, then writes it.
class ReadWriteContract : public Contract {
 public:
  Response Invoke(Stub& stub) override {
    const fabric::endorse::Invocation& inv = stub.invocation();
    if (inv.function != "update" || inv.args.size() != 2) {
      return Response::Error("usage: update key value");
    }
    absl::StatusOr<std::optional<std::string>> v = stub.GetState(inv.args[0]);
    if (!v.ok()) return Response::Error(std::string(v.status().message()));
    if (absl::Status s = stub.PutState(inv.args[0], inv.args[1]); !s.ok()) {
      return Response::Error(std::string(s.message()));
    }
    return Response::Ok();
  }
};

absl::StatusOr<std::shared_ptr<const SigningIdentity>> Load(const std::string& mspid,
                                                            const std::string& rel) {
  FABRIC_ASSIGN_OR_RETURN(
      std::unique_ptr<SigningIdentity> id,
      SigningIdentity::FromMspDir(mspid, fabric::testing::ConformanceDir() + "/msp/" + rel));
  return std::shared_ptr<const SigningIdentity>(std::move(id));
}

std::string PeerDir(int org) {
  return absl::StrCat("peerOrganizations/org", org, ".example.com/peers/peer0.org", org,
                      ".example.com/msp");
}

struct Fixture {
  fs::path dir = fs::temp_directory_path() / absl::StrCat("fabric-endorse-bench-", getpid());
  std::unique_ptr<Channel> channel;
  std::shared_ptr<const SigningIdentity> user;     // User1@org1
  std::shared_ptr<const SigningIdentity> orderer;  // orderer0
  std::unique_ptr<Endorser> peer1;                 // peer0.org1
  std::unique_ptr<Endorser> peer2;                 // peer0.org2
  // Continues the channel's chain; cuts a block every kBlockTxs envelopes.
  std::unique_ptr<BlockAssembler> assembler;
  std::string last_block;  // the chain's last block once the fixture is set up
  absl::Status status;

  Fixture() { status = Init(); }
  ~Fixture() {
    assembler.reset();
    peer1.reset();
    peer2.reset();
    channel.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  absl::Status Init() {
    std::error_code ec;
    fs::remove_all(dir, ec);
    const std::string vectors = fabric::testing::ConformanceDir();
    FABRIC_ASSIGN_OR_RETURN(std::string genesis,
                            fabric::testing::ReadFile(vectors + "/genesis.block"));
    FABRIC_ASSIGN_OR_RETURN(
        channel, Channel::Create(dir.string(), genesis, fabric::channel::ChannelOptions()));
    last_block = genesis;
    for (const std::string& path : fabric::testing::ListFiles(vectors + "/blocks", ".block")) {
      FABRIC_ASSIGN_OR_RETURN(std::string block, fabric::testing::ReadFile(path));
      FABRIC_RETURN_IF_ERROR(
          channel->Submit(block, fabric::channel::SubmitOptions{.skip_verification = true})
              .status());
      last_block = std::move(block);
    }
    FABRIC_ASSIGN_OR_RETURN(
        user,
        Load("Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com/msp"));
    FABRIC_ASSIGN_OR_RETURN(
        orderer,
        Load("OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com/msp"));
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const SigningIdentity> signer1,
                            Load("Org1MSP", PeerDir(1)));
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const SigningIdentity> signer2,
                            Load("Org2MSP", PeerDir(2)));
    peer1 = std::make_unique<Endorser>(channel.get(), signer1);
    peer2 = std::make_unique<Endorser>(channel.get(), signer2);
    auto contract = std::make_shared<ReadWriteContract>();
    for (Endorser* peer : {peer1.get(), peer2.get()}) {
      FABRIC_RETURN_IF_ERROR(peer->RegisterContract("cc_or", contract));
      FABRIC_RETURN_IF_ERROR(peer->RegisterContract("cc_and", contract));
    }
    BatchOptions options;
    options.max_message_count = kBlockTxs;
    FABRIC_ASSIGN_OR_RETURN(assembler, BlockAssembler::Create(last_block, orderer, options));

    // The key that BM_Simulate and BM_Endorse read has a committed value and version.
    FABRIC_ASSIGN_OR_RETURN(SignedProposal p, Propose("cc_or", kKey, "v0"));
    FABRIC_ASSIGN_OR_RETURN(std::string tx, Transaction(p, {peer1.get()}));
    FABRIC_ASSIGN_OR_RETURN(BlockResult r, OrderAndCommit({tx}));
    return CheckAllValid(r, 1);
  }

  absl::StatusOr<SignedProposal> Propose(const std::string& chaincode, const std::string& key,
                                         const std::string& value) const {
    ProposalSpec spec;
    spec.channel_id = kChannel;
    spec.chaincode = chaincode;
    spec.args = {"update", key, value};
    return CreateSignedProposal(*user, spec);
  }

  // The endorsements of `peers`, in order.
  static absl::StatusOr<std::vector<std::string>> EndorseBy(
      const SignedProposal& p, std::initializer_list<const Endorser*> peers) {
    std::vector<std::string> responses;
    for (const Endorser* peer : peers) {
      FABRIC_ASSIGN_OR_RETURN(ProposalResult r, peer->Endorse(p.signed_proposal));
      if (r.proposal_response.empty()) {
        return absl::InternalError(
            absl::StrCat("not endorsed: ", r.response.status, " ", r.response.message));
      }
      responses.push_back(std::move(r.proposal_response));
    }
    return responses;
  }

  // The envelope of `p` endorsed by `peers`.
  absl::StatusOr<std::string> Transaction(const SignedProposal& p,
                                          std::initializer_list<const Endorser*> peers) const {
    FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> responses, EndorseBy(p, peers));
    return CreateSignedTx(p.signed_proposal, responses, *user);
  }

  // `envelopes` as one block by `assembler`, submitted (verified) to the channel.
  absl::StatusOr<BlockResult> OrderAndCommit(std::vector<std::string> envelopes) {
    std::vector<std::string> blocks;
    for (std::string& env : envelopes) {
      FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> cut, assembler->Add(std::move(env)));
      for (std::string& b : cut) blocks.push_back(std::move(b));
    }
    FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> rest, assembler->Cut());
    if (rest.has_value()) blocks.push_back(*std::move(rest));
    if (blocks.size() != 1) {
      return absl::InternalError(absl::StrCat(blocks.size(), " blocks cut, expected 1"));
    }
    return channel->Submit(std::move(blocks[0]));
  }

  static absl::Status CheckAllValid(const BlockResult& r, size_t txs) {
    if (r.txs.size() != txs) {
      return absl::InternalError(
          absl::StrCat("block ", r.number, " has ", r.txs.size(), " transactions, expected ", txs));
    }
    for (const fabric::channel::TxResult& t : r.txs) {
      if (t.code != protos::VALID) {
        return absl::InternalError(absl::StrCat("block ", r.number, " tx ", t.txid, ": code ",
                                                protos::TxValidationCode_Name(t.code), " ",
                                                t.reason));
      }
    }
    return absl::OkStatus();
  }
};

// Made by the first benchmark that runs; deleted (ledger directory removed) by main.
Fixture* g_fixture = nullptr;
absl::once_flag g_fixture_once;

Fixture& F() {
  absl::call_once(g_fixture_once, [] { g_fixture = new Fixture(); });
  return *g_fixture;
}

// Skips the benchmark (and returns) when the fixture could not be set up.
#define REQUIRE_FIXTURE(state)                                                                     \
  if (!F().status.ok()) {                                                                          \
    state.SkipWithError(absl::StrCat("fixture: ", F().status.ToString(),                           \
                                     " (run from the repository root: tests/vectors/conformance)") \
                            .c_str());                                                             \
    return;                                                                                        \
  }

// Skips the benchmark and leaves its loop when `status` is not OK.
#define BREAK_IF_ERROR(state, status)                 \
  if (!(status).ok()) {                               \
    state.SkipWithError((status).ToString().c_str()); \
    break;                                            \
  }

// The simulator alone: a TxSimulator in endorse mode reads one committed key and writes
// it, then serializes the read-write set (Results). Per transaction, no contract or stub.
void BM_Simulate(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  const fabric::ledger::Ledger& ledger = F().channel->ledger();
  for (auto _ : state) {
    TxSimulator sim(ledger, TxSimulator::Mode::kEndorse);
    absl::StatusOr<std::optional<std::string>> v = sim.GetState("cc_or", kKey);
    BREAK_IF_ERROR(state, v.status());
    if (!v->has_value()) {
      state.SkipWithError("the committed key is absent");
      break;
    }
    BREAK_IF_ERROR(state, sim.PutState("cc_or", kKey, "v1"));
    absl::StatusOr<std::string> rwset = sim.Results();
    BREAK_IF_ERROR(state, rwset.status());
    benchmark::DoNotOptimize(rwset->data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Simulate);

// The client's signed proposal (User1@org1): nonce, txid, proposal bytes, ECDSA sign.
void BM_CreateSignedProposal(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  for (auto _ : state) {
    absl::StatusOr<SignedProposal> p = F().Propose("cc_or", kKey, "v1");
    BREAK_IF_ERROR(state, p.status());
    benchmark::DoNotOptimize(p->signed_proposal.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateSignedProposal);

// peer0.org1 endorsing one signed proposal of cc_or (update bench-key): the whole peer
// path (parse, expiry and header checks, creator validation and signature verify,
// duplicate txid lookup, ACL, definition read, simulation, ESCC sign). The same proposal
// is endorsed on every iteration: Endorser's duplicate check looks only for the txid in
// committed blocks (endorser.cc CheckNotDuplicate, as Fabric's), and nothing here
// commits it, so every iteration does the full work of a fresh proposal.
void EndorseLoop(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  static const absl::StatusOr<SignedProposal> p = F().Propose("cc_or", kKey, "v1");
  if (!p.ok()) {
    state.SkipWithError(p.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<ProposalResult> r = F().peer1->Endorse(p->signed_proposal);
    BREAK_IF_ERROR(state, r.status());
    if (r->proposal_response.empty()) {
      state.SkipWithError(absl::StrCat("not endorsed: ", r->response.message).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Endorse(benchmark::State& state) { EndorseLoop(state); }
BENCHMARK(BM_Endorse)->UseRealTime();

// BM_Endorse from 2 threads at once on the same peer (wall time; items/s is the peer's
// combined rate): how endorsement scales on 2 cores.
void BM_EndorseParallel(benchmark::State& state) { EndorseLoop(state); }
BENCHMARK(BM_EndorseParallel)->Threads(2)->UseRealTime();

// The client's transaction envelope from a cc_and proposal and its two endorsements
// (peer0.org1, peer0.org2): response checks, payload assembly, ECDSA sign.
void BM_CreateSignedTx(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  absl::StatusOr<SignedProposal> p = F().Propose("cc_and", kKey, "v1");
  absl::StatusOr<std::vector<std::string>> responses =
      p.ok() ? Fixture::EndorseBy(*p, {F().peer1.get(), F().peer2.get()}) : p.status();
  if (!responses.ok()) {
    state.SkipWithError(responses.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<std::string> tx = CreateSignedTx(p->signed_proposal, *responses, *F().user);
    BREAK_IF_ERROR(state, tx.status());
    benchmark::DoNotOptimize(tx->data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CreateSignedTx);

// The orderer side: BlockAssembler taking 100 cc_and envelopes (2 endorsements each) and
// cutting them into one block (data hash, header, orderer0's signature), per block;
// items/s is per transaction. The envelopes are copied into Add on each iteration.
void BM_AssembleBlock(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  static const absl::StatusOr<std::vector<std::string>> envelopes =
      []() -> absl::StatusOr<std::vector<std::string>> {
    std::vector<std::string> out;
    for (size_t i = 0; i < kBlockTxs; ++i) {
      FABRIC_ASSIGN_OR_RETURN(SignedProposal p,
                              F().Propose("cc_and", absl::StrCat("assemble-", i), "v"));
      FABRIC_ASSIGN_OR_RETURN(std::string tx,
                              F().Transaction(p, {F().peer1.get(), F().peer2.get()}));
      out.push_back(std::move(tx));
    }
    return out;
  }();
  BatchOptions options;
  options.max_message_count = kBlockTxs;
  absl::StatusOr<std::unique_ptr<BlockAssembler>> assembler =
      envelopes.ok() ? BlockAssembler::Create(F().last_block, F().orderer, options)
                     : envelopes.status();
  if (!assembler.ok()) {
    state.SkipWithError(assembler.status().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    size_t blocks = 0;
    absl::Status status;
    for (const std::string& env : *envelopes) {
      absl::StatusOr<std::vector<std::string>> cut = (*assembler)->Add(env);
      if (!cut.ok()) {
        status = cut.status();
        break;
      }
      blocks += cut->size();
    }
    BREAK_IF_ERROR(state, status);
    if (blocks != 1) {
      state.SkipWithError(absl::StrCat(blocks, " blocks cut, expected 1").c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kBlockTxs);
}
BENCHMARK(BM_AssembleBlock)->Unit(benchmark::kMillisecond);

// End to end, one client thread: 100 cc_and transactions on distinct new keys, each
// proposed (User1 signs), endorsed by peer0.org1 and peer0.org2 in turn, made into an
// envelope, then ordered into one block (orderer0 signs) and submitted to the channel
// (block verification, validation on its thread pool, MVCC, durable commit). Every
// transaction must come back VALID. Per block of 100; items/s is committed tx/s. The
// ledger grows by one block per iteration.
void BM_EndToEnd100(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  static uint64_t next_key = 0;  // distinct keys across iterations and repetitions
  Fixture& f = F();
  for (auto _ : state) {
    std::vector<std::string> envelopes;
    absl::Status status;
    for (size_t i = 0; i < kBlockTxs && status.ok(); ++i) {
      absl::StatusOr<SignedProposal> p =
          f.Propose("cc_and", absl::StrCat("e2e-", next_key++), "value");
      absl::StatusOr<std::string> tx =
          p.ok() ? f.Transaction(*p, {f.peer1.get(), f.peer2.get()}) : p.status();
      if (tx.ok()) envelopes.push_back(*std::move(tx));
      status = tx.status();
    }
    BREAK_IF_ERROR(state, status);
    absl::StatusOr<BlockResult> r = f.OrderAndCommit(std::move(envelopes));
    BREAK_IF_ERROR(state, r.status());
    BREAK_IF_ERROR(state, Fixture::CheckAllValid(*r, kBlockTxs));
  }
  state.SetItemsProcessed(state.iterations() * kBlockTxs);
}
BENCHMARK(BM_EndToEnd100)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  delete g_fixture;  // closes the ledger and removes its directory
  return 0;
}
