/* The ledger through the C ABI, from plain C: builds the conformance chain, then
 * compares stored blocks with Fabric's and queries blocks, transactions, state and
 * history. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

#define CHANNEL "mychannel"
#define MAX_KEYS 64

static char root[512];

static fabric_block *parse_file(const char *path) {
  size_t len = 0;
  uint8_t *bytes = ctest_read_file(path, &len);
  fabric_block *b = NULL;
  fabric_error *err = NULL;
  if (bytes == NULL) {
    ctest_failures++;
    return NULL;
  }
  if (fabric_block_parse(&b, bytes, len, &err) != FABRIC_OK) {
    ctest_report(path, err);
    ctest_failures++;
  }
  free(bytes);
  return b;
}

/* Commits blocks/N with the codes of committed/N for N = 1.. until the files run out;
 * returns the number of blocks committed. */
static uint64_t commit_all(fabric_ledger *l) {
  uint64_t n;
  char path[256];
  for (n = 1;; n++) {
    fabric_block *delivered, *committed;
    const uint8_t *codes;
    size_t num_codes = 0;
    fabric_error *err = NULL;
    snprintf(path, sizeof path, VECTORS "committed/%06d.block", (int)n);
    if (!ctest_file_exists(path)) break;
    committed = parse_file(path);
    snprintf(path, sizeof path, VECTORS "blocks/%06d.block", (int)n);
    delivered = parse_file(path);
    if (committed == NULL || delivered == NULL) return n - 1;
    codes = fabric_block_tx_filter(committed, &num_codes);
    CHECK(codes != NULL && num_codes == fabric_block_tx_count(delivered));
    if (fabric_ledger_commit(l, delivered, codes, num_codes, &err) != FABRIC_OK) {
      ctest_report(path, err);
      ctest_failures++;
    } else {
      /* The block as stored carries Fabric's commit hash; the orderer's had none. */
      uint8_t want[FABRIC_HASH_SIZE], got[FABRIC_HASH_SIZE];
      fabric_buf stored = FABRIC_BUF_INIT;
      fabric_block *b = NULL;
      CHECK(fabric_block_commit_hash(want, committed) == 1);
      CHECK(fabric_block_commit_hash(got, delivered) == 0);
      CHECK(fabric_ledger_block_by_number(&stored, l, n, NULL) == FABRIC_OK);
      CHECK(fabric_block_parse(&b, stored.data, stored.size, NULL) == FABRIC_OK);
      CHECK(fabric_block_commit_hash(got, b) == 1 && memcmp(got, want, sizeof got) == 0);
      CHECK(fabric_block_commit_hash(got, NULL) == 0 && fabric_block_commit_hash(NULL, b) == 0);
      fabric_block_free(b);
      fabric_buf_dispose(&stored);
    }
    fabric_block_free(committed);
    fabric_block_free(delivered);
  }
  return n - 1;
}

static void test_info_and_blocks(const fabric_ledger *l, uint64_t height) {
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  fabric_buf buf = FABRIC_BUF_INIT;
  fabric_block *last;
  uint8_t hash[FABRIC_HASH_SIZE];
  size_t len = 0;
  const uint8_t *prev;
  fabric_error *err = NULL;

  CHECK(fabric_ledger_chain_info(&info, l, NULL) == FABRIC_OK);
  CHECK(info.height == height);
  CHECK(info.previous_hash_len == FABRIC_HASH_SIZE);
  CHECK(fabric_ledger_chain_info(NULL, l, NULL) == FABRIC_EINVAL);
  CHECK(info.version == FABRIC_CHAIN_INFO_VERSION);
  {
    /* A struct the caller did not initialize, or of a layout from the future: refused,
     * untouched, with a detail naming the struct. */
    fabric_chain_info unset, future = FABRIC_CHAIN_INFO_INIT;
    memset(&unset, 0, sizeof unset);
    future.version = FABRIC_CHAIN_INFO_VERSION + 1;
    CHECK(fabric_ledger_chain_info(&unset, l, &err) == FABRIC_EINVAL);
    CHECK(err != NULL && strstr(err->message, "fabric_chain_info") != NULL);
    fabric_error_free(err);
    err = NULL;
    CHECK(fabric_ledger_chain_info(&future, l, NULL) == FABRIC_EINVAL && future.height == 0);
  }
  CHECK(strcmp(fabric_ledger_channel_id(l), CHANNEL) == 0);

  CHECK(fabric_ledger_block_by_number(&buf, l, height - 1, NULL) == FABRIC_OK);
  CHECK(fabric_block_parse(&last, buf.data, buf.size, NULL) == FABRIC_OK);
  fabric_buf_dispose(&buf);
  fabric_block_header_hash(last, hash);
  CHECK(memcmp(info.current_hash, hash, FABRIC_HASH_SIZE) == 0);
  prev = fabric_block_previous_hash(last, &len);
  CHECK(len == FABRIC_HASH_SIZE && memcmp(info.previous_hash, prev, len) == 0);
  /* A stored block carries its filter, one code per transaction. */
  fabric_block_tx_filter(last, &len);
  CHECK(len == fabric_block_tx_count(last));

  CHECK(fabric_ledger_block_by_hash(&buf, l, hash, sizeof hash, NULL) == FABRIC_OK);
  CHECK(buf.size > 0);
  fabric_buf_dispose(&buf);
  hash[0] ^= 1;
  CHECK(fabric_ledger_block_by_hash(&buf, l, hash, sizeof hash, NULL) == FABRIC_ENOTFOUND);
  CHECK(buf.data == NULL);

  CHECK(fabric_ledger_block_by_number(&buf, l, height, &err) == FABRIC_ENOTFOUND);
  CHECK(err != NULL && err->code == FABRIC_ENOTFOUND);
  fabric_error_free(err);
  CHECK(fabric_ledger_block_by_number(NULL, l, 0, NULL) == FABRIC_EINVAL);
  fabric_block_free(last);
}

static void test_tx(const fabric_ledger *l) {
  fabric_buf buf = FABRIC_BUF_INIT;
  fabric_block *b = parse_file(VECTORS "blocks/000002.block");
  fabric_block *found = NULL;
  fabric_tx_info info = FABRIC_TX_INFO_INIT;
  const char *txid;
  if (b == NULL) return;
  txid = fabric_block_txid(b, 0);
  CHECK(fabric_ledger_tx(&info, l, txid, NULL) == FABRIC_OK);
  CHECK(info.block == 2 && info.tx == 0 && info.num_occurrences >= 1);
  CHECK(fabric_ledger_block_by_txid(&buf, l, txid, NULL) == FABRIC_OK);
  CHECK(fabric_block_parse(&found, buf.data, buf.size, NULL) == FABRIC_OK);
  CHECK(fabric_block_number(found) == 2);
  fabric_block_free(found);
  fabric_buf_dispose(&buf);
  CHECK(fabric_ledger_tx(&info, l, "no-such-txid", NULL) == FABRIC_ENOTFOUND);
  CHECK(fabric_ledger_block_by_txid(&buf, l, "no-such-txid", NULL) == FABRIC_ENOTFOUND);
  CHECK(fabric_ledger_tx(&info, l, NULL, NULL) == FABRIC_EINVAL);
  fabric_block_free(b);
}

/* The keys of a namespace, as fabric_state_iterator returns them. */
typedef struct key_list {
  size_t count;
  size_t len[MAX_KEYS];
  uint8_t *key[MAX_KEYS];
} key_list;

static void key_list_free(key_list *keys) {
  size_t i;
  for (i = 0; i < keys->count; i++) free(keys->key[i]);
  keys->count = 0;
}

/* Appends the entries of `it` to `keys` until FABRIC_ITEROVER; checks each value against
 * fabric_ledger_get_state. */
static void drain(key_list *keys, fabric_state_iterator *it, const fabric_ledger *l,
                  const char *ns) {
  for (;;) {
    const uint8_t *key = NULL, *value = NULL;
    size_t key_len = 0, value_len = 0;
    fabric_key_version version = FABRIC_KEY_VERSION_INIT, got_version = FABRIC_KEY_VERSION_INIT;
    fabric_buf got = FABRIC_BUF_INIT;
    fabric_error *err = NULL;
    int rc = fabric_state_iterator_next(&key, &key_len, &value, &value_len, &version, it, &err);
    if (rc == FABRIC_ITEROVER) {
      CHECK(err == NULL);
      return;
    }
    if (rc != FABRIC_OK) {
      ctest_report("state iterator", err);
      ctest_failures++;
      return;
    }
    CHECK(keys->count < MAX_KEYS);
    if (keys->count == MAX_KEYS) return;
    keys->key[keys->count] = malloc(key_len + 1);
    memcpy(keys->key[keys->count], key, key_len);
    keys->len[keys->count++] = key_len;
    CHECK(fabric_ledger_get_state(&got, &got_version, NULL, l, ns, key, key_len, NULL) ==
          FABRIC_OK);
    CHECK(got.size == value_len && memcmp(got.data, value, value_len) == 0);
    CHECK(got_version.block == version.block && got_version.tx == version.tx);
    CHECK(version.block > 0);
    fabric_buf_dispose(&got);
  }
}

static int key_less(const key_list *keys, size_t i, size_t j) {
  size_t n = keys->len[i] < keys->len[j] ? keys->len[i] : keys->len[j];
  int c = memcmp(keys->key[i], keys->key[j], n);
  return c < 0 || (c == 0 && keys->len[i] < keys->len[j]);
}

static void test_state(const fabric_ledger *l) {
  static const char ns[] = "cc_and";
  key_list all, paged;
  fabric_state_iterator *it = NULL;
  fabric_buf bookmark = FABRIC_BUF_INIT;
  size_t i, pages = 0;
  int has_nul = 0;
  all.count = paged.count = 0;

  /* The whole namespace, in byte order. */
  CHECK(fabric_state_iterator_new(&it, l, ns, NULL, 0, NULL, 0, 0, NULL) == FABRIC_OK);
  drain(&all, it, l, ns);
  CHECK(fabric_state_iterator_next(NULL, NULL, NULL, NULL, NULL, it, NULL) == FABRIC_ITEROVER);
  CHECK(fabric_state_iterator_bookmark(&bookmark, it, NULL) == FABRIC_OK);
  CHECK(bookmark.size == 0);
  fabric_buf_dispose(&bookmark);
  fabric_state_iterator_free(it);
  CHECK(all.count >= 5);
  for (i = 0; i < all.count; i++) {
    if (memchr(all.key[i], 0, all.len[i]) != NULL) has_nul = 1;
    if (i > 0) CHECK(key_less(&all, i - 1, i));
  }
  CHECK(has_nul); /* composite keys: NUL bytes inside */

  /* Pages of 2, each resumed from the previous bookmark, give the same sequence. */
  for (;;) {
    size_t before = paged.count;
    it = NULL;
    CHECK(fabric_state_iterator_new(&it, l, ns, bookmark.data, bookmark.size, NULL, 0, 2, NULL) ==
          FABRIC_OK);
    if (it == NULL) break;
    fabric_buf_dispose(&bookmark);
    drain(&paged, it, l, ns);
    CHECK(paged.count - before <= 2);
    CHECK(fabric_state_iterator_bookmark(&bookmark, it, NULL) == FABRIC_OK);
    fabric_state_iterator_free(it);
    pages++;
    if (bookmark.size == 0 || pages > MAX_KEYS) break;
  }
  fabric_buf_dispose(&bookmark);
  CHECK(pages == (all.count + 1) / 2);
  CHECK(paged.count == all.count);
  for (i = 0; i < all.count && i < paged.count; i++) {
    CHECK(paged.len[i] == all.len[i] && memcmp(paged.key[i], all.key[i], all.len[i]) == 0);
  }

  /* A bounded range: [second key, fourth key) holds two keys. */
  if (all.count >= 4) {
    key_list range;
    range.count = 0;
    CHECK(fabric_state_iterator_new(&it, l, ns, all.key[1], all.len[1], all.key[3], all.len[3], 0,
                                    NULL) == FABRIC_OK);
    drain(&range, it, l, ns);
    fabric_state_iterator_free(it);
    CHECK(range.count == 2);
    CHECK(range.count >= 1 && range.len[0] == all.len[1] &&
          memcmp(range.key[0], all.key[1], all.len[1]) == 0);
    key_list_free(&range);
  }

  {
    fabric_buf value = FABRIC_BUF_INIT, metadata = FABRIC_BUF_INIT;
    fabric_key_version version = {FABRIC_KEY_VERSION_VERSION, 99, 99};
    static const uint8_t missing[] = {'n', 'o', 0, 'p', 'e'};
    fabric_error *err = NULL;
    CHECK(fabric_ledger_get_state(&value, &version, &metadata, l, ns, all.key[0], all.len[0],
                                  NULL) == FABRIC_OK);
    CHECK(value.data != NULL && metadata.data != NULL);
    fabric_buf_dispose(&value);
    fabric_buf_dispose(&metadata);
    version.block = 99;
    CHECK(fabric_ledger_get_state(&value, &version, NULL, l, ns, missing, sizeof missing, &err) ==
          FABRIC_ENOTFOUND);
    CHECK(err != NULL && err->code == FABRIC_ENOTFOUND);
    CHECK(value.data == NULL && version.block == 99);
    fabric_error_free(err);
    CHECK(fabric_ledger_get_state(&value, NULL, NULL, l, "no_such_cc", missing, sizeof missing,
                                  NULL) == FABRIC_ENOTFOUND);
    CHECK(fabric_ledger_get_state(&value, NULL, NULL, l, NULL, missing, 1, NULL) == FABRIC_EINVAL);
    CHECK(fabric_ledger_get_state(&value, NULL, NULL, l, ns, NULL, 1, NULL) == FABRIC_EINVAL);
    /* The channel config lives under namespace "". */
    CHECK(fabric_ledger_get_state(&value, NULL, NULL, l, "",
                                  (const uint8_t *)"CHANNEL_CONFIG_ENV_BYTES",
                                  strlen("CHANNEL_CONFIG_ENV_BYTES"), NULL) == FABRIC_OK);
    CHECK(value.size > 0);
    fabric_buf_dispose(&value);
  }

  it = (fabric_state_iterator *)&it; /* must be reset to NULL */
  CHECK(fabric_state_iterator_new(&it, l, NULL, NULL, 0, NULL, 0, 0, NULL) == FABRIC_EINVAL);
  CHECK(it == NULL);
  CHECK(fabric_state_iterator_next(NULL, NULL, NULL, NULL, NULL, NULL, NULL) == FABRIC_EINVAL);
  /* An empty namespace is an empty range. */
  CHECK(fabric_state_iterator_new(&it, l, "no_such_cc", NULL, 0, NULL, 0, 0, NULL) == FABRIC_OK);
  CHECK(fabric_state_iterator_next(NULL, NULL, NULL, NULL, NULL, it, NULL) == FABRIC_ITEROVER);
  fabric_state_iterator_free(it);
  fabric_state_iterator_free(NULL);
  key_list_free(&all);
  key_list_free(&paged);
}

static void test_history(const fabric_ledger *l) {
  static const char key[] = "blind_writes_33b90_bw";
  static const char deleted[] = "valid_delete_33b90_del";
  fabric_history_iterator *it = NULL;
  fabric_key_modification m = FABRIC_KEY_MODIFICATION_INIT, older = FABRIC_KEY_MODIFICATION_INIT;
  fabric_tx_info info = FABRIC_TX_INFO_INIT;

  /* Written "first", then "second": newest first. */
  CHECK(fabric_history_iterator_new(&it, l, "cc_or", (const uint8_t *)key, strlen(key), NULL) ==
        FABRIC_OK);
  CHECK(fabric_history_iterator_next(&m, it, NULL) == FABRIC_OK);
  CHECK(m.value_len == 6 && memcmp(m.value, "second", 6) == 0 && m.is_delete == 0);
  CHECK(m.timestamp_seconds > 0);
  CHECK(fabric_ledger_tx(&info, l, m.txid, NULL) == FABRIC_OK);
  CHECK(info.block == m.key_version.block && info.tx == m.key_version.tx &&
        info.validation_code == 0);
  CHECK(fabric_history_iterator_next(&older, it, NULL) == FABRIC_OK);
  CHECK(older.value_len == 5 && memcmp(older.value, "first", 5) == 0);
  CHECK(
      older.key_version.block < m.key_version.block ||
      (older.key_version.block == m.key_version.block && older.key_version.tx < m.key_version.tx));
  CHECK(fabric_history_iterator_next(&m, it, NULL) == FABRIC_ITEROVER);
  fabric_history_iterator_free(it);

  /* The newest modification of a deleted key is a delete. */
  CHECK(fabric_history_iterator_new(&it, l, "cc_or", (const uint8_t *)deleted, strlen(deleted),
                                    NULL) == FABRIC_OK);
  CHECK(fabric_history_iterator_next(&m, it, NULL) == FABRIC_OK);
  CHECK(m.is_delete == 1 && m.value_len == 0);
  fabric_history_iterator_free(it);

  /* A key never written has an empty history. */
  CHECK(fabric_history_iterator_new(&it, l, "cc_or", (const uint8_t *)"nope", 4, NULL) ==
        FABRIC_OK);
  CHECK(fabric_history_iterator_next(&m, it, NULL) == FABRIC_ITEROVER);
  CHECK(fabric_history_iterator_next(NULL, it, NULL) == FABRIC_EINVAL);
  fabric_history_iterator_free(it);
  fabric_history_iterator_free(NULL);
  CHECK(fabric_history_iterator_new(&it, l, NULL, NULL, 0, NULL) == FABRIC_EINVAL);
}

/* Blocks that are not the next one are refused, and change nothing. */
static void test_commit_conflicts(fabric_ledger *l, uint64_t height) {
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  fabric_error *err = NULL;
  fabric_block *b = parse_file(VECTORS "blocks/000003.block");
  uint8_t codes[256];
  size_t n;
  if (b == NULL) return;
  n = fabric_block_tx_count(b);
  CHECK(n <= sizeof codes);
  memset(codes, 0, sizeof codes);
  CHECK(fabric_ledger_commit(l, b, codes, n, &err) == FABRIC_ECONFLICT);
  CHECK(err != NULL && err->code == FABRIC_ECONFLICT);
  fabric_error_free(err);
  CHECK(fabric_ledger_commit(l, b, codes, n + 1, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_commit(l, b, NULL, n, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_commit(NULL, b, codes, n, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_chain_info(&info, l, NULL) == FABRIC_OK);
  CHECK(info.height == height);
  fabric_block_free(b);
}

static void test_manager_errors(fabric_ledger_manager *m, const uint8_t *genesis,
                                size_t genesis_len) {
  fabric_ledger *l = (fabric_ledger *)&l; /* must be reset to NULL */
  fabric_error *err = NULL;
  static const uint8_t garbage[] = {0xff, 0xff};
  CHECK(fabric_ledger_manager_create_ledger(&l, m, genesis, genesis_len, &err) == FABRIC_ECONFLICT);
  CHECK(l == NULL && err != NULL && err->code == FABRIC_ECONFLICT);
  fabric_error_free(err);
  CHECK(fabric_ledger_manager_create_ledger(&l, m, garbage, sizeof garbage, NULL) ==
        FABRIC_EMALFORMED);
  CHECK(fabric_ledger_manager_open_ledger(&l, m, "otherchannel", NULL) == FABRIC_ENOTFOUND);
  CHECK(fabric_ledger_manager_open_ledger(&l, m, "../evil", NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_manager_open_ledger(&l, m, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_manager_open_ledger(&l, NULL, CHANNEL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_manager_open(NULL, root, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_manager_close_ledger(m, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_ledger_manager_close_ledger(m, "notopen", NULL) == FABRIC_OK);
}

static void check_list(const fabric_ledger_manager *m) {
  fabric_strarray ids = FABRIC_STRARRAY_INIT;
  CHECK(fabric_ledger_manager_list(&ids, m, NULL) == FABRIC_OK);
  CHECK(ids.count == 1 && strcmp(ids.strings[0], CHANNEL) == 0);
  fabric_strarray_dispose(&ids);
  CHECK(ids.strings == NULL && ids.count == 0);
  fabric_strarray_dispose(&ids);
  fabric_strarray_dispose(NULL);
}

int main(void) {
  fabric_ledger_manager *m = NULL;
  fabric_ledger *l = NULL, *again = NULL;
  fabric_error *err = NULL;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  uint64_t committed;
  size_t genesis_len = 0;
  uint8_t *genesis = ctest_read_file(VECTORS "genesis.block", &genesis_len);

  ctest_temp_path(root, sizeof root, "capi_ledger");
  CHECK(genesis != NULL);
  if (genesis == NULL) return ctest_finish("capi_ledger_test");
  if (fabric_ledger_manager_open(&m, root, &err) != FABRIC_OK) {
    ctest_report("open manager", err);
    return 1;
  }
  if (fabric_ledger_manager_create_ledger(&l, m, genesis, genesis_len, &err) != FABRIC_OK) {
    ctest_report("create ledger (a stale TEST_TMPDIR?)", err);
    return 1;
  }
  committed = commit_all(l);
  CHECK(committed >= 10);

  ctest_check_stored_blocks(l, committed + 1);
  test_info_and_blocks(l, committed + 1);
  test_tx(l);
  test_state(l);
  test_history(l);
  test_commit_conflicts(l, committed + 1);
  test_manager_errors(m, genesis, genesis_len);
  check_list(m);

  /* A second handle shares the open ledger. */
  CHECK(fabric_ledger_manager_open_ledger(&again, m, CHANNEL, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_chain_info(&info, again, NULL) == FABRIC_OK && info.height == committed + 1);
  fabric_ledger_free(again);

  /* Everything closed, a new manager reopens the ledger as it was. */
  CHECK(fabric_ledger_manager_close_ledger(m, CHANNEL, NULL) == FABRIC_OK);
  fabric_ledger_free(l);
  fabric_ledger_manager_free(m);
  fabric_ledger_manager_free(NULL);
  fabric_ledger_free(NULL);
  m = NULL;
  l = NULL;
  CHECK(fabric_ledger_manager_open(&m, root, NULL) == FABRIC_OK);
  check_list(m);
  CHECK(fabric_ledger_manager_open_ledger(&l, m, CHANNEL, &err) == FABRIC_OK);
  if (l == NULL) {
    ctest_report("reopen", err);
  } else {
    CHECK(fabric_ledger_chain_info(&info, l, NULL) == FABRIC_OK);
    CHECK(info.height == committed + 1);
    ctest_check_stored_blocks(l, committed + 1);
    test_state(l);
  }
  fabric_ledger_free(l);
  fabric_ledger_manager_free(m);
  free(genesis);
  return ctest_finish("capi_ledger_test");
}
