// What the P-256 code of this package shares: BoringSSL's x86-64 nistz256 routines,
// the curve's constants, 256-bit helpers and the signed-digit recoding of scalars for
// the windows of P256KeyTable. Not for use outside lib/crypto.
#ifndef FABRIC_LIB_CRYPTO_P256_INTERNAL_H_
#define FABRIC_LIB_CRYPTO_P256_INTERNAL_H_

#include <openssl/base.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "lib/crypto/p256_key_table.h"

#if defined(__x86_64__) && !defined(OPENSSL_NO_ASM) && !defined(OPENSSL_SMALL)
#define FABRIC_P256_ASM 1
#endif

namespace fabric::crypto {

// Gives the package's P-256 code the table's rows.
struct P256Access {
  using Affine = P256KeyTable::Affine;
  // The multiples of window i.
  static Affine* Row(P256KeyTable& t, size_t i) { return t.rows_[i]; }
  static const Affine* Row(const P256KeyTable& t, size_t i) { return t.rows_[i]; }
  static std::unique_ptr<P256KeyTable> New() {
    return std::unique_ptr<P256KeyTable>(new P256KeyTable());
  }
  static void SetPoint(P256KeyTable& t, std::string p) { t.point_ = std::move(p); }
};

#if defined(FABRIC_P256_ASM)

namespace internal {

using Affine = P256Access::Affine;

// A point in Jacobian coordinates, Montgomery form: the layout of BoringSSL's
// P256_POINT. (Its P256_POINT_AFFINE is the layout of P256KeyTable::Affine.)
struct Jacobian {
  uint64_t x[4];
  uint64_t y[4];
  uint64_t z[4];
};

inline bool IsZero(const uint64_t a[4]) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

// a < b, as 256-bit numbers.
inline bool LessThan(const uint64_t a[4], const uint64_t b[4]) {
  for (int i = 3; i >= 0; --i) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

// a -= b; the borrow out.
inline uint64_t SubInPlace(uint64_t a[4], const uint64_t b[4]) {
  unsigned __int128 borrow = 0;
  for (int i = 0; i < 4; ++i) {
    unsigned __int128 d = static_cast<unsigned __int128>(a[i]) - b[i] - borrow;
    a[i] = static_cast<uint64_t>(d);
    borrow = (d >> 64) & 1;
  }
  return static_cast<uint64_t>(borrow);
}

// a + b, with no carry out (the callers' sums stay below 2^256).
inline void Add(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
  unsigned __int128 carry = 0;
  for (int i = 0; i < 4; ++i) {
    unsigned __int128 s = static_cast<unsigned __int128>(a[i]) + b[i] + carry;
    out[i] = static_cast<uint64_t>(s);
    carry = s >> 64;
  }
}

// The curve's constants, read from BoringSSL's group once.
struct Curve {
  const EC_GROUP* group = nullptr;
  uint64_t p[4] = {}, n[4] = {};
  uint64_t rr_p[4] = {};       // 2^512 mod p: into the field's Montgomery form
  uint64_t rr_n[4] = {};       // 2^512 mod n: into the order's Montgomery form
  uint64_t one_mont[4] = {};   // 2^256 mod p: one in Montgomery form
  uint64_t p_minus_n[4] = {};  // r + n is another candidate x when r < p - n
  bool ok = false;
};

const Curve& P256();

// A BIGNUM below 2^256 as little-endian limbs; false if it is negative or larger.
bool ToLimbs(const BIGNUM* bn, uint64_t out[4]);

// BoringSSL's x86-64 nistz256 routines (crypto/fipsmodule/ec/asm/p256-x86_64-asm.pl,
// p256_beeu-x86_64-asm.pl), linked from the static //third_party:boringssl_crypto.
// Field elements are fully reduced, in Montgomery form (a*2^256 mod p).
extern "C" {
void ecp_nistz256_neg(uint64_t res[4], const uint64_t a[4]);
void ecp_nistz256_mul_mont(uint64_t res[4], const uint64_t a[4], const uint64_t b[4]);
void ecp_nistz256_sqr_mont(uint64_t res[4], const uint64_t a[4]);
// a*b*2^-256 mod n.
void ecp_nistz256_ord_mul_mont(uint64_t res[4], const uint64_t a[4], const uint64_t b[4]);
// a^-1 mod m (plain form) for 0 < a < m, m odd; 1 on success.
int beeu_mod_inverse_vartime(uint64_t out[4], const uint64_t a[4], const uint64_t m[4]);
// Doubling and addition; point_add also handles equal and opposite inputs.
void ecp_nistz256_point_double(Jacobian* r, const Jacobian* a);
void ecp_nistz256_point_add(Jacobian* r, const Jacobian* a, const Jacobian* b);
// r = a + b for an affine b; wrong when a and b are the same finite point.
void ecp_nistz256_point_add_affine(Jacobian* r, const Jacobian* a, const Affine* b);
}

// a^(p-2) = a^-1 mod p, in Montgomery form (a != 0): 255 squarings, 13 multiplications.
void FieldInverse(uint64_t out[4], const uint64_t a[4]);

// The signed digits of a scalar below 2^256 for the table's windows of k =
// kWindowBits bits (Booth's recoding, as BoringSSL does it for its tables): digit i
// reads bits ki-1 .. ki+k-1, and the scalar is the sum of sign_i * magnitude_i *
// 2^(ki), magnitude in 0..2^(k-1).
struct Digits {
  uint8_t magnitude[P256KeyTable::kWindows];
  bool negative[P256KeyTable::kWindows];
};

void Recode(const uint64_t scalar[4], Digits* d);

// The digest as a scalar, as ECDSA does it: its leftmost 256 bits, reduced mod n.
void DigestToScalar(const uint8_t* digest, size_t len, uint64_t out[4]);

}  // namespace internal

#endif  // FABRIC_P256_ASM

}  // namespace fabric::crypto

#endif  // FABRIC_LIB_CRYPTO_P256_INTERNAL_H_
