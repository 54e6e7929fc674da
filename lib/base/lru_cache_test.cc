#include "lib/base/lru_cache.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace fabric {
namespace {

TEST(LruCacheTest, EvictsTheLeastRecentlyUsed) {
  LruCache<int> cache(2);
  cache.Put("a", 1);
  cache.Put("b", 2);
  EXPECT_EQ(cache.Get("a"), 1);  // a is now the most recent
  cache.Put("c", 3);
  EXPECT_EQ(cache.Get("b"), std::nullopt);
  EXPECT_EQ(cache.Get("a"), 1);
  EXPECT_EQ(cache.Get("c"), 3);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(LruCacheTest, InsertKeepsWhatIsThere) {
  LruCache<std::shared_ptr<int>> cache(4);
  auto first = std::make_shared<int>(1);
  EXPECT_EQ(cache.Insert("k", first), first);
  EXPECT_EQ(cache.Insert("k", std::make_shared<int>(2)), first);  // not replaced
  EXPECT_EQ(*cache.Get("k"), first);
  cache.Put("k", std::make_shared<int>(3));  // Put replaces
  EXPECT_EQ(**cache.Get("k"), 3);
}

TEST(LruCacheTest, InsertEvictsBeyondCapacity) {
  LruCache<int> cache(1);
  EXPECT_EQ(cache.Insert("a", 1), 1);
  EXPECT_EQ(cache.Insert("b", 2), 2);
  EXPECT_EQ(cache.Get("a"), std::nullopt);
  EXPECT_EQ(cache.size(), 1u);
}

// Threads that insert their own value for one key at once all get the same one.
TEST(LruCacheTest, ConcurrentInsertsAgree) {
  LruCache<std::shared_ptr<int>> cache(4096);
  for (int round = 0; round < 50; ++round) {
    const std::string key = "key" + std::to_string(round);
    std::vector<std::shared_ptr<int>> got(8);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] { got[t] = cache.Insert(key, std::make_shared<int>(t)); });
    }
    for (std::thread& t : threads) t.join();
    for (int t = 1; t < 8; ++t) EXPECT_EQ(got[t], got[0]) << key;
  }
}

}  // namespace
}  // namespace fabric
