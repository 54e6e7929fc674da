// A bounded, thread-safe map from byte-string keys to small values, evicting the least
// recently used entry. Split into shards by key hash so parallel validation workers
// rarely wait for one another.
//
// Thread safety: all methods may be called concurrently.
#ifndef FABRIC_LIB_BASE_LRU_CACHE_H_
#define FABRIC_LIB_BASE_LRU_CACHE_H_

#include <list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace fabric {

template <typename V>
class LruCache {
 public:
  // Holds at most `capacity` entries in all (at least one per shard).
  explicit LruCache(size_t capacity) {
    size_t shards = capacity >= 64 ? kMaxShards : 1;
    size_t per_shard = (capacity + shards - 1) / shards;
    for (size_t i = 0; i < shards; ++i) {
      shards_.push_back(std::make_unique<Shard>(per_shard > 0 ? per_shard : 1));
    }
  }

  std::optional<V> Get(absl::string_view key) const {
    Shard& s = ShardFor(key);
    absl::MutexLock lock(&s.mu);
    auto it = s.index.find(key);
    if (it == s.index.end()) return std::nullopt;
    s.order.splice(s.order.begin(), s.order, it->second);
    return it->second->second;
  }

  // The value held for `key`: the one already there, else `value`, which is put. Two
  // threads that made a value for one key at once both get the first one put.
  V Insert(absl::string_view key, V value) {
    Shard& s = ShardFor(key);
    absl::MutexLock lock(&s.mu);
    auto it = s.index.find(key);
    if (it != s.index.end()) {
      s.order.splice(s.order.begin(), s.order, it->second);
      return it->second->second;
    }
    s.order.emplace_front(std::string(key), std::move(value));
    s.index.emplace(absl::string_view(s.order.front().first), s.order.begin());
    V held = s.order.front().second;
    if (s.order.size() > s.capacity) {
      s.index.erase(absl::string_view(s.order.back().first));
      s.order.pop_back();
    }
    return held;
  }

  void Put(absl::string_view key, V value) {
    Shard& s = ShardFor(key);
    absl::MutexLock lock(&s.mu);
    auto it = s.index.find(key);
    if (it != s.index.end()) {
      it->second->second = std::move(value);
      s.order.splice(s.order.begin(), s.order, it->second);
      return;
    }
    s.order.emplace_front(std::string(key), std::move(value));
    s.index.emplace(absl::string_view(s.order.front().first), s.order.begin());
    if (s.order.size() > s.capacity) {
      s.index.erase(absl::string_view(s.order.back().first));
      s.order.pop_back();
    }
  }

  size_t size() const {
    size_t n = 0;
    for (const auto& s : shards_) {
      absl::MutexLock lock(&s->mu);
      n += s->order.size();
    }
    return n;
  }

 private:
  static constexpr size_t kMaxShards = 16;
  using Entry = std::pair<std::string, V>;

  struct Shard {
    explicit Shard(size_t cap) : capacity(cap) {}
    const size_t capacity;
    mutable absl::Mutex mu;
    std::list<Entry> order ABSL_GUARDED_BY(mu);  // most recent first
    // Keys view the strings stored in `order`.
    absl::flat_hash_map<absl::string_view, typename std::list<Entry>::iterator> index
        ABSL_GUARDED_BY(mu);
  };

  Shard& ShardFor(absl::string_view key) const {
    // High hash bits, so the shard does not fix the low bits the maps probe with.
    return *shards_[(absl::Hash<absl::string_view>()(key) >> 40) % shards_.size()];
  }

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace fabric

#endif  // FABRIC_LIB_BASE_LRU_CACHE_H_
