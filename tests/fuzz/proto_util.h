// Fabric messages the fuzz targets and the seed generator build from the conformance
// vectors (with our own generated proto classes).
#ifndef FABRIC_TESTS_FUZZ_PROTO_UTIL_H_
#define FABRIC_TESTS_FUZZ_PROTO_UTIL_H_

#include <string>

#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/msp_config.pb.h"

namespace fabric::fuzz {

// The Config inside a config block; aborts if `block` is not one.
common::Config ConfigOfBlock(const std::string& block);
// The MSPConfig of org group `org` (e.g. "Org1MSP", "OrdererOrg") under /Channel/Application or
// /Channel/Orderer of `config`; aborts if absent.
msp::MSPConfig MspConfigOf(const common::Config& config, const std::string& org);
// The ConfigUpdate inside a CONFIG block's last update; aborts if absent.
common::ConfigUpdate ConfigUpdateOfBlock(const std::string& block);
// Entry `index` of a block's data.
std::string BlockDataEntry(const std::string& block, int index);
int BlockDataCount(const std::string& block);

}  // namespace fabric::fuzz

#endif  // FABRIC_TESTS_FUZZ_PROTO_UTIL_H_
