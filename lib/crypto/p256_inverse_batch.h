// The inverses mod n of the s values of many P-256 signatures, computed together.
//
// Every ECDSA verification inverts its s mod n (about 4 us of a 13 us verification with
// a key's table). Montgomery's trick inverts a whole block's signatures for one
// inversion and three multiplications each. A validator collects the block's
// signatures, computes, and installs the batch on the threads that then verify:
//
//   P256InverseBatch batch;
//   for (...) batch.Add(der_signature);
//   batch.Compute();
//   ... on each verifying thread:
//   ScopedP256InverseBatch use(&batch);
//   ... EcdsaVerifyP256 finds the inverse of a signature's s in it, by the DER bytes.
//
// A found inverse is checked (w * s = 1 mod n) before it is used, so a batch can only
// save time, never change an answer.
//
// Thread safety: Add and Compute on one thread; after Compute, Find from any number.
#ifndef FABRIC_LIB_CRYPTO_P256_INVERSE_BATCH_H_
#define FABRIC_LIB_CRYPTO_P256_INVERSE_BATCH_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace fabric::crypto {

class P256InverseBatch {
 public:
  using Scalar = std::array<uint64_t, 4>;  // little-endian limbs

  // Adds a DER signature (its bytes must outlive the batch). Signatures that are not
  // strict DER, or whose s is 0 or at least n, are left out.
  void Add(absl::string_view der_signature);
  // Inverts every s added so far.
  void Compute();
  // s^-1 mod n of `der_signature`, or null if it was not added (or not computed).
  const Scalar* Find(absl::string_view der_signature) const;
  size_t size() const { return inverses_.size(); }

  // The batch installed on this thread (ScopedP256InverseBatch), or null.
  static const P256InverseBatch* Current();

 private:
  std::vector<std::pair<absl::string_view, Scalar>> pending_;  // signature, s
  absl::flat_hash_map<absl::string_view, Scalar> inverses_;
};

// Installs `batch` as this thread's P256InverseBatch::Current() for its lifetime.
class ScopedP256InverseBatch {
 public:
  explicit ScopedP256InverseBatch(const P256InverseBatch* batch);
  ~ScopedP256InverseBatch();
  ScopedP256InverseBatch(const ScopedP256InverseBatch&) = delete;
  ScopedP256InverseBatch& operator=(const ScopedP256InverseBatch&) = delete;

 private:
  const P256InverseBatch* previous_;
};

}  // namespace fabric::crypto

#endif  // FABRIC_LIB_CRYPTO_P256_INVERSE_BATCH_H_
