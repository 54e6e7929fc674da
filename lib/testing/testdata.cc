#include "lib/testing/testdata.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace fabric::testing {

std::string ConformanceDir() { return "tests/vectors/conformance"; }

std::string PvtDir() { return "tests/vectors/pvt"; }

std::string SnapshotsDir() { return "tests/vectors/snapshots"; }

std::string FabricPeerDir() { return "tests/vectors/fabric_peer"; }

std::string ThroughputDir() {
  const char* root = std::getenv("FABRIC_VECTORS");
  if (root == nullptr || *root == '\0') return "";
  std::string dir = std::string(root) + "/throughput";
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) ? dir : "";
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ReadVector(const std::string& relative) {
  absl::StatusOr<std::string> bytes = ReadFile(ConformanceDir() + "/" + relative);
  if (!bytes.ok()) {
    ADD_FAILURE() << relative << ": " << bytes.status();
    return "";
  }
  return *std::move(bytes);
}

std::vector<std::string> ListFiles(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace fabric::testing
