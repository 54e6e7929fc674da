#include "lib/base/file.h"
#include "lib/testing/temp_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace fabric {
namespace {

std::string TempDir() {
  static const std::string* const dir = new std::string(fabric::testing::FreshTempDir("file_test"));
  return *dir;
}

std::string Write(const std::string& name, const std::string& bytes) {
  const std::string path = TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(ReadFileBounded, ReadsWholeFiles) {
  const std::string bytes("a\0b\xff", 4);
  auto read = ReadFileBounded(Write("four", bytes));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, bytes);
  auto empty = ReadFileBounded(Write("empty", ""));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(*empty, "");
}

TEST(ReadFileBounded, RefusesDirectoriesMissingAndLargeFiles) {
  auto dir = ReadFileBounded(TempDir());
  EXPECT_TRUE(absl::IsInvalidArgument(dir.status())) << dir.status();
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);
  EXPECT_TRUE(absl::IsNotFound(ReadFileBounded(TempDir() + "/absent").status()));
  // A sparse 1 GiB file is refused from its size, without reading it.
  const std::string big = TempDir() + "/big";
  {
    std::ofstream(big, std::ios::binary) << "";
  }
  ASSERT_EQ(truncate(big.c_str(), off_t{1} << 30), 0);
  auto large = ReadFileBounded(big);
  EXPECT_TRUE(absl::IsInvalidArgument(large.status())) << large.status();
  EXPECT_NE(large.status().message().find("larger than"), std::string::npos);
  EXPECT_TRUE(absl::IsInvalidArgument(ReadFileBounded(Write("five", "12345"), 4).status()));
  EXPECT_TRUE(ReadFileBounded(Write("four2", "1234"), 4).ok());
}

// A pipe has no size: the limit applies while reading.
TEST(ReadFdBounded, LimitsPipesWhileReading) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(write(fds[1], "123456", 6), 6);
  close(fds[1]);
  auto read = ReadFdBounded(fds[0], "pipe", 5);
  close(fds[0]);
  EXPECT_TRUE(absl::IsInvalidArgument(read.status())) << read.status();
}

}  // namespace
}  // namespace fabric
