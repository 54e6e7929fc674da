// ECDSA P-256 verification with a table precomputed for the public key.
//
// A verification computes u1*G + u2*Q. BoringSSL has a table of multiples of G, so u1*G
// is 37 additions, but it builds a small window table for Q on every call and u2*Q
// costs 255 doublings and 51 additions. A P256KeyTable holds a comb table for one key
// Q, (j+1) * 2^(8i) * Q for i < 33 and j < 128 in affine Montgomery form (8-bit windows,
// one wider than BoringSSL's for G), and the generator gets one too, so u1*G and u2*Q
// are at most 33 additions each, and a verification about a quarter of
// ECDSA_do_verify's time.
//
//   absl::StatusOr<std::unique_ptr<const P256KeyTable>> t = P256KeyTable::Build(ec_key);
//   int ok = EcdsaVerifyP256(digest, digest_len, sig, ec_key, **t);
//
// EcdsaVerifyP256 answers exactly what ECDSA_do_verify answers, for every input: the
// arithmetic is BoringSSL's own x86-64 nistz256 routines, and where an addition meets
// the one case they do not cover (two equal points, or opposite ones) it hands the
// signature to ECDSA_do_verify. tests/p256_differential_test and the fuzz target
// `p256` compare the two.
//
// Only on x86-64 with BoringSSL's assembly and an AVX CPU (BoringSSL's own condition
// for its fast scalar inversion); elsewhere Build is Unimplemented and callers verify
// with ECDSA_do_verify.
//
// Thread safety: a table is immutable; verify with it on any number of threads.
#ifndef FABRIC_LIB_CRYPTO_P256_KEY_TABLE_H_
#define FABRIC_LIB_CRYPTO_P256_KEY_TABLE_H_

#include <openssl/base.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::crypto {

// Whether tables can be built here (see above).
bool P256TablesAvailable();

class P256KeyTable {
 public:
  static constexpr size_t kWindowBits = 8;
  // Signed digits of kWindowBits bits cover a scalar below 2^256 in 33 windows (the last
  // holds the carry of the 256th bit).
  static constexpr size_t kWindows = 256 / kWindowBits + 1;
  static constexpr size_t kPointsPerWindow = size_t{1} << (kWindowBits - 1);  // |digit| 1..128

  // The table of `key`'s public point. InvalidArgument unless `key` is a P-256 key
  // with a public point; Unimplemented where tables are not available. About 1 ms.
  static absl::StatusOr<std::unique_ptr<const P256KeyTable>> Build(const EC_KEY* key);

  // The table of the curve's generator, built once.
  static const P256KeyTable& Generator();

  // The key's point, uncompressed (0x04 || X || Y): what the table is of.
  const std::string& point() const { return point_; }

  // Bytes a table takes (270,336 plus the point).
  static constexpr size_t kBytes = kWindows * kPointsPerWindow * 64;

 private:
  friend struct P256Access;
  struct Affine {  // Montgomery form; little-endian 64-bit limbs
    uint64_t x[4];
    uint64_t y[4];
  };
  P256KeyTable() = default;

  alignas(64) Affine rows_[kWindows][kPointsPerWindow];
  std::string point_;
};

// ECDSA_do_verify(digest, digest_len, sig, key), computed with `table`, which must be
// the table of `key`'s point (else the answer is ECDSA_do_verify's). 1 if the
// signature verifies, 0 if not. Like ECDSA_do_verify, it may leave errors on
// BoringSSL's error queue.
//
// `s_inverse`, if given, is taken for s^-1 mod n (little-endian limbs) once checked
// (w * s = 1 mod n), saving the inversion (P256InverseBatch computes them for a block).
int EcdsaVerifyP256(const uint8_t* digest, size_t digest_len, const ECDSA_SIG* sig,
                    const EC_KEY* key, const P256KeyTable& table,
                    const std::array<uint64_t, 4>* s_inverse = nullptr);

// Whether 0 < `scalar` < n, the order of P-256 (little-endian limbs).
bool P256ScalarInRange(const std::array<uint64_t, 4>& scalar);

// Replaces each scalar (0 < s < n, little-endian limbs) by its inverse mod n, with one
// inversion in all (Montgomery's trick). False, leaving them, where tables are not
// available or a scalar is out of range.
bool P256InvertScalars(std::vector<std::array<uint64_t, 4>>* scalars);

// The uncompressed point of a P-256 `key`, or "" for any other key.
std::string P256PointOf(const EC_KEY* key);

}  // namespace fabric::crypto

#endif  // FABRIC_LIB_CRYPTO_P256_KEY_TABLE_H_
