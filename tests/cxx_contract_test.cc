// A contract written in C++ with fabric/contract.hpp, hosted through libfabricpeer.so as
// a C++ host links it: two endorsing peers (Org1 and Org2) of a channel that replayed the
// conformance chain endorse a put (with an event and a key-level policy), the transaction
// is assembled, cut into a block by an orderer identity and committed VALID; queries see
// it through every stub call; exceptions become status 500; a stub error is a
// fabric::Error the contract can catch; fabric::Endorser keeps its contracts alive.
//
// contract.hpp comes first: this also checks that it compiles on its own (strict flags).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fabric/contract.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "lib/testing/temp_dir.h"
#include "tests/ctest.h"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kChannel[] = "mychannel";
constexpr char kChaincode[] = "cc_and";  // AND('Org1MSP.peer','Org2MSP.peer')
constexpr char kOrg1[] = VECTORS "msp/peerOrganizations/org1.example.com/";
constexpr char kOrg2[] = VECTORS "msp/peerOrganizations/org2.example.com/";

// ---- The contract ---------------------------------------------------------------------

class Assets : public fabric::Contract {
 public:
  fabric::Response Invoke(fabric::Stub& stub) override {
    ++calls;
    const fabric::Invocation& inv = stub.invocation();
    const std::string& fn = inv.function;
    if (fn == "put") return Put(stub, inv.args.at(0), inv.args.at(1));
    if (fn == "get") return Get(stub, inv.args.at(0));
    if (fn == "scan") return Scan(stub);
    if (fn == "policy") {
      return fabric::Response::Ok(stub.GetStateMetadata(inv.args.at(0)).at("VALIDATION_PARAMETER"));
    }
    if (fn == "history") {
      return fabric::Response::Ok(stub.GetHistoryForKey(inv.args.at(0)).at(0).txid);
    }
    if (fn == "invocation") return Describe(stub);
    if (fn == "try_put") {  // try_put key [paged]: a paginated query first if "paged"
      try {
        if (inv.args.size() > 1 && inv.args[1] == "paged") {
          stub.GetStateByRangeWithPagination("", "", 1, "");
        }
        stub.PutState(inv.args.at(0), "v");
        return fabric::Response::Ok("written");
      } catch (const fabric::Error& e) {
        return fabric::Response::Ok(std::string(e.code_name()) + ": " + e.what());
      }
    }
    if (fn == "throw") throw std::runtime_error("deliberate: " + inv.args.at(0));
    if (fn == "throw_int") throw 42;
    return fabric::Response::Error("unknown function " + fn);
  }

  std::atomic<int> calls{0};

 private:
  // put K V: writes K and the composite key ("asset", "cxx", K); K's key-level policy
  // from the transient field "policy" if given; reads the range [K, K~); event "stored"
  // = K. Responds with K's old value ("" if none).
  static fabric::Response Put(fabric::Stub& stub, const std::string& k, const std::string& v) {
    const std::optional<std::string> old = stub.GetState(k);
    stub.PutState(k, v);
    stub.PutState(fabric::CreateCompositeKey("asset", {"cxx", k}), v);
    if (std::optional<std::string> policy = stub.transient("policy")) {
      stub.SetStateValidationParameter(k, *policy);
    }
    if (stub.GetStateByRange(k, k + "~").size() != (old ? 1u : 0u)) {
      return fabric::Response::Error("the range does not match the committed state");
    }
    stub.SetEvent("stored", k);
    return fabric::Response::Ok(old.value_or(""));
  }

  static fabric::Response Get(fabric::Stub& stub, const std::string& k) {
    std::optional<std::string> value = stub.GetState(k);
    if (!value) return {404, "no such key", ""};
    return fabric::Response::Ok(*std::move(value));
  }

  // "R P N C": the keys in the range of the cxx_ keys, read whole (R) and a page of one
  // at a time (P, in N pages), and the ("asset", "cxx") composite keys (C).
  static fabric::Response Scan(fabric::Stub& stub) {
    const size_t range = stub.GetStateByRange("cxx_", "cxx_~").size();
    size_t paged = 0, pages = 0;
    std::string bookmark;
    do {
      fabric::RangePage page = stub.GetStateByRangeWithPagination("cxx_", "cxx_~", 1, bookmark);
      paged += page.kvs.size();
      bookmark = std::move(page.bookmark);
    } while (!bookmark.empty() && ++pages < 100);
    const size_t partial = stub.GetStateByPartialCompositeKey("asset", {"cxx"}).size();
    return fabric::Response::Ok(std::to_string(range) + " " + std::to_string(paged) + " " +
                                std::to_string(pages + 1) + " " + std::to_string(partial));
  }

  // The invocation, one field a line.
  static fabric::Response Describe(const fabric::Stub& stub) {
    const fabric::Invocation& inv = stub.invocation();
    std::string out =
        inv.channel_id + "\n" + inv.chaincode + "\n" + inv.txid + "\n" + inv.function + "\n" +
        inv.creator_mspid + "\n" + std::to_string(inv.timestamp_seconds) + "." +
        std::to_string(inv.timestamp_nanos) + "\n" + (inv.is_query ? "query" : "proposal") + "\n" +
        stub.transient("note").value_or("(none)") + "\n" +
        stub.transient("absent").value_or("(none)") + "\n" +
        (inv.creator.empty() ? "no creator" : "creator");
    for (const std::string& arg : inv.args) out += "\n" + arg;
    return fabric::Response::Ok(out);
  }
};

// ---- The host -------------------------------------------------------------------------

std::string Text(const uint8_t* data, size_t len) {
  return len == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), len);
}

fabric_bytes BytesOf(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Payload(const fabric_proposal_result* r) {
  size_t len = 0;
  const uint8_t* p = fabric_proposal_result_payload(r, &len);
  return Text(p, len);
}

size_t ResponseSize(const fabric_proposal_result* r) {
  size_t len = 0;
  fabric_proposal_result_response(r, &len);
  return len;
}

// A channel that replayed the conformance chain, its peers hosting one Assets as cc_and,
// and the identities of a client and an orderer. Members in order of release, last first.
struct Network {
  fabric::ChannelPtr channel;
  fabric::SignerPtr user, orderer;
  std::shared_ptr<Assets> assets = std::make_shared<Assets>();
  std::unique_ptr<fabric::Endorser> peers[2];
};

class CxxContractTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    net_ = new Network;
    const std::string dir = fabric::testing::FreshTempDir("cxx_contract");
    net_->channel = Replay(dir);
    ASSERT_TRUE(net_->channel);
    EXPECT_GT(ctest_channel_height(net_->channel.get()), 20u);
    net_->user.reset(
        ctest_load_signer("Org1MSP", (std::string(kOrg1) + "users/User1@org1.example.com").c_str(),
                          "User1@org1.example.com"));
    net_->orderer.reset(ctest_load_signer(
        "OrdererMSP", VECTORS "msp/ordererOrganizations/example.com/orderers/orderer0.example.com",
        "orderer0.example.com"));
    fabric::SignerPtr peer_signers[2] = {
        fabric::SignerPtr(ctest_load_signer(
            "Org1MSP", (std::string(kOrg1) + "peers/peer0.org1.example.com").c_str(),
            "peer0.org1.example.com")),
        fabric::SignerPtr(ctest_load_signer(
            "Org2MSP", (std::string(kOrg2) + "peers/peer0.org2.example.com").c_str(),
            "peer0.org2.example.com"))};
    ASSERT_TRUE(net_->user && net_->orderer && peer_signers[0] && peer_signers[1]);
    for (int i = 0; i < 2; ++i) {
      // The endorser keeps its own reference to the signer, which is freed here.
      net_->peers[i] =
          std::make_unique<fabric::Endorser>(net_->channel.get(), peer_signers[i].get());
      net_->peers[i]->RegisterContract(kChaincode, net_->assets);
    }
  }

  static void TearDownTestSuite() {
    delete net_;
    net_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(net_, nullptr);
    ASSERT_TRUE(net_->peers[0] && net_->peers[1]) << "the suite's set-up failed";
  }

  // Creates the channel in `dir` and submits the conformance blocks (one that
  // verification rejects is committed unverified, as the vectors record it).
  static fabric::ChannelPtr Replay(const std::string& dir) {
    size_t len = 0;
    std::unique_ptr<uint8_t, decltype(&std::free)> genesis(
        ctest_read_file(VECTORS "genesis.block", &len), &std::free);
    if (genesis == nullptr) return nullptr;
    fabric_channel* ch = nullptr;
    fabric::ErrorOut err;
    err.Check(fabric_channel_create(&ch, dir.c_str(), genesis.get(), len, nullptr, err.out()));
    fabric::ChannelPtr channel(ch);
    for (int n = 1;; ++n) {
      char path[256];
      std::snprintf(path, sizeof path, VECTORS "blocks/%06d.block", n);
      if (!ctest_file_exists(path)) break;
      std::unique_ptr<uint8_t, decltype(&std::free)> block(ctest_read_file(path, &len), &std::free);
      EXPECT_TRUE(block) << path;
      if (block == nullptr) continue;
      if (fabric_channel_submit(nullptr, ch, block.get(), len, 0, nullptr) != FABRIC_OK) {
        EXPECT_EQ(fabric_channel_submit(nullptr, ch, block.get(), len,
                                        FABRIC_SUBMIT_SKIP_VERIFICATION, nullptr),
                  FABRIC_OK);
      }
    }
    return channel;
  }

  // A signed proposal by the user invoking cc_and with `args`; its txid into *txid.
  static std::string Propose(const std::vector<std::string>& args, std::string* txid = nullptr,
                             const fabric_proposal_options* options = nullptr) {
    std::vector<fabric_bytes> c_args;
    for (const std::string& a : args) c_args.push_back(BytesOf(a));
    fabric::Buf proposal;
    char id[FABRIC_TXID_SIZE];
    fabric::ErrorOut err;
    err.Check(fabric_proposal_create(proposal.out(), id, net_->user.get(), kChannel, kChaincode,
                                     c_args.data(), c_args.size(), options, err.out()));
    if (txid != nullptr) *txid = id;
    return proposal.str();
  }

  // Endorses `proposal` on both peers (status 200 each) and assembles the transaction.
  static std::string EndorseBoth(const std::string& proposal, const std::string& txid) {
    fabric::ProposalResultPtr results[2];
    fabric_bytes responses[2];
    for (int i = 0; i < 2; ++i) {
      results[i] = net_->peers[i]->Endorse(proposal);
      EXPECT_EQ(fabric_proposal_result_txid(results[i].get()), txid);
      EXPECT_EQ(fabric_proposal_result_status(results[i].get()), fabric::kStatusOk)
          << fabric_proposal_result_message(results[i].get());
      responses[i].data = fabric_proposal_result_response(results[i].get(), &responses[i].len);
      EXPECT_GT(responses[i].len, 0u);
    }
    fabric::Buf envelope;
    fabric::ErrorOut err;
    err.Check(fabric_tx_assemble(envelope.out(), net_->user.get(),
                                 reinterpret_cast<const uint8_t*>(proposal.data()), proposal.size(),
                                 responses, 2, err.out()));
    return envelope.str();
  }

  static fabric::LedgerPtr Ledger() {
    fabric_ledger* l = nullptr;
    fabric::ErrorOut err;
    err.Check(fabric_channel_ledger(&l, net_->channel.get(), err.out()));
    return fabric::LedgerPtr(l);
  }

  // Cuts the envelope into the next block with an assembler continuing the chain and
  // submits it; returns the outcome.
  static fabric::BlockResultPtr Commit(const std::string& envelope) {
    fabric::ErrorOut err;
    fabric::LedgerPtr ledger = Ledger();
    fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
    err.Check(fabric_ledger_chain_info(&info, ledger.get(), err.out()));
    fabric::Buf last;
    err.Check(fabric_ledger_block_by_number(last.out(), ledger.get(), info.height - 1, err.out()));
    fabric_block_assembler* a = nullptr;
    err.Check(fabric_block_assembler_create(&a, last.data(), last.size(), net_->orderer.get(),
                                            nullptr, err.out()));
    fabric::BlockAssemblerPtr assembler(a);
    std::vector<std::string> cut_early;
    err.Check(fabric_block_assembler_add(
        a, reinterpret_cast<const uint8_t*>(envelope.data()), envelope.size(),
        [](const uint8_t* block, size_t len, void* payload) {
          static_cast<std::vector<std::string>*>(payload)->push_back(Text(block, len));
        },
        &cut_early, err.out()));
    EXPECT_TRUE(cut_early.empty());
    fabric::Buf block;
    err.Check(fabric_block_assembler_cut(block.out(), a, err.out()));
    fabric_block_result* r = nullptr;
    err.Check(
        fabric_channel_submit(&r, net_->channel.get(), block.data(), block.size(), 0, err.out()));
    EXPECT_EQ(fabric_block_result_number(r), info.height);
    return fabric::BlockResultPtr(r);
  }

  // The committed value of `key` in cc_and's namespace.
  static std::optional<std::string> Committed(const std::string& key) {
    fabric::LedgerPtr ledger = Ledger();
    fabric::Buf value;
    fabric::ErrorOut err;
    const int rc = fabric_ledger_get_state(value.out(), nullptr, nullptr, ledger.get(), kChaincode,
                                           reinterpret_cast<const uint8_t*>(key.data()), key.size(),
                                           err.out());
    if (rc == FABRIC_ENOTFOUND) return std::nullopt;
    err.Check(rc);
    return value.str();
  }

  static Network* net_;
};

Network* CxxContractTest::net_ = nullptr;

TEST_F(CxxContractTest, EndorsedPutCommitsValidAndQueriesSeeIt) {
  fabric::Buf policy;
  fabric::ErrorOut err;
  err.Check(fabric_policy_compile(policy.out(), "AND('Org1MSP.peer','Org2MSP.peer')", err.out()));
  fabric_proposal_options opts = FABRIC_PROPOSAL_OPTIONS_INIT;
  fabric_transient_entry transient{"policy", policy.data(), policy.size()};
  opts.transient = &transient;
  opts.num_transient = 1;
  std::string txid;
  const std::string proposal = Propose({"put", "cxx_key", "cxx_value"}, &txid, &opts);
  const int calls = net_->assets->calls;
  const std::string envelope = EndorseBoth(proposal, txid);
  ASSERT_FALSE(envelope.empty());
  EXPECT_EQ(net_->assets->calls.load(), calls + 2);  // one Assets, hosted by both peers

  fabric::BlockResultPtr result = Commit(envelope);
  ASSERT_EQ(fabric_block_result_tx_count(result.get()), 1u);
  const fabric_tx_result* tx = fabric_block_result_tx(result.get(), 0);
  EXPECT_EQ(tx->txid, txid);
  EXPECT_EQ(tx->code, 0) << tx->reason;  // VALID
  ASSERT_EQ(fabric_block_result_event_count(result.get()), 1u);
  const fabric_chaincode_event* event = fabric_block_result_event(result.get(), 0);
  EXPECT_STREQ(event->chaincode_id, kChaincode);
  EXPECT_STREQ(event->event_name, "stored");
  EXPECT_EQ(Text(event->data, event->data_len), "cxx_key");
  EXPECT_EQ(Committed("cxx_key"), "cxx_value");
  EXPECT_EQ(Committed(fabric::CreateCompositeKey("asset", {"cxx", "cxx_key"})), "cxx_value");

  // Its txid is committed: the endorser refuses the proposal before the contract runs.
  try {
    net_->peers[0]->Endorse(proposal);
    ADD_FAILURE() << "a committed txid was endorsed again";
  } catch (const fabric::Error& e) {
    EXPECT_EQ(e.code(), FABRIC_ECONFLICT) << e.what();
  }

  // Queries see the committed state through each stub call.
  struct Query {
    std::vector<std::string> args;
    int32_t status;
    std::string payload;
  };
  const Query queries[] = {
      {{"get", "cxx_key"}, fabric::kStatusOk, "cxx_value"},
      {{"get", "cxx_nothing"}, 404, ""},
      {{"policy", "cxx_key"}, fabric::kStatusOk, policy.str()},
      {{"scan"}, fabric::kStatusOk, "1 1 1 1"},
      {{"history", "cxx_key"}, fabric::kStatusOk, txid},
  };
  for (const Query& q : queries) {
    for (int i = 0; i < 2; ++i) {
      fabric::ProposalResultPtr r = net_->peers[i]->Evaluate(Propose(q.args));
      EXPECT_EQ(fabric_proposal_result_status(r.get()), q.status)
          << q.args[0] << ": " << fabric_proposal_result_message(r.get());
      EXPECT_EQ(Payload(r.get()), q.payload) << q.args[0];
      EXPECT_EQ(ResponseSize(r.get()), 0u);  // a query is never endorsed
    }
  }
}

TEST_F(CxxContractTest, InvocationReachesTheContract) {
  const std::string binary("b\0c", 3);
  fabric_proposal_options opts = FABRIC_PROPOSAL_OPTIONS_INIT;
  fabric_transient_entry transient{"note", reinterpret_cast<const uint8_t*>("hello"), 5};
  opts.transient = &transient;
  opts.num_transient = 1;
  opts.timestamp_seconds = 1700000000;
  opts.timestamp_nanos = 7;
  std::string txid;
  const std::string proposal = Propose({"invocation", "a", binary, ""}, &txid, &opts);
  fabric::ProposalResultPtr r = net_->peers[1]->Evaluate(proposal);
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusOk);
  EXPECT_EQ(Payload(r.get()), "mychannel\ncc_and\n" + txid +
                                  "\ninvocation\nOrg1MSP\n1700000000.7\nquery\nhello\n(none)\n"
                                  "creator\na\n" +
                                  binary + "\n");
}

TEST_F(CxxContractTest, ExceptionsBecomeStatus500) {
  fabric::ProposalResultPtr r = net_->peers[0]->Endorse(Propose({"throw", "x"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusError);
  EXPECT_STREQ(fabric_proposal_result_message(r.get()), "deliberate: x");
  EXPECT_EQ(ResponseSize(r.get()), 0u);  // not endorsed

  r = net_->peers[1]->Evaluate(Propose({"throw_int"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusError);
  EXPECT_STREQ(fabric_proposal_result_message(r.get()), "unknown error");

  // A stub error the contract lets go: PutState refuses an empty key.
  r = net_->peers[0]->Endorse(Propose({"put", "", "v"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusError);
  EXPECT_THAT(fabric_proposal_result_message(r.get()), HasSubstr("empty"));
  EXPECT_EQ(ResponseSize(r.get()), 0u);

  // A std::exception from the standard library (std::out_of_range from args.at).
  r = net_->peers[0]->Evaluate(Propose({"get"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusError);
  EXPECT_STRNE(fabric_proposal_result_message(r.get()), "");
  EXPECT_STRNE(fabric_proposal_result_message(r.get()), "unknown error");
}

TEST_F(CxxContractTest, StubErrorIsAnErrorTheContractCanCatch) {
  // A write after a paginated query: the stub refuses it with FABRIC_ECONFLICT.
  fabric::ProposalResultPtr r = net_->peers[0]->Endorse(Propose({"try_put", "cxx_q", "paged"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusOk);
  EXPECT_THAT(Payload(r.get()), StartsWith("FABRIC_ECONFLICT: "));
  // A write in a query is simulated and dropped, as in Fabric's evaluate.
  r = net_->peers[0]->Evaluate(Propose({"try_put", "cxx_q"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusOk);
  EXPECT_EQ(Payload(r.get()), "written");
  EXPECT_EQ(ResponseSize(r.get()), 0u);
  // The same write in a proposal succeeds (and, never committed, stays out of the state).
  r = net_->peers[0]->Endorse(Propose({"try_put", "cxx_q"}));
  EXPECT_EQ(fabric_proposal_result_status(r.get()), fabric::kStatusOk);
  EXPECT_EQ(Payload(r.get()), "written");
  EXPECT_GT(ResponseSize(r.get()), 0u);
  EXPECT_EQ(Committed("cxx_q"), std::nullopt);
}

TEST_F(CxxContractTest, EndorserOwnsItsContracts) {
  auto first = std::make_shared<Assets>();
  auto second = std::make_shared<Assets>();
  std::weak_ptr<Assets> first_alive = first, second_alive = second;
  {
    fabric::SignerPtr signer(
        ctest_load_signer("Org1MSP", (std::string(kOrg1) + "peers/peer0.org1.example.com").c_str(),
                          "peer0.org1.example.com"));
    ASSERT_TRUE(signer);
    fabric::Endorser endorser(net_->channel.get(), signer.get());
    endorser.RegisterContract(kChaincode, std::move(first));
    endorser.RegisterContract(kChaincode, second);  // replaces the first
    fabric::ProposalResultPtr r = endorser.Evaluate(Propose({"get", "cxx_nothing"}));
    EXPECT_EQ(fabric_proposal_result_status(r.get()), 404);
    EXPECT_EQ(second->calls.load(), 1);
    second.reset();
    // Both are kept: calls that started before the replacement may still run the first.
    EXPECT_FALSE(first_alive.expired());
    EXPECT_FALSE(second_alive.expired());

    try {
      endorser.RegisterContract("_lifecycle", std::make_shared<Assets>());
      ADD_FAILURE() << "_lifecycle was registered";
    } catch (const fabric::Error& e) {
      EXPECT_EQ(e.code(), FABRIC_EINVAL) << e.what();
    }
    try {
      endorser.RegisterContract("cc_or", nullptr);
      ADD_FAILURE() << "a null contract was registered";
    } catch (const fabric::Error& e) {
      EXPECT_EQ(e.code(), FABRIC_EINVAL) << e.what();
    }
  }
  EXPECT_TRUE(first_alive.expired());
  EXPECT_TRUE(second_alive.expired());
}

TEST(CxxContractKeys, CompositeKeysRoundTrip) {
  const std::string key = fabric::CreateCompositeKey("asset", {"cxx", "k1"});
  EXPECT_EQ(key, std::string("\0asset\0cxx\0k1\0", 14));
  const auto [object_type, attributes] = fabric::SplitCompositeKey(key);
  EXPECT_EQ(object_type, "asset");
  EXPECT_EQ(attributes, (std::vector<std::string>{"cxx", "k1"}));
  EXPECT_EQ(fabric::SplitCompositeKey(fabric::CreateCompositeKey("t", {})).second.size(), 0u);

  const auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const fabric::Error& e) {
      return e.code();
    }
    return static_cast<int>(FABRIC_OK);
  };
  // U+10FFFF (refused by the library) and a NUL (refused before the C call).
  EXPECT_EQ(code_of([] { fabric::CreateCompositeKey("asset", {"a\xf4\x8f\xbf\xbf"}); }),
            FABRIC_EINVAL);
  EXPECT_EQ(code_of([] { fabric::CreateCompositeKey("asset", {std::string("a\0b", 3)}); }),
            FABRIC_EINVAL);
  EXPECT_EQ(code_of([] { fabric::SplitCompositeKey("plain"); }), FABRIC_EMALFORMED);
}

TEST(CxxContractKeys, BufOwnsTheLibrarysBytes) {
  fabric::Buf a;
  fabric::ErrorOut err;
  err.Check(fabric_policy_compile(a.out(), "OR('Org1MSP.peer')", err.out()));
  ASSERT_GT(a.size(), 0u);
  const std::string bytes = a.str();
  fabric::Buf b = std::move(a);
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.str(), bytes);
  try {
    err.Check(fabric_policy_compile(b.out(), "OR(", err.out()));
    ADD_FAILURE() << "a syntax error compiled";
  } catch (const fabric::Error& e) {
    EXPECT_EQ(e.code(), FABRIC_EMALFORMED);
    EXPECT_STREQ(e.code_name(), "FABRIC_EMALFORMED");
  }
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
