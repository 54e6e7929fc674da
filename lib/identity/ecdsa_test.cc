#include "lib/identity/ecdsa.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <string>

#include "gtest/gtest.h"
#include "lib/base/sha256.h"

namespace fabric::identity {
namespace {

bssl::UniquePtr<EC_KEY> NewKey(int nid = NID_X9_62_prime256v1) {
  bssl::UniquePtr<EC_KEY> key(EC_KEY_new_by_curve_name(nid));
  EXPECT_TRUE(key && EC_KEY_generate_key(key.get()));
  return key;
}

std::string Encode(const BIGNUM* r, const BIGNUM* s) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  ECDSA_SIG_set0(sig.get(), BN_dup(r), BN_dup(s));
  uint8_t* der = nullptr;
  size_t len = 0;
  EXPECT_TRUE(ECDSA_SIG_to_bytes(&der, &len, sig.get()));
  std::string out(reinterpret_cast<const char*>(der), len);
  OPENSSL_free(der);
  return out;
}

std::string Bytes(const BIGNUM* bn) {
  std::string out(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

// A positive INTEGER (short form), minimal unless `extra_zero`.
std::string Int(std::string magnitude, bool extra_zero = false) {
  if (magnitude.empty() || (static_cast<uint8_t>(magnitude[0]) & 0x80))
    magnitude.insert(0, 1, '\0');
  if (extra_zero) magnitude.insert(0, 1, '\0');
  return std::string(1, '\x02') + static_cast<char>(magnitude.size()) + magnitude;
}

std::string Seq(const std::string& body) {
  return std::string(1, '\x30') + static_cast<char>(body.size()) + body;
}

// (r, s) of a DER signature.
std::pair<bssl::UniquePtr<BIGNUM>, bssl::UniquePtr<BIGNUM>> Decode(const std::string& der) {
  bssl::UniquePtr<ECDSA_SIG> sig(
      ECDSA_SIG_from_bytes(reinterpret_cast<const uint8_t*>(der.data()), der.size()));
  EXPECT_NE(sig, nullptr);
  return {bssl::UniquePtr<BIGNUM>(BN_dup(ECDSA_SIG_get0_r(sig.get()))),
          bssl::UniquePtr<BIGNUM>(BN_dup(ECDSA_SIG_get0_s(sig.get())))};
}

// The same signature with s replaced by n - s.
std::string Flip(const EC_KEY* key, const std::string& der) {
  auto [r, s] = Decode(der);
  BN_sub(s.get(), EC_GROUP_get0_order(EC_KEY_get0_group(key)), s.get());
  return Encode(r.get(), s.get());
}

TEST(EcdsaTest, SignsLowSAndVerifies) {
  bssl::UniquePtr<EC_KEY> key = NewKey();
  for (int i = 0; i < 64; ++i) {
    std::string msg = "message " + std::to_string(i);
    absl::StatusOr<std::string> sig = SignEcdsaSha256(key.get(), msg);
    ASSERT_TRUE(sig.ok()) << sig.status();
    EXPECT_TRUE(IsLowS(EC_KEY_get0_group(key.get()), *sig));
    EXPECT_TRUE(VerifyEcdsaSha256(key.get(), msg, *sig).ok());
    EXPECT_EQ(VerifyEcdsaSha256(key.get(), msg + "!", *sig).code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(EcdsaTest, HighSIsRejectedAndNormalized) {
  bssl::UniquePtr<EC_KEY> key = NewKey();
  absl::StatusOr<std::string> sig = SignEcdsaSha256(key.get(), "hello");
  ASSERT_TRUE(sig.ok());
  std::string high = Flip(key.get(), *sig);
  // Mathematically valid, refused by Fabric's rule.
  bssl::UniquePtr<ECDSA_SIG> raw(
      ECDSA_SIG_from_bytes(reinterpret_cast<const uint8_t*>(high.data()), high.size()));
  std::string digest = Sha256("hello");
  EXPECT_EQ(ECDSA_do_verify(reinterpret_cast<const uint8_t*>(digest.data()), digest.size(),
                            raw.get(), key.get()),
            1);
  absl::Status st = VerifyEcdsaSha256(key.get(), "hello", high);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(st.message()).find("Invalid S"), std::string::npos);
  EXPECT_FALSE(IsLowS(EC_KEY_get0_group(key.get()), high));

  absl::StatusOr<std::string> low = ToLowS(high);
  ASSERT_TRUE(low.ok());
  EXPECT_EQ(*low, *sig);
  EXPECT_EQ(*ToLowS(*sig), *sig);
}

TEST(EcdsaTest, OtherCurves) {
  for (int nid : {NID_secp224r1, NID_secp384r1, NID_secp521r1}) {
    bssl::UniquePtr<EC_KEY> key = NewKey(nid);
    absl::StatusOr<std::string> sig = SignEcdsaSha256(key.get(), "x");
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(VerifyEcdsaSha256(key.get(), "x", *sig).ok()) << nid;
    EXPECT_FALSE(VerifyEcdsaSha256(key.get(), "x", Flip(key.get(), *sig)).ok()) << nid;
  }
}

TEST(EcdsaTest, ParsesSignaturesLikeGo) {
  bssl::UniquePtr<EC_KEY> key = NewKey();
  std::string sig = *SignEcdsaSha256(key.get(), "m");
  // Go's asn1.Unmarshal ignores bytes after the SEQUENCE, and elements after s inside it.
  EXPECT_TRUE(VerifyEcdsaSha256(key.get(), "m", sig + "trailing").ok());
  std::string extra = sig;
  extra[1] = static_cast<char>(extra[1] + 3);
  extra += std::string("\x05\x01\x00", 3);
  EXPECT_TRUE(VerifyEcdsaSha256(key.get(), "m", extra).ok());

  // Non-minimal integer: a redundant leading zero before r.
  auto [r, s] = Decode(sig);
  std::string bad = Seq(Int(Bytes(r.get()), /*extra_zero=*/true) + Int(Bytes(s.get())));
  EXPECT_EQ(VerifyEcdsaSha256(key.get(), "m", bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      VerifyEcdsaSha256(key.get(), "m", Seq(Int(Bytes(r.get())) + Int(Bytes(s.get())))).ok());

  // Zero or negative components, wrong tags, truncation, non-minimal length.
  bssl::UniquePtr<BIGNUM> zero(BN_new());
  EXPECT_FALSE(VerifyEcdsaSha256(key.get(), "m", Encode(zero.get(), s.get())).ok());
  const std::string bad_inputs[] = {
      "",
      std::string("\x30\x00", 2),
      std::string("\x30\x06\x02\x01\xff\x02\x01\x01", 8),           // r = -1
      std::string("\x31\x06\x02\x01\x01\x02\x01\x01", 8),           // SET
      std::string("\x30\x06\x02\x01\x01\x04\x01\x01", 8),           // s not an INTEGER
      std::string("\x30\x81\x06\x02\x01\x01\x02\x01\x01", 9),       // long form for a short length
      std::string("\x30\x80\x02\x01\x01\x02\x01\x01\x00\x00", 10),  // indefinite length
      sig.substr(0, sig.size() - 1),
  };
  for (const std::string& in : bad_inputs) {
    EXPECT_EQ(VerifyEcdsaSha256(key.get(), "m", in).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(ToLowS(in).ok());
  }
  // Parses, but r or s out of range: simply invalid.
  EXPECT_FALSE(
      VerifyEcdsaSha256(key.get(), "m", std::string("\x30\x06\x02\x01\x01\x02\x01\x01", 8)).ok());
}

TEST(EcdsaTest, RejectsMissingKeys) {
  EXPECT_FALSE(VerifyEcdsaSha256(nullptr, "m", "").ok());
  EXPECT_FALSE(SignEcdsaSha256(nullptr, "m").ok());
  bssl::UniquePtr<EC_KEY> pub(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  EXPECT_FALSE(SignEcdsaSha256(pub.get(), "m").ok());
}

}  // namespace
}  // namespace fabric::identity
