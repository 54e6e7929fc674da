// Protobuf serialization with map entries in key order, so that equal messages (unknown
// fields included) always give equal bytes. Fabric marshals with Go's protobuf, whose
// map order is not fixed; where a map is serialized (a transient map, a config's ACLs),
// sorted order is one of the orders Go may produce and the only reproducible one.
//
// Thread safety: stateless.
#ifndef FABRIC_LIB_WIRE_MARSHAL_H_
#define FABRIC_LIB_WIRE_MARSHAL_H_

#include <string>

#include "google/protobuf/message_lite.h"

namespace fabric::wire {

std::string MarshalDeterministic(const google::protobuf::MessageLite& message);

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_MARSHAL_H_
