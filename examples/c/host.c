/* A host of libfabricpeer in plain C, built against the installed library (make or
 * CMake, see examples/README.md). It replays a chain into a new channel, reads a key,
 * hosts a contract and endorses a proposal for it, all through <fabric/fabric.h>.
 *
 *   c_host VECTORS WORK NAMESPACE KEY
 * VECTORS is a vectors directory (genesis.block, blocks/NNNNNN.block, msp/) whose channel
 * defines the chaincode "cc_or"; WORK an empty directory for the ledger. */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG1 "/msp/peerOrganizations/org1.example.com/"

static uint8_t *slurp(const char *dir, const char *name, size_t *len) {
  char path[1024];
  uint8_t *data = NULL;
  long n;
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if ((f = fopen(path, "rb")) == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (data = malloc((size_t)n + 1)) != NULL && fread(data, 1, (size_t)n, f) == (size_t)n) {
    *len = (size_t)n;
  } else {
    free(data);
    data = NULL;
  }
  fclose(f);
  return data;
}

static int fail(const char *what, fabric_error *err) {
  fprintf(stderr, "%s: %s\n", what, err != NULL ? err->message : "failed");
  fabric_error_free(err);
  return 1;
}

static fabric_signer *load_signer(const char *vectors, const char *member, const char *name) {
  char cert[512], key[512];
  size_t cert_len = 0, key_len = 0;
  fabric_signer *s = NULL;
  uint8_t *c, *k;
  snprintf(cert, sizeof cert, ORG1 "%s/msp/signcerts/%s-cert.pem", member, name);
  snprintf(key, sizeof key, ORG1 "%s/msp/keystore/priv_sk", member);
  c = slurp(vectors, cert, &cert_len);
  k = slurp(vectors, key, &key_len);
  if (c != NULL && k != NULL) fabric_signer_load(&s, "Org1MSP", c, cert_len, k, key_len, NULL);
  free(c);
  free(k);
  return s;
}

/* The contract: "put KEY VALUE" writes and answers "stored KEY". */
static int32_t store(fabric_stub *stub, void *payload) {
  size_t klen = 0, vlen = 0;
  const uint8_t *key = fabric_stub_arg(stub, 0, &klen), *value = fabric_stub_arg(stub, 1, &vlen);
  char answer[256];
  (void)payload;
  if (key == NULL || value == NULL || fabric_stub_put_state(stub, key, klen, value, vlen, NULL)) {
    fabric_stub_respond(stub, "usage: put KEY VALUE", NULL, 0, NULL);
    return FABRIC_STATUS_ERROR;
  }
  snprintf(answer, sizeof answer, "stored %.*s", (int)klen, (const char *)key);
  fabric_stub_respond(stub, NULL, (const uint8_t *)answer, strlen(answer), NULL);
  return FABRIC_STATUS_OK;
}

int main(int argc, char **argv) {
  fabric_channel *ch = NULL;
  fabric_ledger *ledger = NULL;
  fabric_endorser *endorser = NULL;
  fabric_signer *peer, *user;
  fabric_proposal_result *result = NULL;
  fabric_chain_info info = FABRIC_CHAIN_INFO_INIT;
  fabric_buf value = FABRIC_BUF_INIT, proposal = FABRIC_BUF_INIT;
  fabric_bytes args[3] = {{(const uint8_t *)"put", 3}, {(const uint8_t *)"greeting", 8},
                          {(const uint8_t *)"hello from C", 12}};
  fabric_error *err = NULL;
  char name[64], txid[FABRIC_TXID_SIZE];
  size_t i, len = 0, response_len = 0, payload_len = 0;
  uint8_t *bytes;
  const uint8_t *payload;
  if (argc != 5) return fprintf(stderr, "usage: %s VECTORS WORK NAMESPACE KEY\n", argv[0]), 2;
  printf("libfabricpeer %s (Fabric %s)\n", fabric_libversion(), fabric_fabric_version());

  /* A channel from its genesis block, then the chain's blocks, each verified. */
  if ((bytes = slurp(argv[1], "genesis.block", &len)) == NULL) return fail("genesis.block", NULL);
  if (fabric_channel_create(&ch, argv[2], bytes, len, NULL, &err)) return fail("create", err);
  free(bytes);
  for (i = 1; snprintf(name, sizeof name, "blocks/%06zu.block", i),
      (bytes = slurp(argv[1], name, &len)) != NULL; i++) {
    if (fabric_channel_submit(NULL, ch, bytes, len, 0, &err)) {
      /* Refused by verification: replayed anyway, as a host does with a chain it trusts. */
      printf("%s: %s; submitted unverified\n", name, err->message);
      fabric_error_free(err);
      err = NULL;
      if (fabric_channel_submit(NULL, ch, bytes, len, FABRIC_SUBMIT_SKIP_VERIFICATION, &err))
        return fail(name, err);
    }
    free(bytes);
  }
  if (fabric_channel_ledger(&ledger, ch, &err) || fabric_ledger_chain_info(&info, ledger, &err))
    return fail("ledger", err);
  printf("channel %s: height %llu\n", fabric_channel_id(ch), (unsigned long long)info.height);

  /* A committed value. */
  if (fabric_ledger_get_state(&value, NULL, NULL, ledger, argv[3], (const uint8_t *)argv[4],
                              strlen(argv[4]), &err))
    return fail("get_state", err);
  printf("state %s/%s =", argv[3], argv[4]);
  for (i = 0; i < value.size; i++) printf(" %02x", value.data[i]);
  printf("\n");

  /* A contract hosted by peer0 of Org1, and a proposal from User1 endorsed. */
  peer = load_signer(argv[1], "peers/peer0.org1.example.com", "peer0.org1.example.com");
  user = load_signer(argv[1], "users/User1@org1.example.com", "User1@org1.example.com");
  if (peer == NULL || user == NULL) return fail("signers", NULL);
  if (fabric_endorser_create(&endorser, ch, peer, &err) ||
      fabric_endorser_register_contract(endorser, "cc_or", store, NULL, &err) ||
      fabric_proposal_create(&proposal, txid, user, fabric_channel_id(ch), "cc_or", args, 3, NULL,
                             &err) ||
      fabric_endorser_endorse(&result, endorser, proposal.data, proposal.size, &err))
    return fail("endorse", err);
  payload = fabric_proposal_result_payload(result, &payload_len);
  fabric_proposal_result_response(result, &response_len);
  printf("endorsed %.8s...: status %d, payload \"%.*s\", signed response of %zu bytes\n", txid,
         (int)fabric_proposal_result_status(result), (int)payload_len, (const char *)payload,
         response_len);

  fabric_proposal_result_free(result);
  fabric_buf_dispose(&proposal);
  fabric_buf_dispose(&value);
  fabric_endorser_free(endorser);
  fabric_signer_free(peer);
  fabric_signer_free(user);
  fabric_ledger_free(ledger);
  fabric_channel_free(ch);
  return 0;
}
