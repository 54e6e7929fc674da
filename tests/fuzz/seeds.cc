#include "tests/fuzz/seeds.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>

#include <random>
#include <string>
#include <vector>

#include "fabric/fabric.h"
#include "lib/crypto/p256_cases.h"
#include "lib/identity/pem.h"
#include "lib/ledger/internal/schema.h"
#include "lib/ledger/private_data.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/proto_util.h"
#include "tools/pvt_file.h"

namespace fabric::fuzz {

namespace {

std::string With(char prefix, const std::string& body) { return std::string(1, prefix) + body; }
std::string With2(char a, char b, const std::string& body) { return std::string{a, b} + body; }

std::string Block(int n) {
  char name[32];
  snprintf(name, sizeof name, "blocks/%06d.block", n);
  return ReadVector(name);
}

std::vector<std::string> Files(const std::string& relative_dir) {
  std::vector<std::string> out;
  for (const std::string& path : ListFiles(VectorsDir() + "/" + relative_dir)) {
    std::string bytes;
    FUZZ_CHECK(ReadFile(path, &bytes), "read %s", path.c_str());
    out.push_back(bytes);
  }
  return out;
}

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

const char* const kUserCerts[] = {
    "peerOrganizations/org1.example.com/users/User1@org1.example.com/msp/signcerts/"
    "User1@org1.example.com-cert.pem",
    "peerOrganizations/org1.example.com/peers/peer0.org1.example.com/msp/signcerts/"
    "peer0.org1.example.com-cert.pem",
    "peerOrganizations/org2.example.com/users/User3@org2.example.com/msp/signcerts/"
    "User3@org2.example.com-cert.pem",
    "peerOrganizations/org3.example.com/users/Admin@org3.example.com/msp/signcerts/"
    "Admin@org3.example.com-cert.pem",
    "ordererOrganizations/example.com/orderers/orderer0.example.com/msp/signcerts/"
    "orderer0.example.com-cert.pem",
    "rogue/users/User1@org1.example.com/msp/signcerts/User1@org1.example.com-cert.pem",
};
const char* const kUserMsps[] = {"Org1MSP", "Org1MSP",    "Org2MSP",
                                 "Org3MSP", "OrdererMSP", "Org1MSP"};

const char* const kPolicies[] = {
    "OR('Org1MSP.peer','Org2MSP.peer')",
    "AND('Org1MSP.peer','Org2MSP.peer')",
    "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')",
    "OR(AND('Org1MSP.member','Org2MSP.member'),'Org3MSP.admin')",
    "OutOf(1,'OrdererMSP.orderer','Org1MSP.client',AND('Org3MSP.peer','Org2MSP.admin'))",
    "AND('Org1MSP.member')",
};

std::vector<std::string> BlockSeeds() {
  std::vector<std::string> out;
  out.push_back(With(0, ReadVector("genesis.block")));
  for (const std::string& b : Files("blocks")) out.push_back(With(0, b));
  for (const std::string& b : Files("crash")) {
    if (b.front() != '{') out.push_back(With(0, b));  // not crash.json
  }
  for (const char* t :
       {"tampered/header_nil.block", "tampered/tx_removed_datahash_recomputed.block",
        "tampered/signatures_metadata_empty.block"}) {
    out.push_back(With(0, ReadVector(t)));
  }
  out.push_back(With(0, ReadVector("committed/000005.block")));
  out.push_back(With(1, ReadVector("committed/000017.block")));
  // Other types for fabric_inspect_json (see kTypes in block_fuzz.cc).
  const std::string b3 = Block(3);
  out.push_back(With(2, BlockDataEntry(b3, 0)));
  out.push_back(With(12, ReadVector(std::string("msp/") + kUserCerts[0])));
  msp::SerializedIdentity id;
  id.set_mspid("Org1MSP");
  id.set_id_bytes(ReadVector(std::string("msp/") + kUserCerts[0]));
  out.push_back(With(7, id.SerializeAsString()));
  return out;
}

std::vector<std::string> ChannelSeeds() {
  std::vector<std::string> out;
  // Flags: bit 0 skip verification, bits 1-2 transform (see channel_fuzz.cc).
  for (char flags : {0, 1, 2, 3, 4, 5}) out.push_back(With(flags, Block(3)));
  for (int n = 4; n <= 20; ++n) {
    out.push_back(With(3, Block(n)));
    out.push_back(With(4, Block(n)));
  }
  for (const std::string& b : Files("crash")) {
    if (b.front() == '{') continue;
    out.push_back(With(3, b));
    out.push_back(With(4, b));
  }
  for (const char* t :
       {"tampered/original.block", "tampered/signature_high_s.block",
        "tampered/block_number_changed_resigned_by_orderer.block", "tampered/header_nil.block"}) {
    out.push_back(With(0, ReadVector(t)));
    out.push_back(With(3, ReadVector(t)));
  }
  return out;
}

std::vector<std::string> EndorserSeeds() {
  std::vector<std::string> out;
  // '|' separates the arguments (0x1f in the input).
  const char* const kScripts[] = {
      "put|key1|value1",
      "get|key1||put|key2|v|del|key3|",
      "range|a|z",
      "page||\x05",
      "ck|asset|blue|pck|asset|blue",
      "meta|key1||setmeta|key1|VALIDATION_PARAMETER",
      "event|moved|payload|respond|ok|body",
      "history|key1||transient|t|",
      "fail|||put|k|v",
  };

  char cc = 0;
  for (const char* script : kScripts) {
    std::string args = script;
    for (char& c : args) c = c == '|' ? '\x1f' : c;
    out.push_back(With2(2, cc, args));
    cc = static_cast<char>((cc + 1) % 8);
  }
  out.push_back(With2(2, 6, "queryapproved"));
  // Signed proposals made by the client side, as is (mode 0) and as proposals (mode 1).
  fabric_signer* user =
      Signer("Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com");
  for (const char* chaincode : {"cc_or", "cc_and", "cc_nested"}) {
    const std::string f = "put", k = "key", v = "value";
    const fabric_bytes args[] = {{U(f), f.size()}, {U(k), k.size()}, {U(v), v.size()}};
    fabric_buf proposal = FABRIC_BUF_INIT;
    fabric_error* err = nullptr;
    FUZZ_CHECK(fabric_proposal_create(&proposal, nullptr, user, "mychannel", chaincode, args, 3,
                                      nullptr, &err) == FABRIC_OK,
               "proposal: %s", TakeError(err).c_str());
    const std::string sp(reinterpret_cast<const char*>(proposal.data), proposal.size);
    fabric_buf_dispose(&proposal);
    out.push_back(With(0, sp));
    protos::SignedProposal parsed;
    FUZZ_CHECK(parsed.ParseFromString(sp), "signed proposal");
    out.push_back(With(1, parsed.proposal_bytes()));
  }
  fabric_signer_free(user);
  return out;
}

std::vector<std::string> PolicySeeds() {
  std::vector<std::string> out;
  for (const char* p : kPolicies) {
    out.push_back(With(0, p));
    out.push_back(With(3, p));
    fabric_buf compiled = FABRIC_BUF_INIT;
    FUZZ_CHECK(fabric_policy_compile(&compiled, p, nullptr) == FABRIC_OK, "compile %s", p);
    const std::string bytes(reinterpret_cast<const char*>(compiled.data), compiled.size);
    fabric_buf_dispose(&compiled);
    out.push_back(With(1, bytes));
    out.push_back(With(2, bytes));
  }
  for (const char* path : {"/Channel/Application/Writers", "/Channel/Orderer/BlockValidation",
                           "/Channel/Application/Org1MSP/Endorsement", "/Channel/Admins"}) {
    out.push_back(With(4, path));
  }
  return out;
}

std::vector<std::string> IdentitySeeds() {
  std::vector<std::string> out;
  for (size_t i = 0; i < sizeof kUserCerts / sizeof kUserCerts[0]; ++i) {
    const std::string pem = ReadVector(std::string("msp/") + kUserCerts[i]);
    msp::SerializedIdentity id;
    id.set_mspid(kUserMsps[i]);
    id.set_id_bytes(pem);
    out.push_back(With2(0, 0, id.SerializeAsString()));
    out.push_back(With2(1, static_cast<char>(i), pem));
    out.push_back(With2(2, 0, pem));
    auto block = identity::PemDecode(pem);
    FUZZ_CHECK(block.has_value(), "PEM %s", kUserCerts[i]);
    out.push_back(With2(3, 0, block->bytes));
    if (i < 2) out.push_back(With2(7, static_cast<char>(i == 0 ? 0x00 : 0x14), pem));
  }
  const std::string ca =
      ReadVector("msp/peerOrganizations/org3.example.com/ca/ca.org3.example.com-cert.pem");
  out.push_back(With2(7, 0x11, ca));
  const std::string crl = ReadVector("config_update_org1_crl.pem");
  out.push_back(With2(2, 0, crl));
  out.push_back(With2(7, 0x06, crl));
  auto crl_der = identity::PemDecode(crl);
  FUZZ_CHECK(crl_der.has_value(), "CRL PEM");
  out.push_back(With2(3, 0, crl_der->bytes));
  out.push_back(With2(4, 0, ReadVector("msp/peerOrganizations/org1.example.com/msp/config.yaml")));
  out.push_back(With2(4, 0, ReadVector("msp/ordererOrganizations/example.com/msp/config.yaml")));
  const std::string genesis = ReadVector("genesis.block");
  const common::Config config = ConfigOfBlock(genesis);
  for (const char* org : {"Org1MSP", "Org2MSP", "Org3MSP", "OrdererOrg"}) {
    out.push_back(With2(5, 0, MspConfigOf(config, org).SerializeAsString()));
  }
  out.push_back(With2(6, 0, genesis));
  out.push_back(With2(6, 0, Block(17)));
  fabric_signer* user =
      Signer("Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com");
  const std::string data = "data signed for the identity fuzzer";
  fabric_buf sig = FABRIC_BUF_INIT;
  FUZZ_CHECK(fabric_signer_sign(&sig, user, U(data), data.size(), nullptr) == FABRIC_OK, "sign");
  const std::string signature(reinterpret_cast<const char*>(sig.data), sig.size);
  fabric_buf_dispose(&sig);
  fabric_signer_free(user);
  out.push_back(With2(8, 0, signature));
  out.push_back(With2(3, 0, signature));
  return out;
}

std::vector<std::string> ConfigUpdateSeeds() {
  std::vector<std::string> out;
  const std::string update = ConfigUpdateOfBlock(Block(17)).SerializeAsString();
  // Flags: bits 0-3 signers, bit 4 the config the update produces, bit 5 skip
  // verification (see config_update_fuzz.cc).
  for (char flags : {0x11, 0x01, 0x10, 0x1f, 0x31, 0x12}) out.push_back(With(flags, update));
  return out;
}

// The private data chain's pvtdata/ files as handed (0), the record block 3 gets from
// its file (1), and an expiry schedule entry of its keys (2).
std::vector<std::string> PrivateDataSeeds() {
  std::vector<std::string> out;
  const std::string dir = VectorsDir() + "/../pvt";
  for (const std::string& path : ListFiles(dir + "/pvtdata")) {
    std::string bytes;
    FUZZ_CHECK(ReadFile(path, &bytes), "%s", path.c_str());
    out.push_back(With(0, bytes));
  }
  std::string block_bytes, pvt;
  FUZZ_CHECK(ReadFile(dir + "/blocks/000003.block", &block_bytes) &&
                 ReadFile(dir + "/pvtdata/000003.pvt", &pvt),
             "the private data vectors");
  auto block = wire::ParsedBlock::Parse(block_bytes);
  auto handed = tools::ParsePvtFile(pvt, "000003.pvt");
  FUZZ_CHECK(block.ok() && handed.ok(), "block 3 and its private data");
  auto record = ledger::SortPrivateData(**block, *handed, nullptr);
  FUZZ_CHECK(record.ok(), "sorting block 3's private data");
  out.push_back(With(1, ledger::internal::EncodePvtRecord(*record)));
  std::vector<ledger::ExpiringKey> keys = {{"pvtcc", "collBTL", std::string(32, 'h'), "k"},
                                           {"pvtcc", "collA", std::string(32, 'i'), ""}};
  out.push_back(With(2, ledger::internal::EncodeExpiring(keys)));
  return out;
}

// The snapshots Fabric wrote (as [file][varint length][bytes] records), the block-store
// records of a Fabric peer's block files, and the snapshots' metadata files.
std::vector<std::string> SnapshotSeeds() {
  static const char* const kFiles[] = {
      "txids.data",           "txids.metadata",     "public_state.data",
      "public_state.metadata", "private_state_hashes.data", "private_state_hashes.metadata",
      "confighistory.data",   "confighistory.metadata"};
  std::vector<std::string> out;
  for (const char* set : {"conformance_h10", "pvt_h4", "pvt_end"}) {
    const std::string dir = VectorsDir() + "/../snapshots/" + set + "/snapshot/";
    std::string files;
    for (int i = 0; i < 8; ++i) {
      std::string bytes;
      if (!ReadFile(dir + kFiles[i], &bytes)) continue;
      files.push_back(static_cast<char>(i));
      ledger::internal::PutVarint64(&files, bytes.size());
      files += bytes;
    }
    out.push_back(With(1, files));
    std::string signable, additional;
    FUZZ_CHECK(ReadFile(dir + "_snapshot_signable_metadata.json", &signable) &&
                   ReadFile(dir + "_snapshot_additional_metadata.json", &additional),
               "the metadata of %s", set);
    out.push_back(With(2, signable + std::string(1, '\0') + additional));
  }
  std::string blockfile;
  FUZZ_CHECK(ReadFile(VectorsDir() +
                          "/../fabric_peer/pvt/chains/chains/mychannel/blockfile_000000",
                      &blockfile),
             "the pvt chain's block file");
  absl::string_view in = blockfile;
  for (int i = 0; i < 4 && !in.empty(); ++i) {
    absl::string_view record;
    FUZZ_CHECK(ledger::internal::GetLengthPrefixed(&in, &record), "a block-store record");
    out.push_back(With(0, std::string(record)));
  }
  out.push_back(With(0, blockfile.substr(0, 64 << 10)));
  return out;
}

// For each fixed P-256 key: a valid DER signature over digests of several lengths (mode
// 0), the same as raw r and s and at the edges (mode 1), and crafted scalars (mode 2).
std::vector<std::string> P256Seeds() {
  std::vector<std::string> out;
  const auto& keys = crypto::testing::FixedKeys();
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string head = {static_cast<char>(i)};
    std::vector<crypto::testing::Case> cases = crypto::testing::EdgeCases(keys[i]);
    for (size_t c = 0; c < cases.size(); c += 7) {  // a sample of every kind
      const crypto::testing::Case& k = cases[c];
      uint8_t* der = nullptr;
      size_t der_len = 0;
      if (ECDSA_SIG_to_bytes(&der, &der_len, k.sig.get())) {
        out.push_back(head + '\0' + static_cast<char>(k.digest.size()) + k.digest +
                      std::string(reinterpret_cast<char*>(der), der_len));
        OPENSSL_free(der);
      }
      const BIGNUM *r = nullptr, *s = nullptr;
      ECDSA_SIG_get0(k.sig.get(), &r, &s);
      std::string raw(66, '\0');
      if (!BN_is_negative(r) && !BN_is_negative(s) && BN_num_bytes(r) <= 33 &&
          BN_num_bytes(s) <= 33 &&
          BN_bn2bin_padded(reinterpret_cast<uint8_t*>(raw.data()), 33, r) &&
          BN_bn2bin_padded(reinterpret_cast<uint8_t*>(raw.data()) + 33, 33, s)) {
        out.push_back(head + '\1' + raw + k.digest);
      }
    }
    for (int m = 0; m < 4; ++m) {
      std::string u2(32, '\0');
      for (char& b : u2) b = static_cast<char>(rng() % (m + 1 == 4 ? 256 : 2));
      out.push_back(head + '\2' + u2 + static_cast<char>(m & 1));
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& Targets() {
  static const auto* targets = new std::vector<std::string>{
      "block",         "channel",     "endorser", "policy", "identity",
      "config_update", "private_data", "snapshot", "p256"};
  return *targets;
}

std::vector<std::string> Seeds(const std::string& target) {
  if (target == "block") return BlockSeeds();
  if (target == "channel") return ChannelSeeds();
  if (target == "endorser") return EndorserSeeds();
  if (target == "policy") return PolicySeeds();
  if (target == "identity") return IdentitySeeds();
  if (target == "config_update") return ConfigUpdateSeeds();
  if (target == "private_data") return PrivateDataSeeds();
  if (target == "snapshot") return SnapshotSeeds();
  if (target == "p256") return P256Seeds();
  return {};
}

}  // namespace fabric::fuzz
