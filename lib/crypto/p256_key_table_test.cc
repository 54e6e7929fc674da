#include "lib/crypto/p256_key_table.h"

#include <openssl/ec_key.h>
#include <openssl/nid.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/mem.h>

#include <array>
#include <atomic>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "lib/crypto/hot_keys.h"
#include "lib/crypto/p256_inverse_batch.h"
#include "lib/crypto/p256_cases.h"

namespace fabric::crypto {
namespace {

using testing::Case;
using testing::Compare;
using testing::EdgeCases;
using testing::KeyFromScalar;
using testing::KeyWithTable;
using testing::RandomCase;
using testing::RandomKey;

class P256KeyTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!P256TablesAvailable()) GTEST_SKIP() << "no nistz256 assembly or no AVX here";
  }
};

// Every edge case, for a random key and for the keys G, -G and 2G, where Q's
// multiples coincide with G's.
TEST_F(P256KeyTableTest, EdgeCasesAgreeWithEcdsaDoVerify) {
  std::string n_minus_1 = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632550";
  for (const std::string& d : {std::string(), std::string("1"), n_minus_1, std::string("2")}) {
    KeyWithTable k = d.empty() ? RandomKey() : KeyFromScalar(d);
    int valid = 0, invalid = 0;
    for (const Case& c : EdgeCases(k)) {
      int answer = 0;
      EXPECT_EQ(Compare(k, c, &answer), "") << "key d = " << d;
      (answer == 1 ? valid : invalid)++;
    }
    EXPECT_GT(valid, 20) << d;  // the digests of every length, the crafted doublings
    EXPECT_GT(invalid, 100) << d;
  }
}

TEST_F(P256KeyTableTest, XAboveTheOrderComparesRPlusN) {
  Case c;
  KeyWithTable k = testing::KeyWithXAboveOrder(&c);
  int answer = 0;
  EXPECT_EQ(Compare(k, c, &answer), "");
  EXPECT_EQ(answer, 1) << testing::Describe(c);
}

TEST_F(P256KeyTableTest, RandomCasesAgree) {
  std::mt19937_64 rng(17);
  KeyWithTable a = RandomKey(), b = RandomKey();
  int valid = 0, invalid = 0;
  for (int i = 0; i < 20000; ++i) {
    Case c = RandomCase(rng, i % 2 ? a : b, i % 2 ? b : a);
    int answer = 0;
    std::string diff = Compare(i % 2 ? a : b, c, &answer);
    ASSERT_EQ(diff, "") << "case " << i;
    (answer == 1 ? valid : invalid)++;
  }
  EXPECT_GT(valid, 5000);
  EXPECT_GT(invalid, 5000);
}

TEST_F(P256KeyTableTest, BatchInversionInvertsEveryScalar) {
  bssl::UniquePtr<EC_GROUP> g(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const BIGNUM* n = EC_GROUP_get0_order(g.get());
  bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
  for (size_t count : {1, 2, 7, 600}) {
    std::vector<bssl::UniquePtr<BIGNUM>> values;
    std::vector<std::array<uint64_t, 4>> scalars;
    for (size_t i = 0; i < count; ++i) {
      values.emplace_back(BN_new());
      ASSERT_TRUE(BN_rand_range_ex(values.back().get(), 1, n));
      uint8_t le[32];
      ASSERT_TRUE(BN_bn2le_padded(le, sizeof le, values.back().get()));
      std::array<uint64_t, 4> limbs;
      std::memcpy(limbs.data(), le, sizeof le);
      scalars.push_back(limbs);
    }
    ASSERT_TRUE(P256InvertScalars(&scalars));
    for (size_t i = 0; i < count; ++i) {
      bssl::UniquePtr<BIGNUM> w(BN_le2bn(reinterpret_cast<const uint8_t*>(scalars[i].data()), 32,
                                         nullptr));
      bssl::UniquePtr<BIGNUM> product(BN_new());
      ASSERT_TRUE(BN_mod_mul(product.get(), w.get(), values[i].get(), n, ctx.get()));
      EXPECT_TRUE(BN_is_one(product.get())) << count << " scalars, #" << i;
    }
  }
  std::vector<std::array<uint64_t, 4>> zero = {{0, 0, 0, 0}};
  EXPECT_FALSE(P256InvertScalars(&zero));
}

// A block's batch: strict DER signatures get their inverse, others none, and a
// verification with the batch installed answers as without.
TEST_F(P256KeyTableTest, InverseBatchServesVerifications) {
  KeyWithTable k = RandomKey();
  std::mt19937_64 rng(5);
  std::vector<std::string> ders;
  std::vector<Case> cases;
  for (int i = 0; i < 20; ++i) {
    cases.push_back(RandomCase(rng, k, k));
    uint8_t* der = nullptr;
    size_t len = 0;
    if (!ECDSA_SIG_to_bytes(&der, &len, cases.back().sig.get())) {
      ders.push_back("");
      continue;
    }
    ders.emplace_back(reinterpret_cast<char*>(der), len);
    OPENSSL_free(der);
  }
  ders.push_back("not DER");
  P256InverseBatch batch;
  for (const std::string& d : ders) batch.Add(d);
  batch.Compute();
  EXPECT_EQ(batch.Find("not DER"), nullptr);
  EXPECT_GT(batch.size(), 10u);
  EXPECT_EQ(P256InverseBatch::Current(), nullptr);
  {
    ScopedP256InverseBatch use(&batch);
    EXPECT_EQ(P256InverseBatch::Current(), &batch);
    for (size_t i = 0; i < cases.size(); ++i) {
      const uint8_t* d = reinterpret_cast<const uint8_t*>(cases[i].digest.data());
      int want = ECDSA_do_verify(d, cases[i].digest.size(), cases[i].sig.get(), k.key.get());
      int got = EcdsaVerifyP256(d, cases[i].digest.size(), cases[i].sig.get(), k.key.get(),
                                *k.table, batch.Find(ders[i]));
      ERR_clear_error();
      EXPECT_EQ(want, got) << testing::Describe(cases[i]);
    }
  }
  EXPECT_EQ(P256InverseBatch::Current(), nullptr);
}

TEST_F(P256KeyTableTest, BuildRefusesOtherCurves) {
  bssl::UniquePtr<EC_KEY> p384(EC_KEY_new_by_curve_name(NID_secp384r1));
  ASSERT_TRUE(EC_KEY_generate_key(p384.get()));
  EXPECT_FALSE(P256KeyTable::Build(p384.get()).ok());
  bssl::UniquePtr<EC_KEY> empty(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  EXPECT_FALSE(P256KeyTable::Build(empty.get()).ok());
  EXPECT_FALSE(P256KeyTable::Build(nullptr).ok());
  EXPECT_EQ(P256PointOf(p384.get()), "");
}

TEST_F(P256KeyTableTest, HotKeysBuildAfterUsesAndStayBounded) {
  HotKeys hot({/*max_tables=*/2, /*uses_before_table=*/3});
  KeyWithTable keys[3] = {RandomKey(), RandomKey(), RandomKey()};
  std::string point = P256PointOf(keys[0].key.get());
  ASSERT_EQ(point.size(), 65u);
  hot.NoteUse(point, keys[0].key.get());
  hot.NoteUse(point, keys[0].key.get());
  EXPECT_EQ(hot.Find(point), nullptr);
  hot.NoteUse(point, keys[0].key.get());
  std::shared_ptr<const P256KeyTable> t = hot.Find(point);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->point(), point);
  for (int k = 1; k < 3; ++k) {
    for (int i = 0; i < 3; ++i) hot.NoteUse(P256PointOf(keys[k].key.get()), keys[k].key.get());
  }
  HotKeys::Stats s = hot.stats();
  EXPECT_EQ(s.builds, 3u);
  EXPECT_EQ(s.tables, 2u);  // the first, least recently used, went
  EXPECT_EQ(s.bytes, 2 * P256KeyTable::kBytes);
  EXPECT_EQ(hot.Find(point), nullptr);
  EXPECT_NE(hot.Find(P256PointOf(keys[2].key.get())), nullptr);
  // A table evicted while in use stays valid for its user.
  EXPECT_EQ(t->point(), point);

  HotKeys off({/*max_tables=*/0, /*uses_before_table=*/1});
  off.NoteUse(point, keys[0].key.get());
  EXPECT_EQ(off.Find(point), nullptr);
  EXPECT_EQ(off.stats().tables, 0u);
}

// Threads noting uses, finding tables and verifying with them while tables are built
// and evicted (two slots, three keys): every answer stays ECDSA_do_verify's.
TEST_F(P256KeyTableTest, HotKeysUnderConcurrentUse) {
  HotKeys hot({/*max_tables=*/2, /*uses_before_table=*/2});
  std::vector<KeyWithTable> keys;
  for (int i = 0; i < 3; ++i) keys.push_back(RandomKey());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(100 + t);
      for (int i = 0; i < 150; ++i) {
        const KeyWithTable& k = keys[rng() % keys.size()];
        const std::string point = P256PointOf(k.key.get());
        Case c = RandomCase(rng, k, keys[0]);
        std::shared_ptr<const P256KeyTable> table = hot.Find(point);
        const uint8_t* d = reinterpret_cast<const uint8_t*>(c.digest.data());
        int want = ECDSA_do_verify(d, c.digest.size(), c.sig.get(), k.key.get());
        int got = table ? EcdsaVerifyP256(d, c.digest.size(), c.sig.get(), k.key.get(), *table)
                        : want;
        ERR_clear_error();
        if (want != got) ++wrong;
        hot.NoteUse(point, k.key.get());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(hot.stats().tables, 2u);
  EXPECT_GT(hot.stats().builds, 2u);
  EXPECT_GT(hot.stats().hits, 0u);
}

}  // namespace
}  // namespace fabric::crypto
