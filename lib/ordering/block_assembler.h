// What an orderer does to package transactions into blocks (Fabric's blockcutter and
// block writer), for hosts and tests that have no ordering service: batches cut by
// message count, bytes or time; the hash chain; LAST_CONFIG and SIGNATURES metadata
// signed by an orderer identity. Consensus among orderers is not ours.
//
//   auto a = BlockAssembler::Create(genesis_block, orderer_signer, BatchOptions());
//   std::vector<std::string> blocks = *(*a)->Add(envelope);   // blocks cut by this one
//   if (auto b = (*a)->Cut()) ...                              // flush what is pending
//
// Blocks (Fabric 2.5's orderer): header {number, previous header hash, data hash};
// SIGNATURES = Metadata{OrdererBlockMetadata{LastConfig{index}}, one MetadataSignature
// by the orderer over value || signature header || block header (ASN.1)}, with no
// consenter metadata (Fabric's etcdraft orderer keeps its RaftMetadata there, which
// peers never read, but a Fabric orderer taking over this chain would); LAST_CONFIG =
// Metadata{LastConfig{index}} (unsigned, as Fabric keeps it for old peers);
// TRANSACTIONS_FILTER empty. A CONFIG envelope is cut alone into its own block and
// becomes the last config from then on.
//
// Thread safety: one thread at a time.
#ifndef FABRIC_LIB_ORDERING_BLOCK_ASSEMBLER_H_
#define FABRIC_LIB_ORDERING_BLOCK_ASSEMBLER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lib/identity/signing_identity.h"

namespace fabric::ordering {

// Fabric's orderer BatchSize / BatchTimeout.
struct BatchOptions {
  size_t max_message_count = 500;
  size_t preferred_max_bytes = 2 * 1024 * 1024;
  absl::Duration timeout = absl::Seconds(2);
};

class BlockAssembler {
 public:
  // Continues the chain whose last block is `last_block` (a serialized common.Block,
  // e.g. the genesis block), signing as `orderer`. InvalidArgument if it does not parse.
  static absl::StatusOr<std::unique_ptr<BlockAssembler>> Create(
      absl::string_view last_block, std::shared_ptr<const identity::SigningIdentity> orderer,
      const BatchOptions& options);
  ~BlockAssembler();

  // Adds one envelope (a serialized common.Envelope of this channel) and returns the
  // blocks it caused to be cut, in order (none, one, or two: a pending batch and a
  // config block). InvalidArgument for an envelope that does not parse or names
  // another channel; an envelope larger than preferred_max_bytes gets a block alone.
  absl::StatusOr<std::vector<std::string>> Add(std::string envelope);
  // The pending batch as a block, if non-empty and its first envelope came at least
  // `timeout` before `now`.
  absl::StatusOr<std::optional<std::string>> Tick(absl::Time now);
  // The pending batch as a block, if non-empty.
  absl::StatusOr<std::optional<std::string>> Cut();

  uint64_t next_number() const { return next_number_; }
  size_t pending() const { return pending_.size(); }

 private:
  BlockAssembler() = default;
  absl::StatusOr<std::string> MakeBlock(std::vector<std::string> envelopes, bool is_config);

  std::shared_ptr<const identity::SigningIdentity> orderer_;
  BatchOptions options_;
  std::string channel_id_;
  uint64_t next_number_ = 0;
  std::string previous_hash_;
  uint64_t last_config_ = 0;
  std::vector<std::string> pending_;
  size_t pending_bytes_ = 0;
  absl::Time pending_since_;
};

}  // namespace fabric::ordering

#endif  // FABRIC_LIB_ORDERING_BLOCK_ASSEMBLER_H_
