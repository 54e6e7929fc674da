#include "lib/ledger/storage.h"

#include <rocksdb/db.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/ledger/internal/schema.h"
#include "lib/testing/temp_dir.h"
#include "lib/testing/testdata.h"
#include "lib/wire/hashes.h"

namespace fabric::ledger {
namespace {

using Block = std::shared_ptr<const wire::ParsedBlock>;

// The blocks as Fabric's peer stored them: numbers 0.., with TRANSACTIONS_FILTER.
std::vector<Block> CommittedBlocks() {
  std::vector<Block> out;
  for (const std::string& path :
       fabric::testing::ListFiles(fabric::testing::ConformanceDir() + "/committed", ".block")) {
    auto bytes = fabric::testing::ReadFile(path);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    auto block = wire::ParsedBlock::Parse(*bytes);
    EXPECT_TRUE(block.ok()) << block.status();
    out.push_back(*block);
  }
  EXPECT_GE(out.size(), 5u);
  return out;
}

std::unique_ptr<Storage> OpenOrDie(const std::string& dir, StorageOptions options = {}) {
  auto s = Storage::Open(dir, options);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

void CommitAll(Storage* s, const std::vector<Block>& blocks, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    ASSERT_TRUE(s->Commit(*blocks[i], BlockUpdates()).ok()) << i;
  }
}

// A block after `last` whose only entry is `envelope`, with filter code `code`.
Block NextBlockWith(const wire::ParsedBlock& last, const std::string& envelope, char code) {
  common::Block b;
  b.mutable_data()->add_data(envelope);
  b.mutable_header()->set_number(last.number() + 1);
  b.mutable_header()->set_previous_hash(last.header_hash());
  b.mutable_header()->set_data_hash(wire::BlockDataHash(b.data()));
  for (int i = 0; i < 5; ++i) b.mutable_metadata()->add_metadata();
  b.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, std::string(1, code));
  return *wire::ParsedBlock::Parse(b.SerializeAsString());
}

TEST(StorageTest, AppendsAndReadsBlocksByNumberHashAndTxId) {
  std::vector<Block> blocks = CommittedBlocks();
  auto s = OpenOrDie(fabric::testing::FreshTempDir("ledger_append"));
  CommitAll(s.get(), blocks, 0, blocks.size());
  // Every occurrence of each txid, as the blocks hold them (the vectors repeat some).
  std::map<std::string, std::vector<TxLocation>> occurrences;
  for (const Block& b : blocks) {
    absl::string_view filter = b->metadata(common::TRANSACTIONS_FILTER);
    for (const wire::TxView& tx : b->transactions()) {
      occurrences[tx.txid()].push_back(TxLocation{b->number(), static_cast<uint64_t>(tx.index),
                                                  static_cast<uint8_t>(filter[tx.index])});
    }
  }
  ChainInfo info = s->chain_info();
  EXPECT_EQ(info.height, blocks.size());
  EXPECT_EQ(info.current_hash, blocks.back()->header_hash());
  EXPECT_EQ(info.previous_hash, blocks.back()->previous_hash());
  for (const Block& b : blocks) {
    EXPECT_EQ(*s->blocks().BlockByNumber(b->number()), b->raw());
    EXPECT_EQ(*s->blocks().BlockByHash(b->header_hash()), b->raw());
    absl::string_view filter = b->metadata(common::TRANSACTIONS_FILTER);
    for (const wire::TxView& tx : b->transactions()) {
      if (tx.txid().empty()) continue;
      const std::vector<TxLocation>& want = occurrences[tx.txid()];
      EXPECT_EQ(*s->blocks().BlockByTxId(tx.txid()), *s->blocks().BlockByNumber(want[0].block));
      auto locs = s->blocks().TxLocations(tx.txid());
      ASSERT_TRUE(locs.ok());
      ASSERT_EQ(locs->size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ((*locs)[i].block, want[i].block);
        EXPECT_EQ((*locs)[i].tx, want[i].tx);
        EXPECT_EQ((*locs)[i].validation_code, want[i].validation_code);
      }
      auto at = s->blocks().TxAt(b->number(), tx.index);
      ASSERT_TRUE(at.ok());
      EXPECT_EQ(at->first, tx.txid());
      EXPECT_EQ(at->second, static_cast<uint8_t>(filter[tx.index]));
    }
  }
  EXPECT_EQ(s->blocks().BlockByNumber(blocks.size()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s->blocks().BlockByHash(std::string(32, 'x')).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(s->blocks().BlockByTxId("nope").status().code(), absl::StatusCode::kNotFound);

  // HasTxIds answers for every txid, in the order asked, as TxLocations does: the
  // blocks' txids (reversed, so not in key order), an unknown one, a repeat.
  std::vector<absl::string_view> asked = {"nope"};
  for (auto it = occurrences.rbegin(); it != occurrences.rend(); ++it) asked.push_back(it->first);
  asked.push_back(occurrences.begin()->first);
  auto has = s->blocks().HasTxIds(asked);
  ASSERT_TRUE(has.ok()) << has.status();
  ASSERT_EQ(has->size(), asked.size());
  for (size_t i = 0; i < asked.size(); ++i) {
    EXPECT_EQ((*has)[i], !s->blocks().TxLocations(asked[i])->empty()) << asked[i];
  }
  EXPECT_FALSE((*has)[0]);
  EXPECT_TRUE(s->blocks().HasTxIds({})->empty());
}

TEST(StorageTest, DuplicateTxIdListsBothOccurrences) {
  std::vector<Block> blocks = CommittedBlocks();
  auto s = OpenOrDie(fabric::testing::FreshTempDir("ledger_dup"));
  CommitAll(s.get(), blocks, 0, blocks.size());
  const wire::TxView* original = nullptr;
  for (const Block& b : blocks) {
    for (const wire::TxView& tx : b->transactions()) {
      if (!original && !tx.txid().empty() && b->number() > 0) original = &tx;
    }
  }
  ASSERT_NE(original, nullptr);
  const size_t before = s->blocks().TxLocations(original->txid())->size();
  Block dup = NextBlockWith(*blocks.back(), original->envelope.SerializeAsString(), 10);
  ASSERT_TRUE(s->Commit(*dup, BlockUpdates()).ok());
  auto locs = s->blocks().TxLocations(original->txid());
  ASSERT_TRUE(locs.ok());
  ASSERT_EQ(locs->size(), before + 1);
  EXPECT_LT((*locs)[0].block, dup->number());
  EXPECT_EQ(locs->back().block, dup->number());
  EXPECT_EQ(locs->back().tx, 0u);
  EXPECT_EQ(locs->back().validation_code, 10);
}

TEST(StorageTest, WrongNumberOrPreviousHashChangesNothing) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_reject");
  auto s = OpenOrDie(dir);
  CommitAll(s.get(), blocks, 0, 3);
  uint64_t file_size = std::filesystem::file_size(dir + "/chains/blockfile_000000");

  absl::Status skip = s->Commit(*blocks[4], BlockUpdates());
  EXPECT_EQ(skip.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(skip.message().find("block number should have been 3"), std::string::npos) << skip;

  common::Block forged = blocks[3]->block();
  forged.mutable_header()->set_previous_hash(std::string(32, '\x01'));
  Block bad = *wire::ParsedBlock::Parse(forged.SerializeAsString());
  absl::Status hash = s->Commit(*bad, BlockUpdates());
  EXPECT_EQ(hash.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(hash.message().find("unexpected Previous block hash"), std::string::npos) << hash;

  EXPECT_EQ(s->chain_info().height, 3u);
  EXPECT_EQ(s->chain_info().current_hash, blocks[2]->header_hash());
  EXPECT_EQ(std::filesystem::file_size(dir + "/chains/blockfile_000000"), file_size);
  EXPECT_EQ(s->blocks().BlockByNumber(3).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(s->Commit(*blocks[3], BlockUpdates()).ok());
}

TEST(StorageTest, ReopenKeepsEverything) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_reopen");
  BlockUpdates updates;
  updates.pub["cc"]["k"] = Update{false, "v", "meta", Version{0, 0}};
  {
    auto s = OpenOrDie(dir);
    ASSERT_TRUE(s->Commit(*blocks[0], updates).ok());
    CommitAll(s.get(), blocks, 1, blocks.size());
  }
  auto s = OpenOrDie(dir);
  EXPECT_EQ(s->chain_info().height, blocks.size());
  EXPECT_EQ(s->chain_info().current_hash, blocks.back()->header_hash());
  EXPECT_EQ(s->unindexed_blocks(), 0u);
  for (const Block& b : blocks) EXPECT_EQ(*s->blocks().BlockByNumber(b->number()), b->raw());
  auto v = s->state().Get("cc", "k");
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->value, "v");
  EXPECT_EQ((*v)->metadata, "meta");
  // The index of namespaces with metadata, started by block 0, survives too.
  EXPECT_TRUE(*s->state().MayHaveMetadata("cc", ""));
  EXPECT_FALSE(*s->state().MayHaveMetadata("other", ""));
  // And it goes on where it stopped.
  Block next = NextBlockWith(*blocks.back(), "", 0);
  EXPECT_TRUE(s->Commit(*next, BlockUpdates()).ok());
}

TEST(StorageTest, HistoryNewestFirstMatchesTheBlocks) {
  std::vector<Block> blocks = CommittedBlocks();
  auto s = OpenOrDie(fabric::testing::FreshTempDir("ledger_history"));
  CommitAll(s.get(), blocks, 0, blocks.size());
  // The history rules (history.h), applied block by block, newest first.
  std::map<std::pair<std::string, std::string>, std::vector<HistoryRecord>> expected;
  for (const Block& b : blocks) {
    for (const HistoryEntry& e : BlockHistory(*b, b->metadata(common::TRANSACTIONS_FILTER))) {
      auto& list = expected[{std::string(e.ns), std::string(e.key)}];
      list.insert(list.begin(), HistoryRecord{Version{b->number(), e.tx},
                                              *ModificationOf(b->tx(e.tx), e.ns, e.key)});
    }
  }
  ASSERT_FALSE(expected.empty());
  for (const auto& [nk, mods] : expected) {
    auto got = s->history().Get(nk.first, nk.second);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->size(), mods.size()) << nk.first << "/" << nk.second;
    for (size_t i = 0; i < mods.size(); ++i) {
      const KeyModification& g = (*got)[i].modification;
      const KeyModification& w = mods[i].modification;
      EXPECT_EQ((*got)[i].version, mods[i].version);
      EXPECT_EQ(g.txid, w.txid);
      EXPECT_EQ(g.timestamp_seconds, w.timestamp_seconds);
      EXPECT_EQ(g.timestamp_nanos, w.timestamp_nanos);
      EXPECT_EQ(g.is_delete, w.is_delete);
      EXPECT_EQ(g.value, w.value);
    }
    if (mods.size() > 1) {  // limit
      EXPECT_EQ(s->history().Get(nk.first, nk.second, 1)->size(), 1u);
    }
  }
  EXPECT_TRUE(s->history().Get("cc", "never written")->empty());
}

TEST(StorageTest, PartialTailIsCutAndUnindexedBlocksAreReapplied) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_tail");
  {
    auto s = OpenOrDie(dir);
    CommitAll(s.get(), blocks, 0, 2);
  }
  // A crash after block 2 reached the files but before its index, then a torn block 3.
  const std::string file = dir + "/chains/blockfile_000000";
  uint64_t whole = 0;
  {
    std::vector<BlockLocation> unused;
    auto files = BlockFiles::Open(dir + "/chains", {}, nullptr, &unused);
    ASSERT_TRUE(files.ok());
    auto loc = (*files)->Append(blocks[2]->raw());
    ASSERT_TRUE(loc.ok());
    whole = loc->offset + loc->length;
    ASSERT_TRUE((*files)->Append(blocks[3]->raw()).ok());
  }
  ASSERT_EQ(truncate(file.c_str(), std::filesystem::file_size(file) - 3), 0);
  {
    auto s = OpenOrDie(dir);
    EXPECT_EQ(std::filesystem::file_size(file), whole);
    EXPECT_EQ(s->chain_info().height, 2u);
    ASSERT_EQ(s->unindexed_blocks(), 1u);
    EXPECT_EQ(*s->ReadUnindexedBlock(0), blocks[2]->raw());
    ASSERT_TRUE(s->Commit(*blocks[2], BlockUpdates()).ok());
    EXPECT_EQ(std::filesystem::file_size(file), whole);  // indexed in place, not re-appended
    ASSERT_TRUE(s->Commit(*blocks[3], BlockUpdates()).ok());
  }
  // Garbage after the last whole record: an incomplete length, then a short record.
  for (const std::string& garbage : {std::string("\xff\xff"), std::string("\x05"
                                                                          "ab")}) {
    uint64_t before = std::filesystem::file_size(file);
    std::ofstream(file, std::ios::app | std::ios::binary) << garbage;
    auto s = OpenOrDie(dir);
    EXPECT_EQ(std::filesystem::file_size(file), before);
    EXPECT_EQ(s->chain_info().height, 4u);
    EXPECT_EQ(s->unindexed_blocks(), 0u);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(*s->blocks().BlockByNumber(i), blocks[i]->raw());
  }
}

// Overwrites `key` in column family `cf` of the ledger in `dir` with `value`.
void Poke(const std::string& dir, const std::string& cf, const std::string& key,
          const std::string& value) {
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const char* name : kCfNames) cfs.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), dir + "/index", cfs, &handles, &db).ok());
  for (size_t i = 0; i < handles.size(); ++i) {
    if (cfs[i].name == cf) {
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[i], key, value).ok());
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

TEST(StorageTest, CorruptIndexAndStateGiveDataLoss) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_corrupt");
  BlockUpdates updates;
  updates.pub["cc"]["k"] = Update{false, "v", "", Version{0, 0}};
  {
    auto s = OpenOrDie(dir);
    ASSERT_TRUE(s->Commit(*blocks[0], updates).ok());
    CommitAll(s.get(), blocks, 1, 4);
  }
  Poke(dir, "blocks", std::string("n\0\0\0\0\0\0\0\x02", 9), "\xff\xff\xff");
  Poke(dir, "state",
       "\x02"
       "cck",
       "\xff");
  {
    auto s = OpenOrDie(dir);
    auto b = s->blocks().BlockByNumber(2);
    EXPECT_EQ(b.status().code(), absl::StatusCode::kDataLoss) << b.status();
    EXPECT_NE(b.status().message().find("corrupt block index entry for block 2"),
              std::string::npos);
    EXPECT_EQ(s->state().Get("cc", "k").status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(s->state().GetVersion("cc", "k").status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(s->state().Range("cc", "", "", 0).status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(*s->blocks().BlockByNumber(3), blocks[3]->raw());
  }
  // The savepoint's block is the one Open needs.
  Poke(dir, "blocks", std::string("n\0\0\0\0\0\0\0\x03", 9), "junk");
  auto bad_last = Storage::Open(dir, {});
  EXPECT_EQ(bad_last.status().code(), absl::StatusCode::kDataLoss) << bad_last.status();
  Poke(dir, "default", "savepoint", "\xff");
  auto bad_savepoint = Storage::Open(dir, {});
  EXPECT_EQ(bad_savepoint.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(bad_savepoint.status().message().find("savepoint"), std::string::npos);
}

// A ledger records its on-disk format with block 0; a newer format is refused on open,
// clearly and without a change, and a damaged record is DataLoss.
TEST(StorageTest, RecordsItsFormatAndRefusesANewerOne) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_format");
  {
    auto s = OpenOrDie(dir);
    ASSERT_TRUE(s->Commit(*blocks[0], BlockUpdates()).ok());
  }
  std::string current;
  internal::PutVarint64(&current, Storage::kFormatVersion);
  Poke(dir, "default", internal::kFormatKey, current);  // as written: opens
  ASSERT_TRUE(Storage::Open(dir, {}).ok());

  std::string newer;
  internal::PutVarint64(&newer, Storage::kFormatVersion + 1);
  Poke(dir, "default", internal::kFormatKey, newer);
  auto refused = Storage::Open(dir, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnimplemented) << refused.status();
  EXPECT_NE(
      refused.status().message().find("format " + std::to_string(Storage::kFormatVersion + 1)),
      std::string::npos)
      << refused.status();

  Poke(dir, "default", internal::kFormatKey, "\xff");
  EXPECT_EQ(Storage::Open(dir, {}).status().code(), absl::StatusCode::kDataLoss);

  Poke(dir, "default", internal::kFormatKey, current);
  auto reopened = Storage::Open(dir, {});
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->chain_info().height, 1u);
}

// Flips one byte of the block files at `offset` of file 0.
void Flip(const std::string& dir, uint64_t offset) {
  std::fstream f(dir + "/chains/blockfile_000000", std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good());
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x01));
}

// Damage in a block file is found when the block is read back: never returned as a block.
TEST(StorageTest, DamagedBlockFilesGiveDataLoss) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_damaged");
  uint64_t data_at = 0, number_at = 0;
  {
    auto s = OpenOrDie(dir);
    CommitAll(s.get(), blocks, 0, 4);
    // A byte inside block 2's first transaction, and block 3's number in its header.
    const std::string& raw = blocks[2]->raw();
    const std::string& tx = blocks[2]->block().data().data(0);
    data_at = s->blocks().Location(2)->offset + raw.find(tx) + tx.size() / 2;
    number_at = s->blocks().Location(3)->offset + 3;  // header tag, length, number's tag
    ASSERT_EQ(blocks[3]->raw().substr(2, 3), std::string("\x08\x03\x12", 3));
  }
  Flip(dir, data_at);
  Flip(dir, number_at);  // 3 becomes 2
  auto s = OpenOrDie(dir);
  auto damaged = s->blocks().BlockByNumber(2);
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kDataLoss) << damaged.status();
  EXPECT_NE(damaged.status().message().find("does not match its header's data hash"),
            std::string::npos)
      << damaged.status();
  auto by_hash = s->blocks().BlockByHash(blocks[2]->header_hash());
  EXPECT_EQ(by_hash.status().code(), absl::StatusCode::kDataLoss) << by_hash.status();
  auto renumbered = s->blocks().BlockByNumber(3);
  EXPECT_EQ(renumbered.status().code(), absl::StatusCode::kDataLoss) << renumbered.status();
  EXPECT_NE(renumbered.status().message().find("hold block 2 where block 3 should be"),
            std::string::npos)
      << renumbered.status();
  EXPECT_EQ(*s->blocks().BlockByNumber(1), blocks[1]->raw());
}

// A block committed without verification whose data hash never matched reads back.
TEST(StorageTest, UnverifiedBlockWithAnotherDataHashReadsBack) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_unverified");
  auto s = OpenOrDie(dir);
  CommitAll(s.get(), blocks, 0, 1);
  Block next = NextBlockWith(*blocks[0], "envelope", 0);
  common::Block bad = next->block();
  bad.mutable_header()->set_data_hash("not the hash");
  auto parsed = wire::ParsedBlock::Parse(bad.SerializeAsString());
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(s->Commit(**parsed, BlockUpdates()).ok());
  auto read = s->blocks().BlockByNumber(1);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, (*parsed)->raw());
}

// Reopening on a full disk fails with an error and leaves the ledger as it was.
// RocksDB's WAL recovery must write: its memtable becomes a table file. The full disk
// is a file size limit (EFBIG, SIGXFSZ ignored) in a child process, so that a crash
// there fails the test instead of ending it.
TEST(StorageTest, ReopenOnAFullDiskFailsCleanly) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_full_disk");
  std::string value;
  for (int i = 0; value.size() < 4096; ++i) value += absl::StrFormat("%08x", i * 2654435761u);
  {
    auto s = OpenOrDie(dir);
    for (size_t b = 0; b < 4; ++b) {
      BlockUpdates updates;
      for (int k = 0; k < 50; ++k) {
        updates.pub["cc"][absl::StrCat(b, "/", k)] =
            Update{false, absl::StrCat(value, b, k), "", Version{b, 0}};
      }
      ASSERT_TRUE(s->Commit(*blocks[b], updates).ok());
    }
  }
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit limit = {16 << 10, 16 << 10};
    setrlimit(RLIMIT_FSIZE, &limit);
    auto s = Storage::Open(dir, {});
    _exit(s.ok() ? 0 : absl::IsUnavailable(s.status()) ? 3 : 4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the open crashed (signal " << WTERMSIG(status) << ")";
  EXPECT_EQ(WEXITSTATUS(status), 3);
  auto s = OpenOrDie(dir);
  EXPECT_EQ(s->chain_info().height, 4u);
  auto v = s->state().Get("cc", "3/49");
  ASSERT_TRUE(v.ok()) << v.status();
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ((*v)->value, absl::StrCat(value, 3, 49));
}

TEST(StorageTest, TinyFileLimitRollsOver) {
  std::vector<Block> blocks = CommittedBlocks();
  std::string dir = fabric::testing::FreshTempDir("ledger_tiny");
  StorageOptions options;
  options.max_block_file_size = 1;
  {
    auto s = OpenOrDie(dir, options);
    CommitAll(s.get(), blocks, 0, 5);
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(std::filesystem::exists(absl::StrFormat("%s/chains/blockfile_%06d", dir, i)));
  }
  auto s = OpenOrDie(dir, options);
  EXPECT_EQ(s->chain_info().height, 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(s->blocks().Location(i)->file, static_cast<uint32_t>(i));
    EXPECT_EQ(*s->blocks().BlockByNumber(i), blocks[i]->raw());
  }
}

}  // namespace
}  // namespace fabric::ledger
