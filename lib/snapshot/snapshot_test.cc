// The snapshot formats on Fabric's own snapshots (tests/vectors/snapshots): the
// metadata files, state records and config history keys decode and encode back to
// Fabric's bytes; readers refuse malformed files with clear errors; a join refuses a
// snapshot whose hashes match but whose files are not Fabric's, and leaves nothing a
// later join trips on.
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "lib/base/sha256.h"
#include "lib/snapshot/config_history.h"
#include "lib/snapshot/join.h"
#include "lib/snapshot/metadata.h"
#include "lib/snapshot/snapshot_file.h"
#include "lib/snapshot/state_record.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"

namespace fabric::snapshot {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Sets() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(testing::SnapshotsDir())) {
    out.push_back(e.path().string() + "/snapshot");
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Read(const std::string& path) { return *testing::ReadFile(path); }

void Write(const std::string& path, absl::string_view bytes) {
  fs::remove(path);
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
}

// A writable copy of snapshot `from`.
std::string Copy(const std::string& from, const std::string& name) {
  const std::string to = testing::FreshTempDir(name);
  for (const auto& e : fs::directory_iterator(from)) {
    Write(to + "/" + e.path().filename().string(), Read(e.path().string()));
  }
  return to;
}

// Rewrites the metadata of snapshot `dir` so that its hashes match its files again.
void Rehash(const std::string& dir) {
  auto m = ParseMetadata(Read(dir + "/" + kSignableMetadataFile),
                         Read(dir + "/" + kAdditionalMetadataFile));
  ASSERT_TRUE(m.ok()) << m.status();
  for (auto& [name, hash] : m->file_hashes) hash = Sha256(Read(dir + "/" + name));
  const std::string signable = SignableMetadataJson(*m);
  m->snapshot_hash = Sha256(signable);
  Write(dir + "/" + kSignableMetadataFile, signable);
  Write(dir + "/" + kAdditionalMetadataFile, AdditionalMetadataJson(*m));
}

TEST(SnapshotMetadataTest, FabricsFilesParseAndPrintBackByteForByte) {
  for (const std::string& dir : Sets()) {
    const std::string signable = Read(dir + "/" + kSignableMetadataFile);
    const std::string additional = Read(dir + "/" + kAdditionalMetadataFile);
    auto m = ParseMetadata(signable, additional);
    ASSERT_TRUE(m.ok()) << dir << ": " << m.status();
    EXPECT_EQ(SignableMetadataJson(*m), signable) << dir;
    EXPECT_EQ(AdditionalMetadataJson(*m), additional) << dir;
    EXPECT_EQ(Sha256(signable), m->snapshot_hash) << dir;
    auto verified = VerifySnapshot(dir);
    EXPECT_TRUE(verified.ok()) << dir << ": " << verified.status();
  }
}

TEST(SnapshotMetadataTest, WritesStringsAsGoDoes) {
  SnapshotMetadata m;
  m.channel_name = "a<b>&\"c\\\n\x01\xe2\x80\xa8\xff";
  m.file_hashes.clear();
  const std::string json = SignableMetadataJson(m);
  EXPECT_TRUE(absl::StrContains(
      json, R"("channel_name": "a\u003cb\u003e\u0026\"c\\\n\u0001\u2028\ufffd",)"))
      << json;
  EXPECT_TRUE(absl::StrContains(json, "\"snapshot_files_raw_hashes\": {},\n")) << json;
}

TEST(SnapshotMetadataTest, RefusesWhatFabricDoesNotWrite) {
  const std::string dir = Sets()[0];
  const std::string good = Read(dir + "/" + kSignableMetadataFile);
  const std::string additional = Read(dir + "/" + kAdditionalMetadataFile);
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"channel_name\"", "\"channel\""},
           {"\"last_block_number\": ", "\"last_block_number\": -"},
           {"\"last_block_hash\": \"", "\"last_block_hash\": \"zz"},
           {"\"txids.data\"", "\"../txids.data\""},
           {"{", "["},
           {"\"last_block_number\": 9", "\"last_block_number\": 18446744073709551615"},
           {"\"txids.data\": \"19", "\"txids.data\": \""}}) {
    std::string bad = good;
    bad.replace(bad.find(from), from.size(), to);
    auto m = ParseMetadata(bad, additional);
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << to;
  }
  EXPECT_FALSE(ParseMetadata(good, "{").ok());
}

TEST(StateRecordTest, FabricsRecordsDecodeAndEncodeBack) {
  size_t records = 0;
  for (const std::string& dir : Sets()) {
    for (const char* file : {"public_state.data", "private_state_hashes.data"}) {
      if (!fs::exists(dir + "/" + file)) continue;
      SnapshotFileReader r;
      ASSERT_TRUE(r.Open(dir + "/" + file, kSnapshotFileFormat).ok());
      while (!r.AtEnd()) {
        auto bytes = r.ReadBytes();
        ASSERT_TRUE(bytes.ok()) << bytes.status();
        auto rec = DecodeStateRecord(*bytes);
        ASSERT_TRUE(rec.ok()) << rec.status();
        EXPECT_EQ(EncodeStateRecord(rec->key, rec->value), *bytes);
        ++records;
      }
    }
  }
  EXPECT_GT(records, 100u);
}

TEST(StateRecordTest, HeightsAtTheBoundaries) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256}, uint64_t{1} << 56,
                     ~uint64_t{0}}) {
    ledger::Version got;
    ASSERT_TRUE(DecodeHeight(EncodeHeight({v, v / 3}), &got));
    EXPECT_EQ(got.block, v);
    EXPECT_EQ(got.tx, v / 3);
  }
  ledger::Version v;
  EXPECT_FALSE(DecodeHeight("", &v));
  EXPECT_FALSE(DecodeHeight(std::string("\x09", 1) + std::string(9, '\x01'), &v));  // size 9
  EXPECT_FALSE(DecodeHeight(std::string("\x02\x01", 2), &v));                       // short
  EXPECT_FALSE(DecodeStateRecord("\x0a\x05" "ab").ok());                            // cut short
}

TEST(ConfigHistoryTest, FabricsKeysDecodeAndEncodeBack) {
  size_t keys = 0;
  for (const std::string& dir : Sets()) {
    if (!fs::exists(dir + "/confighistory.data")) continue;
    SnapshotFileReader r;
    ASSERT_TRUE(r.Open(dir + "/confighistory.data", kSnapshotFileFormat).ok());
    while (!r.AtEnd()) {
      auto key = r.ReadBytes();
      ASSERT_TRUE(key.ok());
      ASSERT_TRUE(r.ReadBytes().ok());
      std::string cc;
      uint64_t block = 0;
      ASSERT_TRUE(DecodeConfigHistoryKey(*key, &cc, &block));
      EXPECT_EQ(ConfigHistoryKey(cc, block), *key);
      ++keys;
    }
  }
  EXPECT_GT(keys, 0u);
  std::string cc;
  uint64_t block;
  EXPECT_FALSE(DecodeConfigHistoryKey("slscc", &cc, &block));
  EXPECT_FALSE(DecodeConfigHistoryKey(std::string("slscc\0x~collectio12345678", 25), &cc, &block));
}

TEST(SnapshotFileTest, WriterAndReaderAgreeAndHashTheBytes) {
  const std::string path = testing::FreshTempDir("snapshot_file") + "/f";
  SnapshotFileWriter w;
  ASSERT_TRUE(w.Create(path, kSnapshotFileFormat).ok());
  ASSERT_TRUE(w.WriteUvarint(300).ok());
  ASSERT_TRUE(w.WriteBytes(std::string(200, 'x')).ok());
  ASSERT_TRUE(w.WriteBytes("").ok());
  auto hash = w.Finish();
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(*hash, Sha256(Read(path)));
  SnapshotFileWriter again;
  EXPECT_FALSE(again.Create(path, kSnapshotFileFormat).ok());  // never overwritten

  SnapshotFileReader r;
  ASSERT_TRUE(r.Open(path, kSnapshotFileFormat).ok());
  EXPECT_EQ(*r.ReadUvarint(), 300u);
  EXPECT_EQ(*r.ReadBytes(), std::string(200, 'x'));
  EXPECT_EQ(*r.ReadBytes(), "");
  EXPECT_TRUE(r.AtEnd());
  EXPECT_EQ(r.ReadUvarint().status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SnapshotFileTest, MalformedFilesAreRefusedClearly) {
  const std::string dir = testing::FreshTempDir("snapshot_file_bad");
  const auto open = [&](absl::string_view bytes) {
    Write(dir + "/f", bytes);
    auto r = std::make_unique<SnapshotFileReader>();
    absl::Status s = r->Open(dir + "/f", kSnapshotFileFormat);
    return std::make_pair(std::move(r), s);
  };
  EXPECT_EQ(open("").second.code(), absl::StatusCode::kInvalidArgument);      // no format byte
  EXPECT_TRUE(absl::StrContains(open("\x02").second.message(), "data format 2"));
  {
    auto [r, s] = open("\x01\x80");  // a varint cut short
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(absl::StrContains(r->ReadUvarint().status().message(), "ends"));
  }
  {
    auto [r, s] = open(std::string("\x01") + std::string(10, '\xff') + "\x01");  // > 64 bits
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(absl::StrContains(r->ReadUvarint().status().message(), "64 bits"));
  }
  {
    auto [r, s] = open("\x01\xff\xff\xff\xff\x0f" "abc");  // 4 GiB claimed, 3 bytes there
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(absl::StrContains(r->ReadBytes().status().message(), "ends"));
  }
  SnapshotFileReader missing;
  EXPECT_EQ(missing.Open(dir + "/none", kSnapshotFileFormat).code(), absl::StatusCode::kNotFound);
}

// A snapshot whose hashes match but whose files are not what Fabric writes is refused,
// naming the file; the directory it was joined into then takes a good snapshot.
TEST(JoinTest, RefusesFilesThatAreNotFabricsEvenWithMatchingHashes) {
  const std::string good = testing::SnapshotsDir() + "/pvt_h4/snapshot";
  const std::string ledger_dir = testing::FreshTempDir("join_bad_ledger");
  struct Case {
    std::string file;
    std::function<void(std::string*)> change;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"public_state.metadata", [](std::string* b) { b->back() += 1; }, "public_state.data"},
      {"public_state.data", [](std::string* b) { b->push_back('\x00'); }, "public_state.data"},
      {"txids.metadata", [](std::string* b) { b->back() += 1; }, "txids.data"},
      {"private_state_hashes.data", [](std::string* b) { (*b)[3] = '\x7f'; },
       "private_state_hashes.data"},
      {"confighistory.data", [](std::string* b) { (*b)[2] = 'x'; }, "confighistory.data"},
  };
  for (const Case& c : cases) {
    const std::string dir = Copy(good, "join_bad_snapshot");
    std::string bytes = Read(dir + "/" + c.file);
    c.change(&bytes);
    Write(dir + "/" + c.file, bytes);
    Rehash(dir);
    ASSERT_TRUE(VerifySnapshot(dir).ok());
    auto l = JoinFromSnapshot(dir, ledger_dir, {});
    ASSERT_FALSE(l.ok()) << c.file;
    EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument) << c.file << ": " << l.status();
    EXPECT_TRUE(absl::StrContains(l.status().message(), c.message)) << l.status();
    EXPECT_EQ(ledger::Ledger::Open(ledger_dir, {}).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  // Without a channel config in its state, a snapshot cannot make a channel: refused
  // before the join is finished.
  {
    const std::string dir = Copy(good, "join_no_config");
    auto m = ParseMetadata(Read(dir + "/" + kSignableMetadataFile),
                           Read(dir + "/" + kAdditionalMetadataFile));
    ASSERT_TRUE(m.ok());
    for (const char* f : {"public_state.data", "public_state.metadata"}) {
      m->file_hashes.erase(f);
      fs::remove(dir + "/" + f);
    }
    const std::string signable = SignableMetadataJson(*m);
    m->snapshot_hash = Sha256(signable);
    Write(dir + "/" + kSignableMetadataFile, signable);
    Write(dir + "/" + kAdditionalMetadataFile, AdditionalMetadataJson(*m));
    auto l = JoinFromSnapshot(dir, ledger_dir, {});
    EXPECT_TRUE(absl::StrContains(l.status().message(), "channel config")) << l.status();
    EXPECT_EQ(ledger::Ledger::Open(ledger_dir, {}).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  // A data file the metadata does not list is not trusted.
  const std::string extra = Copy(testing::SnapshotsDir() + "/conformance_h10/snapshot", "join_extra");
  Write(extra + "/private_state_hashes.data", "\x01");
  EXPECT_TRUE(absl::StrContains(JoinFromSnapshot(extra, ledger_dir, {}).status().message(),
                                "no hash of it"));
  auto l = JoinFromSnapshot(good, ledger_dir, {});
  ASSERT_TRUE(l.ok()) << l.status();
  l->reset();
  EXPECT_EQ(JoinFromSnapshot(good, ledger_dir, {}).status().code(),
            absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace fabric::snapshot
