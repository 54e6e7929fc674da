// Block bytes through the C ABI: parse, every accessor, per-transaction checks, hashes,
// JSON rendering, and fabric_inspect_json for the message types `fabric inspect` knows.
//
// Input: byte 0 picks the type given to fabric_inspect_json (see kTypes); the rest is
// the message, also parsed as a block.
#include <cstring>
#include <string>

#include "fabric/fabric.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

const char* const kTypes[] = {
    "common.Block",          nullptr,  // detect
    "common.Envelope",       "common.Payload",
    "common.ConfigEnvelope", "common.ConfigUpdateEnvelope",
    "common.ConfigUpdate",   "msp.SerializedIdentity",
    "protos.ProposalResponse", "protos.SignedProposal",
    "protos.Transaction",    "rwset.TxReadWriteSet",
    "x509.Certificate",      "common.SignaturePolicyEnvelope",
    "protos.ChaincodeActionPayload", "no.SuchType",
};
constexpr size_t kNumTypes = sizeof(kTypes) / sizeof(kTypes[0]);

void CheckBlock(const uint8_t* data, size_t size) {
  fabric_block* block = nullptr;
  fabric_error* err = nullptr;
  int rc = fabric_block_parse(&block, data, size, &err);
  if (rc != FABRIC_OK) {
    FUZZ_CHECK(block == nullptr && err != nullptr && err->message != nullptr,
               "failed parse leaves no block and gives a detail");
    FUZZ_CHECK(rc == FABRIC_EMALFORMED, "parse failed with %d", rc);
    fabric_error_free(err);
    return;
  }
  FUZZ_CHECK(block != nullptr && err == nullptr, "parse ok");
  (void)fabric_block_number(block);
  uint8_t hash[FABRIC_HASH_SIZE], computed[FABRIC_HASH_SIZE];
  fabric_block_header_hash(block, hash);
  size_t prev_len = 0, data_hash_len = 0;
  const uint8_t* prev = fabric_block_previous_hash(block, &prev_len);
  const uint8_t* data_hash = fabric_block_data_hash(block, &data_hash_len);
  FUZZ_CHECK(prev_len == 0 || prev != nullptr, "previous hash");
  FUZZ_CHECK(data_hash_len == 0 || data_hash != nullptr, "data hash");
  fabric_block_computed_data_hash(block, computed);
  const int is_config = fabric_block_is_config(block);
  FUZZ_CHECK(is_config == 0 || is_config == 1, "is_config %d", is_config);
  uint64_t last_config = 0;
  rc = fabric_block_last_config(&last_config, block, &err);
  FUZZ_CHECK(rc == FABRIC_OK || rc == FABRIC_EMALFORMED, "last config %d", rc);
  FUZZ_CHECK((rc == FABRIC_OK) == (err == nullptr), "last config error detail");
  fabric_error_free(err);
  err = nullptr;
  const size_t n = fabric_block_tx_count(block);
  if (is_config) FUZZ_CHECK(n == 1, "a config block holds one transaction, not %zu", n);
  for (size_t i = 0; i < n; ++i) {
    const char* txid = fabric_block_txid(block, i);
    FUZZ_CHECK(txid != nullptr, "txid %zu", i);
    (void)strlen(txid);
    rc = fabric_block_tx_check(block, i, &err);
    FUZZ_CHECK(rc == FABRIC_OK || rc == FABRIC_EMALFORMED, "tx check %d", rc);
    FUZZ_CHECK((rc == FABRIC_OK) == (err == nullptr), "tx check detail");
    fabric_error_free(err);
    err = nullptr;
  }
  FUZZ_CHECK(fabric_block_txid(block, n) == nullptr, "txid past the end");
  rc = fabric_block_tx_check(block, n, &err);
  FUZZ_CHECK(rc == FABRIC_EINVAL, "tx check past the end %d", rc);
  fabric_error_free(err);
  err = nullptr;
  size_t filter_len = 0;
  const uint8_t* filter = fabric_block_tx_filter(block, &filter_len);
  FUZZ_CHECK(filter_len == 0 || filter != nullptr, "filter");
  fabric_buf json = FABRIC_BUF_INIT;
  rc = fabric_block_to_json(&json, block, &err);
  if (rc == FABRIC_OK) {
    FUZZ_CHECK(json.data != nullptr && json.data[json.size] == '\0', "json is a C string");
    FUZZ_CHECK(json.size > 0 && json.data[0] == '{', "json is an object");
  } else {
    FUZZ_CHECK(err != nullptr, "to_json error detail");
  }
  fabric_error_free(err);
  fabric_buf_dispose(&json);
  FUZZ_CHECK(json.data == nullptr && json.size == 0, "dispose empties");

  // The same bytes parse to the same hashes (the view is deterministic).
  fabric_block* again = nullptr;
  FUZZ_CHECK(fabric_block_parse(&again, data, size, nullptr) == FABRIC_OK, "reparse");
  uint8_t hash2[FABRIC_HASH_SIZE];
  fabric_block_header_hash(again, hash2);
  FUZZ_CHECK(memcmp(hash, hash2, sizeof hash) == 0, "header hash differs between parses");
  fabric_block_free(again);
  fabric_block_free(block);
}

void CheckInspect(const uint8_t* data, size_t size, const char* type) {
  fabric_buf out = FABRIC_BUF_INIT;
  fabric_error* err = nullptr;
  int rc = fabric_inspect_json(&out, data, size, type, &err);
  if (rc == FABRIC_OK) {
    FUZZ_CHECK(err == nullptr && out.data != nullptr && out.data[out.size] == '\0',
               "inspect output");
  } else {
    FUZZ_CHECK(err != nullptr && out.data == nullptr, "inspect error %d", rc);
    FUZZ_CHECK(rc == FABRIC_EMALFORMED || rc == FABRIC_EINVAL || rc == FABRIC_EUNSUPPORTED ||
                   rc == FABRIC_ENOTFOUND,
               "inspect failed with %d: %s", rc, err->message);
  }
  fabric_error_free(err);
  fabric_buf_dispose(&out);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const char* type = kTypes[data[0] % kNumTypes];
  ++data;
  --size;
  CheckBlock(data, size);
  CheckInspect(data, size, type);
  return 0;
}
