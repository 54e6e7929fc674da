// Many P-256 verifications with key tables, computed side by side.
//
// A verification with a P256KeyTable (EcdsaVerifyP256) adds up to 66 table points, each
// addition about eleven field multiplications in Jacobian coordinates. Verifications
// computed side by side add in affine coordinates instead: the additions of one step
// (one window, every verification) share a single field inversion (Montgomery's
// trick), and an addition costs about six multiplications. Side by side, the
// verifications of a step also read the same row of the generator's table and of each
// hot key's, which stays in cache.
//
// A validator defers a block's verifications. While a batch is installed on a thread
// (ScopedP256VerifyBatch), a verification with a key table is recorded under the tag
// the installer gave (a transaction's index) and its caller takes it as valid. Compute
// then confirms every record: each u1*G + u2*Q computed exactly, with x = r mod n, which
// is ECDSA_do_verify's 1. The tags it returns are those of records it could not
// confirm (invalid signatures, or additions meeting equal or opposite points, which
// affine formulas do not cover); their work is redone with no batch installed, so
// every answer that counts is either confirmed or computed plainly.
//
//   P256VerifyBatch batch;
//   pool.ParallelFor(n, [&](size_t i) {
//     ScopedP256VerifyBatch use(&batch, i);
//     ... verifications, taken as valid ...
//   });
//   for (size_t i : batch.Compute(&pool)) ... redo i with no batch installed ...
//
// Thread safety: Add may be called concurrently; Compute once, after every Add.
#ifndef FABRIC_LIB_CRYPTO_P256_VERIFY_BATCH_H_
#define FABRIC_LIB_CRYPTO_P256_VERIFY_BATCH_H_

#include <openssl/base.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "lib/base/thread_pool.h"
#include "lib/crypto/p256_key_table.h"

namespace fabric::crypto {

class P256VerifyBatch {
 public:
  // Below this many signatures in all, verifying each at once is cheaper: the shared
  // inversion of a step (about 2 us) is not spread over enough additions.
  static constexpr size_t kMinSignatures = 64;

  // Records the verification of `sig` over `digest` with `table` (the table of the
  // verifying key's point) under the current thread's tag, and returns true: the
  // caller takes it as valid until Compute says otherwise. False, recording nothing,
  // where tables are not available, r or s is not in [1, n-1], or Compute has run:
  // verify it now.
  bool Add(const uint8_t* digest, size_t digest_len, const ECDSA_SIG* sig,
           std::shared_ptr<const P256KeyTable> table);

  // Computes every record (on `pool`'s threads) and returns the tags of those it could
  // not confirm, each once, ascending.
  std::vector<size_t> Compute(ThreadPool* pool);

  size_t size() const;

  // The batch installed on this thread, or null.
  static P256VerifyBatch* Current();

  // One deferred verification (public for the implementation's helpers).
  struct Record {
    std::array<uint64_t, 4> e, r, s;  // digest as a scalar; the signature
    std::shared_ptr<const P256KeyTable> table;
    size_t tag = 0;
  };

 private:
  mutable absl::Mutex mu_;
  std::vector<Record> records_ ABSL_GUARDED_BY(mu_);
  bool computed_ ABSL_GUARDED_BY(mu_) = false;  // a later Add would never be computed
};

// Installs `batch` (may be null: none) with `tag` on this thread for its lifetime.
class ScopedP256VerifyBatch {
 public:
  ScopedP256VerifyBatch(P256VerifyBatch* batch, size_t tag);
  ~ScopedP256VerifyBatch();
  ScopedP256VerifyBatch(const ScopedP256VerifyBatch&) = delete;
  ScopedP256VerifyBatch& operator=(const ScopedP256VerifyBatch&) = delete;

 private:
  P256VerifyBatch* previous_;
  size_t previous_tag_;
};

}  // namespace fabric::crypto

#endif  // FABRIC_LIB_CRYPTO_P256_VERIFY_BATCH_H_
