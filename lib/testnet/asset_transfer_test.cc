// The asset-transfer contract over an in-memory stub that applies writes at once (the
// contract never reads its own writes within a call, so the difference cannot matter).
#include "lib/testnet/asset_transfer.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace fabric::testnet {
namespace {

using endorse::Invocation;
using endorse::KeyModification;
using endorse::KeyValue;
using endorse::RangePage;
using endorse::Response;

class MemoryStub : public endorse::Stub {
 public:
  std::map<std::string, std::string> state;
  std::map<std::string, std::vector<KeyModification>> history;  // newest first
  std::optional<std::pair<std::string, std::string>> event;
  Invocation inv;

  const Invocation& invocation() const override { return inv; }
  absl::StatusOr<std::optional<std::string>> GetState(absl::string_view key) override {
    auto it = state.find(std::string(key));
    if (it == state.end()) return std::nullopt;
    return it->second;
  }
  absl::Status PutState(absl::string_view key, absl::string_view value) override {
    state[std::string(key)] = std::string(value);
    history[std::string(key)].insert(history[std::string(key)].begin(),
                                     {inv.txid, std::string(value), false, 1700000000, 5});
    return absl::OkStatus();
  }
  absl::Status DelState(absl::string_view key) override {
    state.erase(std::string(key));
    history[std::string(key)].insert(history[std::string(key)].begin(),
                                     {inv.txid, "", true, 1700000001, 0});
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<KeyValue>> GetStateByRange(absl::string_view start,
                                                        absl::string_view end) override {
    std::vector<KeyValue> out;
    for (const auto& [k, v] : state) {
      if (k >= start && (end.empty() || k < end)) out.push_back({k, v});
    }
    return out;
  }
  absl::StatusOr<RangePage> GetStateByRangeWithPagination(absl::string_view, absl::string_view,
                                                          int32_t, absl::string_view) override {
    return absl::UnimplementedError("unused");
  }
  absl::StatusOr<std::vector<KeyValue>> GetStateByPartialCompositeKey(
      absl::string_view, const std::vector<std::string>&) override {
    return absl::UnimplementedError("unused");
  }
  absl::StatusOr<std::map<std::string, std::string>> GetStateMetadata(absl::string_view) override {
    return std::map<std::string, std::string>();
  }
  absl::Status SetStateMetadata(absl::string_view, absl::string_view, absl::string_view) override {
    return absl::UnimplementedError("unused");
  }
  absl::Status SetEvent(absl::string_view name, absl::string_view payload) override {
    event.emplace(std::string(name), std::string(payload));
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<KeyModification>> GetHistoryForKey(absl::string_view key) override {
    return history[std::string(key)];
  }

  Response Call(std::vector<std::string> args, std::string txid = "tx") {
    inv.function = args[0];
    inv.args.assign(args.begin() + 1, args.end());
    inv.txid = std::move(txid);
    event.reset();
    return AssetTransfer().Invoke(*this);
  }
};

TEST(AssetTransferTest, AssetJsonIsFabricSampleJson) {
  Asset a{"asset1", "blue", 5, "Tomoko", 300};
  EXPECT_EQ(AssetToJson(a),
            R"({"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5})");
  auto back = AssetFromJson(AssetToJson(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
  EXPECT_FALSE(AssetFromJson("{\"ID\":\"x\"}").ok());
  EXPECT_FALSE(AssetFromJson("not json").ok());
}

TEST(AssetTransferTest, CreateReadExistsAndDuplicates) {
  MemoryStub s;
  EXPECT_EQ(s.Call({"CreateAsset", "a1", "blue", "5", "Tomoko", "300"}).status, 200);
  EXPECT_EQ(s.state.at("a1"), AssetToJson({"a1", "blue", 5, "Tomoko", 300}));
  Response read = s.Call({"ReadAsset", "a1"});
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.payload, s.state.at("a1"));
  EXPECT_EQ(s.Call({"AssetExists", "a1"}).payload, "true");
  EXPECT_EQ(s.Call({"AssetExists", "a2"}).payload, "false");
  Response dup = s.Call({"CreateAsset", "a1", "red", "1", "Brad", "1"});
  EXPECT_EQ(dup.status, 500);
  EXPECT_EQ(dup.message, "the asset a1 already exists");
  EXPECT_EQ(s.Call({"ReadAsset", "a2"}).message, "the asset a2 does not exist");
  EXPECT_EQ(s.Call({"CreateAsset", "a3", "red", "big", "Brad", "1"}).status, 500);
  EXPECT_EQ(s.Call({"CreateAsset", "a3", "red"}).status, 500);
  EXPECT_EQ(s.state.count("a3"), 0u);
}

TEST(AssetTransferTest, TransferSetsEventAndReturnsOldOwner) {
  MemoryStub s;
  s.Call({"CreateAsset", "a1", "blue", "5", "Tomoko", "300"});
  Response r = s.Call({"TransferAsset", "a1", "Brad"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.payload, "Tomoko");
  const std::string moved = AssetToJson({"a1", "blue", 5, "Brad", 300});
  EXPECT_EQ(s.state.at("a1"), moved);
  ASSERT_TRUE(s.event.has_value());
  EXPECT_EQ(s.event->first, kTransferEvent);
  EXPECT_EQ(s.event->second, moved);
  EXPECT_EQ(s.Call({"TransferAsset", "nope", "Brad"}).status, 500);
  EXPECT_FALSE(s.event.has_value());
}

TEST(AssetTransferTest, UpdateAndDeleteNeedAnAsset) {
  MemoryStub s;
  EXPECT_EQ(s.Call({"UpdateAsset", "a1", "red", "1", "Max", "2"}).status, 500);
  EXPECT_EQ(s.Call({"DeleteAsset", "a1"}).status, 500);
  s.Call({"CreateAsset", "a1", "blue", "5", "Tomoko", "300"});
  EXPECT_EQ(s.Call({"UpdateAsset", "a1", "red", "1", "Max", "2"}).status, 200);
  EXPECT_EQ(s.state.at("a1"), AssetToJson({"a1", "red", 1, "Max", 2}));
  EXPECT_EQ(s.Call({"DeleteAsset", "a1"}).status, 200);
  EXPECT_EQ(s.state.count("a1"), 0u);
}

TEST(AssetTransferTest, GetAllAssetsInKeyOrder) {
  MemoryStub s;
  EXPECT_EQ(s.Call({"GetAllAssets"}).payload, "[]");
  s.Call({"CreateAsset", "b", "blue", "5", "Tomoko", "300"});
  s.Call({"CreateAsset", "a", "red", "1", "Max", "2"});
  EXPECT_EQ(s.Call({"GetAllAssets"}).payload, "[" + AssetToJson({"a", "red", 1, "Max", 2}) + "," +
                                                  AssetToJson({"b", "blue", 5, "Tomoko", 300}) +
                                                  "]");
  EXPECT_EQ(s.Call({"GetAllAssets", "extra"}).status, 500);
}

TEST(AssetTransferTest, HistoryNewestFirstWithDeletes) {
  MemoryStub s;
  s.Call({"CreateAsset", "a1", "blue", "5", "Tomoko", "300"}, "t1");
  s.Call({"TransferAsset", "a1", "Brad"}, "t2");
  s.Call({"DeleteAsset", "a1"}, "t3");
  Response r = s.Call({"GetAssetHistory", "a1"});
  ASSERT_EQ(r.status, 200) << r.message;
  nlohmann::json j = nlohmann::json::parse(r.payload);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["txId"], "t3");
  EXPECT_EQ(j[0]["isDelete"], true);
  EXPECT_TRUE(j[0]["record"].is_null());
  EXPECT_EQ(j[1]["txId"], "t2");
  EXPECT_EQ(j[1]["record"]["Owner"], "Brad");
  EXPECT_EQ(j[1]["timestamp"], "2023-11-14T22:13:20.000000005Z");
  EXPECT_EQ(j[2]["record"]["Owner"], "Tomoko");
}

TEST(AssetTransferTest, UnknownFunctionAndArgumentCounts) {
  MemoryStub s;
  EXPECT_EQ(s.Call({"Frobnicate"}).message, "unknown function \"Frobnicate\"");
  EXPECT_EQ(s.Call({"ReadAsset"}).status, 500);
  EXPECT_EQ(s.Call({"TransferAsset", "a1"}).status, 500);
}

}  // namespace
}  // namespace fabric::testnet
