/*
 * fabric-peer's C ABI, the endorsing side: smart contracts and their stub, endorsers,
 * proposals and transactions as a client makes them, block assembly as an orderer does.
 *
 * Part of the library's contract (its ABI) as <fabric/fabric.h> is, which includes this
 * header; include that one. Its conventions hold here too.
 */
#ifndef FABRIC_ENDORSE_H_
#define FABRIC_ENDORSE_H_

#include <fabric/fabric.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Smart contracts ------------------------------------------------------------ */

/* Bytes given to the library (borrowed for the call only). */
typedef struct fabric_bytes {
  const uint8_t *data;
  size_t len;
} fabric_bytes;

/* A smart contract (chaincode) is a host function that a fabric_endorser calls, in
 * process, for each proposal or query invoking the chaincode name it is registered
 * under: Fabric's chaincode shim without the chaincode container. It reads the
 * invocation and the channel's world state through the stub, writes through it, and
 * returns the response status (Fabric's: 200 OK; 400 or more is an error, and the
 * proposal is then not endorsed). fabric_stub_respond sets the response's message and
 * payload.
 *
 * The stub is valid during that call only, on the thread the call runs on (the thread
 * that called fabric_endorser_endorse or _evaluate; several proposals may run one
 * contract on several threads at once, each with its own stub). Every pointer a stub
 * function returns is borrowed from the stub, valid until the contract returns.
 *
 * The rules are Fabric's: reads see the committed state, never the transaction's own
 * writes; keys, range ends, bookmarks, metadata names, event names and the response
 * message must be valid UTF-8 (Fabric's are protobuf strings); put_state refuses an
 * empty key; range ends may not start with 0x00 (that
 * marks composite keys); a transaction that has written makes no paginated query, and
 * one that made a paginated query does not write; a query (evaluate) may write, and its
 * writes are simulated and dropped, as in Fabric. A stub function that breaks a rule
 * fails, and the contract decides what to answer: FABRIC_EINVAL for a bad argument (a
 * key, name, message or page size that breaks these rules, a NULL where a pointer is
 * needed), FABRIC_ECONFLICT for a call the transaction does not allow (a write after a
 * paginated query, a paginated query after a write). A contract must return normally (no
 * longjmp, no C++ exception). */
typedef struct fabric_stub fabric_stub;

/* A contract: returns the response status; payload is the one given at registration. */
typedef int32_t (*fabric_contract_fn)(fabric_stub *stub, void *payload);

/* Response statuses (Fabric's shim): OK, and the threshold and usual value of errors. */
#define FABRIC_STATUS_OK 200
#define FABRIC_STATUS_ERROR_THRESHOLD 400
#define FABRIC_STATUS_ERROR 500

/* Sets the response's message (NULL for none) and payload (copied); a later call
 * replaces both. */
FABRIC_EXPORT int fabric_stub_respond(fabric_stub *stub, const char *message,
                                      const uint8_t *payload, size_t payload_len,
                                      fabric_error **err);

/* The invocation, from the signed proposal (all borrowed from the stub). The channel
 * id, transaction id, and chaincode name the contract runs under: */
FABRIC_EXPORT const char *fabric_stub_channel_id(const fabric_stub *stub);
FABRIC_EXPORT const char *fabric_stub_txid(const fabric_stub *stub);
FABRIC_EXPORT const char *fabric_stub_chaincode(const fabric_stub *stub);

/* The function: the first argument of the invocation (empty if none). Also
 * NUL-terminated, for use as a C string when it holds no NUL. */
FABRIC_EXPORT const uint8_t *fabric_stub_function(const fabric_stub *stub, size_t *len_out);

/* The arguments after the function, and argument `index` (NULL past the end; also
 * NUL-terminated). */
FABRIC_EXPORT size_t fabric_stub_num_args(const fabric_stub *stub);
FABRIC_EXPORT const uint8_t *fabric_stub_arg(const fabric_stub *stub, size_t index,
                                             size_t *len_out);

/* The proposal's creator: its serialized identity (msp.SerializedIdentity bytes) and
 * its MSP id. */
FABRIC_EXPORT const uint8_t *fabric_stub_creator(const fabric_stub *stub, size_t *len_out);
FABRIC_EXPORT const char *fabric_stub_creator_mspid(const fabric_stub *stub);

/* The proposal's channel header timestamp. */
FABRIC_EXPORT void fabric_stub_timestamp(const fabric_stub *stub, int64_t *seconds_out,
                                         int32_t *nanos_out);

/* The value of transient field `key` (private to the proposal: never in the
 * transaction), borrowed into *value_out and *value_len_out. FABRIC_ENOTFOUND if the
 * proposal has no such field. */
FABRIC_EXPORT int fabric_stub_transient(const uint8_t **value_out, size_t *value_len_out,
                                        const fabric_stub *stub, const char *key,
                                        fabric_error **err);

/* 1 if the contract runs for a query (fabric_endorser_evaluate), 0 for a proposal. */
FABRIC_EXPORT int fabric_stub_is_query(const fabric_stub *stub);

/* The committed value of `key` in the contract's namespace, into value_out (the caller
 * disposes it). FABRIC_ENOTFOUND if the key has no value (value_out is then left
 * untouched). Recorded as a read (with the version read) for endorsements. */
FABRIC_EXPORT int fabric_stub_get_state(fabric_buf *value_out, fabric_stub *stub,
                                        const uint8_t *key, size_t key_len, fabric_error **err);

/* Writes `value` to `key`, or deletes `key`: buffered in the transaction's write set,
 * the last write of a key wins. */
FABRIC_EXPORT int fabric_stub_put_state(fabric_stub *stub, const uint8_t *key, size_t key_len,
                                        const uint8_t *value, size_t value_len, fabric_error **err);
FABRIC_EXPORT int fabric_stub_del_state(fabric_stub *stub, const uint8_t *key, size_t key_len,
                                        fabric_error **err);

/* Called once per key and value of a range, in byte order of the key; everything is
 * borrowed for the call only. A non-zero return stops the iteration and is what the
 * function returns; what was read is recorded all the same. */
typedef int (*fabric_kv_cb)(const uint8_t *key, size_t key_len, const uint8_t *value,
                            size_t value_len, void *payload);

/* The simple keys in [start, end), as the shim's GetStateByRange: an empty start means
 * from the first key, an empty end to the last. Recorded for phantom-read checks. */
FABRIC_EXPORT int fabric_stub_get_state_by_range(fabric_stub *stub, const uint8_t *start,
                                                 size_t start_len, const uint8_t *end,
                                                 size_t end_len, fabric_kv_cb cb, void *payload,
                                                 fabric_error **err);

/* One page of that range (not after a write): at most page_size (> 0) entries, starting at
 * `bookmark` (empty: at `start`). bookmark_out (optional) receives where the next page
 * starts (the caller disposes it); empty when the range has no more keys. */
FABRIC_EXPORT int fabric_stub_get_state_by_range_page(fabric_buf *bookmark_out, fabric_stub *stub,
                                                      const uint8_t *start, size_t start_len,
                                                      const uint8_t *end, size_t end_len,
                                                      int32_t page_size, const uint8_t *bookmark,
                                                      size_t bookmark_len, fabric_kv_cb cb,
                                                      void *payload, fabric_error **err);

/* Every composite key of `object_type` whose attributes begin with the num_attrs given
 * (UTF-8 strings), with its value. */
FABRIC_EXPORT int fabric_stub_get_state_by_partial_composite_key(fabric_stub *stub,
                                                                 const char *object_type,
                                                                 const char *const *attrs,
                                                                 size_t num_attrs, fabric_kv_cb cb,
                                                                 void *payload, fabric_error **err);

/* Fabric's composite key for an object type and its attributes (UTF-8 strings without
 * NUL or U+10FFFF; FABRIC_EINVAL otherwise): 0x00 type 0x00 attr1 0x00 ... 0x00,
 * into out (the caller disposes it). */
FABRIC_EXPORT int fabric_composite_key_create(fabric_buf *out, const char *object_type,
                                              const char *const *attrs, size_t num_attrs,
                                              fabric_error **err);

/* Called with the parts of a composite key: index 0 is the object type, then the
 * attributes in order (NUL-terminated, borrowed for the call only). A non-zero return
 * stops, and the function returns it. */
typedef int (*fabric_key_part_cb)(size_t index, const char *part, size_t part_len, void *payload);

/* Splits a composite key into its parts. FABRIC_EMALFORMED if it is not one. */
FABRIC_EXPORT int fabric_composite_key_split(const uint8_t *key, size_t key_len,
                                             fabric_key_part_cb cb, void *payload,
                                             fabric_error **err);

/* Called once per metadata entry of a key, sorted by name. A non-zero return stops, and
 * the function returns it. */
typedef int (*fabric_metadata_cb)(const char *name, const uint8_t *value, size_t value_len,
                                  void *payload);

/* The committed metadata entries of `key` (none if it has none or no value), e.g.
 * "VALIDATION_PARAMETER" (a key-level endorsement policy: a serialized
 * SignaturePolicyEnvelope). Recorded as a read of the key. */
FABRIC_EXPORT int fabric_stub_get_state_metadata(fabric_stub *stub, const uint8_t *key,
                                                 size_t key_len, fabric_metadata_cb cb,
                                                 void *payload, fabric_error **err);

/* Sets the metadata of `key` to the one entry `name` = value, as Fabric's peer does: at
 * commit it replaces the key's whole metadata (other entries are not kept; an empty
 * value is kept as an empty entry). Of several calls for one key the last wins. Nothing
 * is read. */
FABRIC_EXPORT int fabric_stub_set_state_metadata(fabric_stub *stub, const uint8_t *key,
                                                 size_t key_len, const char *name,
                                                 const uint8_t *value, size_t value_len,
                                                 fabric_error **err);

/* Sets the transaction's chaincode event (a later call replaces it); hosts hear it
 * through fabric_channel_subscribe_events once the transaction commits valid. */
FABRIC_EXPORT int fabric_stub_set_event(fabric_stub *stub, const char *name, const uint8_t *data,
                                        size_t data_len, fabric_error **err);

/* Called once per modification of a key, newest first; `mod` is borrowed for the call
 * only and its `key_version` is not known here (zeros). A non-zero return stops, and the
 * function returns it. */
typedef int (*fabric_history_cb)(const fabric_key_modification *mod, void *payload);

/* Private data of the chaincode's collections (see "Private data"), with Fabric's
 * rules: a read of a value records a hashed read (the key's hash and version) and fails
 * (FABRIC_ECONFLICT) when this peer's value is not the committed one (missing or
 * purged); a write records the value privately and its hash in the transaction; private
 * range and partial composite key queries record nothing and are refused once the
 * transaction has written (writes are refused after them, FABRIC_ECONFLICT). A
 * collection the chaincode does not define is FABRIC_EINVAL; MemberOnlyRead and
 * MemberOnlyWrite refuse a creator outside the member orgs (FABRIC_EDENIED). The hash of
 * a value (FABRIC_HASH_SIZE bytes) may be read by anyone. FABRIC_ENOTFOUND from the two
 * getters: no value. */
FABRIC_EXPORT int fabric_stub_get_private_data(fabric_buf *value_out, fabric_stub *stub,
                                               const char *collection, const uint8_t *key,
                                               size_t key_len, fabric_error **err);
FABRIC_EXPORT int fabric_stub_get_private_data_hash(fabric_buf *value_hash_out, fabric_stub *stub,
                                                    const char *collection, const uint8_t *key,
                                                    size_t key_len, fabric_error **err);
/* An empty value deletes, as fabric_stub_del_private_data. */
FABRIC_EXPORT int fabric_stub_put_private_data(fabric_stub *stub, const char *collection,
                                               const uint8_t *key, size_t key_len,
                                               const uint8_t *value, size_t value_len,
                                               fabric_error **err);
FABRIC_EXPORT int fabric_stub_del_private_data(fabric_stub *stub, const char *collection,
                                               const uint8_t *key, size_t key_len,
                                               fabric_error **err);
/* The collection's keys in [start, end), as fabric_stub_get_state_by_range's. */
FABRIC_EXPORT int fabric_stub_get_private_data_by_range(fabric_stub *stub, const char *collection,
                                                        const uint8_t *start, size_t start_len,
                                                        const uint8_t *end, size_t end_len,
                                                        fabric_kv_cb cb, void *payload,
                                                        fabric_error **err);
FABRIC_EXPORT int fabric_stub_get_private_data_by_partial_composite_key(
    fabric_stub *stub, const char *collection, const char *object_type, const char *const *attrs,
    size_t num_attrs, fabric_kv_cb cb, void *payload, fabric_error **err);
/* A private key's metadata entries (recorded as a hashed read), and one entry set, as
 * fabric_stub_get_state_metadata and fabric_stub_set_state_metadata. */
FABRIC_EXPORT int fabric_stub_get_private_data_metadata(fabric_stub *stub, const char *collection,
                                                        const uint8_t *key, size_t key_len,
                                                        fabric_metadata_cb cb, void *payload,
                                                        fabric_error **err);
FABRIC_EXPORT int fabric_stub_set_private_data_metadata(fabric_stub *stub, const char *collection,
                                                        const uint8_t *key, size_t key_len,
                                                        const char *name, const uint8_t *value,
                                                        size_t value_len, fabric_error **err);

/* The modifications of `key` by valid transactions, newest first. */
FABRIC_EXPORT int fabric_stub_get_history_for_key(fabric_stub *stub, const uint8_t *key,
                                                  size_t key_len, fabric_history_cb cb,
                                                  void *payload, fabric_error **err);

/* ---- Endorsement: the endorsing peer ----------------------------------------------- */

/* One channel's endorsing peer: what a Fabric peer does with a SignedProposal, without
 * the networking. For each proposal, in Fabric's order: parse it (an endorser
 * transaction of this channel, with the txid its nonce and creator give); validate its
 * creator with the channel's MSPs (an expired certificate is refused) and verify the
 * creator's signature; refuse a txid the ledger holds; check access (the channel's ACL
 * for peer/Propose, else /Channel/Application/Writers, to endorse;
 * /Channel/Application/Readers to evaluate); find the chaincode (defined on the
 * channel, in its _lifecycle state, and registered here; _lifecycle itself is built
 * in); run the contract on the latest committed state; and, to endorse a response below
 * 400, sign a ProposalResponse over the read-write set, event and response with the
 * endorser's identity.
 *
 * A proposal refused before the contract runs is an error:
 *   FABRIC_EMALFORMED: not a well-formed proposal (or of another channel, or a wrong
 *     txid);
 *   FABRIC_EDENIED: the creator's identity or signature is invalid, or access denied;
 *   FABRIC_ECONFLICT: a transaction with this txid is committed already (also: the
 *     chaincode definition changed during the proposal, or names an endorsement plugin
 *     other than escc);
 *   FABRIC_ENOTFOUND: the chaincode is not defined on the channel or not registered;
 *   FABRIC_ECORRUPT: the channel's _lifecycle state is damaged.
 * A contract's own error (status 400 or more) is not: the call succeeds and the result
 * carries the status and message, with no proposal response.
 *
 * Thread safety: every function may be called from any thread, also concurrently;
 * proposals run concurrently, each contract call on the thread that asked for it. */
typedef struct fabric_endorser fabric_endorser;

/* The outcome of a proposal, immutable. */
typedef struct fabric_proposal_result fabric_proposal_result;

/* An endorser over the channel's ledger and config, signing as `signer` (a peer of one
 * of the channel's orgs). The endorser keeps its own references to both: the signer and
 * the channel may be freed before it, in any order (once the channel is freed, no more
 * blocks arrive, and the endorser goes on reading the ledger as last committed). */
FABRIC_EXPORT int fabric_endorser_create(fabric_endorser **out, const fabric_channel *channel,
                                         const fabric_signer *signer, fabric_error **err);

/* Releases the endorser; no endorse or evaluate call may be running on it. */
FABRIC_EXPORT void fabric_endorser_free(fabric_endorser *endorser);

/* Hosts `fn` under chaincode name `name`, replacing an earlier registration of the name.
 * `payload` is given to each call and must stay valid until the endorser is freed, or
 * until the name is registered again and the calls running then have returned.
 * FABRIC_EINVAL for an empty name or "_lifecycle". */
FABRIC_EXPORT int fabric_endorser_register_contract(fabric_endorser *endorser, const char *name,
                                                    fabric_contract_fn fn, void *payload,
                                                    fabric_error **err);

/* Endorses a signed proposal (serialized protos.SignedProposal): runs the contract and,
 * if its status is below 400, signs the proposal response. out receives the result. */
FABRIC_EXPORT int fabric_endorser_endorse(fabric_proposal_result **out,
                                          const fabric_endorser *endorser,
                                          const uint8_t *signed_proposal,
                                          size_t signed_proposal_len, fabric_error **err);

/* Evaluates a signed proposal as a query: runs the contract (writes refused) and
 * returns its response; nothing is signed. */
FABRIC_EXPORT int fabric_endorser_evaluate(fabric_proposal_result **out,
                                           const fabric_endorser *endorser,
                                           const uint8_t *signed_proposal,
                                           size_t signed_proposal_len, fabric_error **err);

/* Releases a proposal result (NULL: nothing). */
FABRIC_EXPORT void fabric_proposal_result_free(fabric_proposal_result *result);

/* The transaction id (borrowed). */
FABRIC_EXPORT const char *fabric_proposal_result_txid(const fabric_proposal_result *result);

/* The contract's response: status, message (borrowed, "" if none) and payload. */
FABRIC_EXPORT int32_t fabric_proposal_result_status(const fabric_proposal_result *result);
FABRIC_EXPORT const char *fabric_proposal_result_message(const fabric_proposal_result *result);
FABRIC_EXPORT const uint8_t *fabric_proposal_result_payload(const fabric_proposal_result *result,
                                                            size_t *len_out);

/* The signed ProposalResponse (serialized protos.ProposalResponse) to hand back to the
 * client; empty (*len_out 0) when not endorsed (evaluate, or a status of 400 or more). */
FABRIC_EXPORT const uint8_t *fabric_proposal_result_response(const fabric_proposal_result *result,
                                                             size_t *len_out);

/* The simulation's read-write set (serialized rwset.TxReadWriteSet, also inside the
 * proposal response); empty unless endorsed. */
FABRIC_EXPORT const uint8_t *fabric_proposal_result_rwset(const fabric_proposal_result *result,
                                                          size_t *len_out);

/* The private data the simulation wrote (a serialized rwset.TxPvtReadWriteSet), which
 * the read-write set carries as hashes only: what the host hands, with the block, to
 * the committing peers of the collections' member orgs
 * (fabric_channel_submit_with_private_data). Empty unless endorsed with private writes. */
FABRIC_EXPORT const uint8_t *fabric_proposal_result_private_rwset(
    const fabric_proposal_result *result, size_t *len_out);

/* ---- The client side: proposals and transactions ----------------------------------- */

/* 64 hex digits and a NUL. */
#define FABRIC_TXID_SIZE 65

/* A transient field of a proposal (given to the contract, never in the transaction). */
typedef struct fabric_transient_entry {
  const char *key;
  const uint8_t *value;
  size_t value_len;
} fabric_transient_entry;

typedef struct fabric_proposal_options {
  unsigned int version;                    /* FABRIC_PROPOSAL_OPTIONS_VERSION */
  const fabric_transient_entry *transient; /* num_transient entries, distinct keys */
  size_t num_transient;
  const uint8_t *nonce; /* NULL (with nonce_len 0): 24 random bytes */
  size_t nonce_len;
  int64_t timestamp_seconds; /* the channel header timestamp; 0 and 0: now */
  int32_t timestamp_nanos;
} fabric_proposal_options;

#define FABRIC_PROPOSAL_OPTIONS_VERSION 1
/* clang-format off */
#define FABRIC_PROPOSAL_OPTIONS_INIT {FABRIC_PROPOSAL_OPTIONS_VERSION, NULL, 0, NULL, 0, 0, 0}
/* clang-format on */

/* Sets *opts to FABRIC_PROPOSAL_OPTIONS_INIT for the given version (pass
 * FABRIC_PROPOSAL_OPTIONS_VERSION). FABRIC_EINVAL for an unknown version. */
FABRIC_EXPORT int fabric_proposal_options_init(fabric_proposal_options *opts, unsigned int version);

/* A signed proposal (serialized protos.SignedProposal), as Fabric's SDKs make one: an
 * endorser transaction invoking `chaincode` on `channel_id` with `args` (the function
 * first), signed by `creator`. out receives the proposal; txid_out (optional) its
 * transaction id, hex(SHA-256(nonce || creator)). options may be NULL for the defaults.
 * FABRIC_EINVAL for an empty chaincode name, a timestamp protobuf cannot hold, or an
 * options version this library does not know. */
FABRIC_EXPORT int fabric_proposal_create(fabric_buf *out, char txid_out[FABRIC_TXID_SIZE],
                                         const fabric_signer *creator, const char *channel_id,
                                         const char *chaincode, const fabric_bytes *args,
                                         size_t num_args, const fabric_proposal_options *options,
                                         fabric_error **err);

/* The transaction (a serialized common.Envelope, signed by `creator`, who made the
 * proposal) from a signed proposal and its endorsers' proposal responses, as Fabric's
 * protoutil.CreateSignedTx: every response must have a status below 400 and the same
 * payload (FABRIC_EMALFORMED otherwise, naming the response that differs); transient
 * fields are left out. FABRIC_EINVAL for no responses. */
FABRIC_EXPORT int fabric_tx_assemble(fabric_buf *out, const fabric_signer *creator,
                                     const uint8_t *signed_proposal, size_t signed_proposal_len,
                                     const fabric_bytes *responses, size_t num_responses,
                                     fabric_error **err);

/* A chaincode definition, as an org's admin gives it to `_lifecycle` (Fabric's `peer
 * lifecycle chaincode commit` flags). */
typedef struct fabric_chaincode_definition {
  unsigned int version;            /* FABRIC_CHAINCODE_DEFINITION_VERSION */
  const char *name;                /* the chaincode name */
  const char *chaincode_version;   /* the definition's version, e.g. "1.0" */
  int64_t sequence;                /* the committed sequence + 1 */
  const uint8_t *signature_policy; /* the endorsement policy as a serialized
                                      SignaturePolicyEnvelope (fabric_policy_compile),
                                      or NULL */
  size_t signature_policy_len;
  const char *channel_config_policy; /* or a channel policy by path, e.g.
                                        "/Channel/Application/Endorsement", or NULL;
                                        neither: the channel's Endorsement policy */
  int init_required;                 /* 1: the first invocation must be Init */
} fabric_chaincode_definition;

#define FABRIC_CHAINCODE_DEFINITION_VERSION 1
/* clang-format off */
#define FABRIC_CHAINCODE_DEFINITION_INIT \
  {FABRIC_CHAINCODE_DEFINITION_VERSION, NULL, NULL, 0, NULL, 0, NULL, 0}
/* clang-format on */

/* The argument that follows the function name "CommitChaincodeDefinition" in a
 * proposal to `_lifecycle` (a serialized lifecycle.CommitChaincodeDefinitionArgs), into
 * out (the caller disposes it):
 *   fabric_bytes args[2] = {{"CommitChaincodeDefinition", 25}, {buf.data, buf.size}};
 * The same bytes are the argument of "ApproveChaincodeDefinitionForMyOrg" (an approval
 * naming no package) and of "CheckCommitReadiness": a chaincode is defined by each org's
 * approval (endorsed by that org's peer), then the commit (endorsed by the orgs the
 * channel's LifecycleEndorsement policy needs, each of which must have approved).
 * FABRIC_EINVAL for an unknown version, a NULL name or chaincode_version, or both
 * policies given; FABRIC_EMALFORMED if signature_policy does not parse. Whether the
 * definition is acceptable is `_lifecycle`'s to say, when it is endorsed. */
FABRIC_EXPORT int fabric_lifecycle_commit_args(fabric_buf *out,
                                               const fabric_chaincode_definition *definition,
                                               fabric_error **err);

/* ---- Block assembly: standing in for an ordering service --------------------------- */

/* Packages transaction envelopes into signed blocks as Fabric's orderer does (its
 * block cutter and block writer), for hosts and tests without an ordering service:
 * batches cut by message count, bytes or time; the hash chain; LAST_CONFIG and
 * SIGNATURES metadata signed by an orderer identity. A CONFIG envelope gets a block of
 * its own. No consensus: one assembler per chain.
 *
 * Thread safety: one thread at a time. */
typedef struct fabric_block_assembler fabric_block_assembler;

/* Fabric's orderer BatchSize and BatchTimeout; each must be greater than 0. */
typedef struct fabric_batch_options {
  unsigned int version;       /* FABRIC_BATCH_OPTIONS_VERSION */
  size_t max_message_count;   /* envelopes per block at most */
  size_t preferred_max_bytes; /* a batch is cut before it would grow past this */
  uint64_t timeout_ms;        /* fabric_block_assembler_tick cuts a batch this old */
} fabric_batch_options;

#define FABRIC_BATCH_OPTIONS_VERSION 1
/* clang-format off */
#define FABRIC_BATCH_OPTIONS_INIT {FABRIC_BATCH_OPTIONS_VERSION, 500, 2097152, 2000}
/* clang-format on */

/* Sets *opts to FABRIC_BATCH_OPTIONS_INIT for the given version (pass
 * FABRIC_BATCH_OPTIONS_VERSION). FABRIC_EINVAL for an unknown version. */
FABRIC_EXPORT int fabric_batch_options_init(fabric_batch_options *opts, unsigned int version);

/* An assembler continuing the chain whose last block is `last_block` (a serialized
 * common.Block, e.g. the genesis block or fabric_ledger_block_by_number of the last
 * one), signing as `orderer` (the assembler keeps its own reference). options may be
 * NULL for the defaults. FABRIC_EMALFORMED if the block does not parse; FABRIC_EINVAL
 * for an options version this library does not know or an option that is 0. */
FABRIC_EXPORT int fabric_block_assembler_create(fabric_block_assembler **out,
                                                const uint8_t *last_block, size_t last_block_len,
                                                const fabric_signer *orderer,
                                                const fabric_batch_options *options,
                                                fabric_error **err);

/* Releases the assembler and what is pending in it (NULL: nothing). */
FABRIC_EXPORT void fabric_block_assembler_free(fabric_block_assembler *assembler);

/* Called with each block cut (a serialized common.Block, borrowed for the call only), in
 * chain order. */
typedef void (*fabric_block_cb)(const uint8_t *block, size_t block_len, void *payload);

/* Adds a transaction envelope (a serialized common.Envelope of this channel) and calls
 * `cb` for each block that this cuts (none, one, or two: the pending batch and a config
 * block), before returning. FABRIC_EMALFORMED for an envelope that does not parse or
 * names another channel (nothing is added). */
FABRIC_EXPORT int fabric_block_assembler_add(fabric_block_assembler *assembler,
                                             const uint8_t *envelope, size_t envelope_len,
                                             fabric_block_cb cb, void *payload, fabric_error **err);

/* The pending batch as a block, into out (the caller disposes it). _cut cuts it now;
 * _tick only if its first envelope came timeout_ms ago or more. FABRIC_ENOTFOUND if no
 * block is cut (nothing pending, or not yet due). */
FABRIC_EXPORT int fabric_block_assembler_cut(fabric_buf *out, fabric_block_assembler *assembler,
                                             fabric_error **err);
FABRIC_EXPORT int fabric_block_assembler_tick(fabric_buf *out, fabric_block_assembler *assembler,
                                              fabric_error **err);

/* The number the next block will have, and the envelopes waiting for a block. */
FABRIC_EXPORT uint64_t fabric_block_assembler_next_number(const fabric_block_assembler *assembler);
FABRIC_EXPORT size_t fabric_block_assembler_pending(const fabric_block_assembler *assembler);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FABRIC_ENDORSE_H_ */
