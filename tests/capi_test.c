/* The C ABI from plain C, linked against libfabricpeer.so as a host would link it,
 * over the Fabric-made conformance vectors. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

static fabric_block *parse_file(const char *path) {
  size_t len = 0;
  uint8_t *bytes = ctest_read_file(path, &len);
  fabric_block *b = NULL;
  fabric_error *err = NULL;
  if (bytes == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    ctest_failures++;
    return NULL;
  }
  if (fabric_block_parse(&b, bytes, len, &err) != FABRIC_OK) {
    fprintf(stderr, "%s: %s\n", path, err->message);
    fabric_error_free(err);
    ctest_failures++;
  }
  free(bytes);
  return b;
}

static void test_versions_and_codes(void) {
  CHECK(strcmp(fabric_libversion(), FABRIC_VERSION) == 0);
  CHECK(fabric_libversion_number() == FABRIC_VERSION_NUMBER);
  CHECK(FABRIC_VERSION_NUMBER ==
        FABRIC_VERSION_MAJOR * 1000000 + FABRIC_VERSION_MINOR * 1000 + FABRIC_VERSION_PATCH);
  CHECK(strlen(fabric_fabric_version()) > 0);
  CHECK(strcmp(fabric_error_code_name(FABRIC_EMALFORMED), "FABRIC_EMALFORMED") == 0);
  CHECK(strcmp(fabric_error_code_name(12345), "FABRIC_UNKNOWN") == 0);
  fabric_error_free(NULL);
  fabric_block_free(NULL);
  fabric_buf_dispose(NULL);
}

static void test_bad_input(void) {
  static const uint8_t garbage[] = {0xff, 0xff, 0xff};
  fabric_block *b = (fabric_block *)&b; /* must be reset to NULL */
  fabric_error *err = NULL;
  CHECK(fabric_block_parse(&b, garbage, sizeof garbage, &err) == FABRIC_EMALFORMED);
  CHECK(b == NULL);
  CHECK(err != NULL && err->code == FABRIC_EMALFORMED && strlen(err->message) > 0);
  fabric_error_free(err);
  /* Details are optional. */
  CHECK(fabric_block_parse(&b, garbage, sizeof garbage, NULL) == FABRIC_EMALFORMED);
  err = NULL;
  CHECK(fabric_block_parse(NULL, garbage, sizeof garbage, &err) == FABRIC_EINVAL);
  CHECK(err != NULL && err->code == FABRIC_EINVAL);
  fabric_error_free(err);
  CHECK(fabric_block_parse(&b, NULL, 5, NULL) == FABRIC_EINVAL);
  {
    size_t len = 0;
    uint8_t *bytes = ctest_read_file(VECTORS "tampered/header_nil.block", &len);
    CHECK(bytes != NULL);
    if (bytes != NULL) {
      err = NULL;
      CHECK(fabric_block_parse(&b, bytes, len, &err) == FABRIC_EMALFORMED);
      CHECK(err != NULL && strstr(err->message, "header") != NULL);
      fabric_error_free(err);
      free(bytes);
    }
  }
}

/* The chain: each block's previous hash is the header hash of the one before, each
 * data hash matches the data, each transaction parses or says why not. */
static void test_chain(void) {
  uint8_t prev[FABRIC_HASH_SIZE];
  uint8_t computed[FABRIC_HASH_SIZE];
  fabric_block *b = parse_file(VECTORS "genesis.block");
  char path[256];
  int n;
  if (b == NULL) return;
  CHECK(fabric_block_number(b) == 0);
  CHECK(fabric_block_is_config(b) == 1);
  CHECK(fabric_block_tx_count(b) == 1);
  CHECK(fabric_block_txid(b, 1) == NULL);
  fabric_block_header_hash(b, prev);
  fabric_block_free(b);
  for (n = 1;; n++) {
    size_t len = 0, i;
    const uint8_t *h;
    FILE *probe;
    snprintf(path, sizeof path, VECTORS "blocks/%06d.block", n);
    probe = fopen(path, "rb");
    if (probe == NULL) break;
    fclose(probe);
    b = parse_file(path);
    if (b == NULL) return;
    CHECK(fabric_block_number(b) == (uint64_t)n);
    h = fabric_block_previous_hash(b, &len);
    CHECK(len == FABRIC_HASH_SIZE && memcmp(h, prev, FABRIC_HASH_SIZE) == 0);
    h = fabric_block_data_hash(b, &len);
    fabric_block_computed_data_hash(b, computed);
    CHECK(len == FABRIC_HASH_SIZE && memcmp(h, computed, FABRIC_HASH_SIZE) == 0);
    CHECK(fabric_block_tx_count(b) > 0);
    for (i = 0; i < fabric_block_tx_count(b); i++) {
      fabric_error *err = NULL;
      int rc = fabric_block_tx_check(b, i, &err);
      CHECK(fabric_block_txid(b, i) != NULL);
      CHECK(rc == FABRIC_OK || rc == FABRIC_EMALFORMED);
      CHECK((rc == FABRIC_OK) == (err == NULL));
      fabric_error_free(err);
    }
    CHECK(fabric_block_tx_check(b, fabric_block_tx_count(b), NULL) == FABRIC_EINVAL);
    fabric_block_header_hash(b, prev);
    fabric_block_free(b);
  }
  CHECK(n > 10);
}

static void test_json(void) {
  fabric_buf buf = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  fabric_block *b = parse_file(VECTORS "blocks/000002.block");
  if (b == NULL) return;
  CHECK(fabric_block_to_json(&buf, b, &err) == FABRIC_OK);
  CHECK(err == NULL);
  CHECK(buf.size > 0 && buf.data[0] == '{' && buf.data[buf.size] == '\0');
  CHECK(strstr((const char *)buf.data, fabric_block_txid(b, 0)) != NULL);
  fabric_buf_dispose(&buf);
  CHECK(buf.data == NULL && buf.size == 0);
  fabric_buf_dispose(&buf); /* disposing twice is harmless */
  CHECK(fabric_block_to_json(NULL, b, NULL) == FABRIC_EINVAL);
  fabric_block_free(b);
}

static void test_inspect_and_last_config(void) {
  size_t len = 0;
  uint8_t *bytes = ctest_read_file(VECTORS "genesis.block", &len);
  fabric_buf buf = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  fabric_block *b = NULL;
  uint64_t last_config = 99;
  static const uint8_t garbage[] = {0x0f, 0x0f};
  CHECK(bytes != NULL);
  if (bytes == NULL) return;
  CHECK(fabric_inspect_json(&buf, bytes, len, NULL, NULL) == FABRIC_OK);
  CHECK(strstr((const char *)buf.data, "\"channel_group\"") != NULL);
  fabric_buf_dispose(&buf);
  CHECK(fabric_inspect_json(&buf, bytes, len, "common.Block", NULL) == FABRIC_OK);
  fabric_buf_dispose(&buf);
  CHECK(fabric_inspect_json(&buf, bytes, len, "no.SuchType", &err) == FABRIC_EMALFORMED);
  CHECK(err != NULL && strstr(err->message, "no.SuchType") != NULL);
  fabric_error_free(err);
  CHECK(fabric_inspect_json(&buf, garbage, sizeof garbage, NULL, NULL) == FABRIC_EMALFORMED);
  CHECK(buf.data == NULL);
  CHECK(fabric_block_parse(&b, bytes, len, NULL) == FABRIC_OK);
  CHECK(fabric_block_last_config(&last_config, b, NULL) == FABRIC_OK);
  CHECK(last_config == 0); /* a genesis block is its own last config */
  CHECK(fabric_block_last_config(NULL, b, NULL) == FABRIC_EINVAL);
  fabric_block_free(b);
  free(bytes);
}

int main(void) {
  test_versions_and_codes();
  test_bad_input();
  test_chain();
  test_json();
  test_inspect_and_last_config();
  return ctest_finish("capi_test");
}
