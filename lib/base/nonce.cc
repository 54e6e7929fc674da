#include "lib/base/nonce.h"

#include <cstdint>

#include "openssl/rand.h"

namespace fabric {

absl::StatusOr<std::string> RandomNonce() {
  std::string nonce(kNonceSize, '\0');
  if (RAND_bytes(reinterpret_cast<uint8_t*>(nonce.data()), nonce.size()) != 1) {
    return absl::InternalError("no random bytes for a nonce");
  }
  return nonce;
}

}  // namespace fabric
