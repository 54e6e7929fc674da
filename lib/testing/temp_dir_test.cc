#include "lib/testing/temp_dir.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace fabric::testing {
namespace {

TEST(FreshTempDirTest, EmptiesWhatAnEarlierRunLeft) {
  const std::string dir = FreshTempDir("fresh/nested");
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  std::ofstream(dir + "/left") << "x";
  std::filesystem::create_directory(dir + "/sub");
  EXPECT_EQ(FreshTempDir("fresh/nested"), dir);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

TEST(FreshTempDirTest, NamesAreSeparate) {
  const std::string a = FreshTempDir("fresh_a");
  const std::string b = FreshTempDir("fresh_b");
  EXPECT_NE(a, b);
  std::ofstream(a + "/f") << "x";
  FreshTempDir("fresh_b");
  EXPECT_TRUE(std::filesystem::exists(a + "/f"));
}

}  // namespace
}  // namespace fabric::testing
