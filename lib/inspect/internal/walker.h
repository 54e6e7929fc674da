// The generic half of the renderer: a reflection walk over any protobuf message that
// produces configtxlator-style JSON, asking a RuleTable what to make of `bytes` fields
// that hold serialized messages (or certificates, hashes, ...).
//
// Rendering (what protojson does with UseProtoNames and EmitUnpopulated, as Fabric's
// protolator calls it): proto field names, fields in field-number order, every field
// present (unset messages as null, empty repeated as [], maps as objects sorted by key),
// unset oneof members omitted, enums by name (unknown values as numbers), 64-bit
// integers as strings, NaN/Infinity as strings, google.protobuf.Timestamp as RFC 3339.
// `bytes` are base64, or lowercase hex when the field name contains "hash", unless a
// rule says otherwise. Unknown fields come out as base64 under "unknown_fields".
//
// Not thread-safe: one Walker per rendering. The RuleTable is immutable and shared.
#ifndef FABRIC_LIB_INSPECT_INTERNAL_WALKER_H_
#define FABRIC_LIB_INSPECT_INTERNAL_WALKER_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace fabric::inspect::internal {

using Json = nlohmann::ordered_json;

// A message being rendered and where it sits.
struct Frame {
  const google::protobuf::Message& message;
  // What names this message in its parent, for rules that pick a type by it: the map
  // key for a map value (ConfigGroup.values["MSP"]), the slot name for a block metadata
  // slot ("SIGNATURES"); "" otherwise.
  absl::string_view label;
  const Frame* parent;  // nullptr at the top
};

// One `bytes` value a rule is asked about.
struct FieldValue {
  const Frame& frame;  // the message holding the field
  const google::protobuf::FieldDescriptor* field;
  int index;  // position in a repeated field, or -1
  absl::string_view bytes;
};

// What a rule made of a bytes value.
struct Decoded {
  enum class Kind { kDefault, kValue, kError };
  Kind kind = Kind::kDefault;
  Json value;                      // kValue: replaces the default rendering
  Json siblings = Json::object();  // kValue: keys added after the field (singular only)
  std::string error;               // kError: reported as "<field>_error"

  // The rule does not apply: render the bytes the default way.
  static Decoded Default() { return Decoded(); }
  static Decoded Value(Json value, Json siblings = Json::object());
  // Default rendering plus "<field>_error": message (for a repeated field,
  // "<field>_error" is an object from element index to message).
  static Decoded Error(std::string message);
};

class Walker;

struct FieldRule {
  // Renders one bytes value (each element of a repeated field). May be empty.
  std::function<Decoded(Walker&, const FieldValue&)> decode;
  // Adds computed keys to `object` right after the field. May be empty.
  std::function<void(const Frame&, Json& object)> annotate;
};

// Rules keyed by field (FieldDescriptor::full_name(), e.g. "common.Envelope.payload").
class RuleTable {
 public:
  // REQUIRES: `full_field_name` names a field of a generated message; no rule yet.
  void Add(std::string full_field_name, FieldRule rule);
  const FieldRule* Find(const google::protobuf::FieldDescriptor* field) const;

 private:
  absl::flat_hash_map<std::string, FieldRule> rules_;
};

class Walker {
 public:
  // Decoding bytes into messages nests at most this deep (each level of a parsed
  // message counts too); deeper values come out as base64 with an error.
  static constexpr int kMaxDepth = 200;

  explicit Walker(const RuleTable& rules) : rules_(rules) {}
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  // Renders `m`; `label` and `parent` as in Frame.
  Json Render(const google::protobuf::Message& m, absl::string_view label = "",
              const Frame* parent = nullptr);

  // Parses `bytes` as a message of `prototype`'s type and renders it; kError when it
  // does not parse or nesting is too deep. Empty bytes are an empty message, all
  // fields at their defaults (as in protolator).
  Decoded DecodeAs(const google::protobuf::Message& prototype, absl::string_view bytes,
                   const Frame* parent, absl::string_view label = "");

 private:
  void RenderField(const Frame& frame, const google::protobuf::FieldDescriptor* field, Json& out);
  void RenderBytesField(const Frame& frame, const google::protobuf::FieldDescriptor* field,
                        const FieldRule* rule, Json& out);
  Json RenderMap(const Frame& frame, const google::protobuf::FieldDescriptor* field);
  Json RenderValue(const Frame& frame, const google::protobuf::FieldDescriptor* field, int index);

  const RuleTable& rules_;
  int depth_ = 0;
};

// Default renderings, shared with the rules.
std::string Base64(absl::string_view bytes);
std::string Hex(absl::string_view bytes);
// Valid UTF-8 without control characters other than tab, CR and LF.
bool IsPrintableUtf8(absl::string_view s);

}  // namespace fabric::inspect::internal

#endif  // FABRIC_LIB_INSPECT_INTERNAL_WALKER_H_
