#include "lib/base/sha256.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace fabric {
namespace {

// FIPS 180-2 example "abc".
TEST(Sha256Test, KnownAnswer) {
  EXPECT_EQ(absl::BytesToHexString(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, ConcatAndIncrementalAgree) {
  Sha256Hasher h;
  h.Update("ab");
  h.Update("");
  h.Update("c");
  std::string incremental = h.Finish();
  EXPECT_EQ(incremental, Sha256("abc"));
  EXPECT_EQ(Sha256Concat("a", "bc"), Sha256("abc"));
}

}  // namespace
}  // namespace fabric
