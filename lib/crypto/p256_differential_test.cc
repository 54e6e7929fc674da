// EcdsaVerifyP256 and P256VerifyBatch against ECDSA_do_verify over a million random
// cases (every kind RandomCase makes), in 8 parts that Bazel runs as shards; the batch
// takes them 300 at a time, on two threads. Under a sanitizer, where everything is
// several times slower, 50,000.
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "lib/crypto/p256_cases.h"
#include "lib/base/thread_pool.h"
#include "lib/crypto/p256_key_table.h"

namespace fabric::crypto {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kCasesPerPart = 50000 / 8;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr int kCasesPerPart = 50000 / 8;
#else
constexpr int kCasesPerPart = 1000000 / 8;
#endif
#else
constexpr int kCasesPerPart = 1000000 / 8;
#endif

class P256Differential : public ::testing::TestWithParam<int> {};

TEST_P(P256Differential, AgreesWithEcdsaDoVerify) {
  if (!P256TablesAvailable()) GTEST_SKIP() << "no nistz256 assembly or no AVX here";
  std::mt19937_64 rng(1000 + GetParam());
  std::vector<testing::KeyWithTable> keys;
  for (int i = 0; i < 8; ++i) keys.push_back(testing::RandomKey());
  keys.push_back(testing::KeyFromScalar("1"));
  ThreadPool pool(2);
  int valid = 0, invalid = 0;
  size_t confirmed = 0;
  std::vector<testing::Case> cases;
  std::vector<testing::BatchCase> batch;
  auto check_batch = [&] {
    for (size_t j = 0; j < batch.size(); ++j) batch[j].c = &cases[j];
    size_t n = 0;
    std::string diff = testing::CompareBatch(batch, &pool, /*all_valid_confirmed=*/true, &n);
    confirmed += n;
    cases.clear();
    batch.clear();
    return diff;
  };
  for (int i = 0; i < kCasesPerPart; ++i) {
    const testing::KeyWithTable& k = keys[rng() % keys.size()];
    const testing::KeyWithTable& other = keys[rng() % keys.size()];
    testing::Case c = testing::RandomCase(rng, k, other);
    int answer = 0;
    std::string diff = testing::Compare(k, c, &answer);
    ASSERT_EQ(diff, "") << "part " << GetParam() << ", case " << i;
    (answer == 1 ? valid : invalid)++;
    cases.push_back(std::move(c));
    batch.push_back({&k, nullptr, answer});
    if (cases.size() == 300) {
      ASSERT_EQ(check_batch(), "") << "part " << GetParam();
    }
  }
  ASSERT_EQ(check_batch(), "") << "part " << GetParam();
  EXPECT_GT(valid, kCasesPerPart / 5);
  EXPECT_GT(invalid, kCasesPerPart / 5);
  // CompareBatch fails on any valid case left unconfirmed but those crafted to meet
  // equal or opposite points (about a sixth of the valid ones).
  EXPECT_GT(confirmed, static_cast<size_t>(valid) * 3 / 4);
  std::printf("part %d: %d cases, %d valid, %d invalid, all equal; batch confirmed %zu\n",
              GetParam(), kCasesPerPart, valid, invalid, confirmed);
}

INSTANTIATE_TEST_SUITE_P(Parts, P256Differential, ::testing::Range(0, 8));

}  // namespace
}  // namespace fabric::crypto
