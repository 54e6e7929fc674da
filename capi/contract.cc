// Smart contracts through the C ABI: a host's contract function wrapped as an
// endorse::Contract, the stub it is given (invocation, world state, events), and
// composite keys.
#include "lib/endorse/contract.h"

#include <optional>

#include "capi/internal.h"

using fabric::capi::Bytes;
using fabric::capi::FillBuf;
using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;
using fabric::endorse::KeyValue;

// The C view of the stub of one contract call, living on that call's stack.
struct fabric_stub {
  fabric::endorse::Stub* rep;
  fabric::endorse::Response response;
};

namespace {

class HostContract : public fabric::endorse::Contract {
 public:
  HostContract(fabric_contract_fn fn, void* payload) : fn_(fn), payload_(payload) {}

  fabric::endorse::Response Invoke(fabric::endorse::Stub& stub) override {
    fabric_stub s{&stub, {}};
    s.response.status = fn_(&s, payload_);
    return std::move(s.response);
  }

 private:
  const fabric_contract_fn fn_;
  void* const payload_;
};

const fabric::endorse::Invocation* InvocationOf(const fabric_stub* stub) {
  return stub == nullptr ? nullptr : &stub->rep->invocation();
}

// A stub call's failure. What the stub refuses as invalid is what the contract passed (a
// key, a name, a page size): FABRIC_EINVAL, not FABRIC_EMALFORMED.
int StubError(const absl::Status& s, fabric_error** err) {
  if (s.code() == absl::StatusCode::kInvalidArgument) {
    return SaveError(FABRIC_EINVAL, s.message(), err);
  }
  return SaveError(s, err);
}

// Checks the stub and a (bytes, len) input; returns FABRIC_OK or FABRIC_EINVAL.
int CheckInput(const fabric_stub* stub, const void* bytes, size_t len, const char* what,
               fabric_error** err) {
  if (stub == nullptr) return SaveError(FABRIC_EINVAL, "stub is NULL", err);
  if (bytes == nullptr && len != 0) {
    return SaveError(FABRIC_EINVAL, std::string(what) + " is NULL but its length is not 0", err);
  }
  return FABRIC_OK;
}

// Calls `cb` for each entry until it returns non-zero; returns that value, else 0.
int CallEach(const std::vector<KeyValue>& kvs, fabric_kv_cb cb, void* payload) {
  for (const KeyValue& kv : kvs) {
    size_t key_len = 0, value_len = 0;
    const uint8_t* key = Bytes(kv.key, &key_len);
    const uint8_t* value = Bytes(kv.value, &value_len);
    if (int stop = cb(key, key_len, value, value_len, payload); stop != 0) return stop;
  }
  return FABRIC_OK;
}

int CallEach(const absl::StatusOr<std::vector<KeyValue>>& kvs, fabric_kv_cb cb, void* payload,
             fabric_error** err) {
  if (!kvs.ok()) return StubError(kvs.status(), err);
  return CallEach(*kvs, cb, payload);
}

// Copies C strings into attributes; FABRIC_EINVAL if one is NULL.
int Attributes(const char* const* attrs, size_t num_attrs, std::vector<std::string>* out,
               fabric_error** err) {
  if (attrs == nullptr && num_attrs != 0) {
    return SaveError(FABRIC_EINVAL, "attrs is NULL but num_attrs is not 0", err);
  }
  for (size_t i = 0; i < num_attrs; ++i) {
    if (attrs[i] == nullptr) {
      return SaveError(FABRIC_EINVAL, "attribute " + std::to_string(i) + " is NULL", err);
    }
    out->emplace_back(attrs[i]);
  }
  return FABRIC_OK;
}

int GetState(fabric_buf* value_out, fabric_stub* stub, const uint8_t* key, size_t key_len,
             fabric_error** err) {
  if (value_out == nullptr) return SaveError(FABRIC_EINVAL, "value_out is NULL", err);
  if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
  absl::StatusOr<std::optional<std::string>> v = stub->rep->GetState(View(key, key_len));
  if (!v.ok()) return StubError(v.status(), err);
  if (!v->has_value()) return SaveError(FABRIC_ENOTFOUND, "the key has no value", err);
  return FillBuf(**v, value_out, err);
}

int RangePage(fabric_buf* bookmark_out, fabric_stub* stub, const uint8_t* start, size_t start_len,
              const uint8_t* end, size_t end_len, int32_t page_size, const uint8_t* bookmark,
              size_t bookmark_len, fabric_kv_cb cb, void* payload, fabric_error** err) {
  if (int rc = CheckInput(stub, start, start_len, "start", err); rc != FABRIC_OK) return rc;
  if (int rc = CheckInput(stub, end, end_len, "end", err); rc != FABRIC_OK) return rc;
  if (int rc = CheckInput(stub, bookmark, bookmark_len, "bookmark", err); rc != FABRIC_OK) {
    return rc;
  }
  if (cb == nullptr) return SaveError(FABRIC_EINVAL, "cb is NULL", err);
  auto page = stub->rep->GetStateByRangeWithPagination(View(start, start_len), View(end, end_len),
                                                       page_size, View(bookmark, bookmark_len));
  if (!page.ok()) return StubError(page.status(), err);
  if (bookmark_out != nullptr) {
    if (int rc = FillBuf(page->bookmark, bookmark_out, err); rc != FABRIC_OK) return rc;
  }
  return CallEach(page->kvs, cb, payload);
}

int GetMetadata(fabric_stub* stub, const uint8_t* key, size_t key_len, fabric_metadata_cb cb,
                void* payload, fabric_error** err) {
  if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
  if (cb == nullptr) return SaveError(FABRIC_EINVAL, "cb is NULL", err);
  auto entries = stub->rep->GetStateMetadata(View(key, key_len));
  if (!entries.ok()) return StubError(entries.status(), err);
  for (const auto& [name, value] : *entries) {
    size_t len = 0;
    const uint8_t* v = Bytes(value, &len);
    if (int stop = cb(name.c_str(), v, len, payload); stop != 0) return stop;
  }
  return FABRIC_OK;
}

int History(fabric_stub* stub, const uint8_t* key, size_t key_len, fabric_history_cb cb,
            void* payload, fabric_error** err) {
  if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
  if (cb == nullptr) return SaveError(FABRIC_EINVAL, "cb is NULL", err);
  auto mods = stub->rep->GetHistoryForKey(View(key, key_len));
  if (!mods.ok()) return StubError(mods.status(), err);
  for (const fabric::endorse::KeyModification& m : *mods) {
    fabric_key_modification c{};
    c.version = FABRIC_KEY_MODIFICATION_VERSION;
    c.key_version.version = FABRIC_KEY_VERSION_VERSION;
    c.txid = m.txid.c_str();
    c.value = Bytes(m.value, &c.value_len);
    c.is_delete = m.is_delete ? 1 : 0;
    c.timestamp_seconds = m.timestamp_seconds;
    c.timestamp_nanos = m.timestamp_nanos;
    if (int stop = cb(&c, payload); stop != 0) return stop;
  }
  return FABRIC_OK;
}

int SplitKey(const uint8_t* key, size_t key_len, fabric_key_part_cb cb, void* payload,
             fabric_error** err) {
  if ((key == nullptr && key_len != 0) || cb == nullptr) {
    return SaveError(FABRIC_EINVAL, "key or cb is NULL", err);
  }
  auto parts = fabric::endorse::SplitCompositeKey(View(key, key_len));
  if (!parts.ok()) return SaveError(parts.status(), err);
  const auto& [object_type, attributes] = *parts;
  if (int stop = cb(0, object_type.c_str(), object_type.size(), payload); stop != 0) return stop;
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (int stop = cb(i + 1, attributes[i].c_str(), attributes[i].size(), payload); stop != 0) {
      return stop;
    }
  }
  return FABRIC_OK;
}

}  // namespace

namespace fabric::capi {

std::shared_ptr<endorse::Contract> WrapContract(fabric_contract_fn fn, void* payload) {
  return std::make_shared<HostContract>(fn, payload);
}

}  // namespace fabric::capi

extern "C" {

int fabric_stub_respond(fabric_stub* stub, const char* message, const uint8_t* payload,
                        size_t payload_len, fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckInput(stub, payload, payload_len, "payload", err); rc != FABRIC_OK) {
      return rc;
    }
    if (message != nullptr && !fabric::endorse::IsValidUtf8(message)) {
      // A protobuf string: Go could neither marshal nor read the response.
      return SaveError(FABRIC_EINVAL, "the response message is not a valid UTF-8 string", err);
    }
    stub->response.message = message == nullptr ? "" : message;
    stub->response.payload = std::string(View(payload, payload_len));
    return static_cast<int>(FABRIC_OK);
  });
}

const char* fabric_stub_channel_id(const fabric_stub* stub) {
  return stub == nullptr ? nullptr : InvocationOf(stub)->channel_id.c_str();
}

const char* fabric_stub_txid(const fabric_stub* stub) {
  return stub == nullptr ? nullptr : InvocationOf(stub)->txid.c_str();
}

const char* fabric_stub_chaincode(const fabric_stub* stub) {
  return stub == nullptr ? nullptr : InvocationOf(stub)->chaincode.c_str();
}

const uint8_t* fabric_stub_function(const fabric_stub* stub, size_t* len_out) {
  return stub == nullptr ? nullptr : Bytes(InvocationOf(stub)->function, len_out);
}

size_t fabric_stub_num_args(const fabric_stub* stub) {
  return stub == nullptr ? 0 : InvocationOf(stub)->args.size();
}

const uint8_t* fabric_stub_arg(const fabric_stub* stub, size_t index, size_t* len_out) {
  if (stub == nullptr || index >= InvocationOf(stub)->args.size()) return nullptr;
  return Bytes(InvocationOf(stub)->args[index], len_out);
}

const uint8_t* fabric_stub_creator(const fabric_stub* stub, size_t* len_out) {
  return stub == nullptr ? nullptr : Bytes(InvocationOf(stub)->creator, len_out);
}

const char* fabric_stub_creator_mspid(const fabric_stub* stub) {
  return stub == nullptr ? nullptr : InvocationOf(stub)->creator_mspid.c_str();
}

void fabric_stub_timestamp(const fabric_stub* stub, int64_t* seconds_out, int32_t* nanos_out) {
  const fabric::endorse::Invocation* inv = InvocationOf(stub);
  if (seconds_out != nullptr) *seconds_out = inv == nullptr ? 0 : inv->timestamp_seconds;
  if (nanos_out != nullptr) *nanos_out = inv == nullptr ? 0 : inv->timestamp_nanos;
}

int fabric_stub_transient(const uint8_t** value_out, size_t* value_len_out, const fabric_stub* stub,
                          const char* key, fabric_error** err) {
  return Guard(err, [&] {
    if (value_out == nullptr || value_len_out == nullptr || stub == nullptr || key == nullptr) {
      return SaveError(FABRIC_EINVAL, "value_out, value_len_out, stub or key is NULL", err);
    }
    const auto& transient = InvocationOf(stub)->transient;
    auto it = transient.find(key);
    if (it == transient.end()) {
      return SaveError(FABRIC_ENOTFOUND, std::string("no transient field ") + key, err);
    }
    *value_out = Bytes(it->second, value_len_out);
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_stub_is_query(const fabric_stub* stub) {
  return stub != nullptr && InvocationOf(stub)->is_query ? 1 : 0;
}

int fabric_stub_get_state(fabric_buf* value_out, fabric_stub* stub, const uint8_t* key,
                          size_t key_len, fabric_error** err) {
  return Guard(err, [&] { return GetState(value_out, stub, key, key_len, err); });
}

int fabric_stub_put_state(fabric_stub* stub, const uint8_t* key, size_t key_len,
                          const uint8_t* value, size_t value_len, fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    if (int rc = CheckInput(stub, value, value_len, "value", err); rc != FABRIC_OK) return rc;
    return StubError(stub->rep->PutState(View(key, key_len), View(value, value_len)), err);
  });
}

int fabric_stub_del_state(fabric_stub* stub, const uint8_t* key, size_t key_len,
                          fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    return StubError(stub->rep->DelState(View(key, key_len)), err);
  });
}

int fabric_stub_get_state_by_range(fabric_stub* stub, const uint8_t* start, size_t start_len,
                                   const uint8_t* end, size_t end_len, fabric_kv_cb cb,
                                   void* payload, fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckInput(stub, start, start_len, "start", err); rc != FABRIC_OK) return rc;
    if (int rc = CheckInput(stub, end, end_len, "end", err); rc != FABRIC_OK) return rc;
    if (cb == nullptr) return SaveError(FABRIC_EINVAL, "cb is NULL", err);
    return CallEach(stub->rep->GetStateByRange(View(start, start_len), View(end, end_len)), cb,
                    payload, err);
  });
}

int fabric_stub_get_state_by_range_page(fabric_buf* bookmark_out, fabric_stub* stub,
                                        const uint8_t* start, size_t start_len, const uint8_t* end,
                                        size_t end_len, int32_t page_size, const uint8_t* bookmark,
                                        size_t bookmark_len, fabric_kv_cb cb, void* payload,
                                        fabric_error** err) {
  return Guard(err, [&] {
    return RangePage(bookmark_out, stub, start, start_len, end, end_len, page_size, bookmark,
                     bookmark_len, cb, payload, err);
  });
}

int fabric_stub_get_state_by_partial_composite_key(fabric_stub* stub, const char* object_type,
                                                   const char* const* attrs, size_t num_attrs,
                                                   fabric_kv_cb cb, void* payload,
                                                   fabric_error** err) {
  return Guard(err, [&] {
    if (stub == nullptr || object_type == nullptr || cb == nullptr) {
      return SaveError(FABRIC_EINVAL, "stub, object_type or cb is NULL", err);
    }
    std::vector<std::string> attributes;
    if (int rc = Attributes(attrs, num_attrs, &attributes, err); rc != FABRIC_OK) return rc;
    return CallEach(stub->rep->GetStateByPartialCompositeKey(object_type, attributes), cb, payload,
                    err);
  });
}

int fabric_composite_key_create(fabric_buf* out, const char* object_type, const char* const* attrs,
                                size_t num_attrs, fabric_error** err) {
  return Guard(err, [&] {
    if (out == nullptr || object_type == nullptr) {
      return SaveError(FABRIC_EINVAL, "out or object_type is NULL", err);
    }
    std::vector<std::string> attributes;
    if (int rc = Attributes(attrs, num_attrs, &attributes, err); rc != FABRIC_OK) return rc;
    absl::StatusOr<std::string> key = fabric::endorse::CreateCompositeKey(object_type, attributes);
    if (!key.ok()) return StubError(key.status(), err);
    return FillBuf(*key, out, err);
  });
}

int fabric_composite_key_split(const uint8_t* key, size_t key_len, fabric_key_part_cb cb,
                               void* payload, fabric_error** err) {
  return Guard(err, [&] { return SplitKey(key, key_len, cb, payload, err); });
}

int fabric_stub_get_state_metadata(fabric_stub* stub, const uint8_t* key, size_t key_len,
                                   fabric_metadata_cb cb, void* payload, fabric_error** err) {
  return Guard(err, [&] { return GetMetadata(stub, key, key_len, cb, payload, err); });
}

int fabric_stub_set_state_metadata(fabric_stub* stub, const uint8_t* key, size_t key_len,
                                   const char* name, const uint8_t* value, size_t value_len,
                                   fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    if (int rc = CheckInput(stub, value, value_len, "value", err); rc != FABRIC_OK) return rc;
    if (name == nullptr) return SaveError(FABRIC_EINVAL, "name is NULL", err);
    return StubError(stub->rep->SetStateMetadata(View(key, key_len), name, View(value, value_len)),
                     err);
  });
}

int fabric_stub_set_event(fabric_stub* stub, const char* name, const uint8_t* data, size_t data_len,
                          fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckInput(stub, data, data_len, "data", err); rc != FABRIC_OK) return rc;
    if (name == nullptr) return SaveError(FABRIC_EINVAL, "name is NULL", err);
    return StubError(stub->rep->SetEvent(name, View(data, data_len)), err);
  });
}

int fabric_stub_get_history_for_key(fabric_stub* stub, const uint8_t* key, size_t key_len,
                                    fabric_history_cb cb, void* payload, fabric_error** err) {
  return Guard(err, [&] { return History(stub, key, key_len, cb, payload, err); });
}

// ---- Private data ----

int fabric_stub_get_private_data(fabric_buf* value_out, fabric_stub* stub, const char* collection,
                                 const uint8_t* key, size_t key_len, fabric_error** err) {
  return Guard(err, [&] {
    if (value_out == nullptr || collection == nullptr) {
      return SaveError(FABRIC_EINVAL, "value_out or collection is NULL", err);
    }
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    auto v = stub->rep->GetPrivateData(collection, View(key, key_len));
    if (!v.ok()) return StubError(v.status(), err);
    if (!v->has_value()) return SaveError(FABRIC_ENOTFOUND, "the key has no value", err);
    return FillBuf(**v, value_out, err);
  });
}

int fabric_stub_get_private_data_hash(fabric_buf* value_hash_out, fabric_stub* stub,
                                      const char* collection, const uint8_t* key, size_t key_len,
                                      fabric_error** err) {
  return Guard(err, [&] {
    if (value_hash_out == nullptr || collection == nullptr) {
      return SaveError(FABRIC_EINVAL, "value_hash_out or collection is NULL", err);
    }
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    auto v = stub->rep->GetPrivateDataHash(collection, View(key, key_len));
    if (!v.ok()) return StubError(v.status(), err);
    if (!v->has_value()) return SaveError(FABRIC_ENOTFOUND, "the key has no value", err);
    return FillBuf(**v, value_hash_out, err);
  });
}

int fabric_stub_put_private_data(fabric_stub* stub, const char* collection, const uint8_t* key,
                                 size_t key_len, const uint8_t* value, size_t value_len,
                                 fabric_error** err) {
  return Guard(err, [&] {
    if (collection == nullptr) return SaveError(FABRIC_EINVAL, "collection is NULL", err);
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    if (int rc = CheckInput(stub, value, value_len, "value", err); rc != FABRIC_OK) return rc;
    return StubError(
        stub->rep->PutPrivateData(collection, View(key, key_len), View(value, value_len)), err);
  });
}

int fabric_stub_del_private_data(fabric_stub* stub, const char* collection, const uint8_t* key,
                                 size_t key_len, fabric_error** err) {
  return Guard(err, [&] {
    if (collection == nullptr) return SaveError(FABRIC_EINVAL, "collection is NULL", err);
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    return StubError(stub->rep->DelPrivateData(collection, View(key, key_len)), err);
  });
}

int fabric_stub_get_private_data_by_range(fabric_stub* stub, const char* collection,
                                          const uint8_t* start, size_t start_len,
                                          const uint8_t* end, size_t end_len, fabric_kv_cb cb,
                                          void* payload, fabric_error** err) {
  return Guard(err, [&] {
    if (collection == nullptr || cb == nullptr) {
      return SaveError(FABRIC_EINVAL, "collection or cb is NULL", err);
    }
    if (int rc = CheckInput(stub, start, start_len, "start", err); rc != FABRIC_OK) return rc;
    if (int rc = CheckInput(stub, end, end_len, "end", err); rc != FABRIC_OK) return rc;
    return CallEach(
        stub->rep->GetPrivateDataByRange(collection, View(start, start_len), View(end, end_len)),
        cb, payload, err);
  });
}

int fabric_stub_get_private_data_by_partial_composite_key(fabric_stub* stub, const char* collection,
                                                          const char* object_type,
                                                          const char* const* attrs,
                                                          size_t num_attrs, fabric_kv_cb cb,
                                                          void* payload, fabric_error** err) {
  return Guard(err, [&] {
    if (stub == nullptr || collection == nullptr || object_type == nullptr || cb == nullptr) {
      return SaveError(FABRIC_EINVAL, "stub, collection, object_type or cb is NULL", err);
    }
    std::vector<std::string> attributes;
    if (int rc = Attributes(attrs, num_attrs, &attributes, err); rc != FABRIC_OK) return rc;
    return CallEach(
        stub->rep->GetPrivateDataByPartialCompositeKey(collection, object_type, attributes), cb,
        payload, err);
  });
}

int fabric_stub_get_private_data_metadata(fabric_stub* stub, const char* collection,
                                          const uint8_t* key, size_t key_len, fabric_metadata_cb cb,
                                          void* payload, fabric_error** err) {
  return Guard(err, [&] {
    if (collection == nullptr || cb == nullptr) {
      return SaveError(FABRIC_EINVAL, "collection or cb is NULL", err);
    }
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    auto entries = stub->rep->GetPrivateDataMetadata(collection, View(key, key_len));
    if (!entries.ok()) return StubError(entries.status(), err);
    for (const auto& [name, value] : *entries) {
      size_t len = 0;
      const uint8_t* v = Bytes(value, &len);
      if (int stop = cb(name.c_str(), v, len, payload); stop != 0) return stop;
    }
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_stub_set_private_data_metadata(fabric_stub* stub, const char* collection,
                                          const uint8_t* key, size_t key_len, const char* name,
                                          const uint8_t* value, size_t value_len,
                                          fabric_error** err) {
  return Guard(err, [&] {
    if (collection == nullptr || name == nullptr) {
      return SaveError(FABRIC_EINVAL, "collection or name is NULL", err);
    }
    if (int rc = CheckInput(stub, key, key_len, "key", err); rc != FABRIC_OK) return rc;
    if (int rc = CheckInput(stub, value, value_len, "value", err); rc != FABRIC_OK) return rc;
    return StubError(stub->rep->SetPrivateDataMetadata(collection, View(key, key_len), name,
                                                       View(value, value_len)),
                     err);
  });
}

}  // extern "C"
