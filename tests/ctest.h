/* What the plain-C tests share: a CHECK that counts failures, and file reading. */
#ifndef FABRIC_TESTS_CTEST_H_
#define FABRIC_TESTS_CTEST_H_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

extern int ctest_failures;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ctest_failures++;                                                        \
    }                                                                          \
  } while (0)

#define VECTORS "tests/vectors/conformance/"

/* Reads a whole file into a malloc'ed buffer (the caller frees it); NULL, with a message
 * on stderr, if it cannot. */
uint8_t *ctest_read_file(const char *path, size_t *len);

/* Writes "<TEST_TMPDIR or /tmp>/<name>" into out[size] (lib/testing/temp_dir.h's place
 * for C tests; nothing is created or removed). CHECKs that it fits. */
void ctest_temp_path(char *out, size_t size, const char *name);

/* 1 if `path` can be opened for reading. */
int ctest_file_exists(const char *path);

/* A signer from the cryptogen directory `dir` (…/<name>): msp/signcerts/<name>-cert.pem
 * and msp/keystore/priv_sk. NULL, with a failed CHECK, if it does not load. */
struct fabric_signer;
struct fabric_signer *ctest_load_signer(const char *mspid, const char *dir, const char *name);

/* The height of a channel's ledger. */
struct fabric_channel;
uint64_t ctest_channel_height(const struct fabric_channel *channel);

/* Prints "what: <err's message>" on stderr and frees err (which may be NULL). */
struct fabric_error;
void ctest_report(const char *what, struct fabric_error *err);

/* CHECKs that blocks 0..height-1 of `ledger` equal the conformance vectors'
 * committed/NNNNNN.block byte for byte (final codes and COMMIT_HASH included). */
struct fabric_ledger;
void ctest_check_stored_blocks(const struct fabric_ledger *ledger, uint64_t height);

/* Prints the outcome and returns the process exit code. */
int ctest_finish(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* FABRIC_TESTS_CTEST_H_ */
