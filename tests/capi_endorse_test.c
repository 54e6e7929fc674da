/* Endorsement through the C ABI, from plain C: a contract written in C, hosted by two
 * endorsing peers (Org1 and Org2) of a channel that replayed the conformance chain; a
 * client's signed proposal, endorsed by both, assembled into a transaction, cut into a
 * block by an orderer identity and committed VALID; queries, contract errors,
 * rejected proposals, and the chaincode event heard by a subscriber. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

#define CHANNEL "mychannel"
#define CHAINCODE "cc_and" /* AND('Org1MSP.peer','Org2MSP.peer') */
#define MAX_BLOCKS 64
#define ORG1 VECTORS "msp/peerOrganizations/org1.example.com/"
#define ORG2 VECTORS "msp/peerOrganizations/org2.example.com/"

/* ---- The contract ---------------------------------------------------------------- */

/* What a contract instance saw (its registration payload). */
typedef struct calls {
  int n;
  int queries;
} calls;

/* Responds with an error status and the detail of a failed stub call. */
static int32_t failed(fabric_stub *stub, const char *what, fabric_error *err) {
  char message[512];
  snprintf(message, sizeof message, "%s: %s (%s)", what, err != NULL ? err->message : "?",
           err != NULL ? fabric_error_code_name(err->code) : "?");
  fabric_error_free(err);
  fabric_stub_respond(stub, message, NULL, 0, NULL);
  return FABRIC_STATUS_ERROR;
}

static int32_t respond_text(fabric_stub *stub, const char *text) {
  fabric_stub_respond(stub, NULL, (const uint8_t *)text, strlen(text), NULL);
  return FABRIC_STATUS_OK;
}

static int count_kv(const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
                    void *payload) {
  (void)value;
  (void)value_len;
  CHECK(key != NULL && key_len > 0);
  ++*(size_t *)payload;
  return 0;
}

static int stop_at_first(const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
                         void *payload) {
  (void)key;
  (void)key_len;
  (void)value;
  (void)value_len;
  ++*(size_t *)payload;
  return 1;
}

/* put K V: reads K and the range [K, K~); writes K and the composite key ("asset", "capi", K); sets
 * K's key-level policy from the transient field "policy" if given; sets event "stored" = K;
 * responds with K's old value ("" if none). */
static int32_t put(fabric_stub *stub) {
  size_t k_len = 0, v_len = 0, policy_len = 0, in_range = 0;
  const uint8_t *k = fabric_stub_arg(stub, 0, &k_len);
  const uint8_t *v = fabric_stub_arg(stub, 1, &v_len);
  const uint8_t *policy = NULL;
  const char *attrs[2];
  char end[80];
  fabric_buf old = FABRIC_BUF_INIT, composite = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  int rc;
  if (k == NULL || v == NULL || k_len + 2 > sizeof end) {
    fabric_stub_respond(stub, "usage: put K V", NULL, 0, NULL);
    return FABRIC_STATUS_ERROR;
  }
  rc = fabric_stub_get_state(&old, stub, k, k_len, &err);
  if (rc != FABRIC_OK && rc != FABRIC_ENOTFOUND) return failed(stub, "get_state", err);
  fabric_error_free(err);
  err = NULL;
  if (fabric_stub_put_state(stub, k, k_len, v, v_len, &err) != FABRIC_OK) {
    fabric_buf_dispose(&old);
    return failed(stub, "put_state", err);
  }
  attrs[0] = "capi";
  attrs[1] = (const char *)k;
  CHECK(fabric_composite_key_create(&composite, "asset", attrs, 2, NULL) == FABRIC_OK);
  CHECK(fabric_stub_put_state(stub, composite.data, composite.size, v, v_len, NULL) == FABRIC_OK);
  fabric_buf_dispose(&composite);
  if (fabric_stub_transient(&policy, &policy_len, stub, "policy", NULL) == FABRIC_OK) {
    CHECK(fabric_stub_set_state_metadata(stub, k, k_len, "VALIDATION_PARAMETER", policy, policy_len,
                                         NULL) == FABRIC_OK);
  }
  /* A range [K, K~) is recorded for the phantom-read check; it reads committed state. */
  snprintf(end, sizeof end, "%s~", (const char *)k);
  CHECK(fabric_stub_get_state_by_range(stub, k, k_len, (const uint8_t *)end, strlen(end), count_kv,
                                       &in_range, NULL) == FABRIC_OK);
  CHECK(in_range == (old.data != NULL ? 1u : 0u));
  CHECK(fabric_stub_set_event(stub, "stored", k, k_len, NULL) == FABRIC_OK);
  fabric_stub_respond(stub, NULL, old.data, old.size, NULL);
  fabric_buf_dispose(&old);
  return FABRIC_STATUS_OK;
}

/* get K: responds with K's value; 404 if it has none. */
static int32_t get(fabric_stub *stub) {
  size_t k_len = 0;
  const uint8_t *k = fabric_stub_arg(stub, 0, &k_len);
  fabric_buf value = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  int rc = fabric_stub_get_state(&value, stub, k, k_len, &err);
  if (rc == FABRIC_ENOTFOUND) {
    fabric_error_free(err);
    fabric_stub_respond(stub, "no such key", NULL, 0, NULL);
    return 404;
  }
  if (rc != FABRIC_OK) return failed(stub, "get_state", err);
  fabric_stub_respond(stub, NULL, value.data, value.size, NULL);
  fabric_buf_dispose(&value);
  return FABRIC_STATUS_OK;
}

static int find_policy(const char *name, const uint8_t *value, size_t value_len, void *payload) {
  fabric_buf *out = payload;
  if (strcmp(name, "VALIDATION_PARAMETER") != 0) return 0;
  out->data = malloc(value_len + 1);
  if (out->data != NULL) memcpy(out->data, value, value_len);
  out->size = out->data != NULL ? value_len : 0;
  return 1;
}

/* policy K: responds with K's VALIDATION_PARAMETER metadata. */
static int32_t policy(fabric_stub *stub) {
  size_t k_len = 0;
  const uint8_t *k = fabric_stub_arg(stub, 0, &k_len);
  fabric_buf found = {NULL, 0}; /* malloc'ed by find_policy, freed here */
  fabric_error *err = NULL;
  int rc = fabric_stub_get_state_metadata(stub, k, k_len, find_policy, &found, &err);
  if (rc != FABRIC_OK && rc != 1) return failed(stub, "get_state_metadata", err); /* 1: found */
  fabric_stub_respond(stub, NULL, found.data, found.size, NULL);
  free(found.data);
  return FABRIC_STATUS_OK;
}

/* count: responds with "range pages partial" counts over the capi_ keys: a range, the
 * same range a page of one at a time, and the ("asset", "capi") composite keys. */
static int32_t count(fabric_stub *stub) {
  static const uint8_t start[] = "capi_", end[] = "capi_~";
  size_t range = 0, paged = 0, pages = 0, partial = 0, first = 0;
  const char *attr = "capi";
  fabric_buf bookmark = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  char text[64];
  if (fabric_stub_get_state_by_range(stub, start, 5, end, 6, count_kv, &range, &err) != FABRIC_OK) {
    return failed(stub, "get_state_by_range", err);
  }
  /* The callback's stop is handed back (1 here), and only with a first entry. */
  CHECK(fabric_stub_get_state_by_range(stub, start, 5, end, 6, stop_at_first, &first, NULL) ==
        (range > 0 ? 1 : FABRIC_OK));
  CHECK(first == (range > 0 ? 1u : 0u));
  do {
    fabric_buf next = FABRIC_BUF_INIT;
    if (fabric_stub_get_state_by_range_page(&next, stub, start, 5, end, 6, 1, bookmark.data,
                                            bookmark.size, count_kv, &paged, &err) != FABRIC_OK) {
      fabric_buf_dispose(&bookmark);
      return failed(stub, "get_state_by_range_page", err);
    }
    fabric_buf_dispose(&bookmark);
    bookmark = next;
  } while (bookmark.size > 0 && ++pages < 100);
  fabric_buf_dispose(&bookmark);
  if (fabric_stub_get_state_by_partial_composite_key(stub, "asset", &attr, 1, count_kv, &partial,
                                                     &err) != FABRIC_OK) {
    return failed(stub, "get_state_by_partial_composite_key", err);
  }
  snprintf(text, sizeof text, "%d %d %d", (int)range, (int)paged, (int)partial);
  return respond_text(stub, text);
}

static int latest_txid(const fabric_key_modification *mod, void *payload) {
  char *txid = payload;
  CHECK(mod->txid != NULL && mod->is_delete == 0 && mod->value_len > 0);
  CHECK(mod->timestamp_seconds > 0);
  if (txid[0] == '\0') snprintf(txid, FABRIC_TXID_SIZE, "%s", mod->txid);
  return 0;
}

/* history K: responds with the txid of K's latest modification. */
static int32_t history(fabric_stub *stub) {
  size_t k_len = 0;
  const uint8_t *k = fabric_stub_arg(stub, 0, &k_len);
  char txid[FABRIC_TXID_SIZE] = "";
  fabric_error *err = NULL;
  if (fabric_stub_get_history_for_key(stub, k, k_len, latest_txid, txid, &err) != FABRIC_OK) {
    return failed(stub, "get_history_for_key", err);
  }
  return respond_text(stub, txid);
}

static int32_t contract(fabric_stub *stub, void *payload) {
  calls *c = payload;
  size_t fn_len = 0, creator_len = 0;
  const char *fn = (const char *)fabric_stub_function(stub, &fn_len);
  int64_t seconds = 0;
  int32_t nanos = -1;
  c->n++;
  c->queries += fabric_stub_is_query(stub);
  CHECK(strcmp(fabric_stub_channel_id(stub), CHANNEL) == 0);
  CHECK(strcmp(fabric_stub_chaincode(stub), CHAINCODE) == 0);
  CHECK(strlen(fabric_stub_txid(stub)) == FABRIC_TXID_SIZE - 1);
  CHECK(fabric_stub_creator(stub, &creator_len) != NULL && creator_len > 0);
  CHECK(fabric_stub_arg(stub, fabric_stub_num_args(stub), NULL) == NULL);
  fabric_stub_timestamp(stub, &seconds, &nanos);
  CHECK(seconds > 1500000000 && nanos >= 0);
  if (strcmp(fn, "put") == 0) return put(stub);
  if (strcmp(fn, "get") == 0) return get(stub);
  if (strcmp(fn, "policy") == 0) return policy(stub);
  if (strcmp(fn, "count") == 0) return count(stub);
  if (strcmp(fn, "history") == 0) return history(stub);
  if (strcmp(fn, "whoami") == 0) return respond_text(stub, fabric_stub_creator_mspid(stub));
  fabric_stub_respond(stub, "deliberate failure", (const uint8_t *)"ignored", 7, NULL);
  return FABRIC_STATUS_ERROR;
}

/* ---- The host ---------------------------------------------------------------------- */

typedef struct peer {
  fabric_signer *signer;
  fabric_endorser *endorser;
  calls calls;
} peer;

/* Creates the channel from the genesis block and replays the conformance chain (a block
 * that verification rejects is committed unverified, as the vectors record it). */
static fabric_channel *replay(const char *dir) {
  size_t len = 0;
  uint8_t *genesis = ctest_read_file(VECTORS "genesis.block", &len);
  fabric_channel *ch = NULL;
  fabric_error *err = NULL;
  int n;
  if (genesis == NULL || fabric_channel_create(&ch, dir, genesis, len, NULL, &err) != FABRIC_OK) {
    ctest_report("create channel (a stale TEST_TMPDIR?)", err);
    free(genesis);
    return NULL;
  }
  free(genesis);
  for (n = 1; n < MAX_BLOCKS; n++) {
    char path[256];
    uint8_t *block;
    snprintf(path, sizeof path, VECTORS "blocks/%06d.block", n);
    if (!ctest_file_exists(path)) break;
    block = ctest_read_file(path, &len);
    CHECK(block != NULL);
    if (block != NULL && fabric_channel_submit(NULL, ch, block, len, 0, NULL) != FABRIC_OK) {
      CHECK(fabric_channel_submit(NULL, ch, block, len, FABRIC_SUBMIT_SKIP_VERIFICATION, NULL) ==
            FABRIC_OK);
    }
    free(block);
  }
  return ch;
}

/* A signed proposal invoking CHAINCODE with up to 3 text arguments (NULL-terminated). */
static int propose(fabric_buf *out, char txid[FABRIC_TXID_SIZE], const fabric_signer *creator,
                   const char *chaincode, const char *a0, const char *a1, const char *a2,
                   const fabric_proposal_options *options) {
  const char *text[3];
  fabric_bytes args[3];
  size_t n = 0;
  fabric_error *err = NULL;
  int rc;
  text[0] = a0;
  text[1] = a1;
  text[2] = a2;
  while (n < 3 && text[n] != NULL) {
    args[n].data = (const uint8_t *)text[n];
    args[n].len = strlen(text[n]);
    n++;
  }
  rc = fabric_proposal_create(out, txid, creator, CHANNEL, chaincode, args, n, options, &err);
  if (rc != FABRIC_OK) ctest_report("proposal", err);
  CHECK(rc == FABRIC_OK);
  return rc;
}

/* Endorses `proposal` on both peers and assembles the transaction into *envelope. */
static int endorse_both(fabric_buf *envelope, const fabric_signer *user, peer peers[2],
                        const fabric_buf *proposal, const char *txid) {
  fabric_proposal_result *r[2] = {NULL, NULL};
  fabric_bytes responses[2];
  fabric_error *err = NULL;
  int i, rc = FABRIC_OK;
  for (i = 0; i < 2; i++) {
    rc = fabric_endorser_endorse(&r[i], peers[i].endorser, proposal->data, proposal->size, &err);
    if (rc != FABRIC_OK) {
      ctest_report("endorse", err);
      CHECK(rc == FABRIC_OK);
      break;
    }
    CHECK(strcmp(fabric_proposal_result_txid(r[i]), txid) == 0);
    CHECK(fabric_proposal_result_status(r[i]) == FABRIC_STATUS_OK);
    responses[i].data = fabric_proposal_result_response(r[i], &responses[i].len);
    CHECK(responses[i].len > 0);
    CHECK(fabric_proposal_result_rwset(r[i], NULL) != NULL);
  }
  if (rc == FABRIC_OK) {
    rc = fabric_tx_assemble(envelope, user, proposal->data, proposal->size, responses, 2, &err);
    if (rc != FABRIC_OK) ctest_report("assemble", err);
    CHECK(rc == FABRIC_OK);
  }
  fabric_proposal_result_free(r[0]);
  fabric_proposal_result_free(r[1]);
  return rc;
}

/* An assembler continuing the channel's chain. */
static fabric_block_assembler *assembler_for(const fabric_channel *ch, const fabric_signer *orderer,
                                             const fabric_batch_options *options) {
  fabric_ledger *l = NULL;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  fabric_buf last = FABRIC_BUF_INIT;
  fabric_block_assembler *a = NULL;
  fabric_error *err = NULL;
  CHECK(fabric_channel_ledger(&l, ch, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_chain_info(&info, l, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_block_by_number(&last, l, info.height - 1, NULL) == FABRIC_OK);
  if (fabric_block_assembler_create(&a, last.data, last.size, orderer, options, &err) !=
      FABRIC_OK) {
    ctest_report("assembler", err);
    ctest_failures++;
  } else {
    CHECK(fabric_block_assembler_next_number(a) == info.height);
    CHECK(fabric_block_assembler_pending(a) == 0);
  }
  fabric_buf_dispose(&last);
  fabric_ledger_free(l);
  return a;
}

/* Submits a block; CHECKs that it commits with every transaction VALID. */
static void submit_valid(fabric_channel *ch, const uint8_t *block, size_t len, size_t num_txs) {
  fabric_block_result *r = NULL;
  fabric_error *err = NULL;
  size_t i;
  if (fabric_channel_submit(&r, ch, block, len, 0, &err) != FABRIC_OK) {
    ctest_report("submit", err);
    ctest_failures++;
    return;
  }
  CHECK(fabric_block_result_tx_count(r) == num_txs);
  for (i = 0; i < fabric_block_result_tx_count(r); i++) {
    const fabric_tx_result *tx = fabric_block_result_tx(r, i);
    CHECK(tx->code == 0);
    if (tx->code != 0) fprintf(stderr, "tx %d: code %d: %s\n", (int)i, tx->code, tx->reason);
  }
  fabric_block_result_free(r);
}

/* Evaluates `fn` of chaincode `cc` on peer `p` as `user`: the call's return code. */
static int evaluate_on(const peer *p, const fabric_signer *user, const char *cc, const char *fn) {
  fabric_buf proposal = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL;
  char txid[FABRIC_TXID_SIZE];
  int rc = propose(&proposal, txid, user, cc, fn, NULL, NULL, NULL);
  if (rc == FABRIC_OK) {
    rc = fabric_endorser_evaluate(&r, p->endorser, proposal.data, proposal.size, NULL);
  }
  if (rc == FABRIC_OK) CHECK(fabric_proposal_result_status(r) == FABRIC_STATUS_OK);
  fabric_proposal_result_free(r);
  fabric_buf_dispose(&proposal);
  return rc;
}

/* The contract of the chaincode test_define defines. */
static int32_t defined_contract(fabric_stub *stub, void *payload) {
  (void)payload;
  CHECK(strcmp(fabric_stub_chaincode(stub), "capi_defined") == 0);
  return respond_text(stub, fabric_stub_creator_mspid(stub));
}

/* A fabric_block_cb for an assembler that must not cut a block yet. */
static void no_block_expected(const uint8_t *block, size_t block_len, void *payload) {
  (void)block;
  (void)block_len;
  (void)payload;
  fprintf(stderr, "a block was cut too early\n");
  ctest_failures++;
}

/* Orders `envelope` into a block of its own, which must commit with it VALID. */
static void commit_alone(fabric_channel *ch, const fabric_signer *orderer,
                         const fabric_buf *envelope) {
  fabric_buf block = FABRIC_BUF_INIT;
  fabric_block_assembler *a = assembler_for(ch, orderer, NULL);
  if (a == NULL) return;
  CHECK(fabric_block_assembler_add(a, envelope->data, envelope->size, no_block_expected, NULL,
                                   NULL) == FABRIC_OK);
  CHECK(fabric_block_assembler_cut(&block, a, NULL) == FABRIC_OK);
  submit_valid(ch, block.data, block.size, 1);
  fabric_block_assembler_free(a);
  fabric_buf_dispose(&block);
}

/* `_lifecycle` ApproveChaincodeDefinitionForMyOrg of `definition` for the org of `p`,
 * endorsed by `p` alone, committed VALID in a block of its own. */
static void approve(fabric_channel *ch, const peer *p, const fabric_signer *user,
                    const fabric_signer *orderer, const fabric_buf *definition) {
  fabric_bytes args[2], response;
  fabric_buf proposal = FABRIC_BUF_INIT, envelope = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL;
  char txid[FABRIC_TXID_SIZE];
  args[0].data = (const uint8_t *)"ApproveChaincodeDefinitionForMyOrg";
  args[0].len = strlen("ApproveChaincodeDefinitionForMyOrg");
  args[1].data = definition->data;
  args[1].len = definition->size;
  CHECK(fabric_proposal_create(&proposal, txid, user, CHANNEL, "_lifecycle", args, 2, NULL, NULL) ==
        FABRIC_OK);
  CHECK(fabric_endorser_endorse(&r, p->endorser, proposal.data, proposal.size, NULL) == FABRIC_OK);
  if (r == NULL || fabric_proposal_result_status(r) != FABRIC_STATUS_OK) {
    fprintf(stderr, "approval: %s\n", r == NULL ? "refused" : fabric_proposal_result_message(r));
    ctest_failures++;
  } else {
    /* The approval is private data of the org's implicit collection. */
    size_t pvt_len = 0;
    CHECK(fabric_proposal_result_private_rwset(r, &pvt_len) != NULL && pvt_len > 0);
    response.data = fabric_proposal_result_response(r, &response.len);
    CHECK(fabric_tx_assemble(&envelope, user, proposal.data, proposal.size, &response, 1, NULL) ==
          FABRIC_OK);
    commit_alone(ch, orderer, &envelope);
  }
  fabric_proposal_result_free(r);
  fabric_buf_dispose(&envelope);
  fabric_buf_dispose(&proposal);
}

/* A chaincode defined by a _lifecycle transaction whose argument
 * fabric_lifecycle_commit_args made, then evaluated; and that function's argument
 * errors. */
static void test_define(fabric_channel *ch, peer peers[2], const fabric_signer *user,
                        const fabric_signer *orderer) {
  fabric_chaincode_definition def = FABRIC_CHAINCODE_DEFINITION_INIT;
  fabric_buf arg = FABRIC_BUF_INIT, by_ref = FABRIC_BUF_INIT, policy = FABRIC_BUF_INIT;
  fabric_buf proposal = FABRIC_BUF_INIT, envelope = FABRIC_BUF_INIT;
  fabric_bytes args[2];
  char txid[FABRIC_TXID_SIZE];
  fabric_error *err = NULL;
  static const uint8_t junk[3] = {0xff, 0xff, 0xff};

  CHECK(fabric_lifecycle_commit_args(&arg, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_lifecycle_commit_args(&arg, &def, &err) == FABRIC_EINVAL); /* no name */
  CHECK(err != NULL && err->code == FABRIC_EINVAL);
  fabric_error_free(err);
  def.name = "capi_defined";
  def.chaincode_version = "1.0";
  def.sequence = 1;
  def.version = FABRIC_CHAINCODE_DEFINITION_VERSION + 1;
  CHECK(fabric_lifecycle_commit_args(&arg, &def, NULL) == FABRIC_EINVAL);
  def.version = FABRIC_CHAINCODE_DEFINITION_VERSION;
  def.signature_policy = junk;
  def.signature_policy_len = sizeof junk;
  CHECK(fabric_lifecycle_commit_args(&arg, &def, NULL) == FABRIC_EMALFORMED);
  def.channel_config_policy = "/Channel/Application/Endorsement";
  CHECK(fabric_lifecycle_commit_args(&arg, &def, NULL) == FABRIC_EINVAL); /* two policies */
  CHECK(arg.data == NULL);
  def.signature_policy = NULL;
  def.signature_policy_len = 0;
  CHECK(fabric_lifecycle_commit_args(&by_ref, &def, NULL) == FABRIC_OK && by_ref.size > 0);
  def.channel_config_policy = NULL;
  CHECK(fabric_policy_compile(&policy, "OR('Org1MSP.peer','Org2MSP.peer')", NULL) == FABRIC_OK);
  def.signature_policy = policy.data;
  def.signature_policy_len = policy.size;
  CHECK(fabric_lifecycle_commit_args(&arg, &def, NULL) == FABRIC_OK);
  CHECK(arg.size > 0 && (arg.size != by_ref.size || memcmp(arg.data, by_ref.data, arg.size) != 0));

  /* Registered but not yet defined on the channel. */
  CHECK(fabric_endorser_register_contract(peers[0].endorser, def.name, defined_contract, NULL,
                                          NULL) == FABRIC_OK);
  CHECK(evaluate_on(&peers[0], user, def.name, "whoami") == FABRIC_ENOTFOUND);

  /* Each org approves first (the same argument bytes serve the approval), endorsed by its
   * own peer. */
  approve(ch, &peers[0], user, orderer, &arg);
  approve(ch, &peers[1], user, orderer, &arg);

  args[0].data = (const uint8_t *)"CommitChaincodeDefinition";
  args[0].len = strlen("CommitChaincodeDefinition");
  args[1].data = arg.data;
  args[1].len = arg.size;
  CHECK(fabric_proposal_create(&proposal, txid, user, CHANNEL, "_lifecycle", args, 2, NULL, NULL) ==
        FABRIC_OK);
  if (endorse_both(&envelope, user, peers, &proposal, txid) == FABRIC_OK) {
    commit_alone(ch, orderer, &envelope);
  }
  CHECK(evaluate_on(&peers[0], user, def.name, "whoami") == FABRIC_OK);
  fabric_buf_dispose(&envelope);
  fabric_buf_dispose(&proposal);
  fabric_buf_dispose(&policy);
  fabric_buf_dispose(&by_ref);
  fabric_buf_dispose(&arg);
}

/* The blocks an assembler cut, through fabric_block_cb. */
typedef struct cut_blocks {
  size_t n;
  fabric_channel *channel;
  size_t txs_per_block;
} cut_blocks;

static void on_block(const uint8_t *block, size_t block_len, void *payload) {
  cut_blocks *c = payload;
  fabric_block *b = NULL;
  c->n++;
  CHECK(fabric_block_parse(&b, block, block_len, NULL) == FABRIC_OK);
  CHECK(b != NULL && fabric_block_tx_count(b) == c->txs_per_block);
  fabric_block_free(b);
  submit_valid(c->channel, block, block_len, c->txs_per_block);
}

/* The chaincode events heard. */
typedef struct events {
  int n;
  char txid[FABRIC_TXID_SIZE];
  char key[64];
} events;

static void on_event(const fabric_chaincode_event *e, void *payload) {
  events *h = payload;
  h->n++;
  CHECK(strcmp(e->chaincode_id, CHAINCODE) == 0 && strcmp(e->event_name, "stored") == 0);
  snprintf(h->txid, sizeof h->txid, "%s", e->txid);
  snprintf(h->key, sizeof h->key, "%.*s", (int)e->data_len, (const char *)e->data);
}

/* Evaluates fn(arg) on `p` as `user`; CHECKs the status and, if not NULL, the payload. */
static void check_query_bytes(const peer *p, const fabric_signer *user, const char *fn,
                              const char *arg, int32_t status, const uint8_t *payload,
                              size_t payload_len) {
  fabric_buf proposal = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL;
  fabric_error *err = NULL;
  size_t len = 0;
  const uint8_t *got;
  if (propose(&proposal, NULL, user, CHAINCODE, fn, arg, NULL, NULL) != FABRIC_OK) return;
  if (fabric_endorser_evaluate(&r, p->endorser, proposal.data, proposal.size, &err) != FABRIC_OK) {
    ctest_report(fn, err);
    ctest_failures++;
  } else {
    got = fabric_proposal_result_payload(r, &len);
    CHECK(fabric_proposal_result_status(r) == status);
    if (fabric_proposal_result_status(r) != status) {
      fprintf(stderr, "%s: %d %s\n", fn, fabric_proposal_result_status(r),
              fabric_proposal_result_message(r));
    }
    if (payload != NULL) {
      CHECK(len == payload_len && memcmp(got, payload, len) == 0);
      if (len != payload_len || memcmp(got, payload, len) != 0) {
        fprintf(stderr, "%s: payload \"%.*s\", want \"%.*s\"\n", fn, (int)len, (const char *)got,
                (int)payload_len, (const char *)payload);
      }
    }
    /* A query is never endorsed. */
    CHECK(fabric_proposal_result_response(r, &len) != NULL && len == 0);
  }
  fabric_proposal_result_free(r);
  fabric_buf_dispose(&proposal);
}

static void check_query(const peer *p, const fabric_signer *user, const char *fn, const char *arg,
                        int32_t status, const char *payload) {
  check_query_bytes(p, user, fn, arg, status, (const uint8_t *)payload,
                    payload != NULL ? strlen(payload) : 0);
}

/* A query that writes: as in Fabric's evaluate, the write is simulated and dropped, and
 * nothing is signed. */
static void test_query_write(const peer *p, const fabric_signer *user) {
  fabric_buf proposal = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL;
  const uint8_t *response;
  size_t len = 1;
  if (propose(&proposal, NULL, user, CHAINCODE, "put", "capi_q", "v", NULL) != FABRIC_OK) return;
  CHECK(fabric_endorser_evaluate(&r, p->endorser, proposal.data, proposal.size, NULL) == FABRIC_OK);
  CHECK(fabric_proposal_result_status(r) == FABRIC_STATUS_OK);
  response = fabric_proposal_result_response(r, &len);
  CHECK(len == 0);
  (void)response;
  fabric_proposal_result_free(r);
  fabric_buf_dispose(&proposal);
}

/* The committed value of `key` in CHAINCODE's namespace is `want`. */
static void check_state(const fabric_channel *ch, const char *key, const char *want) {
  fabric_ledger *l = NULL;
  fabric_buf value = FABRIC_BUF_INIT;
  CHECK(fabric_channel_ledger(&l, ch, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_get_state(&value, NULL, NULL, l, CHAINCODE, (const uint8_t *)key, strlen(key),
                                NULL) == FABRIC_OK);
  CHECK(value.size == strlen(want) && memcmp(value.data, want, value.size) == 0);
  fabric_buf_dispose(&value);
  fabric_ledger_free(l);
}

/* A transaction endorsed by both peers, with a key-level policy in a transient field,
 * cut into a block and committed VALID; its event is heard; its txid cannot be endorsed
 * again. */
static void test_commit(fabric_channel *ch, peer peers[2], const fabric_signer *user,
                        const fabric_signer *orderer, const events *heard, fabric_buf *policy_out,
                        char txid[FABRIC_TXID_SIZE]) {
  fabric_proposal_options opts = FABRIC_PROPOSAL_OPTIONS_INIT;
  fabric_transient_entry transient;
  fabric_buf proposal = FABRIC_BUF_INIT, envelope = FABRIC_BUF_INIT, block = FABRIC_BUF_INIT;
  fabric_block_assembler *a;
  fabric_proposal_result *r = NULL;
  fabric_error *err = NULL;
  cut_blocks cut;
  uint8_t code = 99;

  CHECK(fabric_policy_compile(policy_out, "AND('Org1MSP.peer','Org2MSP.peer')", NULL) == FABRIC_OK);
  transient.key = "policy";
  transient.value = policy_out->data;
  transient.value_len = policy_out->size;
  opts.transient = &transient;
  opts.num_transient = 1;
  if (propose(&proposal, txid, user, CHAINCODE, "put", "capi_key", "capi_value", &opts) !=
          FABRIC_OK ||
      endorse_both(&envelope, user, peers, &proposal, txid) != FABRIC_OK) {
    fabric_buf_dispose(&proposal);
    return;
  }
  /* The transient field stays out of the transaction. */
  CHECK(envelope.size > 0 && envelope.size < proposal.size + 4096);

  a = assembler_for(ch, orderer, NULL);
  if (a == NULL) return;
  CHECK(fabric_block_assembler_cut(&block, a, &err) == FABRIC_ENOTFOUND);
  CHECK(err != NULL && err->code == FABRIC_ENOTFOUND);
  fabric_error_free(err);
  CHECK(fabric_block_assembler_tick(&block, a, NULL) == FABRIC_ENOTFOUND);
  memset(&cut, 0, sizeof cut);
  cut.channel = ch;
  cut.txs_per_block = 1;
  CHECK(fabric_block_assembler_add(a, envelope.data, envelope.size, on_block, &cut, NULL) ==
        FABRIC_OK);
  CHECK(cut.n == 0 && fabric_block_assembler_pending(a) == 1);
  CHECK(fabric_block_assembler_cut(&block, a, NULL) == FABRIC_OK);
  CHECK(fabric_block_assembler_pending(a) == 0);
  submit_valid(ch, block.data, block.size, 1);
  fabric_buf_dispose(&block);
  fabric_block_assembler_free(a);

  CHECK(heard->n == 1 && strcmp(heard->txid, txid) == 0 && strcmp(heard->key, "capi_key") == 0);
  check_state(ch, "capi_key", "capi_value");
  CHECK(fabric_channel_wait_tx(&code, ch, txid, 0, NULL) == FABRIC_OK && code == 0);

  /* The same proposal again: its txid is committed. */
  CHECK(fabric_endorser_endorse(&r, peers[0].endorser, proposal.data, proposal.size, &err) ==
        FABRIC_ECONFLICT);
  CHECK(r == NULL && err != NULL && err->code == FABRIC_ECONFLICT);
  fabric_error_free(err);
  fabric_buf_dispose(&envelope);
  fabric_buf_dispose(&proposal);
}

/* Two transactions, cut into one block by an assembler batching two envelopes. */
static void test_batch(fabric_channel *ch, peer peers[2], const fabric_signer *user,
                       const fabric_signer *orderer, char txid[FABRIC_TXID_SIZE]) {
  fabric_batch_options opts;
  fabric_block_assembler *a;
  fabric_buf proposals[2] = {FABRIC_BUF_INIT, FABRIC_BUF_INIT};
  fabric_buf envelopes[2] = {FABRIC_BUF_INIT, FABRIC_BUF_INIT};
  char other_txid[FABRIC_TXID_SIZE];
  cut_blocks cut;
  int i;

  CHECK(fabric_batch_options_init(&opts, FABRIC_BATCH_OPTIONS_VERSION) == FABRIC_OK);
  opts.max_message_count = 2;
  a = assembler_for(ch, orderer, &opts);
  if (a == NULL) return;
  if (propose(&proposals[0], txid, user, CHAINCODE, "put", "capi_key", "capi_value2", NULL) ==
          FABRIC_OK &&
      propose(&proposals[1], other_txid, user, CHAINCODE, "put", "capi_other", "v", NULL) ==
          FABRIC_OK &&
      endorse_both(&envelopes[0], user, peers, &proposals[0], txid) == FABRIC_OK &&
      endorse_both(&envelopes[1], user, peers, &proposals[1], other_txid) == FABRIC_OK) {
    memset(&cut, 0, sizeof cut);
    cut.channel = ch;
    cut.txs_per_block = 2;
    CHECK(fabric_block_assembler_add(a, envelopes[0].data, envelopes[0].size, on_block, &cut,
                                     NULL) == FABRIC_OK);
    CHECK(cut.n == 0);
    CHECK(fabric_block_assembler_add(a, envelopes[1].data, envelopes[1].size, on_block, &cut,
                                     NULL) == FABRIC_OK);
    CHECK(cut.n == 1 && fabric_block_assembler_pending(a) == 0);
    check_state(ch, "capi_key", "capi_value2");
    check_state(ch, "capi_other", "v");
  }
  for (i = 0; i < 2; i++) {
    fabric_buf_dispose(&proposals[i]);
    fabric_buf_dispose(&envelopes[i]);
  }
  fabric_block_assembler_free(a);
}

/* Proposals refused before or by the contract. */
static void test_refusals(peer peers[2], const fabric_signer *user) {
  static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0x01};
  fabric_signer *rogue = ctest_load_signer(
      "Org1MSP", VECTORS "msp/rogue/users/User1@org1.example.com", "User1@org1.example.com");
  fabric_buf proposal = FABRIC_BUF_INIT, other = FABRIC_BUF_INIT, envelope = FABRIC_BUF_INIT;
  fabric_proposal_result *r = NULL, *r2 = NULL;
  fabric_error *err = NULL;
  fabric_bytes responses[2];
  size_t len = 0;

  /* A contract's error: the call succeeds, nothing is endorsed. */
  if (propose(&proposal, NULL, user, CHAINCODE, "fail", NULL, NULL, NULL) == FABRIC_OK) {
    CHECK(fabric_endorser_endorse(&r, peers[0].endorser, proposal.data, proposal.size, NULL) ==
          FABRIC_OK);
    CHECK(fabric_proposal_result_status(r) == FABRIC_STATUS_ERROR);
    CHECK(strcmp(fabric_proposal_result_message(r), "deliberate failure") == 0);
    CHECK(fabric_proposal_result_response(r, &len) != NULL && len == 0);
    fabric_proposal_result_free(r);
    r = NULL;
  }
  fabric_buf_dispose(&proposal);

  /* An identity of a CA no channel MSP knows. */
  if (rogue != NULL &&
      propose(&proposal, NULL, rogue, CHAINCODE, "get", "capi_key", NULL, NULL) == FABRIC_OK) {
    CHECK(fabric_endorser_endorse(&r, peers[0].endorser, proposal.data, proposal.size, &err) ==
          FABRIC_EDENIED);
    CHECK(r == NULL && err != NULL && err->code == FABRIC_EDENIED);
    fabric_error_free(err);
    err = NULL;
    CHECK(fabric_endorser_evaluate(&r, peers[1].endorser, proposal.data, proposal.size, NULL) ==
          FABRIC_EDENIED);
  }
  fabric_buf_dispose(&proposal);
  fabric_signer_free(rogue);

  /* A chaincode defined on the channel but not hosted here, and one not defined. */
  if (propose(&proposal, NULL, user, "cc_or", "get", "k", NULL, NULL) == FABRIC_OK) {
    CHECK(fabric_endorser_endorse(&r, peers[0].endorser, proposal.data, proposal.size, NULL) ==
          FABRIC_ENOTFOUND);
  }
  fabric_buf_dispose(&proposal);
  if (propose(&proposal, NULL, user, "cc_never", "get", "k", NULL, NULL) == FABRIC_OK) {
    CHECK(fabric_endorser_evaluate(&r, peers[0].endorser, proposal.data, proposal.size, NULL) ==
          FABRIC_ENOTFOUND);
  }
  fabric_buf_dispose(&proposal);

  CHECK(fabric_endorser_endorse(&r, peers[0].endorser, garbage, sizeof garbage, &err) ==
        FABRIC_EMALFORMED);
  CHECK(err != NULL && err->code == FABRIC_EMALFORMED);
  fabric_error_free(err);
  err = NULL;
  CHECK(fabric_endorser_endorse(&r, NULL, garbage, sizeof garbage, NULL) == FABRIC_EINVAL);
  CHECK(fabric_endorser_endorse(NULL, peers[0].endorser, garbage, sizeof garbage, NULL) ==
        FABRIC_EINVAL);

  /* Responses to two different proposals do not make a transaction. */
  if (propose(&proposal, NULL, user, CHAINCODE, "put", "capi_x", "1", NULL) == FABRIC_OK &&
      propose(&other, NULL, user, CHAINCODE, "put", "capi_x", "2", NULL) == FABRIC_OK) {
    CHECK(fabric_endorser_endorse(&r, peers[0].endorser, proposal.data, proposal.size, NULL) ==
          FABRIC_OK);
    CHECK(fabric_endorser_endorse(&r2, peers[1].endorser, other.data, other.size, NULL) ==
          FABRIC_OK);
    responses[0].data = fabric_proposal_result_response(r, &responses[0].len);
    responses[1].data = fabric_proposal_result_response(r2, &responses[1].len);
    CHECK(fabric_tx_assemble(&envelope, user, proposal.data, proposal.size, responses, 2, &err) ==
          FABRIC_EMALFORMED);
    CHECK(err != NULL && err->code == FABRIC_EMALFORMED && envelope.size == 0);
    fabric_error_free(err);
    CHECK(fabric_tx_assemble(&envelope, NULL, proposal.data, proposal.size, responses, 2, NULL) ==
          FABRIC_EINVAL);
    CHECK(fabric_tx_assemble(&envelope, user, proposal.data, proposal.size, NULL, 2, NULL) ==
          FABRIC_EINVAL);
    fabric_proposal_result_free(r);
    fabric_proposal_result_free(r2);
  }
  fabric_buf_dispose(&proposal);
  fabric_buf_dispose(&other);
}

/* The parts of ("asset", "capi", "k1"), in order. */
static int check_part(size_t index, const char *part, size_t part_len, void *payload) {
  static const char *want[] = {"asset", "capi", "k1"};
  int *n = payload;
  CHECK(index == (size_t)*n && index < 3);
  CHECK(index < 3 && strlen(want[index]) == part_len && strcmp(part, want[index]) == 0);
  ++*n;
  return 0;
}

/* Composite keys (without a stub), the options structs, an assembler over the genesis
 * block and argument errors. */
static void test_keys_and_options(const fabric_signer *user, const fabric_signer *orderer) {
  static const char *attrs[] = {"capi", "k1"};
  static const char *bad[] = {"a\xf4\x8f\xbf\xbf"}; /* U+10FFFF */
  fabric_buf key = FABRIC_BUF_INIT, proposal = FABRIC_BUF_INIT;
  fabric_proposal_options popts, defaults = FABRIC_PROPOSAL_OPTIONS_INIT;
  fabric_batch_options bopts, bdefaults = FABRIC_BATCH_OPTIONS_INIT;
  fabric_bytes arg;
  char txid[FABRIC_TXID_SIZE], again[FABRIC_TXID_SIZE];
  static const uint8_t nonce[24] = {1, 2, 3};
  int num_parts = 0;
  fabric_block_assembler *a = NULL;
  size_t block_len = 0;
  uint8_t *block = ctest_read_file(VECTORS "genesis.block", &block_len);

  CHECK(fabric_composite_key_create(&key, "asset", attrs, 2, NULL) == FABRIC_OK);
  CHECK(key.size == 15 && memcmp(key.data, "\0asset\0capi\0k1\0", 15) == 0);
  CHECK(fabric_composite_key_split(key.data, key.size, check_part, &num_parts, NULL) == FABRIC_OK);
  CHECK(num_parts == 3);
  CHECK(fabric_composite_key_split(key.data, key.size, NULL, NULL, NULL) == FABRIC_EINVAL);
  fabric_buf_dispose(&key);
  CHECK(fabric_composite_key_create(&key, "asset", bad, 1, NULL) == FABRIC_EINVAL);
  CHECK(fabric_composite_key_create(&key, "asset", NULL, 1, NULL) == FABRIC_EINVAL);
  CHECK(key.size == 0);
  CHECK(fabric_composite_key_split((const uint8_t *)"plain", 5, check_part, &num_parts, NULL) ==
        FABRIC_EMALFORMED);
  CHECK(num_parts == 3);

  memset(&popts, 0xff, sizeof popts);
  CHECK(fabric_proposal_options_init(&popts, FABRIC_PROPOSAL_OPTIONS_VERSION) == FABRIC_OK);
  CHECK(popts.version == defaults.version && popts.transient == NULL && popts.num_transient == 0 &&
        popts.nonce == NULL && popts.timestamp_seconds == 0);
  CHECK(fabric_proposal_options_init(&popts, 99) == FABRIC_EINVAL);
  memset(&bopts, 0xff, sizeof bopts);
  CHECK(fabric_batch_options_init(&bopts, FABRIC_BATCH_OPTIONS_VERSION) == FABRIC_OK);
  CHECK(bopts.version == bdefaults.version && bopts.max_message_count == 500 &&
        bopts.preferred_max_bytes == bdefaults.preferred_max_bytes && bopts.timeout_ms == 2000);
  CHECK(fabric_batch_options_init(NULL, FABRIC_BATCH_OPTIONS_VERSION) == FABRIC_EINVAL);
  CHECK(block != NULL);
  bopts.max_message_count = 0;
  CHECK(fabric_block_assembler_create(&a, block, block_len, orderer, &bopts, NULL) ==
        FABRIC_EINVAL);
  bopts.max_message_count = 1;
  bopts.version = 99;
  CHECK(fabric_block_assembler_create(&a, block, block_len, orderer, &bopts, NULL) ==
        FABRIC_EINVAL);
  CHECK(a == NULL);
  CHECK(fabric_block_assembler_create(&a, block, 10, orderer, NULL, NULL) == FABRIC_EMALFORMED);
  CHECK(fabric_block_assembler_create(&a, block, block_len, NULL, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_block_assembler_create(&a, block, block_len, orderer, NULL, NULL) == FABRIC_OK);
  if (a != NULL) {
    static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0x01};
    CHECK(fabric_block_assembler_next_number(a) == 1);
    CHECK(fabric_block_assembler_add(a, garbage, sizeof garbage, on_block, NULL, NULL) ==
          FABRIC_EMALFORMED);
    CHECK(fabric_block_assembler_pending(a) == 0);
  }
  fabric_block_assembler_free(a);
  free(block);

  /* A given nonce gives the txid; the same nonce and creator, the same txid. */
  CHECK(fabric_proposal_options_init(&popts, FABRIC_PROPOSAL_OPTIONS_VERSION) == FABRIC_OK);
  popts.nonce = nonce;
  popts.nonce_len = sizeof nonce;
  popts.timestamp_seconds = 1700000000;
  arg.data = (const uint8_t *)"get";
  arg.len = 3;
  CHECK(fabric_proposal_create(&proposal, txid, user, CHANNEL, CHAINCODE, &arg, 1, &popts, NULL) ==
        FABRIC_OK);
  fabric_buf_dispose(&proposal);
  CHECK(fabric_proposal_create(&proposal, again, user, CHANNEL, CHAINCODE, &arg, 1, &popts, NULL) ==
        FABRIC_OK);
  CHECK(strlen(txid) == 64 && strcmp(txid, again) == 0);
  fabric_buf_dispose(&proposal);
  popts.version = 99;
  CHECK(fabric_proposal_create(&proposal, txid, user, CHANNEL, CHAINCODE, &arg, 1, &popts, NULL) ==
        FABRIC_EINVAL);
  CHECK(fabric_proposal_create(&proposal, txid, NULL, CHANNEL, CHAINCODE, &arg, 1, NULL, NULL) ==
        FABRIC_EINVAL);
  CHECK(fabric_proposal_create(&proposal, txid, user, CHANNEL, CHAINCODE, NULL, 1, NULL, NULL) ==
        FABRIC_EINVAL);
}

int main(void) {
  char dir[512];
  fabric_channel *ch;
  peer peers[2];
  fabric_signer *user, *orderer;
  fabric_endorser *extra = NULL;
  fabric_buf policy = FABRIC_BUF_INIT;
  char txid[FABRIC_TXID_SIZE] = "";
  events heard;
  int event_id = 0, i;
  uint64_t replayed;

  ctest_temp_path(dir, sizeof dir, "capi_endorse");
  ch = replay(dir);
  if (ch == NULL) return ctest_finish("capi_endorse_test");
  user =
      ctest_load_signer("Org1MSP", ORG1 "users/User1@org1.example.com", "User1@org1.example.com");
  orderer = ctest_load_signer(
      "OrdererMSP", VECTORS "msp/ordererOrganizations/example.com/orderers/orderer0.example.com",
      "orderer0.example.com");
  peers[0].signer =
      ctest_load_signer("Org1MSP", ORG1 "peers/peer0.org1.example.com", "peer0.org1.example.com");
  peers[1].signer =
      ctest_load_signer("Org2MSP", ORG2 "peers/peer0.org2.example.com", "peer0.org2.example.com");
  if (user == NULL || orderer == NULL || peers[0].signer == NULL || peers[1].signer == NULL) {
    return ctest_finish("capi_endorse_test");
  }
  for (i = 0; i < 2; i++) {
    memset(&peers[i].calls, 0, sizeof peers[i].calls);
    CHECK(fabric_endorser_create(&peers[i].endorser, ch, peers[i].signer, NULL) == FABRIC_OK);
    CHECK(fabric_endorser_register_contract(peers[i].endorser, CHAINCODE, contract, &peers[i].calls,
                                            NULL) == FABRIC_OK);
    /* The endorser keeps the signer it needs. */
    fabric_signer_free(peers[i].signer);
    peers[i].signer = NULL;
  }
  memset(&heard, 0, sizeof heard);
  CHECK(fabric_channel_subscribe_events(&event_id, ch, on_event, &heard, NULL) == FABRIC_OK);

  replayed = ctest_channel_height(ch);
  CHECK(replayed > 20);
  test_keys_and_options(user, orderer);
  test_commit(ch, peers, user, orderer, &heard, &policy, txid);
  CHECK(peers[0].calls.n == 1 && peers[1].calls.n == 1 && peers[0].calls.queries == 0);

  /* Queries see the committed state. */
  check_query(&peers[0], user, "get", "capi_key", FABRIC_STATUS_OK, "capi_value");
  check_query(&peers[1], user, "get", "capi_nothing", 404, "");
  check_query_bytes(&peers[0], user, "policy", "capi_key", FABRIC_STATUS_OK, policy.data,
                    policy.size);
  check_query(&peers[0], user, "count", NULL, FABRIC_STATUS_OK, "1 1 1");
  check_query(&peers[0], user, "history", "capi_key", FABRIC_STATUS_OK, txid);
  check_query(&peers[1], user, "whoami", NULL, FABRIC_STATUS_OK, "Org1MSP");
  test_query_write(&peers[0], user);
  CHECK(peers[0].calls.queries == 5 && peers[1].calls.queries == 2);

  test_batch(ch, peers, user, orderer, txid);
  CHECK(heard.n == 3);
  check_query(&peers[1], user, "count", NULL, FABRIC_STATUS_OK, "2 2 2");
  check_query(&peers[1], user, "history", "capi_key", FABRIC_STATUS_OK, txid);
  test_refusals(peers, user);
  /* Two blocks of ours continue the chain; refused proposals left no trace. */
  CHECK(ctest_channel_height(ch) == replayed + 2);
  test_define(ch, peers, user, orderer);
  CHECK(ctest_channel_height(ch) == replayed + 5); /* two approvals, then the commit */
  printf("replayed %d blocks, committed 5 more, heard %d chaincode events\n", (int)replayed - 1,
         heard.n);

  CHECK(fabric_endorser_create(&extra, ch, NULL, NULL) == FABRIC_EINVAL && extra == NULL);
  CHECK(fabric_endorser_register_contract(peers[0].endorser, "_lifecycle", contract, NULL, NULL) ==
        FABRIC_EINVAL);
  CHECK(fabric_endorser_register_contract(peers[0].endorser, "", contract, NULL, NULL) ==
        FABRIC_EINVAL);
  CHECK(fabric_endorser_register_contract(peers[0].endorser, NULL, contract, NULL, NULL) ==
        FABRIC_EINVAL);
  CHECK(fabric_channel_unsubscribe(ch, event_id, NULL) == FABRIC_OK);
  fabric_buf_dispose(&policy);
  fabric_endorser_free(NULL);
  fabric_proposal_result_free(NULL);
  fabric_block_assembler_free(NULL);
  fabric_endorser_free(peers[0].endorser);
  /* Freed in any order: peers[1] still endorses on the ledger of the freed channel. */
  fabric_channel_free(ch);
  check_query(&peers[1], user, "get", "capi_key", FABRIC_STATUS_OK, "capi_value2");
  fabric_endorser_free(peers[1].endorser);
  fabric_signer_free(user);
  fabric_signer_free(orderer);
  return ctest_finish("capi_endorse_test");
}
