// Nonces as Fabric makes them (crypto.GetRandomNonce): 24 bytes from the system's
// cryptographic random source, for signature headers of proposals, transactions,
// orderer signatures and genesis blocks.
//
// Thread safety: may be called from any thread.
#ifndef FABRIC_LIB_BASE_NONCE_H_
#define FABRIC_LIB_BASE_NONCE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace fabric {

inline constexpr size_t kNonceSize = 24;

// Internal if the random source fails.
absl::StatusOr<std::string> RandomNonce();

}  // namespace fabric

#endif  // FABRIC_LIB_BASE_NONCE_H_
