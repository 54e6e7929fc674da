// Why bytes do not parse as a message. Protobuf's parser only answers yes or no; when it
// says no, DescribeParseFailure walks the wire format itself to name the first problem
// and where it is, e.g.
//   "field 2 (signature) at offset 57: length 71 exceeds the 12 bytes left"
//   "field 4 (channel_id): not valid UTF-8"
// Only called on failure, so it costs nothing on the fast path.
#ifndef FABRIC_LIB_WIRE_PARSE_ERROR_H_
#define FABRIC_LIB_WIRE_PARSE_ERROR_H_

#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace fabric::wire {

// A description of the first wire-format problem in `bytes` read as `type`.
std::string DescribeParseFailure(absl::string_view bytes, const google::protobuf::Descriptor& type);

// Parses `bytes` into `msg`. On failure: InvalidArgument "<where>: <N> bytes do not
// parse as <type>: <why>".
absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* msg,
                          absl::string_view where);

// The same with `where` in parts, joined only when the bytes do not parse (parsing is
// hot; its error context is not).
absl::Status ParseMessage(absl::string_view bytes, google::protobuf::Message* msg,
                          std::initializer_list<absl::string_view> where);

}  // namespace fabric::wire

#endif  // FABRIC_LIB_WIRE_PARSE_ERROR_H_
