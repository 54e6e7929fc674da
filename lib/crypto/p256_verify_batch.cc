#include "lib/crypto/p256_verify_batch.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "lib/crypto/p256_internal.h"

#if defined(FABRIC_P256_ASM)
#include <x86intrin.h>
#endif

namespace fabric::crypto {
namespace {

thread_local P256VerifyBatch* current_batch = nullptr;
thread_local size_t current_tag = 0;

}  // namespace

P256VerifyBatch* P256VerifyBatch::Current() { return current_batch; }

ScopedP256VerifyBatch::ScopedP256VerifyBatch(P256VerifyBatch* batch, size_t tag)
    : previous_(current_batch), previous_tag_(current_tag) {
  current_batch = batch;
  current_tag = tag;
}

ScopedP256VerifyBatch::~ScopedP256VerifyBatch() {
  current_batch = previous_;
  current_tag = previous_tag_;
}

size_t P256VerifyBatch::size() const {
  absl::MutexLock lock(&mu_);
  return records_.size();
}

#if defined(FABRIC_P256_ASM)

using internal::Affine;
using internal::Curve;
using internal::DigestToScalar;
using internal::Digits;
using internal::ecp_nistz256_mul_mont;
using internal::ecp_nistz256_neg;
using internal::ecp_nistz256_ord_mul_mont;
using internal::ecp_nistz256_sqr_mont;
using internal::FieldInverse;
using internal::IsZero;
using internal::LessThan;
using internal::P256;
using internal::Recode;
using internal::ToLimbs;
using internal::beeu_mod_inverse_vartime;

namespace {

using Limbs = std::array<uint64_t, 4>;
constexpr uint64_t kOne[4] = {1, 0, 0, 0};
constexpr size_t kSteps = 2 * P256KeyTable::kWindows;  // u1's windows, then u2's

// a + b, modulo 2^256.
void AddWrapping(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
  unsigned char carry = 0;
  unsigned long long o[4];
  for (int i = 0; i < 4; ++i) carry = _addcarry_u64(carry, a[i], b[i], &o[i]);
  for (int i = 0; i < 4; ++i) out[i] = o[i];
}

// P-256's p, little-endian limbs (P256().p, as a constant for the hot loop).
constexpr uint64_t kP[4] = {0xffffffffffffffffULL, 0x00000000ffffffffULL, 0,
                            0xffffffff00000001ULL};

// a - b mod p, for a, b < p: a - b, plus p where that borrowed. (In assembly: compilers
// do not keep a carry chain in the flags, and this runs six times an addition.)
inline void FieldSub(uint64_t out[4], const uint64_t a[4], const uint64_t b[4]) {
  uint64_t t0 = a[0], t1 = a[1], t2 = a[2], t3 = a[3], mask;
  __asm__(
      "subq %[b0], %[t0]\n\t"
      "sbbq %[b1], %[t1]\n\t"
      "sbbq %[b2], %[t2]\n\t"
      "sbbq %[b3], %[t3]\n\t"
      "sbbq %[mask], %[mask]"
      : [t0] "+r"(t0), [t1] "+r"(t1), [t2] "+r"(t2), [t3] "+r"(t3), [mask] "=&r"(mask)
      : [b0] "m"(b[0]), [b1] "m"(b[1]), [b2] "m"(b[2]), [b3] "m"(b[3])
      : "cc");
  const uint64_t p0 = kP[0] & mask, p1 = kP[1] & mask, p3 = kP[3] & mask;  // kP[2] = 0
  __asm__(
      "addq %[p0], %[t0]\n\t"
      "adcq %[p1], %[t1]\n\t"
      "adcq $0, %[t2]\n\t"
      "adcq %[p3], %[t3]"
      : [t0] "+r"(t0), [t1] "+r"(t1), [t2] "+r"(t2), [t3] "+r"(t3)
      : [p0] "r"(p0), [p1] "r"(p1), [p3] "r"(p3)
      : "cc");
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = t3;
}

// a^-1 in Montgomery form, for a != 0 in Montgomery form: beeu inverts its plain value
// (faster here than FieldInverse's exponentiation), and a multiplication by 2^512 returns
// the inverse to Montgomery form.
void FieldInvert(uint64_t out[4], const uint64_t a[4]) {
  const Curve& c = P256();
  alignas(32) uint64_t plain[4], inv[4];
  ecp_nistz256_mul_mont(plain, a, kOne);
  if (beeu_mod_inverse_vartime(inv, plain, c.p)) {
    ecp_nistz256_mul_mont(out, inv, c.rr_p);
  } else {
    FieldInverse(out, a);
  }
}

// One verification as the steps see it.
struct Lane {
  alignas(32) uint64_t x[4];  // the sum so far, affine, Montgomery form
  alignas(32) uint64_t y[4];
  Digits u1, u2;
  const P256KeyTable* q = nullptr;
  bool empty = true;  // the sum is the point at infinity
  bool alive = true;  // false once an addition met equal or opposite points
};

// The table entry lane `l` adds at step `t`, or null for a zero digit.
const Affine* EntryAt(const Lane& l, size_t t, bool* negative) {
  const size_t window = t % P256KeyTable::kWindows;
  const bool g = t < P256KeyTable::kWindows;
  const Digits& d = g ? l.u1 : l.u2;
  if (d.magnitude[window] == 0) return nullptr;
  *negative = d.negative[window];
  const P256KeyTable& table = g ? P256KeyTable::Generator() : *l.q;
  return &P256Access::Row(table, window)[d.magnitude[window] - 1];
}

// Computes `records` and sets confirmed[i] for each it confirms.
void ComputeSlice(const P256VerifyBatch::Record* records, size_t n, uint8_t* confirmed) {
  const Curve& c = P256();
  if (std::memcmp(kP, c.p, sizeof kP) != 0) return;  // FieldSub's p is not the curve's
  std::vector<Limbs> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = records[i].s;
  if (!P256InvertScalars(&w)) return;  // Add admits only s in [1, n-1]
  std::vector<Lane> lanes(n);
  for (size_t i = 0; i < n; ++i) {
    alignas(32) uint64_t w_mont[4], u1[4], u2[4];
    ecp_nistz256_ord_mul_mont(w_mont, w[i].data(), c.rr_n);    // w * 2^256
    ecp_nistz256_ord_mul_mont(u1, records[i].e.data(), w_mont);  // e / s
    ecp_nistz256_ord_mul_mont(u2, records[i].r.data(), w_mont);  // r / s
    Recode(u1, &lanes[i].u1);
    Recode(u2, &lanes[i].u2);
    lanes[i].q = records[i].table.get();
  }
  // Per step: the lanes that add (index into lanes), their entries and signs, x(entry)
  // - x(sum), and the running products of those differences.
  std::vector<size_t> adding(n);
  std::vector<const Affine*> entry(n);
  std::vector<uint8_t> negative(n);
  std::vector<Limbs> dx(n), prefix(n);
  std::vector<const Affine*> pick(n);
  std::vector<uint8_t> pick_negative(n);
  for (size_t t = 0; t < kSteps; ++t) {
    // Every lane's entry first, each asked of the memory at once.
    for (size_t i = 0; i < n; ++i) {
      bool neg = false;
      const Affine* e = lanes[i].alive ? EntryAt(lanes[i], t, &neg) : nullptr;
      if (e != nullptr) __builtin_prefetch(e);
      pick[i] = e;
      pick_negative[i] = neg;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
      const Affine* e = pick[i];
      if (e == nullptr) continue;
      Lane& l = lanes[i];
      if (l.empty) {
        std::memcpy(l.x, e->x, sizeof l.x);
        if (pick_negative[i]) {
          ecp_nistz256_neg(l.y, e->y);
        } else {
          std::memcpy(l.y, e->y, sizeof l.y);
        }
        l.empty = false;
        continue;
      }
      FieldSub(dx[m].data(), e->x, l.x);
      if (IsZero(dx[m].data())) {  // the entry is the sum or its opposite
        l.alive = false;
        continue;
      }
      if (m == 0) {
        prefix[0] = dx[0];
      } else {
        ecp_nistz256_mul_mont(prefix[m].data(), prefix[m - 1].data(), dx[m].data());
      }
      adding[m] = i;
      entry[m] = e;
      negative[m] = pick_negative[i];
      ++m;
    }
    if (m == 0) continue;
    // Montgomery's trick: one inversion of the product, then each difference's inverse
    // from it, last to first.
    alignas(32) uint64_t inv[4], inv_j[4], ey[4], lambda[4], lambda2[4], x3[4], t1[4];
    FieldInvert(inv, prefix[m - 1].data());
    for (size_t j = m; j-- > 0;) {
      if (j > 0) {
        ecp_nistz256_mul_mont(inv_j, inv, prefix[j - 1].data());
        ecp_nistz256_mul_mont(inv, inv, dx[j].data());
      } else {
        std::memcpy(inv_j, inv, sizeof inv_j);
      }
      Lane& l = lanes[adding[j]];
      const Affine* e = entry[j];
      if (negative[j]) {
        ecp_nistz256_neg(ey, e->y);
      } else {
        std::memcpy(ey, e->y, sizeof ey);
      }
      // lambda = (y2 - y1) / (x2 - x1); x3 = lambda^2 - x1 - x2; y3 = lambda (x1 - x3) - y1.
      FieldSub(t1, ey, l.y);
      ecp_nistz256_mul_mont(lambda, t1, inv_j);
      ecp_nistz256_sqr_mont(lambda2, lambda);
      FieldSub(x3, lambda2, l.x);
      FieldSub(x3, x3, e->x);
      FieldSub(t1, l.x, x3);
      ecp_nistz256_mul_mont(t1, lambda, t1);
      FieldSub(l.y, t1, l.y);
      std::memcpy(l.x, x3, sizeof l.x);
    }
  }
  // x(sum) mod n = r: x is r, or r + n where r + n < p.
  for (size_t i = 0; i < n; ++i) {
    const Lane& l = lanes[i];
    if (!l.alive || l.empty) continue;
    alignas(32) uint64_t x[4], r_plus_n[4];
    ecp_nistz256_mul_mont(x, l.x, kOne);
    const uint64_t* r = records[i].r.data();
    bool match = std::memcmp(x, r, sizeof x) == 0;
    if (!match && LessThan(r, c.p_minus_n)) {
      AddWrapping(r_plus_n, r, c.n);
      match = std::memcmp(x, r_plus_n, sizeof x) == 0;
    }
    confirmed[i] = match ? 1 : 0;
  }
}

}  // namespace

bool P256VerifyBatch::Add(const uint8_t* digest, size_t digest_len, const ECDSA_SIG* sig,
                          std::shared_ptr<const P256KeyTable> table) {
  if (!P256TablesAvailable() || sig == nullptr || table == nullptr) return false;
  const Curve& c = P256();
  const BIGNUM *r_bn = nullptr, *s_bn = nullptr;
  ECDSA_SIG_get0(sig, &r_bn, &s_bn);
  Record rec;
  if (r_bn == nullptr || s_bn == nullptr || !ToLimbs(r_bn, rec.r.data()) ||
      !ToLimbs(s_bn, rec.s.data()) || IsZero(rec.r.data()) || IsZero(rec.s.data()) ||
      !LessThan(rec.r.data(), c.n) || !LessThan(rec.s.data(), c.n)) {
    return false;
  }
  DigestToScalar(digest, digest_len, rec.e.data());
  rec.table = std::move(table);
  rec.tag = current_tag;
  absl::MutexLock lock(&mu_);
  if (computed_) return false;
  records_.push_back(std::move(rec));
  return true;
}

std::vector<size_t> P256VerifyBatch::Compute(ThreadPool* pool) {
  std::vector<Record> records;
  {
    absl::MutexLock lock(&mu_);
    records.swap(records_);
    computed_ = true;
  }
  std::vector<uint8_t> confirmed(records.size(), 0);
  // One slice per thread, none smaller than half the minimum.
  const size_t threads = pool != nullptr ? pool->size() : 1;
  const size_t slices =
      std::max<size_t>(1, std::min(threads, records.size() / (kMinSignatures / 2)));
  const size_t per = (records.size() + slices - 1) / slices;
  auto slice = [&](size_t k) {
    const size_t begin = std::min(records.size(), k * per);
    const size_t end = std::min(records.size(), begin + per);
    if (begin < end) ComputeSlice(&records[begin], end - begin, &confirmed[begin]);
  };
  if (pool != nullptr && slices > 1) {
    pool->ParallelFor(slices, slice);
  } else {
    for (size_t k = 0; k < slices; ++k) slice(k);
  }
  std::vector<size_t> unconfirmed;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!confirmed[i]) unconfirmed.push_back(records[i].tag);
  }
  std::sort(unconfirmed.begin(), unconfirmed.end());
  unconfirmed.erase(std::unique(unconfirmed.begin(), unconfirmed.end()), unconfirmed.end());
  return unconfirmed;
}

#else  // no nistz256 assembly: nothing is deferred

bool P256VerifyBatch::Add(const uint8_t*, size_t, const ECDSA_SIG*,
                          std::shared_ptr<const P256KeyTable>) {
  return false;
}

std::vector<size_t> P256VerifyBatch::Compute(ThreadPool*) {
  absl::MutexLock lock(&mu_);
  records_.clear();
  computed_ = true;
  return {};
}

#endif

}  // namespace fabric::crypto
