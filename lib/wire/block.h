// A block parsed once into an immutable view shared by every later stage.
//
//   absl::StatusOr<std::shared_ptr<const ParsedBlock>> b = ParsedBlock::Parse(bytes);
//
// Parse fails only when the bytes are not a common.Block or the block has no header
// (the two things without which nothing else can be said about it). Everything inside
// the block, each data entry and each metadata slot, parses as far as it goes and
// records its own defect (see transaction.h), so a malformed transaction never hides
// the others.
//
// Thread safety: a ParsedBlock is immutable; share it freely across threads.
#ifndef FABRIC_LIB_WIRE_BLOCK_H_
#define FABRIC_LIB_WIRE_BLOCK_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/transaction.h"

namespace fabric::wire {

class ParsedBlock {
 public:
  // Parses `bytes` (a serialized common.Block) and every data entry in it.
  static absl::StatusOr<std::shared_ptr<const ParsedBlock>> Parse(std::string bytes);

  ParsedBlock(const ParsedBlock&) = delete;
  ParsedBlock& operator=(const ParsedBlock&) = delete;

  // The bytes the block was parsed from.
  const std::string& raw() const { return raw_; }
  const common::Block& block() const { return block_; }
  const common::BlockHeader& header() const { return block_.header(); }

  uint64_t number() const { return block_.header().number(); }
  // SHA-256 of the DER header: the next block's previous_hash.
  const std::string& header_hash() const { return header_hash_; }
  const std::string& previous_hash() const { return block_.header().previous_hash(); }
  // The data hash the header claims.
  const std::string& data_hash() const { return block_.header().data_hash(); }
  // The data hash of the data the block carries.
  const std::string& computed_data_hash() const { return computed_data_hash_; }

  size_t num_transactions() const { return txs_->size(); }
  const TxView& tx(size_t i) const { return (*txs_)[i]; }
  absl::Span<const TxView> transactions() const { return *txs_; }

  // One entry whose channel header says CONFIG (what Fabric calls a config block).
  bool IsConfigBlock() const;

  // The metadata slot at `index` (a common.BlockMetadataIndex), or "" if absent.
  absl::string_view metadata(int index) const;

  // The number of the last config block, as the orderer recorded it: from the
  // OrdererBlockMetadata in the SIGNATURES slot, else from the deprecated LAST_CONFIG slot.
  absl::StatusOr<uint64_t> LastConfigIndex() const;

  // The same block with metadata slot `index` set to `value` (slots up to `index` are
  // added empty if missing), as a peer rewrites TRANSACTIONS_FILTER and COMMIT_HASH
  // before storing a block. The header and data are unchanged, so the parsed
  // transactions are shared, not parsed again. REQUIRES: every index >= 0.
  std::shared_ptr<const ParsedBlock> WithMetadata(
      absl::Span<const std::pair<int, std::string>> slots) const;

 private:
  ParsedBlock() = default;

  std::string raw_;
  common::Block block_;
  std::string header_hash_;
  std::string computed_data_hash_;
  std::shared_ptr<const std::vector<TxView>> txs_;  // shared by WithMetadata copies
};

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_BLOCK_H_
