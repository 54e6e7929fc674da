#include "lib/crypto/p256_inverse_batch.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include <cstring>
#include <utility>

#include "lib/crypto/p256_key_table.h"

namespace fabric::crypto {
namespace {

thread_local const P256InverseBatch* current_batch = nullptr;

}  // namespace

void P256InverseBatch::Add(absl::string_view der_signature) {
  bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_from_bytes(
      reinterpret_cast<const uint8_t*>(der_signature.data()), der_signature.size()));
  if (sig == nullptr) {
    ERR_clear_error();
    return;  // not strict DER: verified without a batch's inverse
  }
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  uint8_t le[32];
  if (BN_is_negative(s) || BN_is_zero(s) || !BN_bn2le_padded(le, sizeof le, s)) return;
  Scalar limbs;
  std::memcpy(limbs.data(), le, sizeof le);  // little-endian machines (see p256_key_table)
  pending_.emplace_back(der_signature, limbs);
}

void P256InverseBatch::Compute() {
  std::vector<Scalar> scalars;
  scalars.reserve(pending_.size());
  // An s at or above n is left out (its verification fails or falls back anyway).
  std::vector<absl::string_view> names;
  for (const auto& [sig, s] : pending_) {
    if (!P256ScalarInRange(s)) continue;
    names.push_back(sig);
    scalars.push_back(s);
  }
  pending_.clear();
  if (!P256InvertScalars(&scalars)) return;
  inverses_.reserve(inverses_.size() + scalars.size());
  for (size_t i = 0; i < scalars.size(); ++i) inverses_[names[i]] = scalars[i];
}

const P256InverseBatch::Scalar* P256InverseBatch::Find(absl::string_view der_signature) const {
  auto it = inverses_.find(der_signature);
  return it == inverses_.end() ? nullptr : &it->second;
}

const P256InverseBatch* P256InverseBatch::Current() { return current_batch; }

ScopedP256InverseBatch::ScopedP256InverseBatch(const P256InverseBatch* batch)
    : previous_(current_batch) {
  current_batch = batch;
}

ScopedP256InverseBatch::~ScopedP256InverseBatch() { current_batch = previous_; }

}  // namespace fabric::crypto
