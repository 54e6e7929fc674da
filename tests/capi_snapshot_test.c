/* Snapshots and a Fabric peer's block files through the C ABI, from plain C. A channel
 * joins from Fabric's snapshot of the conformance chain at height 10, takes the blocks
 * after it up to the one Fabric's joined peer refused, and exports a snapshot that is
 * Fabric's snapshot at that height byte for byte; a snapshot with one byte changed is
 * refused. Then the block files a Fabric peer wrote are read back, each block equal to
 * the one the vectors say the peer stored. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/ctest.h"

#define SNAPSHOTS "tests/vectors/snapshots/"
#define FABRIC_PEER "tests/vectors/fabric_peer/"

static const char *const kFiles[] = {
    "_snapshot_signable_metadata.json", "_snapshot_additional_metadata.json", "txids.data",
    "txids.metadata", "public_state.data", "public_state.metadata"};

/* The file `name` of directories a and b holds the same bytes. */
static void check_same_file(const char *a, const char *b, const char *name) {
  char pa[512], pb[512];
  size_t la = 0, lb = 0;
  uint8_t *ba, *bb;
  snprintf(pa, sizeof pa, "%s/%s", a, name);
  snprintf(pb, sizeof pb, "%s/%s", b, name);
  ba = ctest_read_file(pa, &la);
  bb = ctest_read_file(pb, &lb);
  CHECK(ba != NULL && bb != NULL && la == lb && memcmp(ba, bb, la) == 0);
  if (ba == NULL || bb == NULL || la != lb || memcmp(ba, bb, la) != 0) {
    fprintf(stderr, "  %s differs from Fabric's\n", name);
  }
  free(ba);
  free(bb);
}

/* Copies the snapshot `from` to `to` with one byte of file `name` changed. */
static void tampered_copy(const char *from, const char *to, const char *name) {
  size_t i;
  mkdir(to, 0755);
  for (i = 0; i < sizeof kFiles / sizeof kFiles[0]; i++) {
    char src[512], dst[512];
    size_t len = 0;
    uint8_t *bytes;
    FILE *f;
    snprintf(src, sizeof src, "%s/%s", from, kFiles[i]);
    snprintf(dst, sizeof dst, "%s/%s", to, kFiles[i]);
    bytes = ctest_read_file(src, &len);
    if (bytes == NULL) continue;
    if (strcmp(kFiles[i], name) == 0 && len > 0) bytes[len / 2] ^= 0x01;
    f = fopen(dst, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
      fwrite(bytes, 1, len, f);
      fclose(f);
    }
    free(bytes);
  }
}

static void join_commit_export(void) {
  fabric_channel *ch = NULL;
  fabric_ledger *ledger = NULL;
  fabric_error *err = NULL;
  fabric_snapshot_info joined = FABRIC_SNAPSHOT_INFO_INIT;
  fabric_snapshot_info written = FABRIC_SNAPSHOT_INFO_INIT;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  fabric_buf old = FABRIC_BUF_INIT;
  char dir[256], out[256];
  uint64_t n;
  size_t i;
  int rc;

  rc = fabric_snapshot_verify(&joined, SNAPSHOTS "conformance_h10/snapshot", &err);
  CHECK(rc == FABRIC_OK);
  if (rc != FABRIC_OK) ctest_report("verify", err), err = NULL;
  CHECK(joined.num_files == 4);
  CHECK(joined.commit_hash_len == FABRIC_HASH_SIZE);

  ctest_temp_path(dir, sizeof dir, "capi_snapshot_joined");
  rc = fabric_channel_join_snapshot(&ch, dir, SNAPSHOTS "conformance_h10/snapshot", NULL, &err);
  CHECK(rc == FABRIC_OK);
  if (rc != FABRIC_OK) {
    ctest_report("join", err);
    return;
  }
  /* It starts at the block after the snapshot's last, whose hash it has. */
  CHECK(strcmp(fabric_channel_id(ch), joined.channel_id) == 0);
  CHECK(fabric_channel_ledger(&ledger, ch, NULL) == FABRIC_OK);
  CHECK(fabric_ledger_chain_info(&info, ledger, NULL) == FABRIC_OK);
  CHECK(info.height == joined.last_block_number + 1);
  CHECK(memcmp(info.current_hash, joined.last_block_hash, FABRIC_HASH_SIZE) == 0);
  {
    fabric_snapshot_info origin = FABRIC_SNAPSHOT_INFO_INIT;
    CHECK(fabric_ledger_snapshot_origin(&origin, ledger, NULL) == FABRIC_OK);
    CHECK(memcmp(&origin, &joined, sizeof origin) == 0);
  }
  /* Blocks before it are not in the ledger. */
  CHECK(fabric_ledger_block_by_number(&old, ledger, 3, NULL) == FABRIC_ENOTFOUND);

  /* The blocks after it, up to the one verification refuses (as Fabric's did). */
  for (n = info.height;; n++) {
    char path[256];
    size_t len = 0;
    uint8_t *block;
    snprintf(path, sizeof path, VECTORS "blocks/%06llu.block", (unsigned long long)n);
    if (!ctest_file_exists(path)) break;
    block = ctest_read_file(path, &len);
    rc = fabric_channel_submit(NULL, ch, block, len, 0, NULL);
    free(block);
    if (rc != FABRIC_OK) break;
  }
  CHECK(ctest_channel_height(ch) == 20);

  /* Exported now, it is Fabric's snapshot at height 20, file for file. */
  ctest_temp_path(out, sizeof out, "capi_snapshot_export");
  rc = fabric_channel_snapshot(&written, ch, FABRIC_SNAPSHOT_LAST_BLOCK, out, &err);
  CHECK(rc == FABRIC_OK);
  if (rc != FABRIC_OK) ctest_report("snapshot", err), err = NULL;
  CHECK(written.last_block_number == 19);
  for (i = 0; i < sizeof kFiles / sizeof kFiles[0]; i++) {
    check_same_file(out, SNAPSHOTS "conformance_h20/snapshot", kFiles[i]);
  }
  /* An existing directory, or a block committed but not the last, is refused. */
  CHECK(fabric_channel_snapshot(NULL, ch, FABRIC_SNAPSHOT_LAST_BLOCK, out, NULL) ==
        FABRIC_ECONFLICT);
  CHECK(fabric_channel_snapshot(NULL, ch, 12, "unused", NULL) == FABRIC_ECONFLICT);
  CHECK(fabric_channel_snapshot(NULL, NULL, 12, out, NULL) == FABRIC_EINVAL);
  fabric_ledger_free(ledger);
  fabric_channel_free(ch);

  /* A snapshot with one byte changed, in any file, is refused. */
  for (i = 0; i < sizeof kFiles / sizeof kFiles[0]; i++) {
    char copy[256], name[64];
    fabric_channel *bad = NULL;
    snprintf(name, sizeof name, "capi_snapshot_tampered_%zu", i);
    ctest_temp_path(copy, sizeof copy, name);
    tampered_copy(SNAPSHOTS "conformance_h10/snapshot", copy, kFiles[i]);
    strcat(name, "_ledger");
    ctest_temp_path(dir, sizeof dir, name);
    rc = fabric_channel_join_snapshot(&bad, dir, copy, NULL, &err);
    CHECK(rc == FABRIC_EMALFORMED && bad == NULL);
    CHECK(err != NULL && strstr(err->message, kFiles[i]) != NULL);
    if (err != NULL && strstr(err->message, kFiles[i]) == NULL) ctest_report("tampered", err);
    else fabric_error_free(err);
    err = NULL;
    CHECK(fabric_snapshot_verify(NULL, copy, NULL) == FABRIC_EMALFORMED);
  }
  CHECK(fabric_snapshot_verify(NULL, NULL, NULL) == FABRIC_EINVAL);
  CHECK(fabric_snapshot_verify(NULL, SNAPSHOTS "nothing here", NULL) == FABRIC_ENOTFOUND);
}

static void read_block_files(const char *chain) {
  fabric_blockfile_reader *r = NULL;
  fabric_error *err = NULL;
  char path[256];
  uint64_t n = 0;
  int rc;
  snprintf(path, sizeof path, FABRIC_PEER "%s", chain);
  rc = fabric_blockfile_reader_open(&r, path, NULL, &err);
  CHECK(rc == FABRIC_OK);
  if (rc != FABRIC_OK) {
    ctest_report("open", err);
    return;
  }
  for (;; n++) {
    fabric_buf block = FABRIC_BUF_INIT;
    char stored[256];
    size_t len = 0;
    uint8_t *want;
    rc = fabric_blockfile_reader_next(&block, r, NULL);
    if (rc == FABRIC_ITEROVER) break;
    CHECK(rc == FABRIC_OK);
    if (rc != FABRIC_OK) break;
    snprintf(stored, sizeof stored, "tests/vectors/%s/committed/%06llu.block", chain,
             (unsigned long long)n);
    want = ctest_read_file(stored, &len);
    CHECK(want != NULL && len == block.size && memcmp(want, block.data, len) == 0);
    free(want);
    fabric_buf_dispose(&block);
  }
  /* Every stored block was read: there is no committed/ file after the last. */
  snprintf(path, sizeof path, "tests/vectors/%s/committed/%06llu.block", chain,
           (unsigned long long)n);
  CHECK(n > 0 && !ctest_file_exists(path));
  fabric_blockfile_reader_free(r);
  CHECK(fabric_blockfile_reader_open(&r, "tests/vectors/conformance", NULL, NULL) ==
        FABRIC_ENOTFOUND);
  CHECK(fabric_blockfile_reader_open(NULL, path, NULL, NULL) == FABRIC_EINVAL);
}

int main(void) {
  join_commit_export();
  read_block_files("conformance");
  read_block_files("pvt");
  return ctest_finish("capi_snapshot_test");
}
