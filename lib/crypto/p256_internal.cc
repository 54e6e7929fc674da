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
        !ToLimbs(tmp.get(), c->p_minus_n) || !BN_sub(tmp.get(), p.get(), BN_value_one()) ||
        !BN_sub(tmp.get(), tmp.get(), BN_value_one()) || !ToLimbs(tmp.get(), c->p_minus_2)) {
      return c;
    }
    c->ok = true;
    return c;
  }();
  return *curve;
}


void FieldInverse(uint64_t out[4], const uint64_t a[4]) {
  const Curve& c = P256();
  alignas(32) uint64_t acc[4];
  std::memcpy(acc, c.one_mont, sizeof acc);
  for (int bit = 255; bit >= 0; --bit) {
    ecp_nistz256_sqr_mont(acc, acc);
    if ((c.p_minus_2[bit / 64] >> (bit % 64)) & 1) ecp_nistz256_mul_mont(acc, acc, a);
  }
  std::memcpy(out, acc, sizeof acc);
}

void Recode(const uint64_t scalar[4], Digits* d) {
  uint8_t s[33];
  std::memcpy(s, scalar, 32);
  s[32] = 0;
  for (size_t i = 0; i < P256KeyTable::kWindows; ++i) {
    unsigned w;
    if (i == 0) {
      w = (s[0] << 1) & 0xff;
    } else {
      size_t bit = 7 * i - 1;
      w = ((s[bit / 8] | (s[bit / 8 + 1] << 8)) >> (bit % 8)) & 0xff;
    }
    bool neg = (w & 0x80) != 0;
    unsigned m = neg ? 0xff - w : w;
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
