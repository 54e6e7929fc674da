#include "tests/ctest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/fabric.h"

int ctest_failures = 0;

uint8_t *ctest_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL;
  long n;
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
    *len = (size_t)n;
  }
  fclose(f);
  return buf;
}

fabric_signer *ctest_load_signer(const char *mspid, const char *dir, const char *name) {
  char cert_path[512], key_path[512];
  size_t cert_len = 0, key_len = 0;
  uint8_t *cert, *key;
  fabric_signer *s = NULL;
  fabric_error *err = NULL;
  snprintf(cert_path, sizeof cert_path, "%s/msp/signcerts/%s-cert.pem", dir, name);
  snprintf(key_path, sizeof key_path, "%s/msp/keystore/priv_sk", dir);
  cert = ctest_read_file(cert_path, &cert_len);
  key = ctest_read_file(key_path, &key_len);
  if (cert != NULL && key != NULL &&
      fabric_signer_load(&s, mspid, cert, cert_len, key, key_len, &err) != FABRIC_OK) {
    ctest_report(cert_path, err);
  }
  CHECK(s != NULL);
  free(cert);
  free(key);
  return s;
}

uint64_t ctest_channel_height(const fabric_channel *channel) {
  fabric_ledger *l = NULL;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  info.height = 0;
  CHECK(fabric_channel_ledger(&l, channel, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_chain_info(&info, l, NULL) == FABRIC_OK);
  fabric_ledger_free(l);
  return info.height;
}

int ctest_finish(const char *name) {
  if (ctest_failures != 0) {
    fprintf(stderr, "%s: %d check(s) failed\n", name, ctest_failures);
    return 1;
  }
  printf("%s: all checks passed\n", name);
  return 0;
}

void ctest_temp_path(char *out, size_t size, const char *name) {
  const char *tmp = getenv("TEST_TMPDIR");
  int n = snprintf(out, size, "%s/%s", tmp != NULL && *tmp != '\0' ? tmp : "/tmp", name);
  CHECK(n > 0 && (size_t)n < size);
}

int ctest_file_exists(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return 0;
  fclose(f);
  return 1;
}

void ctest_report(const char *what, struct fabric_error *err) {
  fprintf(stderr, "%s: %s\n", what, err != NULL ? err->message : "(no detail)");
  fabric_error_free(err);
}

void ctest_check_stored_blocks(const struct fabric_ledger *ledger, uint64_t height) {
  uint64_t n;
  char path[256];
  for (n = 0; n < height; n++) {
    fabric_buf buf = FABRIC_BUF_INIT;
    size_t len = 0;
    uint8_t *want;
    snprintf(path, sizeof path, VECTORS "committed/%06d.block", (int)n);
    want = ctest_read_file(path, &len);
    CHECK(want != NULL);
    CHECK(fabric_ledger_block_by_number(&buf, ledger, n, NULL) == FABRIC_OK);
    CHECK(want != NULL && buf.size == len && memcmp(buf.data, want, len) == 0);
    if (want == NULL || buf.size != len || memcmp(buf.data, want, len) != 0) {
      fprintf(stderr, "stored block %d differs from Fabric's\n", (int)n);
    }
    free(want);
    fabric_buf_dispose(&buf);
  }
}
