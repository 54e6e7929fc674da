// The MVCC stage of block commit: Fabric 2.5's state-based validation of a block
// (core/ledger/kvledger/txmgmt/validation: preprocessProtoBlock, validateAndPrepareBatch),
// run after the validator and before the ledger stores the block.
//
// Transactions are taken in block order; only those whose code is VALID are looked at.
// For a VALID endorser transaction, its first action's read-write set, namespace by
// namespace in rwset order, is checked against the committed state as updated by the
// writes of the block's earlier VALID transactions; the first failing check decides:
//   - a read (KVRead) of a key that an earlier transaction of the block wrote, deleted
//     or changed the metadata of, or whose committed version differs from the version
//     read (an absent key and an absent version are both "nil"): MVCC_READ_CONFLICT;
//   - a range query (RangeQueryInfo) whose re-run over [start_key, end_key) -- plus
//     end_key itself when the simulator did not exhaust the iterator -- yields other
//     keys or versions than the recorded raw reads, or another Merkle summary
//     (rwset/range_query.h): PHANTOM_READ_CONFLICT;
//   - a hashed read of a private collection, checked like a read, by key hash:
//     MVCC_READ_CONFLICT.
// A VALID endorser transaction whose action or read-write set cannot be read becomes
// NIL_TXACTION (no action, or no ChaincodeAction in it) or INVALID_OTHER_REASON (the
// TxReadWriteSet or a namespace's or collection's set does not parse), as Fabric's
// preprocessing decides. A transaction that stays VALID makes its writes visible to
// later ones with Fabric's folding rules (rwset/write_ops.h): a write with an empty value
// is a delete, and a metadata change of a key without a value writes nothing. A VALID
// CONFIG transaction writes the channel-config key; other types write nothing.
//
// Where Fabric's peer panics or fails the whole block on a transaction that a malicious
// endorser could produce, this code gives the transaction a code instead:
//   - a raw range read without a version: PHANTOM_READ_CONFLICT (Fabric dereferences
//     nil);
//   - a Merkle summary with max_degree < 2 (Fabric returns an error that stops the
//     commit) or one that the re-run outgrows (Fabric can index past its hashes):
//     PHANTOM_READ_CONFLICT;
//   - a metadata-only change of a key deleted earlier in the block (Fabric puts a nil
//     value and panics): the key stays deleted, as ledger/update_batch.h keeps it.
//
// Cost: one GetVersion per read, no value copied; the block's writes live in a hash map
// keyed by views into the parsed block. Range queries scan state in pages.
#ifndef FABRIC_LIB_VALIDATE_MVCC_H_
#define FABRIC_LIB_VALIDATE_MVCC_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "lib/base/thread_pool.h"
#include "lib/ledger/state_db.h"
#include "lib/wire/block.h"

namespace fabric::validate {

// Updates `codes` (one protos::TxValidationCode per transaction, as the validator
// decided) with the MVCC stage's decisions, against `state` as of the previous block.
// InvalidArgument if `codes` does not cover the block or a VALID transaction has no
// channel header (the validator never leaves one VALID); DataLoss and other state
// errors as StateDb returns them. On error `codes` may be partly updated.
//
// With `pool`, the committed versions of the block's plain reads are fetched on it in
// parallel first (the decisions stay sequential, in block order, and the same).
//
// Thread safety: reads `state` only; may run concurrently with other readers, not with
// a commit to `state`.
absl::Status CheckReadConflicts(const wire::ParsedBlock& block, const ledger::StateDb& state,
                                absl::Span<uint8_t> codes, ThreadPool* pool = nullptr);

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_MVCC_H_
