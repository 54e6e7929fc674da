#include "lib/identity/internal/yaml.h"

#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/base/status_macros.h"

namespace fabric::identity::internal {
namespace {

// One meaningful line: its indentation and its text without comment or trailing blanks.
struct Line {
  int indent = 0;
  std::string text;
  int number = 0;  // 1-based, for messages
};

absl::Status Error(int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("YAML line ", line, ": ", what));
}

bool IsListItem(absl::string_view text) { return text == "-" || absl::StartsWith(text, "- "); }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

// Reads a quoted scalar at the start of `text` (which begins with ' or "). Returns the
// number of characters consumed, or 0 if the quote is not closed or an escape is bad.
size_t ReadQuoted(absl::string_view text, std::string* out) {
  const char quote = text[0];
  size_t i = 1;
  while (i < text.size()) {
    char c = text[i];
    if (quote == '\'' && c == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        out->push_back('\'');
        i += 2;
        continue;
      }
      return i + 1;
    }
    if (quote == '"' && c == '"') return i + 1;
    if (quote == '"' && c == '\\') {
      if (i + 1 >= text.size()) return 0;
      char e = text[i + 1];
      i += 2;
      // Single-character escapes, and the \x, \u, \U code points.
      static constexpr char kEscapes[] = "\\\"/ 0abefnrtv";
      static constexpr char kMeanings[] = "\\\"/ \0\a\b\x1b\f\n\r\t\v";
      int hex_digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      if (hex_digits == 0) {
        const char* at = e == '\0' ? nullptr : std::strchr(kEscapes, e);
        if (at == nullptr) return 0;
        out->push_back(kMeanings[at - kEscapes]);
      } else {
        if (i + hex_digits > text.size()) return 0;
        uint32_t cp = 0;
        for (int k = 0; k < hex_digits; ++k) {
          char h = text[i + k];
          if (!absl::ascii_isxdigit(static_cast<unsigned char>(h))) return 0;
          cp = cp * 16 + static_cast<uint32_t>(absl::ascii_isdigit(static_cast<unsigned char>(h))
                                                   ? h - '0'
                                                   : absl::ascii_tolower(h) - 'a' + 10);
        }
        if (cp > 0x10ffff) return 0;
        AppendUtf8(cp, out);
        i += hex_digits;
      }
      continue;
    }
    out->push_back(c);
    ++i;
  }
  return 0;
}

// `text` without a trailing comment: a '#' at the start or after a blank, outside a
// quoted scalar (one that starts a token).
std::string StripComment(absl::string_view text) {
  char prev = ' ';
  char token_end = ' ';  // the last non-blank before the current position
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#' && (prev == ' ' || prev == '\t')) return std::string(text.substr(0, i));
    if ((c == '"' || c == '\'') && (token_end == ' ' || token_end == ':' || token_end == '-') &&
        (prev == ' ' || prev == '\t' || i == 0)) {
      std::string ignored;
      size_t n = ReadQuoted(text.substr(i), &ignored);
      if (n == 0) return std::string(text);  // reported when the scalar is read
      i += n - 1;
      prev = token_end = text[i];
      continue;
    }
    if (c != ' ' && c != '\t') token_end = c;
    prev = c;
  }
  return std::string(text);
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  absl::StatusOr<YamlNode> Document() {
    if (lines_.empty()) return YamlNode{};
    FABRIC_ASSIGN_OR_RETURN(YamlNode root, Block(lines_[0].indent));
    if (pos_ < lines_.size()) return Error(lines_[pos_].number, "unexpected indentation");
    return root;
  }

 private:
  // The node whose first line is lines_[pos_], at `indent`. Nesting is bounded (each
  // level is a recursion here, and "- - - ..." nests one level per two bytes): MSP
  // config files are a few levels deep.
  absl::StatusOr<YamlNode> Block(int indent) {
    if (depth_ >= kMaxDepth) {
      return Error(lines_[pos_].number, absl::StrCat("nested deeper than ", kMaxDepth, " levels"));
    }
    ++depth_;
    absl::StatusOr<YamlNode> node = BlockAt(indent);
    --depth_;
    return node;
  }

  absl::StatusOr<YamlNode> BlockAt(int indent) {
    const Line& line = lines_[pos_];
    if (IsListItem(line.text)) return List(indent);
    std::string key, rest;
    FABRIC_ASSIGN_OR_RETURN(bool is_pair, SplitKey(line, &key, &rest));
    if (is_pair) return Map(indent);
    ++pos_;
    return Scalar(line.text, line.number);
  }

  // The value after "key:" on the line before lines_[pos_]; `rest` is what followed
  // the colon on that line.
  absl::StatusOr<YamlNode> ValueAfter(const std::string& rest, int indent, int number) {
    if (!rest.empty()) {
      FABRIC_ASSIGN_OR_RETURN(YamlNode value, Scalar(rest, number));
      if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
        return Error(lines_[pos_].number, "multi-line scalars are not supported");
      }
      return value;
    }
    if (pos_ < lines_.size() && (lines_[pos_].indent > indent || (lines_[pos_].indent == indent &&
                                                                  IsListItem(lines_[pos_].text)))) {
      return Block(lines_[pos_].indent);
    }
    return YamlNode{};
  }

  absl::StatusOr<YamlNode> Map(int indent) {
    YamlNode node;
    node.kind = YamlNode::Kind::kMap;
    while (pos_ < lines_.size() && lines_[pos_].indent >= indent) {
      const Line& line = lines_[pos_];
      if (line.indent > indent) return Error(line.number, "unexpected indentation");
      if (IsListItem(line.text)) return Error(line.number, "list item inside a mapping");
      std::string key, rest;
      FABRIC_ASSIGN_OR_RETURN(bool is_pair, SplitKey(line, &key, &rest));
      if (!is_pair) return Error(line.number, "expected \"key: value\"");
      const int number = line.number;
      ++pos_;
      FABRIC_ASSIGN_OR_RETURN(YamlNode value, ValueAfter(rest, indent, number));
      node.map.emplace_back(std::move(key), std::move(value));
    }
    return node;
  }

  absl::StatusOr<YamlNode> List(int indent) {
    YamlNode node;
    node.kind = YamlNode::Kind::kList;
    while (pos_ < lines_.size() && lines_[pos_].indent >= indent) {
      Line& line = lines_[pos_];
      if (line.indent > indent) return Error(line.number, "unexpected indentation");
      if (!IsListItem(line.text)) break;  // the next key of a mapping at this indent
      absl::string_view after = absl::string_view(line.text).substr(1);
      size_t blanks = after.find_first_not_of(' ');
      if (blanks == absl::string_view::npos) {
        ++pos_;
        if (pos_ < lines_.size() && lines_[pos_].indent > indent) {
          FABRIC_ASSIGN_OR_RETURN(YamlNode item, Block(lines_[pos_].indent));
          node.list.push_back(std::move(item));
        } else {
          node.list.emplace_back();
        }
        continue;
      }
      // "- key: value" opens a mapping whose keys line up with "key".
      line.indent = indent + 1 + static_cast<int>(blanks);
      line.text = std::string(after.substr(blanks));
      FABRIC_ASSIGN_OR_RETURN(YamlNode item, Block(line.indent));
      node.list.push_back(std::move(item));
    }
    return node;
  }

  // Whether `line` is "key: rest" (or "key:"), filling `key` and `rest`.
  static absl::StatusOr<bool> SplitKey(const Line& line, std::string* key, std::string* rest) {
    absl::string_view text = line.text;
    size_t colon;
    if (text[0] == '"' || text[0] == '\'') {
      std::string quoted;
      size_t n = ReadQuoted(text, &quoted);
      if (n == 0) return Error(line.number, "unterminated quoted scalar");
      if (n >= text.size() || text[n] != ':') return false;
      colon = n;
      *key = std::move(quoted);
    } else {
      colon = text.find(": ");
      if (colon == absl::string_view::npos) {
        if (text.back() != ':') return false;
        colon = text.size() - 1;
      }
      if (text[0] == '?') return Error(line.number, "complex keys are not supported");
      *key = std::string(absl::StripTrailingAsciiWhitespace(text.substr(0, colon)));
    }
    if (colon + 1 < text.size() && text[colon + 1] != ' ') return false;
    *rest = std::string(absl::StripAsciiWhitespace(text.substr(colon + 1)));
    return true;
  }

  static absl::StatusOr<YamlNode> Scalar(absl::string_view text, int number) {
    YamlNode node;
    if (text[0] == '"' || text[0] == '\'') {
      size_t n = ReadQuoted(text, &node.scalar);
      if (n == 0) return Error(number, "unterminated quoted scalar or bad escape");
      if (n != text.size()) return Error(number, "text after a quoted scalar");
      node.kind = YamlNode::Kind::kScalar;
      node.quoted = true;
      return node;
    }
    if (text == "[]") {
      node.kind = YamlNode::Kind::kList;
      return node;
    }
    if (text == "{}") {
      node.kind = YamlNode::Kind::kMap;
      return node;
    }
    if (absl::string_view("[{&*!|>%@`").find(text[0]) != absl::string_view::npos) {
      return Error(number, absl::StrCat("unsupported YAML construct \"", text, "\""));
    }
    if (text == "?" || absl::StartsWith(text, "? ")) {
      return Error(number, "complex keys are not supported");
    }
    if (text == "~" || text == "null" || text == "Null" || text == "NULL") return node;
    node.kind = YamlNode::Kind::kScalar;
    node.scalar = std::string(text);
    return node;
  }

  static constexpr int kMaxDepth = 100;

  std::vector<Line> lines_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

const YamlNode* YamlNode::Get(absl::string_view key) const {
  const YamlNode* found = nullptr;
  for (const auto& [k, v] : map) {
    if (k == key) found = &v;
  }
  return found;
}

absl::StatusOr<YamlNode> ParseYaml(absl::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  bool seen_content = false;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    size_t indent = raw.find_first_not_of(' ');
    if (indent == absl::string_view::npos) continue;
    if (raw[indent] == '\t') return Error(number, "tab in indentation");
    std::string body = StripComment(raw.substr(indent));
    absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(body);
    if (trimmed.empty()) continue;
    if (indent == 0 && (trimmed == "---" || absl::StartsWith(trimmed, "--- "))) {
      if (seen_content) break;  // a second document: yaml.v2 reads only the first
      seen_content = true;
      if (trimmed == "---") continue;
      trimmed.remove_prefix(4);
      trimmed = absl::StripLeadingAsciiWhitespace(trimmed);
      indent = 4;
    }
    if (indent == 0 && trimmed == "...") break;
    if (indent == 0 && trimmed[0] == '%') return Error(number, "directives are not supported");
    seen_content = true;
    lines.push_back(Line{static_cast<int>(indent), std::string(trimmed), number});
  }
  return Parser(std::move(lines)).Document();
}

absl::StatusOr<bool> YamlBool(const YamlNode& node) {
  if (node.kind == YamlNode::Kind::kNull) return false;
  if (node.kind == YamlNode::Kind::kScalar && !node.quoted) {
    for (const char* t :
         {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
      if (node.scalar == t) return true;
    }
    for (const char* f :
         {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
      if (node.scalar == f) return false;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("YAML: cannot read \"", node.scalar, "\" as a boolean"));
}

absl::StatusOr<std::string> YamlString(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      return std::string();
    case YamlNode::Kind::kScalar:
      return node.scalar;
    default:
      return absl::InvalidArgumentError("YAML: expected a scalar, found a mapping or list");
  }
}

}  // namespace fabric::identity::internal
