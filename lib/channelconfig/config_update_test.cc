#include "lib/channelconfig/config_update.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/identity/signing_identity.h"
#include "lib/policy/testing/signers.h"
#include "lib/testing/testdata.h"
#include "lib/wire/block.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::channelconfig {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOrg1Msp[] = "[Value]  /Channel/Application/Org1MSP/MSP";

// Block 17 of the conformance vectors adds a CRL to Org1's MSP: its update writes
// /Channel/Application/Org1MSP/MSP at version 1, pinning Application and Org1MSP at 0.
class ConfigUpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto genesis = policy::LoadGenesisConfig();
    ASSERT_TRUE(genesis.ok()) << genesis.status();
    genesis_config_ = *genesis;
    auto current = ChannelConfig::FromConfig(genesis_config_, "mychannel");
    ASSERT_TRUE(current.ok()) << current.status();
    current_ = *current;

    auto bytes = testing::ReadFile(testing::ConformanceDir() + "/blocks/000017.block");
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    auto block = wire::ParsedBlock::Parse(*bytes);
    ASSERT_TRUE(block.ok()) << block.status();
    ASSERT_TRUE((*block)->tx(0).ok()) << (*block)->tx(0).error;
    envelope_ = (*block)->tx(0).config_envelope;

    common::Payload payload;
    ASSERT_TRUE(payload.ParseFromString(envelope_.last_update().payload()));
    common::ConfigUpdateEnvelope update_envelope;
    ASSERT_TRUE(update_envelope.ParseFromString(payload.data()));
    ASSERT_TRUE(update_.ParseFromString(update_envelope.config_update()));
  }

  // A user of org `org` (1-3), e.g. Signer(1, "Admin") for Admin@org1.example.com.
  static std::unique_ptr<identity::SigningIdentity> Signer(int org, const std::string& user) {
    const std::string domain = absl::StrCat("org", org, ".example.com");
    auto signer = policy::LoadSigner(
        absl::StrCat("Org", org, "MSP"),
        absl::StrCat("peerOrganizations/", domain, "/users/", user, "@", domain));
    EXPECT_TRUE(signer.ok()) << signer.status();
    return signer.ok() ? *std::move(signer) : nullptr;
  }

  // A CONFIG_UPDATE envelope carrying `update`, signed by `signers`.
  static common::Envelope Seal(const common::ConfigUpdate& update,
                               const std::vector<const identity::SigningIdentity*>& signers) {
    common::ConfigUpdateEnvelope update_envelope;
    update_envelope.set_config_update(update.SerializeAsString());
    for (const identity::SigningIdentity* signer : signers) {
      common::SignatureHeader header;
      header.set_creator(signer->serialized());
      header.set_nonce("nonce-" + signer->mspid());
      common::ConfigSignature* signature = update_envelope.add_signatures();
      signature->set_signature_header(header.SerializeAsString());
      auto sig = signer->Sign(signature->signature_header() + update_envelope.config_update());
      EXPECT_TRUE(sig.ok()) << sig.status();
      signature->set_signature(sig.ok() ? *sig : "");
    }
    common::ChannelHeader channel_header;
    channel_header.set_type(common::CONFIG_UPDATE);
    channel_header.set_channel_id(update.channel_id());
    common::Payload payload;
    payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
    payload.set_data(update_envelope.SerializeAsString());
    common::Envelope envelope;
    envelope.set_payload(payload.SerializeAsString());
    return envelope;
  }

  // Block 17's envelope with its last update replaced.
  common::ConfigEnvelope Resealed(const common::ConfigUpdate& update,
                                  const std::vector<const identity::SigningIdentity*>& signers) {
    common::ConfigEnvelope out = envelope_;
    *out.mutable_last_update() = Seal(update, signers);
    return out;
  }

  // The current config at the next sequence, with `edit` applied to its channel group.
  template <typename Edit>
  common::ConfigEnvelope NextConfig(const common::Envelope& last_update, Edit edit) {
    common::ConfigEnvelope out;
    *out.mutable_config() = genesis_config_;
    out.mutable_config()->set_sequence(genesis_config_.sequence() + 1);
    edit(out.mutable_config()->mutable_channel_group());
    *out.mutable_last_update() = last_update;
    return out;
  }

  // A ChannelConfig of the genesis config with `edit` applied to its channel group.
  template <typename Edit>
  std::shared_ptr<const ChannelConfig> EditedCurrent(Edit edit) {
    common::Config config = genesis_config_;
    edit(config.mutable_channel_group());
    auto out = ChannelConfig::FromConfig(config, "mychannel");
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : nullptr;
  }

  static common::ConfigGroup* Org(common::ConfigGroup* root, const std::string& mspid) {
    return &root->mutable_groups()->at("Application").mutable_groups()->at(mspid);
  }
  common::ConfigValue* WrittenMsp(common::ConfigUpdate* update) {
    return &Org(update->mutable_write_set(), "Org1MSP")->mutable_values()->at("MSP");
  }

  common::Config genesis_config_;
  std::shared_ptr<const ChannelConfig> current_;
  common::ConfigEnvelope envelope_;
  common::ConfigUpdate update_;
};

void ExpectError(const absl::Status& status, absl::StatusCode code, const std::string& text) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(text));
}

TEST_F(ConfigUpdateTest, AcceptsTheCrlUpdateOfBlock17) {
  EXPECT_TRUE(ValidateConfigEnvelope(*current_, envelope_).ok())
      << ValidateConfigEnvelope(*current_, envelope_);
}

TEST_F(ConfigUpdateTest, AcceptsTheUpdateResignedByOrg1Admin) {
  auto admin = Signer(1, "Admin");
  ASSERT_NE(admin, nullptr);
  absl::Status s = ValidateConfigEnvelope(*current_, Resealed(update_, {admin.get()}));
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(ConfigUpdateTest, RejectsWrongSequence) {
  for (uint64_t sequence : {uint64_t{0}, uint64_t{2}}) {
    common::ConfigEnvelope envelope = envelope_;
    envelope.mutable_config()->set_sequence(sequence);
    EXPECT_EQ(ValidateConfigEnvelope(*current_, envelope).message(),
              absl::StrCat("config currently at sequence 0, cannot validate config at sequence ",
                           sequence));
  }
  common::ConfigEnvelope envelope = envelope_;
  envelope.clear_config();
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              "config envelope has nil config");
}

TEST_F(ConfigUpdateTest, RejectsAConfigTheUpdateDoesNotProduce) {
  const std::string kMismatch = "ConfigEnvelope LastUpdate did not produce the supplied config";
  // Another element changed as well.
  common::ConfigEnvelope envelope = envelope_;
  Org(envelope.mutable_config()->mutable_channel_group(), "Org2MSP")
      ->mutable_values()
      ->at("AnchorPeers")
      .set_value("tampered");
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              kMismatch);
  // The CRL left out: the unchanged config at the next sequence.
  envelope = NextConfig(envelope_.last_update(), [](common::ConfigGroup*) {});
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              kMismatch);
  // A version not bumped, an extra element, no channel group.
  envelope = envelope_;
  Org(envelope.mutable_config()->mutable_channel_group(), "Org1MSP")
      ->mutable_values()
      ->at("MSP")
      .set_version(0);
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              kMismatch);
  envelope = envelope_;
  (*Org(envelope.mutable_config()->mutable_channel_group(), "Org1MSP")->mutable_values())["X"];
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              kMismatch);
  envelope = envelope_;
  envelope.mutable_config()->clear_channel_group();
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              kMismatch);
}

TEST_F(ConfigUpdateTest, RejectsSignersThatDoNotSatisfyTheModPolicy) {
  // Org1's MSP value is guarded by Org1's Admins: OR(Org1MSP.admin).
  auto user = Signer(1, "User1");
  auto other_admin = Signer(2, "Admin");
  ASSERT_NE(user, nullptr);
  ASSERT_NE(other_admin, nullptr);
  for (const auto& signers : std::vector<std::vector<const identity::SigningIdentity*>>{
           {}, {user.get()}, {other_admin.get()}, {user.get(), other_admin.get()}}) {
    absl::Status s = ValidateConfigEnvelope(*current_, Resealed(update_, signers));
    ExpectError(s, absl::StatusCode::kPermissionDenied,
                absl::StrCat("error validating DeltaSet: policy for ", kOrg1Msp, " not satisfied"));
  }
  // A signature over other bytes does not count.
  auto admin = Signer(1, "Admin");
  ASSERT_NE(admin, nullptr);
  common::ConfigEnvelope envelope = Resealed(update_, {admin.get()});
  common::ConfigUpdate other = update_;
  other.mutable_isolated_data()->insert({"x", "y"});
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(envelope.last_update().payload()));
  common::ConfigUpdateEnvelope update_envelope;
  ASSERT_TRUE(update_envelope.ParseFromString(payload.data()));
  update_envelope.set_config_update(other.SerializeAsString());
  payload.set_data(update_envelope.SerializeAsString());
  envelope.mutable_last_update()->set_payload(payload.SerializeAsString());
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kPermissionDenied,
              "not satisfied");
}

TEST_F(ConfigUpdateTest, RejectsReadSetVersionMismatch) {
  auto admin = Signer(1, "Admin");
  ASSERT_NE(admin, nullptr);
  common::ConfigUpdate update = update_;
  Org(update.mutable_read_set(), "Org1MSP")->set_version(1);
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            "error validating ReadSet: proposed update requires that key [Group]  "
            "/Channel/Application/Org1MSP be at version 1, but it is currently at version 0");

  update = update_;
  (*update.mutable_read_set()->mutable_groups()->at("Application").mutable_groups())["Org9MSP"];
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            "error validating ReadSet: existing config does not contain element for [Group]  "
            "/Channel/Application/Org9MSP but was in the read set");
}

TEST_F(ConfigUpdateTest, RejectsAnUpdateForAnotherChannel) {
  auto admin = Signer(1, "Admin");
  ASSERT_NE(admin, nullptr);
  common::ConfigUpdate update = update_;
  update.set_channel_id("otherchannel");
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            "ConfigUpdate for channel 'otherchannel' but envelope for channel 'mychannel'");
}

TEST_F(ConfigUpdateTest, RejectsGarbageLastUpdate) {
  auto check = [&](const common::Envelope& last_update, const std::string& prefix) {
    common::ConfigEnvelope envelope = envelope_;
    *envelope.mutable_last_update() = last_update;
    absl::Status s = ValidateConfigEnvelope(*current_, envelope);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), StartsWith(prefix));
  };
  common::Envelope envelope;
  envelope.set_payload("\xff\xff garbage");
  check(envelope, "error unmarshalling Payload");
  envelope.set_payload("");
  check(envelope, "envelope must have a Header");

  common::Payload payload;
  payload.mutable_header()->set_channel_header("\x0a\x05");
  envelope.set_payload(payload.SerializeAsString());
  check(envelope, "error unmarshalling ChannelHeader");

  common::ChannelHeader channel_header;
  channel_header.set_type(common::ENDORSER_TRANSACTION);
  payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  envelope.set_payload(payload.SerializeAsString());
  check(envelope, "invalid type ENDORSER_TRANSACTION, expected CONFIG_UPDATE");
  channel_header.set_type(77);
  payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  envelope.set_payload(payload.SerializeAsString());
  check(envelope, "invalid type 77, expected CONFIG_UPDATE");

  channel_header.set_type(common::CONFIG_UPDATE);
  payload.mutable_header()->set_channel_header(channel_header.SerializeAsString());
  payload.set_data("\x12\x09short");
  envelope.set_payload(payload.SerializeAsString());
  check(envelope, "error unmarshalling message for type CONFIG_UPDATE");

  common::ConfigUpdateEnvelope update_envelope;
  update_envelope.set_config_update("\x1a\xff");
  payload.set_data(update_envelope.SerializeAsString());
  envelope.set_payload(payload.SerializeAsString());
  check(envelope, "error unmarshalling ConfigUpdate");

  common::ConfigEnvelope no_update = envelope_;
  no_update.clear_last_update();
  ExpectError(ValidateConfigEnvelope(*current_, no_update), absl::StatusCode::kInvalidArgument,
              "config envelope has nil last update");
}

TEST_F(ConfigUpdateTest, RejectsBadSignatureHeaders) {
  common::ConfigEnvelope envelope = Resealed(update_, {});
  common::Payload payload;
  ASSERT_TRUE(payload.ParseFromString(envelope.last_update().payload()));
  common::ConfigUpdateEnvelope update_envelope;
  ASSERT_TRUE(update_envelope.ParseFromString(payload.data()));
  update_envelope.add_signatures()->set_signature_header("\x0a\x63");
  payload.set_data(update_envelope.SerializeAsString());
  envelope.mutable_last_update()->set_payload(payload.SerializeAsString());
  ExpectError(ValidateConfigEnvelope(*current_, envelope), absl::StatusCode::kInvalidArgument,
              "error unmarshalling SignatureHeader");
}

TEST_F(ConfigUpdateTest, RejectsWrongVersionsInTheWriteSet) {
  auto admin = Signer(1, "Admin");
  ASSERT_NE(admin, nullptr);
  common::ConfigUpdate update = update_;
  WrittenMsp(&update)->set_version(2);
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            absl::StrCat("error validating DeltaSet: attempt to set key ", kOrg1Msp,
                         " to version 2, but key is at version 0"));

  // Written at version 0 but absent from the read set: in the delta, one version short.
  update = update_;
  WrittenMsp(&update)->set_version(0);
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            absl::StrCat("error validating DeltaSet: attempt to set key ", kOrg1Msp,
                         " to version 0, but key is at version 0"));

  update = update_;
  common::ConfigValue& added = (*Org(update.mutable_write_set(), "Org1MSP")->mutable_values())["X"];
  added.set_version(1);
  added.set_mod_policy("Admins");
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            "error validating DeltaSet: attempted to set key [Value]  "
            "/Channel/Application/Org1MSP/X to version 1, but key does not exist");
}

TEST_F(ConfigUpdateTest, RejectsAnUpdateThatChangesNothing) {
  common::ConfigUpdate update = update_;
  *update.mutable_write_set() = update.read_set();
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {})).message(),
            "error validating DeltaSet: delta set was empty -- update would have no effect");
  update.clear_write_set();
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {})).message(),
            "error validating DeltaSet: delta set was empty -- update would have no effect");
}

TEST_F(ConfigUpdateTest, RejectsBadNamesAndModPolicies) {
  auto admin = Signer(1, "Admin");
  ASSERT_NE(admin, nullptr);
  const std::string invalid =
      absl::StrCat("error validating DeltaSet: invalid mod_policy for element ", kOrg1Msp, ": ");
  common::ConfigUpdate update = update_;
  WrittenMsp(&update)->set_mod_policy("");
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            invalid + "mod_policy not set");
  WrittenMsp(&update)->set_mod_policy("/Channel/../Admins");
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            invalid + "path element at 1 is invalid: name '..' for config ID is not allowed");
  WrittenMsp(&update)->set_mod_policy("Admins//x");
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            invalid + "path element at 1 is invalid: config ID illegal, cannot be empty");

  update = update_;
  (*Org(update.mutable_write_set(), "Org1MSP")->mutable_policies())["bad name"];
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            "error mapping WriteSet: illegal characters in key: [Policy] : config ID 'bad name' "
            "contains illegal characters");
  update = update_;
  (*update.mutable_read_set()->mutable_groups())[std::string(250, 'a')];
  EXPECT_EQ(ValidateConfigEnvelope(*current_, Resealed(update, {admin.get()})).message(),
            "error mapping ReadSet: illegal characters in key: [Group]  : config ID illegal, "
            "cannot be longer than 249");
}

// Deleting an org: Application is written at version 1 naming only Org1MSP and Org2MSP
// (and its own values and policies, pinned by the read set). Application's mod_policy
// "Admins" is relative to Application: MAJORITY of the org Admins, i.e. 2 of 3.
TEST_F(ConfigUpdateTest, DeletesAnOrgWithAMajorityOfOrgAdmins) {
  common::ConfigUpdate update;
  update.set_channel_id("mychannel");
  const common::ConfigGroup& application =
      genesis_config_.channel_group().groups().at("Application");
  common::ConfigGroup* read = &(*update.mutable_read_set()->mutable_groups())["Application"];
  for (const auto& [name, unused] : application.values()) (*read->mutable_values())[name];
  for (const auto& [name, unused] : application.policies()) (*read->mutable_policies())[name];
  for (const char* org : {"Org1MSP", "Org2MSP"}) (*read->mutable_groups())[org];
  common::ConfigGroup* write = &(*update.mutable_write_set()->mutable_groups())["Application"];
  *write = *read;
  write->set_version(1);
  write->set_mod_policy("Admins");

  auto org1 = Signer(1, "Admin");
  auto org2 = Signer(2, "Admin");
  ASSERT_NE(org1, nullptr);
  ASSERT_NE(org2, nullptr);
  auto without_org3 = [](common::ConfigGroup* root) {
    common::ConfigGroup& app = root->mutable_groups()->at("Application");
    app.mutable_groups()->erase("Org3MSP");
    app.set_version(1);
  };
  absl::Status s = ValidateConfigEnvelope(
      *current_, NextConfig(Seal(update, {org1.get(), org2.get()}), without_org3));
  EXPECT_TRUE(s.ok()) << s;

  // One org's admin is not a majority; the root's Admins would not do either.
  ExpectError(
      ValidateConfigEnvelope(*current_, NextConfig(Seal(update, {org1.get()}), without_org3)),
      absl::StatusCode::kPermissionDenied,
      "policy for [Group]  /Channel/Application not satisfied");
  // Org3 is gone from the result, so a config that keeps it is not the result.
  ExpectError(ValidateConfigEnvelope(
                  *current_, NextConfig(Seal(update, {org1.get(), org2.get()}),
                                        [](common::ConfigGroup* root) {
                                          root->mutable_groups()->at("Application").set_version(1);
                                        })),
              absl::StatusCode::kInvalidArgument, "did not produce the supplied config");
}

// A new element is checked for version 0 only; whether it lands in the config depends
// on its group being rewritten. Written under an unchanged group, it is unreachable: the
// result is the current config, and nobody's signature was needed.
TEST_F(ConfigUpdateTest, ANewElementUnderAnUnchangedGroupIsDropped) {
  common::ConfigUpdate update = update_;
  common::ConfigGroup* org1 = Org(update.mutable_write_set(), "Org1MSP");
  org1->mutable_values()->clear();
  common::ConfigValue& added = (*org1->mutable_values())["X"];
  added.set_mod_policy("Admins");
  absl::Status s =
      ValidateConfigEnvelope(*current_, NextConfig(Seal(update, {}), [](common::ConfigGroup*) {}));
  EXPECT_TRUE(s.ok()) << s;
}

TEST_F(ConfigUpdateTest, AbsoluteModPolicyResolvesFromTheRoot) {
  auto current = EditedCurrent([](common::ConfigGroup* root) {
    Org(root, "Org1MSP")
        ->mutable_values()
        ->at("MSP")
        .set_mod_policy("/Channel/Application/Org2MSP/Admins");
  });
  ASSERT_NE(current, nullptr);
  ExpectError(ValidateConfigEnvelope(*current, envelope_), absl::StatusCode::kPermissionDenied,
              absl::StrCat("policy for ", kOrg1Msp, " not satisfied"));
  auto org2 = Signer(2, "Admin");
  ASSERT_NE(org2, nullptr);
  absl::Status s = ValidateConfigEnvelope(*current, Resealed(update_, {org2.get()}));
  EXPECT_TRUE(s.ok()) << s;

  // A relative name resolves under the element's group: Org1MSP has no Org2MSP inside.
  current = EditedCurrent([](common::ConfigGroup* root) {
    Org(root, "Org1MSP")->mutable_values()->at("MSP").set_mod_policy("Org2MSP/Admins");
  });
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(ValidateConfigEnvelope(*current, envelope_).message(),
            absl::StrCat("error validating DeltaSet: unexpected missing policy Org2MSP/Admins "
                         "for item ",
                         kOrg1Msp));
}

// Channels made by Fabric v1.0 may hold elements with no mod_policy. Such an element
// cannot be changed; with orderer capabilities present, every empty mod_policy of the
// resulting config reads "Admins".
TEST_F(ConfigUpdateTest, EmptyModPolicies) {
  auto current = EditedCurrent([](common::ConfigGroup* root) {
    Org(root, "Org1MSP")->mutable_values()->at("MSP").set_mod_policy("");
  });
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(
      ValidateConfigEnvelope(*current, envelope_).message(),
      absl::StrCat("error validating DeltaSet: unexpected missing policy  for item ", kOrg1Msp));

  auto clear_org2 = [](common::ConfigGroup* root) {
    common::ConfigGroup* org2 = Org(root, "Org2MSP");
    org2->set_mod_policy("");
    org2->mutable_policies()->at("Readers").set_mod_policy("");
    org2->mutable_values()->at("MSP").set_mod_policy("");
  };
  current = EditedCurrent(clear_org2);
  ASSERT_NE(current, nullptr);
  absl::Status s = ValidateConfigEnvelope(*current, envelope_);  // its config says "Admins"
  EXPECT_TRUE(s.ok()) << s;
  common::ConfigEnvelope unrepaired = envelope_;
  clear_org2(unrepaired.mutable_config()->mutable_channel_group());
  ExpectError(ValidateConfigEnvelope(*current, unrepaired), absl::StatusCode::kInvalidArgument,
              "did not produce the supplied config");
}

}  // namespace
}  // namespace fabric::channelconfig
