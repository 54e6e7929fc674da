// The transaction simulator: runs a transaction's reads and writes against a channel's
// committed state and records them as Fabric 2.5's TxSimulator does
// (core/ledger/kvledger/txmgmt/txmgr, rwsetutil), so that the read-write set it produces
// is byte for byte what a Fabric peer would produce for the same calls.
//
//   TxSimulator sim(ledger, TxSimulator::Mode::kEndorse);
//   auto v = sim.GetState("asset", "a1");        // records (a1, committed version)
//   sim.PutState("asset", "a1", "v2");          // buffered
//   absl::StatusOr<std::string> rwset = sim.Results();   // a serialized TxReadWriteSet
//
// Rules (Fabric's):
//   - reads return committed state, never the transaction's own writes, and record the
//     key's committed version (absent: no version);
//   - writes and deletes are buffered; the last one of a key wins;
//   - a range query records its start key, end key, exhaustion and its results' keys and
//     versions, or their Merkle summary past kDefaultMaxDegree results (rwset/range_query.h).
//     A range is returned whole, so it is recorded as Fabric records an iterator read to
//     its end: end_key = the query's end key ("" for an open end), itr_exhausted = true.
//     Two exceptions, both Fabric's: past the peer's total query limit (100,000 results,
//     core.yaml ledger.state.totalQueryLimit) the scan stops at the limit, and a page
//     that comes back full (GetStateRangePage) was not read past its last result; then
//     end_key = the last result's key and itr_exhausted = false. A query with the same
//     (start, end, exhausted) as an earlier one of its namespace is recorded once;
//   - GetStateMetadata records a read of the key (its committed version), as GetState;
//   - metadata writes record the key's whole new metadata (entries sorted by name);
//   - a key's writes and metadata writes are kept apart, each the last of its kind;
//   - Results(): namespaces in byte order; in each, reads, writes and metadata writes
//     sorted by key, range queries in the order they ran; empty namespaces left out.
//     Serialized with data_model KV, each namespace's KVRWSet serialized into its
//     NsReadWriteSet, fields in field-number order: the bytes of Fabric's
//     GetTxSimulationResults().GetPubSimulationBytes() for the same calls.
// Fabric's TxSimulator rules, in both modes: history is allowed (and not recorded); a
// paginated query (GetStateRangePage) is refused once the transaction has written, and
// a write (PutState, DelState, SetStateMetadata) once it has made a paginated query
// (FailedPrecondition). kQuery, a read-only executor (Fabric's QueryExecutor) for a
// host's own queries, also refuses every write (FailedPrecondition). The endorser
// simulates queries in kEndorse mode, as Fabric's evaluate does, and drops the results.
//
// Private data (collections), as Fabric's simulator records it (rwsetutil.RWSetBuilder):
//   - GetPrivateData reads the private value and records a hashed read (the key's hash
//     and its hashed version); FailedPrecondition "private data matching public hash
//     version is not available" when this peer's private value is not the one the hash
//     is of (a missing or purged value); GetPrivateDataHash reads the value's hash and
//     records the same hashed read; GetPrivateDataMetadata reads the hashed key's
//     metadata and records the same read;
//   - PutPrivateData / DelPrivateData record a private write (raw key and value) and a
//     hashed write (key hash and value hash, or a delete); SetPrivateDataMetadata a
//     private metadata write without entries and a hashed one with them;
//   - private range queries read the private state and record nothing; they are refused
//     once the transaction has written, and after one, writes are refused;
//   - Results(): each namespace's collections, by name, as CollectionHashedReadWriteSets
//     (reads, writes and metadata writes sorted by raw key) with pvt_rwset_hash the
//     SHA-256 of the collection's private rwset bytes; PrivateResults(): the
//     TxPvtReadWriteSet (namespaces and collections by name, writes and metadata writes
//     by key), the private data an endorser hands over for dissemination.
//
// A simulation reads the latest committed state at each call, not one snapshot as
// Fabric's (which holds commits off until the simulation is done): a transaction that
// read a key a later block changed still fails MVCC at commit, as in Fabric, but a
// query's answer may mix reads from before and after a block.
//
// Thread safety: one thread at a time; the ledger may commit concurrently.
#ifndef FABRIC_LIB_ENDORSE_SIMULATOR_H_
#define FABRIC_LIB_ENDORSE_SIMULATOR_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/endorse/contract.h"
#include "lib/ledger/ledger.h"

namespace fabric::endorse {

class TxSimulator {
 public:
  enum class Mode { kEndorse, kQuery };

  // Over the committed `state` and `history`, which must outlive the simulator.
  TxSimulator(const ledger::StateDb& state, const ledger::HistoryDb& history, Mode mode);
  // Over `ledger`'s state and history.
  TxSimulator(const ledger::Ledger& ledger, Mode mode)
      : TxSimulator(ledger.state(), ledger.history(), mode) {}
  ~TxSimulator();
  TxSimulator(const TxSimulator&) = delete;
  TxSimulator& operator=(const TxSimulator&) = delete;

  Mode mode() const { return mode_; }

  absl::StatusOr<std::optional<std::string>> GetState(absl::string_view ns, absl::string_view key);
  absl::Status PutState(absl::string_view ns, absl::string_view key, absl::string_view value);
  absl::Status DelState(absl::string_view ns, absl::string_view key);

  // [start, end) of `ns`, end "" = to the end; the keys exactly as given (the stub
  // applies the shim's substitutions). Recorded as one range query.
  absl::StatusOr<std::vector<KeyValue>> GetStateRange(absl::string_view ns, absl::string_view start,
                                                      absl::string_view end);
  // At most `limit` results from `start` (InvalidArgument if 0), and the bookmark: the
  // key after the page, "" if none. Recorded as a range query (see above). Refused after
  // a write; refuses later writes.
  absl::StatusOr<RangePage> GetStateRangePage(absl::string_view ns, absl::string_view start,
                                              absl::string_view end, size_t limit);

  absl::StatusOr<std::map<std::string, std::string>> GetStateMetadata(absl::string_view ns,
                                                                      absl::string_view key);
  // Records the key's whole new metadata (name -> value; empty removes all of it).
  // Reads nothing.
  absl::Status SetStateMetadata(absl::string_view ns, absl::string_view key,
                                std::map<std::string, std::string> metadata);

  // The key's modifications, newest first, at most the total query limit (not
  // recorded: Fabric does not protect history reads from later commits either).
  absl::StatusOr<std::vector<KeyModification>> GetHistoryForKey(absl::string_view ns,
                                                                absl::string_view key);

  // ---- Private data (see above) ----
  absl::StatusOr<std::optional<std::string>> GetPrivateData(absl::string_view ns,
                                                            absl::string_view coll,
                                                            absl::string_view key);
  absl::StatusOr<std::optional<std::string>> GetPrivateDataHash(absl::string_view ns,
                                                                absl::string_view coll,
                                                                absl::string_view key);
  // An empty value is a delete (as for public writes).
  absl::Status PutPrivateData(absl::string_view ns, absl::string_view coll, absl::string_view key,
                              absl::string_view value);
  absl::Status DelPrivateData(absl::string_view ns, absl::string_view coll, absl::string_view key);
  absl::StatusOr<std::vector<KeyValue>> GetPrivateDataRange(absl::string_view ns,
                                                            absl::string_view coll,
                                                            absl::string_view start,
                                                            absl::string_view end);
  absl::StatusOr<std::map<std::string, std::string>> GetPrivateDataMetadata(absl::string_view ns,
                                                                            absl::string_view coll,
                                                                            absl::string_view key);
  absl::Status SetPrivateDataMetadata(absl::string_view ns, absl::string_view coll,
                                      absl::string_view key,
                                      std::map<std::string, std::string> metadata);

  // The transaction id, for Fabric's error messages that name it.
  void set_txid(std::string txid) { txid_ = std::move(txid); }

  // The serialized TxReadWriteSet. REQUIRES: called after the last read or write.
  absl::StatusOr<std::string> Results() const;
  // The serialized TxPvtReadWriteSet; "" when the transaction wrote no private data.
  absl::StatusOr<std::string> PrivateResults() const;

 private:
  struct Namespace;
  struct Collection;
  Namespace& Ns(absl::string_view ns);
  Collection& Coll(absl::string_view ns, absl::string_view coll);
  // Reads the hashed key of `key` and records the hashed read.
  absl::StatusOr<std::optional<ledger::VersionedValue>> ReadHashed(absl::string_view ns,
                                                                   absl::string_view coll,
                                                                   absl::string_view key);
  // The serialized private KVRWSet of each collection that wrote, by (ns, coll).
  absl::StatusOr<std::map<std::pair<std::string, std::string>, std::string>> CollectionWrites()
      const;
  // OK if the transaction may write now (and then it has written).
  absl::Status CheckWrite();

  const ledger::StateDb& state_;
  const ledger::HistoryDb& history_;
  const Mode mode_;
  bool wrote_ = false;            // a write was recorded
  bool paginated_ = false;        // a paginated query was made
  bool private_queried_ = false;  // a private range query was made
  std::string txid_;
  std::map<std::string, std::unique_ptr<Namespace>, std::less<>> namespaces_;
};

// What a stub needs to know of the chaincode's collections for the transaction's
// creator (Fabric's collection store: RetrieveCollectionConfig,
// RetrieveReadWritePermission).
class CollectionAccess {
 public:
  virtual ~CollectionAccess() = default;
  struct Permission {
    bool read = true;
    bool write = true;
  };
  // What the creator may do with the values of collection `collection`; nullopt when
  // the chaincode has no such collection.
  virtual absl::StatusOr<std::optional<Permission>> Check(absl::string_view collection) const = 0;
};

// A Stub for the contract of namespace `ns`, over `sim`: the shim's checks and key
// substitutions on top of the simulator. `sim`, `invocation` and `collections` must
// outlive it; `collections` null: the chaincode has none.
std::unique_ptr<Stub> NewSimulatorStub(TxSimulator* sim, std::string ns,
                                       const Invocation* invocation,
                                       const CollectionAccess* collections = nullptr);

// The chaincode event a stub recorded (SetEvent), if any; REQUIRES: `stub` came from
// NewSimulatorStub.
struct EventRecord {
  std::string name;
  std::string payload;
};
std::optional<EventRecord> StubEvent(const Stub& stub);

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_SIMULATOR_H_
