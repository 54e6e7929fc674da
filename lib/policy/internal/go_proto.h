// Parsing protobuf bytes the way Fabric's Go code does.
#ifndef FABRIC_LIB_POLICY_INTERNAL_GO_PROTO_H_
#define FABRIC_LIB_POLICY_INTERNAL_GO_PROTO_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/message_lite.h"

namespace fabric::policy::internal {

// Go's protobuf accepts messages nested up to 10000 deep (protowire's
// DefaultRecursionLimit); C++ stops at 100 by default. Policies nest a message level per
// NOutOf and per rule, so a policy Fabric accepts may be deeper than C++'s default.
inline constexpr int kGoRecursionLimit = 10000;

// Parses `bytes` into `message` (which is cleared first) with Go's nesting limit.
inline bool ParseLikeGo(absl::string_view bytes, google::protobuf::MessageLite* message) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  in.SetRecursionLimit(kGoRecursionLimit);
  return message->ParseFromCodedStream(&in);
}

}  // namespace fabric::policy::internal

#endif  // FABRIC_LIB_POLICY_INTERNAL_GO_PROTO_H_
