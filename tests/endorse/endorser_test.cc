// The endorser against the conformance network: the vectors' chain replayed into a
// channel, our peers endorse proposals from the vectors' users, the client assembles
// the transactions, orderer0 signs the blocks, and the channel (which validates as
// Fabric does on the vectors) decides. A VALID transaction here is the proof that our
// proposal responses, read-write sets and endorsements are what Fabric's validator
// accepts.
#include "lib/endorse/endorser.h"

#include <filesystem>
#include <functional>
#include <initializer_list>
#include <thread>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"
#include "lib/chaincode/definition.h"
#include "lib/channel/channel.h"
#include "lib/client/client.h"
#include "lib/endorse/lifecycle_contract.h"
#include "lib/ordering/block_assembler.h"
#include "lib/policy/testing/deep_policies.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/chaincode_event.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/lifecycle.pb.h"
#include "lib/wire/proto/policies.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/rwset.pb.h"

namespace fabric::endorse {
namespace {

using channel::BlockResult;
using client::SignedProposal;
using protos::TxValidationCode;

// A key-value contract with a function per behaviour under test.
class KvContract : public Contract {
 public:
  Response Invoke(Stub& stub) override {
    const Invocation& inv = stub.invocation();
    auto arg = [&](size_t i) { return i < inv.args.size() ? inv.args[i] : std::string(); };
    if (inv.function == "put") {  // put k v [event-name event-payload]
      if (absl::Status s = stub.PutState(arg(0), arg(1)); !s.ok()) return Error(s);
      if (inv.args.size() > 2) {
        if (absl::Status s = stub.SetEvent(arg(2), arg(3)); !s.ok()) return Error(s);
      }
      return Response::Ok();
    }
    if (inv.function == "get") {
      auto v = stub.GetState(arg(0));
      if (!v.ok()) return Error(v.status());
      if (!v->has_value()) return Response{404, "absent", ""};
      return Response::Ok(**v);
    }
    if (inv.function == "update") {  // reads k, then writes it
      auto v = stub.GetState(arg(0));
      if (!v.ok()) return Error(v.status());
      if (absl::Status s = stub.PutState(arg(0), arg(1)); !s.ok()) return Error(s);
      return Response::Ok(v->value_or(""));
    }
    if (inv.function == "putget") {  // writes k, then reads it: the committed value
      if (absl::Status s = stub.PutState(arg(0), arg(1)); !s.ok()) return Error(s);
      auto v = stub.GetState(arg(0));
      if (!v.ok()) return Error(v.status());
      return Response::Ok(v->value_or("<absent>"));
    }
    if (inv.function == "putpolicy") {  // writes k and gives it a policy
      if (absl::Status s = stub.PutState(arg(0), arg(1)); !s.ok()) return Error(s);
      if (absl::Status s = stub.SetStateValidationParameter(arg(0), arg(2)); !s.ok()) {
        return Error(s);
      }
      return Response::Ok();
    }
    if (inv.function == "setpolicy") {
      if (absl::Status s = stub.SetStateValidationParameter(arg(0), arg(1)); !s.ok()) {
        return Error(s);
      }
      return Response::Ok();
    }
    if (inv.function == "count") {  // count [start, end) and write the count to key
      auto kvs = stub.GetStateByRange(arg(0), arg(1));
      if (!kvs.ok()) return Error(kvs.status());
      const std::string n = std::to_string(kvs->size());
      if (absl::Status s = stub.PutState(arg(2), n); !s.ok()) return Error(s);
      return Response::Ok(n);
    }
    if (inv.function == "fail") return Response::Error(arg(0));
    if (inv.function == "okwith") return Response{200, arg(0), ""};  // a success's message
    if (inv.function == "whoami") {
      auto secret = inv.transient.find("secret");
      return Response::Ok(absl::StrCat(
          inv.channel_id, "|", inv.txid, "|", inv.chaincode, "|", inv.creator_mspid, "|",
          secret == inv.transient.end() ? "" : secret->second, "|", inv.timestamp_seconds, "|",
          inv.is_query ? "query" : "endorse", "|", inv.args.size()));
    }
    return Response::Error("unknown function " + inv.function);
  }

 private:
  static Response Error(const absl::Status& s) { return Response::Error(std::string(s.message())); }
};

std::shared_ptr<const identity::SigningIdentity> Load(const std::string& mspid,
                                                      const std::string& rel) {
  auto id = identity::SigningIdentity::FromMspDir(mspid, testing::ConformanceDir() + "/msp/" + rel);
  EXPECT_TRUE(id.ok()) << rel << ": " << id.status();
  return id.ok() ? std::shared_ptr<const identity::SigningIdentity>(*std::move(id)) : nullptr;
}

std::string PeerDir(int org) {
  return absl::StrCat("peerOrganizations/org", org, ".example.com/peers/peer0.org", org,
                      ".example.com/msp");
}

template <typename M>
M ParseAs(const std::string& bytes) {
  M m;
  EXPECT_TRUE(m.ParseFromString(bytes)) << m.GetTypeName();
  return m;
}

// The ChaincodeAction inside a ProposalResponse.
protos::ChaincodeAction ActionOf(const std::string& proposal_response) {
  auto pr = ParseAs<protos::ProposalResponse>(proposal_response);
  auto payload = ParseAs<protos::ProposalResponsePayload>(pr.payload());
  return ParseAs<protos::ChaincodeAction>(payload.extension());
}

// Namespace -> its KVRWSet.
std::map<std::string, kvrwset::KVRWSet> Namespaces(const std::string& rwset) {
  std::map<std::string, kvrwset::KVRWSet> out;
  const auto tx = ParseAs<::rwset::TxReadWriteSet>(rwset);
  for (const ::rwset::NsReadWriteSet& ns : tx.ns_rwset()) {
    out[ns.namespace_()] = ParseAs<kvrwset::KVRWSet>(ns.rwset());
  }
  return out;
}

class EndorserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fabric::testing::FreshTempDir(absl::StrCat(
        "endorser_test_", ::testing::UnitTest::GetInstance()->current_test_info()->name()));
    const std::string vectors = testing::ConformanceDir();
    auto genesis = testing::ReadFile(vectors + "/genesis.block");
    ASSERT_TRUE(genesis.ok()) << genesis.status();
    auto c = channel::Channel::Create(dir_, *genesis, channel::ChannelOptions());
    ASSERT_TRUE(c.ok()) << c.status();
    channel_ = *std::move(c);
    std::string last = *genesis;
    for (const std::string& path : testing::ListFiles(vectors + "/blocks", ".block")) {
      auto block = testing::ReadFile(path);
      ASSERT_TRUE(block.ok()) << block.status();
      auto r = channel_->Submit(*block, channel::SubmitOptions{.skip_verification = true});
      ASSERT_TRUE(r.ok()) << path << ": " << r.status();
      last = *std::move(block);
    }
    auto orderer =
        Load("OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com/msp");
    auto a = ordering::BlockAssembler::Create(last, orderer, ordering::BatchOptions());
    ASSERT_TRUE(a.ok()) << a.status();
    assembler_ = *std::move(a);

    user_ = Load("Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com/msp");
    for (int org = 1; org <= 3; ++org) {
      auto signer = Load(absl::StrCat("Org", org, "MSP"), PeerDir(org));
      ASSERT_NE(signer, nullptr);
      peers_.push_back(std::make_unique<Endorser>(channel_.get(), signer));
      for (const char* cc : {"cc_or", "cc_and", "cc_never", "cc_new", "cc_init"}) {
        ASSERT_TRUE(peers_.back()->RegisterContract(cc, contract_).ok());
      }
    }
    ASSERT_NE(user_, nullptr);
  }

  SignedProposal Propose(const std::string& cc, std::vector<std::string> args,
                         const identity::SigningIdentity* creator = nullptr,
                         std::string channel = "mychannel") {
    client::ProposalSpec spec;
    spec.channel_id = std::move(channel);
    spec.chaincode = cc;
    spec.args = std::move(args);
    auto p = client::CreateSignedProposal(creator ? *creator : *user_, spec);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : SignedProposal();
  }

  // `signed_proposal` changed by `change` and signed again by User1 (the txid, which
  // hashes the nonce and creator only, stays right).
  std::string Resign(const std::string& signed_proposal,
                     const std::function<void(protos::Proposal*, common::ChannelHeader*)>& change) {
    auto sp = ParseAs<protos::SignedProposal>(signed_proposal);
    auto proposal = ParseAs<protos::Proposal>(sp.proposal_bytes());
    auto header = ParseAs<common::Header>(proposal.header());
    auto ch = ParseAs<common::ChannelHeader>(header.channel_header());
    change(&proposal, &ch);
    header.set_channel_header(ch.SerializeAsString());
    proposal.set_header(header.SerializeAsString());
    sp.set_proposal_bytes(proposal.SerializeAsString());
    auto sig = user_->Sign(sp.proposal_bytes());
    EXPECT_TRUE(sig.ok()) << sig.status();
    sp.set_signature(sig.ok() ? *sig : "");
    return sp.SerializeAsString();
  }

  // The proposal responses of peers `orgs` (1-based), each endorsed.
  absl::StatusOr<std::vector<std::string>> EndorseBy(const SignedProposal& p,
                                                     std::initializer_list<int> orgs) {
    std::vector<std::string> out;
    for (int org : orgs) {
      absl::StatusOr<ProposalResult> r = peers_[org - 1]->Endorse(p.signed_proposal);
      if (!r.ok()) return r.status();
      if (r->proposal_response.empty()) {
        return absl::InternalError(
            absl::StrCat("not endorsed: ", r->response.status, " ", r->response.message));
      }
      out.push_back(r->proposal_response);
    }
    return out;
  }

  absl::StatusOr<std::string> Transaction(const SignedProposal& p,
                                          std::initializer_list<int> orgs) {
    absl::StatusOr<std::vector<std::string>> responses = EndorseBy(p, orgs);
    if (!responses.ok()) return responses.status();
    return client::CreateSignedTx(p.signed_proposal, *responses, *user_);
  }

  // One block of `envelopes`, cut by orderer0 and submitted (verified) to the channel.
  absl::StatusOr<BlockResult> CommitBlock(const std::vector<std::string>& envelopes) {
    for (const std::string& env : envelopes) {
      absl::StatusOr<std::vector<std::string>> cut = assembler_->Add(env);
      if (!cut.ok()) return cut.status();
      if (!cut->empty()) return absl::InternalError("unexpected cut");
    }
    absl::StatusOr<std::optional<std::string>> block = assembler_->Cut();
    if (!block.ok()) return block.status();
    if (!block->has_value()) return absl::InternalError("nothing to cut");
    return channel_->Submit(**block);
  }

  // Endorses, orders and commits one proposal; its final code.
  TxValidationCode Run(const SignedProposal& p, std::initializer_list<int> orgs) {
    absl::StatusOr<std::string> tx = Transaction(p, orgs);
    EXPECT_TRUE(tx.ok()) << tx.status();
    if (!tx.ok()) return protos::INVALID_OTHER_REASON;
    absl::StatusOr<BlockResult> r = CommitBlock({*tx});
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok() || r->txs.size() != 1) return protos::INVALID_OTHER_REASON;
    EXPECT_EQ(r->txs[0].txid, p.txid);
    return r->txs[0].code;
  }

  // `_lifecycle` ApproveChaincodeDefinitionForMyOrg of `definition` (the serialized
  // arguments of a commit, which an approval shares) by each org of `orgs`, endorsed by
  // that org's peer and committed. The channel keeps no private data here: approvals are
  // read back as hashes, as every peer reads other orgs' approvals.
  void Approve(const std::string& definition, std::initializer_list<int> orgs) {
    for (int org : orgs) {
      EXPECT_EQ(
          Run(Propose("_lifecycle", {"ApproveChaincodeDefinitionForMyOrg", definition}), {org}),
          protos::VALID)
          << "approval of Org" << org;
    }
  }

  std::optional<std::string> State(const std::string& ns, const std::string& key) {
    auto v = channel_->ledger().state().Get(ns, key);
    EXPECT_TRUE(v.ok()) << v.status();
    if (!v.ok() || !v->has_value()) return std::nullopt;
    return (*v)->value;
  }

  // The committed definition of `cc` (sequence 0 when undefined).
  chaincode::ChaincodeDefinition Definition(const std::string& cc) {
    auto def = chaincode::ReadChaincodeDefinition(channel_->ledger().state(), cc);
    EXPECT_TRUE(def.ok()) << def.status();
    return def.ok() && def->has_value() ? **def : chaincode::ChaincodeDefinition();
  }

  std::string dir_;
  std::unique_ptr<channel::Channel> channel_;
  std::unique_ptr<ordering::BlockAssembler> assembler_;
  std::shared_ptr<const identity::SigningIdentity> user_;
  std::shared_ptr<KvContract> contract_ = std::make_shared<KvContract>();
  std::vector<std::unique_ptr<Endorser>> peers_;  // peer0 of Org1, Org2, Org3
};

TEST_F(EndorserTest, TwoPeersEndorseATransactionTheValidatorAccepts) {
  SignedProposal p = Propose("cc_and", {"put", "k1", "v1", "made", "payload"});
  absl::StatusOr<std::string> tx = Transaction(p, {1, 2});
  ASSERT_TRUE(tx.ok()) << tx.status();
  absl::StatusOr<BlockResult> r = CommitBlock({*tx});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->txs.size(), 1u);
  EXPECT_EQ(r->txs[0].txid, p.txid);
  EXPECT_EQ(r->txs[0].code, protos::VALID) << r->txs[0].reason;
  EXPECT_EQ(State("cc_and", "k1"), "v1");
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].chaincode_id, "cc_and");
  EXPECT_EQ(r->events[0].txid, p.txid);
  EXPECT_EQ(r->events[0].event_name, "made");
  EXPECT_EQ(r->events[0].payload, "payload");
}

TEST_F(EndorserTest, ProposalResponseIsFabricsSignedLayout) {
  SignedProposal p = Propose("cc_or", {"put", "k", "v", "ev", "data"});
  absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(p.signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->txid, p.txid);
  EXPECT_EQ(r->response.status, 200);

  auto pr = ParseAs<protos::ProposalResponse>(r->proposal_response);
  EXPECT_EQ(pr.version(), 1);
  EXPECT_FALSE(pr.has_timestamp());
  EXPECT_EQ(pr.response().status(), 200);
  EXPECT_EQ(pr.endorsement().endorser(), peers_[0]->signer().serialized());
  auto endorser = channel_->config()->msps().Deserialize(pr.endorsement().endorser());
  ASSERT_TRUE(endorser.ok()) << endorser.status();
  EXPECT_TRUE((*endorser)
                  ->Verify(absl::StrCat(pr.payload(), pr.endorsement().endorser()),
                           pr.endorsement().signature())
                  .ok());

  // The proposal hash covers the headers and the payload without transient data.
  auto sp = ParseAs<protos::SignedProposal>(p.signed_proposal);
  auto proposal = ParseAs<protos::Proposal>(sp.proposal_bytes());
  auto header = ParseAs<common::Header>(proposal.header());
  protos::ChaincodeProposalPayload cpp;
  cpp.set_input(ParseAs<protos::ChaincodeProposalPayload>(proposal.payload()).input());
  auto prp = ParseAs<protos::ProposalResponsePayload>(pr.payload());
  EXPECT_EQ(prp.proposal_hash(),
            Sha256(absl::StrCat(header.channel_header(), header.signature_header(),
                                cpp.SerializeAsString())));

  protos::ChaincodeAction action = ActionOf(r->proposal_response);
  EXPECT_EQ(action.results(), r->rwset);
  EXPECT_EQ(action.chaincode_id().name(), "cc_or");
  EXPECT_EQ(action.chaincode_id().version(), "1.0");
  EXPECT_EQ(action.response().status(), 200);
  auto event = ParseAs<protos::ChaincodeEvent>(action.events());
  EXPECT_EQ(event.chaincode_id(), "cc_or");
  EXPECT_EQ(event.tx_id(), p.txid);
  EXPECT_EQ(event.event_name(), "ev");
  EXPECT_EQ(event.payload(), "data");
  ASSERT_EQ(pr.interest().chaincodes_size(), 1);
  EXPECT_EQ(pr.interest().chaincodes(0).name(), "cc_or");

  // No event: no event bytes, as Fabric's CreateCCEventBytes(nil).
  absl::StatusOr<ProposalResult> quiet =
      peers_[0]->Endorse(Propose("cc_or", {"put", "k", "v"}).signed_proposal);
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_TRUE(ActionOf(quiet->proposal_response).events().empty());
}

TEST_F(EndorserTest, ContractSeesTheProposal) {
  client::ProposalSpec spec{"mychannel", "cc_or", {"whoami", "a", "b"}, {{"secret", "s3"}}};
  auto p = client::CreateSignedProposal(*user_, spec);
  ASSERT_TRUE(p.ok()) << p.status();
  auto sp = ParseAs<protos::SignedProposal>(p->signed_proposal);
  auto ch = ParseAs<common::ChannelHeader>(
      ParseAs<common::Header>(ParseAs<protos::Proposal>(sp.proposal_bytes()).header())
          .channel_header());
  absl::StatusOr<ProposalResult> r = peers_[1]->Evaluate(p->signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.payload, absl::StrCat("mychannel|", p->txid, "|cc_or|Org1MSP|s3|",
                                              ch.timestamp().seconds(), "|query|2"));
  r = peers_[1]->Endorse(p->signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(absl::EndsWith(r->response.payload, "|endorse|2"));
}

TEST_F(EndorserTest, EvaluateAnswersWithoutEndorsingOrCommitting) {
  ASSERT_EQ(Run(Propose("cc_or", {"put", "ek", "committed"}), {1}), protos::VALID);
  const uint64_t height = channel_->ledger().chain_info().height;

  absl::StatusOr<ProposalResult> q =
      peers_[0]->Evaluate(Propose("cc_or", {"get", "ek"}).signed_proposal);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->response.status, 200);
  EXPECT_EQ(q->response.payload, "committed");
  EXPECT_TRUE(q->proposal_response.empty());
  EXPECT_TRUE(q->rwset.empty());

  // A query that writes: as Fabric's evaluate, the write is simulated and dropped.
  q = peers_[0]->Evaluate(Propose("cc_or", {"update", "ek", "changed"}).signed_proposal);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->response.status, kStatusOk) << q->response.message;
  EXPECT_EQ(q->response.payload, "committed");
  EXPECT_TRUE(q->proposal_response.empty());
  EXPECT_TRUE(q->rwset.empty());
  EXPECT_EQ(State("cc_or", "ek"), "committed");
  EXPECT_EQ(channel_->ledger().chain_info().height, height);

  // A query needs the channel's Readers, a proposal peer/Propose (the channel's
  // Writers): a peer is a Reader of the channel, not a Writer.
  auto peer = Load("Org2MSP", PeerDir(2));
  SignedProposal by_peer = Propose("cc_or", {"get", "ek"}, peer.get());
  absl::StatusOr<ProposalResult> e = peers_[0]->Evaluate(by_peer.signed_proposal);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->response.payload, "committed");
  e = peers_[0]->Endorse(by_peer.signed_proposal);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kPermissionDenied) << e.status();
  EXPECT_TRUE(absl::StrContains(e.status().message(), "/Channel/Application/Writers"))
      << e.status();
  // A rogue identity is neither.
  auto rogue = Load("Org1MSP", "rogue/users/User1@org1.example.com/msp");
  e = peers_[0]->Evaluate(Propose("cc_or", {"get", "ek"}, rogue.get()).signed_proposal);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kPermissionDenied) << e.status();
}

TEST_F(EndorserTest, ReadsSeeCommittedStateAndTheDefinitionSequenceIsRead) {
  ASSERT_EQ(Run(Propose("cc_or", {"put", "rk", "old"}), {1}), protos::VALID);
  absl::StatusOr<ProposalResult> r =
      peers_[0]->Endorse(Propose("cc_or", {"putget", "rk", "new"}).signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.payload, "old");  // no read of the transaction's own write

  std::map<std::string, kvrwset::KVRWSet> ns = Namespaces(r->rwset);
  ASSERT_EQ(ns.size(), 2u);
  const kvrwset::KVRWSet& lc = ns["_lifecycle"];
  ASSERT_EQ(lc.reads_size(), 1);
  EXPECT_EQ(lc.reads(0).key(), "namespaces/fields/cc_or/Sequence");
  auto seq = channel_->ledger().state().Get("_lifecycle", "namespaces/fields/cc_or/Sequence");
  ASSERT_TRUE(seq.ok() && seq->has_value());
  EXPECT_EQ(lc.reads(0).version().block_num(), (*seq)->version.block);
  EXPECT_EQ(lc.reads(0).version().tx_num(), (*seq)->version.tx);
  EXPECT_EQ(lc.writes_size(), 0);

  const kvrwset::KVRWSet& cc = ns["cc_or"];
  ASSERT_EQ(cc.reads_size(), 1);
  EXPECT_EQ(cc.reads(0).key(), "rk");
  auto rk = channel_->ledger().state().Get("cc_or", "rk");
  ASSERT_TRUE(rk.ok() && rk->has_value());
  EXPECT_EQ(cc.reads(0).version().block_num(), (*rk)->version.block);
  ASSERT_EQ(cc.writes_size(), 1);
  EXPECT_EQ(cc.writes(0).value(), "new");
}

TEST_F(EndorserTest, RejectedProposalsSayWhy) {
  auto expect = [&](const std::string& what, const std::string& signed_proposal,
                    absl::StatusCode code, const std::string& says) {
    absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(signed_proposal);
    EXPECT_EQ(r.status().code(), code) << what << ": " << r.status();
    EXPECT_TRUE(absl::StrContains(r.status().message(), says)) << what << ": " << r.status();
  };
  expect("garbage", "\xff\xff not a proposal", absl::StatusCode::kInvalidArgument, "unmarshal");

  auto rogue = Load("Org1MSP", "rogue/users/User1@org1.example.com/msp");
  expect("rogue", Propose("cc_or", {"put", "a", "b"}, rogue.get()).signed_proposal,
         absl::StatusCode::kPermissionDenied, "access denied");
  auto expired =
      Load("Org1MSP", "peerOrganizations/org1.example.com/users/Expired@org1.example.com/msp");
  expect("expired", Propose("cc_or", {"put", "a", "b"}, expired.get()).signed_proposal,
         absl::StatusCode::kPermissionDenied, "expired");

  // A signature over other bytes; a re-signed proposal whose txid is not the hash, or
  // whose header type is neither ENDORSER_TRANSACTION nor CONFIG.
  const std::string good = Propose("cc_or", {"put", "a", "b"}).signed_proposal;
  auto bad_signature = ParseAs<protos::SignedProposal>(good);
  absl::StatusOr<std::string> other = user_->Sign("something else");
  ASSERT_TRUE(other.ok()) << other.status();
  bad_signature.set_signature(*other);
  expect("bad signature", bad_signature.SerializeAsString(), absl::StatusCode::kPermissionDenied,
         "signature over the proposal is not valid");
  expect("bad txid",
         Resign(good, [](protos::Proposal*,
                         common::ChannelHeader* ch) { ch->set_tx_id(std::string(64, 'a')); }),
         absl::StatusCode::kInvalidArgument, "incorrectly computed txid");
  expect("message type",
         Resign(good, [](protos::Proposal*,
                         common::ChannelHeader* ch) { ch->set_type(common::MESSAGE); }),
         absl::StatusCode::kInvalidArgument, "invalid header type MESSAGE");
  expect("wrong channel",
         Propose("cc_or", {"put", "a", "b"}, nullptr, "otherchannel").signed_proposal,
         absl::StatusCode::kInvalidArgument, "channel 'otherchannel' not found");
  expect("undefined chaincode", Propose("cc_never", {"put", "a", "b"}).signed_proposal,
         absl::StatusCode::kNotFound, "chaincode cc_never not found");
  expect("unregistered contract", Propose("cc_2of3", {"put", "a", "b"}).signed_proposal,
         absl::StatusCode::kNotFound, "not installed");

  SignedProposal once = Propose("cc_or", {"put", "dup", "1"});
  ASSERT_EQ(Run(once, {1}), protos::VALID);
  expect("duplicate", once.signed_proposal, absl::StatusCode::kAlreadyExists,
         "duplicate transaction found [" + once.txid + "]");
}

// A response message is a protobuf string: one that is not UTF-8 (which a C++ contract
// can return) is an error of the contract, never signed.
TEST_F(EndorserTest, NonUtf8ResponseMessageIsAnErrorNotEndorsed) {
  absl::StatusOr<ProposalResult> bad =
      peers_[0]->Endorse(Propose("cc_or", {"okwith", "caf\xe9"}).signed_proposal);
  ASSERT_TRUE(bad.ok()) << bad.status();
  EXPECT_EQ(bad->response.status, 500);
  EXPECT_EQ(bad->response.message, "the contract's response message is not valid UTF-8");
  EXPECT_TRUE(bad->proposal_response.empty());
  absl::StatusOr<ProposalResult> good =
      peers_[0]->Endorse(Propose("cc_or", {"okwith", "caf\xc3\xa9"}).signed_proposal);
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->response.status, 200);
  EXPECT_FALSE(good->proposal_response.empty());
}

TEST_F(EndorserTest, ContractErrorIsTheResultAndIsNotEndorsed) {
  SignedProposal p = Propose("cc_or", {"fail", "boom"});
  absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(p.signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.status, 500);
  EXPECT_EQ(r->response.message, "boom");
  EXPECT_TRUE(r->proposal_response.empty());

  // What a Fabric peer sends back for it: a response, no endorsement.
  protos::ProposalResponse unendorsed;
  unendorsed.mutable_response()->set_status(r->response.status);
  unendorsed.mutable_response()->set_message(r->response.message);
  EXPECT_FALSE(
      client::CreateSignedTx(p.signed_proposal, {unendorsed.SerializeAsString()}, *user_).ok());
}

TEST_F(EndorserTest, SecondOfTwoConflictingUpdatesFailsMvcc) {
  ASSERT_EQ(Run(Propose("cc_or", {"put", "mk", "v0"}), {1}), protos::VALID);
  SignedProposal a = Propose("cc_or", {"update", "mk", "a"});
  SignedProposal b = Propose("cc_or", {"update", "mk", "b"});
  absl::StatusOr<std::string> ta = Transaction(a, {1});
  absl::StatusOr<std::string> tb = Transaction(b, {2});
  ASSERT_TRUE(ta.ok() && tb.ok()) << ta.status() << tb.status();
  absl::StatusOr<BlockResult> r = CommitBlock({*ta, *tb});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->txs.size(), 2u);
  EXPECT_EQ(r->txs[0].code, protos::VALID) << r->txs[0].reason;
  EXPECT_EQ(r->txs[1].code, protos::MVCC_READ_CONFLICT);
  EXPECT_EQ(State("cc_or", "mk"), "a");
}

// A range our simulator recorded, re-run by the committer: a key committed into it after
// simulation is a phantom, one committed outside it is not.
TEST_F(EndorserTest, KeyCommittedIntoASimulatedRangeIsAPhantom) {
  for (const char* k : {"r1", "r3"})
    ASSERT_EQ(Run(Propose("cc_or", {"put", k, "v"}), {1}), protos::VALID);
  SignedProposal counted = Propose("cc_or", {"count", "r0", "r9", "count-r"});
  SignedProposal untouched = Propose("cc_or", {"count", "r0", "r2", "count-r-low"});
  absl::StatusOr<std::string> t1 = Transaction(counted, {1});
  absl::StatusOr<std::string> t2 = Transaction(untouched, {2});
  ASSERT_TRUE(t1.ok() && t2.ok()) << t1.status() << t2.status();

  ASSERT_EQ(Run(Propose("cc_or", {"put", "r5", "new"}), {1}), protos::VALID);  // into [r0, r9) only

  absl::StatusOr<BlockResult> r = CommitBlock({*t1, *t2});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->txs.size(), 2u);
  EXPECT_EQ(r->txs[0].code, protos::PHANTOM_READ_CONFLICT) << r->txs[0].reason;
  EXPECT_EQ(r->txs[1].code, protos::VALID) << r->txs[1].reason;
  EXPECT_EQ(State("cc_or", "count-r"), std::nullopt);
  EXPECT_EQ(State("cc_or", "count-r-low"), "1");
}

// A key's policy that nests COMBINED principals 50,000 deep (each level its own
// bytes, so protobuf's depth limit never applies), or rules as deep as Go accepts,
// commits VALID; later writes of the key get Fabric's verdicts, and a failure's message
// is rendered without recursion (it once overflowed the validator's stack: a crash of
// every peer of the channel, on every restart).
TEST_F(EndorserTest, DeepKeyLevelPoliciesGetVerdictsNotCrashes) {
  const common::MSPPrincipal org2 = testing::NestedCombined(50000, testing::MemberOf("Org2MSP"));
  common::SignaturePolicyEnvelope combined;
  *combined.add_identities() = org2;
  combined.mutable_rule()->set_signed_by(0);
  const std::string deep_rule = testing::NestedRuleEnvelope(4999, testing::MemberOf("Org2MSP"));
  for (const std::string& policy : {combined.SerializeAsString(), deep_rule}) {
    ASSERT_EQ(Run(Propose("cc_or", {"putpolicy", "deep", "v0", policy}), {1}), protos::VALID);
    EXPECT_EQ(Run(Propose("cc_or", {"put", "deep", "v1"}), {1}),
              protos::ENDORSEMENT_POLICY_FAILURE);
    EXPECT_EQ(Run(Propose("cc_or", {"setpolicy", "deep", ""}), {2}), protos::VALID);
    EXPECT_EQ(State("cc_or", "deep"), "v0");
  }
}

TEST_F(EndorserTest, KeyLevelPolicyReplacesTheChaincodePolicy) {
  ASSERT_EQ(Run(Propose("cc_or", {"put", "sk", "v0"}), {1}), protos::VALID);
  // AND(Org1.peer, Org2.peer): cc_and's endorsement policy, as a key's policy.
  protos::ApplicationPolicy app;
  ASSERT_TRUE(app.ParseFromString(Definition("cc_and").validation_info.validation_parameter()));
  const std::string both = app.signature_policy().SerializeAsString();
  ASSERT_EQ(Run(Propose("cc_or", {"setpolicy", "sk", both}), {1}), protos::VALID);

  SignedProposal one = Propose("cc_or", {"put", "sk", "v1"});
  absl::StatusOr<std::vector<std::string>> responses = EndorseBy(one, {1});
  ASSERT_TRUE(responses.ok()) << responses.status();
  const protos::ChaincodeInterest interest =
      ParseAs<protos::ProposalResponse>((*responses)[0]).interest();
  ASSERT_EQ(interest.chaincodes_size(), 1);
  EXPECT_EQ(interest.chaincodes(0).key_policies_size(), 1);
  EXPECT_EQ(interest.chaincodes(0).key_policies(0).SerializeAsString(), both);
  EXPECT_TRUE(interest.chaincodes(0).disregard_namespace_policy());

  // A key both written and given metadata is one key of Fabric's write-set metadata:
  // its policy is in the interest once.
  absl::StatusOr<ProposalResult> both_ways =
      peers_[0]->Endorse(Propose("cc_or", {"putpolicy", "sk", "v9", both}).signed_proposal);
  ASSERT_TRUE(both_ways.ok()) << both_ways.status();
  const protos::ChaincodeInterest once =
      ParseAs<protos::ProposalResponse>(both_ways->proposal_response).interest();
  ASSERT_EQ(once.chaincodes_size(), 1);
  EXPECT_EQ(once.chaincodes(0).key_policies_size(), 1);

  EXPECT_EQ(Run(one, {1}), protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_EQ(Run(Propose("cc_or", {"put", "sk", "v2"}), {1, 2}), protos::VALID);
  EXPECT_EQ(State("cc_or", "sk"), "v2");
}

TEST_F(EndorserTest, ProposalsAreSimulatedConcurrently) {
  constexpr int kN = 8;
  std::vector<SignedProposal> proposals;
  for (int i = 0; i < kN; ++i) {
    proposals.push_back(Propose("cc_or", {"put", absl::StrCat("c", i), absl::StrCat(i)}));
  }
  std::vector<absl::StatusOr<ProposalResult>> results(kN, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back(
        [&, i] { results[i] = peers_[i % 2]->Endorse(proposals[i].signed_proposal); });
  }
  for (std::thread& t : threads) t.join();
  std::vector<std::string> envelopes;
  for (int i = 0; i < kN; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status();
    auto tx = client::CreateSignedTx(proposals[i].signed_proposal, {results[i]->proposal_response},
                                     *user_);
    ASSERT_TRUE(tx.ok()) << tx.status();
    envelopes.push_back(*tx);
  }
  absl::StatusOr<BlockResult> r = CommitBlock(envelopes);
  ASSERT_TRUE(r.ok()) << r.status();
  for (const channel::TxResult& t : r->txs) EXPECT_EQ(t.code, protos::VALID) << t.reason;
}

TEST_F(EndorserTest, ChaincodesAreRedefinedAndDefinedThroughLifecycle) {
  // Simulated against sequence 1, committed after sequence 2.
  absl::StatusOr<std::string> stale = Transaction(Propose("cc_or", {"put", "x", "stale"}), {1});
  ASSERT_TRUE(stale.ok()) << stale.status();

  const std::string or_policy = Definition("cc_or").validation_info.validation_parameter();
  const std::vector<std::string> redefinition =
      CommitChaincodeDefinitionArgs("cc_or", "2.0", 2, or_policy);
  // Not yet approved by the endorsing peer's org: refused.
  absl::StatusOr<ProposalResult> early =
      peers_[0]->Endorse(Propose("_lifecycle", redefinition).signed_proposal);
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(early->response.status, 500);
  EXPECT_TRUE(absl::StrContains(early->response.message,
                                "chaincode definition not agreed to by this org (Org1MSP)"))
      << early->response.message;
  Approve(redefinition[1], {1, 2, 3});
  SignedProposal redefine = Propose("_lifecycle", redefinition);
  absl::StatusOr<ProposalResult> sim = peers_[0]->Endorse(redefine.signed_proposal);
  ASSERT_TRUE(sim.ok()) << sim.status();
  EXPECT_EQ(sim->response.status, 200) << sim->response.message;
  EXPECT_EQ(ActionOf(sim->proposal_response).chaincode_id().version(), "syscc");
  std::map<std::string, kvrwset::KVRWSet> written = Namespaces(sim->rwset);
  for (const kvrwset::KVRead& read : written["_lifecycle"].reads()) {
    EXPECT_TRUE(absl::StartsWith(read.key(), "namespaces/")) << read.key();
    EXPECT_FALSE(absl::StrContains(read.key(), "/_lifecycle/")) << read.key();
  }
  // LifecycleEndorsement is a MAJORITY of the three orgs.
  EXPECT_EQ(Run(redefine, {1, 2, 3}), protos::VALID);
  chaincode::ChaincodeDefinition def = Definition("cc_or");
  EXPECT_EQ(def.sequence, 2);
  EXPECT_EQ(def.endorsement_info.version(), "2.0");
  EXPECT_EQ(def.endorsement_info.endorsement_plugin(), "escc");
  EXPECT_EQ(def.validation_info.validation_plugin(), "vscc");
  EXPECT_EQ(def.validation_info.validation_parameter(), or_policy);

  absl::StatusOr<BlockResult> r = CommitBlock({*stale});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->txs[0].code, protos::MVCC_READ_CONFLICT);
  EXPECT_FALSE(State("cc_or", "x").has_value());

  SignedProposal fresh = Propose("cc_or", {"put", "x", "fresh"});
  absl::StatusOr<ProposalResult> e = peers_[0]->Endorse(fresh.signed_proposal);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(ActionOf(e->proposal_response).chaincode_id().version(), "2.0");
  EXPECT_EQ(Run(fresh, {1}), protos::VALID);

  lifecycle::QueryChaincodeDefinitionArgs query;
  query.set_name("cc_or");
  absl::StatusOr<ProposalResult> q = peers_[2]->Evaluate(
      Propose("_lifecycle", {"QueryChaincodeDefinition", query.SerializeAsString()})
          .signed_proposal);
  ASSERT_TRUE(q.ok()) << q.status();
  ASSERT_EQ(q->response.status, 200) << q->response.message;
  auto result = ParseAs<lifecycle::QueryChaincodeDefinitionResult>(q->response.payload);
  EXPECT_EQ(result.sequence(), 2);
  EXPECT_EQ(result.version(), "2.0");
  EXPECT_EQ(result.validation_parameter(), or_policy);
  query.set_name("cc_absent");
  q = peers_[2]->Evaluate(
      Propose("_lifecycle", {"QueryChaincodeDefinition", query.SerializeAsString()})
          .signed_proposal);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->response.status, 404);

  // A sequence that does not follow the committed one is the contract's error.
  absl::StatusOr<ProposalResult> skip = peers_[0]->Endorse(
      Propose("_lifecycle", CommitChaincodeDefinitionArgs("cc_or", "3.0", 5, "")).signed_proposal);
  ASSERT_TRUE(skip.ok()) << skip.status();
  EXPECT_EQ(skip->response.status, 500);
  EXPECT_TRUE(absl::StrContains(skip->response.message,
                                "requested sequence is 5, but new definition must be sequence 3"))
      << skip->response.message;

  // A new chaincode with the default policy (MAJORITY Endorsement), then invoked.
  const std::vector<std::string> cc_new = CommitChaincodeDefinitionArgs("cc_new", "1.0", 1, "");
  Approve(cc_new[1], {1, 2});
  EXPECT_EQ(Run(Propose("_lifecycle", cc_new), {1, 2}), protos::VALID);
  EXPECT_EQ(Definition("cc_new").sequence, 1);
  EXPECT_EQ(Run(Propose("cc_new", {"put", "n", "1"}), {1}), protos::ENDORSEMENT_POLICY_FAILURE);
  EXPECT_EQ(Run(Propose("cc_new", {"put", "n", "2"}), {1, 3}), protos::VALID);
  EXPECT_EQ(State("cc_new", "n"), "2");
}

TEST_F(EndorserTest, DefinitionIsWrittenAsFabricWroteTheVectors) {
  // cc_meta was defined in block 1 by Fabric: version 1.0, sequence 1, default policy.
  const std::vector<std::string> copy = CommitChaincodeDefinitionArgs("cc-copy", "1.0", 1, "");
  Approve(copy[1], {1});
  absl::StatusOr<ProposalResult> r =
      peers_[0]->Endorse(Propose("_lifecycle", copy).signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->response.status, 200) << r->response.message;
  std::map<std::string, kvrwset::KVRWSet> ns = Namespaces(r->rwset);
  ASSERT_EQ(ns.size(), 1u);
  const kvrwset::KVRWSet& lc = ns["_lifecycle"];
  ASSERT_EQ(lc.writes_size(), 5);
  for (const kvrwset::KVWrite& w : lc.writes()) {
    std::string fabric_key = w.key();
    fabric_key.replace(fabric_key.find("cc-copy"), 7, "cc_meta");
    EXPECT_EQ(State("_lifecycle", fabric_key), w.value()) << w.key();
  }
  // Fabric's serializer reads the metadata and the sequence before writing.
  std::vector<std::string> reads;
  for (const kvrwset::KVRead& read : lc.reads()) reads.push_back(read.key());
  EXPECT_EQ(reads, (std::vector<std::string>{"namespaces/fields/cc-copy/Sequence",
                                             "namespaces/metadata/cc-copy"}));
}

TEST_F(EndorserTest, LifecycleIsBuiltIn) {
  EXPECT_EQ(peers_[0]->RegisterContract("_lifecycle", contract_).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(peers_[0]->RegisterContract("", contract_).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(peers_[0]->channel_id(), "mychannel");
}

// Every level of a proposal that does not parse or lacks what Fabric's UnpackProposal
// and Validate require is a returned status, never a crash.
TEST_F(EndorserTest, MalformedProposalsAreRefusedWithAStatus) {
  using Change = std::function<void(protos::Proposal*, common::ChannelHeader*)>;
  auto payload_change = [](const std::function<void(protos::ChaincodeInvocationSpec*)>& f) {
    return [f](protos::Proposal* proposal, common::ChannelHeader*) {
      auto payload = ParseAs<protos::ChaincodeProposalPayload>(proposal->payload());
      auto spec = ParseAs<protos::ChaincodeInvocationSpec>(payload.input());
      f(&spec);
      payload.set_input(spec.SerializeAsString());
      proposal->set_payload(payload.SerializeAsString());
    };
  };
  const std::vector<std::tuple<std::string, Change, std::string>> cases = {
      {"payload", [](protos::Proposal* p, common::ChannelHeader*) { p->set_payload("\xff"); },
       "unmarshal"},
      {"extension", [](protos::Proposal*, common::ChannelHeader* ch) { ch->set_extension("\xff"); },
       "unmarshal"},
      {"no chaincode id",
       [](protos::Proposal*, common::ChannelHeader* ch) { ch->clear_extension(); },
       "ChaincodeId is nil"},
      {"empty chaincode name",
       [](protos::Proposal*, common::ChannelHeader* ch) {
         protos::ChaincodeHeaderExtension e;
         e.mutable_chaincode_id();
         ch->set_extension(e.SerializeAsString());
       },
       "ChaincodeId.Name is empty"},
      {"no spec", payload_change([](protos::ChaincodeInvocationSpec* s) { s->Clear(); }),
       "did not contain chaincode spec"},
      {"no input", payload_change([](protos::ChaincodeInvocationSpec* s) {
         s->mutable_chaincode_spec()->clear_input();
       }),
       "did not contain any input"},
      {"epoch", [](protos::Proposal*, common::ChannelHeader* ch) { ch->set_epoch(1); },
       "epoch is non-zero"},
  };
  const SignedProposal p = Propose("cc_or", {"put", "m", "v"});
  for (const auto& [what, change, says] : cases) {
    absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(Resign(p.signed_proposal, change));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << what << ": " << r.status();
    EXPECT_TRUE(absl::StrContains(r.status().message(), says)) << what << ": " << r.status();
  }
  // A proposal header that does not parse.
  auto bad_header = ParseAs<protos::SignedProposal>(p.signed_proposal);
  auto proposal = ParseAs<protos::Proposal>(bad_header.proposal_bytes());
  proposal.set_header("\xff");
  bad_header.set_proposal_bytes(proposal.SerializeAsString());
  absl::StatusOr<ProposalResult> header_result = peers_[0]->Endorse(bad_header.SerializeAsString());
  EXPECT_EQ(header_result.status().code(), absl::StatusCode::kInvalidArgument)
      << header_result.status();
  // A signed proposal without its signature.
  auto unsigned_proposal = ParseAs<protos::SignedProposal>(p.signed_proposal);
  unsigned_proposal.clear_signature();
  EXPECT_EQ(peers_[0]->Endorse(unsigned_proposal.SerializeAsString()).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Arguments the lifecycle contract cannot decode: its error, not a crash.
  absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(
      Propose("_lifecycle", {"CommitChaincodeDefinition", "\xff\xff"}).signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.status, 500);
  EXPECT_TRUE(absl::StrContains(r->response.message, "failed to decode")) << r->response.message;
}

TEST_F(EndorserTest, ProposalsFabricLetsThroughAreEndorsed) {
  // Fabric's Validate lets a CONFIG header type through to the chaincode.
  const std::string config_typed =
      Resign(Propose("cc_or", {"put", "ct", "v"}).signed_proposal,
             [](protos::Proposal*, common::ChannelHeader* ch) { ch->set_type(common::CONFIG); });
  absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(config_typed);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.status, 200) << r->response.message;
  EXPECT_FALSE(r->proposal_response.empty());

  // No arguments at all: the proposal reaches the contract, which has no function "".
  r = peers_[0]->Evaluate(Propose("cc_or", {}).signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.message, "unknown function ");
}

TEST_F(EndorserTest, InitRequiredIsEnforcedExactlyOnce) {
  lifecycle::CommitChaincodeDefinitionArgs define;
  define.set_name("cc_init");
  define.set_version("1.0");
  define.set_sequence(1);
  define.set_init_required(true);
  Approve(define.SerializeAsString(), {1, 2});
  ASSERT_EQ(
      Run(Propose("_lifecycle", {"CommitChaincodeDefinition", define.SerializeAsString()}), {1, 2}),
      protos::VALID);
  ASSERT_TRUE(Definition("cc_init").endorsement_info.init_required());
  auto as_init = [&](const SignedProposal& p) {
    return Resign(p.signed_proposal, [](protos::Proposal* proposal, common::ChannelHeader*) {
      auto payload = ParseAs<protos::ChaincodeProposalPayload>(proposal->payload());
      auto spec = ParseAs<protos::ChaincodeInvocationSpec>(payload.input());
      spec.mutable_chaincode_spec()->mutable_input()->set_is_init(true);
      payload.set_input(spec.SerializeAsString());
      proposal->set_payload(payload.SerializeAsString());
    });
  };
  auto refused = [&](const std::string& signed_proposal, const std::string& says) {
    absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(signed_proposal);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
    EXPECT_TRUE(absl::StrContains(r.status().message(), says)) << r.status();
  };
  const std::string initialized_key =
      absl::StrCat(std::string(1, '\0'), "\xF4\x8F\xBF\xBF", "initialized");

  refused(Propose("cc_init", {"put", "k", "v"}).signed_proposal,
          "has not been initialized for this version, must call as init first");
  refused(as_init(Propose("cc_or", {"put", "k", "v"})), "does not require initialization");

  // The init reads the initialized key (absent) and writes the version into it.
  const SignedProposal plain = Propose("cc_init", {"put", "k", "v0"});
  const SignedProposal init{plain.txid, as_init(plain)};
  absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(init.signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->response.status, 200) << r->response.message;
  const kvrwset::KVRWSet cc = Namespaces(r->rwset)["cc_init"];
  ASSERT_EQ(cc.reads_size(), 1);
  EXPECT_EQ(cc.reads(0).key(), initialized_key);
  EXPECT_FALSE(cc.reads(0).has_version());
  ASSERT_EQ(cc.writes_size(), 2);
  EXPECT_EQ(cc.writes(0).key(), initialized_key);
  EXPECT_EQ(cc.writes(0).value(), "1.0");
  EXPECT_EQ(cc.writes(1).key(), "k");
  ASSERT_EQ(Run(init, {1, 2}), protos::VALID);
  EXPECT_EQ(State("cc_init", initialized_key), "1.0");

  // Once only; then invocations read the key and go through.
  refused(as_init(Propose("cc_init", {"put", "k", "v1"})), "already initialized");
  SignedProposal after = Propose("cc_init", {"put", "k", "v2"});
  r = peers_[0]->Endorse(after.signed_proposal);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(Namespaces(r->rwset)["cc_init"].reads_size(), 1);
  EXPECT_EQ(Run(after, {1, 3}), protos::VALID);
  EXPECT_EQ(State("cc_init", "k"), "v2");
}

TEST_F(EndorserTest, LifecycleChecksNamesAsFabricsPatterns) {
  auto commit = [&](const std::string& name, const std::string& version) {
    absl::StatusOr<ProposalResult> r = peers_[0]->Endorse(
        Propose("_lifecycle", CommitChaincodeDefinitionArgs(name, version, 1, "")).signed_proposal);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->response : Response::Error("not run");
  };
  for (const std::string& name : {std::string("a"), std::string("A-b_9"), std::string("x1-y2_z3"),
                                  std::string(1 << 20, 'n')}) {
    // Past the name check, the commit needs this org's approval.
    EXPECT_TRUE(absl::StrContains(commit(name, "1.0").message, "not agreed to by this org"))
        << name.substr(0, 20);
  }
  for (const std::string& name : {std::string(""), std::string("-a"), std::string("a-"),
                                  std::string("a--b"), std::string("a_-b"), std::string("a.b"),
                                  std::string("\xC3\xA9"), std::string(1 << 20, 'n') + "_"}) {
    const Response r = commit(name, "1.0");
    EXPECT_EQ(r.status, 500) << name.substr(0, 20);
    EXPECT_TRUE(absl::StrContains(r.message, "invalid chaincode name")) << r.message.substr(0, 80);
  }
  EXPECT_TRUE(absl::StrContains(commit("escc", "1.0").message, "name of a system chaincode"));
  EXPECT_TRUE(absl::StrContains(commit("ok", "1.0_rc+2-x").message, "not agreed to by this org"));
  for (const std::string& version : {std::string(""), std::string("1 0"), std::string("1/0")}) {
    EXPECT_TRUE(absl::StrContains(commit("ok", version).message, "invalid chaincode version"))
        << version;
  }
}

}  // namespace
}  // namespace fabric::endorse
