// Private data from a C++ contract through include/fabric/contract.hpp, over
// libfabricpeer.so as a C++ host links it: the private data chain (tests/vectors/pvt)
// replayed as a peer of Org1, then a contract of chaincode pvtcc writes, reads, ranges,
// deletes and gives key-level policies to private keys of collB, each transaction
// committed with the private data its endorsement handed back.
#include <cstdio>
#include <cstdlib>
#include <fabric/contract.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"
#include "tests/ctest.h"

namespace {

#define PVT "tests/vectors/pvt/"
constexpr char kChaincode[] = "pvtcc";
constexpr char kCollection[] = "collB";

// put KEY VALUE | get KEY | hash KEY | del KEY | range | partial TYPE | policy KEY POLICY |
// meta KEY
class PrivateAssets : public fabric::Contract {
 public:
  fabric::Response Invoke(fabric::Stub& stub) override {
    const fabric::Invocation& inv = stub.invocation();
    auto arg = [&](size_t i) { return i < inv.args.size() ? inv.args[i] : std::string(); };
    if (inv.function == "put") {
      stub.PutPrivateData(kCollection, arg(0), arg(1));
      return fabric::Response::Ok();
    }
    if (inv.function == "get" || inv.function == "hash") {
      std::optional<std::string> v = inv.function == "get"
                                         ? stub.GetPrivateData(kCollection, arg(0))
                                         : stub.GetPrivateDataHash(kCollection, arg(0));
      if (!v.has_value()) return {404, "absent", ""};
      return fabric::Response::Ok(*v);
    }
    if (inv.function == "del") {
      stub.DelPrivateData(kCollection, arg(0));
      return fabric::Response::Ok();
    }
    if (inv.function == "range") {
      std::string keys;
      for (const fabric::KeyValue& kv : stub.GetPrivateDataByRange(kCollection, "", "")) {
        keys += kv.key + "=" + kv.value + ";";
      }
      return fabric::Response::Ok(keys);
    }
    if (inv.function == "partial") {
      std::string keys;
      for (const fabric::KeyValue& kv :
           stub.GetPrivateDataByPartialCompositeKey(kCollection, arg(0), {})) {
        keys += fabric::SplitCompositeKey(kv.key).second.at(0) + ";";
      }
      return fabric::Response::Ok(keys);
    }
    if (inv.function == "composite") {
      stub.PutPrivateData(kCollection, fabric::CreateCompositeKey(arg(0), {arg(1)}), arg(2));
      return fabric::Response::Ok();
    }
    if (inv.function == "policy") {
      stub.SetPrivateDataValidationParameter(kCollection, arg(0), arg(1));
      return fabric::Response::Ok();
    }
    if (inv.function == "meta") {
      std::map<std::string, std::string> m = stub.GetPrivateDataMetadata(kCollection, arg(0));
      auto it = m.find("VALIDATION_PARAMETER");
      return fabric::Response::Ok(it == m.end() ? "" : it->second);
    }
    if (inv.function == "undefined") {
      stub.PutPrivateData("collNone", "k", "v");  // throws fabric::Error: FABRIC_EINVAL
      return fabric::Response::Ok();
    }
    return fabric::Response::Error("unknown function");
  }
};

uint64_t BigEndian(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

class CxxPrivateDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fabric_channel_options options = FABRIC_CHANNEL_OPTIONS_INIT;
    options.mspid = "Org1MSP";
    size_t len = 0;
    std::unique_ptr<uint8_t, decltype(&std::free)> genesis(
        ctest_read_file(PVT "genesis.block", &len), &std::free);
    ASSERT_TRUE(genesis);
    fabric_channel* ch = nullptr;
    fabric::ErrorOut err;
    err.Check(fabric_channel_create(&ch, fabric::testing::FreshTempDir("cxx_pvt").c_str(),
                                    genesis.get(), len, &options, err.out()));
    channel_.reset(ch);
    for (int n = 1;; ++n) {
      char path[256];
      std::snprintf(path, sizeof path, PVT "blocks/%06d.block", n);
      if (!ctest_file_exists(path)) break;
      std::unique_ptr<uint8_t, decltype(&std::free)> block(ctest_read_file(path, &len), &std::free);
      std::snprintf(path, sizeof path, PVT "pvtdata/%06d.pvt", n);
      size_t pvt_len = 0;
      std::unique_ptr<uint8_t, decltype(&std::free)> pvt(ctest_read_file(path, &pvt_len),
                                                         &std::free);
      std::vector<fabric_tx_private_data> records;
      for (size_t at = 0; pvt && at + 12 <= pvt_len;) {
        const size_t size = BigEndian(pvt.get() + at + 8, 4);
        records.push_back({BigEndian(pvt.get() + at, 8), pvt.get() + at + 12, size});
        at += 12 + size;
      }
      err.Check(fabric_channel_submit_with_private_data(
          nullptr, ch, block.get(), len, records.data(), records.size(), 0, err.out()));
    }
    user_.reset(ctest_load_signer(
        "Org1MSP", PVT "msp/peerOrganizations/org1.example.com/users/User1@org1.example.com",
        "User1@org1.example.com"));
    orderer_.reset(ctest_load_signer(
        "OrdererMSP", PVT "msp/ordererOrganizations/example.com/orderers/orderer0.example.com",
        "orderer0.example.com"));
    fabric::SignerPtr peer(ctest_load_signer(
        "Org1MSP", PVT "msp/peerOrganizations/org1.example.com/peers/peer0.org1.example.com",
        "peer0.org1.example.com"));
    ASSERT_TRUE(user_ && orderer_ && peer);
    endorser_ = std::make_unique<fabric::Endorser>(channel_.get(), peer.get());
    endorser_->RegisterContract(kChaincode, std::make_shared<PrivateAssets>());
  }

  std::string Propose(const std::vector<std::string>& args) {
    std::vector<fabric_bytes> c_args;
    for (const std::string& a : args) c_args.push_back({fabric::internal::Bytes(a), a.size()});
    fabric::Buf proposal;
    fabric::ErrorOut err;
    err.Check(fabric_proposal_create(proposal.out(), nullptr, user_.get(), "mychannel", kChaincode,
                                     c_args.data(), c_args.size(), nullptr, err.out()));
    return proposal.str();
  }

  // Endorses, orders and commits the call with its private data; the final code.
  int Transact(const std::vector<std::string>& args) {
    const std::string proposal = Propose(args);
    fabric::ProposalResultPtr r = endorser_->Endorse(proposal);
    EXPECT_EQ(fabric_proposal_result_status(r.get()), FABRIC_STATUS_OK)
        << fabric_proposal_result_message(r.get());
    fabric_bytes response;
    response.data = fabric_proposal_result_response(r.get(), &response.len);
    fabric::Buf envelope, last, block;
    fabric::ErrorOut err;
    err.Check(fabric_tx_assemble(envelope.out(), user_.get(), fabric::internal::Bytes(proposal),
                                 proposal.size(), &response, 1, err.out()));
    fabric_ledger* l = nullptr;
    err.Check(fabric_channel_ledger(&l, channel_.get(), err.out()));
    fabric::LedgerPtr ledger(l);
    fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
    err.Check(fabric_ledger_chain_info(&info, l, err.out()));
    err.Check(fabric_ledger_block_by_number(last.out(), l, info.height - 1, err.out()));
    fabric_block_assembler* a = nullptr;
    err.Check(fabric_block_assembler_create(&a, fabric::internal::Bytes(last.view()),
                                            last.view().size(), orderer_.get(), nullptr,
                                            err.out()));
    fabric::BlockAssemblerPtr assembler(a);
    err.Check(fabric_block_assembler_add(
        a, fabric::internal::Bytes(envelope.view()), envelope.view().size(),
        [](const uint8_t*, size_t, void*) { ADD_FAILURE() << "cut too early"; }, nullptr,
        err.out()));
    err.Check(fabric_block_assembler_cut(block.out(), a, err.out()));
    fabric_tx_private_data pvt{0, nullptr, 0};
    pvt.data = fabric_proposal_result_private_rwset(r.get(), &pvt.data_len);
    fabric_block_result* result = nullptr;
    err.Check(fabric_channel_submit_with_private_data(
        &result, channel_.get(), fabric::internal::Bytes(block.view()), block.view().size(), &pvt,
        pvt.data_len > 0 ? 1 : 0, 0, err.out()));
    fabric::BlockResultPtr owned(result);
    return fabric_block_result_tx(result, 0)->code;
  }

  // Evaluates the call: "<status> <payload or message>".
  std::string Ask(const std::vector<std::string>& args) {
    fabric::ProposalResultPtr r = endorser_->Evaluate(Propose(args));
    size_t len = 0;
    const uint8_t* payload = fabric_proposal_result_payload(r.get(), &len);
    const int32_t status = fabric_proposal_result_status(r.get());
    return std::to_string(status) + " " +
           (status < FABRIC_STATUS_ERROR_THRESHOLD
                ? std::string(reinterpret_cast<const char*>(payload), len)
                : std::string(fabric_proposal_result_message(r.get())));
  }

  fabric::ChannelPtr channel_;
  fabric::SignerPtr user_, orderer_;
  std::unique_ptr<fabric::Endorser> endorser_;
};

TEST_F(CxxPrivateDataTest, WriteReadRangeDeleteAndPolicies) {
  EXPECT_EQ(Transact({"put", "cxx1", "one"}), FABRIC_TX_VALID);
  EXPECT_EQ(Transact({"put", "cxx2", "two"}), FABRIC_TX_VALID);
  EXPECT_EQ(Ask({"get", "cxx1"}), "200 one");
  EXPECT_EQ(Ask({"hash", "cxx1"}).size(), 4u + 32);  // "200 " and the SHA-256
  EXPECT_EQ(Ask({"get", "nothing"}), "404 absent");
  const std::string range = Ask({"range"});
  EXPECT_NE(range.find("cxx1=one;cxx2=two;"), std::string::npos) << range;

  EXPECT_EQ(Transact({"composite", "car", "c1", "red"}), FABRIC_TX_VALID);
  EXPECT_EQ(Ask({"partial", "car"}), "200 c1;");

  fabric::Buf policy;
  fabric::ErrorOut err;
  err.Check(fabric_policy_compile(policy.out(), "OR('Org1MSP.peer')", err.out()));
  EXPECT_EQ(Transact({"policy", "cxx1", policy.str()}), FABRIC_TX_VALID);
  EXPECT_EQ(Ask({"meta", "cxx1"}), "200 " + policy.str());

  EXPECT_EQ(Transact({"del", "cxx2"}), FABRIC_TX_VALID);
  EXPECT_EQ(Ask({"get", "cxx2"}), "404 absent");

  // A stub error leaves the contract as an exception: a 500 with its message.
  const std::string undefined = Ask({"undefined"});
  EXPECT_EQ(undefined.rfind("500 collection mychannel/pvtcc/collNone could not be found", 0), 0u)
      << undefined;
}

}  // namespace
