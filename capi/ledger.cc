// Ledger managers, ledgers and their block, transaction and state queries through the
// C ABI (iterators are in ledger_iter.cc).
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>

#include "capi/internal.h"
#include "lib/base/sha256.h"

using fabric::capi::FillBuf;
using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;

namespace {

int InvalidNull(absl::string_view what, fabric_error** err) {
  return SaveError(FABRIC_EINVAL, std::string(what) + " is NULL", err);
}

int ManagerOpen(fabric_ledger_manager** out, const char* root_dir, fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  *out = nullptr;
  if (root_dir == nullptr) return InvalidNull("root_dir", err);
  auto m = fabric::ledger::LedgerManager::Open(root_dir, fabric::ledger::LedgerOptions());
  if (!m.ok()) return SaveError(m.status(), err);
  auto h = std::make_unique<fabric_ledger_manager>();
  h->rep = *std::move(m);
  *out = h.release();
  return FABRIC_OK;
}

// Wraps a ledger of the manager into a new handle in *out.
int WrapLedger(absl::StatusOr<std::shared_ptr<fabric::ledger::Ledger>> l, fabric_ledger** out,
               fabric_error** err) {
  if (!l.ok()) return SaveError(l.status(), err);
  auto h = std::make_unique<fabric_ledger>();
  h->rep = *std::move(l);
  *out = h.release();
  return FABRIC_OK;
}

int CreateLedger(fabric_ledger** out, fabric_ledger_manager* m, const uint8_t* genesis,
                 size_t genesis_len, fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  *out = nullptr;
  if (m == nullptr) return InvalidNull("manager", err);
  if (genesis == nullptr && genesis_len != 0) {
    return SaveError(FABRIC_EINVAL, "genesis is NULL but genesis_len is not 0", err);
  }
  return WrapLedger(m->rep->Create(std::string(View(genesis, genesis_len))), out, err);
}

int OpenLedger(fabric_ledger** out, fabric_ledger_manager* m, const char* channel_id,
               fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  *out = nullptr;
  if (m == nullptr || channel_id == nullptr) return InvalidNull("manager or channel_id", err);
  if (!fabric::ledger::IsValidChannelId(channel_id)) {
    return SaveError(FABRIC_EINVAL, std::string("invalid channel id '") + channel_id + "'", err);
  }
  return WrapLedger(m->rep->Get(channel_id), out, err);
}

int ManagerList(fabric_strarray* out, const fabric_ledger_manager* m, fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  out->strings = nullptr;
  out->count = 0;
  if (m == nullptr) return InvalidNull("manager", err);
  const std::vector<std::string> ids = m->rep->List();
  fabric_strarray a = {static_cast<char**>(std::calloc(ids.size() + 1, sizeof(char*))), 0};
  if (a.strings == nullptr) return SaveError(FABRIC_ENOMEM, "out of memory", err);
  for (const std::string& id : ids) {
    char* s = static_cast<char*>(std::malloc(id.size() + 1));
    if (s == nullptr) {
      fabric_strarray_dispose(&a);
      return SaveError(FABRIC_ENOMEM, "out of memory", err);
    }
    std::memcpy(s, id.c_str(), id.size() + 1);
    a.strings[a.count++] = s;
  }
  *out = a;
  return FABRIC_OK;
}

int ChainInfo(fabric_chain_info* out, const fabric_ledger* l, fabric_error** err) {
  if (out == nullptr || l == nullptr) return InvalidNull("out or ledger", err);
  if (int rc = fabric::capi::CheckStructVersion(out->version, FABRIC_CHAIN_INFO_VERSION,
                                                "fabric_chain_info", err);
      rc != FABRIC_OK) {
    return rc;
  }
  const fabric::ledger::ChainInfo info = l->rep->chain_info();
  *out = fabric_chain_info{};
  out->version = FABRIC_CHAIN_INFO_VERSION;
  out->height = info.height;
  std::memcpy(out->current_hash, info.current_hash.data(),
              std::min<size_t>(info.current_hash.size(), FABRIC_HASH_SIZE));
  out->previous_hash_len = std::min<size_t>(info.previous_hash.size(), FABRIC_HASH_SIZE);
  std::memcpy(out->previous_hash, info.previous_hash.data(), out->previous_hash_len);
  return FABRIC_OK;
}

int Commit(fabric_ledger* l, const fabric_block* block, const uint8_t* codes, size_t num_codes,
           fabric_error** err) {
  if (l == nullptr || block == nullptr) return InvalidNull("ledger or block", err);
  if (l->channel_owned) {
    return SaveError(FABRIC_EINVAL,
                     "the ledger belongs to a fabric_channel, which alone commits to it: "
                     "submit blocks with fabric_channel_submit",
                     err);
  }
  if (codes == nullptr && num_codes != 0) {
    return SaveError(FABRIC_EINVAL, "codes is NULL but num_codes is not 0", err);
  }
  if (num_codes != block->rep->num_transactions()) {
    return SaveError(FABRIC_EINVAL,
                     "num_codes is " + std::to_string(num_codes) + " but the block has " +
                         std::to_string(block->rep->num_transactions()) + " transactions",
                     err);
  }
  return SaveError(l->rep->Commit(*block->rep, View(codes, num_codes)), err);
}

int BlockOut(absl::StatusOr<std::string> bytes, fabric_buf* out, fabric_error** err) {
  if (!bytes.ok()) return SaveError(bytes.status(), err);
  return FillBuf(*bytes, out, err);
}

int BlockByNumber(fabric_buf* out, const fabric_ledger* l, uint64_t number, fabric_error** err) {
  if (out == nullptr || l == nullptr) return InvalidNull("out or ledger", err);
  return BlockOut(l->rep->blocks().BlockByNumber(number), out, err);
}

int BlockByHash(fabric_buf* out, const fabric_ledger* l, const uint8_t* hash, size_t hash_len,
                fabric_error** err) {
  if (out == nullptr || l == nullptr || hash == nullptr) {
    return InvalidNull("out, ledger or hash", err);
  }
  return BlockOut(l->rep->blocks().BlockByHash(View(hash, hash_len)), out, err);
}

int BlockByTxId(fabric_buf* out, const fabric_ledger* l, const char* txid, fabric_error** err) {
  if (out == nullptr || l == nullptr || txid == nullptr) {
    return InvalidNull("out, ledger or txid", err);
  }
  return BlockOut(l->rep->blocks().BlockByTxId(txid), out, err);
}

int Tx(fabric_tx_info* out, const fabric_ledger* l, const char* txid, fabric_error** err) {
  if (out == nullptr || l == nullptr || txid == nullptr) {
    return InvalidNull("out, ledger or txid", err);
  }
  if (int rc = fabric::capi::CheckStructVersion(out->version, FABRIC_TX_INFO_VERSION,
                                                "fabric_tx_info", err);
      rc != FABRIC_OK) {
    return rc;
  }
  auto locations = l->rep->blocks().TxLocations(txid);
  if (!locations.ok()) return SaveError(locations.status(), err);
  if (locations->empty()) {
    return SaveError(FABRIC_ENOTFOUND, std::string("no transaction ") + txid, err);
  }
  const fabric::ledger::TxLocation& first = locations->front();
  if (first.in_snapshot) {
    return SaveError(FABRIC_ENOTFOUND,
                     std::string("transaction ") + txid +
                         " is in the snapshot the ledger was joined from, which does not keep "
                         "its block and validation code",
                     err);
  }
  *out = fabric_tx_info{};
  out->version = FABRIC_TX_INFO_VERSION;
  out->block = first.block;
  out->tx = first.tx;
  out->num_occurrences = locations->size();
  out->validation_code = first.validation_code;
  return FABRIC_OK;
}

// Hands a looked-up value to the caller: its value (or hash), version and metadata.
int FillVersioned(fabric_buf* value_out, fabric_key_version* version_out, fabric_buf* metadata_out,
                  absl::StatusOr<std::optional<fabric::ledger::VersionedValue>> v,
                  fabric_error** err) {
  if (version_out != nullptr) {
    if (int rc = fabric::capi::CheckStructVersion(version_out->version, FABRIC_KEY_VERSION_VERSION,
                                                  "fabric_key_version", err);
        rc != FABRIC_OK) {
      return rc;
    }
  }
  if (!v.ok()) return SaveError(v.status(), err);
  if (!v->has_value()) return SaveError(FABRIC_ENOTFOUND, "no such key", err);
  fabric_buf value = FABRIC_BUF_INIT;
  if (int rc = FillBuf((*v)->value, &value, err); rc != FABRIC_OK) return rc;
  if (metadata_out != nullptr) {
    if (int rc = FillBuf((*v)->metadata, metadata_out, err); rc != FABRIC_OK) {
      fabric_buf_dispose(&value);
      return rc;
    }
  }
  *value_out = value;
  if (version_out != nullptr) {
    *version_out = {FABRIC_KEY_VERSION_VERSION, (*v)->version.block, (*v)->version.tx};
  }
  return FABRIC_OK;
}

int CheckKeyArgs(const void* value_out, const fabric_ledger* l, const char* ns,
                 const char* collection, bool private_key, const uint8_t* key, size_t key_len,
                 fabric_error** err) {
  if (value_out == nullptr || l == nullptr || ns == nullptr) {
    return InvalidNull("value_out, ledger or ns", err);
  }
  if (private_key && collection == nullptr) return InvalidNull("collection", err);
  if (key == nullptr && key_len != 0) {
    return SaveError(FABRIC_EINVAL, "key is NULL but key_len is not 0", err);
  }
  return FABRIC_OK;
}

int GetState(fabric_buf* value_out, fabric_key_version* version_out, fabric_buf* metadata_out,
             const fabric_ledger* l, const char* ns, const uint8_t* key, size_t key_len,
             fabric_error** err) {
  if (int rc = CheckKeyArgs(value_out, l, ns, nullptr, false, key, key_len, err); rc != FABRIC_OK) {
    return rc;
  }
  return FillVersioned(value_out, version_out, metadata_out,
                       l->rep->state().Get(ns, View(key, key_len)), err);
}

int PrivateRecords(const fabric_ledger* l, uint64_t first, uint64_t last, fabric_private_data_cb cb,
                   void* payload, fabric_error** err) {
  if (l == nullptr || cb == nullptr) return InvalidNull("ledger or cb", err);
  const uint64_t height = l->rep->chain_info().height;
  for (uint64_t n = first; n <= last && n < height; ++n) {
    auto record = l->rep->PvtRecord(n);
    if (!record.ok()) return SaveError(record.status(), err);
    if (!record->has_value()) continue;
    // Stored and missing slots, merged in slot order.
    std::map<fabric::ledger::PvtSlot, std::pair<int, int>> slots;
    for (const auto& [slot, rwset] : (*record)->stored) slots[slot] = {1, 1};
    for (const auto& [slot, eligible] : (*record)->missing) slots[slot] = {0, eligible ? 1 : 0};
    for (const auto& [slot, how] : slots) {
      if (int stop =
              cb(n, slot.tx, slot.ns.c_str(), slot.coll.c_str(), how.first, how.second, payload);
          stop != 0) {
        return stop;
      }
    }
  }
  return FABRIC_OK;
}

}  // namespace

extern "C" {

int fabric_ledger_get_private_data(fabric_buf* value_out, fabric_key_version* version_out,
                                   const fabric_ledger* ledger, const char* ns,
                                   const char* collection, const uint8_t* key, size_t key_len,
                                   fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckKeyArgs(value_out, ledger, ns, collection, true, key, key_len, err);
        rc != FABRIC_OK) {
      return rc;
    }
    return FillVersioned(value_out, version_out, nullptr,
                         ledger->rep->state().GetPrivate(ns, collection, View(key, key_len)), err);
  });
}

int fabric_ledger_get_private_data_hash(fabric_buf* value_hash_out, fabric_key_version* version_out,
                                        fabric_buf* metadata_out, const fabric_ledger* ledger,
                                        const char* ns, const char* collection, const uint8_t* key,
                                        size_t key_len, fabric_error** err) {
  return Guard(err, [&] {
    if (int rc = CheckKeyArgs(value_hash_out, ledger, ns, collection, true, key, key_len, err);
        rc != FABRIC_OK) {
      return rc;
    }
    return FillVersioned(
        value_hash_out, version_out, metadata_out,
        ledger->rep->state().GetHashed(ns, collection, fabric::Sha256(View(key, key_len))), err);
  });
}

int fabric_ledger_private_data_records(const fabric_ledger* ledger, uint64_t first, uint64_t last,
                                       fabric_private_data_cb cb, void* payload,
                                       fabric_error** err) {
  return Guard(err, [&] { return PrivateRecords(ledger, first, last, cb, payload, err); });
}

void fabric_strarray_dispose(fabric_strarray* array) {
  if (array == nullptr) return;
  for (size_t i = 0; i < array->count; ++i) std::free(array->strings[i]);
  std::free(array->strings);
  array->strings = nullptr;
  array->count = 0;
}

int fabric_ledger_manager_open(fabric_ledger_manager** out, const char* root_dir,
                               fabric_error** err) {
  return Guard(err, [&] { return ManagerOpen(out, root_dir, err); });
}

void fabric_ledger_manager_free(fabric_ledger_manager* manager) { delete manager; }

int fabric_ledger_manager_create_ledger(fabric_ledger** out, fabric_ledger_manager* manager,
                                        const uint8_t* genesis, size_t genesis_len,
                                        fabric_error** err) {
  return Guard(err, [&] { return CreateLedger(out, manager, genesis, genesis_len, err); });
}

int fabric_ledger_manager_open_ledger(fabric_ledger** out, fabric_ledger_manager* manager,
                                      const char* channel_id, fabric_error** err) {
  return Guard(err, [&] { return OpenLedger(out, manager, channel_id, err); });
}

int fabric_ledger_manager_list(fabric_strarray* out, const fabric_ledger_manager* manager,
                               fabric_error** err) {
  return Guard(err, [&] { return ManagerList(out, manager, err); });
}

int fabric_ledger_manager_close_ledger(fabric_ledger_manager* manager, const char* channel_id,
                                       fabric_error** err) {
  return Guard(err, [&] {
    if (manager == nullptr || channel_id == nullptr) {
      return InvalidNull("manager or channel_id", err);
    }
    manager->rep->Close(channel_id);
    return static_cast<int>(FABRIC_OK);
  });
}

void fabric_ledger_free(fabric_ledger* ledger) { delete ledger; }

const char* fabric_ledger_channel_id(const fabric_ledger* ledger) {
  return ledger == nullptr ? nullptr : ledger->rep->channel_id().c_str();
}

int fabric_ledger_chain_info(fabric_chain_info* out, const fabric_ledger* ledger,
                             fabric_error** err) {
  return Guard(err, [&] { return ChainInfo(out, ledger, err); });
}

const uint8_t* fabric_block_tx_filter(const fabric_block* block, size_t* len_out) {
  if (block == nullptr) return nullptr;
  static const uint8_t kNone[1] = {0};
  absl::string_view filter = block->rep->metadata(common::TRANSACTIONS_FILTER);
  if (len_out != nullptr) *len_out = filter.size();
  return filter.empty() ? kNone : reinterpret_cast<const uint8_t*>(filter.data());
}

int fabric_ledger_commit(fabric_ledger* ledger, const fabric_block* block, const uint8_t* codes,
                         size_t num_codes, fabric_error** err) {
  return Guard(err, [&] { return Commit(ledger, block, codes, num_codes, err); });
}

int fabric_ledger_block_by_number(fabric_buf* out, const fabric_ledger* ledger, uint64_t number,
                                  fabric_error** err) {
  return Guard(err, [&] { return BlockByNumber(out, ledger, number, err); });
}

int fabric_ledger_block_by_hash(fabric_buf* out, const fabric_ledger* ledger, const uint8_t* hash,
                                size_t hash_len, fabric_error** err) {
  return Guard(err, [&] { return BlockByHash(out, ledger, hash, hash_len, err); });
}

int fabric_ledger_block_by_txid(fabric_buf* out, const fabric_ledger* ledger, const char* txid,
                                fabric_error** err) {
  return Guard(err, [&] { return BlockByTxId(out, ledger, txid, err); });
}

int fabric_ledger_tx(fabric_tx_info* out, const fabric_ledger* ledger, const char* txid,
                     fabric_error** err) {
  return Guard(err, [&] { return Tx(out, ledger, txid, err); });
}

int fabric_ledger_get_state(fabric_buf* value_out, fabric_key_version* version_out,
                            fabric_buf* metadata_out, const fabric_ledger* ledger, const char* ns,
                            const uint8_t* key, size_t key_len, fabric_error** err) {
  return Guard(err, [&] {
    return GetState(value_out, version_out, metadata_out, ledger, ns, key, key_len, err);
  });
}

}  // extern "C"
