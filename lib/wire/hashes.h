// The hashes that chain Fabric blocks and name its transactions.
//
// Block header hash: SHA-256 of the ASN.1 DER encoding of
//   SEQUENCE { number INTEGER, previous_hash OCTET STRING, data_hash OCTET STRING }
// (not of the protobuf header). Data hash: SHA-256 of all data entries concatenated,
// without length prefixes. Transaction id: lowercase hex of SHA-256(nonce || creator).
#ifndef FABRIC_LIB_WIRE_HASHES_H_
#define FABRIC_LIB_WIRE_HASHES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::wire {

// The DER bytes that a block header hash covers.
std::string BlockHeaderDer(uint64_t number, absl::string_view previous_hash,
                           absl::string_view data_hash);
std::string BlockHeaderDer(const common::BlockHeader& header);

// SHA-256 of BlockHeaderDer(header): what the next block's previous_hash must equal.
std::string BlockHeaderHash(const common::BlockHeader& header);

// SHA-256 over the concatenated data entries.
std::string BlockDataHash(const common::BlockData& data);

// hex(SHA-256(nonce || creator)), creator being the serialized SerializedIdentity.
std::string ComputeTxId(absl::string_view nonce, absl::string_view creator);

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_HASHES_H_
