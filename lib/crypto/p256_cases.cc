#include "lib/crypto/p256_cases.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/mem.h>
#include <openssl/nid.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/crypto/p256_verify_batch.h"

namespace fabric::crypto::testing {
namespace {

using BN = bssl::UniquePtr<BIGNUM>;

const EC_GROUP* Group() {
  static const EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  return g;
}
const BIGNUM* Order() { return EC_GROUP_get0_order(Group()); }

BN_CTX* Ctx() {
  thread_local bssl::UniquePtr<BN_CTX> ctx(BN_CTX_new());
  return ctx.get();
}

BN NewBn() { return BN(BN_new()); }

BN FromHex(const std::string& hex) {
  BIGNUM* bn = nullptr;
  if (!BN_hex2bn(&bn, hex.c_str())) abort();
  return BN(bn);
}

BN Field() {
  BN p = NewBn();
  if (!EC_GROUP_get_curve_GFp(Group(), p.get(), nullptr, nullptr, Ctx())) abort();
  return p;
}

BN RandomBelow(const BIGNUM* max) {
  BN r = NewBn();
  if (!BN_rand_range_ex(r.get(), 1, max)) abort();
  return r;
}

std::string Bytes(size_t n, std::mt19937_64& rng) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

// The digest whose scalar is `e` (< n): 32 bytes big-endian.
std::string DigestOf(const BIGNUM* e) {
  std::string s(32, '\0');
  if (!BN_bn2bin_padded(reinterpret_cast<uint8_t*>(s.data()), 32, e)) abort();
  return s;
}

bssl::UniquePtr<ECDSA_SIG> Sig(BN r, BN s) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
  if (!sig || !ECDSA_SIG_set0(sig.get(), r.release(), s.release())) abort();
  return sig;
}

bssl::UniquePtr<ECDSA_SIG> SignDigest(const KeyWithTable& k, const std::string& digest) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_do_sign(
      reinterpret_cast<const uint8_t*>(digest.data()), digest.size(), k.key.get()));
  if (!sig) abort();
  return sig;
}

BN Dup(const BIGNUM* b) { return BN(BN_dup(b)); }

// x(m * Q) mod n for the key's point Q.
BN XOfMultiple(const KeyWithTable& k, const BIGNUM* m) {
  bssl::UniquePtr<EC_POINT> p(EC_POINT_new(Group()));
  BN x = NewBn();
  if (!p || !EC_POINT_mul(Group(), p.get(), nullptr, EC_KEY_get0_public_key(k.key.get()), m,
                          Ctx()) ||
      !EC_POINT_get_affine_coordinates_GFp(Group(), p.get(), x.get(), nullptr, Ctx()) ||
      !BN_nnmod(x.get(), x.get(), Order(), Ctx())) {
    abort();
  }
  return x;
}

// A signature whose u2 = r/s is `u2` and u1 = e/s is u2*d (or -u2*d): the sum
// u1*G + u2*Q is 2*u2*Q (or infinity), and the additions of Q's multiples start from an
// accumulator equal (or opposite) to the first of them. Valid in the first form.
Case Crafted(const KeyWithTable& k, const BIGNUM* u2, bool opposite) {
  const BIGNUM* d = EC_KEY_get0_private_key(k.key.get());
  BN two_u2 = NewBn(), r, s = NewBn(), e = NewBn(), inv = NewBn();
  if (!BN_mod_add(two_u2.get(), u2, u2, Order(), Ctx())) abort();
  r = XOfMultiple(k, two_u2.get());
  // s = r / u2, e = u1 * s = (+-u2 d) * r / u2 = +-d r.
  if (!BN_mod_inverse(inv.get(), u2, Order(), Ctx()) ||
      !BN_mod_mul(s.get(), r.get(), inv.get(), Order(), Ctx()) ||
      !BN_mod_mul(e.get(), d, r.get(), Order(), Ctx())) {
    abort();
  }
  if (opposite && !BN_is_zero(e.get()) && !BN_sub(e.get(), Order(), e.get())) abort();
  Case c;
  char* u2_hex = BN_bn2hex(u2);
  c.what = absl::StrCat(opposite ? "u1 = -u2*d (sum at infinity)" : "u1 = u2*d (doubling)",
                        ", u2 = ", u2_hex != nullptr ? u2_hex : "?");
  OPENSSL_free(u2_hex);
  c.digest = DigestOf(e.get());
  c.sig = Sig(std::move(r), std::move(s));
  return c;
}

BN PowerOf2(int bits) {
  BN b = NewBn();
  if (!BN_set_bit(b.get(), bits)) abort();
  return b;
}

// The values at the edges of a scalar.
std::vector<BN> EdgeScalars() {
  std::vector<BN> v;
  BN p = Field();
  v.push_back(FromHex("0"));
  v.push_back(FromHex("1"));
  BN n_minus_1 = Dup(Order());
  BN_sub_word(n_minus_1.get(), 1);
  v.push_back(std::move(n_minus_1));
  v.push_back(Dup(Order()));
  BN n_plus_1 = Dup(Order());
  BN_add_word(n_plus_1.get(), 1);
  v.push_back(std::move(n_plus_1));
  BN p_minus_1 = Dup(p.get());
  BN_sub_word(p_minus_1.get(), 1);
  v.push_back(std::move(p_minus_1));
  BN max = PowerOf2(256);
  BN_sub_word(max.get(), 1);
  v.push_back(std::move(max));
  v.push_back(PowerOf2(256));  // 33 bytes
  BN half = Dup(Order());
  BN_rshift1(half.get(), half.get());
  v.push_back(std::move(half));
  BN negative = FromHex("5");
  BN_set_negative(negative.get(), 1);
  v.push_back(std::move(negative));
  return v;
}

}  // namespace

KeyWithTable KeyFromScalar(const std::string& hex_d) {
  KeyWithTable k;
  k.key.reset(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  BN d = FromHex(hex_d);
  bssl::UniquePtr<EC_POINT> q(EC_POINT_new(Group()));
  if (!k.key || !q || !EC_POINT_mul(Group(), q.get(), d.get(), nullptr, nullptr, Ctx()) ||
      !EC_KEY_set_private_key(k.key.get(), d.get()) ||
      !EC_KEY_set_public_key(k.key.get(), q.get())) {
    abort();
  }
  auto t = P256KeyTable::Build(k.key.get());
  if (!t.ok()) abort();
  k.table = *std::move(t);
  return k;
}

KeyWithTable RandomKey() {
  BN d = RandomBelow(Order());
  char* hex = BN_bn2hex(d.get());
  KeyWithTable k = KeyFromScalar(hex);
  OPENSSL_free(hex);
  return k;
}

KeyWithTable KeyWithXAboveOrder(Case* valid) {
  BN p = Field(), x = Dup(Order()), rhs = NewBn(), t = NewBn(), y = NewBn();
  // The first x = n + t on the curve: x^3 - 3x + b a square mod p.
  BN b = NewBn();
  if (!EC_GROUP_get_curve_GFp(Group(), nullptr, nullptr, b.get(), Ctx())) abort();
  for (;;) {
    BN_add_word(x.get(), 1);
    if (!BN_mod_sqr(rhs.get(), x.get(), p.get(), Ctx()) ||
        !BN_mod_mul(rhs.get(), rhs.get(), x.get(), p.get(), Ctx()) ||
        !BN_mod_add(t.get(), x.get(), x.get(), p.get(), Ctx()) ||
        !BN_mod_add(t.get(), t.get(), x.get(), p.get(), Ctx()) ||
        !BN_mod_sub(rhs.get(), rhs.get(), t.get(), p.get(), Ctx()) ||
        !BN_mod_add(rhs.get(), rhs.get(), b.get(), p.get(), Ctx())) {
      abort();
    }
    ERR_clear_error();
    if (BN_mod_sqrt(y.get(), rhs.get(), p.get(), Ctx()) != nullptr) break;
  }
  ERR_clear_error();
  KeyWithTable k;
  k.key.reset(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EC_POINT> q(EC_POINT_new(Group()));
  if (!k.key || !q ||
      !EC_POINT_set_affine_coordinates_GFp(Group(), q.get(), x.get(), y.get(), Ctx()) ||
      !EC_KEY_set_public_key(k.key.get(), q.get())) {
    abort();
  }
  auto table = P256KeyTable::Build(k.key.get());
  if (!table.ok()) abort();
  k.table = *std::move(table);
  BN r = NewBn();
  BN_sub(r.get(), x.get(), Order());
  valid->what = "x(Q) >= n: digest 0, r = s = x - n";
  valid->digest = std::string(32, '\0');
  valid->sig = Sig(Dup(r.get()), Dup(r.get()));
  return k;
}

const std::vector<KeyWithTable>& FixedKeys() {
  static const std::vector<KeyWithTable>* keys = [] {
    auto* v = new std::vector<KeyWithTable>();
    for (const char* d : {"C0FFEE", "1D2E3F4A5B6C7D8E9FA0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3E4F506",
                          "7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8",
                          "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632540", "1",
                          "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632550"}) {
      v->push_back(KeyFromScalar(d));
    }
    Case unused;
    v->push_back(KeyWithXAboveOrder(&unused));
    return v;
  }();
  return *keys;
}

Case CraftedCase(const KeyWithTable& k, const std::string& u2_be, bool opposite) {
  BN u2(BN_bin2bn(reinterpret_cast<const uint8_t*>(u2_be.data()), u2_be.size(), nullptr));
  if (!u2 || !BN_nnmod(u2.get(), u2.get(), Order(), Ctx())) abort();
  if (BN_is_zero(u2.get())) BN_one(u2.get());
  return Crafted(k, u2.get(), opposite);
}

Case RandomCase(std::mt19937_64& rng, const KeyWithTable& k, const KeyWithTable& other) {
  Case c;
  c.digest = Bytes(32, rng);
  const int kind = static_cast<int>(rng() % 14);
  auto valid = [&] { c.sig = SignDigest(k, c.digest); };
  auto flip = [&](const BIGNUM* v) {
    BN out = Dup(v);
    int bit = static_cast<int>(rng() % 258);
    if (BN_is_bit_set(out.get(), bit)) {
      BN_clear_bit(out.get(), bit);
    } else {
      BN_set_bit(out.get(), bit);
    }
    return out;
  };
  const BIGNUM *r = nullptr, *s = nullptr;
  switch (kind) {
    case 0:
      c.what = "valid";
      valid();
      break;
    case 1: {
      c.what = "valid, s -> n - s";
      valid();
      ECDSA_SIG_get0(c.sig.get(), &r, &s);
      BN s2 = NewBn();
      BN_sub(s2.get(), Order(), s);
      c.sig = Sig(Dup(r), std::move(s2));
      break;
    }
    case 2:
      c.what = "digest bit flipped";
      valid();
      c.digest[rng() % 32] ^= static_cast<char>(1u << (rng() % 8));
      break;
    case 3:
    case 4: {
      c.what = kind == 3 ? "r bit flipped" : "s bit flipped";
      valid();
      ECDSA_SIG_get0(c.sig.get(), &r, &s);
      c.sig = kind == 3 ? Sig(flip(r), Dup(s)) : Sig(Dup(r), flip(s));
      break;
    }
    case 5: {
      c.what = "r or s +-1";
      valid();
      ECDSA_SIG_get0(c.sig.get(), &r, &s);
      BN r2 = Dup(r), s2 = Dup(s);
      BIGNUM* which = rng() % 2 ? r2.get() : s2.get();
      if (rng() % 2) {
        BN_add_word(which, 1);
      } else {
        BN_sub_word(which, 1);
      }
      c.sig = Sig(std::move(r2), std::move(s2));
      break;
    }
    case 6: {
      c.what = "random r, s";
      BN bound = rng() % 8 ? Dup(Order()) : PowerOf2(256);
      c.sig = Sig(RandomBelow(bound.get()), RandomBelow(bound.get()));
      break;
    }
    case 7:
      c.what = "another key's signature";
      c.sig = SignDigest(other, c.digest);
      break;
    case 8:
      c.digest = Bytes(rng() % 65, rng);
      c.what = absl::StrCat("valid over a ", c.digest.size(), "-byte digest");
      valid();
      if (rng() % 2) {
        c.what += ", then the digest's last byte changed";
        if (!c.digest.empty()) c.digest.back() ^= 1;
      }
      break;
    case 9:
    case 10: {
      int window = static_cast<int>(rng() % P256KeyTable::kWindows);
      BN u2 = NewBn();
      BN_set_word(u2.get(), 1 + rng() % P256KeyTable::kPointsPerWindow);
      BN_lshift(u2.get(), u2.get(), P256KeyTable::kWindowBits * window);
      BN_nnmod(u2.get(), u2.get(), Order(), Ctx());
      if (BN_is_zero(u2.get())) BN_one(u2.get());
      c = Crafted(k, u2.get(), kind == 10);
      break;
    }
    case 11: {
      std::vector<BN> edges = EdgeScalars();
      valid();
      ECDSA_SIG_get0(c.sig.get(), &r, &s);
      BN r2 = Dup(r), s2 = Dup(s);
      int pick = static_cast<int>(rng() % 3);
      if (pick != 1) r2 = Dup(edges[rng() % edges.size()].get());
      if (pick != 0) s2 = Dup(edges[rng() % edges.size()].get());
      c.what = "r and/or s at an edge";
      c.sig = Sig(std::move(r2), std::move(s2));
      break;
    }
    case 12:
      c.what = "valid over a digest at or above n";
      c.digest = std::string(32, '\xff');
      c.digest[31] = static_cast<char>(rng());
      valid();
      break;
    default: {
      c.what = "random u2 crafted with u1 = u2*d";
      BN u2 = RandomBelow(Order());
      c = Crafted(k, u2.get(), false);
      break;
    }
  }
  return c;
}

std::vector<Case> EdgeCases(const KeyWithTable& k) {
  std::vector<Case> out;
  std::mt19937_64 rng(1);
  std::string digest = Bytes(32, rng);
  const bool can_sign = EC_KEY_get0_private_key(k.key.get()) != nullptr;
  bssl::UniquePtr<ECDSA_SIG> good =
      can_sign ? SignDigest(k, digest) : Sig(FromHex("1"), FromHex("1"));
  const BIGNUM *gr = nullptr, *gs = nullptr;
  ECDSA_SIG_get0(good.get(), &gr, &gs);
  std::vector<BN> edges = EdgeScalars();
  for (size_t i = 0; i < edges.size(); ++i) {
    for (size_t j = 0; j < edges.size(); ++j) {
      Case c;
      c.what = absl::StrCat("edge r #", i, ", edge s #", j);
      c.digest = digest;
      c.sig = Sig(Dup(edges[i].get()), Dup(edges[j].get()));
      out.push_back(std::move(c));
    }
    Case cr, cs;
    cr.what = absl::StrCat("edge r #", i, ", the valid s");
    cr.digest = digest;
    cr.sig = Sig(Dup(edges[i].get()), Dup(gs));
    cs.what = absl::StrCat("the valid r, edge s #", i);
    cs.digest = digest;
    cs.sig = Sig(Dup(gr), Dup(edges[i].get()));
    out.push_back(std::move(cr));
    out.push_back(std::move(cs));
  }
  if (!can_sign) return out;
  for (size_t len : {0, 1, 20, 31, 32, 33, 48, 64}) {
    Case c;
    c.digest = Bytes(len, rng);
    c.what = absl::StrCat("valid over a ", len, "-byte digest");
    c.sig = SignDigest(k, c.digest);
    out.push_back(std::move(c));
  }
  constexpr int kW = P256KeyTable::kWindows, kP = P256KeyTable::kPointsPerWindow;
  for (int window : {0, 1, kW / 2, kW - 2, kW - 1}) {
    for (int m : {1, 2, kP - 1, kP}) {
      for (bool opposite : {false, true}) {
        BN u2 = NewBn();
        BN_set_word(u2.get(), m);
        BN_lshift(u2.get(), u2.get(), P256KeyTable::kWindowBits * window);
        BN_nnmod(u2.get(), u2.get(), Order(), Ctx());
        out.push_back(Crafted(k, u2.get(), opposite));
      }
    }
  }
  return out;
}

std::string Describe(const Case& c) {
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(c.sig.get(), &r, &s);
  char* rh = BN_bn2hex(r);
  char* sh = BN_bn2hex(s);
  std::string out = absl::StrCat(c.what, ": digest ", absl::BytesToHexString(c.digest), " r ",
                                 rh, " s ", sh);
  OPENSSL_free(rh);
  OPENSSL_free(sh);
  return out;
}

std::string Compare(const KeyWithTable& k, const Case& c, int* answer) {
  const uint8_t* d = reinterpret_cast<const uint8_t*>(c.digest.data());
  int want = ECDSA_do_verify(d, c.digest.size(), c.sig.get(), k.key.get());
  ERR_clear_error();
  int got = EcdsaVerifyP256(d, c.digest.size(), c.sig.get(), k.key.get(), *k.table);
  ERR_clear_error();
  if (answer != nullptr) *answer = want;
  if (want != got) {
    return absl::StrCat("ECDSA_do_verify ", want, ", EcdsaVerifyP256 ", got, " on ", Describe(c));
  }
  // With s's inverse handed in (as a block's P256InverseBatch does), and with a wrong
  // one, which must be noticed: the same answer.
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(c.sig.get(), &r, &s);
  BN w = NewBn();
  std::array<uint64_t, 4> inverse{}, wrong{};
  uint8_t le[32];
  if (!BN_is_negative(s) && BN_cmp(s, Order()) < 0 && !BN_is_zero(s) &&
      BN_mod_inverse(w.get(), s, Order(), Ctx()) != nullptr &&
      BN_bn2le_padded(le, sizeof le, w.get())) {
    std::memcpy(inverse.data(), le, sizeof le);
    wrong = inverse;
    wrong[0] ^= 2;
    for (const auto* hint : {&inverse, &wrong}) {
      int hinted = EcdsaVerifyP256(d, c.digest.size(), c.sig.get(), k.key.get(), *k.table, hint);
      ERR_clear_error();
      if (hinted != want) {
        return absl::StrCat("ECDSA_do_verify ", want, ", EcdsaVerifyP256 with ",
                            hint == &inverse ? "s's inverse " : "a wrong inverse ", hinted,
                            " on ", Describe(c));
      }
    }
  }
  ERR_clear_error();
  return "";
}

std::string CompareBatch(const std::vector<BatchCase>& cases, ThreadPool* pool,
                         bool all_valid_confirmed, size_t* confirmed) {
  P256VerifyBatch batch;
  std::vector<uint8_t> added(cases.size(), 0);
  for (size_t i = 0; i < cases.size(); ++i) {
    const BatchCase& b = cases[i];
    ScopedP256VerifyBatch use(&batch, i);
    // The batch does not own the test's table.
    std::shared_ptr<const P256KeyTable> table(std::shared_ptr<void>(), b.key->table.get());
    added[i] = batch.Add(reinterpret_cast<const uint8_t*>(b.c->digest.data()),
                         b.c->digest.size(), b.c->sig.get(), table);
    if (!added[i] && b.answer == 1) {
      return absl::StrCat("refused by the batch, yet valid: ", Describe(*b.c));
    }
  }
  const std::vector<size_t> unconfirmed = batch.Compute(pool);
  size_t n = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!added[i]) continue;
    const BatchCase& b = cases[i];
    const bool ok = !std::binary_search(unconfirmed.begin(), unconfirmed.end(), i);
    n += ok;
    if (ok && b.answer != 1) {
      return absl::StrCat("ECDSA_do_verify ", b.answer, ", confirmed by the batch: ",
                          Describe(*b.c));
    }
    // Only a sum that meets an entry or its opposite leaves a valid one unconfirmed.
    if (all_valid_confirmed && !ok && b.answer == 1 && !absl::StartsWith(b.c->what, "u1 = ") &&
        !absl::StrContains(b.c->what, "crafted")) {
      return absl::StrCat("valid, not confirmed by the batch: ", Describe(*b.c));
    }
  }
  if (confirmed != nullptr) *confirmed = n;
  return "";
}

}  // namespace fabric::crypto::testing
