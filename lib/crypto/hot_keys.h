// The P-256 keys that sign most, each with its P256KeyTable, in a bounded cache.
//
// In a Fabric network a few keys sign almost everything: the endorsing peers, the
// orderers, a handful of clients. A key earns a table by signing `uses_before_table`
// times (a table costs about 60 verifications' worth of time to build and 264 KiB to
// keep); the cache holds at most `max_tables` tables and evicts the least recently
// used. Only keys of identities that validated against a channel's MSPs are noted
// (Identity::Verify does that), so a stream of one-off or invalid keys never builds a
// table, and at most one per `uses_before_table` signatures ever could.
//
//   std::shared_ptr<const P256KeyTable> t = HotKeys::Process().Find(point);
//   ... verify with *t when present, else plainly, then:
//   HotKeys::Process().NoteUse(point, key);
//
// Thread safety: all methods may be called concurrently.
#ifndef FABRIC_LIB_CRYPTO_HOT_KEYS_H_
#define FABRIC_LIB_CRYPTO_HOT_KEYS_H_

#include <openssl/base.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "lib/base/lru_cache.h"
#include "lib/crypto/p256_key_table.h"

namespace fabric::crypto {

class HotKeys {
 public:
  struct Options {
    size_t max_tables = 32;           // 32 * 264 KiB = 8.3 MiB at most
    uint32_t uses_before_table = 16;  // verifications by a key before it gets a table
  };

  struct Stats {
    uint64_t hits = 0;    // Find calls that found a table
    uint64_t misses = 0;  // Find calls that did not
    uint64_t builds = 0;  // tables built
    size_t tables = 0;    // tables held now
    size_t bytes = 0;     // their size
  };

  explicit HotKeys(Options options);
  HotKeys(const HotKeys&) = delete;
  HotKeys& operator=(const HotKeys&) = delete;

  // The process's cache, which identities use. Its size comes from the environment's
  // FABRIC_P256_HOT_KEYS (a number of tables; 0 turns tables off) when set at first use.
  static HotKeys& Process();

  // The table of the uncompressed P-256 `point`, if held.
  std::shared_ptr<const P256KeyTable> Find(absl::string_view point) const;

  // One verification by `key`, whose uncompressed point is `point`: builds its table
  // when this is its `uses_before_table`-th since it was last seen. Keys that are not
  // P-256, or where tables are not available, are ignored.
  void NoteUse(absl::string_view point, const EC_KEY* key);

  Stats stats() const;
  size_t max_bytes() const { return options_.max_tables * P256KeyTable::kBytes; }

 private:
  const Options options_;
  LruCache<std::shared_ptr<const P256KeyTable>> tables_;
  LruCache<uint32_t> uses_;  // keys without a table yet
  mutable std::atomic<uint64_t> hits_{0}, misses_{0}, builds_{0};
};

}  // namespace fabric::crypto

#endif  // FABRIC_LIB_CRYPTO_HOT_KEYS_H_
