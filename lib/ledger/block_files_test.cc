#include "lib/ledger/block_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/testing/temp_dir.h"

namespace fabric::ledger {
namespace {

TEST(BlockFilesTest, RollsOverAtTheSizeLimit) {
  std::string dir = fabric::testing::FreshTempDir("block_files_rollover");
  std::vector<BlockLocation> unindexed;
  auto files = BlockFiles::Open(dir, {/*max_file_size=*/100, true}, nullptr, &unindexed);
  ASSERT_TRUE(files.ok()) << files.status();
  std::vector<BlockLocation> locs;
  for (int i = 0; i < 10; ++i) {
    auto loc = (*files)->Append(std::string(40, static_cast<char>('a' + i)));
    ASSERT_TRUE(loc.ok()) << loc.status();
    locs.push_back(*loc);
  }
  // 41-byte records, two per 100-byte file.
  EXPECT_EQ(locs[0].file, 0u);
  EXPECT_EQ(locs[1].file, 0u);
  EXPECT_EQ(locs[2].file, 1u);
  EXPECT_EQ(locs[9].file, 4u);
  EXPECT_TRUE(std::filesystem::exists(dir + "/blockfile_000004"));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(*(*files)->Read(locs[i]), std::string(40, static_cast<char>('a' + i)));
  }
  // A record larger than the limit gets a file of its own.
  auto big = (*files)->Append(std::string(300, 'z'));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->file, 5u);
  files->reset();

  // Reopened with no index, every record is reported, in order.
  auto again = BlockFiles::Open(dir, {100, true}, nullptr, &unindexed);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(unindexed.size(), 11u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(unindexed[i], locs[i]);
  EXPECT_EQ(unindexed[10], *big);

  // Reopened after the 4th record: only the rest is reported.
  unindexed.clear();
  again->reset();
  again = BlockFiles::Open(dir, {100, true}, &locs[3], &unindexed);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(unindexed.size(), 7u);
}

TEST(BlockFilesTest, MissingFileTheIndexNeedsIsDataLoss) {
  std::string dir = fabric::testing::FreshTempDir("block_files_missing");
  std::vector<BlockLocation> unindexed;
  BlockLocation loc{3, 1, 10};
  auto files = BlockFiles::Open(dir, {}, &loc, &unindexed);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kDataLoss) << files.status();
}

TEST(BlockFilesTest, ShortFileTheIndexNeedsIsDataLoss) {
  std::string dir = fabric::testing::FreshTempDir("block_files_short");
  std::vector<BlockLocation> unindexed;
  BlockLocation loc;
  {
    auto files = BlockFiles::Open(dir, {}, nullptr, &unindexed);
    ASSERT_TRUE(files.ok());
    loc = *(*files)->Append("0123456789");
  }
  ASSERT_EQ(truncate((dir + "/blockfile_000000").c_str(), 5), 0);
  auto files = BlockFiles::Open(dir, {}, &loc, &unindexed);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kDataLoss) << files.status();
}

}  // namespace
}  // namespace fabric::ledger
