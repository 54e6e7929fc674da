/* Channel configs, identities, signatures and policies through the C ABI, from plain C,
 * over the Fabric-made conformance vectors (see their README for who is revoked when). */
#include <fabric/fabric.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ctest.h"

#define PEERS VECTORS "msp/peerOrganizations/"

static fabric_channel_config *load_config(const char *path) {
  size_t len = 0;
  uint8_t *bytes = ctest_read_file(path, &len);
  fabric_channel_config *c = NULL;
  fabric_error *err = NULL;
  if (bytes == NULL) {
    ctest_failures++;
    return NULL;
  }
  if (fabric_channel_config_load(&c, bytes, len, &err) != FABRIC_OK) {
    fprintf(stderr, "%s: %s\n", path, err->message);
    fabric_error_free(err);
    ctest_failures++;
  }
  free(bytes);
  return c;
}

static int validate(const fabric_channel_config *c, const fabric_signer *s) {
  size_t len = 0;
  const uint8_t *id = fabric_signer_identity(s, &len);
  fabric_error *err = NULL;
  int rc = fabric_identity_validate(c, id, len, &err);
  CHECK((rc == FABRIC_OK) == (err == NULL));
  if (err != NULL) CHECK(strlen(err->message) > 0);
  fabric_error_free(err);
  return rc;
}

static void test_config(void) {
  fabric_channel_config *c = load_config(VECTORS "genesis.block");
  size_t i;
  fabric_error *err = NULL;
  fabric_channel_config *not_config = (fabric_channel_config *)&err;
  size_t len = 0;
  uint8_t *bytes;
  if (c == NULL) return;
  CHECK(strlen(fabric_channel_config_channel_id(c)) > 0);
  CHECK(fabric_channel_config_msp_count(c) >= 2);
  for (i = 0; i < fabric_channel_config_msp_count(c); i++) {
    CHECK(strlen(fabric_channel_config_msp_id(c, i)) > 0);
  }
  CHECK(fabric_channel_config_msp_id(c, i) == NULL);
  fabric_channel_config_free(c);
  fabric_channel_config_free(NULL);

  bytes = ctest_read_file(VECTORS "blocks/000002.block", &len);
  CHECK(bytes != NULL);
  CHECK(fabric_channel_config_load(&not_config, bytes, len, &err) == FABRIC_EMALFORMED);
  CHECK(not_config == NULL && err != NULL);
  fabric_error_free(err);
  free(bytes);
}

static void test_identities(void) {
  fabric_channel_config *genesis = load_config(VECTORS "genesis.block");
  fabric_channel_config *after = load_config(VECTORS "blocks/000017.block");
  fabric_signer *peer = ctest_load_signer(
      "Org1MSP", PEERS "org1.example.com/peers/peer0.org1.example.com", "peer0.org1.example.com");
  fabric_signer *user2 = ctest_load_signer(
      "Org1MSP", PEERS "org1.example.com/users/User2@org1.example.com", "User2@org1.example.com");
  fabric_signer *user3 = ctest_load_signer(
      "Org2MSP", PEERS "org2.example.com/users/User3@org2.example.com", "User3@org2.example.com");
  fabric_signer *org2_as_org1 = ctest_load_signer(
      "Org1MSP", PEERS "org2.example.com/users/User1@org2.example.com", "User1@org2.example.com");
  fabric_signer *rogue = ctest_load_signer(
      "Org1MSP", VECTORS "msp/rogue/users/User1@org1.example.com", "User1@org1.example.com");
  static const uint8_t garbage[] = {0x0a, 0xff};
  fabric_buf sig = FABRIC_BUF_INIT;
  size_t id_len = 0;
  const uint8_t *id;
  if (genesis == NULL || after == NULL || peer == NULL || user2 == NULL || user3 == NULL ||
      org2_as_org1 == NULL || rogue == NULL) {
    goto done;
  }
  CHECK(validate(genesis, peer) == FABRIC_OK);
  CHECK(validate(genesis, user2) == FABRIC_OK);
  CHECK(validate(after, user2) == FABRIC_EDENIED);   /* the CRL of block 17 */
  CHECK(validate(genesis, user3) == FABRIC_EDENIED); /* the genesis CRL */
  CHECK(validate(genesis, org2_as_org1) == FABRIC_EDENIED);
  CHECK(validate(genesis, rogue) == FABRIC_EDENIED);
  CHECK(fabric_identity_validate(genesis, garbage, sizeof garbage, NULL) == FABRIC_EMALFORMED);

  id = fabric_signer_identity(peer, &id_len);
  CHECK(fabric_signer_sign(&sig, peer, (const uint8_t *)"hello", 5, NULL) == FABRIC_OK);
  CHECK(fabric_signature_verify(genesis, id, id_len, (const uint8_t *)"hello", 5, sig.data,
                                sig.size, NULL) == FABRIC_OK);
  CHECK(fabric_signature_verify(genesis, id, id_len, (const uint8_t *)"hellO", 5, sig.data,
                                sig.size, NULL) == FABRIC_EDENIED);
  fabric_buf_dispose(&sig);
done:
  fabric_signer_free(peer);
  fabric_signer_free(user2);
  fabric_signer_free(user3);
  fabric_signer_free(org2_as_org1);
  fabric_signer_free(rogue);
  fabric_channel_config_free(genesis);
  fabric_channel_config_free(after);
}

static void sign_into(fabric_signed_data *sd, fabric_buf *sig, const fabric_signer *s,
                      const char *data) {
  CHECK(fabric_signer_sign(sig, s, (const uint8_t *)data, strlen(data), NULL) == FABRIC_OK);
  sd->identity = fabric_signer_identity(s, &sd->identity_len);
  sd->data = (const uint8_t *)data;
  sd->data_len = strlen(data);
  sd->signature = sig->data;
  sd->signature_len = sig->size;
}

static void test_policies(void) {
  static const char *dsl = "AND('Org1MSP.peer','Org2MSP.peer')";
  fabric_channel_config *c = load_config(VECTORS "genesis.block");
  fabric_signer *p1 = ctest_load_signer(
      "Org1MSP", PEERS "org1.example.com/peers/peer0.org1.example.com", "peer0.org1.example.com");
  fabric_signer *p2 = ctest_load_signer(
      "Org2MSP", PEERS "org2.example.com/peers/peer0.org2.example.com", "peer0.org2.example.com");
  fabric_signed_data sd[2];
  fabric_buf s1 = FABRIC_BUF_INIT, s2 = FABRIC_BUF_INIT, env = FABRIC_BUF_INIT,
             back = FABRIC_BUF_INIT, again = FABRIC_BUF_INIT;
  fabric_error *err = NULL;
  if (c == NULL || p1 == NULL || p2 == NULL) goto done;
  sign_into(&sd[0], &s1, p1, "payload");
  sign_into(&sd[1], &s2, p2, "payload");

  CHECK(fabric_policy_eval_dsl(c, dsl, sd, 2, NULL) == FABRIC_OK);
  CHECK(fabric_policy_eval_dsl(c, dsl, sd, 1, &err) == FABRIC_EDENIED);
  CHECK(err != NULL && strlen(err->message) > 0);
  fabric_error_free(err);
  CHECK(fabric_policy_eval_dsl(c, "OR('Org1MSP.client')", sd, 2, NULL) == FABRIC_EDENIED);
  CHECK(fabric_policy_eval_path(c, "/Channel/Application/Endorsement", sd, 2, NULL) == FABRIC_OK);
  CHECK(fabric_policy_eval_path(c, "/Channel/Application/Endorsement", sd, 1, NULL) ==
        FABRIC_EDENIED);
  CHECK(fabric_policy_eval_path(c, "/Channel/NoSuchPolicy", sd, 2, NULL) == FABRIC_ENOTFOUND);

  CHECK(fabric_policy_compile(&env, dsl, NULL) == FABRIC_OK);
  CHECK(fabric_policy_eval_envelope(c, env.data, env.size, sd, 2, NULL) == FABRIC_OK);
  CHECK(fabric_policy_to_dsl(&back, env.data, env.size, NULL) == FABRIC_OK);
  CHECK(back.data != NULL && strstr((const char *)back.data, "Org2MSP.peer") != NULL);
  /* Printed back, it compiles to the same bytes. */
  CHECK(fabric_policy_compile(&again, (const char *)back.data, NULL) == FABRIC_OK);
  CHECK(again.size == env.size && memcmp(again.data, env.data, env.size) == 0);

  err = NULL;
  CHECK(fabric_policy_compile(&env, "AND('Org1MSP.peer' 'Org2MSP.peer')", &err) ==
        FABRIC_EMALFORMED);
  CHECK(err != NULL && strstr(err->message, "position") != NULL);
  fabric_error_free(err);
done:
  fabric_buf_dispose(&s1);
  fabric_buf_dispose(&s2);
  fabric_buf_dispose(&env);
  fabric_buf_dispose(&back);
  fabric_buf_dispose(&again);
  fabric_signer_free(p1);
  fabric_signer_free(p2);
  fabric_channel_config_free(c);
}

int main(void) {
  test_config();
  test_identities();
  test_policies();
  return ctest_finish("capi_identity_test");
}
