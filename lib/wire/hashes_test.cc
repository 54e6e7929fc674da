#include "lib/wire/hashes.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"

namespace fabric::wire {
namespace {

std::string Hex(const std::string& s) { return absl::BytesToHexString(s); }

TEST(BlockHeaderDerTest, ZeroNumberAndEmptyHashes) {
  // SEQUENCE { INTEGER 0, OCTET STRING "", OCTET STRING "" }
  EXPECT_EQ(Hex(BlockHeaderDer(0, "", "")), "300702010004000400");
}

TEST(BlockHeaderDerTest, IntegerIsMinimalTwosComplement) {
  EXPECT_EQ(Hex(BlockHeaderDer(127, "", "")), "300702017f04000400");
  // 128 has its top bit set: a leading zero keeps it positive.
  EXPECT_EQ(Hex(BlockHeaderDer(128, "", "")), "30080202008004000400");
  EXPECT_EQ(Hex(BlockHeaderDer(256, "", "")), "30080202010004000400");
  EXPECT_EQ(Hex(BlockHeaderDer(UINT64_MAX, "", "")), "300f020900ffffffffffffffff04000400");
}

TEST(BlockHeaderDerTest, LongLengthsUseLongForm) {
  std::string prev(200, 'p');
  std::string der = BlockHeaderDer(1, prev, std::string(32, 'd'));
  // 3 (int) + 3 + 200 (octets, length 0x81 0xc8) + 2 + 32 = 240 -> 30 81 f0
  EXPECT_EQ(Hex(der.substr(0, 3)), "3081f0");
  EXPECT_EQ(Hex(der.substr(3, 3)), "020101");
  EXPECT_EQ(Hex(der.substr(6, 3)), "0481c8");
  EXPECT_EQ(der.size(), 243u);
}

TEST(BlockHeaderHashTest, HashesTheDer) {
  common::BlockHeader h;
  h.set_number(7);
  h.set_previous_hash(std::string(32, 'a'));
  h.set_data_hash(std::string(32, 'b'));
  EXPECT_EQ(BlockHeaderHash(h), Sha256(BlockHeaderDer(7, h.previous_hash(), h.data_hash())));
}

TEST(BlockDataHashTest, ConcatenatesWithoutLengths) {
  common::BlockData a, b;
  a.add_data("ab");
  a.add_data("c");
  b.add_data("a");
  b.add_data("bc");
  EXPECT_EQ(BlockDataHash(a), BlockDataHash(b));
  EXPECT_EQ(BlockDataHash(a), Sha256("abc"));
}

TEST(ComputeTxIdTest, HexOfNonceThenCreator) {
  EXPECT_EQ(ComputeTxId("ab", "c"), Hex(Sha256("abc")));
  EXPECT_EQ(ComputeTxId("ab", "c").size(), 64u);
}

}  // namespace
}  // namespace fabric::wire
