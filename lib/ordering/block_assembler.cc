// Batches cut as Fabric's blockcutter cuts them (orderer/common/blockcutter), and blocks
// written as its block writer writes them (orderer/common/multichannel/blockwriter.go):
// header chained on the previous header's DER hash, LAST_CONFIG, then SIGNATURES.
#include "lib/ordering/block_assembler.h"

#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/nonce.h"
#include "lib/base/status_macros.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::ordering {
namespace {

// The nonce length of an orderer's signature header (protoutil.CreateNonce).

// The LAST_CONFIG metadata slot (common.BlockMetadataIndex LAST_CONFIG, deprecated in the
// proto but still written by Fabric 2.5's orderer for older peers).
constexpr int kLastConfigSlot = 1;

// An envelope as the orderer took it in: its bytes as Fabric re-marshals them, the size
// the cutter counts (payload + signature) and whether it is a config transaction.
struct Incoming {
  std::string bytes;
  size_t size = 0;
  bool is_config = false;
};

absl::StatusOr<Incoming> ReadEnvelope(absl::string_view bytes, absl::string_view channel_id) {
  common::Envelope envelope;
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      !envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("envelope does not parse as a common.Envelope");
  }
  common::Payload payload;
  if (!payload.ParseFromString(envelope.payload())) {
    return absl::InvalidArgumentError("envelope payload does not parse as a common.Payload");
  }
  if (!payload.has_header()) {
    return absl::InvalidArgumentError("envelope payload has no header");
  }
  common::ChannelHeader channel_header;
  if (!channel_header.ParseFromString(payload.header().channel_header())) {
    return absl::InvalidArgumentError("envelope channel header does not parse");
  }
  if (channel_header.channel_id() != channel_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "envelope is for channel '", channel_header.channel_id(), "', not '", channel_id, "'"));
  }
  Incoming in;
  in.size = envelope.payload().size() + envelope.signature().size();
  in.is_config = channel_header.type() == common::CONFIG;
  in.bytes = envelope.SerializeAsString();
  return in;
}

// Metadata{value = LastConfig{index}}: the deprecated LAST_CONFIG slot.
std::string LastConfigMetadata(uint64_t index) {
  common::LastConfig last_config;
  last_config.set_index(index);
  common::Metadata metadata;
  metadata.set_value(last_config.SerializeAsString());
  return metadata.SerializeAsString();
}

// The SIGNATURES slot: OrdererBlockMetadata{last config, no consenter metadata} signed
// by `orderer` together with its signature header and the block header's DER.
absl::StatusOr<std::string> SignaturesMetadata(const common::BlockHeader& header,
                                               uint64_t last_config,
                                               const identity::SigningIdentity& orderer) {
  common::OrdererBlockMetadata orderer_metadata;
  orderer_metadata.mutable_last_config()->set_index(last_config);
  // Fabric stores Metadata{value = consenter metadata}; with none, that marshals to
  // nothing and the field is absent.
  common::Metadata metadata;
  metadata.set_value(orderer_metadata.SerializeAsString());

  common::SignatureHeader signature_header;
  signature_header.set_creator(orderer.serialized());
  FABRIC_ASSIGN_OR_RETURN(*signature_header.mutable_nonce(), fabric::RandomNonce());
  common::MetadataSignature* signature = metadata.add_signatures();
  signature->set_signature_header(signature_header.SerializeAsString());
  FABRIC_ASSIGN_OR_RETURN(*signature->mutable_signature(),
                          orderer.Sign(absl::StrCat(metadata.value(), signature->signature_header(),
                                                    wire::BlockHeaderDer(header))));
  return metadata.SerializeAsString();
}

}  // namespace

absl::StatusOr<std::unique_ptr<BlockAssembler>> BlockAssembler::Create(
    absl::string_view last_block, std::shared_ptr<const identity::SigningIdentity> orderer,
    const BatchOptions& options) {
  if (orderer == nullptr) return absl::InvalidArgumentError("no orderer identity to sign with");
  if (options.max_message_count == 0) {
    return absl::InvalidArgumentError("max_message_count must be greater than 0");
  }
  if (options.preferred_max_bytes == 0) {
    return absl::InvalidArgumentError("preferred_max_bytes must be greater than 0");
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("batch timeout must be greater than 0");
  }
  auto parsed = wire::ParsedBlock::Parse(std::string(last_block));
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("last block does not parse: ", parsed.status().message()));
  }
  const wire::ParsedBlock& block = **parsed;
  if (block.num_transactions() == 0 || !block.tx(0).has_channel_header()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "block ", block.number(), " has no channel header to take the channel id from"));
  }
  uint64_t last_config = block.number();
  if (!block.IsConfigBlock()) {
    FABRIC_ASSIGN_OR_RETURN(last_config, block.LastConfigIndex());
  }

  std::unique_ptr<BlockAssembler> a(new BlockAssembler());
  a->orderer_ = std::move(orderer);
  a->options_ = options;
  a->channel_id_ = block.tx(0).channel_header.channel_id();
  a->next_number_ = block.number() + 1;
  a->previous_hash_ = block.header_hash();
  a->last_config_ = last_config;
  return a;
}

BlockAssembler::~BlockAssembler() = default;

absl::StatusOr<std::vector<std::string>> BlockAssembler::Add(std::string envelope) {
  FABRIC_ASSIGN_OR_RETURN(Incoming in, ReadEnvelope(envelope, channel_id_));
  std::vector<std::string> blocks;
  // A config transaction, or a message larger than a batch should be, goes alone into
  // a block of its own, after what is pending.
  if (in.is_config || in.size > options_.preferred_max_bytes) {
    // Both blocks are made before the batch is let go: if the second cannot be signed,
    // the chain goes back to where the caller saw it and the batch stays pending.
    const uint64_t number = next_number_;
    const std::string previous_hash = previous_hash_;
    const uint64_t last_config = last_config_;
    if (!pending_.empty()) {
      FABRIC_ASSIGN_OR_RETURN(std::string block, MakeBlock(pending_, /*is_config=*/false));
      blocks.push_back(std::move(block));
    }
    std::vector<std::string> alone;
    alone.push_back(std::move(in.bytes));
    absl::StatusOr<std::string> block = MakeBlock(std::move(alone), in.is_config);
    if (!block.ok()) {
      next_number_ = number;
      previous_hash_ = previous_hash;
      last_config_ = last_config;
      return block.status();
    }
    blocks.push_back(*std::move(block));
    pending_.clear();
    pending_bytes_ = 0;
    pending_since_ = absl::Time();
    return blocks;
  }
  // A message that would take the pending batch past the preferred size cuts it first.
  if (pending_bytes_ + in.size > options_.preferred_max_bytes) {
    FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> pending, Cut());
    if (pending) blocks.push_back(*std::move(pending));
  }
  if (pending_.empty()) pending_since_ = absl::Now();
  pending_.push_back(std::move(in.bytes));
  pending_bytes_ += in.size;
  if (pending_.size() >= options_.max_message_count) {
    FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> full, Cut());
    if (full) blocks.push_back(*std::move(full));
  }
  return blocks;
}

absl::StatusOr<std::optional<std::string>> BlockAssembler::Tick(absl::Time now) {
  if (pending_.empty() || now - pending_since_ < options_.timeout) return std::nullopt;
  return Cut();
}

absl::StatusOr<std::optional<std::string>> BlockAssembler::Cut() {
  if (pending_.empty()) return std::nullopt;
  // MakeBlock gets a copy so that the batch stays pending if the block cannot be signed.
  FABRIC_ASSIGN_OR_RETURN(std::string block, MakeBlock(pending_, /*is_config=*/false));
  pending_.clear();
  pending_bytes_ = 0;
  pending_since_ = absl::Time();
  return block;
}

absl::StatusOr<std::string> BlockAssembler::MakeBlock(std::vector<std::string> envelopes,
                                                      bool is_config) {
  const uint64_t number = next_number_;
  const uint64_t last_config = is_config ? number : last_config_;

  common::Block block;
  common::BlockHeader* header = block.mutable_header();
  header->set_number(number);
  header->set_previous_hash(previous_hash_);
  common::BlockData* data = block.mutable_data();
  for (std::string& e : envelopes) data->add_data(std::move(e));
  header->set_data_hash(wire::BlockDataHash(*data));

  // Every slot Fabric knows, empty unless the orderer fills it.
  auto* slots = block.mutable_metadata()->mutable_metadata();
  for (int i = 0; i < common::BlockMetadataIndex_ARRAYSIZE; ++i) slots->Add();
  (*slots)[kLastConfigSlot] = LastConfigMetadata(last_config);
  FABRIC_ASSIGN_OR_RETURN((*slots)[common::SIGNATURES],
                          SignaturesMetadata(*header, last_config, *orderer_));

  previous_hash_ = wire::BlockHeaderHash(*header);
  next_number_ = number + 1;
  last_config_ = last_config;
  return block.SerializeAsString();
}

}  // namespace fabric::ordering
