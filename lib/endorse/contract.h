// Smart contracts as a host registers them: code that gets an invocation and a stub over
// the channel's world state, and answers with a response (Fabric's chaincode shim, run in
// process).
//
//   class Assets : public Contract {
//     Response Invoke(Stub& stub) override {
//       const Invocation& inv = stub.invocation();
//       if (inv.function == "put") {
//         absl::Status s = stub.PutState(inv.args[0], inv.args[1]);
//         if (!s.ok()) return Response::Error(s.message());
//         return Response::Ok();
//       }
//       ...
//     }
//   };
//
// A contract runs for a query (evaluate: against the latest committed state, nothing is
// signed) or for a proposal (endorse: its reads and writes become the transaction's
// read-write set). The stub enforces what Fabric's shim and simulator enforce: PutState
// refuses an empty key (the shim's only key check); range ends may not be composite keys
// (which start with "\x00"); a transaction that has written makes no paginated query,
// and one that made a paginated query does not write. A query may write, as in
// Fabric's evaluate: the writes are simulated and dropped.
//
// Thread safety: a Contract's Invoke may be called from several threads at once, each
// with its own Stub. A Stub is used by one thread, during one Invoke.
#ifndef FABRIC_LIB_ENDORSE_CONTRACT_H_
#define FABRIC_LIB_ENDORSE_CONTRACT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::endorse {

// Fabric's shim status thresholds: below 400 is success-ish, 400 and up is an error
// (no endorsement), 500 the usual error.
inline constexpr int32_t kStatusOk = 200;
inline constexpr int32_t kStatusErrorThreshold = 400;
inline constexpr int32_t kStatusError = 500;

struct Response {
  int32_t status = kStatusOk;
  std::string message;
  std::string payload;

  static Response Ok(std::string payload = "") { return {kStatusOk, "", std::move(payload)}; }
  static Response Error(std::string message) { return {kStatusError, std::move(message), ""}; }
};

// What the contract is asked to do, from the signed proposal.
struct Invocation {
  std::string channel_id;
  std::string txid;
  std::string chaincode;          // the name it is registered under
  std::string function;           // the first argument ("" if none)
  std::vector<std::string> args;  // the arguments after the first
  std::map<std::string, std::string> transient;
  std::string creator;  // the SerializedIdentity bytes of the proposal's creator
  std::string creator_mspid;
  int64_t timestamp_seconds = 0;  // the proposal's channel header timestamp
  int32_t timestamp_nanos = 0;
  bool is_query = false;  // evaluate rather than endorse
};

struct KeyValue {
  std::string key;
  std::string value;
};

// One page of a range scan. `bookmark` resumes the scan (pass it to the next call); ""
// when the range is exhausted.
struct RangePage {
  std::vector<KeyValue> kvs;
  std::string bookmark;
};

// One modification of a key (GetHistoryForKey), newest first.
struct KeyModification {
  std::string txid;
  std::string value;
  bool is_delete = false;
  int64_t timestamp_seconds = 0;
  int32_t timestamp_nanos = 0;
};

class Stub {
 public:
  virtual ~Stub() = default;

  virtual const Invocation& invocation() const = 0;

  // The committed value of `key` in the contract's namespace; nullopt if absent. As in
  // Fabric, a transaction does not read its own writes: this is the committed value even
  // after PutState/DelState of the same key.
  virtual absl::StatusOr<std::optional<std::string>> GetState(absl::string_view key) = 0;
  virtual absl::Status PutState(absl::string_view key, absl::string_view value) = 0;
  virtual absl::Status DelState(absl::string_view key) = 0;

  // Keys in [start, end) in byte order, as the shim's GetStateByRange: start "" means
  // from the first simple key (the shim's "\x01"), end "" to the last; neither may start
  // with "\x00" (InvalidArgument). Recorded for phantom detection.
  virtual absl::StatusOr<std::vector<KeyValue>> GetStateByRange(absl::string_view start,
                                                                absl::string_view end) = 0;
  // The paginated form: at most `page_size` (> 0, else InvalidArgument) results from
  // `bookmark` on (bookmark "" = from `start`). FailedPrecondition once the transaction
  // has written; after it, writes fail.
  virtual absl::StatusOr<RangePage> GetStateByRangeWithPagination(absl::string_view start,
                                                                  absl::string_view end,
                                                                  int32_t page_size,
                                                                  absl::string_view bookmark) = 0;
  // Every composite key of `object_type` whose attributes begin with `attributes`.
  virtual absl::StatusOr<std::vector<KeyValue>> GetStateByPartialCompositeKey(
      absl::string_view object_type, const std::vector<std::string>& attributes) = 0;

  // The key's metadata entries (name -> value), e.g. "VALIDATION_PARAMETER"; empty if
  // none or absent. Recorded as a read of the key.
  virtual absl::StatusOr<std::map<std::string, std::string>> GetStateMetadata(
      absl::string_view key) = 0;
  // Sets one metadata entry of `key`, as Fabric's peer does (handler.go
  // HandlePutStateMetadata): the transaction records a metadata write holding this entry
  // alone, which replaces the key's whole metadata at commit (other entries are not kept;
  // value "" records the entry with an empty value). Nothing is read. Of several calls
  // for one key, the last wins.
  virtual absl::Status SetStateMetadata(absl::string_view key, absl::string_view name,
                                        absl::string_view value) = 0;
  // The key-level endorsement policy shorthand: SetStateMetadata(key,
  // "VALIDATION_PARAMETER", policy), with `policy` a serialized SignaturePolicyEnvelope.
  absl::Status SetStateValidationParameter(absl::string_view key, absl::string_view policy) {
    return SetStateMetadata(key, "VALIDATION_PARAMETER", policy);
  }

  // The transaction's chaincode event; a later call replaces an earlier one.
  virtual absl::Status SetEvent(absl::string_view name, absl::string_view payload) = 0;

  // The key's history, newest first. Not recorded in the read-write set, so a commit
  // in between does not invalidate the transaction (as in Fabric).
  virtual absl::StatusOr<std::vector<KeyModification>> GetHistoryForKey(absl::string_view key) = 0;

  // ---- Private data: the collections of the chaincode's definition (simulator.h) ----
  // A collection the definition does not have is InvalidArgument ("collection
  // <channel>/<cc>/<coll> could not be found"). A collection with MemberOnlyRead refuses reads of
  // its values (not of hashes) to a creator outside its member orgs, one with MemberOnlyWrite
  // writes (PermissionDenied, Fabric's words).
  virtual absl::StatusOr<std::optional<std::string>> GetPrivateData(absl::string_view collection,
                                                                    absl::string_view key) = 0;
  // The SHA-256 of the committed value (any peer of the channel has it).
  virtual absl::StatusOr<std::optional<std::string>> GetPrivateDataHash(
      absl::string_view collection, absl::string_view key) = 0;
  virtual absl::Status PutPrivateData(absl::string_view collection, absl::string_view key,
                                      absl::string_view value) = 0;
  virtual absl::Status DelPrivateData(absl::string_view collection, absl::string_view key) = 0;
  // [start, end) of the collection's private values (keys as GetStateByRange's). Not
  // recorded; refused once the transaction has written, and writes are refused after.
  virtual absl::StatusOr<std::vector<KeyValue>> GetPrivateDataByRange(absl::string_view collection,
                                                                      absl::string_view start,
                                                                      absl::string_view end) = 0;
  virtual absl::StatusOr<std::vector<KeyValue>> GetPrivateDataByPartialCompositeKey(
      absl::string_view collection, absl::string_view object_type,
      const std::vector<std::string>& attributes) = 0;
  virtual absl::StatusOr<std::map<std::string, std::string>> GetPrivateDataMetadata(
      absl::string_view collection, absl::string_view key) = 0;
  virtual absl::Status SetPrivateDataMetadata(absl::string_view collection, absl::string_view key,
                                              absl::string_view name, absl::string_view value) = 0;
  // The key-level endorsement policy of a private key.
  absl::Status SetPrivateDataValidationParameter(absl::string_view collection,
                                                 absl::string_view key, absl::string_view policy) {
    return SetPrivateDataMetadata(collection, key, "VALIDATION_PARAMETER", policy);
  }
};

class Contract {
 public:
  virtual ~Contract() = default;
  // Runs the invocation. A status of kStatusErrorThreshold or more is an error: the
  // proposal is not endorsed and the message goes back to the caller.
  virtual Response Invoke(Stub& stub) = 0;
};

// Whether `s` is valid UTF-8 as Go's utf8.ValidString says (no overlong forms, no
// surrogates, nothing past U+10FFFF). Fabric's keys, metadata and event names and
// response messages are protobuf strings, which Go can neither marshal nor unmarshal
// otherwise.
bool IsValidUtf8(absl::string_view s);

// Fabric's composite keys: "\x00" objectType "\x00" attr1 "\x00" ... attrN "\x00".
// InvalidArgument when a part is not valid UTF-8 or holds "\x00" or U+10FFFF.
absl::StatusOr<std::string> CreateCompositeKey(absl::string_view object_type,
                                               const std::vector<std::string>& attributes);
// The inverse; InvalidArgument for a key that is not composite.
absl::StatusOr<std::pair<std::string, std::vector<std::string>>> SplitCompositeKey(
    absl::string_view key);

}  // namespace fabric::endorse

#endif  // FABRIC_LIB_ENDORSE_CONTRACT_H_
