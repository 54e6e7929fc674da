/* The committing peer through the C ABI, from plain C: replays the conformance chain
 * through a fabric_channel (block verification, validation, MVCC, commit), compares the
 * stored blocks with Fabric's, and checks results, callbacks, waits, rejections,
 * reopening and the channel's ledger. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

#define CHANNEL "mychannel"
#define MAX_BLOCKS 64
/* The last block of the vectors holds malformed envelopes: Fabric's block
 * verification rejects it; the vectors record its codes from an unverified commit. */
#define REJECTED_BLOCK 20

static char root[512];

/* Submits the file at `path`; returns the code, and the result in *out if not NULL. */
static int submit_file(fabric_block_result **out, fabric_channel *ch, const char *path,
                       unsigned int flags, fabric_error **err) {
  size_t len = 0;
  uint8_t *bytes = ctest_read_file(path, &len);
  int rc;
  if (bytes == NULL) {
    ctest_failures++;
    return FABRIC_ERROR;
  }
  rc = fabric_channel_submit(out, ch, bytes, len, flags, err);
  free(bytes);
  return rc;
}

/* What the callbacks heard. */
typedef struct heard {
  size_t num_commits;
  uint64_t commits[MAX_BLOCKS];
  size_t num_events; /* over all blocks */
  size_t num_events_in_results;
  uint64_t last_event_block;
  uint32_t last_event_tx;
  int events_in_order;
} heard;

static void on_commit(const fabric_block_result *result, void *payload) {
  heard *h = payload;
  size_t i;
  CHECK(h->num_commits < MAX_BLOCKS);
  if (h->num_commits < MAX_BLOCKS)
    h->commits[h->num_commits++] = fabric_block_result_number(result);
  h->num_events_in_results += fabric_block_result_event_count(result);
  /* Events come from valid transactions only. */
  for (i = 0; i < fabric_block_result_event_count(result); i++) {
    const fabric_chaincode_event *e = fabric_block_result_event(result, i);
    const fabric_tx_result *tx = fabric_block_result_tx(result, e->tx_index);
    CHECK(e->block == fabric_block_result_number(result));
    CHECK(tx != NULL && tx->code == 0 && strcmp(tx->txid, e->txid) == 0);
  }
}

static void on_event(const fabric_chaincode_event *e, void *payload) {
  heard *h = payload;
  if (h->num_events > 0 && (e->block < h->last_event_block ||
                            (e->block == h->last_event_block && e->tx_index < h->last_event_tx))) {
    h->events_in_order = 0;
  }
  h->last_event_block = e->block;
  h->last_event_tx = e->tx_index;
  h->num_events++;
  CHECK(e->chaincode_id != NULL && e->event_name != NULL && e->txid != NULL);
  CHECK(e->data != NULL || e->data_len == 0);
}

/* A subscriber that unsubscribes itself from inside its first call. */
typedef struct once {
  fabric_channel *channel;
  int id;
  int calls;
} once;

static void once_on_commit(const fabric_block_result *result, void *payload) {
  once *o = payload;
  (void)result;
  o->calls++;
  CHECK(fabric_channel_unsubscribe(o->channel, o->id, NULL) == FABRIC_OK);
}

/* Checks a result against the delivered block and the codes Fabric committed. */
static void check_result(const fabric_block_result *r, uint64_t n, const char *delivered_path) {
  char path[256];
  size_t len = 0, committed_len = 0, filter_len = 0, i;
  uint8_t *bytes = ctest_read_file(delivered_path, &len);
  uint8_t *committed_bytes;
  fabric_block *delivered = NULL, *committed = NULL;
  const uint8_t *filter;
  uint8_t want[FABRIC_HASH_SIZE], got[FABRIC_HASH_SIZE];
  snprintf(path, sizeof path, VECTORS "committed/%06d.block", (int)n);
  committed_bytes = ctest_read_file(path, &committed_len);
  CHECK(bytes != NULL && committed_bytes != NULL);
  if (bytes == NULL || committed_bytes == NULL) goto out;
  CHECK(fabric_block_parse(&delivered, bytes, len, NULL) == FABRIC_OK);
  CHECK(fabric_block_parse(&committed, committed_bytes, committed_len, NULL) == FABRIC_OK);
  if (delivered == NULL || committed == NULL) goto out;

  CHECK(fabric_block_result_number(r) == n);
  fabric_block_header_hash(delivered, want);
  fabric_block_result_header_hash(r, got);
  CHECK(memcmp(want, got, FABRIC_HASH_SIZE) == 0);
  CHECK(fabric_block_result_config_updated(r) == fabric_block_is_config(delivered));
  filter = fabric_block_tx_filter(committed, &filter_len);
  CHECK(fabric_block_result_tx_count(r) == fabric_block_tx_count(delivered));
  CHECK(filter_len == fabric_block_result_tx_count(r));
  for (i = 0; i < fabric_block_result_tx_count(r) && i < filter_len; i++) {
    const fabric_tx_result *tx = fabric_block_result_tx(r, i);
    CHECK(strcmp(tx->txid, fabric_block_txid(delivered, i)) == 0);
    CHECK(tx->code == filter[i]);
    CHECK((tx->code == 0) == (tx->reason[0] == '\0'));
    if (tx->validator_code != 0) CHECK(tx->code == tx->validator_code);
  }
  CHECK(fabric_block_result_tx(r, fabric_block_result_tx_count(r)) == NULL);
  CHECK(fabric_block_result_event(r, fabric_block_result_event_count(r)) == NULL);
out:
  fabric_block_free(delivered);
  fabric_block_free(committed);
  free(bytes);
  free(committed_bytes);
}

/* Every stored block equals Fabric's committed block, byte for byte: the final
 * validation codes (TRANSACTIONS_FILTER) and the COMMIT_HASH chain included. */
static void check_stored_blocks(const fabric_channel *ch, uint64_t height) {
  fabric_ledger *l = NULL;
  CHECK(fabric_channel_ledger(&l, ch, NULL) == FABRIC_OK);
  if (l != NULL) ctest_check_stored_blocks(l, height);
  fabric_ledger_free(l);
}

/* Submits blocks/000001.block, ... until a file is missing; returns the last number.
 * A block verification rejects must change nothing; it is then replayed unverified. */
static uint64_t replay(fabric_channel *ch, heard *h, char *valid_txid, char *invalid_txid,
                       uint8_t *invalid_code) {
  uint64_t n;
  char path[256];
  uint64_t sequence = 0;
  fabric_channel_config *config = NULL;
  CHECK(fabric_channel_current_config(&config, ch, NULL) == FABRIC_OK);
  sequence = fabric_channel_config_sequence(config);
  fabric_channel_config_free(config);
  for (n = 1; n < MAX_BLOCKS; n++) {
    fabric_block_result *r = NULL;
    fabric_error *err = NULL;
    int rc;
    snprintf(path, sizeof path, VECTORS "blocks/%06d.block", (int)n);
    if (!ctest_file_exists(path)) break;
    rc = submit_file(&r, ch, path, 0, &err);
    CHECK((rc != FABRIC_OK) == (n == REJECTED_BLOCK));
    if (rc != FABRIC_OK) {
      /* Malformed transactions: a malformed block. */
      CHECK(rc == FABRIC_EMALFORMED);
      CHECK(err != NULL && err->code == rc && strstr(err->message, "malformed") != NULL);
      CHECK(r == NULL);
      fabric_error_free(err);
      err = NULL;
      CHECK(ctest_channel_height(ch) == n);
      CHECK(h->num_commits == n - 1);
      rc = submit_file(&r, ch, path, FABRIC_SUBMIT_SKIP_VERIFICATION, &err);
    }
    if (rc != FABRIC_OK) {
      ctest_report(path, err);
      ctest_failures++;
      break;
    }
    /* The commit callbacks for a block return before its submit does. */
    CHECK(h->num_commits == n);
    check_result(r, n, path);
    if (fabric_block_result_config_updated(r)) {
      CHECK(fabric_channel_current_config(&config, ch, NULL) == FABRIC_OK);
      CHECK(fabric_channel_config_sequence(config) > sequence);
      sequence = fabric_channel_config_sequence(config);
      fabric_channel_config_free(config);
    }
    if (n == 2) strcpy(valid_txid, fabric_block_result_tx(r, 0)->txid);
    if (*invalid_code == 0) {
      size_t i;
      for (i = 0; i < fabric_block_result_tx_count(r); i++) {
        const fabric_tx_result *tx = fabric_block_result_tx(r, i);
        if (tx->code != 0 && strlen(tx->txid) > 0 && strlen(tx->txid) < 128) {
          strcpy(invalid_txid, tx->txid);
          *invalid_code = tx->code;
          break;
        }
      }
    }
    fabric_block_result_free(r);
  }
  return n - 1;
}

/* The outcomes of fabric_channel_submit_async, in the order the callbacks came. */
typedef struct in_flight {
  uint64_t numbers[MAX_BLOCKS];
  int codes[MAX_BLOCKS];
  size_t n;
} in_flight;

static void on_submitted(int code, const fabric_block_result *r, const char *message,
                         void *payload) {
  in_flight *f = payload;
  CHECK((code == FABRIC_OK) == (r != NULL));
  CHECK(code == FABRIC_OK || (message != NULL && strlen(message) > 0));
  if (f->n < MAX_BLOCKS) {
    f->codes[f->n] = code;
    f->numbers[f->n] = r != NULL ? fabric_block_result_number(r) : UINT64_MAX;
    f->n++;
  }
}

/* Every block queued at once from this thread, then the refused one again unverified:
 * outcomes in order, and a chain that is Fabric's block for block. */
static void test_async(const uint8_t *genesis, size_t genesis_len) {
  char dir[600], path[256];
  fabric_channel *ch = NULL;
  in_flight f;
  uint64_t n, blocks = 0;
  memset(&f, 0, sizeof f);
  snprintf(dir, sizeof dir, "%s/async", root);
  CHECK(fabric_channel_create(&ch, dir, genesis, genesis_len, NULL, NULL) == FABRIC_OK);
  if (ch == NULL) return;
  for (n = 1; n < MAX_BLOCKS; n++) {
    size_t len = 0;
    uint8_t *block;
    snprintf(path, sizeof path, VECTORS "blocks/%06d.block", (int)n);
    if (!ctest_file_exists(path)) break;
    block = ctest_read_file(path, &len);
    CHECK(fabric_channel_submit_async(ch, block, len, NULL, 0, 0, on_submitted, &f, NULL) ==
          FABRIC_OK);
    free(block); /* copied */
    blocks = n;
  }
  CHECK(fabric_channel_drain(ch, NULL) == FABRIC_OK);
  CHECK(f.n == blocks);
  for (n = 0; n < f.n; n++) {
    CHECK((f.codes[n] == FABRIC_OK) == (n + 1 != REJECTED_BLOCK));
    if (f.codes[n] == FABRIC_OK) CHECK(f.numbers[n] == n + 1);
  }
  CHECK(f.codes[REJECTED_BLOCK - 1] == FABRIC_EMALFORMED);
  {
    size_t len = 0;
    uint8_t *block;
    snprintf(path, sizeof path, VECTORS "blocks/%06d.block", REJECTED_BLOCK);
    block = ctest_read_file(path, &len);
    CHECK(fabric_channel_submit_async(ch, block, len, NULL, 0, FABRIC_SUBMIT_SKIP_VERIFICATION,
                                      on_submitted, &f, NULL) == FABRIC_OK);
    CHECK(fabric_channel_submit_async(ch, block, len, NULL, 0, 0x80, on_submitted, &f, NULL) ==
          FABRIC_EINVAL);
    CHECK(fabric_channel_submit_async(ch, block, len, NULL, 0, 0, NULL, &f, NULL) ==
          FABRIC_EINVAL);
    free(block);
  }
  CHECK(fabric_channel_drain(ch, NULL) == FABRIC_OK);
  CHECK(f.n == blocks + 1 && f.codes[blocks] == FABRIC_OK && f.numbers[blocks] == REJECTED_BLOCK);
  CHECK(ctest_channel_height(ch) == blocks + 1);
  check_stored_blocks(ch, blocks + 1);
  CHECK(fabric_channel_drain(NULL, NULL) == FABRIC_EINVAL);
  fabric_channel_free(ch);
}

static void test_wait(fabric_channel *ch, const char *valid_txid, const char *invalid_txid,
                      uint8_t invalid_code) {
  uint8_t code = 99;
  fabric_error *err = NULL;
  CHECK(fabric_channel_wait_tx(&code, ch, valid_txid, 1000, NULL) == FABRIC_OK);
  CHECK(code == 0);
  /* A committed transaction's status is known at once, without waiting. */
  CHECK(invalid_code != 0);
  CHECK(fabric_channel_wait_tx(&code, ch, invalid_txid, 0, NULL) == FABRIC_OK);
  CHECK(code == invalid_code);
  code = 99;
  CHECK(fabric_channel_wait_tx(&code, ch, "no-such-txid", 50, &err) == FABRIC_ETIMEOUT);
  CHECK(err != NULL && err->code == FABRIC_ETIMEOUT && code == 99);
  fabric_error_free(err);
  CHECK(strcmp(fabric_error_code_name(FABRIC_ETIMEOUT), "FABRIC_ETIMEOUT") == 0);
  CHECK(fabric_channel_wait_tx(&code, ch, NULL, 0, NULL) == FABRIC_EINVAL);
  CHECK(fabric_channel_wait_tx(NULL, ch, valid_txid, 0, NULL) == FABRIC_EINVAL);
}

/* Blocks the channel refuses change nothing. */
static void test_rejections(fabric_channel *ch, uint64_t height) {
  static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0x01};
  fabric_block_result *r = (fabric_block_result *)&r; /* must be reset to NULL */
  fabric_error *err = NULL;
  char path[256];

  CHECK(fabric_channel_submit(&r, ch, garbage, sizeof garbage, 0, &err) == FABRIC_EMALFORMED);
  CHECK(r == NULL && err != NULL && err->code == FABRIC_EMALFORMED);
  fabric_error_free(err);
  CHECK(fabric_channel_submit(NULL, ch, garbage, sizeof garbage, FABRIC_SUBMIT_SKIP_VERIFICATION,
                              NULL) == FABRIC_EMALFORMED);
  /* An old block is not the next one. */
  snprintf(path, sizeof path, VECTORS "blocks/%06d.block", 5);
  CHECK(submit_file(NULL, ch, path, 0, NULL) == FABRIC_ECONFLICT);
  CHECK(submit_file(NULL, ch, path, FABRIC_SUBMIT_SKIP_VERIFICATION, NULL) == FABRIC_ECONFLICT);
  CHECK(submit_file(NULL, ch, path, 0x80, NULL) == FABRIC_EINVAL);
  CHECK(fabric_channel_submit(NULL, NULL, garbage, sizeof garbage, 0, NULL) == FABRIC_EINVAL);
  CHECK(fabric_channel_submit(NULL, ch, NULL, 3, 0, NULL) == FABRIC_EINVAL);
  CHECK(ctest_channel_height(ch) == height);
}

/* The channel's ledger answers queries but refuses commits. */
static void test_ledger(const fabric_channel *ch, const char *valid_txid, uint64_t height) {
  fabric_ledger *l = NULL;
  fabric_block *b = NULL;
  fabric_buf buf = FABRIC_BUF_INIT;
  fabric_tx_info info = FABRIC_TX_INFO_INIT;
  fabric_error *err = NULL;
  uint8_t codes[256];
  CHECK(fabric_channel_ledger(&l, ch, NULL) == FABRIC_OK);
  if (l == NULL) return;
  CHECK(strcmp(fabric_ledger_channel_id(l), CHANNEL) == 0);
  CHECK(fabric_ledger_tx(&info, l, valid_txid, NULL) == FABRIC_OK);
  CHECK(info.block == 2 && info.tx == 0 && info.validation_code == 0);
  CHECK(fabric_ledger_get_state(&buf, NULL, NULL, l, "",
                                (const uint8_t *)"CHANNEL_CONFIG_ENV_BYTES",
                                strlen("CHANNEL_CONFIG_ENV_BYTES"), NULL) == FABRIC_OK);
  fabric_buf_dispose(&buf);

  CHECK(fabric_ledger_block_by_number(&buf, l, height - 1, NULL) == FABRIC_OK);
  CHECK(fabric_block_parse(&b, buf.data, buf.size, NULL) == FABRIC_OK);
  fabric_buf_dispose(&buf);
  if (b != NULL && fabric_block_tx_count(b) <= sizeof codes) {
    memset(codes, 0, sizeof codes);
    CHECK(fabric_ledger_commit(l, b, codes, fabric_block_tx_count(b), &err) == FABRIC_EINVAL);
    CHECK(err != NULL && strstr(err->message, "fabric_channel_submit") != NULL);
    fabric_error_free(err);
  }
  fabric_block_free(b);
  fabric_ledger_free(l);
}

static void test_options(void) {
  fabric_channel_options opts = FABRIC_CHANNEL_OPTIONS_INIT, again;
  memset(&again, 0xff, sizeof again);
  CHECK(fabric_channel_options_init(&again, FABRIC_CHANNEL_OPTIONS_VERSION) == FABRIC_OK);
  CHECK(again.version == opts.version && again.threads == opts.threads &&
        again.max_pending == opts.max_pending);
  CHECK(opts.version == FABRIC_CHANNEL_OPTIONS_VERSION);
  CHECK(fabric_channel_options_init(&again, 99) == FABRIC_EINVAL);
  CHECK(fabric_channel_options_init(NULL, FABRIC_CHANNEL_OPTIONS_VERSION) == FABRIC_EINVAL);
}

/* A channel at height 2 refuses tampered blocks, with the code that says why. */
static void test_tampered(const uint8_t *genesis, size_t genesis_len) {
  char dir[600];
  fabric_channel *ch = NULL;
  fabric_error *err = NULL;
  snprintf(dir, sizeof dir, "%s/tampered", root);
  if (fabric_channel_create(&ch, dir, genesis, genesis_len, NULL, &err) != FABRIC_OK) {
    ctest_report("create (a stale TEST_TMPDIR?)", err);
    ctest_failures++;
    return;
  }
  CHECK(submit_file(NULL, ch, VECTORS "blocks/000001.block", 0, NULL) == FABRIC_OK);
  CHECK(ctest_channel_height(ch) == 2);
  CHECK(submit_file(NULL, ch, VECTORS "tampered/signature_corrupted.block", 0, &err) ==
        FABRIC_EDENIED);
  CHECK(err != NULL && err->code == FABRIC_EDENIED && strstr(err->message, "policy") != NULL);
  fabric_error_free(err);
  CHECK(submit_file(NULL, ch, VECTORS "tampered/signed_by_org1_peer.block", 0, NULL) ==
        FABRIC_EDENIED);
  CHECK(submit_file(NULL, ch, VECTORS "tampered/data_modified_after_signing.block", 0, NULL) ==
        FABRIC_EMALFORMED);
  CHECK(submit_file(NULL, ch, VECTORS "tampered/previous_hash_wrong_resigned_by_orderer.block", 0,
                    NULL) == FABRIC_ECONFLICT);
  CHECK(submit_file(NULL, ch, VECTORS "tampered/block_number_changed_resigned_by_orderer.block", 0,
                    NULL) == FABRIC_ECONFLICT);
  CHECK(ctest_channel_height(ch) == 2);
  /* The good block is still accepted at that height. */
  CHECK(submit_file(NULL, ch, VECTORS "blocks/000002.block", 0, NULL) == FABRIC_OK);
  CHECK(ctest_channel_height(ch) == 3);
  fabric_channel_free(ch);
}

int main(void) {
  char dir[600];
  fabric_channel *ch = NULL;
  fabric_channel_config *config = NULL;
  fabric_channel_options opts = FABRIC_CHANNEL_OPTIONS_INIT;
  fabric_ledger *kept = NULL;
  fabric_error *err = NULL;
  heard h;
  once o;
  int commit_id = 0, event_id = 0;
  uint64_t last, sequence, i;
  char valid_txid[128] = "", invalid_txid[128] = "";
  uint8_t invalid_code = 0;
  size_t genesis_len = 0;
  uint8_t *genesis = ctest_read_file(VECTORS "genesis.block", &genesis_len);

  ctest_temp_path(root, sizeof root, "capi_channel");
  snprintf(dir, sizeof dir, "%s/chain", root);
  CHECK(genesis != NULL);
  if (genesis == NULL) return ctest_finish("capi_channel_test");
  test_options();
  test_async(genesis, genesis_len);

  opts.threads = 2;
  if (fabric_channel_create(&ch, dir, genesis, genesis_len, &opts, &err) != FABRIC_OK) {
    ctest_report("create channel (a stale TEST_TMPDIR?)", err);
    return 1;
  }
  CHECK(strcmp(fabric_channel_id(ch), CHANNEL) == 0);
  CHECK(fabric_channel_current_config(&config, ch, NULL) == FABRIC_OK);
  CHECK(strcmp(fabric_channel_config_channel_id(config), CHANNEL) == 0);
  fabric_channel_config_free(config);
  CHECK(ctest_channel_height(ch) == 1);

  memset(&h, 0, sizeof h);
  h.events_in_order = 1;
  CHECK(fabric_channel_subscribe_commits(&commit_id, ch, on_commit, &h, NULL) == FABRIC_OK);
  CHECK(fabric_channel_subscribe_events(&event_id, ch, on_event, &h, NULL) == FABRIC_OK);
  CHECK(commit_id > 0 && event_id > 0 && commit_id != event_id);
  o.channel = ch;
  o.calls = 0;
  CHECK(fabric_channel_subscribe_commits(&o.id, ch, once_on_commit, &o, NULL) == FABRIC_OK);
  CHECK(fabric_channel_subscribe_commits(&o.id, ch, NULL, &o, NULL) == FABRIC_EINVAL);

  last = replay(ch, &h, valid_txid, invalid_txid, &invalid_code);
  CHECK(last >= REJECTED_BLOCK);
  CHECK(ctest_channel_height(ch) == last + 1);
  check_stored_blocks(ch, last + 1);

  /* Each committed block was heard once, in order; the rejected submission not at all. */
  CHECK(h.num_commits == last);
  for (i = 0; i < h.num_commits; i++) CHECK(h.commits[i] == i + 1);
  CHECK(h.num_events == h.num_events_in_results && h.events_in_order);
  printf("%d blocks, %d chaincode events\n", (int)last, (int)h.num_events);
  CHECK(o.calls == 1);
  CHECK(fabric_channel_unsubscribe(ch, o.id, NULL) == FABRIC_ENOTFOUND);

  test_wait(ch, valid_txid, invalid_txid, invalid_code);
  test_rejections(ch, last + 1);
  test_ledger(ch, valid_txid, last + 1);
  CHECK(h.num_commits == last);

  CHECK(fabric_channel_unsubscribe(ch, commit_id, NULL) == FABRIC_OK);
  CHECK(fabric_channel_unsubscribe(ch, event_id, NULL) == FABRIC_OK);
  CHECK(fabric_channel_unsubscribe(ch, commit_id, &err) == FABRIC_ENOTFOUND);
  CHECK(err != NULL && err->code == FABRIC_ENOTFOUND);
  fabric_error_free(err);
  CHECK(fabric_channel_current_config(&config, ch, NULL) == FABRIC_OK);
  sequence = fabric_channel_config_sequence(config);
  fabric_channel_config_free(config);

  /* The ledger handle outlives its channel; the directory is free once both are gone. */
  CHECK(fabric_channel_ledger(&kept, ch, NULL) == FABRIC_OK);
  fabric_channel_free(ch);
  fabric_channel_free(NULL);
  {
    fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
    CHECK(fabric_ledger_chain_info(&info, kept, NULL) == FABRIC_OK && info.height == last + 1);
  }
  fabric_ledger_free(kept);

  /* Reopened from its directory: the same height, blocks and config. */
  ch = NULL;
  CHECK(fabric_channel_create(&ch, dir, genesis, genesis_len, NULL, NULL) == FABRIC_ECONFLICT);
  CHECK(ch == NULL);
  if (fabric_channel_open(&ch, dir, NULL, &err) != FABRIC_OK) {
    ctest_report("reopen", err);
    ctest_failures++;
  } else {
    CHECK(ctest_channel_height(ch) == last + 1);
    check_stored_blocks(ch, last + 1);
    CHECK(fabric_channel_current_config(&config, ch, NULL) == FABRIC_OK);
    CHECK(fabric_channel_config_sequence(config) == sequence);
    fabric_channel_config_free(config);
    test_wait(ch, valid_txid, invalid_txid, invalid_code);
    fabric_channel_free(ch);
  }

  /* Argument errors. */
  snprintf(dir, sizeof dir, "%s/nothing_here", root);
  CHECK(fabric_channel_open(&ch, dir, NULL, NULL) == FABRIC_ENOTFOUND);
  opts.version = 99;
  CHECK(fabric_channel_open(&ch, dir, &opts, NULL) == FABRIC_EINVAL);
  CHECK(fabric_channel_open(NULL, dir, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_channel_create(&ch, NULL, genesis, genesis_len, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_channel_create(&ch, dir, genesis, 10, NULL, NULL) == FABRIC_EMALFORMED);
  fabric_block_result_free(NULL);

  test_tampered(genesis, genesis_len);
  free(genesis);
  return ctest_finish("capi_channel_test");
}
