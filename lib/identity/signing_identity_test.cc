#include "lib/identity/signing_identity.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/nid.h>

#include <string>

#include "gtest/gtest.h"
#include "lib/identity/ecdsa.h"
#include "lib/identity/internal/der.h"
#include "lib/identity/msp_manager.h"
#include "lib/identity/testing/fixtures.h"

namespace fabric::identity {
namespace {

using ::fabric::identity::testing::Find;
using ::fabric::identity::testing::ManagerFromBlock;
using ::fabric::identity::testing::Read;
using ::fabric::identity::testing::Serialize;
using ::fabric::identity::testing::TestIdentity;
using ::fabric::identity::testing::Vector;

std::unique_ptr<SigningIdentity> Signer(const TestIdentity& t) {
  absl::StatusOr<std::unique_ptr<SigningIdentity>> s =
      SigningIdentity::FromMspDir(t.mspid, t.msp_dir);
  EXPECT_TRUE(s.ok()) << t.name << ": " << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

// The signature with s replaced by n - s (P-256): the same signature, high-S.
std::string HighS(const std::string& sig) {
  absl::StatusOr<internal::EcdsaSignature> parsed = internal::ParseEcdsaSignature(sig);
  EXPECT_TRUE(parsed.ok());
  bssl::UniquePtr<EC_GROUP> p256(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  BN_sub(parsed->s.get(), EC_GROUP_get0_order(p256.get()), parsed->s.get());
  return *internal::MarshalEcdsaSignature(parsed->r.get(), parsed->s.get());
}

TEST(SigningIdentityTest, SerializesAsTheBlocksDo) {
  // The conformance blocks carry creators as SerializedIdentity{mspid, signcert file}.
  TestIdentity user = Find("User1@org1.example.com");
  std::unique_ptr<SigningIdentity> signer = Signer(user);
  ASSERT_NE(signer, nullptr);
  EXPECT_EQ(signer->mspid(), "Org1MSP");
  EXPECT_EQ(signer->cert_pem(), user.cert_pem);
  EXPECT_EQ(signer->serialized(), Serialize("Org1MSP", user.cert_pem));
  std::string block = Read(Vector("blocks/000003.block"));
  EXPECT_NE(block.find(signer->serialized()), std::string::npos);
}

TEST(SigningIdentityTest, SignaturesVerifyWithTheDeserializedIdentity) {
  absl::StatusOr<std::shared_ptr<const MspManager>> mgr = ManagerFromBlock(Vector("genesis.block"));
  ASSERT_TRUE(mgr.ok()) << mgr.status();
  bssl::UniquePtr<EC_GROUP> p256(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  for (const char* name : {"User1@org1.example.com", "peer0.org2.example.com",
                           "Admin@org3.example.com", "orderer0.example.com"}) {
    std::unique_ptr<SigningIdentity> signer = Signer(Find(name));
    ASSERT_NE(signer, nullptr);
    auto id = (*mgr)->Deserialize(signer->serialized());
    ASSERT_TRUE(id.ok()) << id.status();
    for (int i = 0; i < 16; ++i) {
      std::string data = std::string("payload ") + name + std::to_string(i);
      absl::StatusOr<std::string> sig = signer->Sign(data);
      ASSERT_TRUE(sig.ok());
      EXPECT_TRUE(IsLowS(p256.get(), *sig));
      EXPECT_TRUE((*id)->Verify(data, *sig).ok()) << name;
      // Tampered data, tampered signature, the high-S twin: all refused.
      EXPECT_EQ((*id)->Verify(data + "x", *sig).code(), absl::StatusCode::kPermissionDenied);
      std::string bad = *sig;
      bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 1);
      EXPECT_FALSE((*id)->Verify(data, bad).ok());
      absl::Status high = (*id)->Verify(data, HighS(*sig));
      EXPECT_EQ(high.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(std::string(high.message()).find("Invalid S"), std::string::npos);
    }
  }
  // Someone else's signature.
  std::unique_ptr<SigningIdentity> u1 = Signer(Find("User1@org1.example.com"));
  auto u2 = (*mgr)->Deserialize(Signer(Find("User2@org1.example.com"))->serialized());
  ASSERT_TRUE(u2.ok());
  EXPECT_FALSE((*u2)->Verify("m", *u1->Sign("m")).ok());
}

TEST(SigningIdentityTest, BadMaterialIsAnError) {
  TestIdentity user = Find("User1@org1.example.com");
  TestIdentity other = Find("User2@org1.example.com");
  std::string key = Read(user.msp_dir + "/keystore/priv_sk");
  std::string other_key = Read(other.msp_dir + "/keystore/priv_sk");
  EXPECT_TRUE(SigningIdentity::FromPem("Org1MSP", user.cert_pem, key).ok());
  EXPECT_FALSE(SigningIdentity::FromPem("Org1MSP", user.cert_pem, other_key).ok());
  EXPECT_FALSE(SigningIdentity::FromPem("Org1MSP", "", key).ok());
  EXPECT_FALSE(SigningIdentity::FromPem("Org1MSP", user.cert_pem, "").ok());
  EXPECT_FALSE(SigningIdentity::FromPem("Org1MSP", user.cert_pem, user.cert_pem).ok());
  EXPECT_FALSE(SigningIdentity::FromMspDir("Org1MSP", "/nonexistent").ok());
}

}  // namespace
}  // namespace fabric::identity
