#include "lib/ledger/db.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"

namespace fabric::ledger {
namespace {

constexpr int kKeys = 50;

std::string Key(int k) { return absl::StrCat("k", 1000 + k); }

// Batch `i`: every key to "v<i>", and key `i % kKeys` deleted when i is odd.
std::unique_ptr<rocksdb::WriteBatchWithIndex> Batch(Db& db, int i) {
  auto b = std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                          /*overwrite_key=*/false);
  for (int k = 0; k < kKeys; ++k) {
    if (i % 2 == 1 && k == i % kKeys) {
      b->Delete(db.cf(Cf::kState), Key(k)).PermitUncheckedError();
    } else {
      b->Put(db.cf(Cf::kState), Key(k), absl::StrCat("v", i)).PermitUncheckedError();
    }
  }
  return b;
}

TEST(DbTest, WrittenBehindIsReadAtOnceAndSettles) {
  auto db = Db::Open(fabric::testing::FreshTempDir("db_behind"));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->WriteBehind(Batch(**db, 0)).ok());
  // Read at once, whether or not the writer thread has inserted it yet.
  auto v = (*db)->Get(Cf::kState, Key(3));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value_or(""), "v0");
  ASSERT_TRUE((*db)->WriteBehind(Batch(**db, 1)).ok());
  v = (*db)->Get(Cf::kState, Key(1));  // deleted by batch 1
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->has_value());
  ASSERT_TRUE((*db)->Settle().ok());
  v = (*db)->Get(Cf::kState, Key(2));
  EXPECT_EQ(v->value_or(""), "v1");
  // A plain write waits for the batch behind, so it lands after it.
  rocksdb::WriteBatch w;
  ASSERT_TRUE((*db)->WriteBehind(Batch(**db, 2)).ok());
  w.Put((*db)->cf(Cf::kState), Key(0), "plain").PermitUncheckedError();
  ASSERT_TRUE((*db)->Write(&w, false).ok());
  EXPECT_EQ((*db)->Get(Cf::kState, Key(0))->value_or(""), "plain");
  EXPECT_EQ((*db)->Get(Cf::kState, Key(5))->value_or(""), "v2");
}

// Readers on other threads while batches are written behind: every iteration sees the
// state after one whole batch (all values equal, the odd batch's key missing), and
// point reads never go back to an older batch.
TEST(DbTest, ConcurrentReadersSeeWholeBatches) {
  auto opened = Db::Open(fabric::testing::FreshTempDir("db_readers"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  Db& db = **opened;
  ASSERT_TRUE(db.WriteBehind(Batch(db, 0)).ok());
  constexpr int kBatches = 300;
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, scans{0};
  auto scanner = [&] {
    while (!done.load()) {
      std::unique_ptr<rocksdb::Iterator> it = db.NewIterator(Cf::kState);
      std::string value;
      int count = 0;
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        std::string v = it->value().ToString();
        if (!value.empty() && v != value) ++failures;
        value = v;
        ++count;
      }
      if (!it->status().ok()) ++failures;
      const int batch = std::stoi(value.substr(1));
      if (count != (batch % 2 == 1 ? kKeys - 1 : kKeys)) ++failures;
      ++scans;
    }
  };
  auto reader = [&] {
    int last = 0;
    while (!done.load()) {
      auto v = db.Get(Cf::kState, Key(kKeys - 1));  // never deleted (kKeys - 1 is odd: 49)
      if (!v.ok() || !v->has_value()) {
        // Key 49 is deleted by batch 49, 149, ... : absent is a whole batch's state.
        continue;
      }
      const int batch = std::stoi(v->value().substr(1));
      if (batch < last) ++failures;
      last = batch;
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back(scanner);
  threads.emplace_back(scanner);
  threads.emplace_back(reader);
  for (int i = 1; i < kBatches; ++i) ASSERT_TRUE(db.WriteBehind(Batch(db, i)).ok());
  ASSERT_TRUE(db.Settle().ok());
  done = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(scans.load(), 0);
}

}  // namespace
}  // namespace fabric::ledger
