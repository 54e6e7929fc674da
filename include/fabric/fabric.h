/*
 * fabric-peer: Hyperledger Fabric's peer logic as an embeddable library.
 *
 * This header is the library's contract (its ABI), recorded in capi/abi/fabricpeer.abi;
 * doc/api-stability.md says what stays stable within a major version: nothing is removed
 * or changed, and a host built against 1.x runs against any later 1.y. It is plain C
 * (C99), and so is everything it declares; C++ hosts include it as is.
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
 *  - A callback that returns int stops an iteration by returning non-zero, and the
 *    function that called it then returns that value as is: return a positive value
 *    (no FABRIC_E* code is positive) to tell your stop from an error.
 */
#ifndef FABRIC_FABRIC_H_
#define FABRIC_FABRIC_H_

#include <stddef.h>
#include <stdint.h>

/* What the library exports: FABRIC_BUILDING_LIBRARY is defined only while building it,
 * so that on Windows a host imports the functions the DLL exports. */
#if defined(_WIN32) && defined(FABRIC_BUILDING_LIBRARY)
#define FABRIC_EXPORT __declspec(dllexport)
#elif defined(_WIN32)
#define FABRIC_EXPORT __declspec(dllimport)
#elif defined(__GNUC__)
#define FABRIC_EXPORT __attribute__((visibility("default")))
#else
#define FABRIC_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions ------------------------------------------------------------------- */

/* FABRIC_VERSION_MAJOR, _MINOR, _PATCH, FABRIC_VERSION ("MAJOR.MINOR.PATCH"),
 * FABRIC_VERSION_NUMBER (MAJOR * 1000000 + MINOR * 1000 + PATCH) and
 * FABRIC_FABRIC_VERSION (the Fabric release reproduced), from capi/abi/version.bzl. */
#include <fabric/version.h>

/* The version of the library actually loaded (compare with FABRIC_VERSION). */
FABRIC_EXPORT const char *fabric_libversion(void);
FABRIC_EXPORT int fabric_libversion_number(void);

/* The Fabric release whose behaviour this library reproduces, e.g. "2.5.12"
 * (FABRIC_FABRIC_VERSION when it was built). */
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
  FABRIC_EUNSUPPORTED = -9, /* a valid request this build does not support */
  FABRIC_EDENIED = -10,     /* a check said no: invalid identity or signature, policy
                               not satisfied; the detail says why */
  FABRIC_ETIMEOUT = -11     /* a wait ended before what it waited for happened */
} fabric_error_code;

/* The detail of a failure. */
typedef struct fabric_error {
  int code;      /* a fabric_error_code */
  char *message; /* UTF-8, never NULL */
} fabric_error;

/* Releases an error detail (NULL: nothing). */
FABRIC_EXPORT void fabric_error_free(fabric_error *err);

/* A static name for a code, e.g. "FABRIC_EMALFORMED"; "FABRIC_UNKNOWN" if not a code. */
FABRIC_EXPORT const char *fabric_error_code_name(int code);

/* ---- Logging -------------------------------------------------------------------- */

/* The library says nothing unless the host asks: no output, no log file. With a log
 * callback set, it reports what a Fabric peer's log would (a committed block and its
 * timings, a refused block, a ledger recovering) under a component name ("channel",
 * "ledger", and "rocksdb" for RocksDB's own log when asked for). */
typedef enum fabric_log_level {
  FABRIC_LOG_DEBUG = 0,
  FABRIC_LOG_INFO = 1,
  FABRIC_LOG_WARN = 2,
  FABRIC_LOG_ERROR = 3
} fabric_log_level;

/* Forward RocksDB's informational log too (otherwise discarded). */
#define FABRIC_LOG_ROCKSDB 0x1u

/* Called with each message at the minimum level or above; `component` and `message` are
 * NUL-terminated and borrowed for the call only. */
typedef void (*fabric_log_cb)(int level, const char *component, const char *message,
                              void *payload);

/* Sets the process-wide log callback (NULL: no log, the default), its minimum level (a
 * fabric_log_level) and flags (0 or FABRIC_LOG_ROCKSDB). The callback is called from the
 * library's threads, concurrently; it must return quickly and must not call
 * fabric_log_set. Calls in a previous callback have returned when this returns, so what
 * it used may then be released. FABRIC_EINVAL for an unknown level or flag. */
FABRIC_EXPORT int fabric_log_set(fabric_log_cb cb, int min_level, unsigned int flags,
                                 void *payload, fabric_error **err);

/* ---- Transaction validation codes ---------------------------------------------- */

/* Fabric's protos.TxValidationCode: the final code of each transaction of a committed
 * block (TRANSACTIONS_FILTER), one byte each wherever this header reports one
 * (uint8_t fields hold these values). */
typedef enum fabric_tx_code {
  FABRIC_TX_VALID = 0,
  FABRIC_TX_NIL_ENVELOPE = 1,
  FABRIC_TX_BAD_PAYLOAD = 2,
  FABRIC_TX_BAD_COMMON_HEADER = 3,
  FABRIC_TX_BAD_CREATOR_SIGNATURE = 4,
  FABRIC_TX_INVALID_ENDORSER_TRANSACTION = 5,
  FABRIC_TX_INVALID_CONFIG_TRANSACTION = 6,
  FABRIC_TX_UNSUPPORTED_TX_PAYLOAD = 7,
  FABRIC_TX_BAD_PROPOSAL_TXID = 8,
  FABRIC_TX_DUPLICATE_TXID = 9,
  FABRIC_TX_ENDORSEMENT_POLICY_FAILURE = 10,
  FABRIC_TX_MVCC_READ_CONFLICT = 11,
  FABRIC_TX_PHANTOM_READ_CONFLICT = 12,
  FABRIC_TX_UNKNOWN_TX_TYPE = 13,
  FABRIC_TX_TARGET_CHAIN_NOT_FOUND = 14,
  FABRIC_TX_MARSHAL_TX_ERROR = 15,
  FABRIC_TX_NIL_TXACTION = 16,
  FABRIC_TX_EXPIRED_CHAINCODE = 17,
  FABRIC_TX_CHAINCODE_VERSION_CONFLICT = 18,
  FABRIC_TX_BAD_HEADER_EXTENSION = 19,
  FABRIC_TX_BAD_CHANNEL_HEADER = 20,
  FABRIC_TX_BAD_RESPONSE_PAYLOAD = 21,
  FABRIC_TX_BAD_RWSET = 22,
  FABRIC_TX_ILLEGAL_WRITESET = 23,
  FABRIC_TX_INVALID_WRITESET = 24,
  FABRIC_TX_INVALID_CHAINCODE = 25,
  FABRIC_TX_NOT_VALIDATED = 254,
  FABRIC_TX_INVALID_OTHER_REASON = 255
} fabric_tx_code;

/* Fabric's name of a validation code, e.g. "MVCC_READ_CONFLICT" for
 * FABRIC_TX_MVCC_READ_CONFLICT (static); NULL for a value that is not a code. */
FABRIC_EXPORT const char *fabric_tx_code_name(int code);

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

/* Releases the bytes of a buffer the library filled and resets it to FABRIC_BUF_INIT. */
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

/* Releases a parsed block (NULL: nothing). */
FABRIC_EXPORT void fabric_block_free(fabric_block *block);

/* The block number from its header. */
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

/* The block's commit hash (its COMMIT_HASH metadata, which the peer that committed it
 * set from block 1 on), into out (FABRIC_HASH_SIZE bytes): 1 if the block carries one,
 * else 0 (out untouched). Two peers that committed the same blocks have the same commit
 * hash at every height. */
FABRIC_EXPORT int fabric_block_commit_hash(uint8_t out[FABRIC_HASH_SIZE],
                                           const fabric_block *block);

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

/* ---- Channel configuration ------------------------------------------------------- */

/* A channel's configuration (MSPs, policies, capabilities), immutable. */
typedef struct fabric_channel_config fabric_channel_config;

/* Loads the configuration in a config block (the genesis block or a later CONFIG block;
 * a later one replaces the earlier: load it and use the new object from then on). */
FABRIC_EXPORT int fabric_channel_config_load(fabric_channel_config **out, const uint8_t *block,
                                             size_t block_len, fabric_error **err);

/* Releases a channel config (NULL: nothing). */
FABRIC_EXPORT void fabric_channel_config_free(fabric_channel_config *config);

/* The channel id (borrowed). */
FABRIC_EXPORT const char *fabric_channel_config_channel_id(const fabric_channel_config *config);

/* The config sequence number. */
FABRIC_EXPORT uint64_t fabric_channel_config_sequence(const fabric_channel_config *config);

/* The MSP ids of the channel's organizations, application orgs then orderer orgs, each
 * sorted by org name. fabric_channel_config_msp_id returns NULL past the end (borrowed). */
FABRIC_EXPORT size_t fabric_channel_config_msp_count(const fabric_channel_config *config);
FABRIC_EXPORT const char *fabric_channel_config_msp_id(const fabric_channel_config *config,
                                                       size_t index);

/* ---- Identities and signatures --------------------------------------------------- */

/* Validates a serialized identity (msp.SerializedIdentity bytes) against the channel's
 * MSPs as Fabric does (chain to a root, CRLs, NodeOUs, ...; expiry is not checked).
 * FABRIC_OK if valid; FABRIC_EDENIED with the reason if not (unknown MSP, unknown CA,
 * revoked, ...); FABRIC_EMALFORMED if the bytes are not an identity. */
FABRIC_EXPORT int fabric_identity_validate(const fabric_channel_config *config,
                                           const uint8_t *identity, size_t identity_len,
                                           fabric_error **err);

/* Verifies `signature` (ECDSA P-256, DER, low-S) over `data` by the serialized identity.
 * FABRIC_OK if it verifies; FABRIC_EDENIED if not. The identity is not validated here. */
FABRIC_EXPORT int fabric_signature_verify(const fabric_channel_config *config,
                                          const uint8_t *identity, size_t identity_len,
                                          const uint8_t *data, size_t data_len,
                                          const uint8_t *signature, size_t signature_len,
                                          fabric_error **err);

/* A signing identity: a certificate and its private key (PEM, as cryptogen writes them). */
typedef struct fabric_signer fabric_signer;

/* A signer of MSP `mspid` from its PEM certificate and PEM private key (P-256, as
 * cryptogen writes them). FABRIC_EMALFORMED if either does not parse or the key is not
 * the certificate's. */
FABRIC_EXPORT int fabric_signer_load(fabric_signer **out, const char *mspid,
                                     const uint8_t *cert_pem, size_t cert_pem_len,
                                     const uint8_t *key_pem, size_t key_pem_len,
                                     fabric_error **err);

/* Releases a signer (NULL: nothing); objects that keep a reference to it keep theirs. */
FABRIC_EXPORT void fabric_signer_free(fabric_signer *signer);

/* The signer's serialized identity (msp.SerializedIdentity bytes; borrowed). */
FABRIC_EXPORT const uint8_t *fabric_signer_identity(const fabric_signer *signer,
                                                    size_t *len_out);

/* Signs SHA-256(data) with ECDSA P-256; the signature is DER and always low-S. */
FABRIC_EXPORT int fabric_signer_sign(fabric_buf *out, const fabric_signer *signer,
                                     const uint8_t *data, size_t data_len, fabric_error **err);

/* ---- Policies ---------------------------------------------------------------------- */

/* One signature offered to a policy: who signed (serialized identity), what, and how. */
typedef struct fabric_signed_data {
  const uint8_t *identity;
  size_t identity_len;
  const uint8_t *data;
  size_t data_len;
  const uint8_t *signature;
  size_t signature_len;
} fabric_signed_data;

/* Evaluates a policy against signatures, with Fabric's semantics (identities
 * de-duplicated, invalid ones dropped, greedy NOutOf; each signature verified once).
 * The policy is given as one of:
 *   fabric_policy_eval_dsl:      the policy language, e.g. "AND('Org1MSP.peer','Org2MSP.peer')"
 *   fabric_policy_eval_envelope: a serialized common.SignaturePolicyEnvelope
 *   fabric_policy_eval_path:     a policy of the channel config, e.g. "/Channel/Application/Writers"
 * FABRIC_OK if satisfied; FABRIC_EDENIED with the reason if not; FABRIC_EMALFORMED for a
 * policy that does not parse; FABRIC_ENOTFOUND for an unknown path. An envelope is read as
 * Fabric reads it, nested up to 10,000 messages, and principals nested to any depth, with
 * no recursion: a caller's thread with a small stack (1 MiB) is enough. */
FABRIC_EXPORT int fabric_policy_eval_dsl(const fabric_channel_config *config, const char *dsl,
                                         const fabric_signed_data *signatures,
                                         size_t num_signatures, fabric_error **err);
FABRIC_EXPORT int fabric_policy_eval_envelope(const fabric_channel_config *config,
                                              const uint8_t *envelope, size_t envelope_len,
                                              const fabric_signed_data *signatures,
                                              size_t num_signatures, fabric_error **err);
FABRIC_EXPORT int fabric_policy_eval_path(const fabric_channel_config *config, const char *path,
                                          const fabric_signed_data *signatures,
                                          size_t num_signatures, fabric_error **err);

/* Compiles the policy language to serialized SignaturePolicyEnvelope bytes (the same
 * bytes Fabric's policydsl produces). A syntax error is FABRIC_EMALFORMED and names the
 * position; gates nest at most 100 deep. */
FABRIC_EXPORT int fabric_policy_compile(fabric_buf *out, const char *dsl, fabric_error **err);

/* Prints a serialized SignaturePolicyEnvelope in the policy language. Text past 1 MiB is
 * cut and ends in "..." (an envelope can name one huge principal many times). */
FABRIC_EXPORT int fabric_policy_to_dsl(fabric_buf *out, const uint8_t *envelope,
                                       size_t envelope_len, fabric_error **err);

/* ---- Ledger directories ------------------------------------------------------------ *
 * One directory holds one channel's ledger: its blocks, world state and key history
 * (doc/ledger_format.md), in one format whoever made it. Two kinds of handle own such
 * directories, one at a time:
 *   - fabric_channel_create / fabric_channel_open take the directory itself: the host
 *     decides where each channel lives;
 *   - fabric_ledger_manager keeps them as <root>/ledgers/<channel id>/ for hosts that
 *     read many channels' ledgers.
 * A directory either one made opens with the other once the first has let go of it (see
 * each one's lifetimes). While it is open, opening it again fails with FABRIC_ERROR and
 * a message saying it is locked; nothing is changed. A ledger written by a newer library
 * in an on-disk format this one does not read fails to open with FABRIC_EUNSUPPORTED
 * (doc/ledger_format.md). */

/* ---- Ledgers ---------------------------------------------------------------------- */

/* The ledgers of many channels under one root directory (<root>/ledgers/<channel id>/):
 * for each channel its blocks, world state and key history, kept consistent across
 * crashes.
 *
 * Lifetimes: a fabric_ledger, and a state iterator made from it, keep the channel's
 * ledger open and usable, also after fabric_ledger_manager_close_ledger or
 * fabric_ledger_manager_free. The ledger closes, and its directory is released, once the
 * manager has let go of it (close_ledger or free) and the last of them is freed. A
 * channel's ledger may be open in one place at a time (see "Ledger directories"): use
 * one manager per root.
 *
 * Thread safety: a manager may be used from several threads at once. A ledger may be
 * queried from several threads at once, also while one thread commits; commits must
 * not run concurrently with each other. An iterator is for one thread at a time. */

/* Structs the library fills in for the caller (fabric_key_version, fabric_chain_info,
 * fabric_tx_info, fabric_key_modification) start with `version`: the caller sets it,
 * with the struct's _INIT macro, to the layout it was built with, and the library fills in
 * the fields of that layout and refuses one it does not know (FABRIC_EINVAL). So the
 * structs can grow in later versions without breaking a host. Where the library hands
 * one to a callback, it sets `version` to the layout it filled. */

/* A key's version: the block and the transaction (index in the block) that last wrote
 * it. */
typedef struct fabric_key_version {
  unsigned int version; /* FABRIC_KEY_VERSION_VERSION */
  uint64_t block;
  uint64_t tx;
} fabric_key_version;

#define FABRIC_KEY_VERSION_VERSION 1
/* clang-format off */
#define FABRIC_KEY_VERSION_INIT {FABRIC_KEY_VERSION_VERSION, 0, 0}
/* clang-format on */

/* A list of strings returned to the caller, released with fabric_strarray_dispose
 * (which leaves it empty). Initialize with FABRIC_STRARRAY_INIT. */
typedef struct fabric_strarray {
  char **strings;
  size_t count;
} fabric_strarray;

/* clang-format off */
#define FABRIC_STRARRAY_INIT {NULL, 0}
/* clang-format on */

/* Releases the strings of an array the library filled and resets it. */
FABRIC_EXPORT void fabric_strarray_dispose(fabric_strarray *array);

typedef struct fabric_ledger_manager fabric_ledger_manager;
typedef struct fabric_ledger fabric_ledger;

/* Opens the ledgers under root_dir, creating the directory if needed. Ledgers open on
 * first use. Commits are synced to disk before they return. */
FABRIC_EXPORT int fabric_ledger_manager_open(fabric_ledger_manager **out, const char *root_dir,
                                             fabric_error **err);

/* Releases the manager (NULL: nothing); ledgers it opened stay open until freed. */
FABRIC_EXPORT void fabric_ledger_manager_free(fabric_ledger_manager *manager);

/* Creates the ledger of the channel a genesis (config, number 0) block configures, and
 * commits that block. FABRIC_ECONFLICT if the channel has a ledger already;
 * FABRIC_EMALFORMED if the bytes are not a genesis block of a valid channel id. */
FABRIC_EXPORT int fabric_ledger_manager_create_ledger(fabric_ledger **out,
                                                      fabric_ledger_manager *manager,
                                                      const uint8_t *genesis, size_t genesis_len,
                                                      fabric_error **err);

/* The ledger of channel_id, opened (and recovered after a crash) if needed; several
 * handles on one channel share one open ledger. FABRIC_ENOTFOUND if the channel has no
 * ledger; FABRIC_EINVAL if channel_id is not a valid channel id. */
FABRIC_EXPORT int fabric_ledger_manager_open_ledger(fabric_ledger **out,
                                                    fabric_ledger_manager *manager,
                                                    const char *channel_id, fabric_error **err);

/* The channel ids that have a ledger under the root (open or not), sorted, into out
 * (the caller disposes it). */
FABRIC_EXPORT int fabric_ledger_manager_list(fabric_strarray *out,
                                             const fabric_ledger_manager *manager,
                                             fabric_error **err);

/* Makes the manager forget channel_id's open ledger; it closes once no fabric_ledger or
 * iterator uses it any more. Closing a channel that is not open does nothing. */
FABRIC_EXPORT int fabric_ledger_manager_close_ledger(fabric_ledger_manager *manager,
                                                     const char *channel_id, fabric_error **err);

/* Releases a ledger handle (NULL: nothing); the ledger closes with its last handle. */
FABRIC_EXPORT void fabric_ledger_free(fabric_ledger *ledger);

/* The channel id (borrowed from the ledger). */
FABRIC_EXPORT const char *fabric_ledger_channel_id(const fabric_ledger *ledger);

/* The chain as committed so far. */
typedef struct fabric_chain_info {
  unsigned int version;                     /* FABRIC_CHAIN_INFO_VERSION */
  uint64_t height;                          /* last block number + 1 */
  uint8_t current_hash[FABRIC_HASH_SIZE];   /* header hash of block height - 1 */
  uint8_t previous_hash[FABRIC_HASH_SIZE];  /* its previous hash (zeros if none) */
  size_t previous_hash_len;                 /* FABRIC_HASH_SIZE, or 0 when height < 2 */
} fabric_chain_info;

#define FABRIC_CHAIN_INFO_VERSION 1
/* clang-format off */
#define FABRIC_CHAIN_INFO_INIT {FABRIC_CHAIN_INFO_VERSION, 0, {0}, {0}, 0}
/* clang-format on */

/* The chain's height and head into *out (initialized with FABRIC_CHAIN_INFO_INIT;
 * FABRIC_EINVAL for a version this library does not know). */
FABRIC_EXPORT int fabric_ledger_chain_info(fabric_chain_info *out, const fabric_ledger *ledger,
                                           fabric_error **err);

/* The final validation codes a block carries in its TRANSACTIONS_FILTER metadata, one
 * fabric_tx_code byte per transaction (borrowed from the block; *len_out is 0
 * if the block has no filter). A block read back from a ledger always has one. */
FABRIC_EXPORT const uint8_t *fabric_block_tx_filter(const fabric_block *block, size_t *len_out);

/* Commits the next block with its final validation codes (one fabric_tx_code
 * byte per transaction, 0 = VALID; validation decides them, not the ledger): stores it
 * as Fabric's peer does (the codes in its TRANSACTIONS_FILTER, its COMMIT_HASH set) and
 * applies the writes of its valid transactions to state and history, atomically.
 * FABRIC_ECONFLICT if it is not block number `height` or its previous hash is not the
 * last block's header hash; FABRIC_EINVAL if num_codes is not its transaction count, or
 * if the ledger belongs to a fabric_channel (which alone commits to it, after
 * validation: use fabric_channel_submit); FABRIC_EMALFORMED if a valid transaction's
 * read-write set cannot be read. On error nothing changes. */
FABRIC_EXPORT int fabric_ledger_commit(fabric_ledger *ledger, const fabric_block *block,
                                       const uint8_t *codes, size_t num_codes,
                                       fabric_error **err);

/* A committed block as stored (serialized common.Block, filter and commit hash in its
 * metadata), into out (the caller disposes it; fabric_block_parse reads it). By number,
 * by header hash, or the block holding the first occurrence of a transaction id.
 * FABRIC_ENOTFOUND if there is no such block; FABRIC_ECORRUPT if the store is damaged. */
FABRIC_EXPORT int fabric_ledger_block_by_number(fabric_buf *out, const fabric_ledger *ledger,
                                                uint64_t number, fabric_error **err);
FABRIC_EXPORT int fabric_ledger_block_by_hash(fabric_buf *out, const fabric_ledger *ledger,
                                              const uint8_t *hash, size_t hash_len,
                                              fabric_error **err);
FABRIC_EXPORT int fabric_ledger_block_by_txid(fabric_buf *out, const fabric_ledger *ledger,
                                              const char *txid, fabric_error **err);

/* Where a transaction id occurs. */
typedef struct fabric_tx_info {
  unsigned int version;     /* FABRIC_TX_INFO_VERSION */
  uint64_t block;           /* of the first occurrence */
  uint64_t tx;              /* its index in that block */
  size_t num_occurrences;   /* 1, or more for a duplicated txid */
  uint8_t validation_code;  /* the first occurrence's final fabric_tx_code */
} fabric_tx_info;

#define FABRIC_TX_INFO_VERSION 1
/* clang-format off */
#define FABRIC_TX_INFO_INIT {FABRIC_TX_INFO_VERSION, 0, 0, 0, 0}
/* clang-format on */

/* Looks a transaction id up. FABRIC_ENOTFOUND if no committed block holds it (also for a
 * txid of the snapshot the ledger was joined from: the message says so). */
FABRIC_EXPORT int fabric_ledger_tx(fabric_tx_info *out, const fabric_ledger *ledger,
                                   const char *txid, fabric_error **err);

/* The committed value of `key` in namespace `ns` (a chaincode name; "" holds the channel
 * config), into value_out; its version into version_out and its metadata (a serialized
 * kvrwset.KVMetadataWrite, empty if none) into metadata_out, both optional (NULL).
 * Keys are bytes and may hold NUL. FABRIC_ENOTFOUND if the key has no value (the
 * outputs are then left untouched). */
FABRIC_EXPORT int fabric_ledger_get_state(fabric_buf *value_out, fabric_key_version *version_out,
                                          fabric_buf *metadata_out, const fabric_ledger *ledger,
                                          const char *ns, const uint8_t *key, size_t key_len,
                                          fabric_error **err);

/* Iterates the keys of `ns` in [start_key, end_key), in byte order of the key; an empty
 * end_key means to the end of the namespace, an empty start_key from its beginning.
 *
 * page_limit 0 iterates the whole range. page_limit > 0 stops after that many results
 * (FABRIC_ITEROVER), and fabric_state_iterator_bookmark then tells where the next page
 * starts: a new iterator with start_key = that bookmark (and the same end_key) returns
 * the next page. An empty bookmark means the range has no more keys.
 *
 * The iterator reads the state a page (at most a few hundred entries) at a time; each
 * page reflects whole committed blocks, but a commit between two reads may show in the
 * later one. It keeps the ledger open and may outlive the fabric_ledger. */
typedef struct fabric_state_iterator fabric_state_iterator;

/* An iterator over [start_key, end_key) of `ns`, as described above. */
FABRIC_EXPORT int fabric_state_iterator_new(fabric_state_iterator **out,
                                            const fabric_ledger *ledger, const char *ns,
                                            const uint8_t *start_key, size_t start_key_len,
                                            const uint8_t *end_key, size_t end_key_len,
                                            size_t page_limit, fabric_error **err);

/* The next entry: its key, value and version. Each output is optional (NULL); the key
 * and value are borrowed from the iterator until the next call on it or its release.
 * FABRIC_ITEROVER when there is no more (or the page is full). */
FABRIC_EXPORT int fabric_state_iterator_next(const uint8_t **key, size_t *key_len,
                                             const uint8_t **value, size_t *value_len,
                                             fabric_key_version *version,
                                             fabric_state_iterator *iterator,
                                             fabric_error **err);

/* The key where an iterator continuing from here would start (the key the next call to
 * fabric_state_iterator_next would return, or the first key of the next page), into out
 * (the caller disposes it); empty (size 0) when the range has no more keys. */
FABRIC_EXPORT int fabric_state_iterator_bookmark(fabric_buf *out,
                                                 const fabric_state_iterator *iterator,
                                                 fabric_error **err);

/* Releases the iterator (NULL: nothing). */
FABRIC_EXPORT void fabric_state_iterator_free(fabric_state_iterator *iterator);

/* One modification of a key (Fabric's queryresult.KeyModification) and where it was
 * made. The pointers are borrowed from the iterator that returned it, until the next
 * call on it or its release. */
typedef struct fabric_key_modification {
  unsigned int version;       /* FABRIC_KEY_MODIFICATION_VERSION */
  const char *txid;
  const uint8_t *value;       /* empty for a delete */
  size_t value_len;
  int is_delete;              /* 1 or 0 */
  int64_t timestamp_seconds;  /* the transaction's channel header timestamp */
  int32_t timestamp_nanos;
  fabric_key_version key_version; /* the block and transaction that made it */
} fabric_key_modification;

#define FABRIC_KEY_MODIFICATION_VERSION 1
/* clang-format off */
#define FABRIC_KEY_MODIFICATION_INIT \
  {FABRIC_KEY_MODIFICATION_VERSION, NULL, NULL, 0, 0, 0, 0, FABRIC_KEY_VERSION_INIT}
/* clang-format on */

/* Iterates the modifications of `key` in namespace `ns` by valid transactions, newest
 * first (private collections are not recorded). The history is read when the iterator
 * is made; later commits do not show in it. */
typedef struct fabric_history_iterator fabric_history_iterator;

/* An iterator over the modifications of `key` in `ns`, as described above. */
FABRIC_EXPORT int fabric_history_iterator_new(fabric_history_iterator **out,
                                              const fabric_ledger *ledger, const char *ns,
                                              const uint8_t *key, size_t key_len,
                                              fabric_error **err);

/* The next modification into out; FABRIC_ITEROVER when there is no more. */
FABRIC_EXPORT int fabric_history_iterator_next(fabric_key_modification *out,
                                               fabric_history_iterator *iterator,
                                               fabric_error **err);

/* Releases the iterator (NULL: nothing). */
FABRIC_EXPORT void fabric_history_iterator_free(fabric_history_iterator *iterator);

/* ---- Channels: the committing peer ------------------------------------------------ */

/* One channel's committing peer: what a Fabric peer does with each block the ordering
 * service delivers, without the networking. For each block submitted, in order: parse
 * it; verify it (number, channel, data hash, well-formed transactions, orderer
 * signatures against /Channel/Orderer/BlockValidation, previous hash); validate every
 * transaction (in parallel); run the MVCC and phantom-read checks; commit it to the
 * channel's ledger durably (with its TRANSACTIONS_FILTER and COMMIT_HASH, as Fabric's
 * peer stores it); then tell the host (callbacks, waiters). A valid CONFIG transaction
 * switches the channel config from the next block on.
 *
 * A block that fails verification (or cannot be validated at all) is rejected: nothing
 * changes and the channel waits for a good block at the same height.
 *
 * Thread safety: every fabric_channel_* function may be called from any thread, also
 * concurrently. Blocks are processed one at a time, in the order they are submitted.
 * The channel owns its directory and the ledger in it (see "Ledger directories"). */
typedef struct fabric_channel fabric_channel;

typedef struct fabric_channel_options {
  unsigned int version; /* FABRIC_CHANNEL_OPTIONS_VERSION */
  size_t threads;       /* validation threads, the caller's included; 0: one per core */
  size_t max_pending;   /* blocks accepted for processing at once; more concurrent
                           fabric_channel_submit calls wait (0 counts as 1) */
  /* Since version 2 (1.1): */
  const char *mspid;    /* the MSP id of this peer's org: the channel keeps the private
                           data of the collections that org is a member of; NULL or "":
                           none (copied; see "Private data") */
} fabric_channel_options;

#define FABRIC_CHANNEL_OPTIONS_VERSION 2
/* clang-format off */
#define FABRIC_CHANNEL_OPTIONS_INIT {FABRIC_CHANNEL_OPTIONS_VERSION, 0, 4, NULL}
/* clang-format on */

/* Sets *opts to FABRIC_CHANNEL_OPTIONS_INIT for the given version (pass
 * FABRIC_CHANNEL_OPTIONS_VERSION). FABRIC_EINVAL for an unknown version. */
FABRIC_EXPORT int fabric_channel_options_init(fabric_channel_options *opts, unsigned int version);

/* Creates the channel in directory `dir` (created if needed; it must not hold a ledger)
 * from its genesis block, which it commits. options may be NULL for the defaults.
 * FABRIC_EMALFORMED if the bytes are not a genesis block of a valid channel config;
 * FABRIC_ECONFLICT if `dir` holds a ledger already; FABRIC_EINVAL for an options
 * version this library does not know. */
FABRIC_EXPORT int fabric_channel_create(fabric_channel **out, const char *dir,
                                        const uint8_t *genesis, size_t genesis_len,
                                        const fabric_channel_options *options, fabric_error **err);

/* Opens the channel created in `dir` earlier, recovering its ledger after a crash; its
 * config is the one its last valid config transaction installed. FABRIC_ENOTFOUND if
 * `dir` holds no channel. */
FABRIC_EXPORT int fabric_channel_open(fabric_channel **out, const char *dir,
                                      const fabric_channel_options *options, fabric_error **err);

/* Waits for blocks being processed, then releases the channel: no callback of it runs
 * once this returns. The ledger stays open while a fabric_ledger (or an iterator) from
 * fabric_channel_ledger, or an endorser made on the channel, still uses it; the directory
 * is released when the last of them is freed. Must not be called from a callback of this
 * channel. */
FABRIC_EXPORT void fabric_channel_free(fabric_channel *channel);

/* The channel id (borrowed from the channel). */
FABRIC_EXPORT const char *fabric_channel_id(const fabric_channel *channel);

/* The channel config in force now (for the next block), a new object the caller
 * releases with fabric_channel_config_free. Later config blocks do not change it: ask
 * again after a result with fabric_block_result_config_updated. */
FABRIC_EXPORT int fabric_channel_current_config(fabric_channel_config **out,
                                                const fabric_channel *channel, fabric_error **err);

/* The channel's ledger, for queries: every fabric_ledger_* query and iterator works on
 * it and sees each block once it is committed. fabric_ledger_commit refuses it
 * (FABRIC_EINVAL): blocks reach this ledger through fabric_channel_submit only. The
 * caller releases the handle with fabric_ledger_free; it may outlive the channel. */
FABRIC_EXPORT int fabric_channel_ledger(fabric_ledger **out, const fabric_channel *channel,
                                        fabric_error **err);

/* Flags of fabric_channel_submit. FABRIC_SUBMIT_SKIP_VERIFICATION skips block
 * verification, for replaying a chain the host already trusts (the ledger still checks
 * the number and previous hash). */
#define FABRIC_SUBMIT_SKIP_VERIFICATION 0x1u

/* The outcome of a committed block, immutable. */
typedef struct fabric_block_result fabric_block_result;

/* Submits the next block (a serialized common.Block), processes it as described above
 * and returns once it is committed (and the commit callbacks for it have returned) or
 * rejected. out receives the result (NULL if not wanted); flags is 0 or
 * FABRIC_SUBMIT_SKIP_VERIFICATION. On rejection nothing changes and:
 *   FABRIC_EMALFORMED: the bytes are not a block, or verification found it malformed
 *     (malformed transactions, data hash not matching its data, another channel's);
 *   FABRIC_EDENIED: its orderer signatures do not satisfy the BlockValidation policy;
 *   FABRIC_ECONFLICT: it is not the next block (its number is not the height, or its
 *     previous hash is not the last block's header hash);
 *   FABRIC_EINVAL: an argument is invalid (unknown flags, ...);
 *   other codes: the block could not be validated or committed (see the detail).
 * Must not be called from a callback of this channel. */
FABRIC_EXPORT int fabric_channel_submit(fabric_block_result **out, fabric_channel *channel,
                                        const uint8_t *block, size_t block_len, unsigned int flags,
                                        fabric_error **err);

/* ---- Private data ----------------------------------------------------------------- */

/* A block's transactions carry private data (collections of their chaincodes'
 * definitions) as hashes only; the data itself travels apart, from the endorsers
 * (fabric_proposal_result_private_rwset) to the committing peers of the collections'
 * member orgs, as Fabric's gossip carries it. A channel made with an mspid
 * (fabric_channel_options) commits each block with the private data handed to it, as
 * Fabric's peer does:
 *   - for each collection a transaction writes (VALID or not): if this peer's org is
 *     not a member, the data is missing and this peer is not eligible for it; else the
 *     handed collection rwset whose SHA-256 is the hash in the block is stored, and
 *     without one (or with one that does not match) the data is missing, eligible;
 *   - the private values of VALID transactions update the private state, which the
 *     contract reads (fabric_stub_get_private_data) and hosts query
 *     (fabric_ledger_get_private_data);
 *   - a key written in a collection with BlockToLive b at block W is purged, value and
 *     hash, while block W + b + 1 commits (unless written again since).
 * The commit hash and stored blocks are Fabric's, whatever private data was handed. */

/* The private data of one transaction of a block: its index in the block and the
 * private rwsets it wrote (a serialized rwset.TxPvtReadWriteSet, as
 * fabric_proposal_result_private_rwset gives it). Borrowed for the call only. */
typedef struct fabric_tx_private_data {
  uint64_t tx_index;
  const uint8_t *data;
  size_t data_len;
} fabric_tx_private_data;

/* fabric_channel_submit with the private data handed over with the block: num entries
 * of distinct transactions (FABRIC_EINVAL otherwise); FABRIC_EMALFORMED, and nothing
 * committed, for data that is not a TxPvtReadWriteSet or names a transaction the block
 * does not have. */
FABRIC_EXPORT int fabric_channel_submit_with_private_data(
    fabric_block_result **out, fabric_channel *channel, const uint8_t *block, size_t block_len,
    const fabric_tx_private_data *private_data, size_t num, unsigned int flags,
    fabric_error **err);

/* Reconciliation, as Fabric's peer pulls missing private data later: the private data of
 * the committed block `block` handed over now. What fills a collection its record has
 * as missing (and this peer eligible for) and matches the block's hash is stored, and
 * updates the private state unless its key was written again or purged since.
 * *stored_out (optional) receives how many collections were filled (0: nothing was
 * wanted). FABRIC_ENOTFOUND if the block is not committed; FABRIC_EMALFORMED as for
 * fabric_channel_submit_with_private_data. */
FABRIC_EXPORT int fabric_channel_supply_private_data(size_t *stored_out, fabric_channel *channel,
                                                     uint64_t block,
                                                     const fabric_tx_private_data *private_data,
                                                     size_t num, fabric_error **err);

/* The committed private value of `key` in `collection` of chaincode `ns`, into
 * value_out, and its version (optional). FABRIC_ENOTFOUND if this peer has no value
 * for it (absent, missing, or purged). */
FABRIC_EXPORT int fabric_ledger_get_private_data(fabric_buf *value_out,
                                                 fabric_key_version *version_out,
                                                 const fabric_ledger *ledger, const char *ns,
                                                 const char *collection, const uint8_t *key,
                                                 size_t key_len, fabric_error **err);

/* The committed hash of `key`'s value in `collection` (every peer of the channel has
 * it, member or not), into value_hash_out (FABRIC_HASH_SIZE bytes); its version and
 * metadata (a serialized kvrwset.KVMetadataWrite) are optional. FABRIC_ENOTFOUND if
 * the key has no value. */
FABRIC_EXPORT int fabric_ledger_get_private_data_hash(
    fabric_buf *value_hash_out, fabric_key_version *version_out, fabric_buf *metadata_out,
    const fabric_ledger *ledger, const char *ns, const char *collection, const uint8_t *key,
    size_t key_len, fabric_error **err);

/* An iterator over the private values this peer holds of `collection` of chaincode `ns`
 * (raw keys, [start_key, end_key), pages), read with fabric_state_iterator_next,
 * _bookmark and _free exactly as a state iterator. */
FABRIC_EXPORT int fabric_private_data_iterator_new(fabric_state_iterator **out,
                                                   const fabric_ledger *ledger, const char *ns,
                                                   const char *collection,
                                                   const uint8_t *start_key, size_t start_key_len,
                                                   const uint8_t *end_key, size_t end_key_len,
                                                   size_t page_limit, fabric_error **err);

/* The same over the collection's hashed state, which every peer of the channel has:
 * each entry's key is a key's SHA-256 and its value the value's SHA-256, in byte order
 * of the key hash (the bounds are key hashes too). */
FABRIC_EXPORT int fabric_private_data_hash_iterator_new(
    fabric_state_iterator **out, const fabric_ledger *ledger, const char *ns,
    const char *collection, const uint8_t *start_hash, size_t start_hash_len,
    const uint8_t *end_hash, size_t end_hash_len, size_t page_limit, fabric_error **err);

/* Called once per private data record of a block: transaction `tx` of block `block`
 * wrote collection `collection` of `ns`; `stored` is 1 when this peer holds the data,
 * else 0 (missing), with `eligible` 1 when this peer's org is a member. A non-zero
 * return stops, and the function returns it. */
typedef int (*fabric_private_data_cb)(uint64_t block, uint64_t tx, const char *ns,
                                      const char *collection, int stored, int eligible,
                                      void *payload);

/* The private data records of blocks [first, last] (last past the height: to the end),
 * in block, transaction, namespace and collection order: what was stored and what is
 * missing. */
FABRIC_EXPORT int fabric_ledger_private_data_records(const fabric_ledger *ledger, uint64_t first,
                                                     uint64_t last, fabric_private_data_cb cb,
                                                     void *payload, fabric_error **err);

/* Releases a block result (NULL: nothing). */
FABRIC_EXPORT void fabric_block_result_free(fabric_block_result *result);

/* The committed block's number. */
FABRIC_EXPORT uint64_t fabric_block_result_number(const fabric_block_result *result);

/* The block's header hash; writes FABRIC_HASH_SIZE bytes to out. */
FABRIC_EXPORT void fabric_block_result_header_hash(const fabric_block_result *result,
                                                   uint8_t out[FABRIC_HASH_SIZE]);

/* 1 if the block held a valid CONFIG transaction (the channel config changes from the
 * next block on), else 0. */
FABRIC_EXPORT int fabric_block_result_config_updated(const fabric_block_result *result);

/* The outcome of one transaction. Borrowed from its fabric_block_result; the library
 * may add fields at the end in later versions. */
typedef struct fabric_tx_result {
  const char *txid;       /* "" if its header does not parse */
  uint8_t code;           /* the final fabric_tx_code, as committed */
  uint8_t validator_code; /* the code before the MVCC checks */
  const char *reason;     /* why it is not VALID (after an MVCC or phantom-read conflict,
                             the code's name); "" if it is */
} fabric_tx_result;

/* The number of transactions, and transaction `index` (NULL past the end). */
FABRIC_EXPORT size_t fabric_block_result_tx_count(const fabric_block_result *result);
FABRIC_EXPORT const fabric_tx_result *fabric_block_result_tx(const fabric_block_result *result,
                                                             size_t index);

/* A chaincode event set by a valid transaction. Borrowed from its fabric_block_result
 * (or, in a callback, valid during the call); the library may add fields at the end in
 * later versions. */
typedef struct fabric_chaincode_event {
  uint64_t block;    /* the block number */
  uint32_t tx_index; /* the transaction's index in the block */
  const char *txid;
  const char *chaincode_id;
  const char *event_name;
  const uint8_t *data; /* the event's payload */
  size_t data_len;
} fabric_chaincode_event;

/* The chaincode events of the block's valid transactions, in block order, and event
 * `index` (NULL past the end). */
FABRIC_EXPORT size_t fabric_block_result_event_count(const fabric_block_result *result);
FABRIC_EXPORT const fabric_chaincode_event *fabric_block_result_event(
    const fabric_block_result *result, size_t index);

/* Callbacks. They are called on the channel's worker thread (never the host's own),
 * one block at a time, in commit order, after the block is durably committed and
 * before fabric_channel_submit returns for it. What they are given is borrowed for the
 * call only. A callback may query (fabric_channel_ledger, fabric_ledger_*, ...),
 * subscribe and unsubscribe; it must not call fabric_channel_submit,
 * fabric_channel_wait_tx or fabric_channel_free on its channel (they would wait for
 * the thread that runs it), and it must return normally (no longjmp, no C++
 * exception). A slow callback holds up the next block. */
typedef void (*fabric_commit_cb)(const fabric_block_result *result, void *payload);
typedef void (*fabric_chaincode_event_cb)(const fabric_chaincode_event *event, void *payload);

/* Calls `cb` with the result of every block committed from now on. *id_out receives an
 * id (> 0) for fabric_channel_unsubscribe. */
FABRIC_EXPORT int fabric_channel_subscribe_commits(int *id_out, fabric_channel *channel,
                                                   fabric_commit_cb cb, void *payload,
                                                   fabric_error **err);

/* Calls `cb` once per chaincode event of a valid transaction, in block order, for
 * every block committed from now on. */
FABRIC_EXPORT int fabric_channel_subscribe_events(int *id_out, fabric_channel *channel,
                                                  fabric_chaincode_event_cb cb, void *payload,
                                                  fabric_error **err);

/* Removes a subscription. Once it returns the callback is not running and will not be
 * called again (called from that callback itself: not again after it returns), so its
 * payload may be released. FABRIC_ENOTFOUND for an unknown id. */
FABRIC_EXPORT int fabric_channel_unsubscribe(fabric_channel *channel, int id, fabric_error **err);

/* Waits until transaction `txid` has its final status: at once if the ledger holds it
 * (the code of its first occurrence), else when a block carrying it commits. code_out
 * receives its final fabric_tx_code (FABRIC_TX_VALID = 0). FABRIC_ETIMEOUT if that did
 * not happen within timeout_ms milliseconds (0: do not wait); FABRIC_ECONFLICT for a txid
 * of the snapshot the channel was joined from, whose code the ledger does not keep. */
FABRIC_EXPORT int fabric_channel_wait_tx(uint8_t *code_out, fabric_channel *channel,
                                         const char *txid, uint64_t timeout_ms, fabric_error **err);

/* ---- Snapshots: Fabric's ledger snapshots, and a Fabric peer's block files ---------- *
 *
 * A snapshot is the directory `peer snapshot submitrequest` writes (Fabric 2.3 on):
 * txids.data/.metadata, public_state.data/.metadata, private_state_hashes.data/.metadata
 * and confighistory.data/.metadata where the channel has collections, and the two
 * metadata files _snapshot_signable_metadata.json (channel, last block, SHA-256 of every
 * file) and _snapshot_additional_metadata.json (the snapshot hash, the last block's
 * commit hash). A channel joined from one starts at the block after its last block
 * (`peer channel joinbysnapshot`); blocks before it are not in its ledger
 * (FABRIC_ENOTFOUND), nor are the blocks and codes of the snapshot's transactions,
 * whose txids are kept to find duplicates. Since 1.1. */

/* What a snapshot's metadata says (filled by the library). */
typedef struct fabric_snapshot_info {
  unsigned int version;                           /* FABRIC_SNAPSHOT_INFO_VERSION */
  char channel_id[256];                           /* NUL-terminated */
  uint64_t last_block_number;                     /* the last block in the snapshot */
  uint8_t last_block_hash[FABRIC_HASH_SIZE];      /* its header hash */
  uint8_t previous_block_hash[FABRIC_HASH_SIZE];  /* its previous hash (zeros if none) */
  size_t previous_block_hash_len;                 /* FABRIC_HASH_SIZE, or 0 for block 0 */
  uint8_t commit_hash[FABRIC_HASH_SIZE];          /* its commit hash (zeros if none) */
  size_t commit_hash_len;                         /* FABRIC_HASH_SIZE, or 0 */
  uint8_t snapshot_hash[FABRIC_HASH_SIZE];        /* SHA-256 of the signable metadata */
  size_t num_files;                               /* data and metadata files listed */
} fabric_snapshot_info;

#define FABRIC_SNAPSHOT_INFO_VERSION 1
/* clang-format off */
#define FABRIC_SNAPSHOT_INFO_INIT {FABRIC_SNAPSHOT_INFO_VERSION, {0}, 0, {0}, {0}, 0, {0}, 0, {0}, 0}
/* clang-format on */

/* Checks the snapshot in directory `dir` as a peer does before joining: the signable
 * metadata against the snapshot hash, every listed file against its SHA-256. Fills
 * *info_out (if not NULL; initialized with FABRIC_SNAPSHOT_INFO_INIT). FABRIC_EMALFORMED
 * for a mismatch (the message names the file and both hashes) or metadata that is not
 * Fabric's; FABRIC_ENOTFOUND for a missing file. */
FABRIC_EXPORT int fabric_snapshot_verify(fabric_snapshot_info *info_out, const char *dir,
                                         fabric_error **err);

/* Creates the channel in `dir` (absent or empty; or left by a join or create that did
 * not finish) by joining it from the snapshot in `snapshot_dir`: verified first as
 * fabric_snapshot_verify does, then imported. Its config is the one in the snapshot's
 * state; submit the blocks after the snapshot's last to it. FABRIC_EMALFORMED for a
 * snapshot that does not verify or whose files are not Fabric's; FABRIC_ECONFLICT if
 * `dir` holds a ledger. */
FABRIC_EXPORT int fabric_channel_join_snapshot(fabric_channel **out, const char *dir,
                                               const char *snapshot_dir,
                                               const fabric_channel_options *options,
                                               fabric_error **err);

/* The snapshot the ledger was joined from (Fabric's bootstrapping snapshot info), into
 * *info_out (initialized with FABRIC_SNAPSHOT_INFO_INIT). FABRIC_ENOTFOUND for a ledger
 * created from a genesis block. */
FABRIC_EXPORT int fabric_ledger_snapshot_origin(fabric_snapshot_info *info_out,
                                                const fabric_ledger *ledger, fabric_error **err);

/* The last committed block, for fabric_channel_snapshot. */
#define FABRIC_SNAPSHOT_LAST_BLOCK UINT64_MAX

/* Writes a snapshot of the channel's ledger, exactly the files a Fabric peer writes for
 * the same ledger, to the directory `dir` (which must not exist; its parent must), as of
 * block `block_number`: the last committed block (FABRIC_SNAPSHOT_LAST_BLOCK), or one
 * still to come (submitted by other threads meanwhile), and returns once it is written.
 * Commits wait only while a consistent view is taken, not while the files are written.
 * Fills *info_out if not NULL. FABRIC_ECONFLICT if that block is committed but not the
 * last, if `dir` exists, or if the channel is freed before the block commits. */
FABRIC_EXPORT int fabric_channel_snapshot(fabric_snapshot_info *info_out, fabric_channel *channel,
                                          uint64_t block_number, const char *dir,
                                          fabric_error **err);

/* Reads the block files a Fabric peer wrote (blockfile_000000, ...), for replaying,
 * verifying or importing an existing peer's chain as it is on disk. */
typedef struct fabric_blockfile_reader fabric_blockfile_reader;

/* Opens the block files at `path`: a channel's directory of blockfile_NNNNNN, or a
 * peer's ledgersData directory (or its chains/), in which case `channel` names the
 * channel (NULL or "" when it holds one). FABRIC_ENOTFOUND when there are no block
 * files. */
FABRIC_EXPORT int fabric_blockfile_reader_open(fabric_blockfile_reader **out, const char *path,
                                               const char *channel, fabric_error **err);

/* The next block, as the serialized common.Block the peer stored (with its final
 * metadata), into *block_out (release with fabric_buf_dispose). FABRIC_ITEROVER after the
 * last block (a record cut short at the end of the last file ends the chain);
 * FABRIC_ECORRUPT for a record that does not decode. */
FABRIC_EXPORT int fabric_blockfile_reader_next(fabric_buf *block_out,
                                               fabric_blockfile_reader *reader, fabric_error **err);

/* Closes the reader (NULL is ignored). */
FABRIC_EXPORT void fabric_blockfile_reader_free(fabric_blockfile_reader *reader);

/* ---- Channels: blocks in flight ------------------------------------------------------ */

/* Called once per fabric_channel_submit_async with its block's outcome, on the
 * channel's worker thread, in the order the blocks were queued: FABRIC_OK with the result
 * (borrowed for the call), or the code fabric_channel_submit would have returned with its
 * detail `message` (borrowed) and a NULL result. */
typedef void (*fabric_submit_cb)(int code, const fabric_block_result *result,
                                 const char *message, void *payload);

/* Queues the next block (copied, with its private data; NULL and 0 for none) and returns
 * at once, or once fewer than the channel's max_pending blocks are in flight; `cb` gets
 * its outcome. A host keeps several blocks in flight this way from one thread, so that
 * the verification of a block overlaps the commit of the one before (as `fabric replay`
 * does); blocks are processed in the order they were queued, by either submit function.
 * A refused block changes nothing, and the blocks queued after it are processed against
 * the chain as it is. FABRIC_EINVAL for a NULL channel or cb, unknown flags, or private
 * data as fabric_channel_submit_with_private_data refuses it. Must not be called from a
 * callback of this channel. Since 1.1. */
FABRIC_EXPORT int fabric_channel_submit_async(fabric_channel *channel, const uint8_t *block,
                                              size_t block_len,
                                              const fabric_tx_private_data *private_data,
                                              size_t num_private_data, unsigned int flags,
                                              fabric_submit_cb cb, void *payload,
                                              fabric_error **err);

/* Returns once every block queued so far has been processed and its callback has
 * returned. Must not be called from a callback of this channel. */
FABRIC_EXPORT int fabric_channel_drain(fabric_channel *channel, fabric_error **err);

/* ---- Metrics -------------------------------------------------------------------- */

/* The channels' metrics, with the names, labels, help texts and buckets of a Fabric peer's
 * ledger metrics, so that dashboards made for Fabric read them unchanged:
 * ledger_blockchain_height, ledger_block_processing_time, ledger_blockstorage_commit_time,
 * ledger_statedb_commit_time (histograms, seconds) and ledger_transaction_counts (by
 * channel_name, transaction_type, chaincode_name, validation_code), counted since each
 * channel was opened. Rendered into out in Prometheus' text exposition format (0.0.4):
 * each family once, then a sample per channel; serve it as /metrics. */
FABRIC_EXPORT int fabric_metrics_prometheus(fabric_buf *out,
                                            const fabric_channel *const *channels,
                                            size_t num_channels, fabric_error **err);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* The endorsing side: contracts, endorsers, proposals and transactions, block assembly. */
#include <fabric/endorse.h>

#endif /* FABRIC_FABRIC_H_ */
