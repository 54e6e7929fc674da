#include "lib/policy/dsl.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/identity/combined_principal.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::policy {
namespace {

// Deeper nesting is refused: parsing, building and the protobuf messages built (whose
// destructor and serializer recurse per level) then fit in a small thread's stack. It
// is also as deep as protobuf's C++ parser reads by default.
constexpr int kMaxDepth = 100;

enum class Gate { kAnd, kOr, kOutOf };

// One parsed argument or gate, with the byte offset where it starts.
struct Node {
  enum class Kind { kGate, kString, kNumber };
  Node(Kind k, size_t p) : kind(k), pos(p) {}

  Kind kind;
  size_t pos;
  Gate gate = Gate::kAnd;
  std::vector<Node> args;  // kGate
  std::string text;        // kString: the unescaped contents; kNumber: the literal
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.'; }

bool IsNumberChar(char c) { return absl::ascii_isdigit(c) || c == '.'; }

bool IsQuote(char c) { return c == '\'' || c == '"'; }

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  absl::StatusOr<Node> ParsePolicy() {
    SkipSpace();
    const size_t start = pos_;
    FABRIC_ASSIGN_OR_RETURN(Node root, ParseArg(0));
    if (root.kind != Node::Kind::kGate) {
      return SyntaxError(start, "expected AND, OR or OutOf");
    }
    SkipSpace();
    if (pos_ != text_.size()) return SyntaxError(pos_, "expected end of input");
    return root;
  }

 private:
  static absl::Status SyntaxError(size_t pos, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("syntax error at position ", pos, ": ", what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  absl::StatusOr<Node> ParseArg(int depth) {
    SkipSpace();
    if (pos_ == text_.size()) {
      return SyntaxError(pos_, "expected AND, OR, OutOf, a quoted principal or a number");
    }
    const char c = text_[pos_];
    if (IsQuote(c)) return ParseString();
    if (IsNumberChar(c)) return ParseNumber();
    if (absl::ascii_isalpha(c)) return ParseGate(depth);
    return SyntaxError(pos_, "expected AND, OR, OutOf, a quoted principal or a number");
  }

  absl::StatusOr<Node> ParseString() {
    Node node(Node::Kind::kString, pos_);
    ++pos_;  // the opening quote
    while (pos_ < text_.size() && !IsQuote(text_[pos_])) {
      if (text_[pos_] == '\\') {
        if (++pos_ == text_.size()) break;
      }
      node.text.push_back(text_[pos_++]);
    }
    if (pos_ == text_.size()) return SyntaxError(node.pos, "unterminated quoted string");
    ++pos_;  // the closing quote
    return node;
  }

  absl::StatusOr<Node> ParseNumber() {
    Node node(Node::Kind::kNumber, pos_);
    while (pos_ < text_.size() && IsNumberChar(text_[pos_])) node.text.push_back(text_[pos_++]);
    return node;
  }

  absl::StatusOr<Node> ParseGate(int depth) {
    Node node(Node::Kind::kGate, pos_);
    const size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    const absl::string_view name = text_.substr(start, pos_ - start);
    if (name == "AND" || name == "And" || name == "and") {
      node.gate = Gate::kAnd;
    } else if (name == "OR" || name == "Or" || name == "or") {
      node.gate = Gate::kOr;
    } else if (name == "OutOf" || name == "outof" || name == "OUTOF") {
      node.gate = Gate::kOutOf;
    } else {
      return SyntaxError(start, absl::StrCat("unknown name '", name,
                                             "': expected AND, OR or OutOf (or And, and, Or, or, "
                                             "outof, OUTOF)"));
    }
    if (depth >= kMaxDepth) {
      return SyntaxError(start, absl::StrCat("gates nested deeper than ", kMaxDepth));
    }
    SkipSpace();
    if (pos_ == text_.size() || text_[pos_] != '(') return SyntaxError(pos_, "expected '('");
    ++pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ')') {
      return SyntaxError(pos_, "expected an argument");
    }
    while (true) {
      FABRIC_ASSIGN_OR_RETURN(Node arg, ParseArg(depth + 1));
      node.args.push_back(std::move(arg));
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ')') {
        ++pos_;
        return node;
      }
      return SyntaxError(pos_, "expected ',' or ')'");
    }
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

absl::Status PolicyError(size_t pos, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("invalid policy at position ", pos, ": ", what));
}

constexpr absl::string_view kRoleNames[] = {"member", "admin", "client", "peer", "orderer"};

// 'MSPID.role' as Fabric's principal regex reads it: ^([[:alnum:].-]+)[.](role)$. The
// MSP id may contain dots, so the role is what follows the last one.
absl::StatusOr<common::MSPPrincipal> ParsePrincipal(const Node& arg) {
  const std::string& s = arg.text;
  const size_t dot = s.rfind('.');
  bool ok = dot != std::string::npos && dot > 0;
  int role = -1;
  if (ok) {
    const absl::string_view name = absl::string_view(s).substr(dot + 1);
    for (int r = 0; r < 5; ++r) {
      if (name == kRoleNames[r]) role = r;
    }
    ok = role >= 0;
    for (size_t i = 0; ok && i < dot; ++i) {
      ok = absl::ascii_isalnum(s[i]) || s[i] == '.' || s[i] == '-';
    }
  }
  if (!ok) {
    return PolicyError(arg.pos, absl::StrCat("'", absl::CEscape(s),
                                             "' is not a principal 'MSPID.role' (MSPID of "
                                             "[A-Za-z0-9.-], role one of member, admin, client, "
                                             "peer, orderer)"));
  }
  common::MSPRole msp_role;
  msp_role.set_msp_identifier(s.substr(0, dot));
  msp_role.set_role(static_cast<common::MSPRole::MSPRoleType>(role));
  common::MSPPrincipal principal;
  principal.set_principal_classification(common::MSPPrincipal::ROLE);
  principal.set_principal(msp_role.SerializeAsString());
  return principal;
}

// OutOf's threshold: a number or a quoted number; a fraction is truncated.
absl::StatusOr<double> ParseThreshold(const Node& arg) {
  absl::string_view literal;
  if (arg.kind == Node::Kind::kNumber) {
    literal = arg.text;
  } else if (arg.kind == Node::Kind::kString) {
    literal = absl::StripAsciiWhitespace(arg.text);
  }
  const size_t dots = std::count(literal.begin(), literal.end(), '.');
  const bool numeric = dots <= 1 && literal.size() > dots &&
                       std::all_of(literal.begin(), literal.end(), IsNumberChar);
  if (!numeric) return PolicyError(arg.pos, "OutOf's first argument must be a number");
  return std::trunc(std::strtod(std::string(literal).c_str(), nullptr));
}

// Go's int(t) on amd64, which Fabric prints: the integer part, or the minimum int64
// when t does not fit (casting such a double in C++ is undefined).
int64_t ThresholdAsGoInt(double t) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  return t > -kTwoTo63 && t < kTwoTo63 ? static_cast<int64_t>(t)
                                       : std::numeric_limits<int64_t>::min();
}

// Builds the rule for `gate`, appending principals to `env` in Fabric's post-order.
absl::StatusOr<common::SignaturePolicy> Build(const Node& gate,
                                              common::SignaturePolicyEnvelope& env) {
  absl::Span<const Node> members = gate.args;
  double threshold = 0;
  if (gate.gate == Gate::kOutOf) {
    FABRIC_ASSIGN_OR_RETURN(threshold, ParseThreshold(gate.args[0]));
    members = members.subspan(1);
    if (members.empty()) {
      return PolicyError(gate.pos, "OutOf needs a threshold and at least one principal or gate");
    }
  } else {
    threshold = gate.gate == Gate::kOr ? 1 : static_cast<double>(members.size());
  }
  const size_t n = members.size();
  if (threshold > static_cast<double>(n) + 1) {
    return PolicyError(gate.pos, absl::StrCat("invalid t-out-of-n predicate, t ",
                                              ThresholdAsGoInt(threshold), ", n ", n));
  }

  // Nested gates first: their principals come before this gate's own.
  std::vector<common::SignaturePolicy> rules(n);
  for (size_t i = 0; i < n; ++i) {
    const Node& arg = members[i];
    if (arg.kind == Node::Kind::kGate) {
      FABRIC_ASSIGN_OR_RETURN(rules[i], Build(arg, env));
    } else if (arg.kind == Node::Kind::kNumber) {
      return PolicyError(arg.pos, "expected a principal or a gate, not a number");
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (members[i].kind != Node::Kind::kString) continue;
    FABRIC_ASSIGN_OR_RETURN(common::MSPPrincipal principal, ParsePrincipal(members[i]));
    rules[i].set_signed_by(env.identities_size());
    *env.add_identities() = std::move(principal);
  }

  common::SignaturePolicy rule;
  common::SignaturePolicy::NOutOf* n_out_of = rule.mutable_n_out_of();
  n_out_of->set_n(static_cast<int32_t>(threshold));
  for (common::SignaturePolicy& r : rules) *n_out_of->add_rules() = std::move(r);
  return rule;
}

std::string Quote(absl::string_view s) { return absl::StrCat("'", absl::CEscape(s), "'"); }

// One principal that is not COMBINED, or nullopt if its bytes do not parse.
std::optional<std::string> LeafToDsl(int classification, absl::string_view bytes) {
  switch (classification) {
    case common::MSPPrincipal::ROLE: {
      common::MSPRole role;
      if (!role.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) break;
      const int r = role.role();
      const std::string name =
          r >= 0 && r < 5 ? std::string(kRoleNames[r]) : absl::StrCat("role", r);
      return Quote(absl::StrCat(role.msp_identifier(), ".", name));
    }
    case common::MSPPrincipal::ORGANIZATION_UNIT: {
      common::OrganizationUnit ou;
      if (!ou.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) break;
      return absl::StrCat("OU(", Quote(ou.msp_identifier()), ", ",
                          Quote(ou.organizational_unit_identifier()), ")");
    }
    case common::MSPPrincipal::IDENTITY: {
      msp::SerializedIdentity id;
      if (!id.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) break;
      return absl::StrCat("Identity(", Quote(id.mspid()),
                          ", 'sha256:", absl::BytesToHexString(Sha256(id.id_bytes())), "')");
    }
    case common::MSPPrincipal::ANONYMITY: {
      common::MSPIdentityAnonymity a;
      if (!a.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) break;
      return a.anonymity_type() == common::MSPIdentityAnonymity::ANONYMOUS ? "Anonymity(anonymous)"
                                                                           : "Anonymity(nominal)";
    }
    default:
      break;
  }
  return std::nullopt;
}

using identity::PrincipalView;

// Prints rule trees into at most about `max_bytes`; deep COMBINED principals and deep
// rules are walked with explicit stacks.
class DslPrinter {
 public:
  DslPrinter(const RuleTree& tree, size_t max_bytes)
      : tree_(tree), max_bytes_(max_bytes), identity_text_(tree.identities.size()) {}

  std::string Print() {
    if (!tree_.has_rule) return "<no rule>";
    struct Item {
      uint32_t rule;
      uint32_t next;  // NOutOf: the next sub-rule to print
    };
    std::vector<Item> stack = {{0, 0}};
    while (!stack.empty() && !Full()) {
      Item& item = stack.back();
      const RuleTree::Rule& rule = tree_.rules[item.rule];
      if (rule.kind != RuleTree::Rule::Kind::kNOutOf) {
        Leaf(rule);
        stack.pop_back();
        continue;
      }
      if (item.next == 0) Open(rule);
      if (item.next == rule.num_children) {
        out_ += ")";
        stack.pop_back();
        continue;
      }
      if (item.next > 0) out_ += ", ";
      const uint32_t child = rule.first_child + item.next++;
      stack.push_back({child, 0});
    }
    if (Full()) {
      out_.resize(max_bytes_);
      out_ += "...";
    }
    return std::move(out_);
  }

 private:
  bool Full() const { return out_.size() > max_bytes_; }

  void Open(const RuleTree::Rule& rule) {
    const int32_t count = static_cast<int32_t>(rule.num_children);
    if (count > 1 && rule.value == count) {
      out_ += "AND(";
    } else if (count > 0 && rule.value == 1) {
      out_ += "OR(";
    } else {
      absl::StrAppend(&out_, "OutOf(", rule.value, count > 0 ? ", " : "");
    }
  }

  void Leaf(const RuleTree::Rule& rule) {
    if (rule.kind == RuleTree::Rule::Kind::kNone) {
      out_ += "<empty rule>";
      return;
    }
    const int32_t i = rule.value;
    if (i < 0 || static_cast<size_t>(i) >= tree_.identities.size()) {
      absl::StrAppend(&out_, "SignedBy(", i, ")");
      return;
    }
    // Each identity is rendered once, however many rules name it.
    std::optional<std::string>& text = identity_text_[i];
    if (!text.has_value()) {
      const common::MSPPrincipal& p = tree_.identities[i];
      text = PrincipalToDsl({p.principal_classification(), p.principal()});
    }
    out_.append(*text, 0, max_bytes_ + 1 - std::min(out_.size(), max_bytes_));
  }

  // Renders up to the printer's limit; COMBINED members in order, iteratively.
  std::string PrincipalToDsl(PrincipalView root) const {
    if (root.classification != common::MSPPrincipal::COMBINED) {
      if (std::optional<std::string> leaf = LeafToDsl(root.classification, root.principal)) {
        return *std::move(leaf);
      }
    }
    std::string text;
    // Either text to emit or a principal to render.
    struct Item {
      absl::string_view literal;
      std::optional<PrincipalView> principal;
    };
    std::vector<Item> stack = {{"", root}};
    while (!stack.empty() && text.size() <= max_bytes_) {
      Item item = stack.back();
      stack.pop_back();
      if (!item.principal.has_value()) {
        text.append(item.literal.data(), item.literal.size());
        continue;
      }
      const PrincipalView p = *item.principal;
      std::vector<PrincipalView> members;
      bool combined = false;
      if (p.classification == common::MSPPrincipal::COMBINED) {
        combined = identity::ReadCombinedMembers(p.principal, members);
      } else if (std::optional<std::string> leaf = LeafToDsl(p.classification, p.principal)) {
        text += *leaf;
        continue;
      }
      if (!combined) {
        absl::StrAppend(&text, "Principal(", p.classification, ", ", p.principal.size(),
                        " bytes)");
        continue;
      }
      text += "Combined(";
      stack.push_back({")", std::nullopt});
      for (size_t k = members.size(); k > 0; --k) {
        stack.push_back({"", members[k - 1]});
        if (k > 1) stack.push_back({", ", std::nullopt});
      }
    }
    return text;
  }

  const RuleTree& tree_;
  const size_t max_bytes_;
  std::vector<std::optional<std::string>> identity_text_;
  std::string out_;
};

}  // namespace

absl::StatusOr<common::SignaturePolicyEnvelope> CompileDsl(absl::string_view text) {
  Parser parser(text);
  FABRIC_ASSIGN_OR_RETURN(Node root, parser.ParsePolicy());
  common::SignaturePolicyEnvelope env;
  FABRIC_ASSIGN_OR_RETURN(*env.mutable_rule(), Build(root, env));
  return env;
}

std::string ToDsl(const RuleTree& tree, size_t max_bytes) {
  return DslPrinter(tree, max_bytes).Print();
}

std::string ToDsl(const common::SignaturePolicyEnvelope& envelope, size_t max_bytes) {
  return ToDsl(FlattenRuleTree(envelope), max_bytes);
}

absl::StatusOr<common::ImplicitMetaPolicy> ParseImplicitMeta(absl::string_view text) {
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ' ');
  if (parts.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected two space separated tokens, but got ", parts.size()));
  }
  common::ImplicitMetaPolicy policy;
  policy.set_sub_policy(std::string(parts[1]));
  if (parts[0] == "ANY") {
    policy.set_rule(common::ImplicitMetaPolicy::ANY);
  } else if (parts[0] == "ALL") {
    policy.set_rule(common::ImplicitMetaPolicy::ALL);
  } else if (parts[0] == "MAJORITY") {
    policy.set_rule(common::ImplicitMetaPolicy::MAJORITY);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown rule type '", parts[0], "', expected ALL, ANY, or MAJORITY"));
  }
  return policy;
}

std::string ImplicitMetaToString(const common::ImplicitMetaPolicy& policy) {
  std::string rule;
  switch (policy.rule()) {
    case common::ImplicitMetaPolicy::ANY:
      rule = "ANY";
      break;
    case common::ImplicitMetaPolicy::ALL:
      rule = "ALL";
      break;
    case common::ImplicitMetaPolicy::MAJORITY:
      rule = "MAJORITY";
      break;
    default:
      rule = absl::StrCat(static_cast<int>(policy.rule()));
  }
  return absl::StrCat(rule, " ", policy.sub_policy());
}

}  // namespace fabric::policy
