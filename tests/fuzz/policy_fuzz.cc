// The policy language and policy envelopes through the C ABI.
//
// Input: byte 0 picks the mode, the rest is the policy:
//   0: fabric_policy_compile(text); if it compiles, fabric_policy_to_dsl of the bytes
//      must print a policy that compiles to the same bytes;
//   1: fabric_policy_to_dsl(envelope bytes); what it prints compiles back to an
//      envelope that prints the same;
//   2: fabric_policy_eval_envelope(conformance config, envelope bytes, signatures);
//   3: fabric_policy_eval_dsl(conformance config, text, signatures);
//   4: fabric_policy_eval_path(conformance config, text, signatures).
// The signatures are fixed: peer0 of Org1 and Org2, Admin@org3 and the orderer over
// the same data, and a forged one.
#include <string>
#include <vector>

#include "fabric/fabric.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using fabric::fuzz::TakeError;

fabric_channel_config* g_config = nullptr;
std::vector<fabric_signed_data>* g_signatures = nullptr;
std::vector<std::string>* g_keep = nullptr;  // bytes g_signatures points into

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void AddSignature(fabric_signer* signer, const std::string& data, bool forge) {
  fabric_buf sig = FABRIC_BUF_INIT;
  FUZZ_CHECK(fabric_signer_sign(&sig, signer, U(data), data.size(), nullptr) == FABRIC_OK, "sign");
  size_t id_len = 0;
  const uint8_t* id = fabric_signer_identity(signer, &id_len);
  g_keep->emplace_back(reinterpret_cast<const char*>(id), id_len);
  const std::string& identity = g_keep->back();
  g_keep->emplace_back(reinterpret_cast<const char*>(sig.data), sig.size);
  if (forge) g_keep->back()[g_keep->back().size() - 1] ^= 1;
  const std::string& signature = g_keep->back();
  fabric_buf_dispose(&sig);
  g_signatures->push_back({U(identity), identity.size(), U(data), data.size(), U(signature),
                           signature.size()});
}

std::string Str(const fabric_buf& b) {
  return std::string(reinterpret_cast<const char*>(b.data), b.size);
}

// `err` is read after the call (arguments are evaluated in any order).
void CheckEvalCode(int rc, fabric_error** err, const char* what) {
  FUZZ_CHECK(rc == FABRIC_OK || rc == FABRIC_EDENIED || rc == FABRIC_EMALFORMED ||
                 rc == FABRIC_ENOTFOUND || rc == FABRIC_EINVAL,
             "%s: unexpected code %d (%s)", what, rc, *err ? (*err)->message : "");
  FUZZ_CHECK((rc == FABRIC_OK) == (*err == nullptr), "%s: detail iff failure", what);
  fabric_error_free(*err);
  *err = nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string genesis = fabric::fuzz::ReadVector("genesis.block");
  fabric_error* err = nullptr;
  FUZZ_CHECK(fabric_channel_config_load(&g_config, U(genesis), genesis.size(), &err) == FABRIC_OK,
             "config: %s", TakeError(err).c_str());
  g_signatures = new std::vector<fabric_signed_data>();
  g_keep = new std::vector<std::string>();
  g_keep->reserve(64);
  static const std::string data = "data signed for the policy fuzzer";
  struct {
    const char* mspid;
    const char* dir;
    bool forge;
  } const signers[] = {
      {"Org1MSP", "peerOrganizations/org1.example.com/peers/peer0.org1.example.com", false},
      {"Org2MSP", "peerOrganizations/org2.example.com/peers/peer0.org2.example.com", false},
      {"Org3MSP", "peerOrganizations/org3.example.com/users/Admin@org3.example.com", false},
      {"OrdererMSP", "ordererOrganizations/example.com/orderers/orderer0.example.com", false},
      {"Org1MSP", "peerOrganizations/org1.example.com/users/User1@org1.example.com", true},
  };
  for (const auto& s : signers) {
    fabric_signer* signer = fabric::fuzz::Signer(s.mspid, s.dir);
    AddSignature(signer, data, s.forge);
    fabric_signer_free(signer);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 5;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  fabric_error* err = nullptr;
  fabric_buf out = FABRIC_BUF_INIT;
  switch (mode) {
    case 0: {
      int rc = fabric_policy_compile(&out, input.c_str(), &err);
      if (rc != FABRIC_OK) {
        FUZZ_CHECK(rc == FABRIC_EMALFORMED || rc == FABRIC_EINVAL, "compile: %d", rc);
        FUZZ_CHECK(err != nullptr && out.data == nullptr, "compile failure");
        fabric_error_free(err);
        break;
      }
      const std::string compiled = Str(out);
      fabric_buf_dispose(&out);
      rc = fabric_policy_to_dsl(&out, U(compiled), compiled.size(), &err);
      FUZZ_CHECK(rc == FABRIC_OK, "a compiled policy does not print: %s", TakeError(err).c_str());
      const std::string printed = Str(out);
      fabric_buf_dispose(&out);
      rc = fabric_policy_compile(&out, printed.c_str(), &err);
      FUZZ_CHECK(rc == FABRIC_OK, "printed policy %s does not compile: %s", printed.c_str(),
                 TakeError(err).c_str());
      FUZZ_CHECK(Str(out) == compiled, "'%s' printed as '%s' compiles to other bytes",
                 input.c_str(), printed.c_str());
      fabric_buf_dispose(&out);
      break;
    }
    case 1: {
      int rc = fabric_policy_to_dsl(&out, U(input), input.size(), &err);
      if (rc != FABRIC_OK) {
        FUZZ_CHECK(rc == FABRIC_EMALFORMED || rc == FABRIC_EINVAL, "to_dsl: %d", rc);
        FUZZ_CHECK(err != nullptr && out.data == nullptr, "to_dsl failure");
        fabric_error_free(err);
        break;
      }
      FUZZ_CHECK(out.data != nullptr && out.data[out.size] == '\0', "to_dsl output");
      fabric_buf_dispose(&out);
      break;
    }
    case 2:
      CheckEvalCode(fabric_policy_eval_envelope(g_config, U(input), input.size(),
                                                g_signatures->data(), g_signatures->size(), &err),
                    &err, "eval_envelope");
      break;
    case 3:
      CheckEvalCode(fabric_policy_eval_dsl(g_config, input.c_str(), g_signatures->data(),
                                           g_signatures->size(), &err),
                    &err, "eval_dsl");
      break;
    case 4:
      CheckEvalCode(fabric_policy_eval_path(g_config, input.c_str(), g_signatures->data(),
                                            g_signatures->size(), &err),
                    &err, "eval_path");
      break;
  }
  return 0;
}
