// The identity layer against what Fabric decided for the conformance blocks: every
// creator, endorser and orderer signature in them, checked with MSPs built from the
// channel configuration in force (genesis, then config block 17), compared with the
// recorded validation codes and block verification verdicts.
//
// A signature "passes" when its signer deserializes, validates and verifies the signed
// bytes. Fabric's codes say more than that (other checks come first or also fail), so
// the comparisons are the ones the codes imply:
// - BAD_CREATOR_SIGNATURE: the creator fails (except for the wrong-channel case, which
//   Fabric reports with the same code);
// - VALID or a code decided after the creator check: the creator passes;
// - VALID: every endorsement passes;
// - a block VerifyBlock accepted: some orderer signature passes, by an OrdererMSP member;
//   one refused by the BlockValidation policy: none does.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "lib/identity/msp_manager.h"
#include "lib/identity/testing/fixtures.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "nlohmann/json.hpp"

namespace fabric::identity {
namespace {

using ::fabric::identity::testing::ManagerFromBlock;
using ::fabric::identity::testing::Read;
using ::fabric::identity::testing::Vector;

constexpr uint64_t kCrlConfigBlock = 17;

absl::Status CheckSignature(const MspManager& mgr, const std::string& signer,
                            const std::string& data, const std::string& signature) {
  absl::StatusOr<std::shared_ptr<const Identity>> id = mgr.Deserialize(signer);
  if (!id.ok()) return id.status();
  if (absl::Status st = mgr.Validate(**id); !st.ok()) return st;
  return (*id)->Verify(data, signature);
}

// Some signature in the block's SIGNATURES metadata is by a valid OrdererMSP member
// and covers the metadata value, its signature header and the block header.
absl::Status CheckOrdererSignature(const MspManager& mgr, const wire::ParsedBlock& block) {
  common::Metadata md;
  if (!md.ParseFromString(std::string(block.metadata(common::SIGNATURES)))) {
    return absl::InvalidArgumentError("SIGNATURES metadata does not parse");
  }
  common::MSPRole role;
  role.set_msp_identifier("OrdererMSP");
  role.set_role(common::MSPRole::MEMBER);
  common::MSPPrincipal member;
  member.set_principal(role.SerializeAsString());
  absl::Status last = absl::NotFoundError("no signature");
  for (const common::MetadataSignature& s : md.signatures()) {
    common::SignatureHeader header;
    if (!header.ParseFromString(s.signature_header())) continue;
    std::string data =
        absl::StrCat(md.value(), s.signature_header(), wire::BlockHeaderDer(block.header()));
    last = CheckSignature(mgr, header.creator(), data, s.signature());
    if (!last.ok()) continue;
    absl::StatusOr<std::shared_ptr<const Identity>> id = mgr.Deserialize(header.creator());
    last = mgr.SatisfiesPrincipal(**id, member);
    if (last.ok()) return last;
  }
  return last;
}

bool DecidedAfterCreatorCheck(const std::string& code) {
  for (const char* earlier : {"NIL_ENVELOPE", "BAD_PAYLOAD", "BAD_COMMON_HEADER",
                              "BAD_CHANNEL_HEADER", "TARGET_CHAIN_NOT_FOUND", "UNKNOWN_TX_TYPE",
                              "INVALID_OTHER_REASON", "BAD_CREATOR_SIGNATURE"}) {
    if (code == earlier) return false;
  }
  return true;
}

bool ExpectsBadEndorser(const std::string& label) {
  for (const char* l :
       {"epf_endorsement_signature_invalid", "epf_endorsement_signature_high_s",
        "epf_revoked_endorser", "epf_endorser_from_unknown_ca", "epf_endorser_unknown_msp"}) {
    if (label == l) return true;
  }
  return false;
}

std::shared_ptr<const wire::ParsedBlock> Block(const std::string& path) {
  absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> b = wire::ParsedBlock::Parse(Read(path));
  EXPECT_TRUE(b.ok()) << path << ": " << b.status();
  return b.ok() ? *b : nullptr;
}

TEST(IdentityConformanceTest, SignaturesInTheConformanceBlocks) {
  auto genesis = ManagerFromBlock(Vector("genesis.block"));
  auto after_crl = ManagerFromBlock(Vector("blocks/000017.block"));
  ASSERT_TRUE(genesis.ok() && after_crl.ok());
  nlohmann::json expected = nlohmann::json::parse(Read(Vector("expected.json")));
  int creators = 0, endorsements = 0, blocks = 0;
  for (const auto& b : expected["blocks"]) {
    uint64_t number = b["number"].get<uint64_t>();
    const MspManager& mgr = number > kCrlConfigBlock ? **after_crl : **genesis;
    std::shared_ptr<const wire::ParsedBlock> block = Block(Vector(absl::StrCat(
        "blocks/", std::string(6 - std::to_string(number).size(), '0'), number, ".block")));
    ASSERT_NE(block, nullptr);
    if (b["mcs_verify_block"]["accepted"].get<bool>()) {
      EXPECT_TRUE(CheckOrdererSignature(mgr, *block).ok()) << "block " << number;
      ++blocks;
    }
    for (const auto& t : b["txs"]) {
      const std::string label = t["label"], code = t["validator_code"];
      const wire::TxView& tx = block->tx(t["index"].get<int>());
      if (!tx.has_headers() || label == "wrong_channel_id") continue;
      absl::Status creator = CheckSignature(mgr, tx.signature_header.creator(),
                                            tx.envelope.payload(), tx.envelope.signature());
      if (code == "BAD_CREATOR_SIGNATURE") {
        EXPECT_FALSE(creator.ok()) << number << "/" << label;
        ++creators;
      } else if (DecidedAfterCreatorCheck(code)) {
        EXPECT_TRUE(creator.ok()) << number << "/" << label << ": " << creator;
        ++creators;
      }
      if (code != "VALID" && !ExpectsBadEndorser(label)) continue;
      bool all_pass = true;
      for (const wire::ActionView& action : tx.actions) {
        const auto& cea = action.payload.action();
        for (const protos::Endorsement& e : cea.endorsements()) {
          absl::Status st = CheckSignature(
              mgr, e.endorser(), cea.proposal_response_payload() + e.endorser(), e.signature());
          all_pass &= st.ok();
          ++endorsements;
        }
      }
      EXPECT_EQ(all_pass, code == "VALID") << number << "/" << label;
    }
  }
  // The comparisons above did happen.
  EXPECT_GT(creators, 100);
  EXPECT_GT(endorsements, 100);
  EXPECT_GT(blocks, 15);
}

TEST(IdentityConformanceTest, OrdererSignaturesOfTamperedBlocks) {
  auto genesis = ManagerFromBlock(Vector("genesis.block"));
  ASSERT_TRUE(genesis.ok());
  nlohmann::json verdicts = nlohmann::json::parse(Read(Vector("block_verification.json")));
  int compared = 0;
  for (const auto& r : verdicts["results"]) {
    const bool accepted = r["mcs_verify_block"]["accepted"].get<bool>();
    const std::string error = accepted ? "" : r["mcs_verify_block"]["error"].get<std::string>();
    // Only verdicts about the signatures (not the header or data hash).
    if (!accepted && !absl::StrContains(error, "policy evaluation failed")) continue;
    std::shared_ptr<const wire::ParsedBlock> block = Block(Vector(r["file"].get<std::string>()));
    ASSERT_NE(block, nullptr);
    absl::Status st = CheckOrdererSignature(**genesis, *block);
    EXPECT_EQ(st.ok(), accepted) << r["name"] << ": " << st;
    ++compared;
  }
  EXPECT_GT(compared, 10);
}

}  // namespace
}  // namespace fabric::identity
