#include "tools/network/asset_transfer.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace fabric::network {
namespace {

using fabric::Response;
using fabric::Stub;
using nlohmann::json;  // objects keep their keys sorted, as Go's struct order here

json AssetObject(const Asset& a) {
  return json{{"AppraisedValue", a.appraised_value},
              {"Color", a.color},
              {"ID", a.id},
              {"Owner", a.owner},
              {"Size", a.size}};
}

absl::StatusOr<Asset> AssetFromObject(const json& j) {
  auto str = [&j](const char* k) { return j.contains(k) && j[k].is_string(); };
  auto num = [&j](const char* k) { return j.contains(k) && j[k].is_number_integer(); };
  if (!j.is_object() || !str("ID") || !str("Color") || !str("Owner") || !num("Size") ||
      !num("AppraisedValue")) {
    return absl::InvalidArgumentError("not an asset");
  }
  return Asset{j["ID"].get<std::string>(), j["Color"].get<std::string>(), j["Size"].get<int64_t>(),
               j["Owner"].get<std::string>(), j["AppraisedValue"].get<int64_t>()};
}

// Go's time.RFC3339Nano in UTC, as encoding/json writes a time.Time.
constexpr char kGoRfc3339Nano[] = "%Y-%m-%d%ET%H:%M:%E*SZ";

Response Fail(absl::string_view message) { return Response::Error(std::string(message)); }

// The asset stored under `id`, nullopt if none. A stored value that is not an asset is
// an error. The stub's own errors (fabric::Error) leave the contract: the call answers
// 500 with their message.
absl::StatusOr<std::optional<Asset>> Load(Stub& stub, const std::string& id) {
  std::optional<std::string> bytes = stub.GetState(id);
  if (!bytes.has_value()) return std::nullopt;
  auto asset = AssetFromJson(*bytes);
  if (!asset.ok()) {
    return absl::DataLossError(absl::StrCat("asset ", id, ": ", asset.status().message()));
  }
  return *asset;
}

// An asset from the argument list ID Color Size Owner AppraisedValue.
absl::StatusOr<Asset> AssetFromArgs(const std::vector<std::string>& args) {
  if (args.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected 5 arguments (ID Color Size Owner AppraisedValue), got ", args.size()));
  }
  Asset a{args[0], args[1], 0, args[3], 0};
  if (!absl::SimpleAtoi(args[2], &a.size) || !absl::SimpleAtoi(args[4], &a.appraised_value)) {
    return absl::InvalidArgumentError("Size and AppraisedValue must be integers");
  }
  return a;
}

// The asset under `id`, which must exist; else the error response in *failure.
std::optional<Asset> Existing(Stub& stub, const std::string& id, Response* failure) {
  auto asset = Load(stub, id);
  if (!asset.ok()) {
    *failure = Fail(asset.status().message());
    return std::nullopt;
  }
  if (!asset->has_value()) *failure = Fail(absl::StrCat("the asset ", id, " does not exist"));
  return *std::move(asset);
}

Response CreateOrUpdate(Stub& stub, const std::vector<std::string>& args, bool create) {
  auto asset = AssetFromArgs(args);
  if (!asset.ok()) return Fail(asset.status().message());
  auto existing = Load(stub, asset->id);
  if (!existing.ok()) return Fail(existing.status().message());
  if (create && existing->has_value()) {
    return Fail(absl::StrCat("the asset ", asset->id, " already exists"));
  }
  if (!create && !existing->has_value()) {
    return Fail(absl::StrCat("the asset ", asset->id, " does not exist"));
  }
  stub.PutState(asset->id, AssetToJson(*asset));
  return Response::Ok();
}

Response ReadAsset(Stub& stub, const std::string& id) {
  Response failure;
  std::optional<Asset> a = Existing(stub, id, &failure);
  return a.has_value() ? Response::Ok(AssetToJson(*a)) : failure;
}

Response DeleteAsset(Stub& stub, const std::string& id) {
  Response failure;
  if (!Existing(stub, id, &failure).has_value()) return failure;
  stub.DelState(id);
  return Response::Ok();
}

Response AssetExists(Stub& stub, const std::string& id) {
  return Response::Ok(stub.GetState(id).has_value() ? "true" : "false");
}

Response TransferAsset(Stub& stub, const std::string& id, const std::string& new_owner) {
  Response failure;
  std::optional<Asset> a = Existing(stub, id, &failure);
  if (!a.has_value()) return failure;
  std::string old_owner = std::move(a->owner);
  a->owner = new_owner;
  const std::string stored = AssetToJson(*a);
  stub.SetEvent(kTransferEvent, stored);
  stub.PutState(id, stored);
  return Response::Ok(std::move(old_owner));
}

Response GetAllAssets(Stub& stub) {
  json all = json::array();
  for (const fabric::KeyValue& kv : stub.GetStateByRange("", "")) {
    auto asset = AssetFromJson(kv.value);
    if (!asset.ok()) return Fail(absl::StrCat("asset ", kv.key, ": ", asset.status().message()));
    all.push_back(AssetObject(*asset));
  }
  return Response::Ok(all.dump());
}

Response GetAssetHistory(Stub& stub, const std::string& id) {
  json out = json::array();
  for (const fabric::KeyModification& m : stub.GetHistoryForKey(id)) {
    json record = nullptr;
    if (!m.is_delete) {
      auto asset = AssetFromJson(m.value);
      if (!asset.ok()) return Fail(absl::StrCat("history of ", id, ": not an asset"));
      record = AssetObject(*asset);
    }
    const absl::Time t =
        absl::FromUnixSeconds(m.timestamp_seconds) + absl::Nanoseconds(m.timestamp_nanos);
    out.push_back(json{{"isDelete", m.is_delete},
                       {"record", std::move(record)},
                       {"timestamp", absl::FormatTime(kGoRfc3339Nano, t, absl::UTCTimeZone())},
                       {"txId", m.txid}});
  }
  return Response::Ok(out.dump());
}

}  // namespace

std::string AssetToJson(const Asset& asset) { return AssetObject(asset).dump(); }

absl::StatusOr<Asset> AssetFromJson(absl::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return absl::InvalidArgumentError("not JSON");
  return AssetFromObject(j);
}

Response AssetTransfer::Invoke(Stub& stub) {
  const fabric::Invocation& inv = stub.invocation();
  const std::vector<std::string>& args = inv.args;
  // Functions of one ID argument.
  static const std::map<std::string, std::function<Response(Stub&, const std::string&)>>
      kByIdFunctions = {
          {"ReadAsset", ReadAsset},
          {"DeleteAsset", DeleteAsset},
          {"AssetExists", AssetExists},
          {"GetAssetHistory", GetAssetHistory},
      };
  if (auto it = kByIdFunctions.find(inv.function); it != kByIdFunctions.end()) {
    if (args.size() != 1) return Fail(inv.function + " takes 1 argument (ID)");
    return it->second(stub, args[0]);
  }
  if (inv.function == "CreateAsset") return CreateOrUpdate(stub, args, /*create=*/true);
  if (inv.function == "UpdateAsset") return CreateOrUpdate(stub, args, /*create=*/false);
  if (inv.function == "TransferAsset") {
    if (args.size() != 2) return Fail("TransferAsset takes 2 arguments (ID NewOwner)");
    return TransferAsset(stub, args[0], args[1]);
  }
  if (inv.function == "GetAllAssets") {
    if (!args.empty()) return Fail("GetAllAssets takes no arguments");
    return GetAllAssets(stub);
  }
  return Fail(absl::StrCat("unknown function \"", inv.function, "\""));
}

}  // namespace fabric::network
