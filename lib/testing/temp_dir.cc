#include "lib/testing/temp_dir.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fabric::testing {

std::string FreshTempDir(absl::string_view name) {
  const char* bazel_tmp = std::getenv("TEST_TMPDIR");
  std::error_code ec;
  const std::filesystem::path root = bazel_tmp != nullptr && *bazel_tmp != '\0'
                                         ? std::filesystem::path(bazel_tmp)
                                         : std::filesystem::temp_directory_path(ec);
  const std::filesystem::path dir = root / std::string(name);
  std::filesystem::remove_all(dir, ec);
  if (!std::filesystem::create_directories(dir, ec) || ec) {
    std::fprintf(stderr, "cannot make the test directory %s: %s\n", dir.c_str(),
                 ec.message().c_str());
    std::abort();
  }
  return dir.string();
}

}  // namespace fabric::testing
