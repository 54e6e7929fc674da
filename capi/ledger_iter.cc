// State range and key history iterators through the C ABI.
#include <algorithm>

#include "capi/internal.h"

using fabric::capi::FillBuf;
using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;

namespace {

// Entries a state iterator reads at once.
constexpr size_t kChunk = 256;

// Reads the chunk of `it` that starts at `start`; on error `it` is unchanged.
int LoadChunk(fabric_state_iterator* it, absl::string_view start, fabric_error** err) {
  size_t limit = kChunk;
  if (it->page_limit > 0) limit = std::min(limit, it->page_limit - it->loaded);
  const fabric::ledger::StateDb& state = it->ledger->state();
  auto chunk = it->collection.empty() ? state.Range(it->ns, start, it->end, limit)
               : it->hashed ? state.RangeHashed(it->ns, it->collection, start, it->end, limit)
                            : state.RangePrivate(it->ns, it->collection, start, it->end, limit);
  if (!chunk.ok()) return SaveError(chunk.status(), err);
  it->chunk = *std::move(chunk);
  it->pos = 0;
  it->loaded += it->chunk.kvs.size();
  return FABRIC_OK;
}

int StateIteratorNew(fabric_state_iterator** out, const fabric_ledger* l, const char* ns,
                     const char* collection, bool hashed, const uint8_t* start, size_t start_len,
                     const uint8_t* end, size_t end_len, size_t page_limit, fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (l == nullptr || ns == nullptr || collection == nullptr) {
    return SaveError(FABRIC_EINVAL, "ledger, ns or collection is NULL", err);
  }
  if ((start == nullptr && start_len != 0) || (end == nullptr && end_len != 0)) {
    return SaveError(FABRIC_EINVAL, "start_key or end_key is NULL with a non-zero length", err);
  }
  auto it = std::make_unique<fabric_state_iterator>();
  it->ledger = l->rep;
  it->ns = ns;
  it->collection = collection;
  it->hashed = hashed;
  it->end = std::string(View(end, end_len));
  it->page_limit = page_limit;
  if (int rc = LoadChunk(it.get(), View(start, start_len), err); rc != FABRIC_OK) return rc;
  *out = it.release();
  return FABRIC_OK;
}

int StateIteratorNext(const uint8_t** key, size_t* key_len, const uint8_t** value,
                      size_t* value_len, fabric_key_version* version, fabric_state_iterator* it,
                      fabric_error** err) {
  if (it == nullptr) return SaveError(FABRIC_EINVAL, "iterator is NULL", err);
  if (version != nullptr) {
    if (int rc = fabric::capi::CheckStructVersion(version->version, FABRIC_KEY_VERSION_VERSION,
                                                  "fabric_key_version", err);
        rc != FABRIC_OK) {
      return rc;
    }
  }
  // Chunks are non-empty unless the range is over; a page ends at page_limit entries.
  while (it->pos == it->chunk.kvs.size()) {
    const bool page_full = it->page_limit > 0 && it->loaded == it->page_limit;
    if (it->chunk.bookmark.empty() || page_full) return FABRIC_ITEROVER;
    const std::string start = it->chunk.bookmark;
    if (int rc = LoadChunk(it, start, err); rc != FABRIC_OK) return rc;
  }
  const fabric::ledger::KeyValue& kv = it->chunk.kvs[it->pos++];
  if (key != nullptr) *key = reinterpret_cast<const uint8_t*>(kv.key.data());
  if (key_len != nullptr) *key_len = kv.key.size();
  if (value != nullptr) *value = reinterpret_cast<const uint8_t*>(kv.value.value.data());
  if (value_len != nullptr) *value_len = kv.value.value.size();
  if (version != nullptr) {
    *version = {FABRIC_KEY_VERSION_VERSION, kv.value.version.block, kv.value.version.tx};
  }
  return FABRIC_OK;
}

int StateIteratorBookmark(fabric_buf* out, const fabric_state_iterator* it, fabric_error** err) {
  if (out == nullptr || it == nullptr) {
    return SaveError(FABRIC_EINVAL, "out or iterator is NULL", err);
  }
  const std::string& next =
      it->pos < it->chunk.kvs.size() ? it->chunk.kvs[it->pos].key : it->chunk.bookmark;
  return FillBuf(next, out, err);
}

int HistoryIteratorNew(fabric_history_iterator** out, const fabric_ledger* l, const char* ns,
                       const uint8_t* key, size_t key_len, fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (l == nullptr || ns == nullptr) return SaveError(FABRIC_EINVAL, "ledger or ns is NULL", err);
  if (key == nullptr && key_len != 0) {
    return SaveError(FABRIC_EINVAL, "key is NULL but key_len is not 0", err);
  }
  auto records = l->rep->history().Get(ns, View(key, key_len));
  if (!records.ok()) return SaveError(records.status(), err);
  auto it = std::make_unique<fabric_history_iterator>();
  it->records = *std::move(records);
  *out = it.release();
  return FABRIC_OK;
}

int HistoryIteratorNext(fabric_key_modification* out, fabric_history_iterator* it,
                        fabric_error** err) {
  if (out == nullptr || it == nullptr) {
    return SaveError(FABRIC_EINVAL, "out or iterator is NULL", err);
  }
  if (int rc = fabric::capi::CheckStructVersion(out->version, FABRIC_KEY_MODIFICATION_VERSION,
                                                "fabric_key_modification", err);
      rc != FABRIC_OK) {
    return rc;
  }
  if (it->pos == it->records.size()) return FABRIC_ITEROVER;
  const fabric::ledger::HistoryRecord& r = it->records[it->pos++];
  const fabric::ledger::KeyModification& m = r.modification;
  *out = fabric_key_modification{};
  out->version = FABRIC_KEY_MODIFICATION_VERSION;
  out->txid = m.txid.c_str();
  out->value = reinterpret_cast<const uint8_t*>(m.value.data());
  out->value_len = m.value.size();
  out->is_delete = m.is_delete ? 1 : 0;
  out->timestamp_seconds = m.timestamp_seconds;
  out->timestamp_nanos = m.timestamp_nanos;
  out->key_version = {FABRIC_KEY_VERSION_VERSION, r.version.block, r.version.tx};
  return FABRIC_OK;
}

}  // namespace

extern "C" {

int fabric_state_iterator_new(fabric_state_iterator** out, const fabric_ledger* ledger,
                              const char* ns, const uint8_t* start_key, size_t start_key_len,
                              const uint8_t* end_key, size_t end_key_len, size_t page_limit,
                              fabric_error** err) {
  return Guard(err, [&] {
    return StateIteratorNew(out, ledger, ns, "", false, start_key, start_key_len, end_key,
                            end_key_len, page_limit, err);
  });
}

int fabric_private_data_iterator_new(fabric_state_iterator** out, const fabric_ledger* ledger,
                                     const char* ns, const char* collection,
                                     const uint8_t* start_key, size_t start_key_len,
                                     const uint8_t* end_key, size_t end_key_len, size_t page_limit,
                                     fabric_error** err) {
  return Guard(err, [&] {
    if (collection != nullptr && *collection == '\0') {
      return SaveError(FABRIC_EINVAL, "collection is empty", err);
    }
    return StateIteratorNew(out, ledger, ns, collection, false, start_key, start_key_len, end_key,
                            end_key_len, page_limit, err);
  });
}

int fabric_private_data_hash_iterator_new(fabric_state_iterator** out, const fabric_ledger* ledger,
                                          const char* ns, const char* collection,
                                          const uint8_t* start_hash, size_t start_hash_len,
                                          const uint8_t* end_hash, size_t end_hash_len,
                                          size_t page_limit, fabric_error** err) {
  return Guard(err, [&] {
    if (collection != nullptr && *collection == '\0') {
      return SaveError(FABRIC_EINVAL, "collection is empty", err);
    }
    return StateIteratorNew(out, ledger, ns, collection, true, start_hash, start_hash_len, end_hash,
                            end_hash_len, page_limit, err);
  });
}

int fabric_state_iterator_next(const uint8_t** key, size_t* key_len, const uint8_t** value,
                               size_t* value_len, fabric_key_version* version,
                               fabric_state_iterator* iterator, fabric_error** err) {
  return Guard(err, [&] {
    return StateIteratorNext(key, key_len, value, value_len, version, iterator, err);
  });
}

int fabric_state_iterator_bookmark(fabric_buf* out, const fabric_state_iterator* iterator,
                                   fabric_error** err) {
  return Guard(err, [&] { return StateIteratorBookmark(out, iterator, err); });
}

void fabric_state_iterator_free(fabric_state_iterator* iterator) { delete iterator; }

int fabric_history_iterator_new(fabric_history_iterator** out, const fabric_ledger* ledger,
                                const char* ns, const uint8_t* key, size_t key_len,
                                fabric_error** err) {
  return Guard(err, [&] { return HistoryIteratorNew(out, ledger, ns, key, key_len, err); });
}

int fabric_history_iterator_next(fabric_key_modification* out, fabric_history_iterator* iterator,
                                 fabric_error** err) {
  return Guard(err, [&] { return HistoryIteratorNext(out, iterator, err); });
}

void fabric_history_iterator_free(fabric_history_iterator* iterator) { delete iterator; }

}  // extern "C"
