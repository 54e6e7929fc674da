// Where tests find the Fabric-made vectors, and small file helpers.
#ifndef FABRIC_LIB_TESTING_TESTDATA_H_
#define FABRIC_LIB_TESTING_TESTDATA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fabric::testing {

// The conformance vectors bundled with the repository (tests/vectors/conformance), as a
// path valid in the test's working directory.
std::string ConformanceDir();
// The private data vectors bundled with the repository (tests/vectors/pvt).
std::string PvtDir();
// The snapshot sets bundled with the repository (tests/vectors/snapshots/<set>), whose
// source chains are ConformanceDir() and PvtDir().
std::string SnapshotsDir();
// The block files a Fabric peer wrote for those chains (tests/vectors/fabric_peer/<chain>).
std::string FabricPeerDir();

// The directory of the large throughput vectors: $FABRIC_VECTORS/throughput when set
// and present, else "" (tests that need it skip, saying so).
std::string ThroughputDir();

absl::StatusOr<std::string> ReadFile(const std::string& path);

// The bytes of conformance vector `relative` (e.g. "genesis.block"); a test failure
// naming the file, and "", if it cannot be read.
std::string ReadVector(const std::string& relative);

// The regular files in `dir` whose names end with `suffix`, sorted, as full paths.
std::vector<std::string> ListFiles(const std::string& dir, const std::string& suffix);

}  // namespace fabric::testing

#endif  // FABRIC_LIB_TESTING_TESTDATA_H_
