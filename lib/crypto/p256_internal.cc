#include "lib/crypto/p256_internal.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/nid.h>

#include <cstring>

namespace fabric::crypto::internal {

#if defined(FABRIC_P256_ASM)

bool ToLimbs(const BIGNUM* bn, uint64_t out[4]) {
  if (BN_is_negative(bn) || BN_num_bytes(bn) > 32) return false;
  uint8_t le[32];
  if (!BN_bn2le_padded(le, sizeof le, bn)) return false;
  std::memcpy(out, le, sizeof le);  // x86-64 and aarch64 are little-endian
  return true;
}

namespace {

bool Mod2To512(const BIGNUM* m, uint64_t out[4], BN_CTX* ctx) {
  bssl::UniquePtr<BIGNUM> r(BN_new());
  return r && BN_set_bit(r.get(), 512) && BN_mod(r.get(), r.get(), m, ctx) &&
         ToLimbs(r.get(), out);
}

}  // namespace

const Curve& P256() {
  static const Curve* curve = [] {
    auto* c = new Curve();
    CRYPTO_library_init();  // BoringSSL's CPU capabilities, read by its assembly
    c->group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
    bssl::UniquePtr<BIGNUM> p(BN_new()), tmp(BN_new());
    if (c->group == nullptr || ctx == nullptr || p == nullptr || tmp == nullptr ||
        !EC_GROUP_get_curve_GFp(c->group, p.get(), nullptr, nullptr, ctx.get()) ||
        !ToLimbs(p.get(), c->p) || !ToLimbs(EC_GROUP_get0_order(c->group), c->n) ||
        !Mod2To512(p.get(), c->rr_p, ctx.get()) ||
        !Mod2To512(EC_GROUP_get0_order(c->group), c->rr_n, ctx.get()) ||
        !BN_set_bit(tmp.get(), 256) || !BN_mod(tmp.get(), tmp.get(), p.get(), ctx.get()) ||
        !ToLimbs(tmp.get(), c->one_mont) ||
        !BN_sub(tmp.get(), p.get(), EC_GROUP_get0_order(c->group)) ||
        !ToLimbs(tmp.get(), c->p_minus_n)) {
      return c;
    }
    c->ok = true;
    return c;
  }();
  return *curve;
}


namespace {

// a^(2^k) * b: k squarings, then a multiplication.
void SquareTimes(uint64_t acc[4], int k, const uint64_t b[4]) {
  for (int i = 0; i < k; ++i) ecp_nistz256_sqr_mont(acc, acc);
  ecp_nistz256_mul_mont(acc, acc, b);
}

}  // namespace

void FieldInverse(uint64_t out[4], const uint64_t a[4]) {
  // a^(p-2), with p - 2 = 2^256 - 2^224 + 2^192 + 2^96 - 3: in bits from the top, 32
  // ones, 31 zeros, a one, 96 zeros, 94 ones, a zero, a one. From x_k = a^(2^k - 1)
  // (k ones), 255 squarings and 13 multiplications.
  alignas(32) uint64_t x2[4], x4[4], x8[4], x16[4], x32[4], acc[4];
  std::memcpy(x2, a, sizeof x2);
  SquareTimes(x2, 1, a);  // x_k^(2^k) * x_k = x_2k
  std::memcpy(x4, x2, sizeof x4);
  SquareTimes(x4, 2, x2);
  std::memcpy(x8, x4, sizeof x8);
  SquareTimes(x8, 4, x4);
  std::memcpy(x16, x8, sizeof x16);
  SquareTimes(x16, 8, x8);
  std::memcpy(x32, x16, sizeof x32);
  SquareTimes(x32, 16, x16);
  std::memcpy(acc, x32, sizeof acc);  // 32 ones
  SquareTimes(acc, 32, a);            // 31 zeros, a one
  for (int i = 0; i < 96; ++i) ecp_nistz256_sqr_mont(acc, acc);  // 96 zeros
  SquareTimes(acc, 32, x32);          // 94 ones: 32 + 32 + 16 + 8 + 4 + 2
  SquareTimes(acc, 32, x32);
  SquareTimes(acc, 16, x16);
  SquareTimes(acc, 8, x8);
  SquareTimes(acc, 4, x4);
  SquareTimes(acc, 2, x2);
  SquareTimes(acc, 2, a);  // a zero, a one
  std::memcpy(out, acc, sizeof acc);
}

void Recode(const uint64_t scalar[4], Digits* d) {
  constexpr unsigned kBits = P256KeyTable::kWindowBits;
  constexpr unsigned kMask = (1u << (kBits + 1)) - 1;  // a digit's bits and the one below
  uint8_t s[34];
  std::memcpy(s, scalar, 32);
  s[32] = s[33] = 0;
  for (size_t i = 0; i < P256KeyTable::kWindows; ++i) {
    unsigned w;
    if (i == 0) {
      w = (s[0] << 1) & kMask;
    } else {
      const size_t bit = kBits * i - 1;
      w = ((s[bit / 8] | (s[bit / 8 + 1] << 8) | (s[bit / 8 + 2] << 16)) >> (bit % 8)) & kMask;
    }
    const bool neg = (w >> kBits) & 1;
    const unsigned m = neg ? kMask - w : w;
    d->magnitude[i] = static_cast<uint8_t>((m >> 1) + (m & 1));
    d->negative[i] = neg;
  }
}

void DigestToScalar(const uint8_t* digest, size_t len, uint64_t out[4]) {
  if (len > 32) len = 32;
  uint8_t le[32] = {0};
  for (size_t i = 0; i < len; ++i) le[i] = digest[len - 1 - i];
  std::memcpy(out, le, 32);
  if (!LessThan(out, P256().n)) SubInPlace(out, P256().n);
}

#endif  // FABRIC_P256_ASM

}  // namespace fabric::crypto::internal
