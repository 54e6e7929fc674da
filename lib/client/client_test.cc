// Signed proposals and transactions: the fields Fabric sets, byte equality with the
// transactions Fabric made for the conformance vectors, the validator's acceptance, and
// every refusal CreateSignedTx makes.
#include "lib/client/client.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/signing_identity.h"
#include "lib/testing/testdata.h"
#include "lib/validate/tx_checks.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/chaincode.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "lib/wire/transaction.h"
#include "nlohmann/json.hpp"

namespace fabric::client {
namespace {

using identity::SigningIdentity;

constexpr char kUser1[] = "peerOrganizations/org1.example.com/users/User1@org1.example.com/msp";
constexpr char kUser2[] = "peerOrganizations/org1.example.com/users/User2@org1.example.com/msp";
constexpr char kPeer0Org1[] = "peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp";
constexpr char kPeer0Org2[] = "peerOrganizations/org2.example.com/peers/peer0.org2.example.com/msp";

std::string Path(const std::string& name) { return testing::ConformanceDir() + "/" + name; }

std::unique_ptr<SigningIdentity> Load(const std::string& mspid, const std::string& dir) {
  auto id = SigningIdentity::FromMspDir(mspid, Path("msp/" + dir));
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *std::move(id) : nullptr;
}

std::shared_ptr<const channelconfig::ChannelConfig> GenesisConfig() {
  auto bytes = testing::ReadFile(Path("genesis.block"));
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  if (!bytes.ok()) return nullptr;
  auto block = wire::ParsedBlock::Parse(*bytes);
  EXPECT_TRUE(block.ok()) << block.status();
  if (!block.ok()) return nullptr;
  auto config = channelconfig::ChannelConfig::FromBlock(**block);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : nullptr;
}

// The levels of a signed proposal, parsed.
struct ProposalLevels {
  protos::SignedProposal signed_proposal;
  protos::Proposal proposal;
  common::Header header;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
  protos::ChaincodeHeaderExtension extension;
  protos::ChaincodeProposalPayload payload;
  protos::ChaincodeInvocationSpec invocation;
};

ProposalLevels Open(const std::string& signed_proposal) {
  ProposalLevels p;
  EXPECT_TRUE(p.signed_proposal.ParseFromString(signed_proposal));
  EXPECT_TRUE(p.proposal.ParseFromString(p.signed_proposal.proposal_bytes()));
  EXPECT_TRUE(p.header.ParseFromString(p.proposal.header()));
  EXPECT_TRUE(p.channel_header.ParseFromString(p.header.channel_header()));
  EXPECT_TRUE(p.signature_header.ParseFromString(p.header.signature_header()));
  EXPECT_TRUE(p.extension.ParseFromString(p.channel_header.extension()));
  EXPECT_TRUE(p.payload.ParseFromString(p.proposal.payload()));
  EXPECT_TRUE(p.invocation.ParseFromString(p.payload.input()));
  return p;
}

// What an endorser returns for `proposal`: a response payload whose proposal hash covers
// the headers and the payload without transient data (as Fabric's endorser hashes it),
// carrying `results`, signed by `endorser`.
std::string Endorse(const std::string& signed_proposal, const SigningIdentity& endorser,
                    const std::string& results, int32_t status = 200) {
  ProposalLevels p = Open(signed_proposal);
  protos::ChaincodeProposalPayload without_transient;
  without_transient.set_input(p.payload.input());
  protos::ChaincodeAction action;
  action.set_results(results);
  action.mutable_response()->set_status(status);
  action.mutable_response()->set_message("OK");
  action.mutable_chaincode_id()->set_name(p.extension.chaincode_id().name());
  action.mutable_chaincode_id()->set_version("1.0");
  protos::ProposalResponsePayload prp;
  prp.set_proposal_hash(Sha256(absl::StrCat(p.header.channel_header(), p.header.signature_header(),
                                            without_transient.SerializeAsString())));
  prp.set_extension(action.SerializeAsString());

  protos::ProposalResponse r;
  r.set_version(1);
  r.mutable_response()->set_status(status);
  r.mutable_response()->set_message(status < 400 ? "OK" : "chaincode failed");
  r.set_payload(prp.SerializeAsString());
  r.mutable_endorsement()->set_endorser(endorser.serialized());
  auto sig = endorser.Sign(absl::StrCat(r.payload(), endorser.serialized()));
  EXPECT_TRUE(sig.ok()) << sig.status();
  r.mutable_endorsement()->set_signature(sig.ok() ? *sig : "");
  return r.SerializeAsString();
}

// A read-write set that writes `key` in namespace `ns`.
std::string WriteSet(const std::string& ns, const std::string& key, const std::string& value) {
  kvrwset::KVRWSet kv;
  kvrwset::KVWrite* w = kv.add_writes();
  w->set_key(key);
  w->set_value(value);
  ::rwset::TxReadWriteSet rw;
  rw.set_data_model(::rwset::TxReadWriteSet::KV);
  ::rwset::NsReadWriteSet* n = rw.add_ns_rwset();
  n->set_namespace_(ns);
  n->set_rwset(kv.SerializeAsString());
  return rw.SerializeAsString();
}

wire::TxView ParseTx(const std::string& envelope) {
  wire::TxView view;
  wire::ParseTransaction(envelope, 0, 0, &view);
  EXPECT_TRUE(view.ok()) << view.error;
  EXPECT_TRUE(view.actions_ok());
  return view;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    user1_ = Load("Org1MSP", kUser1);
    peer_org1_ = Load("Org1MSP", kPeer0Org1);
    peer_org2_ = Load("Org2MSP", kPeer0Org2);
    ASSERT_NE(user1_, nullptr);
    ASSERT_NE(peer_org1_, nullptr);
    ASSERT_NE(peer_org2_, nullptr);
  }

  SignedProposal Propose(ProposalSpec spec) {
    auto p = CreateSignedProposal(*user1_, spec);
    EXPECT_TRUE(p.ok()) << p.status();
    return p.ok() ? *p : SignedProposal{};
  }

  ProposalSpec Spec() {
    ProposalSpec spec;
    spec.channel_id = "mychannel";
    spec.chaincode = "cc_or";
    spec.args = {"put", "k1", "v1"};
    return spec;
  }

  std::unique_ptr<SigningIdentity> user1_, peer_org1_, peer_org2_;
};

TEST_F(ClientTest, TxIdIsHexSha256OfNonceAndCreator) {
  ProposalSpec spec = Spec();
  spec.nonce = "a fixed nonce of 24 bytes";
  SignedProposal p = Propose(spec);
  EXPECT_EQ(p.txid, absl::BytesToHexString(Sha256(spec.nonce + user1_->serialized())));
  ProposalLevels levels = Open(p.signed_proposal);
  EXPECT_EQ(levels.channel_header.tx_id(), p.txid);
  EXPECT_EQ(levels.signature_header.nonce(), spec.nonce);
  EXPECT_EQ(levels.signature_header.creator(), user1_->serialized());
}

TEST_F(ClientTest, RandomNonceIs24FreshBytes) {
  SignedProposal a = Propose(Spec());
  SignedProposal b = Propose(Spec());
  std::string nonce_a = Open(a.signed_proposal).signature_header.nonce();
  std::string nonce_b = Open(b.signed_proposal).signature_header.nonce();
  EXPECT_EQ(nonce_a.size(), 24u);
  EXPECT_EQ(nonce_b.size(), 24u);
  EXPECT_NE(nonce_a, nonce_b);
  EXPECT_NE(a.txid, b.txid);
  EXPECT_EQ(a.txid, wire::ComputeTxId(nonce_a, user1_->serialized()));
}

TEST_F(ClientTest, ProposalCarriesTheFieldsFabricSets) {
  ProposalSpec spec = Spec();
  spec.transient = {{"secret", "s3cr3t"}, {"a", "b"}};
  spec.timestamp = absl::FromUnixSeconds(1700000000) + absl::Nanoseconds(123456789);
  ProposalLevels p = Open(Propose(spec).signed_proposal);

  EXPECT_EQ(p.channel_header.type(), common::ENDORSER_TRANSACTION);
  EXPECT_EQ(p.channel_header.version(), 0);
  EXPECT_EQ(p.channel_header.timestamp().seconds(), 1700000000);
  EXPECT_EQ(p.channel_header.timestamp().nanos(), 123456789);
  EXPECT_EQ(p.channel_header.channel_id(), "mychannel");
  EXPECT_EQ(p.channel_header.epoch(), 0u);
  EXPECT_TRUE(p.channel_header.tls_cert_hash().empty());
  EXPECT_EQ(p.extension.chaincode_id().name(), "cc_or");
  EXPECT_TRUE(p.extension.chaincode_id().version().empty());
  EXPECT_TRUE(p.proposal.extension().empty());

  const protos::ChaincodeSpec& cs = p.invocation.chaincode_spec();
  EXPECT_EQ(cs.type(), protos::ChaincodeSpec::GOLANG);
  EXPECT_EQ(cs.chaincode_id().name(), "cc_or");
  ASSERT_EQ(cs.input().args_size(), 3);
  EXPECT_EQ(cs.input().args(0), "put");
  EXPECT_EQ(cs.input().args(2), "v1");
  EXPECT_FALSE(cs.input().is_init());
  EXPECT_EQ(p.payload.transientmap().size(), 2u);
  EXPECT_EQ(p.payload.transientmap().at("secret"), "s3cr3t");
}

// Go's protoutil always sets ChaincodeSpec.Input, and Fabric's endorser refuses a spec
// without one ("chaincode input did not contain any input").
TEST_F(ClientTest, ProposalWithoutArgumentsStillCarriesAnInput) {
  ProposalSpec spec = Spec();
  spec.args.clear();
  ProposalLevels p = Open(Propose(spec).signed_proposal);
  EXPECT_TRUE(p.invocation.chaincode_spec().has_input());
  EXPECT_EQ(p.invocation.chaincode_spec().input().args_size(), 0);
}

TEST_F(ClientTest, ProposalSignatureVerifiesAsTheCreator) {
  auto config = GenesisConfig();
  ASSERT_NE(config, nullptr);
  ProposalLevels p = Open(Propose(Spec()).signed_proposal);
  auto creator = config->msps().Deserialize(p.signature_header.creator());
  ASSERT_TRUE(creator.ok()) << creator.status();
  EXPECT_TRUE(config->msps().Validate(**creator).ok());
  EXPECT_TRUE(
      (*creator)->Verify(p.signed_proposal.proposal_bytes(), p.signed_proposal.signature()).ok());
  EXPECT_FALSE((*creator)
                   ->Verify(p.signed_proposal.proposal_bytes() + "x", p.signed_proposal.signature())
                   .ok());
}

TEST_F(ClientTest, RefusesProposalWithoutChaincodeOrWithInfiniteTime) {
  ProposalSpec spec = Spec();
  spec.chaincode = "";
  EXPECT_EQ(CreateSignedProposal(*user1_, spec).status().code(),
            absl::StatusCode::kInvalidArgument);
  spec = Spec();
  spec.timestamp = absl::InfiniteFuture();
  EXPECT_EQ(CreateSignedProposal(*user1_, spec).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ClientTest, TransactionHasTheProposalHeadersAndEndorsementsInOrder) {
  SignedProposal p = Propose(Spec());
  ProposalLevels levels = Open(p.signed_proposal);
  const std::string rw = WriteSet("cc_or", "k1", "v1");
  const std::string r1 = Endorse(p.signed_proposal, *peer_org2_, rw);
  const std::string r2 = Endorse(p.signed_proposal, *peer_org1_, rw);
  auto env = CreateSignedTx(p.signed_proposal, {r1, r2, r1}, *user1_);
  ASSERT_TRUE(env.ok()) << env.status();

  wire::TxView tx = ParseTx(*env);
  EXPECT_EQ(tx.type(), common::ENDORSER_TRANSACTION);
  EXPECT_EQ(tx.txid(), p.txid);
  EXPECT_EQ(tx.channel_header.channel_id(), "mychannel");
  EXPECT_EQ(tx.payload.header().SerializeAsString(), levels.proposal.header());
  ASSERT_EQ(tx.actions.size(), 1u);
  const wire::ActionView& a = tx.actions[0];
  EXPECT_EQ(tx.transaction.actions(0).header(), levels.header.signature_header());
  EXPECT_EQ(a.proposal_payload.input(), levels.payload.input());
  protos::ProposalResponse first;
  ASSERT_TRUE(first.ParseFromString(r1));
  EXPECT_EQ(a.payload.action().proposal_response_payload(), first.payload());
  // One endorsement per endorser, in the order of the responses.
  ASSERT_EQ(a.payload.action().endorsements_size(), 2);
  EXPECT_EQ(a.payload.action().endorsements(0).endorser(), peer_org2_->serialized());
  EXPECT_EQ(a.payload.action().endorsements(1).endorser(), peer_org1_->serialized());
  ASSERT_EQ(a.namespaces.size(), 1u);
  EXPECT_EQ(a.namespaces[0].kv.writes(0).key(), "k1");
}

TEST_F(ClientTest, TransientDataStaysOutOfTheTransaction) {
  ProposalSpec spec = Spec();
  const std::string secret = "transient-secret-value-5d41402abc4b2a76";
  spec.transient = {{"price", secret}};
  SignedProposal p = Propose(spec);
  ASSERT_TRUE(absl::StrContains(p.signed_proposal, secret));
  auto env = CreateSignedTx(p.signed_proposal,
                            {Endorse(p.signed_proposal, *peer_org1_, WriteSet("cc_or", "k", "v"))},
                            *user1_);
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_FALSE(absl::StrContains(*env, secret));
  wire::TxView tx = ParseTx(*env);
  ASSERT_EQ(tx.actions.size(), 1u);
  EXPECT_TRUE(tx.actions[0].proposal_payload.transientmap().empty());
  EXPECT_EQ(tx.actions[0].proposal_payload.input(), Open(p.signed_proposal).payload.input());
}

// The validator's own checks accept what we make: creator signature, txid, the proposal
// hash over the headers and the payload without transient data, the action's shape.
TEST_F(ClientTest, ValidatorChecksAcceptTheTransaction) {
  auto config = GenesisConfig();
  ASSERT_NE(config, nullptr);
  ProposalSpec spec = Spec();
  spec.transient = {{"k", "v"}};
  SignedProposal p = Propose(spec);
  auto env = CreateSignedTx(p.signed_proposal,
                            {Endorse(p.signed_proposal, *peer_org1_, WriteSet("cc_or", "k", "v"))},
                            *user1_);
  ASSERT_TRUE(env.ok()) << env.status();
  wire::TxView tx = ParseTx(*env);
  validate::TxVerdict v = validate::CheckTransaction(tx, "mychannel", config->msps());
  EXPECT_TRUE(v.valid()) << v.reason;
  std::vector<std::string> namespaces;
  v = validate::CheckEndorserAction(tx, &namespaces);
  EXPECT_TRUE(v.valid()) << v.reason;
  EXPECT_EQ(namespaces, std::vector<std::string>{"cc_or"});

  // The envelope is signed by the creator, over the payload.
  auto creator = config->msps().Deserialize(tx.signature_header.creator());
  ASSERT_TRUE(creator.ok()) << creator.status();
  EXPECT_TRUE((*creator)->Verify(tx.envelope.payload(), tx.envelope.signature()).ok());
}

TEST_F(ClientTest, RefusesResponsesWhosePayloadsDiffer) {
  SignedProposal p = Propose(Spec());
  const std::string a = Endorse(p.signed_proposal, *peer_org1_, WriteSet("cc_or", "k", "v1"));
  const std::string b = Endorse(p.signed_proposal, *peer_org2_, WriteSet("cc_or", "k", "v2"));
  auto env = CreateSignedTx(p.signed_proposal, {a, a, b}, *user1_);
  EXPECT_EQ(env.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(env.status().message(), "do not match")) << env.status();
  EXPECT_TRUE(absl::StrContains(env.status().message(), "response 2")) << env.status();
}

TEST_F(ClientTest, RefusesUnsuccessfulResponses) {
  SignedProposal p = Propose(Spec());
  const std::string rw = WriteSet("cc_or", "k", "v");
  for (int32_t status : {0, 199, 400, 500}) {
    auto env = CreateSignedTx(p.signed_proposal,
                              {Endorse(p.signed_proposal, *peer_org1_, rw),
                               Endorse(p.signed_proposal, *peer_org2_, rw, status)},
                              *user1_);
    EXPECT_EQ(env.status().code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_TRUE(absl::StrContains(
        env.status().message(), absl::StrCat("response 1 was not successful, error code ", status)))
        << env.status();
  }
  // 200 up to 399 are successes.
  for (int32_t status : {200, 302, 399}) {
    EXPECT_TRUE(CreateSignedTx(p.signed_proposal,
                               {Endorse(p.signed_proposal, *peer_org1_, rw, status)}, *user1_)
                    .ok())
        << status;
  }
}

TEST_F(ClientTest, RefusesASignerOtherThanTheCreator) {
  auto user2 = Load("Org1MSP", kUser2);
  ASSERT_NE(user2, nullptr);
  SignedProposal p = Propose(Spec());
  auto env = CreateSignedTx(p.signed_proposal,
                            {Endorse(p.signed_proposal, *peer_org1_, WriteSet("cc_or", "k", "v"))},
                            *user2);
  EXPECT_EQ(env.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(env.status().message(), "signer must be the same"));
}

TEST_F(ClientTest, RefusesMissingOrMalformedInput) {
  SignedProposal p = Propose(Spec());
  const std::string good = Endorse(p.signed_proposal, *peer_org1_, WriteSet("cc_or", "k", "v"));
  EXPECT_EQ(CreateSignedTx(p.signed_proposal, {}, *user1_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateSignedTx("\xff\xff", {good}, *user1_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateSignedTx(p.signed_proposal, {good, "\xff\xff"}, *user1_).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A successful response without an endorsement adds none; with none at all, no tx.
  protos::ProposalResponse unendorsed;
  ASSERT_TRUE(unendorsed.ParseFromString(good));
  unendorsed.clear_endorsement();
  auto env = CreateSignedTx(p.signed_proposal, {unendorsed.SerializeAsString()}, *user1_);
  EXPECT_EQ(env.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(env.status().message(), "no endorsements"));
  env = CreateSignedTx(p.signed_proposal, {unendorsed.SerializeAsString(), good}, *user1_);
  ASSERT_TRUE(env.ok()) << env.status();
  EXPECT_EQ(ParseTx(*env).actions[0].payload.action().endorsements_size(), 1);
}

// Fabric's own transactions in the vectors that its validator found VALID and that User1
// made with protoutil come out byte for byte the same when we rebuild them from their
// nonce, timestamp, chaincode, args and endorsements (only the ECDSA signature, which is
// randomized, differs).
TEST_F(ClientTest, RebuildsFabricsTransactionsByteForByte) {
  auto expected = testing::ReadFile(Path("expected.json"));
  ASSERT_TRUE(expected.ok()) << expected.status();
  int rebuilt = 0;
  const nlohmann::json blocks = nlohmann::json::parse(*expected)["blocks"];
  for (const nlohmann::json& b : blocks) {
    const int n = b["number"].get<int>();
    auto bytes = testing::ReadFile(Path(absl::StrFormat("blocks/%06d.block", n)));
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    auto block = wire::ParsedBlock::Parse(*bytes);
    ASSERT_TRUE(block.ok()) << block.status();
    for (const nlohmann::json& t : b["txs"]) {
      const wire::TxView& tx = (*block)->tx(t["index"].get<int>());
      if (t["validator_code"].get<std::string>() != "VALID" ||
          tx.type() != common::ENDORSER_TRANSACTION ||
          tx.signature_header.creator() != user1_->serialized()) {
        continue;
      }
      SCOPED_TRACE(absl::StrCat("block ", n, " tx ", tx.index));
      const wire::ActionView& a = tx.actions[0];
      protos::ChaincodeInvocationSpec cis;
      ASSERT_TRUE(cis.ParseFromString(a.proposal_payload.input()));
      ProposalSpec spec;
      spec.channel_id = tx.channel_header.channel_id();
      spec.chaincode = cis.chaincode_spec().chaincode_id().name();
      spec.args.assign(cis.chaincode_spec().input().args().begin(),
                       cis.chaincode_spec().input().args().end());
      spec.nonce = tx.signature_header.nonce();
      spec.timestamp = absl::FromUnixSeconds(tx.channel_header.timestamp().seconds()) +
                       absl::Nanoseconds(tx.channel_header.timestamp().nanos());
      auto proposal = CreateSignedProposal(*user1_, spec);
      ASSERT_TRUE(proposal.ok()) << proposal.status();
      EXPECT_EQ(proposal->txid, tx.txid());

      std::vector<std::string> responses;
      for (const protos::Endorsement& e : a.payload.action().endorsements()) {
        protos::ProposalResponse r;
        r.set_version(1);
        r.mutable_response()->set_status(200);
        r.set_payload(a.payload.action().proposal_response_payload());
        *r.mutable_endorsement() = e;
        responses.push_back(r.SerializeAsString());
      }
      auto env = CreateSignedTx(proposal->signed_proposal, responses, *user1_);
      ASSERT_TRUE(env.ok()) << env.status();
      common::Envelope ours;
      ASSERT_TRUE(ours.ParseFromString(*env));
      EXPECT_EQ(absl::BytesToHexString(ours.payload()),
                absl::BytesToHexString(tx.envelope.payload()));
      ++rebuilt;
    }
  }
  EXPECT_GE(rebuilt, 30);
}

}  // namespace
}  // namespace fabric::client
