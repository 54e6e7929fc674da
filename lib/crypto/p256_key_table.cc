#include "lib/crypto/p256_key_table.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/nid.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/status.h"
#include "lib/crypto/p256_internal.h"

namespace fabric::crypto {
namespace {

bool IsP256(const EC_KEY* key) {
  const EC_GROUP* g = key != nullptr ? EC_KEY_get0_group(key) : nullptr;
  return g != nullptr && EC_GROUP_get_curve_name(g) == NID_X9_62_prime256v1;
}

}  // namespace

std::string P256PointOf(const EC_KEY* key) {
  if (!IsP256(key) || EC_KEY_get0_public_key(key) == nullptr) return "";
  uint8_t buf[65];
  size_t len = EC_POINT_point2oct(EC_KEY_get0_group(key), EC_KEY_get0_public_key(key),
                                  POINT_CONVERSION_UNCOMPRESSED, buf, sizeof buf, nullptr);
  if (len != sizeof buf) return "";
  return std::string(reinterpret_cast<const char*>(buf), len);
}

#if defined(FABRIC_P256_ASM)

using internal::Affine;
using internal::Jacobian;
using internal::Curve;
using internal::P256;
using internal::IsZero;
using internal::LessThan;
using internal::Add;
using internal::ToLimbs;
using internal::FieldInverse;
using internal::Digits;
using internal::Recode;
using internal::DigestToScalar;
using internal::ecp_nistz256_neg;
using internal::ecp_nistz256_mul_mont;
using internal::ecp_nistz256_sqr_mont;
using internal::ecp_nistz256_ord_mul_mont;
using internal::beeu_mod_inverse_vartime;
using internal::ecp_nistz256_point_double;
using internal::ecp_nistz256_point_add;
using internal::ecp_nistz256_point_add_affine;

bool P256TablesAvailable() {
  static const bool available = __builtin_cpu_supports("avx") && P256().ok;
  return available;
}

namespace {

// Fills `t` with (j+1) * 2^(ki) * P (k = kWindowBits) for the affine point P = (x, y)
// (plain form).
void FillRows(P256KeyTable& t, const uint64_t x[4], const uint64_t y[4]) {
  const Curve& c = P256();
  constexpr size_t kW = P256KeyTable::kWindows, kP = P256KeyTable::kPointsPerWindow;
  std::vector<Jacobian> points(kW * kP);
  alignas(32) Jacobian base;
  ecp_nistz256_mul_mont(base.x, x, c.rr_p);
  ecp_nistz256_mul_mont(base.y, y, c.rr_p);
  std::memcpy(base.z, c.one_mont, sizeof base.z);
  for (size_t i = 0; i < kW; ++i) {
    Jacobian* row = &points[i * kP];
    row[0] = base;
    ecp_nistz256_point_double(&row[1], &base);
    // j*B + B with 2 <= j+1 <= 128 never meets an equal or opposite point: the order
    // is a prime far above 129.
    for (size_t j = 2; j < kP; ++j) ecp_nistz256_point_add(&row[j], &row[j - 1], &base);
    ecp_nistz256_point_double(&base, &row[kP - 1]);  // 2 * kP * B = 2^k * B
  }
  // To affine with one inversion (Montgomery's trick). No Z is zero: no multiple
  // (j+1) * 2^(ki) with j < kP, i < kW is a multiple of the prime order.
  std::vector<std::array<uint64_t, 4>> prefix(points.size());
  std::memcpy(prefix[0].data(), points[0].z, 32);
  for (size_t k = 1; k < points.size(); ++k) {
    ecp_nistz256_mul_mont(prefix[k].data(), prefix[k - 1].data(), points[k].z);
  }
  alignas(32) uint64_t inv[4], zinv[4], zinv2[4], zinv3[4];
  FieldInverse(inv, prefix.back().data());
  for (size_t k = points.size(); k-- > 0;) {
    if (k > 0) {
      ecp_nistz256_mul_mont(zinv, inv, prefix[k - 1].data());
      ecp_nistz256_mul_mont(inv, inv, points[k].z);
    } else {
      std::memcpy(zinv, inv, sizeof zinv);
    }
    ecp_nistz256_sqr_mont(zinv2, zinv);
    ecp_nistz256_mul_mont(zinv3, zinv2, zinv);
    Affine& out = P256Access::Row(t, k / kP)[k % kP];
    ecp_nistz256_mul_mont(out.x, points[k].x, zinv2);
    ecp_nistz256_mul_mont(out.y, points[k].y, zinv3);
  }
}

// The table entries a scalar's digits pick, with their signs: 0 to kWindows of them.
struct Picks {
  const Affine* entry[P256KeyTable::kWindows];
  bool negative[P256KeyTable::kWindows];
  size_t count = 0;
};

// Picks the entries of `d` from `table`, and asks the CPU to load them: they are 64
// scattered bytes each in 264 KiB, mostly out of cache, and loading all of both
// scalars' entries at once overlaps the misses instead of paying them one by one.
void Pick(const P256KeyTable& table, const Digits& d, Picks* p) {
  for (size_t i = 0; i < P256KeyTable::kWindows; ++i) {
    if (d.magnitude[i] == 0) continue;
    const Affine* e = &P256Access::Row(table, i)[d.magnitude[i] - 1];
    __builtin_prefetch(e);
    p->entry[p->count] = e;
    p->negative[p->count] = d.negative[i];
    ++p->count;
  }
}

// acc += the picked entries. False if an addition met two equal or opposite finite
// points, which point_add_affine does not handle (its result has Z = 0 then).
bool AddPicks(Jacobian* acc, bool* acc_infinite, const Picks& p) {
  const Curve& c = P256();
  alignas(32) Affine t;
  for (size_t k = 0; k < p.count; ++k) {
    t = *p.entry[k];
    if (p.negative[k]) ecp_nistz256_neg(t.y, t.y);
    if (*acc_infinite) {
      std::memcpy(acc->x, t.x, 32);
      std::memcpy(acc->y, t.y, 32);
      std::memcpy(acc->z, c.one_mont, 32);
      *acc_infinite = false;
      continue;
    }
    ecp_nistz256_point_add_affine(acc, acc, &t);
    if (IsZero(acc->z)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<const P256KeyTable>> P256KeyTable::Build(const EC_KEY* key) {
  if (!P256TablesAvailable()) {
    return absl::UnimplementedError("P-256 tables need x86-64 with AVX");
  }
  std::string point = P256PointOf(key);
  if (point.empty()) return absl::InvalidArgumentError("not a P-256 public key");
  uint64_t x[4], y[4];
  uint8_t le[32];
  for (int i = 0; i < 32; ++i) le[i] = static_cast<uint8_t>(point[32 - i]);
  std::memcpy(x, le, 32);
  for (int i = 0; i < 32; ++i) le[i] = static_cast<uint8_t>(point[64 - i]);
  std::memcpy(y, le, 32);
  std::unique_ptr<P256KeyTable> t = P256Access::New();
  FillRows(*t, x, y);
  P256Access::SetPoint(*t, std::move(point));
  return std::unique_ptr<const P256KeyTable>(std::move(t));
}

const P256KeyTable& P256KeyTable::Generator() {
  static const P256KeyTable* g = [] {
    const Curve& c = P256();
    bssl::UniquePtr<EC_KEY> key(EC_KEY_new());
    if (key == nullptr || !EC_KEY_set_group(key.get(), c.group) ||
        !EC_KEY_set_public_key(key.get(), EC_GROUP_get0_generator(c.group))) {
      abort();  // allocation failure at start-up
    }
    absl::StatusOr<std::unique_ptr<const P256KeyTable>> t = Build(key.get());
    return t.ok() ? t->release() : nullptr;
  }();
  if (g == nullptr) abort();  // callers check P256TablesAvailable() first
  return *g;
}

int EcdsaVerifyP256(const uint8_t* digest, size_t digest_len, const ECDSA_SIG* sig,
                    const EC_KEY* key, const P256KeyTable& table,
                    const std::array<uint64_t, 4>* s_inverse) {
  auto fallback = [&] { return ECDSA_do_verify(digest, digest_len, sig, key); };
  if (!P256TablesAvailable() || sig == nullptr) {
    return fallback();
  }
  const Curve& c = P256();
  const BIGNUM *r_bn = nullptr, *s_bn = nullptr;
  ECDSA_SIG_get0(sig, &r_bn, &s_bn);
  alignas(32) uint64_t r[4], s[4], e[4], w[4], w_mont[4], u1[4], u2[4];
  // r and s in [1, n-1], as ECDSA requires; other values are ECDSA_do_verify's to
  // refuse (with its error on the queue).
  if (r_bn == nullptr || s_bn == nullptr || !ToLimbs(r_bn, r) || !ToLimbs(s_bn, s) ||
      IsZero(r) || IsZero(s) || !LessThan(r, c.n) || !LessThan(s, c.n)) {
    return fallback();
  }
  DigestToScalar(digest, digest_len, e);
  static const uint64_t kOne[4] = {1, 0, 0, 0};
  bool inverted = false;
  if (s_inverse != nullptr && LessThan(s_inverse->data(), c.n)) {
    // Taken only if it is s's inverse: s * w * 2^256 * 2^-256 = 1.
    alignas(32) uint64_t check[4];
    std::memcpy(w, s_inverse->data(), sizeof w);
    ecp_nistz256_ord_mul_mont(w_mont, w, c.rr_n);
    ecp_nistz256_ord_mul_mont(check, s, w_mont);
    inverted = std::memcmp(check, kOne, sizeof check) == 0;
  }
  if (!inverted) {
    if (!beeu_mod_inverse_vartime(w, s, c.n)) return fallback();
    ecp_nistz256_ord_mul_mont(w_mont, w, c.rr_n);  // w * 2^256
  }
  ecp_nistz256_ord_mul_mont(u1, e, w_mont);      // e / s
  ecp_nistz256_ord_mul_mont(u2, r, w_mont);      // r / s

  Digits d1, d2;
  Recode(u1, &d1);
  Recode(u2, &d2);
  Picks g, q;
  Pick(P256KeyTable::Generator(), d1, &g);
  Pick(table, d2, &q);
  alignas(32) Jacobian acc;
  bool infinite = true;
  if (!AddPicks(&acc, &infinite, g) || !AddPicks(&acc, &infinite, q) || infinite) {
    return fallback();
  }
  // x(acc) = X / Z^2 mod p; compare X with r * Z^2, and with (r + n) * Z^2 where
  // r + n < p could also be the x that reduced to r.
  alignas(32) uint64_t z2[4], rz2[4], x[4];
  ecp_nistz256_sqr_mont(z2, acc.z);
  ecp_nistz256_mul_mont(rz2, r, z2);
  ecp_nistz256_mul_mont(x, acc.x, kOne);
  if (std::memcmp(rz2, x, sizeof x) == 0) return 1;
  if (LessThan(r, c.p_minus_n)) {
    uint64_t r_plus_n[4];
    Add(r_plus_n, r, c.n);
    ecp_nistz256_mul_mont(rz2, r_plus_n, z2);
    if (std::memcmp(rz2, x, sizeof x) == 0) return 1;
  }
  return 0;
}

bool P256ScalarInRange(const std::array<uint64_t, 4>& scalar) {
  return P256().ok && !IsZero(scalar.data()) && LessThan(scalar.data(), P256().n);
}

bool P256InvertScalars(std::vector<std::array<uint64_t, 4>>* scalars) {
  if (!P256TablesAvailable() || scalars->empty()) return scalars->empty();
  const Curve& c = P256();
  std::vector<std::array<uint64_t, 4>>& v = *scalars;
  for (const auto& x : v) {
    if (!P256ScalarInRange(x)) return false;
  }
  // In Montgomery form (x * 2^256): prefix[i] = v[0] * ... * v[i].
  std::vector<std::array<uint64_t, 4>> mont(v.size()), prefix(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    ecp_nistz256_ord_mul_mont(mont[i].data(), v[i].data(), c.rr_n);
    if (i == 0) {
      prefix[0] = mont[0];
    } else {
      ecp_nistz256_ord_mul_mont(prefix[i].data(), prefix[i - 1].data(), mont[i].data());
    }
  }
  // inv = (v[0] * ... * v[last])^-1 in Montgomery form: beeu inverts the plain value
  // of prefix (the product times 2^256), and two multiplications by 2^512 put the 2^256
  // back, once for the inverse, once for the form.
  alignas(32) uint64_t inv[4];
  if (!beeu_mod_inverse_vartime(inv, prefix.back().data(), c.n)) return false;
  ecp_nistz256_ord_mul_mont(inv, inv, c.rr_n);
  ecp_nistz256_ord_mul_mont(inv, inv, c.rr_n);
  static const uint64_t kOne[4] = {1, 0, 0, 0};
  for (size_t i = v.size(); i-- > 0;) {
    alignas(32) uint64_t w[4];
    if (i > 0) {
      ecp_nistz256_ord_mul_mont(w, inv, prefix[i - 1].data());  // v[i]^-1, Montgomery
      ecp_nistz256_ord_mul_mont(inv, inv, mont[i].data());
    } else {
      std::memcpy(w, inv, sizeof w);
    }
    ecp_nistz256_ord_mul_mont(v[i].data(), w, kOne);  // out of Montgomery form
  }
  return true;
}

#else  // no nistz256 assembly: no tables

bool P256TablesAvailable() { return false; }

absl::StatusOr<std::unique_ptr<const P256KeyTable>> P256KeyTable::Build(const EC_KEY*) {
  return absl::UnimplementedError("P-256 tables need BoringSSL's x86-64 assembly");
}

const P256KeyTable& P256KeyTable::Generator() { abort(); }

int EcdsaVerifyP256(const uint8_t* digest, size_t digest_len, const ECDSA_SIG* sig,
                    const EC_KEY* key, const P256KeyTable&, const std::array<uint64_t, 4>*) {
  return ECDSA_do_verify(digest, digest_len, sig, key);
}

bool P256ScalarInRange(const std::array<uint64_t, 4>&) { return false; }

bool P256InvertScalars(std::vector<std::array<uint64_t, 4>>* scalars) { return false; }

#endif

}  // namespace fabric::crypto
