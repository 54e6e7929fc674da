/* Private data through the C ABI, from plain C. The private data chain is replayed as
 * peer0.org1 committed it, with the private data that peer received
 * (fabric_channel_submit_with_private_data). Then a contract on Org1's peer writes to
 * collection collBTL of pvtcc (members Org1 and Org2, BlockToLive 2): the write is
 * endorsed (its private rwset handed back apart), committed with its private data, read
 * back by the contract and by the host, and purged, value and hash, while the third
 * block after it commits. Also: handed data that does not match the block is recorded
 * as missing, and MemberOnlyRead keeps a client of a non-member org from reading. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

#define PVT "tests/vectors/pvt/"
#define CHANNEL "mychannel"
#define CHAINCODE "pvtcc"
#define MAX_BLOCKS 64
#define MAX_RECORDS 16

static const char *org_dir(int org) {
  static char dir[256];
  snprintf(dir, sizeof dir, PVT "msp/peerOrganizations/org%d.example.com/", org);
  return dir;
}

static fabric_signer *load(int org, const char *who) {
  char dir[512], name[128], mspid[32];
  snprintf(name, sizeof name, "%s@org%d.example.com", who, org);
  snprintf(dir, sizeof dir, "%susers/%s", org_dir(org), name);
  snprintf(mspid, sizeof mspid, "Org%dMSP", org);
  return ctest_load_signer(mspid, dir, name);
}

static uint64_t big_endian(const uint8_t *p, int n) {
  uint64_t v = 0;
  int i;
  for (i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

/* The records of a pvtdata/NNNNNN.pvt file (the vectors' README), pointing into
 * `bytes`; their count. */
static size_t parse_pvt(const uint8_t *bytes, size_t len, fabric_tx_private_data *out) {
  size_t n = 0, at = 0;
  while (at + 12 <= len && n < MAX_RECORDS) {
    const uint64_t size = big_endian(bytes + at + 8, 4);
    out[n].tx_index = big_endian(bytes + at, 8);
    out[n].data = bytes + at + 12;
    out[n].data_len = (size_t)size;
    CHECK(at + 12 + size <= len);
    at += 12 + (size_t)size;
    n++;
  }
  CHECK(at == len);
  return n;
}

static fabric_channel *replay(const char *dir) {
  fabric_channel_options opts = FABRIC_CHANNEL_OPTIONS_INIT;
  size_t len = 0;
  uint8_t *genesis = ctest_read_file(PVT "genesis.block", &len);
  fabric_channel *ch = NULL;
  fabric_error *err = NULL;
  int n;
  opts.mspid = "Org1MSP";
  if (genesis == NULL || fabric_channel_create(&ch, dir, genesis, len, &opts, &err) != FABRIC_OK) {
    ctest_report("create channel (a stale TEST_TMPDIR?)", err);
    free(genesis);
    return NULL;
  }
  free(genesis);
  for (n = 1; n < MAX_BLOCKS; n++) {
    char path[256];
    uint8_t *block, *pvt;
    size_t pvt_len = 0, num;
    fabric_tx_private_data records[MAX_RECORDS];
    snprintf(path, sizeof path, PVT "blocks/%06d.block", n);
    if (!ctest_file_exists(path)) break;
    block = ctest_read_file(path, &len);
    snprintf(path, sizeof path, PVT "pvtdata/%06d.pvt", n);
    pvt = ctest_read_file(path, &pvt_len);
    num = pvt == NULL ? 0 : parse_pvt(pvt, pvt_len, records);
    if (block == NULL || fabric_channel_submit_with_private_data(NULL, ch, block, len, records, num,
                                                                 0, &err) != FABRIC_OK) {
      ctest_report(path, err);
      ctest_failures++;
    }
    free(pvt);
    free(block);
  }
  return ch;
}

/* ---- The contract ---------------------------------------------------------------- */

static int32_t fail(fabric_stub *stub, int rc, fabric_error *err) {
  fabric_stub_respond(stub, fabric_error_code_name(rc), NULL, 0, NULL);
  fabric_error_free(err);
  return rc == FABRIC_ENOTFOUND ? 404 : FABRIC_STATUS_ERROR;
}

static const char *arg(const fabric_stub *stub, size_t i, size_t *len) {
  return (const char *)fabric_stub_arg(stub, i, len);
}

/* put COLL KEY VALUE | get COLL KEY | hash COLL KEY | pub KEY VALUE */
static int32_t contract(fabric_stub *stub, void *payload) {
  size_t fn_len = 0, coll_len = 0, key_len = 0, value_len = 0;
  const char *fn = (const char *)fabric_stub_function(stub, &fn_len);
  fabric_buf out = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  int rc;
  (void)payload;
  if (strcmp(fn, "pub") == 0) {
    const char *key = arg(stub, 0, &key_len), *value = arg(stub, 1, &value_len);
    rc = fabric_stub_put_state(stub, (const uint8_t *)key, key_len, (const uint8_t *)value,
                               value_len, &err);
    return rc == FABRIC_OK ? FABRIC_STATUS_OK : fail(stub, rc, err);
  }
  {
    const char *coll = arg(stub, 0, &coll_len), *key = arg(stub, 1, &key_len);
    if (strcmp(fn, "put") == 0) {
      const char *value = arg(stub, 2, &value_len);
      rc = fabric_stub_put_private_data(stub, coll, (const uint8_t *)key, key_len,
                                        (const uint8_t *)value, value_len, &err);
      return rc == FABRIC_OK ? FABRIC_STATUS_OK : fail(stub, rc, err);
    }
    if (strcmp(fn, "get") == 0) {
      rc = fabric_stub_get_private_data(&out, stub, coll, (const uint8_t *)key, key_len, &err);
    } else {
      rc = fabric_stub_get_private_data_hash(&out, stub, coll, (const uint8_t *)key, key_len, &err);
    }
  }
  if (rc != FABRIC_OK) return fail(stub, rc, err);
  fabric_stub_respond(stub, NULL, out.data, out.size, NULL);
  fabric_buf_dispose(&out);
  return FABRIC_STATUS_OK;
}

/* ---- The host ---------------------------------------------------------------------- */

typedef struct network {
  fabric_channel *channel;
  fabric_endorser *endorser; /* peer0.org1 */
  fabric_signer *user;       /* User1@org1 */
  fabric_signer *orderer;
} network;

static int propose(fabric_buf *proposal, const fabric_signer *who, const char *a0, const char *a1,
                   const char *a2, const char *a3) {
  const char *text[4];
  fabric_bytes args[4];
  size_t n = 0;
  text[0] = a0;
  text[1] = a1;
  text[2] = a2;
  text[3] = a3;
  while (n < 4 && text[n] != NULL) {
    args[n].data = (const uint8_t *)text[n];
    args[n].len = strlen(text[n]);
    n++;
  }
  return fabric_proposal_create(proposal, NULL, who, CHANNEL, CHAINCODE, args, n, NULL, NULL);
}

/* The response of evaluating the call on Org1's peer, as "<status> <payload or message>". */
static void evaluate(const network *net, const fabric_signer *who, const char *a0, const char *a1,
                     const char *a2, char *answer, size_t size) {
  fabric_buf proposal = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL;
  size_t len = 0;
  const uint8_t *payload;
  snprintf(answer, size, "(failed)");
  if (propose(&proposal, who, a0, a1, a2, NULL) == FABRIC_OK &&
      fabric_endorser_evaluate(&r, net->endorser, proposal.data, proposal.size, NULL) ==
          FABRIC_OK) {
    payload = fabric_proposal_result_payload(r, &len);
    if (fabric_proposal_result_status(r) < FABRIC_STATUS_ERROR_THRESHOLD) {
      snprintf(answer, size, "%d %.*s", (int)fabric_proposal_result_status(r), (int)len,
               (const char *)payload);
    } else {
      snprintf(answer, size, "%d %s", (int)fabric_proposal_result_status(r),
               fabric_proposal_result_message(r));
    }
  }
  fabric_proposal_result_free(r);
  fabric_buf_dispose(&proposal);
}

/* A fabric_block_cb for an assembler that must not cut a block at add time. */
static void no_block_yet(const uint8_t *block, size_t block_len, void *payload) {
  (void)block;
  (void)block_len;
  (void)payload;
  ctest_failures++;
}

/* Endorses the call, orders it into the next block and commits it with the private data
 * `pvt` (the endorsement's own when NULL). The endorsement's private data goes to
 * *endorsed_pvt when given. The committed block's number, or 0. */
static uint64_t transact(network *net, const char *a0, const char *a1, const char *a2,
                         const char *a3, const uint8_t *pvt, size_t pvt_len,
                         fabric_buf *endorsed_pvt) {
  fabric_buf proposal = FABRIC_BUF_INIT, envelope = FABRIC_BUF_INIT, last = FABRIC_BUF_INIT,
             block = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL;
  fabric_block_assembler *a = NULL;
  fabric_block_result *result = NULL;
  fabric_ledger *ledger = NULL;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  fabric_bytes response;
  fabric_tx_private_data data;
  fabric_error *err = NULL;
  uint64_t number = 0;

  CHECK(propose(&proposal, net->user, a0, a1, a2, a3) == FABRIC_OK);
  CHECK(fabric_endorser_endorse(&r, net->endorser, proposal.data, proposal.size, &err) ==
        FABRIC_OK);
  if (r == NULL || fabric_proposal_result_status(r) != FABRIC_STATUS_OK) {
    ctest_report("endorse", err);
    ctest_failures++;
    goto done;
  }
  response.data = fabric_proposal_result_response(r, &response.len);
  CHECK(fabric_tx_assemble(&envelope, net->user, proposal.data, proposal.size, &response, 1,
                           NULL) == FABRIC_OK);
  data.tx_index = 0;
  data.data = pvt != NULL ? pvt : fabric_proposal_result_private_rwset(r, &data.data_len);
  if (pvt != NULL) data.data_len = pvt_len;
  if (endorsed_pvt != NULL) {
    size_t len = 0;
    const uint8_t *own = fabric_proposal_result_private_rwset(r, &len);
    endorsed_pvt->data = malloc(len);
    endorsed_pvt->size = len;
    if (endorsed_pvt->data != NULL) memcpy(endorsed_pvt->data, own, len);
  }

  CHECK(fabric_channel_ledger(&ledger, net->channel, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_chain_info(&info, ledger, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_block_by_number(&last, ledger, info.height - 1, NULL) == FABRIC_OK);
  CHECK(fabric_block_assembler_create(&a, last.data, last.size, net->orderer, NULL, NULL) ==
        FABRIC_OK);
  if (a == NULL) goto done;
  CHECK(fabric_block_assembler_add(a, envelope.data, envelope.size, no_block_yet, NULL, NULL) ==
        FABRIC_OK);
  CHECK(fabric_block_assembler_cut(&block, a, NULL) == FABRIC_OK);
  if (fabric_channel_submit_with_private_data(&result, net->channel, block.data, block.size, &data,
                                              data.data_len > 0 ? 1 : 0, 0, &err) != FABRIC_OK) {
    ctest_report("submit", err);
    ctest_failures++;
    goto done;
  }
  CHECK(fabric_block_result_tx_count(result) == 1 && fabric_block_result_tx(result, 0)->code == 0);
  number = fabric_block_result_number(result);
done:
  fabric_block_result_free(result);
  fabric_block_assembler_free(a);
  fabric_ledger_free(ledger);
  fabric_buf_dispose(&block);
  fabric_buf_dispose(&last);
  fabric_buf_dispose(&envelope);
  fabric_buf_dispose(&proposal);
  fabric_proposal_result_free(r);
  return number;
}

/* What a block's private data records say of a collection: 's' stored, 'e' missing
 * (eligible), 'i' missing (not eligible), '-' no record. */
typedef struct record_query {
  const char *collection;
  char found;
} record_query;

static int find_record(uint64_t block, uint64_t tx, const char *ns, const char *collection,
                       int stored, int eligible, void *payload) {
  record_query *q = payload;
  (void)block;
  (void)tx;
  if (strcmp(ns, CHAINCODE) == 0 && strcmp(collection, q->collection) == 0) {
    q->found = stored ? 's' : eligible ? 'e' : 'i';
  }
  return 0;
}

static char record_of(const fabric_ledger *l, uint64_t block, const char *collection) {
  record_query q;
  q.collection = collection;
  q.found = '-';
  CHECK(fabric_ledger_private_data_records(l, block, block, find_record, &q, NULL) == FABRIC_OK);
  return q.found;
}

static int count_records(uint64_t block, uint64_t tx, const char *ns, const char *collection,
                         int stored, int eligible, void *payload) {
  int *counts = payload;
  (void)block;
  (void)tx;
  (void)ns;
  (void)collection;
  counts[stored ? 0 : eligible ? 1 : 2]++;
  return 0;
}

int main(void) {
  char dir[512], answer[256], hash_answer[256];
  network net;
  fabric_ledger *l = NULL;
  fabric_buf value = FABRIC_BUF_INIT, hash = FABRIC_BUF_INIT;
  fabric_key_version version = FABRIC_KEY_VERSION_INIT;
  fabric_signer *peer, *outsider;
  int counts[3] = {0, 0, 0};
  uint64_t written, n;
  fabric_buf endorsed = FABRIC_BUF_INIT;
  static const uint8_t not_the_data[] = {0x0a, 0x01, 0x00};

  ctest_temp_path(dir, sizeof dir, "capi_private_data");
  memset(&net, 0, sizeof net);
  net.channel = replay(dir);
  if (net.channel == NULL) return ctest_finish("capi_private_data_test");
  CHECK(fabric_channel_ledger(&l, net.channel, NULL) == FABRIC_OK);
  /* The replayed chain's records: some stored, some missing for each reason. */
  CHECK(fabric_ledger_private_data_records(l, 0, UINT64_MAX, count_records, counts, NULL) ==
        FABRIC_OK);
  CHECK(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);

  /* The private values of collA this peer holds, by range. */
  {
    fabric_state_iterator *it = NULL;
    const uint8_t *key, *val;
    size_t key_len, val_len, seen = 0;
    fabric_key_version v = FABRIC_KEY_VERSION_INIT;
    CHECK(fabric_private_data_iterator_new(&it, l, CHAINCODE, "collA", NULL, 0, NULL, 0, 0, NULL) ==
          FABRIC_OK);
    while (it != NULL &&
           fabric_state_iterator_next(&key, &key_len, &val, &val_len, &v, it, NULL) == FABRIC_OK) {
      fabric_buf one = FABRIC_BUF_INIT;
      CHECK(key_len > 0 && val_len > 0 && v.block > 0);
      /* The same value by key. */
      CHECK(fabric_ledger_get_private_data(&one, NULL, l, CHAINCODE, "collA", key, key_len, NULL) ==
                FABRIC_OK &&
            one.size == val_len && memcmp(one.data, val, val_len) == 0);
      fabric_buf_dispose(&one);
      seen++;
    }
    fabric_state_iterator_free(it);
    CHECK(seen > 0);
    CHECK(fabric_private_data_iterator_new(&it, l, CHAINCODE, "", NULL, 0, NULL, 0, 0, NULL) ==
          FABRIC_EINVAL);
    /* The hashed state: more keys (it also holds those this peer lacks). */
    {
      size_t hashes = 0;
      CHECK(fabric_private_data_hash_iterator_new(&it, l, CHAINCODE, "collA", NULL, 0, NULL, 0, 0,
                                                  NULL) == FABRIC_OK);
      while (it != NULL && fabric_state_iterator_next(&key, &key_len, &val, &val_len, NULL, it,
                                                      NULL) == FABRIC_OK) {
        CHECK(key_len == FABRIC_HASH_SIZE && val_len == FABRIC_HASH_SIZE);
        hashes++;
      }
      fabric_state_iterator_free(it);
      CHECK(hashes > seen);
    }
  }

  net.user = load(1, "User1");
  outsider = load(3, "User1");
  {
    char pdir[512];
    snprintf(pdir, sizeof pdir, "%speers/peer0.org1.example.com", org_dir(1));
    peer = ctest_load_signer("Org1MSP", pdir, "peer0.org1.example.com");
  }
  net.orderer = ctest_load_signer(
      "OrdererMSP", PVT "msp/ordererOrganizations/example.com/orderers/orderer0.example.com",
      "orderer0.example.com");
  if (net.user == NULL || outsider == NULL || peer == NULL || net.orderer == NULL) {
    return ctest_finish("capi_private_data_test");
  }
  CHECK(fabric_endorser_create(&net.endorser, net.channel, peer, NULL) == FABRIC_OK);
  CHECK(fabric_endorser_register_contract(net.endorser, CHAINCODE, contract, NULL, NULL) ==
        FABRIC_OK);

  /* A private write, committed with its private data, read back. */
  written = transact(&net, "put", "collBTL", "capi_btl", "secret", NULL, 0, NULL);
  CHECK(written > 0);
  CHECK(record_of(l, written, "collBTL") == 's');
  CHECK(fabric_ledger_get_private_data(&value, &version, l, CHAINCODE, "collBTL",
                                       (const uint8_t *)"capi_btl", 8, NULL) == FABRIC_OK);
  CHECK(value.size == 6 && memcmp(value.data, "secret", 6) == 0);
  CHECK(version.block == written && version.tx == 0);
  CHECK(fabric_ledger_get_private_data_hash(&hash, NULL, NULL, l, CHAINCODE, "collBTL",
                                            (const uint8_t *)"capi_btl", 8, NULL) == FABRIC_OK);
  CHECK(hash.size == FABRIC_HASH_SIZE);
  evaluate(&net, net.user, "get", "collBTL", "capi_btl", answer, sizeof answer);
  CHECK(strcmp(answer, "200 secret") == 0);
  evaluate(&net, net.user, "hash", "collBTL", "capi_btl", hash_answer, sizeof hash_answer);
  CHECK(strncmp(hash_answer, "200 ", 4) == 0 && strlen(hash_answer) > 4);
  /* A collection pvtcc does not have. */
  evaluate(&net, net.user, "get", "collNone", "k", answer, sizeof answer);
  CHECK(strcmp(answer, "500 FABRIC_EINVAL") == 0);
  /* collA is MemberOnlyRead for Org1 and Org2: a client of Org3 may not read it. */
  evaluate(&net, outsider, "get", "collA", "k1", answer, sizeof answer);
  CHECK(strcmp(answer, "500 FABRIC_EDENIED") == 0);

  /* BlockToLive 2: still there while blocks written+1 and written+2 commit, gone (value and
   * hash) once written+3 has. */
  for (n = 1; n <= 3; n++) {
    char key[32];
    snprintf(key, sizeof key, "filler%d", (int)n);
    CHECK(transact(&net, "pub", key, "x", NULL, NULL, 0, NULL) == written + n);
    fabric_buf_dispose(&value);
    CHECK(fabric_ledger_get_private_data(&value, NULL, l, CHAINCODE, "collBTL",
                                         (const uint8_t *)"capi_btl", 8,
                                         NULL) == (n < 3 ? FABRIC_OK : FABRIC_ENOTFOUND));
  }
  fabric_buf_dispose(&hash);
  CHECK(fabric_ledger_get_private_data_hash(&hash, NULL, NULL, l, CHAINCODE, "collBTL",
                                            (const uint8_t *)"capi_btl", 8,
                                            NULL) == FABRIC_ENOTFOUND);
  evaluate(&net, net.user, "get", "collBTL", "capi_btl", answer, sizeof answer);
  CHECK(strcmp(answer, "404 FABRIC_ENOTFOUND") == 0);
  /* The expired data left the block's record too, as Fabric's pvtdata store drops it. */
  CHECK(record_of(l, written, "collBTL") == '-');

  /* Private data that is not what the block's hash says: the write commits, its data is
   * missing (eligible: it can be supplied later), and this peer has no value. */
  written = transact(&net, "put", "collBTL", "capi_lost", "v", not_the_data, sizeof not_the_data,
                     &endorsed);
  CHECK(written > 0);
  CHECK(record_of(l, written, "collBTL") == 'e');
  fabric_buf_dispose(&value);
  CHECK(fabric_ledger_get_private_data(&value, NULL, l, CHAINCODE, "collBTL",
                                       (const uint8_t *)"capi_lost", 9, NULL) == FABRIC_ENOTFOUND);
  CHECK(fabric_ledger_get_private_data_hash(&hash, NULL, NULL, l, CHAINCODE, "collBTL",
                                            (const uint8_t *)"capi_lost", 9, NULL) == FABRIC_OK);

  /* Reconciliation: the right data, handed over late, fills the record and the private
   * state; a second hand-over is not wanted; the value still expires with its block. */
  {
    fabric_tx_private_data late;
    size_t stored = 99;
    late.tx_index = 0;
    late.data = not_the_data;
    late.data_len = sizeof not_the_data;
    CHECK(fabric_channel_supply_private_data(&stored, net.channel, written, &late, 1, NULL) ==
              FABRIC_OK &&
          stored == 0);
    late.data = endorsed.data;
    late.data_len = endorsed.size;
    CHECK(fabric_channel_supply_private_data(&stored, net.channel, written, &late, 1, NULL) ==
              FABRIC_OK &&
          stored == 1);
    CHECK(record_of(l, written, "collBTL") == 's');
    fabric_buf_dispose(&value);
    version = (fabric_key_version)FABRIC_KEY_VERSION_INIT;
    CHECK(fabric_ledger_get_private_data(&value, &version, l, CHAINCODE, "collBTL",
                                         (const uint8_t *)"capi_lost", 9, NULL) == FABRIC_OK);
    CHECK(value.size == 1 && value.data[0] == 'v' && version.block == written);
    CHECK(fabric_channel_supply_private_data(&stored, net.channel, written, &late, 1, NULL) ==
              FABRIC_OK &&
          stored == 0);
    CHECK(fabric_channel_supply_private_data(NULL, net.channel, written + 100, &late, 1, NULL) ==
          FABRIC_ENOTFOUND);
    for (n = 1; n <= 3; n++) {
      char key[32];
      snprintf(key, sizeof key, "later%d", (int)n);
      CHECK(transact(&net, "pub", key, "x", NULL, NULL, 0, NULL) == written + n);
    }
    fabric_buf_dispose(&value);
    CHECK(fabric_ledger_get_private_data(&value, NULL, l, CHAINCODE, "collBTL",
                                         (const uint8_t *)"capi_lost", 9,
                                         NULL) == FABRIC_ENOTFOUND);
    free(endorsed.data);
  }
  /* Arguments. */
  CHECK(fabric_ledger_get_private_data(&value, NULL, l, CHAINCODE, NULL, (const uint8_t *)"k", 1,
                                       NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_private_data_records(l, 0, 1, NULL, NULL, NULL) == FABRIC_EINVAL);
  printf(
      "private data: replayed with %d stored, %d missing (eligible), %d not eligible; "
      "written, read back and purged after BlockToLive\n",
      counts[0], counts[1], counts[2]);

  fabric_buf_dispose(&value);
  fabric_buf_dispose(&hash);
  fabric_ledger_free(l);
  fabric_endorser_free(net.endorser);
  fabric_channel_free(net.channel);
  fabric_signer_free(net.user);
  fabric_signer_free(outsider);
  fabric_signer_free(peer);
  fabric_signer_free(net.orderer);
  return ctest_finish("capi_private_data_test");
}
