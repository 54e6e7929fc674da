// A reader for the block-style YAML subset MSP config.yaml files are written in:
// mappings, sequences ("- " items, mappings inside them), and single-line scalars
// (plain, 'single' or "double" quoted), with comments and a leading "---". Flow
// collections other than the empty [] and {}, anchors, tags and multi-line scalars are
// refused with InvalidArgument rather than misread.
//
//   absl::StatusOr<YamlNode> doc = ParseYaml(text);
//   const YamlNode* ous = doc->Get("NodeOUs");
//
// Thread safety: stateless; a YamlNode is a plain value.
#ifndef FABRIC_LIB_IDENTITY_INTERNAL_YAML_H_
#define FABRIC_LIB_IDENTITY_INTERNAL_YAML_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::identity::internal {

struct YamlNode {
  enum class Kind { kNull, kScalar, kMap, kList };
  Kind kind = Kind::kNull;
  std::string scalar;   // kScalar: the text, quotes and escapes resolved
  bool quoted = false;  // kScalar: written in quotes (so never a bool or null)
  std::vector<std::pair<std::string, YamlNode>> map;  // kMap, in file order
  std::vector<YamlNode> list;                         // kList

  // The value of `key` in a mapping (the last one if repeated); nullptr if absent or
  // this is not a mapping.
  const YamlNode* Get(absl::string_view key) const;
};

// The document in `text`; an empty document is a kNull node.
absl::StatusOr<YamlNode> ParseYaml(absl::string_view text);

// A YAML 1.1 boolean as Go's yaml.v2 reads one into a bool field: true/false, yes/no,
// on/off, y/n in their lower, Capitalized and UPPER forms; null reads as false.
// InvalidArgument for anything else (quoted scalars, mappings, lists).
absl::StatusOr<bool> YamlBool(const YamlNode& node);

// A scalar read into a string field: its text; null reads as "". InvalidArgument for a
// mapping or list.
absl::StatusOr<std::string> YamlString(const YamlNode& node);

}  // namespace fabric::identity::internal

#endif  // FABRIC_LIB_IDENTITY_INTERNAL_YAML_H_
