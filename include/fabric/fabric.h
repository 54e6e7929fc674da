/*
 * fabric-peer: Hyperledger Fabric's peer logic as an embeddable library.
 *
 * This header is the library's only stable contract (its ABI). It is plain C (C99),
 * and so is everything it declares; C++ hosts include it as is.
 *
 * Conventions, the same for every function:
 *  - Functions that can fail return int: 0 (FABRIC_OK) on success, a negative
 *    FABRIC_E* code otherwise. Their last argument is `fabric_error **err`: pass NULL if
 *    you do not want details; otherwise *err receives a detail that you release with
 *    fabric_error_free (it is left NULL on success).
 *  - Outputs come first and are named out; byte inputs are (const uint8_t *x, size_t
 *    x_len) and are borrowed for the call only.
 *  - An object returned through `**out` belongs to the caller, who releases it with the
 *    matching fabric_<object>_free. Every _free does nothing when given NULL.
 *  - A pointer returned directly by a getter is borrowed from its parent object and valid
 *    until that object is freed.
 *  - Bytes the library allocates for the caller come in a fabric_buf, released with
 *    fabric_buf_dispose (never with free()).
 *  - Objects are immutable unless a function says otherwise; an immutable object may be
 *    read from several threads at once.
 */
#ifndef FABRIC_FABRIC_H_
#define FABRIC_FABRIC_H_

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define FABRIC_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define FABRIC_EXPORT __attribute__((visibility("default")))
#else
#define FABRIC_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------- */

#define FABRIC_VERSION_MAJOR 0
#define FABRIC_VERSION_MINOR 1
#define FABRIC_VERSION_PATCH 0
#define FABRIC_VERSION "0.1.0"
/* MAJOR * 1000000 + MINOR * 1000 + PATCH */
#define FABRIC_VERSION_NUMBER 1000

/* The version of the library actually loaded (compare with FABRIC_VERSION). */
FABRIC_EXPORT const char *fabric_libversion(void);
FABRIC_EXPORT int fabric_libversion_number(void);

/* The Fabric release whose behaviour this library reproduces, e.g. "2.5.12". */
FABRIC_EXPORT const char *fabric_fabric_version(void);

/* ---- Errors --------------------------------------------------------------------- */

/* Codes callers may branch on; anything else is FABRIC_ERROR. */
typedef enum fabric_error_code {
  FABRIC_OK = 0,
  FABRIC_ERROR = -1,       /* generic failure; see the message */
  FABRIC_EINVAL = -2,      /* an argument is invalid (NULL where not allowed, ...) */
  FABRIC_EMALFORMED = -3,  /* input bytes are not the message they should be */
  FABRIC_ENOTFOUND = -4,   /* the thing looked up does not exist */
  FABRIC_ITEROVER = -5,    /* an iterator has no more items (not a failure) */
  FABRIC_ECORRUPT = -6,    /* stored data is damaged */
  FABRIC_ECONFLICT = -7,   /* the request conflicts with the current state */
  FABRIC_ENOMEM = -8,      /* out of memory */
  FABRIC_EUNSUPPORTED = -9 /* a valid request this build does not support */
} fabric_error_code;

/* The detail of a failure. */
typedef struct fabric_error {
  int code;      /* a fabric_error_code */
  char *message; /* UTF-8, never NULL */
} fabric_error;

FABRIC_EXPORT void fabric_error_free(fabric_error *err);

/* A static name for a code, e.g. "FABRIC_EMALFORMED"; "FABRIC_UNKNOWN" if not a code. */
FABRIC_EXPORT const char *fabric_error_code_name(int code);

/* ---- Buffers -------------------------------------------------------------------- */

/* Bytes returned to the caller. Initialize with FABRIC_BUF_INIT; release with
 * fabric_buf_dispose, which leaves it empty and reusable. data is NUL-terminated (not
 * counted in size), so text can be used as a C string. */
typedef struct fabric_buf {
  uint8_t *data;
  size_t size;
} fabric_buf;

/* clang-format off */
#define FABRIC_BUF_INIT {NULL, 0}
/* clang-format on */

FABRIC_EXPORT void fabric_buf_dispose(fabric_buf *buf);

/* ---- Blocks --------------------------------------------------------------------- */

#define FABRIC_HASH_SIZE 32

/* A parsed block (a Fabric common.Block), immutable. */
typedef struct fabric_block fabric_block;

/* Parses a serialized common.Block. Fails with FABRIC_EMALFORMED if the bytes are not a
 * block or the block has no header. Transactions inside are parsed too; one that is
 * malformed does not fail the block (see fabric_block_tx_check). */
FABRIC_EXPORT int fabric_block_parse(fabric_block **out, const uint8_t *data, size_t data_len,
                                     fabric_error **err);

FABRIC_EXPORT void fabric_block_free(fabric_block *block);

FABRIC_EXPORT uint64_t fabric_block_number(const fabric_block *block);

/* SHA-256 of the block header's ASN.1 DER encoding: what the next block's previous hash
 * must be. Writes FABRIC_HASH_SIZE bytes to out. */
FABRIC_EXPORT void fabric_block_header_hash(const fabric_block *block,
                                            uint8_t out[FABRIC_HASH_SIZE]);

/* The previous hash and data hash the header states (borrowed; empty for a genesis
 * block's previous hash). */
FABRIC_EXPORT const uint8_t *fabric_block_previous_hash(const fabric_block *block, size_t *len_out);
FABRIC_EXPORT const uint8_t *fabric_block_data_hash(const fabric_block *block, size_t *len_out);

/* SHA-256 over the data the block carries. Writes FABRIC_HASH_SIZE bytes to out; it
 * equals fabric_block_data_hash for an untampered block. */
FABRIC_EXPORT void fabric_block_computed_data_hash(const fabric_block *block,
                                                   uint8_t out[FABRIC_HASH_SIZE]);

/* 1 if the block holds a single CONFIG transaction, else 0. */
FABRIC_EXPORT int fabric_block_is_config(const fabric_block *block);

/* The number of the last config block, as the orderer recorded it in the block's
 * metadata. FABRIC_EMALFORMED if the metadata holds none. */
FABRIC_EXPORT int fabric_block_last_config(uint64_t *out, const fabric_block *block,
                                           fabric_error **err);

/* The number of data entries (transactions). */
FABRIC_EXPORT size_t fabric_block_tx_count(const fabric_block *block);

/* The transaction id in entry `index`'s channel header (borrowed, NUL-terminated); ""
 * if that header does not parse; NULL if index is out of range. */
FABRIC_EXPORT const char *fabric_block_txid(const fabric_block *block, size_t index);

/* 0 if entry `index` parses completely (envelope, headers, body, every action);
 * FABRIC_EMALFORMED with a detail naming the first part that does not;
 * FABRIC_EINVAL if index is out of range. */
FABRIC_EXPORT int fabric_block_tx_check(const fabric_block *block, size_t index,
                                        fabric_error **err);

/* The block as readable JSON (nested messages decoded, as Fabric's configtxlator does),
 * into out (the caller disposes it). */
FABRIC_EXPORT int fabric_block_to_json(fabric_buf *out, const fabric_block *block,
                                       fabric_error **err);

/* ---- Inspection ------------------------------------------------------------------ */

/* Any Fabric message as readable JSON, as `fabric inspect` prints it. type_name is a
 * full protobuf name ("common.Block", "common.Envelope", "msp.SerializedIdentity",
 * "protos.ProposalResponse", ...), "x509.Certificate", or NULL / "" to detect the type.
 * FABRIC_EMALFORMED if the bytes are not that message (or nothing detectable). */
FABRIC_EXPORT int fabric_inspect_json(fabric_buf *out, const uint8_t *data, size_t data_len,
                                      const char *type_name, fabric_error **err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FABRIC_FABRIC_H_ */
