// Private data and `_lifecycle` approvals on the endorsing side, over the private data
// chain (tests/vectors/pvt) replayed as peer0.org1 committed it, with its private data:
// what Fabric's peers refused at endorsement there (expected.json,
// endorsement_refusals) is refused here with the same words, and the approvals Fabric's
// lifecycle wrote read back as Fabric wrote them.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"
#include "lib/channel/channel.h"
#include "lib/client/client.h"
#include "lib/endorse/endorser.h"
#include "lib/identity/signing_identity.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/collection.pb.h"
#include "lib/wire/proto/lifecycle.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "nlohmann/json.hpp"
#include "tools/pvt_file.h"

namespace fabric::endorse {
namespace {

using nlohmann::json;

std::shared_ptr<const identity::SigningIdentity> Load(int org, const std::string& who) {
  const std::string mspid = absl::StrCat("Org", org, "MSP");
  const std::string dir = absl::StrCat(testing::PvtDir(), "/msp/peerOrganizations/org", org,
                                       ".example.com/", who, "/msp");
  auto s = identity::SigningIdentity::FromMspDir(mspid, dir);
  EXPECT_TRUE(s.ok()) << dir << ": " << s.status();
  return s.ok() ? std::shared_ptr<const identity::SigningIdentity>(*std::move(s)) : nullptr;
}

// A contract for chaincode pvtcc, driven by its arguments:
//   put COLL KEY VALUE | get COLL KEY | range-then-put COLL
class PrivateContract : public Contract {
 public:
  Response Invoke(Stub& stub) override {
    const Invocation& inv = stub.invocation();
    auto arg = [&](size_t i) { return i < inv.args.size() ? inv.args[i] : std::string(); };
    auto fail = [](const absl::Status& s) { return Response::Error(std::string(s.message())); };
    if (inv.function == "put") {
      absl::Status s = stub.PutPrivateData(arg(0), arg(1), arg(2));
      return s.ok() ? Response::Ok() : fail(s);
    }
    if (inv.function == "get") {
      auto v = stub.GetPrivateData(arg(0), arg(1));
      if (!v.ok()) return fail(v.status());
      return v->has_value() ? Response::Ok(**v) : Response{404, "absent", ""};
    }
    if (inv.function == "range-then-put") {
      auto kvs = stub.GetPrivateDataByRange(arg(0), "", "");
      if (!kvs.ok()) return fail(kvs.status());
      absl::Status s = stub.PutPrivateData(arg(0), "after-range", "x");
      return s.ok() ? Response::Ok() : fail(s);
    }
    return Response::Error("unknown function");
  }
};

class PrivateDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = testing::PvtDir();
    auto text = testing::ReadFile(dir + "/expected.json");
    ASSERT_TRUE(text.ok()) << text.status();
    expected_ = new json(json::parse(*text));
    channel::ChannelOptions options;
    options.mspid = (*expected_)["vantage_peer"]["mspid"];
    auto genesis = testing::ReadFile(dir + "/genesis.block");
    ASSERT_TRUE(genesis.ok());
    auto c = channel::Channel::Create(fabric::testing::FreshTempDir("endorse_private_data"),
                                      *genesis, options);
    ASSERT_TRUE(c.ok()) << c.status();
    channel_ = c->release();
    for (const json& b : (*expected_)["blocks"]) {
      const uint64_t n = b["number"];
      auto block = testing::ReadFile(dir + absl::StrFormat("/blocks/%06d.block", n));
      auto pvt = tools::ReadPvtData(dir, n);
      ASSERT_TRUE(block.ok() && pvt.ok() && pvt->has_value());
      channel::SubmitOptions submit;
      submit.pvt_data = **pvt;
      auto r = channel_->Submit(*block, submit);
      ASSERT_TRUE(r.ok()) << "block " << n << ": " << r.status();
    }
    for (int org = 1; org <= 3; ++org) {
      auto peer = Load(org, absl::StrCat("peers/peer0.org", org, ".example.com"));
      ASSERT_NE(peer, nullptr);
      auto* e = new Endorser(channel_, peer);
      ASSERT_TRUE(e->RegisterContract("pvtcc", std::make_shared<PrivateContract>()).ok());
      peers_.push_back(e);
    }
  }
  static void TearDownTestSuite() {
    for (Endorser* e : peers_) delete e;
    peers_.clear();
    delete channel_;
    delete expected_;
  }

  // The error Fabric's endorsing peer of `org` gave for the proposal labelled `label`.
  static std::string Refusal(const std::string& label, const std::string& org) {
    for (const json& r : (*expected_)["endorsement_refusals"]) {
      if (r["label"] == label && r["endorser_org"] == org) return r["error"];
    }
    ADD_FAILURE() << "no refusal " << label << " by " << org << " in the vectors";
    return "(none)";
  }

  static absl::StatusOr<ProposalResult> Endorse(int peer_org, const identity::SigningIdentity& who,
                                                const std::string& cc,
                                                std::vector<std::string> args,
                                                std::string* txid = nullptr) {
    client::ProposalSpec spec;
    spec.channel_id = (*expected_)["channel_id"];
    spec.chaincode = cc;
    spec.args = std::move(args);
    auto p = client::CreateSignedProposal(who, spec);
    if (!p.ok()) return p.status();
    if (txid != nullptr) *txid = p->txid;
    return peers_[peer_org - 1]->Endorse(p->signed_proposal);
  }

  // The collections of pvtcc's definition at `sequence`, as the vectors give them.
  static protos::CollectionConfigPackage Collections(int64_t sequence) {
    protos::CollectionConfigPackage p;
    for (const json& d : (*expected_)["pvt_chaincode_definitions"]) {
      if (d["name"] != "pvtcc" || d["sequence"] != sequence) continue;
      std::string bytes;
      absl::Base64Unescape(d["collections_b64"].get<std::string>(), &bytes);
      EXPECT_TRUE(p.ParseFromString(bytes));
    }
    return p;
  }

  static json* expected_;
  static channel::Channel* channel_;
  static std::vector<Endorser*> peers_;  // peer0 of Org1, Org2, Org3
};
json* PrivateDataTest::expected_ = nullptr;
channel::Channel* PrivateDataTest::channel_ = nullptr;
std::vector<Endorser*> PrivateDataTest::peers_;

TEST_F(PrivateDataTest, MemberOnlyReadAndWriteRefuseANonMemberClient) {
  auto outsider = Load(3, "users/User1@org3.example.com");
  auto w = Endorse(1, *outsider, "pvtcc", {"put", "collA", "k", "v"});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->response.status, 500);
  EXPECT_EQ(w->response.message, Refusal("refused_memberonlywrite_nonmember_client", "Org1MSP"));
  auto r = Endorse(1, *outsider, "pvtcc", {"get", "collA", "k1_1e1c501"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.message, Refusal("refused_memberonlyread_nonmember_client", "Org1MSP"));
  // A member reads it.
  auto member = Load(1, "users/User1@org1.example.com");
  auto ok = Endorse(1, *member, "pvtcc", {"get", "collA", "k1_1e1c501"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->response.status, 200) << ok->response.message;
}

TEST_F(PrivateDataTest, UndefinedCollectionAndWriteAfterPrivateRange) {
  auto user = Load(1, "users/User1@org1.example.com");
  auto r = Endorse(1, *user, "pvtcc", {"put", "collNone", "k", "v"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->response.message, Refusal("refused_undefined_collection", "Org1MSP"));
  std::string txid;
  r = Endorse(1, *user, "pvtcc", {"range-then-put", "collA"}, &txid);
  ASSERT_TRUE(r.ok()) << r.status();
  // Fabric's message names its transaction; ours names this one.
  std::string want = Refusal("refused_pvt_range_read_then_write", "Org1MSP");
  const size_t open = want.find('['), close = want.find(']');
  ASSERT_NE(close, std::string::npos);
  want.replace(open + 1, close - open - 1, txid);
  EXPECT_EQ(r->response.message, want);
}

TEST_F(PrivateDataTest, PrivateWriteIsHashedInTheRwsetAndHandedBackApart) {
  auto user = Load(1, "users/User1@org1.example.com");
  auto r = Endorse(1, *user, "pvtcc", {"put", "collB", "b-key", "b-value"});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->response.status, 200) << r->response.message;
  ::rwset::TxPvtReadWriteSet pvt;
  ASSERT_TRUE(pvt.ParseFromString(r->private_rwset));
  ASSERT_EQ(pvt.ns_pvt_rwset_size(), 1);
  ASSERT_EQ(pvt.ns_pvt_rwset(0).collection_pvt_rwset_size(), 1);
  const std::string collection_rwset = pvt.ns_pvt_rwset(0).collection_pvt_rwset(0).rwset();
  ::rwset::TxReadWriteSet pub;
  ASSERT_TRUE(pub.ParseFromString(r->rwset));
  const ::rwset::NsReadWriteSet* ns = nullptr;
  for (const auto& n : pub.ns_rwset()) {
    if (n.namespace_() == "pvtcc") ns = &n;  // besides _lifecycle's read of the definition
  }
  ASSERT_NE(ns, nullptr);
  ASSERT_EQ(ns->collection_hashed_rwset_size(), 1);
  const auto& hashed = ns->collection_hashed_rwset(0);
  EXPECT_EQ(hashed.collection_name(), "collB");
  EXPECT_EQ(hashed.pvt_rwset_hash(), Sha256(collection_rwset));
  EXPECT_EQ(r->rwset.find("b-value"), std::string::npos) << "the value leaked";
}

TEST_F(PrivateDataTest, LifecycleApprovalsAsFabricWroteThem) {
  // Org1's approval of pvtcc at sequence 2, written by Fabric's lifecycle into Org1's
  // implicit collection, reads back as the definition the vectors record.
  auto admin = Load(1, "users/Admin@org1.example.com");
  lifecycle::QueryApprovedChaincodeDefinitionArgs query;
  query.set_name("pvtcc");
  query.set_sequence(2);
  auto r = Endorse(1, *admin, "_lifecycle",
                   {"QueryApprovedChaincodeDefinition", query.SerializeAsString()});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->response.status, 200) << r->response.message;
  lifecycle::QueryApprovedChaincodeDefinitionResult approved;
  ASSERT_TRUE(approved.ParseFromString(r->response.payload));
  EXPECT_EQ(approved.sequence(), 2);
  EXPECT_EQ(approved.collections().SerializeAsString(), Collections(2).SerializeAsString());

  // A commit nobody approved: each org's peer refuses as Fabric's did.
  lifecycle::CommitChaincodeDefinitionArgs lacking;
  lacking.set_name("pvt_lacking");
  lacking.set_version("1.0");
  lacking.set_sequence(1);
  for (int org : {2, 3}) {
    auto c = Endorse(org, *Load(org, absl::StrCat("users/Admin@org", org, ".example.com")),
                     "_lifecycle", {"CommitChaincodeDefinition", lacking.SerializeAsString()});
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->response.message,
              Refusal("lifecycle_commit_pvt_lacking_seq1", absl::StrCat("Org", org, "MSP")));
  }

  // An approval of the next sequence that changes a collection's BlockToLive.
  lifecycle::ApproveChaincodeDefinitionForMyOrgArgs approve;
  approve.set_name("pvtcc");
  approve.set_version("3.0");
  approve.set_sequence(3);
  *approve.mutable_collections() = Collections(2);
  for (auto& c : *approve.mutable_collections()->mutable_config()) {
    auto* s = c.mutable_static_collection_config();
    if (s->name() == "collBTL") s->set_block_to_live(s->block_to_live() + 1);
  }
  auto a = Endorse(3, *Load(3, "users/Admin@org3.example.com"), "_lifecycle",
                   {"ApproveChaincodeDefinitionForMyOrg", approve.SerializeAsString()});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->response.message, Refusal("refused_lifecycle_approve_seq2_btl_changed", "Org3MSP"));

  // The committed definition, with which orgs' approvals of it are on the ledger.
  lifecycle::QueryChaincodeDefinitionArgs q;
  q.set_name("pvtcc");
  auto d = Endorse(1, *admin, "_lifecycle", {"QueryChaincodeDefinition", q.SerializeAsString()});
  ASSERT_TRUE(d.ok()) << d.status();
  lifecycle::QueryChaincodeDefinitionResult def;
  ASSERT_TRUE(def.ParseFromString(d->response.payload));
  EXPECT_EQ(def.sequence(), 2);
  EXPECT_EQ(def.collections().SerializeAsString(), Collections(2).SerializeAsString());
  EXPECT_TRUE(def.approvals().at("Org1MSP"));
}

}  // namespace
}  // namespace fabric::endorse
