/* What a host can observe through the C ABI. The log: nothing until a callback is set;
 * then a channel reports its commits and refusals as Fabric's peer logs them, RocksDB's
 * log when asked; nothing again once the callback is removed. The metrics: Fabric's
 * ledger metrics of the channel, in Prometheus' text format. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

typedef struct log_seen {
  int commits, refusals, rocksdb, below_min;
  int first_block_committed; /* "Committed block [1] with N transaction(s)" seen */
} log_seen;

static void on_log(int level, const char *component, const char *message, void *payload) {
  log_seen *s = payload;
  CHECK(component != NULL && message != NULL);
  if (level < FABRIC_LOG_INFO) s->below_min++;
  if (strcmp(component, "rocksdb") == 0) s->rocksdb++;
  if (strcmp(component, "channel") == 0 && strstr(message, "] Committed block [") != NULL) {
    CHECK(level == FABRIC_LOG_INFO);
    s->commits++;
    if (strstr(message, "[mychannel] Committed block [1] with ") != NULL) {
      s->first_block_committed = 1;
    }
  }
  if (strcmp(component, "channel") == 0 && strstr(message, "Block refused") != NULL) {
    CHECK(level == FABRIC_LOG_WARN);
    s->refusals++;
  }
}

static int submit(fabric_channel *ch, int number) {
  char path[256];
  size_t len = 0;
  uint8_t *block;
  int rc;
  snprintf(path, sizeof path, VECTORS "blocks/%06d.block", number);
  block = ctest_read_file(path, &len);
  if (block == NULL) return FABRIC_ENOTFOUND;
  rc = fabric_channel_submit(NULL, ch, block, len, FABRIC_SUBMIT_SKIP_VERIFICATION, NULL);
  free(block);
  return rc;
}

int main(void) {
  char dir[600];
  fabric_channel *ch = NULL;
  log_seen seen;
  size_t genesis_len = 0;
  uint8_t *genesis = ctest_read_file(VECTORS "genesis.block", &genesis_len);
  CHECK(genesis != NULL);
  if (genesis == NULL) return ctest_finish("capi_observability_test");
  memset(&seen, 0, sizeof seen);

  CHECK(fabric_log_set(on_log, 7, 0, &seen, NULL) == FABRIC_EINVAL);
  CHECK(fabric_log_set(on_log, FABRIC_LOG_INFO, 0x80u, &seen, NULL) == FABRIC_EINVAL);
  CHECK(fabric_log_set(on_log, FABRIC_LOG_INFO, FABRIC_LOG_ROCKSDB, &seen, NULL) == FABRIC_OK);

  ctest_temp_path(dir, sizeof dir, "capi_observability");
  if (fabric_channel_create(&ch, dir, genesis, genesis_len, NULL, NULL) != FABRIC_OK) {
    fprintf(stderr, "create channel failed (a stale TEST_TMPDIR?)\n");
    return 1;
  }
  CHECK(seen.rocksdb > 0); /* RocksDB logs its options when the ledger opens */
  CHECK(submit(ch, 1) == FABRIC_OK);
  CHECK(submit(ch, 2) == FABRIC_OK);
  CHECK(seen.commits == 2 && seen.first_block_committed);
  CHECK(submit(ch, 2) == FABRIC_ECONFLICT); /* not the next block */
  CHECK(seen.refusals == 1);
  CHECK(seen.below_min == 0);

  /* Off again: nothing more reaches the callback. */
  CHECK(fabric_log_set(NULL, FABRIC_LOG_INFO, 0, NULL, NULL) == FABRIC_OK);
  memset(&seen, 0, sizeof seen);
  CHECK(submit(ch, 3) == FABRIC_OK);
  CHECK(seen.commits == 0 && seen.rocksdb == 0);

  {
    const fabric_channel *channels[1];
    fabric_buf text = FABRIC_BUF_INIT;
    channels[0] = ch;
    CHECK(fabric_metrics_prometheus(&text, channels, 1, NULL) == FABRIC_OK);
    CHECK(text.data != NULL);
    if (text.data != NULL) {
      const char *s = (const char *)text.data;
      CHECK(strstr(s, "# TYPE ledger_blockchain_height gauge\n") != NULL);
      CHECK(strstr(s, "ledger_blockchain_height{channel_name=\"mychannel\"} 4\n") != NULL);
      CHECK(strstr(s, "ledger_block_processing_time_count{channel_name=\"mychannel\"} 3\n") !=
            NULL);
      CHECK(strstr(s, "ledger_transaction_counts{channel_name=\"mychannel\",") != NULL);
    }
    fabric_buf_dispose(&text);
    CHECK(fabric_metrics_prometheus(NULL, channels, 1, NULL) == FABRIC_EINVAL);
    CHECK(fabric_metrics_prometheus(&text, NULL, 1, NULL) == FABRIC_EINVAL);
  }
  fabric_channel_free(ch);
  free(genesis);
  return ctest_finish("capi_observability_test");
}
