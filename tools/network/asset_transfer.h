// The sample contract of the demo network: Fabric's asset-transfer-basic, with the
// chaincode event of asset-transfer-events and the history query of
// asset-transfer-ledger-queries, written as a contract over the C ABI (fabric/contract.hpp).
//
// An asset is a JSON object with keys in byte order, as Go's encoding/json writes the
// sample's struct:
//   {"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5}
// stored under its ID as a simple key.
//
// Functions (arguments after the function name; payloads are JSON unless said):
//   CreateAsset ID Color Size Owner AppraisedValue   error if the asset exists
//   ReadAsset ID                                     the asset; error if absent
//   UpdateAsset ID Color Size Owner AppraisedValue   error if absent
//   DeleteAsset ID                                   error if absent
//   AssetExists ID                                   "true" or "false"
//   TransferAsset ID NewOwner                        the old owner (plain text); sets the
//                                                    event "TransferAsset" whose payload
//                                                    is the transferred asset
//   GetAllAssets                                     an array of every asset (a range
//                                                    scan over all simple keys)
//   GetAssetHistory ID                               queries only: an array, newest
//                                                    first, of {"isDelete", "record"
//                                                    (the asset or null), "timestamp"
//                                                    (Go's RFC3339Nano, UTC), "txId"}
// Sizes and values are decimal integers; anything else is an error response. An unknown
// function or a wrong argument count is an error response too.
//
// Thread safety: stateless; Invoke may run on many threads at once.
#ifndef FABRIC_TOOLS_NETWORK_ASSET_TRANSFER_H_
#define FABRIC_TOOLS_NETWORK_ASSET_TRANSFER_H_

#include <cstdint>
#include <fabric/contract.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::network {

inline constexpr char kTransferEvent[] = "TransferAsset";

struct Asset {
  std::string id;
  std::string color;
  int64_t size = 0;
  std::string owner;
  int64_t appraised_value = 0;

  bool operator==(const Asset& o) const {
    return id == o.id && color == o.color && size == o.size && owner == o.owner &&
           appraised_value == o.appraised_value;
  }
};

// The asset's stored JSON, and back (InvalidArgument for anything else).
std::string AssetToJson(const Asset& asset);
absl::StatusOr<Asset> AssetFromJson(absl::string_view json);

class AssetTransfer : public fabric::Contract {
 public:
  fabric::Response Invoke(fabric::Stub& stub) override;
};

}  // namespace fabric::network

#endif  // FABRIC_TOOLS_NETWORK_ASSET_TRANSFER_H_
