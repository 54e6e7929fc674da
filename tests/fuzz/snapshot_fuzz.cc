// Snapshots and a Fabric peer's block files, as a host that joins or replays from files
// it was handed would read them.
//
// Input: byte 0 selects, the rest is:
//   0: a block-store record of a Fabric peer's block files: decoded alone, and as the
//      whole content of a blockfile_000000 read to its end (every block read must parse
//      as a common.Block);
//   1: the files of a snapshot, each as [byte: which file][varint length][bytes]
//      (txids, public state, private state hashes, config history; data and metadata),
//      given metadata with their true hashes, then joined. A join that succeeds is
//      exported, the export joined again and exported again: the two exports must be
//      the same bytes;
//   2: the two metadata files, split at the first NUL: parsed, and when they parse,
//      printed and parsed again to the same values.
// Never a crash; a malformed input is a status.
#include <filesystem>
#include <fstream>
#include <map>

#include "lib/base/sha256.h"
#include "lib/ledger/fabric_block_files.h"
#include "lib/ledger/ledger.h"
#include "lib/snapshot/export.h"
#include "lib/snapshot/join.h"
#include "lib/snapshot/metadata.h"
#include "lib/wire/proto/common.pb.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

namespace fs = std::filesystem;
using fabric::snapshot::SnapshotMetadata;

constexpr const char* kFiles[] = {
    "txids.data",           "txids.metadata",     "public_state.data",
    "public_state.metadata", "private_state_hashes.data", "private_state_hashes.metadata",
    "confighistory.data",   "confighistory.metadata"};

const std::string& Root() {
  static const auto* root = new std::string(fabric::fuzz::TempDir("snapshot"));
  return *root;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

void Records(const std::string& bytes) {
  auto block = fabric::ledger::DecodeFabricBlockRecord(bytes);
  if (block.ok()) {
    common::Block b;
    FUZZ_CHECK(b.ParseFromString(*block), "a decoded record is a common.Block");
  }
  const std::string dir = Root() + "/blockfiles";
  fabric::fuzz::RemoveTree(dir);
  fs::create_directories(dir);
  WriteFile(dir + "/blockfile_000000", bytes);
  auto reader = fabric::ledger::FabricBlockFileReader::Open(dir, "");
  FUZZ_CHECK(reader.ok(), "a directory with blockfile_000000 opens");
  for (int i = 0; i < 10000; ++i) {
    auto next = (*reader)->Next();
    if (!next.ok() || !next->has_value()) break;
    common::Block b;
    FUZZ_CHECK(b.ParseFromString(**next), "a block read is a common.Block");
  }
}

// The conformance snapshot's metadata, for its channel and block hashes.
const SnapshotMetadata& BaseMetadata() {
  static const auto* m = [] {
    const std::string dir = fabric::fuzz::VectorsDir() + "/../snapshots/conformance_h10/snapshot";
    std::string signable, additional;
    FUZZ_CHECK(fabric::fuzz::ReadFile(dir + "/" + fabric::snapshot::kSignableMetadataFile,
                                      &signable) &&
                   fabric::fuzz::ReadFile(dir + "/" + fabric::snapshot::kAdditionalMetadataFile,
                                          &additional),
               "the conformance snapshot");
    auto parsed = fabric::snapshot::ParseMetadata(signable, additional);
    FUZZ_CHECK(parsed.ok(), "its metadata parses");
    return new SnapshotMetadata(*parsed);
  }();
  return *m;
}

std::map<std::string, std::string> ReadDir(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string bytes;
    FUZZ_CHECK(fabric::fuzz::ReadFile(e.path().string(), &bytes), "an exported file");
    out[e.path().filename().string()] = bytes;
  }
  return out;
}

// Joins `snapshot` into a fresh ledger and exports it to `out`; false if the join fails.
bool JoinAndExport(const std::string& snapshot, const std::string& ledger, const std::string& out) {
  fabric::fuzz::RemoveTree(ledger);
  fabric::fuzz::RemoveTree(out);
  auto l = fabric::snapshot::JoinFromSnapshot(snapshot, ledger, {});
  if (!l.ok()) return false;
  auto view = (*l)->View();
  FUZZ_CHECK(view.ok(), "a joined ledger has a view: %s",
             std::string(view.status().message()).c_str());
  auto m = fabric::snapshot::ExportSnapshot(**view, out);
  FUZZ_CHECK(m.ok(), "a joined ledger exports: %s", std::string(m.status().message()).c_str());
  return true;
}

void Snapshot(const std::string& bytes) {
  const std::string dir = Root() + "/in";
  fabric::fuzz::RemoveTree(dir);
  fs::create_directories(dir);
  std::map<std::string, std::string> files;
  size_t at = 0;
  while (at + 2 <= bytes.size()) {
    const char* name = kFiles[static_cast<uint8_t>(bytes[at]) % 8];
    uint64_t len = 0;
    int shift = 0;
    ++at;
    while (at < bytes.size() && shift < 28) {
      const uint8_t c = static_cast<uint8_t>(bytes[at++]);
      len |= static_cast<uint64_t>(c & 0x7f) << shift;
      shift += 7;
      if (c < 0x80) break;
    }
    len = std::min<uint64_t>(len, bytes.size() - at);
    files[name] = bytes.substr(at, len);
    at += len;
  }
  SnapshotMetadata m = BaseMetadata();
  m.file_hashes.clear();
  for (const auto& [name, content] : files) {
    WriteFile(dir + "/" + name, content);
    m.file_hashes[name] = fabric::Sha256(content);
  }
  const std::string signable = fabric::snapshot::SignableMetadataJson(m);
  m.snapshot_hash = fabric::Sha256(signable);
  WriteFile(dir + "/" + fabric::snapshot::kSignableMetadataFile, signable);
  WriteFile(dir + "/" + fabric::snapshot::kAdditionalMetadataFile,
            fabric::snapshot::AdditionalMetadataJson(m));
  if (!JoinAndExport(dir, Root() + "/ledger1", Root() + "/out1")) return;
  FUZZ_CHECK(JoinAndExport(Root() + "/out1", Root() + "/ledger2", Root() + "/out2"),
             "our own export joins");
  FUZZ_CHECK(ReadDir(Root() + "/out1") == ReadDir(Root() + "/out2"),
             "an export joined and exported again is the same bytes");
}

void Metadata(const std::string& bytes) {
  const size_t nul = bytes.find('\0');
  const std::string signable = bytes.substr(0, nul);
  const std::string additional = nul == std::string::npos ? "" : bytes.substr(nul + 1);
  auto m = fabric::snapshot::ParseMetadata(signable, additional);
  if (!m.ok()) return;
  auto again = fabric::snapshot::ParseMetadata(fabric::snapshot::SignableMetadataJson(*m),
                                               fabric::snapshot::AdditionalMetadataJson(*m));
  FUZZ_CHECK(again.ok(), "printed metadata parses");
  FUZZ_CHECK(again->channel_name == m->channel_name &&
                 again->last_block_number == m->last_block_number &&
                 again->last_block_hash == m->last_block_hash &&
                 again->previous_block_hash == m->previous_block_hash &&
                 again->file_hashes == m->file_hashes && again->snapshot_hash == m->snapshot_hash &&
                 again->last_block_commit_hash == m->last_block_commit_hash,
             "printed metadata parses to the same values");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  BaseMetadata();  // read once, before the first input
  Root();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      Records(rest);
      break;
    case 1:
      Snapshot(rest);
      break;
    default:
      Metadata(rest);
  }
  return 0;
}
