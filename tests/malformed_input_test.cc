// Bad input never crashes us: Fabric-made blocks, truncated at every length and with
// bytes flipped at random (fixed seeds), go through the codec, the well-formedness
// check and the JSON inspector. Each either parses or fails with a status that says
// what is wrong.
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "lib/inspect/json.h"
#include "lib/testing/testdata.h"
#include "lib/wire/block.h"
#include "lib/wire/well_formed.h"

namespace fabric {
namespace {

// Everything a later stage would read from `bytes`; returns whether the block parsed.
bool Exercise(const std::string& bytes) {
  auto b = wire::ParsedBlock::Parse(bytes);
  auto json = inspect::InspectBytes(bytes, "");
  if (!json.ok()) {
    EXPECT_FALSE(json.status().message().empty());
  }
  if (!b.ok()) {
    EXPECT_FALSE(b.status().message().empty());
    return false;
  }
  (void)wire::CheckEnvelopesWellFormed((*b)->block().data());
  (void)(*b)->LastConfigIndex();
  for (const wire::TxView& tx : (*b)->transactions()) {
    EXPECT_EQ(tx.ok(), tx.error.ok());
    if (!tx.ok()) {
      EXPECT_FALSE(tx.error.message().empty());
    }
    for (const wire::ActionView& a : tx.actions) {
      EXPECT_EQ(a.defect == wire::ActionDefect::kNone, a.error.ok());
    }
  }
  EXPECT_TRUE(inspect::MessageJson((*b)->block()).ok());
  return true;
}

std::string Block(const std::string& name) {
  auto bytes = testing::ReadFile(testing::ConformanceDir() + "/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

class MalformedInputTest : public ::testing::TestWithParam<const char*> {};

TEST_P(MalformedInputTest, Truncations) {
  const std::string block = Block(GetParam());
  ASSERT_FALSE(block.empty());
  int parsed = 0;
  for (size_t len = 0; len < block.size(); len += 1 + len / 64) {
    parsed += Exercise(block.substr(0, len));
  }
  EXPECT_TRUE(Exercise(block));
  EXPECT_GT(parsed, 0);  // some prefixes are still blocks (fields cut cleanly)
}

TEST_P(MalformedInputTest, RandomByteFlips) {
  const std::string block = Block(GetParam());
  ASSERT_FALSE(block.empty());
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<size_t> pos(0, block.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> count(1, 8);
  for (int round = 0; round < 100; ++round) {
    std::string m = block;
    for (int n = count(rng); n > 0; --n) m[pos(rng)] = static_cast<char>(byte(rng));
    Exercise(m);
  }
}

INSTANTIATE_TEST_SUITE_P(ConformanceBlocks, MalformedInputTest,
                         ::testing::Values("blocks/000016.block", "blocks/000019.block",
                                           "blocks/000020.block", "committed/000017.block",
                                           "crash/zero_actions_tx_then_valid_tx.block"));

}  // namespace
}  // namespace fabric
