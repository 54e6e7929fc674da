#include "lib/ledger/commit_hash.h"

#include <set>

#include "lib/base/sha256.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::ledger {
namespace {

void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// A length-delimited protobuf field; proto3 leaves empty ones out.
void AppendBytesField(int number, absl::string_view bytes, std::string* out) {
  if (bytes.empty()) return;
  AppendVarint(static_cast<uint64_t>(number) << 3 | 2, out);
  AppendVarint(bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}

void AppendOrderPreserving(uint64_t n, std::string* out) {
  int size = 0;
  for (uint64_t v = n; v != 0; v >>= 8) ++size;
  out->push_back(static_cast<char>(size));
  for (int i = size - 1; i >= 0; --i) out->push_back(static_cast<char>(n >> (8 * i)));
}

// One txmgr.KVWrite: namespace 1, collection 2, key 3, isDelete 4, value 5,
// version_bytes 6.
void AppendKVWrite(absl::string_view ns, absl::string_view coll, absl::string_view key,
                   const Update& u, std::string* updates) {
  std::string w;
  AppendBytesField(1, ns, &w);
  AppendBytesField(2, coll, &w);
  AppendBytesField(3, key, &w);
  if (u.is_delete) w.append("\x20\x01", 2);
  if (!u.is_delete) AppendBytesField(5, u.value, &w);
  AppendBytesField(6, VersionBytes(u.version), &w);
  // Updates.kvwrites = 1; an entry is written even when empty.
  AppendVarint(1 << 3 | 2, updates);
  AppendVarint(w.size(), updates);
  *updates += w;
}

}  // namespace

std::string VersionBytes(const Version& v) {
  std::string out;
  AppendOrderPreserving(v.block, &out);
  AppendOrderPreserving(v.tx, &out);
  return out;
}

std::string UpdateBytes(const BlockUpdates& updates) {
  std::set<std::string> namespaces;
  for (const auto& [ns, unused] : updates.pub) namespaces.insert(ns);
  for (const auto& [ns, unused] : updates.hashed) namespaces.insert(ns);
  std::string out;
  for (const std::string& ns : namespaces) {
    if (ns.empty()) continue;         // the channel config: a map-holding proto, not deterministic
    absl::string_view ns_label = ns;  // only on the namespace's first entry
    if (auto it = updates.pub.find(ns); it != updates.pub.end()) {
      for (const auto& [key, u] : it->second) {
        AppendKVWrite(ns_label, "", key, u, &out);
        ns_label = {};
      }
    }
    if (auto it = updates.hashed.find(ns); it != updates.hashed.end()) {
      for (const auto& [coll, keys] : it->second) {
        absl::string_view coll_label = coll;
        for (const auto& [key_hash, u] : keys) {
          AppendKVWrite(ns_label, coll_label, key_hash, u, &out);
          ns_label = {};
          coll_label = {};
        }
      }
    }
  }
  return out;
}

std::string NextCommitHash(absl::string_view filter, absl::string_view update_bytes,
                           absl::string_view previous) {
  std::string len;
  AppendVarint(filter.size(), &len);
  Sha256Hasher h;
  h.Update(len);
  h.Update(filter);
  h.Update(update_bytes);
  h.Update(previous);
  return h.Finish();
}

std::string CommitHashMetadata(absl::string_view hash) {
  common::Metadata m;
  m.set_value(std::string(hash));
  return m.SerializeAsString();
}

}  // namespace fabric::ledger
