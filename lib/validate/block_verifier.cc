#include "lib/validate/block_verifier.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "lib/policy/signature_set.h"
#include "lib/wire/hashes.h"
#include "lib/wire/parse_error.h"
#include "lib/wire/well_formed.h"

namespace fabric::validate {
namespace {

constexpr absl::string_view kBlockValidationPolicy = "/Channel/Orderer/BlockValidation";

// common::ORDERER_TRANSACTION, deprecated in the protos but still honoured by Fabric 2.5.
constexpr int kOrdererTransaction = 4;

bool ParseView(absl::string_view bytes, google::protobuf::Message* m) {
  return m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

// Why the first entry yields no channel id, or "" if it does.
std::string ChannelIdProblem(const wire::ParsedBlock& block) {
  if (block.num_transactions() == 0) return "failed to retrieve channel id - block is empty";
  const wire::TxView& tx = block.tx(0);
  if (tx.has_channel_header()) return "";
  switch (tx.defect) {
    case wire::TxDefect::kEnvelope:
      return absl::StrCat("error unmarshalling Envelope: ", tx.error.message());
    case wire::TxDefect::kPayload:
      return absl::StrCat("error unmarshalling Payload: ", tx.error.message());
    case wire::TxDefect::kMissingHeader:
      return "failed to retrieve channel id - payload header is empty";
    default:
      return absl::StrCat("error unmarshalling ChannelHeader: ", tx.error.message());
  }
}

// Step 3: the channel id of the first envelope is the config's.
absl::Status CheckChannel(const wire::ParsedBlock& block, absl::string_view channel) {
  const std::string problem = ChannelIdProblem(block);
  if (!problem.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("Failed getting channel id from block with id [%d] on channel [%s]: [%s]",
                        block.number(), channel, problem));
  }
  const std::string& got = block.tx(0).channel_header.channel_id();
  if (got != channel) {
    return absl::InvalidArgumentError(
        absl::StrFormat("Invalid block's channel id. Expected [%s]. Given [%s]", channel, got));
  }
  return absl::OkStatus();
}

// Step 4: the SIGNATURES slot as a common.Metadata.
absl::StatusOr<common::Metadata> ReadSignatures(const wire::ParsedBlock& block,
                                                absl::string_view channel) {
  if (block.block().metadata().metadata_size() == 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Block with id [%d] on channel [%s] does not have metadata. Block not valid.",
        block.number(), channel));
  }
  common::Metadata md;
  const absl::string_view slot = block.metadata(common::SIGNATURES);
  if (!ParseView(slot, &md)) {
    // "medatata" is Fabric's spelling; kept so that logs read the same.
    return absl::InvalidArgumentError(absl::StrCat(
        "Failed unmarshalling medatata for signatures [error unmarshalling metadata at index "
        "[SIGNATURES]: ",
        wire::DescribeParseFailure(slot, *common::Metadata::descriptor()), "]"));
  }
  return md;
}

// Fabric 2.5 exempts from the re-marshal check a block of one entry whose channel header
// says CONFIG or ORDERER_TRANSACTION (protoutil.IsConfigBlock); wire's check exempts
// CONFIG only, so the wider exemption is decided here.
bool ExemptFromWellFormedCheck(const wire::ParsedBlock& block) {
  if (block.num_transactions() != 1 || !block.tx(0).has_channel_header()) return false;
  const int type = block.tx(0).type();
  return type == common::CONFIG || type == kOrdererTransaction;
}

// Step 7: the orderer signatures against the BlockValidation policy.
absl::Status CheckOrdererSignatures(const wire::ParsedBlock& block,
                                    const channelconfig::ChannelConfig& config,
                                    const common::Metadata& md) {
  // Fabric looks the policy up before reading the signature headers; a missing policy
  // rejects every block ("no such policy").
  absl::StatusOr<const policy::Policy*> policy = config.policies().Get(kBlockValidationPolicy);
  const std::string header_der = wire::BlockHeaderDer(block.header());
  std::vector<policy::SignedData> signed_data;
  signed_data.reserve(md.signatures_size());
  for (const common::MetadataSignature& ms : md.signatures()) {
    common::SignatureHeader sh;
    if (!sh.ParseFromString(ms.signature_header())) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "Failed unmarshalling signature header for block with id [%d] on channel [%s]: "
          "[error unmarshalling SignatureHeader: %s]",
          block.number(), config.channel_id(),
          wire::DescribeParseFailure(ms.signature_header(),
                                     *common::SignatureHeader::descriptor())));
    }
    signed_data.push_back(
        policy::SignedData{absl::StrCat(md.value(), ms.signature_header(), header_der),
                           std::move(*sh.mutable_creator()), ms.signature()});
  }
  if (!policy.ok()) return absl::PermissionDeniedError(policy.status().message());
  policy::SignatureSet signers(std::move(signed_data), config.shared_msps());
  return (*policy)->Evaluate(signers);
}

// Whether a serialized common.Block has a header field (1), from its top-level fields
// only: kMalformed when those do not walk to the end. Read before parsing (Parse takes
// the bytes), to give a block without a header Fabric's own message.
enum class HeaderField { kPresent, kAbsent, kMalformed };

HeaderField FindHeaderField(absl::string_view bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  bool present = false;
  while (uint32_t tag = in.ReadTag()) {
    if (google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag) == 1) present = true;
    if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag)) {
      return HeaderField::kMalformed;
    }
  }
  if (!in.ConsumedEntireMessage() || in.CurrentPosition() != static_cast<int>(bytes.size())) {
    return HeaderField::kMalformed;
  }
  return present ? HeaderField::kPresent : HeaderField::kAbsent;
}

}  // namespace

absl::Status VerifyBlock(const wire::ParsedBlock& block, const channelconfig::ChannelConfig& config,
                         uint64_t expected_number, absl::string_view expected_previous_hash) {
  const std::string& channel = config.channel_id();
  if (block.number() != expected_number) {
    // Fabric's gossip only checks the number against the one the message claims; the
    // ledger's own check, at commit, words it this way.
    return absl::FailedPreconditionError(absl::StrFormat(
        "expected block number=%d, received block number=%d", expected_number, block.number()));
  }
  if (absl::Status s = CheckChannel(block, channel); !s.ok()) return s;
  absl::StatusOr<common::Metadata> md = ReadSignatures(block, channel);
  if (!md.ok()) return md.status();
  if (!ExemptFromWellFormedCheck(block)) {
    absl::Status s = wire::CheckEnvelopesWellFormed(block.block().data());
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("block has malformed transactions: ", s.message()));
    }
  }
  if (block.computed_data_hash() != block.data_hash()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "Header.DataHash is different from Hash(block.Data) for block with id [%d] on "
        "channel [%s]",
        block.number(), channel));
  }
  if (absl::Status s = CheckOrdererSignatures(block, config, *md); !s.ok()) return s;
  if (block.previous_hash() != expected_previous_hash) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "unexpected Previous block hash. Expected PreviousHash = [%s], PreviousHash referred "
        "in the latest block= [%s]",
        absl::BytesToHexString(expected_previous_hash),
        absl::BytesToHexString(block.previous_hash())));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> ParseAndVerifyBlock(
    std::string bytes, const channelconfig::ChannelConfig& config, uint64_t expected_number,
    absl::string_view expected_previous_hash) {
  const HeaderField header = FindHeaderField(bytes);
  absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> block =
      wire::ParsedBlock::Parse(std::move(bytes));
  if (!block.ok()) {
    if (header == HeaderField::kAbsent) {
      return absl::InvalidArgumentError(
          absl::StrFormat("Invalid Block on channel [%s]. Header must be different from nil.",
                          config.channel_id()));
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "Invalid Block on channel [%s]: %s", config.channel_id(), block.status().message()));
  }
  absl::Status s = VerifyBlock(**block, config, expected_number, expected_previous_hash);
  if (!s.ok()) return s;
  return block;
}

}  // namespace fabric::validate
