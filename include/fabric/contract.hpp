// fabric-peer for C++ hosts: smart contracts written in C++ against the C ABI.
//
// This header is a convenience, not part of the ABI: it is inline C++17 over
// <fabric/fabric.h> and nothing else, so it works against any libfabricpeer.so whose
// fabric.h it is shipped with, but it makes no ABI promise of its own (build it with the
// toolchain your host uses). It mirrors the library's internal contract interface
// (Stub, Response, Invocation, Contract) so a contract moves between the two with few
// changes: Stub methods throw fabric::Error where the internal ones return a status, and
// transient fields are looked up one at a time (Stub::transient) rather than read from
// the Invocation.
//
//   class Assets : public fabric::Contract {
//     fabric::Response Invoke(fabric::Stub& stub) override {
//       const fabric::Invocation& inv = stub.invocation();
//       if (inv.function == "put") {
//         stub.PutState(inv.args.at(0), inv.args.at(1));
//         return fabric::Response::Ok();
//       }
//       ...
//     }
//   };
//
//   fabric::Endorser endorser(channel, signer);  // throws fabric::Error
//   endorser.RegisterContract("assets", std::make_shared<Assets>());
//
// Errors: every failed C call becomes a fabric::Error carrying the C error's code
// (FABRIC_E*) and message. A contract may catch it (e.g. FABRIC_ECONFLICT for a write
// after a paginated query) or let it go: an exception that leaves Invoke never crosses the C
// boundary; the contract answers status 500 (FABRIC_STATUS_ERROR) with the exception's
// what() as the message ("unknown error" for an exception not derived from
// std::exception).
//
// Ownership: a fabric::Endorser owns its fabric_endorser and every contract registered
// on it (also one replaced by a later registration of its name, since calls may still be
// running it), and releases them when it is destroyed. RegisterContract over a bare
// fabric_endorser* borrows the contract instead: the caller keeps it alive. Bytes are
// std::string (keys and values may hold NUL); names handed to the C ABI as C strings
// (event and metadata names, composite key parts, transient keys) may not, and fail with
// FABRIC_EINVAL if they do. A response message is a C string too: it ends at its
// first NUL.
//
// Thread safety: as the C ABI's. A Contract's Invoke may be called from several threads
// at once, each with its own Stub; a Stub is used by the thread of its call, during that
// call only. A fabric::Endorser may be used from several threads at once (no call may
// be running on it while it is destroyed).
#ifndef FABRIC_CONTRACT_HPP_
#define FABRIC_CONTRACT_HPP_

#include <fabric/fabric.h>

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fabric {

// ---- Errors --------------------------------------------------------------------------

// A failed C call: its FABRIC_E* code and message.
class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}

  int code() const noexcept { return code_; }
  // The code's name, e.g. "FABRIC_ECONFLICT".
  const char* code_name() const noexcept { return fabric_error_code_name(code_); }

 private:
  int code_;
};

// The `fabric_error **err` argument of one C call, turned into an exception:
//
//   fabric::ErrorOut err;
//   err.Check(fabric_ledger_chain_info(&info, ledger, err.out()));  // throws Error
//
// (Pass out() inside the call, as above: it must be evaluated before Check reads it.)
class ErrorOut {
 public:
  ErrorOut() = default;
  ErrorOut(const ErrorOut&) = delete;
  ErrorOut& operator=(const ErrorOut&) = delete;
  ~ErrorOut() { fabric_error_free(err_); }

  fabric_error** out() noexcept {
    fabric_error_free(err_);
    err_ = nullptr;
    return &err_;
  }

  // Throws Error unless rc is FABRIC_OK.
  void Check(int rc) const {
    if (rc == FABRIC_OK) return;
    if (err_ == nullptr) throw Error(rc, fabric_error_code_name(rc));
    throw Error(err_->code, err_->message);
  }

 private:
  fabric_error* err_ = nullptr;
};

// ---- Owners of C handles ---------------------------------------------------------------

// Calls a C release function; for std::unique_ptr.
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

using SignerPtr = std::unique_ptr<fabric_signer, FreeWith<&fabric_signer_free>>;
using ChannelPtr = std::unique_ptr<fabric_channel, FreeWith<&fabric_channel_free>>;
using LedgerPtr = std::unique_ptr<fabric_ledger, FreeWith<&fabric_ledger_free>>;
using EndorserPtr = std::unique_ptr<fabric_endorser, FreeWith<&fabric_endorser_free>>;
using ProposalResultPtr =
    std::unique_ptr<fabric_proposal_result, FreeWith<&fabric_proposal_result_free>>;
using BlockAssemblerPtr =
    std::unique_ptr<fabric_block_assembler, FreeWith<&fabric_block_assembler_free>>;
using BlockResultPtr = std::unique_ptr<fabric_block_result, FreeWith<&fabric_block_result_free>>;
using ErrorPtr = std::unique_ptr<fabric_error, FreeWith<&fabric_error_free>>;

// A fabric_buf that disposes of itself. Pass out() to a C function that fills a buffer.
class Buf {
 public:
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  Buf(Buf&& other) noexcept : buf_(other.buf_) { other.buf_ = fabric_buf{nullptr, 0}; }
  Buf& operator=(Buf&& other) noexcept {
    std::swap(buf_, other.buf_);
    return *this;
  }
  ~Buf() { fabric_buf_dispose(&buf_); }

  // The buffer, emptied, for a C function to fill.
  fabric_buf* out() noexcept {
    fabric_buf_dispose(&buf_);
    return &buf_;
  }
  const uint8_t* data() const noexcept { return buf_.data; }
  size_t size() const noexcept { return buf_.size; }
  std::string_view view() const noexcept {
    return buf_.size == 0 ? std::string_view()
                          : std::string_view(reinterpret_cast<const char*>(buf_.data), buf_.size);
  }
  std::string str() const { return std::string(view()); }

 private:
  fabric_buf buf_ = FABRIC_BUF_INIT;
};

namespace internal {

inline const uint8_t* Bytes(std::string_view s) noexcept {
  return reinterpret_cast<const uint8_t*>(s.data());
}

inline std::string String(const uint8_t* data, size_t len) {
  return len == 0 ? std::string() : std::string(reinterpret_cast<const char*>(data), len);
}

inline std::string String(const char* s) { return s == nullptr ? std::string() : s; }

// Throws FABRIC_EINVAL if `s`, to be passed as a C string, holds a NUL.
inline void CheckNoNul(std::string_view s, const char* what) {
  if (s.find('\0') != std::string_view::npos) {
    throw Error(FABRIC_EINVAL, std::string(what) + " holds a NUL character");
  }
}

inline std::string CString(std::string_view s, const char* what) {
  CheckNoNul(s, what);
  return std::string(s);
}

// Strings as an array of C strings, valid while `strings` lives.
inline std::vector<const char*> CStrings(const std::vector<std::string>& strings,
                                         const char* what) {
  std::vector<const char*> out;
  out.reserve(strings.size());
  for (const std::string& s : strings) {
    CheckNoNul(s, what);
    out.push_back(s.c_str());
  }
  return out;
}

// What a C callback collects; an exception thrown while collecting stops the iteration
// and is rethrown once the C call has returned.
template <typename T>
struct Sink {
  T items;
  std::exception_ptr error;

  template <typename F>
  int Guard(F&& add) noexcept {
    try {
      add();
      return 0;
    } catch (...) {
      error = std::current_exception();
      return 1;
    }
  }
  // The items, after the C call that filled them returned rc.
  T Take(const ErrorOut& err, int rc) {
    if (error) std::rethrow_exception(error);
    err.Check(rc);
    return std::move(items);
  }
};

}  // namespace internal

// ---- Composite keys --------------------------------------------------------------------

// Fabric's composite key: "\x00" object_type "\x00" attr1 "\x00" ... attrN "\x00".
// FABRIC_EINVAL when a part is not valid UTF-8 or holds NUL or U+10FFFF.
inline std::string CreateCompositeKey(std::string_view object_type,
                                      const std::vector<std::string>& attributes) {
  const std::string type = internal::CString(object_type, "object type");
  const std::vector<const char*> attrs = internal::CStrings(attributes, "attribute");
  Buf key;
  ErrorOut err;
  err.Check(
      fabric_composite_key_create(key.out(), type.c_str(), attrs.data(), attrs.size(), err.out()));
  return key.str();
}

// The inverse: the object type and the attributes. FABRIC_EMALFORMED for a key that is
// not composite.
inline std::pair<std::string, std::vector<std::string>> SplitCompositeKey(std::string_view key) {
  using Parts = internal::Sink<std::vector<std::string>>;
  Parts parts;
  ErrorOut err;
  const int rc = fabric_composite_key_split(
      internal::Bytes(key), key.size(),
      [](size_t, const char* part, size_t len, void* payload) {
        Parts* p = static_cast<Parts*>(payload);
        return p->Guard([&] { p->items.emplace_back(part, len); });
      },
      &parts, err.out());
  std::vector<std::string> all = parts.Take(err, rc);
  if (all.empty()) throw Error(FABRIC_EMALFORMED, "composite key has no object type");
  std::string object_type = std::move(all.front());
  all.erase(all.begin());
  return {std::move(object_type), std::move(all)};
}

// ---- Contracts -------------------------------------------------------------------------

// Fabric's shim statuses: below kStatusErrorThreshold succeeds; at or above it the
// proposal is not endorsed and the message goes back to the caller.
inline constexpr int32_t kStatusOk = FABRIC_STATUS_OK;
inline constexpr int32_t kStatusErrorThreshold = FABRIC_STATUS_ERROR_THRESHOLD;
inline constexpr int32_t kStatusError = FABRIC_STATUS_ERROR;

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
  std::string creator;            // the proposal creator's msp.SerializedIdentity bytes
  std::string creator_mspid;
  int64_t timestamp_seconds = 0;  // the proposal's channel header timestamp
  int32_t timestamp_nanos = 0;
  bool is_query = false;  // evaluate rather than endorse
};

struct KeyValue {
  std::string key;
  std::string value;
};

// One page of a range. `bookmark` resumes the range (pass it to the next call); "" when
// the range has no more keys.
struct RangePage {
  std::vector<KeyValue> kvs;
  std::string bookmark;
};

// One modification of a key (GetHistoryForKey), newest first.
struct KeyModification {
  std::string txid;
  std::string value;  // "" for a delete
  bool is_delete = false;
  int64_t timestamp_seconds = 0;
  int32_t timestamp_nanos = 0;
};

// The contract's view of one call: the invocation and the channel's world state, with
// Fabric's rules (see fabric.h, "Smart contracts"): reads see the committed state, never
// the transaction's own writes; a failed call throws Error (FABRIC_EINVAL for a bad key,
// name or argument, FABRIC_ECONFLICT for a call the transaction does not allow, such as a
// write after a paginated query).
class Stub {
 public:
  // REQUIRES: `stub` is the stub of the running call (it is borrowed).
  explicit Stub(fabric_stub* stub) : stub_(stub), invocation_(ReadInvocation(stub)) {}
  Stub(const Stub&) = delete;
  Stub& operator=(const Stub&) = delete;

  // The C stub, for what this class does not wrap.
  fabric_stub* get() const noexcept { return stub_; }

  const Invocation& invocation() const noexcept { return invocation_; }

  // The value of transient field `key`; nullopt if the proposal has none.
  std::optional<std::string> transient(std::string_view key) const {
    const std::string k = internal::CString(key, "transient key");
    const uint8_t* value = nullptr;
    size_t len = 0;
    ErrorOut err;
    const int rc = fabric_stub_transient(&value, &len, stub_, k.c_str(), err.out());
    if (rc == FABRIC_ENOTFOUND) return std::nullopt;
    err.Check(rc);
    return internal::String(value, len);
  }

  // The committed value of `key` in the contract's namespace; nullopt if it has none.
  std::optional<std::string> GetState(std::string_view key) {
    Buf value;
    ErrorOut err;
    const int rc =
        fabric_stub_get_state(value.out(), stub_, internal::Bytes(key), key.size(), err.out());
    if (rc == FABRIC_ENOTFOUND) return std::nullopt;
    err.Check(rc);
    return value.str();
  }

  void PutState(std::string_view key, std::string_view value) {
    ErrorOut err;
    err.Check(fabric_stub_put_state(stub_, internal::Bytes(key), key.size(), internal::Bytes(value),
                                    value.size(), err.out()));
  }

  void DelState(std::string_view key) {
    ErrorOut err;
    err.Check(fabric_stub_del_state(stub_, internal::Bytes(key), key.size(), err.out()));
  }

  // The simple keys in [start, end) in byte order: start "" from the first, end "" to
  // the last. Recorded for phantom-read checks.
  std::vector<KeyValue> GetStateByRange(std::string_view start, std::string_view end) {
    KeyValues kvs;
    ErrorOut err;
    const int rc = fabric_stub_get_state_by_range(stub_, internal::Bytes(start), start.size(),
                                                  internal::Bytes(end), end.size(), &AddKeyValue,
                                                  &kvs, err.out());
    return kvs.Take(err, rc);
  }

  // At most `page_size` (> 0) entries of that range, from `bookmark` on ("" = from
  // `start`).
  RangePage GetStateByRangeWithPagination(std::string_view start, std::string_view end,
                                          int32_t page_size, std::string_view bookmark) {
    KeyValues kvs;
    Buf next;
    ErrorOut err;
    const int rc = fabric_stub_get_state_by_range_page(
        next.out(), stub_, internal::Bytes(start), start.size(), internal::Bytes(end), end.size(),
        page_size, internal::Bytes(bookmark), bookmark.size(), &AddKeyValue, &kvs, err.out());
    RangePage page;
    page.kvs = kvs.Take(err, rc);
    page.bookmark = next.str();
    return page;
  }

  // Every composite key of `object_type` whose attributes begin with `attributes`.
  std::vector<KeyValue> GetStateByPartialCompositeKey(std::string_view object_type,
                                                      const std::vector<std::string>& attributes) {
    const std::string type = internal::CString(object_type, "object type");
    const std::vector<const char*> attrs = internal::CStrings(attributes, "attribute");
    KeyValues kvs;
    ErrorOut err;
    const int rc = fabric_stub_get_state_by_partial_composite_key(
        stub_, type.c_str(), attrs.data(), attrs.size(), &AddKeyValue, &kvs, err.out());
    return kvs.Take(err, rc);
  }

  // The key's metadata entries (name -> value), e.g. "VALIDATION_PARAMETER"; empty if it
  // has none or no value. Recorded as a read of the key.
  std::map<std::string, std::string> GetStateMetadata(std::string_view key) {
    using Entries = internal::Sink<std::map<std::string, std::string>>;
    Entries entries;
    ErrorOut err;
    const int rc = fabric_stub_get_state_metadata(
        stub_, internal::Bytes(key), key.size(),
        [](const char* name, const uint8_t* value, size_t len, void* payload) {
          Entries* e = static_cast<Entries*>(payload);
          return e->Guard([&] { e->items[name] = internal::String(value, len); });
        },
        &entries, err.out());
    return entries.Take(err, rc);
  }

  // Sets the key's metadata to the one entry `name` = value; at commit it replaces the
  // key's whole metadata. Of several calls for one key the last wins.
  void SetStateMetadata(std::string_view key, std::string_view name, std::string_view value) {
    const std::string n = internal::CString(name, "metadata name");
    ErrorOut err;
    err.Check(fabric_stub_set_state_metadata(stub_, internal::Bytes(key), key.size(), n.c_str(),
                                             internal::Bytes(value), value.size(), err.out()));
  }

  // The key-level endorsement policy (a serialized SignaturePolicyEnvelope).
  void SetStateValidationParameter(std::string_view key, std::string_view policy) {
    SetStateMetadata(key, "VALIDATION_PARAMETER", policy);
  }

  // The transaction's chaincode event; a later call replaces an earlier one.
  void SetEvent(std::string_view name, std::string_view payload) {
    const std::string n = internal::CString(name, "event name");
    ErrorOut err;
    err.Check(fabric_stub_set_event(stub_, n.c_str(), internal::Bytes(payload), payload.size(),
                                    err.out()));
  }

  // ---- Private data (fabric.h, "Private data"): the collections of the chaincode ----

  // The value of `key` in `collection`; nullopt if it has none. Throws Error
  // (FABRIC_ECONFLICT when this peer's value is missing or purged, FABRIC_EDENIED for a
  // MemberOnlyRead collection and a creator outside it, FABRIC_EINVAL for a collection
  // the chaincode does not have).
  std::optional<std::string> GetPrivateData(std::string_view collection, std::string_view key) {
    return GetPrivate(&fabric_stub_get_private_data, collection, key);
  }
  // The SHA-256 of the value (any peer has it); nullopt if none.
  std::optional<std::string> GetPrivateDataHash(std::string_view collection, std::string_view key) {
    return GetPrivate(&fabric_stub_get_private_data_hash, collection, key);
  }

  void PutPrivateData(std::string_view collection, std::string_view key, std::string_view value) {
    const std::string c = internal::CString(collection, "collection");
    ErrorOut err;
    err.Check(fabric_stub_put_private_data(stub_, c.c_str(), internal::Bytes(key), key.size(),
                                           internal::Bytes(value), value.size(), err.out()));
  }

  void DelPrivateData(std::string_view collection, std::string_view key) {
    const std::string c = internal::CString(collection, "collection");
    ErrorOut err;
    err.Check(fabric_stub_del_private_data(stub_, c.c_str(), internal::Bytes(key), key.size(),
                                           err.out()));
  }

  // The collection's keys in [start, end); not recorded, and only before any write.
  std::vector<KeyValue> GetPrivateDataByRange(std::string_view collection, std::string_view start,
                                              std::string_view end) {
    const std::string c = internal::CString(collection, "collection");
    KeyValues kvs;
    ErrorOut err;
    const int rc = fabric_stub_get_private_data_by_range(stub_, c.c_str(), internal::Bytes(start),
                                                         start.size(), internal::Bytes(end),
                                                         end.size(), &AddKeyValue, &kvs, err.out());
    return kvs.Take(err, rc);
  }

  std::vector<KeyValue> GetPrivateDataByPartialCompositeKey(
      std::string_view collection, std::string_view object_type,
      const std::vector<std::string>& attributes) {
    const std::string c = internal::CString(collection, "collection");
    const std::string type = internal::CString(object_type, "object type");
    const std::vector<const char*> attrs = internal::CStrings(attributes, "attribute");
    KeyValues kvs;
    ErrorOut err;
    const int rc = fabric_stub_get_private_data_by_partial_composite_key(
        stub_, c.c_str(), type.c_str(), attrs.data(), attrs.size(), &AddKeyValue, &kvs, err.out());
    return kvs.Take(err, rc);
  }

  // A private key's metadata entries, and one entry set (as the public ones).
  std::map<std::string, std::string> GetPrivateDataMetadata(std::string_view collection,
                                                            std::string_view key) {
    const std::string c = internal::CString(collection, "collection");
    using Entries = internal::Sink<std::map<std::string, std::string>>;
    Entries entries;
    ErrorOut err;
    const int rc = fabric_stub_get_private_data_metadata(
        stub_, c.c_str(), internal::Bytes(key), key.size(),
        [](const char* name, const uint8_t* value, size_t len, void* payload) {
          Entries* e = static_cast<Entries*>(payload);
          return e->Guard([&] { e->items[name] = internal::String(value, len); });
        },
        &entries, err.out());
    return entries.Take(err, rc);
  }

  void SetPrivateDataMetadata(std::string_view collection, std::string_view key,
                              std::string_view name, std::string_view value) {
    const std::string c = internal::CString(collection, "collection");
    const std::string n = internal::CString(name, "metadata name");
    ErrorOut err;
    err.Check(fabric_stub_set_private_data_metadata(stub_, c.c_str(), internal::Bytes(key),
                                                    key.size(), n.c_str(), internal::Bytes(value),
                                                    value.size(), err.out()));
  }

  void SetPrivateDataValidationParameter(std::string_view collection, std::string_view key,
                                         std::string_view policy) {
    SetPrivateDataMetadata(collection, key, "VALIDATION_PARAMETER", policy);
  }

  // The key's modifications by valid transactions, newest first.
  std::vector<KeyModification> GetHistoryForKey(std::string_view key) {
    using Mods = internal::Sink<std::vector<KeyModification>>;
    Mods mods;
    ErrorOut err;
    const int rc = fabric_stub_get_history_for_key(
        stub_, internal::Bytes(key), key.size(),
        [](const fabric_key_modification* m, void* payload) {
          Mods* s = static_cast<Mods*>(payload);
          return s->Guard([&] {
            s->items.push_back({internal::String(m->txid), internal::String(m->value, m->value_len),
                                m->is_delete != 0, m->timestamp_seconds, m->timestamp_nanos});
          });
        },
        &mods, err.out());
    return mods.Take(err, rc);
  }

 private:
  using KeyValues = internal::Sink<std::vector<KeyValue>>;
  using PrivateGetter = int (*)(fabric_buf*, fabric_stub*, const char*, const uint8_t*, size_t,
                                fabric_error**);

  std::optional<std::string> GetPrivate(PrivateGetter get, std::string_view collection,
                                        std::string_view key) {
    const std::string c = internal::CString(collection, "collection");
    Buf value;
    ErrorOut err;
    const int rc = get(value.out(), stub_, c.c_str(), internal::Bytes(key), key.size(), err.out());
    if (rc == FABRIC_ENOTFOUND) return std::nullopt;
    err.Check(rc);
    return value.str();
  }

  static int AddKeyValue(const uint8_t* key, size_t key_len, const uint8_t* value, size_t value_len,
                         void* payload) noexcept {
    KeyValues* kvs = static_cast<KeyValues*>(payload);
    return kvs->Guard([&] {
      kvs->items.push_back({internal::String(key, key_len), internal::String(value, value_len)});
    });
  }

  static Invocation ReadInvocation(const fabric_stub* stub) {
    Invocation inv;
    size_t len = 0;
    inv.channel_id = internal::String(fabric_stub_channel_id(stub));
    inv.txid = internal::String(fabric_stub_txid(stub));
    inv.chaincode = internal::String(fabric_stub_chaincode(stub));
    const uint8_t* function = fabric_stub_function(stub, &len);
    inv.function = internal::String(function, function == nullptr ? 0 : len);
    const size_t num_args = fabric_stub_num_args(stub);
    inv.args.reserve(num_args);
    for (size_t i = 0; i < num_args; ++i) {
      const uint8_t* arg = fabric_stub_arg(stub, i, &len);
      inv.args.push_back(internal::String(arg, arg == nullptr ? 0 : len));
    }
    const uint8_t* creator = fabric_stub_creator(stub, &len);
    inv.creator = internal::String(creator, creator == nullptr ? 0 : len);
    inv.creator_mspid = internal::String(fabric_stub_creator_mspid(stub));
    fabric_stub_timestamp(stub, &inv.timestamp_seconds, &inv.timestamp_nanos);
    inv.is_query = fabric_stub_is_query(stub) != 0;
    return inv;
  }

  fabric_stub* const stub_;
  const Invocation invocation_;
};

class Contract {
 public:
  virtual ~Contract() = default;
  // Runs the invocation. A status of kStatusErrorThreshold or more is an error: the
  // proposal is not endorsed and the message goes back to the caller. An exception that
  // leaves Invoke answers kStatusError with its message.
  virtual Response Invoke(Stub& stub) = 0;
};

namespace internal {

// The fabric_contract_fn of every C++ contract; its payload is the Contract. Nothing
// thrown leaves it.
inline int32_t InvokeContract(fabric_stub* stub, void* payload) noexcept {
  try {
    Stub s(stub);
    const Response r = static_cast<Contract*>(payload)->Invoke(s);
    fabric_stub_respond(stub, r.message.empty() ? nullptr : r.message.c_str(), Bytes(r.payload),
                        r.payload.size(), nullptr);
    return r.status;
  } catch (const std::exception& e) {
    fabric_stub_respond(stub, e.what(), nullptr, 0, nullptr);
  } catch (...) {
    fabric_stub_respond(stub, "unknown error", nullptr, 0, nullptr);
  }
  return kStatusError;
}

}  // namespace internal

// Hosts `contract` on `endorser` under chaincode `name`, as
// fabric_endorser_register_contract (same codes). The contract is borrowed: it must stay
// alive until the endorser is freed, or until `name` is registered again and the calls
// running then have returned. fabric::Endorser keeps its contracts alive for you.
inline int RegisterContract(fabric_endorser* endorser, const std::string& name, Contract* contract,
                            fabric_error** err = nullptr) noexcept {
  if (contract == nullptr) {
    // Let the C function report the NULL argument in its own words.
    return fabric_endorser_register_contract(endorser, name.c_str(), nullptr, nullptr, err);
  }
  return fabric_endorser_register_contract(endorser, name.c_str(), &internal::InvokeContract,
                                           contract, err);
}

// An endorsing peer (fabric_endorser) that owns the contracts registered on it.
//
// Thread safety: every method may be called from any thread, also concurrently.
class Endorser {
 public:
  // An endorser over the channel's ledger and config, signing as `signer`. It keeps its
  // own references to both: they may be freed before it (fabric_endorser_create).
  // Throws Error.
  Endorser(const fabric_channel* channel, const fabric_signer* signer) {
    fabric_endorser* e = nullptr;
    ErrorOut err;
    err.Check(fabric_endorser_create(&e, channel, signer, err.out()));
    endorser_.reset(e);
  }
  Endorser(const Endorser&) = delete;
  Endorser& operator=(const Endorser&) = delete;

  // Hosts `contract` under chaincode `name`, replacing an earlier registration of the
  // name (the earlier contract is kept until the Endorser is destroyed, since calls may
  // still run it). Throws Error: FABRIC_EINVAL for "", "_lifecycle" or a null contract.
  void RegisterContract(const std::string& name, std::shared_ptr<Contract> contract) {
    std::lock_guard<std::mutex> lock(mu_);
    Contract* c = contract.get();
    contracts_.push_back(std::move(contract));
    ErrorOut err;
    const int rc = fabric::RegisterContract(endorser_.get(), name, c, err.out());
    if (rc != FABRIC_OK) contracts_.pop_back();
    err.Check(rc);
  }

  // Endorses / evaluates a signed proposal (fabric_endorser_endorse / _evaluate).
  // Throws Error when the proposal is refused before the contract runs; a contract's own
  // error is in the result.
  ProposalResultPtr Endorse(std::string_view signed_proposal) const {
    return Process(&fabric_endorser_endorse, signed_proposal);
  }
  ProposalResultPtr Evaluate(std::string_view signed_proposal) const {
    return Process(&fabric_endorser_evaluate, signed_proposal);
  }

  fabric_endorser* get() const noexcept { return endorser_.get(); }

 private:
  using ProcessFn = int (*)(fabric_proposal_result**, const fabric_endorser*, const uint8_t*,
                            size_t, fabric_error**);

  ProposalResultPtr Process(ProcessFn fn, std::string_view signed_proposal) const {
    fabric_proposal_result* r = nullptr;
    ErrorOut err;
    err.Check(fn(&r, endorser_.get(), internal::Bytes(signed_proposal), signed_proposal.size(),
                 err.out()));
    return ProposalResultPtr(r);
  }

  std::mutex mu_;  // guards contracts_
  // Declared before endorser_, so destroyed after it: no call runs them any more.
  std::vector<std::shared_ptr<Contract>> contracts_;
  EndorserPtr endorser_;
};

}  // namespace fabric

#endif  // FABRIC_CONTRACT_HPP_
