// Signed proposals through an endorsing peer (fabric_endorser_endorse and
// fabric_endorser_evaluate) over the conformance chain at height 3, peer0.org1 signing.
// Every chaincode the vectors define is registered with a contract that runs the stub
// calls its arguments spell, so fuzzed arguments reach the whole stub API.
//
// Input: byte 0 picks the mode, the rest is:
//   0: a serialized SignedProposal;
//   1: a serialized Proposal: its signature header's creator is set to User1@org1 and
//      its channel header's txid to the one that nonce and creator give, then it is
//      signed by User1@org1 (so it passes the creator checks);
//   2: a script: byte 0 picks the chaincode, the rest is the arguments, separated by
//      0x1f; fabric_proposal_create makes the signed proposal (transient field "t" = the
//      last argument).
// The contract reads its arguments as (operation, operand, operand) triples: get, put,
// del, range, page, pck (partial composite key), ck (composite key made and split),
// meta, setmeta, event, history, transient, respond, fail.
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fabric/fabric.h"
#include "lib/wire/proto/chaincode_event.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using fabric::fuzz::TakeError;

fabric::fuzz::ChannelFixture* g_fixture = nullptr;
fabric_endorser* g_endorser = nullptr;
fabric_signer* g_user = nullptr;
std::string* g_user_identity = nullptr;

const char* const kChaincodes[] = {"cc_or",     "cc_and",   "cc_2of3",    "cc_meta",
                                   "cc_nested", "cc_never", "_lifecycle", "unregistered"};

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

int CountKv(const uint8_t* key, size_t key_len, const uint8_t* value, size_t value_len,
            void* payload) {
  FUZZ_CHECK(key != nullptr || key_len == 0, "range key");
  FUZZ_CHECK(value != nullptr || value_len == 0, "range value");
  return ++*static_cast<int*>(payload) > 1000;
}

int CountPart(size_t, const char* part, size_t, void* payload) {
  FUZZ_CHECK(part != nullptr, "key part");
  ++*static_cast<int*>(payload);
  return 0;
}

int CountMeta(const char* name, const uint8_t*, size_t, void* payload) {
  FUZZ_CHECK(name != nullptr, "metadata name");
  ++*static_cast<int*>(payload);
  return 0;
}

int CountHistory(const fabric_key_modification* mod, void* payload) {
  FUZZ_CHECK(mod != nullptr && mod->txid != nullptr, "history entry");
  ++*static_cast<int*>(payload);
  return 0;
}

// Any code is acceptable from a stub call fed fuzzed arguments, as long as it is one of
// the ABI's and the detail comes with it.
// (`err` is read after the call: the arguments of Expect are evaluated in any order.)
void Expect(int rc, fabric_error** err, const char* what) {
  FUZZ_CHECK(rc <= 0 && rc >= FABRIC_ETIMEOUT, "%s: code %d", what, rc);
  FUZZ_CHECK((rc == FABRIC_OK) == (*err == nullptr), "%s: detail iff failure (%d)", what, rc);
  fabric_error_free(*err);
  *err = nullptr;
}

int32_t Script(fabric_stub* stub, void*) {
  FUZZ_CHECK(fabric_stub_channel_id(stub) != nullptr && fabric_stub_txid(stub) != nullptr &&
                 fabric_stub_chaincode(stub) != nullptr && fabric_stub_creator_mspid(stub),
             "stub strings");
  size_t len = 0;
  const uint8_t* fn = fabric_stub_function(stub, &len);
  FUZZ_CHECK(fn != nullptr && fn[len] == '\0', "function");
  std::vector<std::string> args;
  args.emplace_back(reinterpret_cast<const char*>(fn), len);
  const size_t n = fabric_stub_num_args(stub);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* a = fabric_stub_arg(stub, i, &len);
    FUZZ_CHECK(a != nullptr && a[len] == '\0', "arg %zu", i);
    args.emplace_back(reinterpret_cast<const char*>(a), len);
  }
  FUZZ_CHECK(fabric_stub_arg(stub, n, &len) == nullptr, "arg past the end");
  int64_t sec;
  int32_t nanos;
  fabric_stub_timestamp(stub, &sec, &nanos);
  (void)fabric_stub_is_query(stub);
  (void)fabric_stub_creator(stub, &len);
  args.resize((args.size() + 2) / 3 * 3);
  int32_t status = FABRIC_STATUS_OK;
  for (size_t i = 0; i + 2 < args.size(); i += 3) {
    const std::string& op = args[i];
    const std::string& a = args[i + 1];
    const std::string& b = args[i + 2];
    fabric_error* err = nullptr;
    int count = 0;
    if (op == "get") {
      fabric_buf v = FABRIC_BUF_INIT;
      Expect(fabric_stub_get_state(&v, stub, U(a), a.size(), &err), &err, "get");
      fabric_buf_dispose(&v);
    } else if (op == "put") {
      Expect(fabric_stub_put_state(stub, U(a), a.size(), U(b), b.size(), &err), &err, "put");
    } else if (op == "del") {
      Expect(fabric_stub_del_state(stub, U(a), a.size(), &err), &err, "del");
    } else if (op == "range") {
      Expect(fabric_stub_get_state_by_range(stub, U(a), a.size(), U(b), b.size(), CountKv,
                                            &count, &err),
             &err, "range");
    } else if (op == "page") {
      fabric_buf bookmark = FABRIC_BUF_INIT;
      const int32_t page = b.empty() ? 0 : static_cast<int8_t>(b[0]);
      Expect(fabric_stub_get_state_by_range_page(&bookmark, stub, U(a), a.size(), nullptr, 0,
                                                 page, U(b), b.size(), CountKv, &count, &err),
             &err, "page");
      fabric_buf_dispose(&bookmark);
    } else if (op == "pck") {
      const char* attrs[] = {b.c_str()};
      Expect(fabric_stub_get_state_by_partial_composite_key(stub, a.c_str(), attrs,
                                                            b.empty() ? 0 : 1, CountKv, &count,
                                                            &err),
             &err, "pck");
    } else if (op == "ck") {
      fabric_buf key = FABRIC_BUF_INIT;
      const char* attrs[] = {b.c_str(), a.c_str()};
      int rc = fabric_composite_key_create(&key, a.c_str(), attrs, 2, &err);
      Expect(rc, &err, "ck");
      err = nullptr;
      if (rc == FABRIC_OK) {
        rc = fabric_composite_key_split(key.data, key.size, CountPart, &count, &err);
        FUZZ_CHECK(rc == FABRIC_OK && count == 3, "a created composite key splits in 3 (%d, %d)",
                   rc, count);
        Expect(fabric_stub_put_state(stub, key.data, key.size, U(b), b.size(), &err), &err, "put");
      }
      fabric_buf_dispose(&key);
      err = nullptr;
      Expect(fabric_composite_key_split(U(a), a.size(), CountPart, &count, &err), &err, "split");
    } else if (op == "meta") {
      Expect(fabric_stub_get_state_metadata(stub, U(a), a.size(), CountMeta, &count, &err), &err,
             "meta");
    } else if (op == "setmeta") {
      Expect(fabric_stub_set_state_metadata(stub, U(a), a.size(), b.c_str(), U(b), b.size(),
                                            &err),
             &err, "setmeta");
    } else if (op == "event") {
      Expect(fabric_stub_set_event(stub, a.c_str(), U(b), b.size(), &err), &err, "event");
    } else if (op == "history") {
      Expect(fabric_stub_get_history_for_key(stub, U(a), a.size(), CountHistory, &count, &err),
             &err, "history");
    } else if (op == "transient") {
      const uint8_t* v = nullptr;
      size_t vlen = 0;
      Expect(fabric_stub_transient(&v, &vlen, stub, a.c_str(), &err), &err, "transient");
    } else if (op == "respond") {
      Expect(fabric_stub_respond(stub, a.c_str(), U(b), b.size(), &err), &err, "respond");
    } else if (op == "fail") {
      status = FABRIC_STATUS_ERROR;
    }
  }
  return status;
}

// What the endorser signs must be readable by a Fabric peer: every level of the
// ProposalResponse parses (protobuf refuses strings that are not UTF-8, as Go does).
void CheckReadable(const uint8_t* response, size_t len) {
  protos::ProposalResponse pr;
  FUZZ_CHECK(pr.ParseFromArray(response, static_cast<int>(len)), "ProposalResponse");
  protos::ProposalResponsePayload prp;
  FUZZ_CHECK(prp.ParseFromString(pr.payload()), "ProposalResponsePayload");
  protos::ChaincodeAction action;
  FUZZ_CHECK(action.ParseFromString(prp.extension()), "ChaincodeAction");
  ::rwset::TxReadWriteSet tx_rwset;
  FUZZ_CHECK(tx_rwset.ParseFromString(action.results()), "TxReadWriteSet");
  // C++ protobuf only logs a string that is not UTF-8; Go refuses the message.
  using fabric::fuzz::IsUtf8;
  for (const ::rwset::NsReadWriteSet& ns : tx_rwset.ns_rwset()) {
    kvrwset::KVRWSet kv;
    FUZZ_CHECK(kv.ParseFromString(ns.rwset()), "KVRWSet of %s", ns.namespace_().c_str());
    for (const auto& r : kv.reads()) FUZZ_CHECK(IsUtf8(r.key()), "read key not UTF-8");
    for (const auto& w : kv.writes()) FUZZ_CHECK(IsUtf8(w.key()), "written key not UTF-8");
    for (const auto& q : kv.range_queries_info()) {
      FUZZ_CHECK(IsUtf8(q.start_key()) && IsUtf8(q.end_key()), "range ends not UTF-8");
    }
    for (const auto& m : kv.metadata_writes()) {
      FUZZ_CHECK(IsUtf8(m.key()), "metadata key not UTF-8");
      for (const auto& e : m.entries()) FUZZ_CHECK(IsUtf8(e.name()), "metadata name not UTF-8");
    }
  }
  protos::ChaincodeEvent event;
  FUZZ_CHECK(event.ParseFromString(action.events()), "ChaincodeEvent");
  FUZZ_CHECK(IsUtf8(event.event_name()), "event name not UTF-8");
  FUZZ_CHECK(IsUtf8(pr.response().message()) && IsUtf8(action.response().message()),
             "response message not UTF-8");
}

void CheckResult(int rc, fabric_proposal_result* result, fabric_error* err, bool evaluate) {
  if (getenv("FABRIC_FUZZ_TRACE") != nullptr) {  // what each call did, for seed work
    fprintf(stderr, "%s: %d %s\n", evaluate ? "evaluate" : "endorse", rc,
            rc != FABRIC_OK ? (err != nullptr ? err->message : "")
                            : std::to_string(fabric_proposal_result_status(result)).c_str());
  }
  if (rc != FABRIC_OK) {
    FUZZ_CHECK(result == nullptr && err != nullptr, "failure %d leaves no result", rc);
    FUZZ_CHECK(rc == FABRIC_EMALFORMED || rc == FABRIC_EDENIED || rc == FABRIC_ECONFLICT ||
                   rc == FABRIC_ENOTFOUND || rc == FABRIC_ECORRUPT || rc == FABRIC_EINVAL,
               "proposal refused with %d: %s", rc, err->message);
    fabric_error_free(err);
    return;
  }
  FUZZ_CHECK(result != nullptr && err == nullptr, "result");
  FUZZ_CHECK(fabric_proposal_result_txid(result) != nullptr, "txid");
  FUZZ_CHECK(fabric_proposal_result_message(result) != nullptr, "message");
  const int32_t status = fabric_proposal_result_status(result);
  size_t len = 0, rwset_len = 0;
  (void)fabric_proposal_result_payload(result, &len);
  (void)fabric_proposal_result_rwset(result, &rwset_len);
  const uint8_t* response = fabric_proposal_result_response(result, &len);
  if (evaluate || status >= FABRIC_STATUS_ERROR_THRESHOLD) {
    FUZZ_CHECK(len == 0, "a response signed for %s with status %d",
               evaluate ? "evaluate" : "endorse", status);
  } else {
    FUZZ_CHECK(len > 0 && response != nullptr, "endorsed with status %d but no response", status);
    CheckReadable(response, len);
  }
  fabric_proposal_result_free(result);
}

void Run(const std::string& signed_proposal) {
  fabric_proposal_result* result = nullptr;
  fabric_error* err = nullptr;
  int rc = fabric_endorser_endorse(&result, g_endorser, U(signed_proposal),
                                   signed_proposal.size(), &err);
  CheckResult(rc, result, err, false);
  result = nullptr;
  err = nullptr;
  rc = fabric_endorser_evaluate(&result, g_endorser, U(signed_proposal), signed_proposal.size(),
                                &err);
  CheckResult(rc, result, err, true);
}

std::string Hex(const uint8_t* d, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[d[i] >> 4];
    out += kDigits[d[i] & 15];
  }
  return out;
}

std::string SignAsUser(const std::string& proposal_in) {
  std::string proposal_bytes = proposal_in;
  protos::Proposal proposal;
  common::Header header;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
  if (proposal.ParseFromString(proposal_in) && header.ParseFromString(proposal.header()) &&
      channel_header.ParseFromString(header.channel_header()) &&
      signature_header.ParseFromString(header.signature_header())) {
    signature_header.set_creator(*g_user_identity);
    const std::string preimage = signature_header.nonce() + signature_header.creator();
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(U(preimage), preimage.size(), digest);
    channel_header.set_tx_id(Hex(digest, sizeof digest));
    header.set_channel_header(channel_header.SerializeAsString());
    header.set_signature_header(signature_header.SerializeAsString());
    proposal.set_header(header.SerializeAsString());
    proposal_bytes = proposal.SerializeAsString();
  }
  fabric_buf sig = FABRIC_BUF_INIT;
  FUZZ_CHECK(fabric_signer_sign(&sig, g_user, U(proposal_bytes), proposal_bytes.size(),
                                nullptr) == FABRIC_OK,
             "sign");
  protos::SignedProposal signed_proposal;
  signed_proposal.set_proposal_bytes(proposal_bytes);
  signed_proposal.set_signature(sig.data, sig.size);
  fabric_buf_dispose(&sig);
  return signed_proposal.SerializeAsString();
}

void RunScript(const std::string& script) {
  if (script.empty()) return;
  const char* chaincode = kChaincodes[static_cast<uint8_t>(script[0]) % 8];
  std::vector<std::string> args;
  size_t start = 1;
  for (size_t i = 1; i <= script.size(); ++i) {
    if (i == script.size() || script[i] == '\x1f') {
      args.push_back(script.substr(start, i - start));
      start = i + 1;
    }
  }
  std::vector<fabric_bytes> arg_bytes;
  for (const std::string& a : args) arg_bytes.push_back({U(a), a.size()});
  fabric_transient_entry transient = {"t", U(args.back()), args.back().size()};
  fabric_proposal_options opts = FABRIC_PROPOSAL_OPTIONS_INIT;
  opts.transient = &transient;
  opts.num_transient = 1;
  static const uint8_t kNonce[24] = {1, 2, 3};
  opts.nonce = kNonce;  // a fixed txid: the same script, the same proposal
  opts.nonce_len = sizeof kNonce;
  opts.timestamp_seconds = 1700000000;
  fabric_buf proposal = FABRIC_BUF_INIT;
  char txid[FABRIC_TXID_SIZE];
  fabric_error* err = nullptr;
  int rc = fabric_proposal_create(&proposal, txid, g_user, "mychannel", chaincode,
                                  arg_bytes.data(), arg_bytes.size(), &opts, &err);
  if (rc != FABRIC_OK) {
    FUZZ_CHECK(rc == FABRIC_EMALFORMED || rc == FABRIC_EINVAL, "proposal_create: %d", rc);
    fabric_error_free(err);
    return;
  }
  FUZZ_CHECK(strlen(txid) == FABRIC_TXID_SIZE - 1, "txid");
  Run(std::string(reinterpret_cast<const char*>(proposal.data), proposal.size));
  fabric_buf_dispose(&proposal);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_fixture = new fabric::fuzz::ChannelFixture();
  fabric_signer* peer = fabric::fuzz::Signer(
      "Org1MSP", "peerOrganizations/org1.example.com/peers/peer0.org1.example.com");
  fabric_error* err = nullptr;
  FUZZ_CHECK(fabric_endorser_create(&g_endorser, g_fixture->channel(), peer, &err) == FABRIC_OK,
             "endorser: %s", TakeError(err).c_str());
  fabric_signer_free(peer);
  for (const char* cc : kChaincodes) {
    if (std::string(cc) == "_lifecycle" || std::string(cc) == "unregistered") continue;
    FUZZ_CHECK(fabric_endorser_register_contract(g_endorser, cc, Script, nullptr, &err) ==
                   FABRIC_OK,
               "register %s: %s", cc, TakeError(err).c_str());
  }
  g_user = fabric::fuzz::Signer("Org1MSP",
                                "peerOrganizations/org1.example.com/users/User1@org1.example.com");
  size_t len = 0;
  const uint8_t* id = fabric_signer_identity(g_user, &len);
  g_user_identity = new std::string(reinterpret_cast<const char*>(id), len);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: Run(rest); break;
    case 1: Run(SignAsUser(rest)); break;
    case 2: RunScript(rest); break;
  }
  return 0;
}
