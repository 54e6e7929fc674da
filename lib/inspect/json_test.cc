#include "lib/inspect/json.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/identity/x509_summary.h"
#include "lib/testing/testdata.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/wire/proto/orderer_config.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::inspect {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;  // keeps key order, which some tests check

constexpr char kVectors[] = "tests/vectors/conformance/";

std::string ReadFile(const std::string& path) {
  auto bytes = fabric::testing::ReadFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

std::string Vector(const std::string& name) { return ReadFile(kVectors + name); }

const Json& Expected() {
  static const Json* const expected = new Json(Json::parse(Vector("expected.json")));
  return *expected;
}

// The expected.json entry of block `number`.
Json ExpectedBlock(uint64_t number) {
  for (const Json& b : Expected()["blocks"]) {
    if (b["number"] == number) return b;
  }
  ADD_FAILURE() << "block " << number << " not in expected.json";
  return Json::object();
}

Json Parse(const absl::StatusOr<std::string>& s) {
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? Json::parse(*s) : Json::object();
}

Json InspectVector(const std::string& name) { return Parse(InspectBytes(Vector(name), "")); }

Json ToJson(const google::protobuf::Message& m) { return Parse(MessageJson(m)); }

// ---- Blocks from the conformance vectors ----

TEST(InspectGenesisTest, ChannelHeaderShowsTheChannel) {
  Json j = InspectVector("genesis.block");
  const Json& ch = j["data"]["data"][0]["payload"]["header"]["channel_header"];
  EXPECT_EQ(ch["channel_id"], Expected()["channel_id"]);
  EXPECT_EQ(ch["type"], common::CONFIG);
}

TEST(InspectGenesisTest, HeaderHashesInHex) {
  Json j = InspectVector("genesis.block");
  EXPECT_EQ(j["header_hash"], Expected()["genesis"]["header_hash"]);
  EXPECT_EQ(j["header"]["data_hash"], Expected()["genesis"]["data_hash"]);
  EXPECT_EQ(j["header"]["number"], "0");  // uint64 as a string, like protojson
}

TEST(InspectGenesisTest, ConfigShowsOrgMspsWithCertificateSummaries) {
  Json j = InspectVector("genesis.block");
  const Json& channel = j["data"]["data"][0]["payload"]["data"]["config"]["channel_group"];
  ASSERT_TRUE(channel["groups"].contains("Application"));
  ASSERT_TRUE(channel["groups"].contains("Orderer"));

  const Json& org1 = channel["groups"]["Application"]["groups"]["Org1MSP"];
  const Json& msp = org1["values"]["MSP"]["value"];
  EXPECT_EQ(msp["type"], 0);
  const Json& root = msp["config"]["root_certs"][0];
  EXPECT_TRUE(absl::StartsWith(root["pem"].get<std::string>(), "-----BEGIN CERTIFICATE-----"));
  absl::StatusOr<identity::CertSummary> ca = identity::SummarizeCertificate(
      Vector("msp/peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem"));
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_EQ(root["certificate"]["subject"], ca->subject);
  EXPECT_EQ(root["certificate"]["serial_number"], ca->serial_number);
  EXPECT_EQ(root["certificate"]["is_ca"], true);
}

TEST(InspectGenesisTest, OrgPoliciesNameTheOrgsMsp) {
  Json j = InspectVector("genesis.block");
  const Json& orgs = j["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]["groups"]
                      ["Application"]["groups"];
  ASSERT_FALSE(orgs.empty());
  for (const auto& org : orgs.items()) {
    const Json& mspid = org.value()["values"]["MSP"]["value"]["config"]["name"];
    for (const auto& policy : org.value()["policies"].items()) {
      const Json& p = policy.value()["policy"];
      if (p["type"] != common::Policy::SIGNATURE) continue;
      for (const Json& principal : p["value"]["identities"]) {
        EXPECT_EQ(principal["principal"]["msp_identifier"], mspid)
            << org.key() << "/" << policy.key();
      }
    }
  }
}

TEST(InspectGenesisTest, EtcdraftConsensusMetadataIsDecoded) {
  Json j = InspectVector("genesis.block");
  const Json& ct = j["data"]["data"][0]["payload"]["data"]["config"]["channel_group"]["groups"]
                    ["Orderer"]["values"]["ConsensusType"]["value"];
  if (ct["type"] != "etcdraft") GTEST_SKIP() << "not a raft channel";
  ASSERT_TRUE(ct["metadata"].is_object());
  for (const Json& c : ct["metadata"]["consenters"]) {
    EXPECT_FALSE(c["client_tls_cert_summary"]["subject"].get<std::string>().empty());
  }
}

TEST(InspectBlockTest, TransactionsFilterHasOneCodePerTransaction) {
  Json j = InspectVector("committed/000002.block");
  const Json& slot = j["metadata"]["metadata"][common::TRANSACTIONS_FILTER];
  EXPECT_EQ(slot["name"], "TRANSACTIONS_FILTER");
  const Json& codes = slot["value"];
  ASSERT_EQ(codes.size(), j["data"]["data"].size());
  const Json expected = ExpectedBlock(2);
  ASSERT_EQ(codes.size(), expected["txs"].size());
  for (size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(codes[i], expected["txs"][i]["code"]) << i;
}

TEST(InspectBlockTest, MetadataSlotsAreLabelledInIndexOrder) {
  Json j = InspectVector("blocks/000002.block");
  const Json& slots = j["metadata"]["metadata"];
  ASSERT_FALSE(slots.empty());
  for (size_t i = 0; i < slots.size(); ++i) EXPECT_EQ(slots[i]["index"], i);
  const Json& signatures = slots[common::SIGNATURES];
  EXPECT_EQ(signatures["name"], "SIGNATURES");
  EXPECT_EQ(signatures["value"]["value"]["last_config"]["index"],
            std::to_string(ExpectedBlock(2)["last_config"].get<int>()));
  for (const Json& sig : signatures["value"]["signatures"]) {
    EXPECT_FALSE(sig["signature_header"]["creator"]["mspid"].get<std::string>().empty());
  }
}

TEST(InspectBlockTest, TransactionsShowTxIdsEndorsersAndNamespaces) {
  std::string bytes = Vector("blocks/000002.block");
  absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> parsed = wire::ParsedBlock::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  Json j = Parse(InspectBytes(bytes, ""));
  const Json& txs = j["data"]["data"];
  const Json expected = ExpectedBlock(2);
  ASSERT_EQ(txs.size(), (*parsed)->num_transactions());
  for (size_t i = 0; i < txs.size(); ++i) {
    const wire::TxView& view = (*parsed)->tx(i);
    const Json& payload = txs[i]["payload"];
    EXPECT_EQ(payload["header"]["channel_header"]["tx_id"], expected["txs"][i]["txid"]);
    if (!view.ok()) continue;
    ASSERT_EQ(payload["data"]["actions"].size(), view.actions.size());
    for (size_t a = 0; a < view.actions.size(); ++a) {
      const Json& action = payload["data"]["actions"][a]["payload"]["action"];
      for (const Json& e : action["endorsements"]) {
        EXPECT_FALSE(e["endorser"]["mspid"].get<std::string>().empty());
        EXPECT_THAT(e["endorser"]["certificate"]["subject"].get<std::string>(), HasSubstr("CN="));
      }
      const Json& ns = action["proposal_response_payload"]["extension"]["results"]["ns_rwset"];
      ASSERT_EQ(ns.size(), view.actions[a].namespaces.size()) << "tx " << i;
      for (size_t n = 0; n < ns.size(); ++n) {
        EXPECT_EQ(ns[n]["namespace"], view.actions[a].namespaces[n].name);
        EXPECT_TRUE(ns[n]["rwset"].is_object());
      }
    }
  }
}

TEST(InspectBlockTest, EveryVectorBlockRendersOrIsRejected) {
  for (const char* dir : {"blocks", "committed", "tampered", "crash"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(kVectors) + dir)) {
      std::string bytes = ReadFile(entry.path().string());
      absl::StatusOr<std::string> out = InspectBytes(bytes, "");
      if (out.ok()) {
        EXPECT_TRUE(Json::accept(*out)) << entry.path();
      } else {
        EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << entry.path();
      }
      if (entry.path().extension() == ".block") {
        absl::StatusOr<std::string> as_block = InspectBytes(bytes, "common.Block", -1);
        EXPECT_TRUE(as_block.ok()) << entry.path() << ": " << as_block.status();
      }
    }
  }
}

// ---- Detection and type names ----

TEST(InspectBytesTest, GarbageIsNotDetected) {
  for (std::string garbage : {std::string(""), std::string("\xff\xfe\x00garbage", 10)}) {
    absl::StatusOr<std::string> out = InspectBytes(garbage, "");
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(out.status().message()),
                HasSubstr("not a Fabric block or any supported message (tried: common.Block"));
  }
}

TEST(InspectBytesTest, DetectsEnvelopesConfigsAndCertificates) {
  EXPECT_EQ(*DetectType(Vector("genesis.block")), "common.Block");
  common::Block block;
  ASSERT_TRUE(block.ParseFromString(Vector("genesis.block")));
  EXPECT_EQ(*DetectType(block.data().data(0)), "common.Envelope");
  common::Envelope env;
  common::Payload payload;
  ASSERT_TRUE(env.ParseFromString(block.data().data(0)) && payload.ParseFromString(env.payload()));
  EXPECT_EQ(*DetectType(payload.data()), "common.ConfigEnvelope");
  common::ConfigEnvelope config;
  ASSERT_TRUE(config.ParseFromString(payload.data()));
  EXPECT_EQ(*DetectType(config.config().SerializeAsString()), "common.Config");
  std::string cert =
      Vector("msp/peerOrganizations/org1.example.com/ca/ca.org1.example.com-cert.pem");
  EXPECT_EQ(*DetectType(cert), kCertificateType);
  Json j = Parse(InspectBytes(cert, ""));
  EXPECT_EQ(j["certificate"]["is_ca"], true);
  EXPECT_EQ(j["pem"], cert);
}

TEST(InspectBytesTest, UnknownTypeNameListsSupportedOnes) {
  absl::StatusOr<std::string> out = InspectBytes("", "common.Nope");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("common.Nope"));
  EXPECT_THAT(std::string(out.status().message()), HasSubstr("common.Block"));
  // Messages outside Fabric's packages are not offered.
  EXPECT_FALSE(InspectBytes("", "google.protobuf.Timestamp").ok());
}

TEST(InspectBytesTest, NamedTypeThatDoesNotParseIsAnError) {
  absl::StatusOr<std::string> out = InspectBytes("\xff\xff\xff", "common.Block");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(InspectBytesTest, SerializedIdentityShowsMspIdAndCertificate) {
  std::string pem = Vector(
      "msp/peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp/signcerts/"
      "peer0.org1.example.com-cert.pem");
  msp::SerializedIdentity id;
  id.set_mspid("Org1MSP");
  id.set_id_bytes(pem);
  Json j = Parse(InspectBytes(id.SerializeAsString(), "msp.SerializedIdentity"));
  EXPECT_EQ(j["mspid"], "Org1MSP");
  EXPECT_EQ(j["id_bytes"], pem);
  EXPECT_EQ(j["certificate"]["subject"], identity::SummarizeCertificate(pem)->subject);
  EXPECT_EQ(j["certificate"]["is_ca"], false);
}

// ---- Rendering rules, on messages made here ----

TEST(MessageJsonTest, ScalarsLikeProtojson) {
  common::ChannelHeader ch;
  ch.set_type(common::ENDORSER_TRANSACTION);
  ch.set_epoch(7);
  ch.mutable_timestamp()->set_seconds(1700000000);
  ch.mutable_timestamp()->set_nanos(5000000);
  ch.set_tls_cert_hash("\x01\xab");
  Json j = ToJson(ch);
  EXPECT_EQ(j["epoch"], "7");
  EXPECT_EQ(j["timestamp"], "2023-11-14T22:13:20.005Z");
  EXPECT_EQ(j["tls_cert_hash"], "01ab");
  EXPECT_EQ(j["channel_id"], "");  // defaults are shown
  // ENDORSER_TRANSACTION: the (empty) extension decodes to a ChaincodeHeaderExtension.
  EXPECT_TRUE(j["extension"].contains("chaincode_id"));
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"type", "version", "timestamp", "channel_id", "tx_id",
                                            "epoch", "extension", "tls_cert_hash"}));
}

TEST(MessageJsonTest, EnumsOneofsAndUnsetMessages) {
  common::SignaturePolicyEnvelope spe;
  spe.mutable_rule()->set_signed_by(0);
  common::MSPPrincipal* p = spe.add_identities();
  p->set_principal_classification(static_cast<common::MSPPrincipal::Classification>(9));
  p->set_principal("\x01\x02");
  Json j = ToJson(spe);
  EXPECT_EQ(j["rule"], Json::parse(R"({"signed_by": 0})"));  // unset oneof member omitted
  EXPECT_EQ(j["identities"][0]["principal_classification"], 9);
  EXPECT_EQ(j["identities"][0]["principal"], "AQI=");
  EXPECT_THAT(j["identities"][0]["principal_error"].get<std::string>(), HasSubstr("9"));

  common::Payload payload;
  EXPECT_EQ(ToJson(payload)["header"], nullptr);
}

TEST(MessageJsonTest, PrincipalDecodedByClassification) {
  common::MSPRole role;
  role.set_msp_identifier("Org1MSP");
  role.set_role(common::MSPRole::PEER);
  common::MSPPrincipal p;
  p.set_principal_classification(common::MSPPrincipal::ROLE);
  p.set_principal(role.SerializeAsString());
  Json j = ToJson(p);
  EXPECT_EQ(j["principal"]["msp_identifier"], "Org1MSP");
  EXPECT_EQ(j["principal"]["role"], "PEER");
}

TEST(MessageJsonTest, ConfigValuesDecodedByMapKeyInKeyOrder) {
  orderer::BatchSize bs;
  bs.set_max_message_count(10);
  common::ConfigGroup g;
  (*g.mutable_values())["BatchSize"].set_value(bs.SerializeAsString());
  (*g.mutable_values())["Mystery"].set_value("\x08\x01");
  (*g.mutable_values())["Absent"];
  Json j = ToJson(g);
  EXPECT_EQ(j["values"]["BatchSize"]["value"]["max_message_count"], 10);
  EXPECT_EQ(j["values"]["Mystery"]["value"], "CAE=");
  EXPECT_THAT(j["values"]["Mystery"]["value_error"].get<std::string>(), HasSubstr("Mystery"));
  EXPECT_FALSE(j["values"]["Absent"].contains("value_error"));  // empty: nothing to misread
  std::vector<std::string> keys;
  for (const auto& item : j["values"].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"Absent", "BatchSize", "Mystery"}));
}

TEST(MessageJsonTest, UndecodableBytesStayBase64WithAnError) {
  common::Envelope env;
  env.set_payload("\xff\xff\xff");
  Json j = ToJson(env);
  EXPECT_EQ(j["payload"], absl::Base64Escape("\xff\xff\xff"));
  EXPECT_THAT(j["payload_error"].get<std::string>(), HasSubstr("common.Payload"));

  common::BlockData data;
  data.add_data(env.SerializeAsString());
  data.add_data("\xff\xff");
  Json d = ToJson(data);
  EXPECT_EQ(d["data"][0]["payload_error"], j["payload_error"]);
  EXPECT_EQ(d["data"][1], absl::Base64Escape("\xff\xff"));
  EXPECT_TRUE(d["data_error"].contains("1"));
  EXPECT_FALSE(d["data_error"].contains("0"));
}

TEST(MessageJsonTest, UnknownFieldsAreKept) {
  common::LastConfig lc;
  lc.set_index(3);
  std::string bytes = lc.SerializeAsString() + std::string("\x78\x05", 2);  // field 15 = 5
  common::LastConfig parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  Json j = ToJson(parsed);
  EXPECT_EQ(j["index"], "3");
  EXPECT_EQ(j["unknown_fields"], absl::Base64Escape(std::string("\x78\x05", 2)));
}

TEST(MessageJsonTest, WriteValuesAsTextOrMarkedBase64) {
  kvrwset::KVWrite text, binary;
  text.set_value("hello");
  binary.set_value(std::string("\x00\x01", 2));
  EXPECT_EQ(ToJson(text)["value"], "hello");
  EXPECT_FALSE(ToJson(text).contains("value_encoding"));
  EXPECT_EQ(ToJson(binary)["value"], "AAE=");
  EXPECT_EQ(ToJson(binary)["value_encoding"], "base64");
}

TEST(MessageJsonTest, DeepNestingIsCutOff) {
  // Envelope -> Payload(ORDERER_TRANSACTION) -> Envelope -> ... far deeper than allowed.
  common::ChannelHeader ch;
  ch.set_type(4);
  std::string bytes;
  for (int i = 0; i < 500; ++i) {
    common::Payload p;
    p.mutable_header()->set_channel_header(ch.SerializeAsString());
    p.set_data(bytes);
    common::Envelope e;
    e.set_payload(p.SerializeAsString());
    bytes = e.SerializeAsString();
  }
  absl::StatusOr<std::string> out = InspectBytes(bytes, "common.Envelope", -1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(*out, HasSubstr("nested deeper than"));
  EXPECT_TRUE(Json::accept(*out));
}

TEST(MessageJsonTest, CorruptedBlockNeverFails) {
  std::string block = Vector("blocks/000002.block");
  for (size_t i = 0; i < block.size(); i += block.size() / 60) {
    std::string bad = block;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    for (const std::string& input : {bad, block.substr(0, i)}) {
      absl::StatusOr<std::string> out = InspectBytes(input, "");
      if (!out.ok()) {
        EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
      }
    }
  }
}

}  // namespace
}  // namespace fabric::inspect
