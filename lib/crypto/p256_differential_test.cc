// EcdsaVerifyP256 against ECDSA_do_verify over a million random cases (every kind
// RandomCase makes), in 8 parts that Bazel runs as shards. Under a sanitizer, where
// everything is several times slower, 50,000.
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/crypto/p256_cases.h"
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
  int valid = 0, invalid = 0;
  for (int i = 0; i < kCasesPerPart; ++i) {
    const testing::KeyWithTable& k = keys[rng() % keys.size()];
    const testing::KeyWithTable& other = keys[rng() % keys.size()];
    testing::Case c = testing::RandomCase(rng, k, other);
    int answer = 0;
    std::string diff = testing::Compare(k, c, &answer);
    ASSERT_EQ(diff, "") << "part " << GetParam() << ", case " << i;
    (answer == 1 ? valid : invalid)++;
  }
  EXPECT_GT(valid, kCasesPerPart / 5);
  EXPECT_GT(invalid, kCasesPerPart / 5);
  std::printf("part %d: %d cases, %d valid, %d invalid, all equal\n", GetParam(), kCasesPerPart,
              valid, invalid);
}

INSTANTIATE_TEST_SUITE_P(Parts, P256Differential, ::testing::Range(0, 8));

}  // namespace
}  // namespace fabric::crypto
