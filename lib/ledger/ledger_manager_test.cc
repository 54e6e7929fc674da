#include "lib/ledger/ledger_manager.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"

namespace fabric::ledger {
namespace {

TEST(LedgerManagerTest, CreateListReopenClose) {
  const std::string root = fabric::testing::FreshTempDir("manager");
  auto genesis = testing::ReadFile(testing::ConformanceDir() + "/genesis.block");
  ASSERT_TRUE(genesis.ok());
  std::string channel;
  {
    auto m = LedgerManager::Open(root, LedgerOptions());
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_TRUE((*m)->List().empty());
    auto l = (*m)->Create(*genesis);
    ASSERT_TRUE(l.ok()) << l.status();
    channel = (*l)->channel_id();
    EXPECT_EQ((*l)->chain_info().height, 1u);
    EXPECT_EQ((*m)->Create(*genesis).status().code(), absl::StatusCode::kAlreadyExists);
    EXPECT_EQ((*m)->List(), std::vector<std::string>{channel});
    auto again = (*m)->Get(channel);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->get(), l->get());  // one open ledger, shared
    (*m)->Close(channel);
  }
  // After a restart: listed, and opened again.
  auto m = LedgerManager::Open(root, LedgerOptions());
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->List(), std::vector<std::string>{channel});
  auto l = (*m)->Get(channel);
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ((*l)->chain_info().height, 1u);
  EXPECT_EQ((*m)->Get("nosuchchannel").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ((*m)->Get("../escape").status().code(), absl::StatusCode::kInvalidArgument);
  auto not_config = testing::ReadFile(testing::ConformanceDir() + "/blocks/000002.block");
  EXPECT_EQ((*m)->Create(*not_config).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LedgerManagerTest, ChannelIds) {
  EXPECT_TRUE(IsValidChannelId("mychannel"));
  EXPECT_TRUE(IsValidChannelId("a.b-c9"));
  EXPECT_FALSE(IsValidChannelId(""));
  EXPECT_FALSE(IsValidChannelId("MyChannel"));
  EXPECT_FALSE(IsValidChannelId("9lives"));
  EXPECT_FALSE(IsValidChannelId("a/b"));
  EXPECT_FALSE(IsValidChannelId(std::string(250, 'a')));
}

}  // namespace
}  // namespace fabric::ledger
