#include "lib/wire/block.h"

#include "absl/strings/str_format.h"
#include "lib/base/status_macros.h"
#include "lib/wire/hashes.h"
#include "lib/wire/parse_error.h"

namespace fabric::wire {
namespace {

bool ParseView(absl::string_view bytes, google::protobuf::Message* m) {
  return m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ParsedBlock>> ParsedBlock::Parse(std::string bytes) {
  std::shared_ptr<ParsedBlock> b(new ParsedBlock());
  b->raw_ = std::move(bytes);
  FABRIC_RETURN_IF_ERROR(ParseMessage(b->raw_, &b->block_, "block"));
  if (!b->block_.has_header()) {
    return absl::InvalidArgumentError("block has no header");
  }
  b->header_hash_ = BlockHeaderHash(b->block_.header());
  b->computed_data_hash_ = BlockDataHash(b->block_.data());
  const auto& entries = b->block_.data().data();
  auto txs = std::make_shared<std::vector<TxView>>(entries.size());
  for (int i = 0; i < entries.size(); ++i) {
    ParseTransaction(entries[i], b->number(), i, &(*txs)[i]);
  }
  b->txs_ = std::move(txs);
  return std::shared_ptr<const ParsedBlock>(std::move(b));
}

bool ParsedBlock::IsConfigBlock() const {
  return num_transactions() == 1 && tx(0).has_channel_header() && tx(0).type() == common::CONFIG;
}

std::shared_ptr<const ParsedBlock> ParsedBlock::WithMetadata(
    absl::Span<const std::pair<int, std::string>> slots) const {
  std::shared_ptr<ParsedBlock> b(new ParsedBlock());
  b->block_ = block_;
  auto* m = b->block_.mutable_metadata()->mutable_metadata();
  for (const auto& [index, value] : slots) {
    while (m->size() <= index) m->Add();
    (*m)[index] = value;
  }
  b->raw_ = b->block_.SerializeAsString();
  b->header_hash_ = header_hash_;
  b->computed_data_hash_ = computed_data_hash_;
  b->txs_ = txs_;
  return b;
}

absl::string_view ParsedBlock::metadata(int index) const {
  const auto& m = block_.metadata().metadata();
  if (index < 0 || index >= m.size()) return {};
  return m[index];
}

absl::StatusOr<uint64_t> ParsedBlock::LastConfigIndex() const {
  common::Metadata sigs;
  common::OrdererBlockMetadata obm;
  if (ParseView(metadata(common::SIGNATURES), &sigs) && obm.ParseFromString(sigs.value()) &&
      obm.has_last_config()) {
    return obm.last_config().index();
  }
  // Fabric deprecated the LAST_CONFIG slot (its index now lives in SIGNATURES), but
  // blocks written before still carry it there.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  constexpr common::BlockMetadataIndex kLastConfigSlot = common::LAST_CONFIG;
#pragma GCC diagnostic pop
  common::Metadata lc_meta;
  common::LastConfig lc;
  if (!metadata(kLastConfigSlot).empty() &&
      ParseView(metadata(kLastConfigSlot), &lc_meta) && lc.ParseFromString(lc_meta.value())) {
    return lc.index();
  }
  return absl::InvalidArgumentError(absl::StrFormat(
      "block %d: no last config index in the SIGNATURES or LAST_CONFIG metadata", number()));
}

}  // namespace fabric::wire
