// SHA-256 over byte strings, through BoringSSL.
#ifndef FABRIC_LIB_BASE_SHA256_H_
#define FABRIC_LIB_BASE_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace fabric {

inline constexpr size_t kSha256Size = 32;

// The 32-byte digest of `data`.
std::string Sha256(absl::string_view data);

// The 32-byte digest of the concatenation of `a` and `b` (no separator).
std::string Sha256Concat(absl::string_view a, absl::string_view b);

// Incremental SHA-256. Not thread-safe; one instance per hashing job.
class Sha256Hasher {
 public:
  Sha256Hasher();
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void Update(absl::string_view data);
  // Returns the digest. REQUIRES: called once.
  std::string Finish();

 private:
  alignas(8) unsigned char state_[128];  // SHA256_CTX, kept opaque to our headers
};

}  // namespace fabric

#endif  // FABRIC_LIB_BASE_SHA256_H_
