// PEM as Go's encoding/pem reads and writes it. Fabric decodes identities with
// pem.Decode, which takes the first well-formed block of any type, skips text around
// it and accepts headers; matching that decides which identities deserialize.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_IDENTITY_PEM_H_
#define FABRIC_LIB_IDENTITY_PEM_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace fabric::identity {

struct PemBlock {
  std::string type;
  std::string bytes;
  absl::string_view rest;  // the input after the block (points into the input)
};

// The first block in `data`, or nullopt when there is none (Go's pem.Decode).
std::optional<PemBlock> PemDecode(absl::string_view data);

// `der` as a PEM block of `type`, 64 base64 characters a line (Go's pem.EncodeToMemory).
std::string PemEncode(absl::string_view type, absl::string_view der);

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_PEM_H_
