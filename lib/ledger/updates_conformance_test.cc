// Fabric's stored blocks (committed/, with their final TRANSACTIONS_FILTER) replayed
// through PrepareBlockUpdates over an in-memory state: every block's COMMIT_HASH equals
// the one Fabric's peer stored, and the final state equals Fabric's (values, versions,
// metadata), and key histories equal GetHistoryForKey's.
#include <map>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/ledger/commit_hash.h"
#include "lib/ledger/history.h"
#include "lib/ledger/update_batch.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "nlohmann/json.hpp"

namespace fabric::ledger {
namespace {

using nlohmann::json;

class MemoryState : public StateReader {
 public:
  absl::StatusOr<std::optional<VersionedValue>> Get(absl::string_view ns,
                                                    absl::string_view key) const override {
    return Find(pub_, std::string(ns) + '\n' + std::string(key));
  }
  absl::StatusOr<std::optional<VersionedValue>> GetHashed(absl::string_view ns,
                                                          absl::string_view coll,
                                                          absl::string_view key) const override {
    return Find(hashed_, absl::StrCat(ns, "\n", coll, "\n", key));
  }

  void Apply(const BlockUpdates& u) {
    for (const auto& [ns, keys] : u.pub) {
      for (const auto& [key, up] : keys) Set(&pub_, ns + '\n' + key, up);
    }
    for (const auto& [ns, colls] : u.hashed) {
      for (const auto& [coll, keys] : colls) {
        for (const auto& [key, up] : keys)
          Set(&hashed_, absl::StrCat(ns, "\n", coll, "\n", key), up);
      }
    }
  }

  // ns -> key -> value, for comparison.
  std::map<std::string, std::map<std::string, VersionedValue>> Public() const {
    std::map<std::string, std::map<std::string, VersionedValue>> out;
    for (const auto& [k, v] : pub_) {
      const size_t nl = k.find('\n');
      out[k.substr(0, nl)][k.substr(nl + 1)] = v;
    }
    return out;
  }

 private:
  using Map = std::map<std::string, VersionedValue>;
  static std::optional<VersionedValue> Find(const Map& m, const std::string& k) {
    auto it = m.find(k);
    if (it == m.end()) return std::nullopt;
    return it->second;
  }
  static void Set(Map* m, const std::string& k, const Update& u) {
    if (u.is_delete) {
      m->erase(k);
    } else {
      (*m)[k] = VersionedValue{u.value, u.metadata, u.version};
    }
  }
  Map pub_, hashed_;
};

std::shared_ptr<const wire::ParsedBlock> Load(const std::string& path) {
  auto bytes = testing::ReadFile(path);
  if (!bytes.ok()) return nullptr;
  auto b = wire::ParsedBlock::Parse(*bytes);
  return b.ok() ? *b : nullptr;
}

TEST(UpdatesConformanceTest, CommitHashesAndFinalStateMatchFabric) {
  const std::string dir = testing::ConformanceDir();
  auto expected_text = testing::ReadFile(dir + "/expected.json");
  ASSERT_TRUE(expected_text.ok());
  const json expected = json::parse(*expected_text);

  MemoryState state;
  std::vector<std::shared_ptr<const wire::ParsedBlock>> blocks;
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<uint64_t, uint64_t>>>
      history;  // (ns, key) -> (block, tx), oldest first
  std::string commit_hash;
  int checked = 0;
  for (int n = 0;; ++n) {
    auto block = Load(dir + absl::StrFormat("/committed/%06d.block", n));
    if (block == nullptr) break;
    SCOPED_TRACE(absl::StrFormat("committed block %d", n));
    const absl::string_view filter = block->metadata(common::TRANSACTIONS_FILTER);
    auto updates = PrepareBlockUpdates(*block, filter, state);
    ASSERT_TRUE(updates.ok()) << updates.status();
    if (n >= 1) {
      commit_hash = NextCommitHash(filter, UpdateBytes(*updates), commit_hash);
      EXPECT_EQ(CommitHashMetadata(commit_hash), block->metadata(common::COMMIT_HASH));
      ++checked;
    }
    state.Apply(*updates);
    for (const HistoryEntry& h : BlockHistory(*block, filter)) {
      history[{std::string(h.ns), std::string(h.key)}].push_back({block->number(), h.tx});
    }
    blocks.push_back(block);
  }
  EXPECT_EQ(checked + 1, expected["ledger_height"].get<int>());

  // Every key of the final state, as Fabric left it.
  auto ours = state.Public();
  for (const auto& [ns, entries] : expected["final_state"].items()) {
    std::map<std::string, VersionedValue>& got = ours[ns];
    EXPECT_EQ(got.size(), entries.size()) << "namespace '" << ns << "'";
    for (const json& e : entries) {
      const std::string key = absl::HexStringToBytes(e["key_hex"].get<std::string>());
      auto it = got.find(key);
      ASSERT_NE(it, got.end()) << ns << " " << e["key"];
      const VersionedValue& v = it->second;
      EXPECT_EQ(v.version.block, e["version"][0].get<uint64_t>()) << key;
      EXPECT_EQ(v.version.tx, e["version"][1].get<uint64_t>()) << key;
      if (ns.empty()) continue;  // the config envelope: Go wrote its maps in random order
      EXPECT_EQ(absl::Base64Escape(v.value), e["value_b64"].get<std::string>()) << key;
      kvrwset::KVMetadataWrite meta;
      ASSERT_TRUE(meta.ParseFromString(v.metadata));
      std::map<std::string, std::string> want_meta, got_meta;
      if (e.contains("metadata_b64")) {
        for (const auto& [name, b64] : e["metadata_b64"].items()) {
          want_meta[name] = b64.get<std::string>();
        }
      }
      for (const auto& entry : meta.entries()) {
        got_meta[entry.name()] = absl::Base64Escape(entry.value());
      }
      EXPECT_EQ(got_meta, want_meta) << key;
    }
  }
  // Key histories, newest first, read back from the transactions.
  ASSERT_FALSE(expected["history"].empty());
  for (const json& h : expected["history"]) {
    const std::string ns = h["namespace"].get<std::string>();
    const std::string key = absl::HexStringToBytes(h["key_hex"].get<std::string>());
    const auto& positions = history[{ns, key}];
    const json& want = h["history_newest_first"];
    ASSERT_EQ(positions.size(), want.size()) << ns << " " << key;
    for (size_t i = 0; i < want.size(); ++i) {
      const auto& [b, t] = positions[positions.size() - 1 - i];
      auto m = ModificationOf(blocks[b]->tx(t), ns, key);
      ASSERT_TRUE(m.has_value());
      EXPECT_EQ(m->txid, want[i]["txid"].get<std::string>());
      EXPECT_EQ(absl::Base64Escape(m->value), want[i]["value_b64"].get<std::string>());
      EXPECT_EQ(m->is_delete, want[i]["is_delete"].get<bool>());
      EXPECT_EQ(m->timestamp_seconds, want[i]["timestamp_seconds"].get<int64_t>());
      EXPECT_EQ(m->timestamp_nanos, want[i]["timestamp_nanos"].get<int32_t>());
    }
  }

  for (const auto& [ns, keys] : ours) {
    EXPECT_TRUE(keys.empty() || expected["final_state"].contains(ns)) << "extra namespace " << ns;
  }
}

}  // namespace
}  // namespace fabric::ledger
