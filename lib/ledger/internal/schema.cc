#include "lib/ledger/internal/schema.h"

namespace fabric::ledger::internal {

void PutVarint64(std::string* dst, uint64_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

void PutFixed64BE(std::string* dst, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) dst->push_back(static_cast<char>(v >> shift));
}

void PutLengthPrefixed(std::string* dst, absl::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s.data(), s.size());
}

bool GetVarint64(absl::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int i = 0; i < 10 && i < static_cast<int>(in->size()); ++i) {
    uint64_t byte = static_cast<uint8_t>((*in)[i]);
    if (i == 9 && byte > 1) return false;  // overflows 64 bits
    result |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      in->remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  return false;
}

bool GetFixed64BE(absl::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  uint64_t result = 0;
  for (int i = 0; i < 8; ++i) result = (result << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(8);
  *v = result;
  return true;
}

bool GetLengthPrefixed(absl::string_view* in, absl::string_view* s) {
  uint64_t len;
  if (!GetVarint64(in, &len) || len > in->size()) return false;
  *s = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

std::string BlockNumKey(uint64_t number) {
  std::string k = "n";
  PutFixed64BE(&k, number);
  return k;
}

std::string BlockHashKey(absl::string_view h) {
  return std::string("h").append(h.data(), h.size());
}

std::string TxIdPrefix(absl::string_view txid) {
  std::string k = "t";
  PutLengthPrefixed(&k, txid);
  return k;
}

std::string TxIdKey(absl::string_view txid, uint64_t block, uint64_t tx) {
  std::string k = TxIdPrefix(txid);
  PutFixed64BE(&k, block);
  PutFixed64BE(&k, tx);
  return k;
}

std::string BlockTxKey(uint64_t block, uint64_t tx) {
  std::string k = "b";
  PutFixed64BE(&k, block);
  PutFixed64BE(&k, tx);
  return k;
}

// Flags, a varint after the location, written only when not zero.
constexpr uint64_t kDataHashMismatch = 1;

std::string EncodeLocation(const BlockLocation& loc, bool data_hash_matches) {
  std::string v;
  PutVarint64(&v, loc.file);
  PutVarint64(&v, loc.offset);
  PutVarint64(&v, loc.length);
  if (!data_hash_matches) PutVarint64(&v, kDataHashMismatch);
  return v;
}

bool DecodeLocation(absl::string_view in, BlockLocation* loc, bool* data_hash_matches) {
  uint64_t file, flags = 0;
  if (!GetVarint64(&in, &file) || file > UINT32_MAX) return false;
  loc->file = static_cast<uint32_t>(file);
  if (!GetVarint64(&in, &loc->offset) || !GetVarint64(&in, &loc->length)) return false;
  if (!in.empty() && (!GetVarint64(&in, &flags) || flags == 0 || (flags & ~kDataHashMismatch))) {
    return false;
  }
  *data_hash_matches = (flags & kDataHashMismatch) == 0;
  return in.empty();
}

std::string StatePrefix(absl::string_view ns) {
  std::string k;
  PutLengthPrefixed(&k, ns);
  return k;
}

std::string StateKey(absl::string_view ns, absl::string_view key) {
  return StatePrefix(ns).append(key.data(), key.size());
}

std::string HashedNamespace(absl::string_view ns, absl::string_view collection) {
  return std::string(ns).append("$$h").append(collection.data(), collection.size());
}

std::string PrivateNamespace(absl::string_view ns, absl::string_view collection) {
  return std::string(ns).append("$$p").append(collection.data(), collection.size());
}

std::string EncodeStateValue(const Update& u) {
  std::string v;
  PutVarint64(&v, u.version.block);
  PutVarint64(&v, u.version.tx);
  PutLengthPrefixed(&v, u.metadata);
  v.append(u.value);
  return v;
}

bool DecodeStateVersion(absl::string_view in, Version* v) {
  return GetVarint64(&in, &v->block) && GetVarint64(&in, &v->tx);
}

bool DecodeStateValue(absl::string_view in, VersionedValue* out) {
  absl::string_view metadata;
  if (!GetVarint64(&in, &out->version.block) || !GetVarint64(&in, &out->version.tx) ||
      !GetLengthPrefixed(&in, &metadata)) {
    return false;
  }
  out->metadata.assign(metadata.data(), metadata.size());
  out->value.assign(in.data(), in.size());
  return true;
}

std::string HistoryPrefix(absl::string_view ns, absl::string_view key) {
  std::string k;
  PutLengthPrefixed(&k, ns);
  PutLengthPrefixed(&k, key);
  return k;
}

std::string HistoryKey(absl::string_view ns, absl::string_view key, uint64_t block, uint64_t tx) {
  std::string k = HistoryPrefix(ns, key);
  PutFixed64BE(&k, block);
  PutFixed64BE(&k, tx);
  return k;
}

std::string EncodeSavepoint(const ChainInfo& info) {
  std::string v;
  PutVarint64(&v, info.height);
  PutLengthPrefixed(&v, info.current_hash);
  PutLengthPrefixed(&v, info.previous_hash);
  return v;
}

bool DecodeSavepoint(absl::string_view in, ChainInfo* info) {
  absl::string_view current, previous;
  if (!GetVarint64(&in, &info->height) || !GetLengthPrefixed(&in, &current) ||
      !GetLengthPrefixed(&in, &previous) || !in.empty()) {
    return false;
  }
  info->current_hash = std::string(current);
  info->previous_hash = std::string(previous);
  return true;
}

std::string MetadataNamespaceKey(absl::string_view ns) {
  std::string k = "M";
  PutLengthPrefixed(&k, ns);
  return k;
}

std::string EncodeOrigin(const SnapshotOrigin& o) {
  std::string v;
  PutLengthPrefixed(&v, o.channel_id);
  PutVarint64(&v, o.last_block);
  PutLengthPrefixed(&v, o.last_block_hash);
  PutLengthPrefixed(&v, o.previous_block_hash);
  PutLengthPrefixed(&v, o.commit_hash);
  PutLengthPrefixed(&v, o.signable_metadata);
  PutLengthPrefixed(&v, o.additional_metadata);
  return v;
}

bool DecodeOrigin(absl::string_view in, SnapshotOrigin* out) {
  absl::string_view channel, last, previous, commit, signable, additional;
  if (!GetLengthPrefixed(&in, &channel) || !GetVarint64(&in, &out->last_block) ||
      !GetLengthPrefixed(&in, &last) || !GetLengthPrefixed(&in, &previous) ||
      !GetLengthPrefixed(&in, &commit) || !GetLengthPrefixed(&in, &signable) ||
      !GetLengthPrefixed(&in, &additional) || !in.empty()) {
    return false;
  }
  out->channel_id = std::string(channel);
  out->last_block_hash = std::string(last);
  out->previous_block_hash = std::string(previous);
  out->commit_hash = std::string(commit);
  out->signable_metadata = std::string(signable);
  out->additional_metadata = std::string(additional);
  return true;
}

std::string ConfigHistoryKey(absl::string_view fabric_key) {
  return std::string(kConfigHistoryPrefix).append(fabric_key.data(), fabric_key.size());
}

// ---- Private data ----

std::string PvtRecordKey(uint64_t block) {
  std::string k(kPvtRecordPrefix);
  PutFixed64BE(&k, block);
  return k;
}

std::string ExpiryPrefix(uint64_t expiry) {
  std::string k(kExpiryPrefix);
  PutFixed64BE(&k, expiry);
  return k;
}

std::string ExpiryKey(uint64_t expiry, uint64_t committing) {
  std::string k = ExpiryPrefix(expiry);
  PutFixed64BE(&k, committing);
  return k;
}

bool DecodeExpiryKey(absl::string_view key, uint64_t* expiry, uint64_t* committing) {
  if (key.size() != 17 || key[0] != 'E') return false;
  key.remove_prefix(1);
  return GetFixed64BE(&key, expiry) && GetFixed64BE(&key, committing) && key.empty();
}

namespace {

void PutSlot(std::string* v, const PvtSlot& s) {
  PutVarint64(v, s.tx);
  PutLengthPrefixed(v, s.ns);
  PutLengthPrefixed(v, s.coll);
}

bool GetString(absl::string_view* in, std::string* out) {
  absl::string_view s;
  if (!GetLengthPrefixed(in, &s)) return false;
  out->assign(s.data(), s.size());
  return true;
}

bool GetSlot(absl::string_view* in, PvtSlot* s) {
  return GetVarint64(in, &s->tx) && GetString(in, &s->ns) && GetString(in, &s->coll);
}

}  // namespace

std::string EncodePvtRecord(const BlockPvtRecord& r) {
  std::string v;
  PutVarint64(&v, r.stored.size());
  for (const auto& [slot, rwset] : r.stored) {
    PutSlot(&v, slot);
    PutLengthPrefixed(&v, rwset);
  }
  PutVarint64(&v, r.missing.size());
  for (const auto& [slot, eligible] : r.missing) {
    PutSlot(&v, slot);
    v.push_back(eligible ? 1 : 0);
  }
  PutVarint64(&v, r.block_to_live.size());
  for (const auto& [coll, btl] : r.block_to_live) {
    PutLengthPrefixed(&v, coll.first);
    PutLengthPrefixed(&v, coll.second);
    PutVarint64(&v, btl);
  }
  return v;
}

bool DecodePvtRecord(absl::string_view in, BlockPvtRecord* out) {
  *out = BlockPvtRecord();
  uint64_t n = 0;
  if (!GetVarint64(&in, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    PvtSlot slot;
    std::string rwset;
    if (!GetSlot(&in, &slot) || !GetString(&in, &rwset)) return false;
    out->stored[slot] = std::move(rwset);
  }
  if (!GetVarint64(&in, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    PvtSlot slot;
    if (!GetSlot(&in, &slot) || in.empty() || static_cast<uint8_t>(in[0]) > 1) return false;
    out->missing[slot] = in[0] == 1;
    in.remove_prefix(1);
  }
  if (!GetVarint64(&in, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string ns, coll;
    uint64_t btl = 0;
    if (!GetString(&in, &ns) || !GetString(&in, &coll) || !GetVarint64(&in, &btl)) return false;
    out->block_to_live[{std::move(ns), std::move(coll)}] = btl;
  }
  return in.empty();
}

std::string EncodeExpiring(const std::vector<ExpiringKey>& keys) {
  std::string v;
  PutVarint64(&v, keys.size());
  for (const ExpiringKey& k : keys) {
    PutLengthPrefixed(&v, k.ns);
    PutLengthPrefixed(&v, k.coll);
    PutLengthPrefixed(&v, k.key_hash);
    PutLengthPrefixed(&v, k.key);
  }
  return v;
}

bool DecodeExpiring(absl::string_view in, std::vector<ExpiringKey>* out) {
  out->clear();
  uint64_t n = 0;
  if (!GetVarint64(&in, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    ExpiringKey k;
    if (!GetString(&in, &k.ns) || !GetString(&in, &k.coll) || !GetString(&in, &k.key_hash) ||
        !GetString(&in, &k.key)) {
      return false;
    }
    out->push_back(std::move(k));
  }
  return in.empty();
}

}  // namespace fabric::ledger::internal
