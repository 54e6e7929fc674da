// What a peer checks on a block from the ordering service before it validates the
// block's transactions: Fabric 2.5's gossip VerifyBlock (internal/peer/gossip/mcs.go),
// plus the two chain checks its block store makes at commit (number and previous hash),
// made here on arrival so a block that cannot be committed is never validated.
//
//   absl::Status s = VerifyBlock(*block, *config, ledger_height, current_block_hash);
//
// Checks, in Fabric's order; the first failure is the verdict:
//   1. the header is present (only ParseAndVerifyBlock can see it missing);
//   2. header.number == expected_number;
//   3. the channel id in the first envelope's channel header is the config's channel;
//   4. the metadata has at least one slot, and the SIGNATURES slot parses as a
//      common.Metadata;
//   5. every data entry is a well-formed envelope that re-marshals to its own bytes (a
//      block of one CONFIG or ORDERER_TRANSACTION entry is exempt);
//   6. header.data_hash == SHA-256 of the data entries;
//   7. every MetadataSignature's signature_header parses (one that does not rejects the
//      block), and the signatures, each over
//        metadata.value || signature_header || DER(header)
//      by the signature header's creator, satisfy the config's
//      /Channel/Orderer/BlockValidation policy;
//   8. header.previous_hash == expected_previous_hash.
// Nothing else in the SIGNATURES value (OrdererBlockMetadata, last config, consenter
// metadata) nor the signature header's nonce is looked at, and the other metadata slots
// are not covered by any signature, as in Fabric 2.5.
//
// Errors read like Fabric's: InvalidArgument for a malformed block, PermissionDenied
// when the signatures do not satisfy the policy, FailedPrecondition when the block does
// not extend the ledger (wrong number or previous hash).
//
// Cost: the block is not parsed again except by the re-marshal check of step 5; each
// orderer signature is verified at most once.
//
// Thread safety: the functions are stateless; call them from any number of threads.
#ifndef FABRIC_LIB_VALIDATE_BLOCK_VERIFIER_H_
#define FABRIC_LIB_VALIDATE_BLOCK_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/wire/block.h"

namespace fabric::validate {

// OK if `block` passes checks 2-8 above. `config` is the channel config in force for the
// block: that of the latest config block at or before the previous block.
// `expected_number` is the ledger height and `expected_previous_hash` the header hash of
// the ledger's last block.
absl::Status VerifyBlock(const wire::ParsedBlock& block, const channelconfig::ChannelConfig& config,
                         uint64_t expected_number, absl::string_view expected_previous_hash);

// Parses `bytes` (a serialized common.Block) and verifies it as VerifyBlock does. Bytes
// that do not parse, or a block without a header, are rejected with InvalidArgument
// (for a missing header, Fabric's own message). On success, the parsed block.
absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> ParseAndVerifyBlock(
    std::string bytes, const channelconfig::ChannelConfig& config, uint64_t expected_number,
    absl::string_view expected_previous_hash);

}  // namespace fabric::validate

#endif  // FABRIC_LIB_VALIDATE_BLOCK_VERIFIER_H_
