#include "lib/crypto/p256_verify_batch.h"

#include <openssl/ecdsa.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/base/thread_pool.h"
#include "lib/crypto/p256_cases.h"

namespace fabric::crypto {
namespace {

using testing::BatchCase;
using testing::Case;
using testing::CompareBatch;
using testing::KeyWithTable;

class P256VerifyBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!P256TablesAvailable()) GTEST_SKIP() << "no nistz256 assembly or no AVX here";
  }
  ThreadPool pool_{2};
};

// ECDSA_do_verify's answer, the reference.
int Answer(const KeyWithTable& k, const Case& c) {
  return ECDSA_do_verify(reinterpret_cast<const uint8_t*>(c.digest.data()), c.digest.size(),
                         c.sig.get(), k.key.get());
}

std::shared_ptr<const P256KeyTable> Borrowed(const KeyWithTable& k) {
  return std::shared_ptr<const P256KeyTable>(std::shared_ptr<void>(), k.table.get());
}

// Every edge case of the fixed keys (G, -G, a key whose x is above n among them), all in
// one batch, so that their steps share inversions with each other.
TEST_F(P256VerifyBatchTest, EdgeCasesOfEveryFixedKeyTogether) {
  std::vector<std::vector<Case>> per_key;
  std::vector<BatchCase> batch;
  for (const KeyWithTable& k : testing::FixedKeys()) per_key.push_back(testing::EdgeCases(k));
  Case above;
  KeyWithTable k_above = testing::KeyWithXAboveOrder(&above);
  for (size_t i = 0; i < per_key.size(); ++i) {
    for (const Case& c : per_key[i]) {
      batch.push_back({&testing::FixedKeys()[i], &c, Answer(testing::FixedKeys()[i], c)});
    }
  }
  batch.push_back({&k_above, &above, Answer(k_above, above)});
  ASSERT_EQ(batch.back().answer, 1);
  size_t confirmed = 0;
  EXPECT_EQ(CompareBatch(batch, &pool_, true, &confirmed), "");
  EXPECT_GT(confirmed, 50u);
}

// Batches of every size from 1 (one verification, its own inversion each step) up, with
// random cases of every kind over several keys.
TEST_F(P256VerifyBatchTest, RandomCasesInBatchesOfEverySize) {
  std::mt19937_64 rng(23);
  std::vector<KeyWithTable> keys;
  for (int i = 0; i < 3; ++i) keys.push_back(testing::RandomKey());
  for (size_t size : {1, 2, 3, 31, 32, 64, 65, 200, 601}) {
    std::vector<Case> cases;
    cases.reserve(size);
    std::vector<BatchCase> batch;
    for (size_t i = 0; i < size; ++i) {
      const KeyWithTable& k = keys[rng() % keys.size()];
      cases.push_back(testing::RandomCase(rng, k, keys[rng() % keys.size()]));
      batch.push_back({&k, &cases.back(), Answer(k, cases.back())});
    }
    EXPECT_EQ(CompareBatch(batch, &pool_, true), "") << "batch of " << size;
    EXPECT_EQ(CompareBatch(batch, nullptr, true), "") << "batch of " << size << ", no pool";
  }
}

// Only the tags of unconfirmed records come back, once each, in order; a tag with
// several verifications comes back if any of them is not confirmed.
TEST_F(P256VerifyBatchTest, ReturnsTheTagsOfUnconfirmedRecords) {
  std::mt19937_64 rng(5);
  KeyWithTable k = testing::RandomKey();
  std::vector<Case> cases;
  for (int i = 0; i < 40; ++i) cases.push_back(testing::RandomCase(rng, k, k));
  P256VerifyBatch batch;
  std::vector<size_t> want;
  for (size_t i = 0; i < cases.size(); ++i) {
    const size_t tag = i / 2;  // two verifications per tag
    ScopedP256VerifyBatch use(&batch, tag);
    const Case& c = cases[i];
    const bool added = batch.Add(reinterpret_cast<const uint8_t*>(c.digest.data()),
                                 c.digest.size(), c.sig.get(), Borrowed(k));
    const bool valid = Answer(k, c) == 1;
    if (added && !valid) want.push_back(tag);
    EXPECT_TRUE(added || !valid);
  }
  EXPECT_EQ(P256VerifyBatch::Current(), nullptr);
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  std::vector<size_t> got = batch.Compute(&pool_);
  // A valid crafted case may be unconfirmed too; every invalid one must be.
  for (size_t tag : want) {
    EXPECT_TRUE(std::binary_search(got.begin(), got.end(), tag)) << tag;
  }
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
  EXPECT_EQ(std::adjacent_find(got.begin(), got.end()), got.end());
  EXPECT_EQ(batch.size(), 0u);  // Compute takes the records
  // A record added after Compute would never be computed: refused, to verify at once.
  ScopedP256VerifyBatch use(&batch, 0);
  const Case valid = testing::RandomCase(rng, k, k);
  P256VerifyBatch fresh;
  const uint8_t* d = reinterpret_cast<const uint8_t*>(valid.digest.data());
  if (fresh.Add(d, valid.digest.size(), valid.sig.get(), Borrowed(k))) {
    EXPECT_FALSE(batch.Add(d, valid.digest.size(), valid.sig.get(), Borrowed(k)));
  }
  EXPECT_EQ(batch.size(), 0u);
}

TEST_F(P256VerifyBatchTest, ScopesNestAndRestore) {
  P256VerifyBatch a, b;
  EXPECT_EQ(P256VerifyBatch::Current(), nullptr);
  {
    ScopedP256VerifyBatch use_a(&a, 1);
    EXPECT_EQ(P256VerifyBatch::Current(), &a);
    {
      ScopedP256VerifyBatch none(nullptr, 0);
      EXPECT_EQ(P256VerifyBatch::Current(), nullptr);
      ScopedP256VerifyBatch use_b(&b, 2);
      EXPECT_EQ(P256VerifyBatch::Current(), &b);
    }
    EXPECT_EQ(P256VerifyBatch::Current(), &a);
  }
  EXPECT_EQ(P256VerifyBatch::Current(), nullptr);
  EXPECT_TRUE(a.Compute(&pool_).empty());  // nothing recorded: nothing to redo
}

// Records added from many threads at once (under TSan in make check-tsan).
TEST_F(P256VerifyBatchTest, ConcurrentAdds) {
  std::mt19937_64 rng(9);
  KeyWithTable k = testing::RandomKey();
  std::vector<Case> cases;
  std::vector<int> answers;
  for (int i = 0; i < 256; ++i) {
    cases.push_back(testing::RandomCase(rng, k, k));
    answers.push_back(Answer(k, cases.back()));
  }
  P256VerifyBatch batch;
  pool_.ParallelFor(cases.size(), [&](size_t i) {
    ScopedP256VerifyBatch use(&batch, i);
    batch.Add(reinterpret_cast<const uint8_t*>(cases[i].digest.data()), cases[i].digest.size(),
              cases[i].sig.get(), Borrowed(k));
  });
  std::vector<size_t> unconfirmed = batch.Compute(&pool_);
  for (size_t i = 0; i < cases.size(); ++i) {
    if (answers[i] != 1) {
      // Invalid: refused by Add (r or s out of range) or returned unconfirmed; either
      // way never taken as valid in the end.
      continue;
    }
    const bool crafted = cases[i].what.rfind("u1 = ", 0) == 0 ||
                         cases[i].what.find("crafted") != std::string::npos;
    if (!crafted) {
      EXPECT_FALSE(std::binary_search(unconfirmed.begin(), unconfirmed.end(), i))
          << testing::Describe(cases[i]);
    }
  }
  for (size_t tag : unconfirmed) EXPECT_LT(tag, cases.size());
}

}  // namespace
}  // namespace fabric::crypto
