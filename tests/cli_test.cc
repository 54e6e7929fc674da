// The `fabric` CLI as a user runs it, over the Fabric-made vectors.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "nlohmann/json.hpp"

namespace fabric {
namespace {

using nlohmann::json;

struct Result {
  int exit_code;
  std::string out;  // stdout and stderr
};

Result Fabric(const std::string& args) {
  std::string cmd = "tools/fabric " + args + " 2>&1";
  Result r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

json Expected() {
  auto text = testing::ReadFile(testing::ConformanceDir() + "/expected.json");
  return text.ok() ? json::parse(*text) : json();
}

TEST(CliTest, InspectGenesisShowsDecodedConfig) {
  Result r = Fabric("inspect " + testing::ConformanceDir() + "/genesis.block");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json j = json::parse(r.out);
  const json& payload = j["data"]["data"][0]["payload"];
  EXPECT_EQ(payload["header"]["channel_header"]["channel_id"], Expected()["channel_id"]);
  EXPECT_TRUE(payload["data"]["config"]["channel_group"]["groups"].contains("Application"));
}

TEST(CliTest, InspectShowsIdentitiesAndReadWriteSets) {
  Result r = Fabric("inspect " + testing::ConformanceDir() + "/blocks/000002.block");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // Creator identities carry their MSP id and a decoded certificate subject.
  EXPECT_NE(r.out.find("\"mspid\""), std::string::npos);
  EXPECT_NE(r.out.find("\"subject\""), std::string::npos);
  EXPECT_NE(r.out.find("\"ns_rwset\""), std::string::npos);
  EXPECT_NE(r.out.find(Expected()["blocks"][1]["txs"][0]["txid"].get<std::string>()),
            std::string::npos);
}

TEST(CliTest, InspectRejectsWhatIsNotABlock) {
  Result r = Fabric("inspect " + testing::ConformanceDir() + "/expected.json");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("not a"), std::string::npos) << r.out;
  Result missing = Fabric("inspect /nonexistent/file.block");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("cannot open"), std::string::npos) << missing.out;
}

TEST(CliTest, BlockSummaryMatchesFabricHashes) {
  json want = Expected()["blocks"][4];
  Result r = Fabric("block " + testing::ConformanceDir() + "/" + want["file"].get<std::string>());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  json j = json::parse(r.out);
  EXPECT_EQ(j["header_hash"], want["header_hash"]);
  EXPECT_EQ(j["previous_hash"], want["previous_hash"]);
  EXPECT_EQ(j["data_hash"], want["data_hash"]);
  ASSERT_EQ(j["transactions"].size(), want["txs"].size());
  for (size_t i = 0; i < want["txs"].size(); ++i) {
    EXPECT_EQ(j["transactions"][i]["txid"], want["txs"][i]["txid"]);
  }
}

TEST(CliTest, ChainFindsTheMalformedBlock) {
  // Blocks that Fabric's verification rejected as malformed must be named, and only they.
  Result r = Fabric("chain " + testing::ConformanceDir());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const json expected = Expected();
  for (const json& b : expected["blocks"]) {
    const json& verdict = b["mcs_verify_block"];
    const bool rejected = !verdict["accepted"].get<bool>() &&
                          verdict.value("error", "").find("malformed") != std::string::npos;
    const std::string tag = "block " + std::to_string(b["number"].get<int>()) + ": not well";
    EXPECT_EQ(r.out.find(tag) != std::string::npos, rejected) << tag << "\n" << r.out;
  }
}

TEST(CliTest, PolicyCompileMatchesFabricAndShowsBack) {
  int compiled = 0;
  const json expected = Expected();
  for (const json& cc : expected["chaincodes"]) {
    if (!cc.contains("policy_dsl")) continue;
    const std::string dsl = cc["policy_dsl"].get<std::string>();
    Result r = Fabric("policy compile \"" + dsl + "\"");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.out, cc["signature_policy_envelope_b64"].get<std::string>() + "\n") << dsl;
    // Shown back, it compiles to the same envelope.
    Result shown = Fabric("policy show " + cc["signature_policy_envelope_b64"].get<std::string>());
    ASSERT_EQ(shown.exit_code, 0) << shown.out;
    shown.out.pop_back();
    EXPECT_EQ(Fabric("policy compile \"" + shown.out + "\"").out, r.out);
    ++compiled;
  }
  EXPECT_GT(compiled, 0);
  Result bad = Fabric("policy compile \"AND('Org1MSP.peer' 'Org2MSP.peer')\"");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.out.find("position"), std::string::npos) << bad.out;
}

// The README of the vectors: peers endorse for their org; MAJORITY of 3 orgs needs 2.
TEST(CliTest, PolicyEvalAgainstTheChannelConfig) {
  const std::string peers = testing::ConformanceDir() + "/msp/peerOrganizations/";
  auto signer = [&](int org) {
    const std::string o = std::to_string(org);
    return " --signer Org" + o + "MSP:" + peers + "org" + o + ".example.com/peers/peer0.org" + o +
           ".example.com/msp";
  };
  const std::string eval = "policy eval /Channel/Application/Endorsement --config " +
                           testing::ConformanceDir() + "/genesis.block";
  EXPECT_EQ(Fabric(eval + signer(1)).exit_code, 1);
  Result two = Fabric(eval + signer(1) + signer(3));
  EXPECT_EQ(two.exit_code, 0) << two.out;
  EXPECT_NE(two.out.find("satisfied"), std::string::npos);
}

// The README of the vectors: the CONFIG block 17 adds a CRL that revokes User2@org1.
TEST(CliTest, IdentityCheckFollowsTheConfigBlock) {
  const std::string cert = testing::ConformanceDir() +
                           "/msp/peerOrganizations/org1.example.com/users/User2@org1.example.com/"
                           "msp/signcerts/User2@org1.example.com-cert.pem";
  const std::string check = "identity check " + cert + " --msp Org1MSP --config ";
  Result before = Fabric(check + testing::ConformanceDir() + "/genesis.block");
  EXPECT_EQ(before.exit_code, 0) << before.out;
  EXPECT_EQ(before.out.rfind("valid", 0), 0u) << before.out;
  Result after = Fabric(check + testing::ConformanceDir() + "/blocks/000017.block");
  EXPECT_EQ(after.exit_code, 1) << after.out;
  EXPECT_NE(after.out.find("revoked"), std::string::npos) << after.out;
}

// Fabric's stored blocks imported into a ledger answer queries as Fabric's ledger did.
TEST(CliTest, LedgerImportAndQueries) {
  const std::string ledger = fabric::testing::FreshTempDir("cli_ledger");
  const json expected = Expected();
  Result imported =
      Fabric("ledger import " + testing::ConformanceDir() + "/committed --ledger " + ledger);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  Result info = Fabric("ledger info --ledger " + ledger);
  ASSERT_EQ(info.exit_code, 0) << info.out;
  json i = json::parse(info.out);
  EXPECT_EQ(i["channel"], expected["channel_id"]);
  EXPECT_EQ(i["height"], expected["ledger_height"]);
  EXPECT_EQ(i["current_hash"], expected["ledger_current_block_hash"]);

  const json& tx = expected["blocks"][2]["txs"][0];
  Result t = Fabric("ledger tx " + tx["txid"].get<std::string>() + " --ledger " + ledger);
  ASSERT_EQ(t.exit_code, 0) << t.out;
  EXPECT_EQ(json::parse(t.out)["occurrences"][0]["validation_code"], tx["code"]);

  const json& entry = expected["final_state"]["cc_or"][0];
  Result st = Fabric("ledger state cc_or --key-hex " + entry["key_hex"].get<std::string>() +
                     " --ledger " + ledger);
  ASSERT_EQ(st.exit_code, 0) << st.out;
  EXPECT_EQ(json::parse(st.out)["version"], entry["version"]);

  Result range = Fabric("ledger range cc_or --limit 1 --ledger " + ledger);
  ASSERT_EQ(range.exit_code, 0) << range.out;
  EXPECT_EQ(json::parse(range.out)["results"].size(), 1u);
  EXPECT_NE(Fabric("ledger state cc_or no-such-key --ledger " + ledger).exit_code, 0);
  EXPECT_NE(Fabric("ledger info --ledger /nonexistent/ledger").exit_code, 0);
}

// Hostile files get a clear error and a failing exit, never a crash or a silent result.
TEST(CliTest, HostileInputFilesGetClearErrors) {
  const std::string dir = fabric::testing::FreshTempDir("cli_hostile");
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  auto block2 = testing::ReadFile(testing::ConformanceDir() + "/blocks/000002.block");
  ASSERT_TRUE(block2.ok());
  std::string random;
  for (int i = 0; i < 1000; ++i) random.push_back(static_cast<char>((i * 7919 + 13) % 251));
  const std::string big = write("big.block", "");
  std::filesystem::resize_file(big, uint64_t{1} << 30);  // sparse
  const std::vector<std::pair<std::string, std::string>> cases = {
      {dir, "is a directory"},
      {write("empty.block", ""), "no header"},
      {write("truncated.block", block2->substr(0, block2->size() / 2)), "do not parse"},
      {write("random.block", random), "do not parse"},
      {big, "larger than"},
  };
  for (const auto& [path, why] : cases) {
    Result block = Fabric("block " + path);
    EXPECT_EQ(block.exit_code, 1) << path << ": " << block.out;
    EXPECT_NE(block.out.find(why), std::string::npos) << path << ": " << block.out;
    Result inspect = Fabric("inspect " + path);
    EXPECT_EQ(inspect.exit_code, 1) << path << ": " << inspect.out;
  }
  Result replay = Fabric("replay " + dir + " --ledger " + dir + "/ledger");
  EXPECT_NE(replay.exit_code, 0) << replay.out;
}

// A damaged block file or RocksDB file is reported as damage, not served.
TEST(CliTest, DamagedLedgerFilesAreReportedNotServed) {
  const std::string ledger = fabric::testing::FreshTempDir("cli_damaged");
  ASSERT_EQ(Fabric("ledger import " + testing::ConformanceDir() + "/committed --ledger " + ledger)
                .exit_code,
            0);
  const std::string copy = ledger + "_current";
  std::filesystem::remove_all(copy);
  std::filesystem::copy(ledger, copy, std::filesystem::copy_options::recursive);

  // One bit of block 5's data flipped: block 5 is refused, its neighbours are served.
  ASSERT_EQ(Fabric("ledger block 5 --ledger " + ledger).exit_code, 0);
  auto block5 = testing::ReadFile(testing::ConformanceDir() + "/committed/000005.block");
  ASSERT_TRUE(block5.ok());
  auto files = testing::ReadFile(ledger + "/chains/blockfile_000000");
  ASSERT_TRUE(files.ok());
  const size_t at = files->find(*block5);
  ASSERT_NE(at, std::string::npos);
  {
    std::fstream f(ledger + "/chains/blockfile_000000",
                   std::ios::in | std::ios::out | std::ios::binary);
    const size_t middle = at + block5->size() / 2;
    f.seekp(static_cast<std::streamoff>(middle));
    f.put(static_cast<char>((*files)[middle] ^ 0x10));
  }
  Result damaged = Fabric("ledger block 5 --ledger " + ledger);
  EXPECT_EQ(damaged.exit_code, 1) << damaged.out;
  EXPECT_NE(damaged.out.find("damaged on disk"), std::string::npos) << damaged.out;
  EXPECT_EQ(Fabric("ledger block 4 --ledger " + ledger).exit_code, 0);
  EXPECT_EQ(Fabric("ledger block 6 --ledger " + ledger).exit_code, 0);

  // RocksDB's CURRENT file damaged: the ledger does not open, and says why.
  std::ofstream(copy + "/index/CURRENT", std::ios::binary) << "MANIFEST-9999";
  Result current = Fabric("ledger info --ledger " + copy);
  EXPECT_EQ(current.exit_code, 1) << current.out;
  EXPECT_NE(current.out.find("Corruption"), std::string::npos) << current.out;
}

TEST(CliTest, UnknownCommandAndUsage) {
  EXPECT_EQ(Fabric("frobnicate").exit_code, 2);
  EXPECT_EQ(Fabric("--help").exit_code, 0);
  EXPECT_NE(Fabric("version").out.find("fabric-peer"), std::string::npos);
}

// The private data chain replayed with its pvtdata/ answers as Fabric's peer0.org1 did:
// private values, the eligible missing data it recorded, and a key BlockToLive purged.
TEST(CliTest, ReplayWithPrivateDataAnswersPrivateQueries) {
  const std::string ledger = fabric::testing::FreshTempDir("cli_pvt") + "/ledger";
  Result replay = Fabric("replay " + testing::PvtDir() + " --ledger " + ledger);
  ASSERT_EQ(replay.exit_code, 0) << replay.out;
  auto text = testing::ReadFile(testing::PvtDir() + "/expected.json");
  ASSERT_TRUE(text.ok());
  const json expected = json::parse(*text);

  const json& entry = expected["final_private_state"]["pvtcc"]["collA"][0];
  Result v = Fabric("ledger private pvtcc collA --key-hex " + entry["key_hex"].get<std::string>() +
                    " --ledger " + ledger);
  ASSERT_EQ(v.exit_code, 0) << v.out;
  const json got = json::parse(v.out);
  EXPECT_EQ(got["key"], entry["key"]);
  EXPECT_EQ(got["version"], entry["version"]);

  std::set<std::string> want_missing, got_missing;
  for (const auto& [block, entries] : expected["missing_pvt_data_tracker"].items()) {
    for (const json& e : entries) {
      want_missing.insert(block + "/" + std::to_string(e["tx"].get<int>()) + "/" +
                          e["collection"].get<std::string>());
    }
  }
  Result records = Fabric("ledger private-data --ledger " + ledger);
  ASSERT_EQ(records.exit_code, 0) << records.out;
  const json listed = json::parse(records.out);
  for (const json& b : listed["blocks"]) {
    for (const json& m : b["missing"]) {
      if (!m["eligible"].get<bool>()) continue;
      got_missing.insert(std::to_string(b["block"].get<int>()) + "/" +
                         std::to_string(m["tx"].get<int>()) + "/" +
                         m["collection"].get<std::string>());
    }
  }
  EXPECT_EQ(got_missing, want_missing);

  // The hashed state lists every key hash Fabric's peer had.
  Result hashes = Fabric("ledger private-hashes pvtcc collA --ledger " + ledger);
  ASSERT_EQ(hashes.exit_code, 0) << hashes.out;
  std::set<std::string> got_hashes, want_hashes;
  const json hashed = json::parse(hashes.out);
  for (const json& e : hashed["results"]) got_hashes.insert(e["key_hash"].get<std::string>());
  for (const json& e : expected["final_hashed_state"]["pvtcc"]["collA"]) {
    want_hashes.insert(e["key_hash_hex"].get<std::string>());
  }
  EXPECT_EQ(got_hashes, want_hashes);

  for (const json& p : expected["purge_results"]) {
    if (p["hash_present"].get<bool>()) continue;
    Result h = Fabric("ledger private-hash " + p["namespace"].get<std::string>() + " " +
                      p["collection"].get<std::string>() + " " + p["key"].get<std::string>() +
                      " --ledger " + ledger);
    EXPECT_NE(h.exit_code, 0) << h.out;
  }
}

}  // namespace
}  // namespace fabric
