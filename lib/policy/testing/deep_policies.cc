#include "lib/policy/testing/deep_policies.h"

#include <cstddef>
#include <vector>

#include "lib/wire/proto/policies.pb.h"

namespace fabric::testing {
namespace {

size_t VarintSize(size_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

void AppendVarint(std::string& out, size_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
}

// Wraps `inner` in `levels` rounds of `layers` (innermost first), each layer a fixed
// head then a length-delimited field holding what it wraps: sizes are computed inside
// out, bytes written outside in.
struct Layer {
  std::string head;  // bytes before the inner field's tag
  char tag;          // the inner field's tag
};

std::string Wrap(const std::string& inner, const std::vector<Layer>& layer, int levels) {
  const size_t n = layer.size();
  std::vector<size_t> step(levels * n + 1);
  step[0] = inner.size();
  for (size_t s = 1; s < step.size(); ++s) {
    const Layer& l = layer[(s - 1) % n];
    step[s] = l.head.size() + 1 + VarintSize(step[s - 1]) + step[s - 1];
  }
  std::string out;
  out.reserve(step.back());
  for (size_t s = step.size() - 1; s > 0; --s) {
    const Layer& l = layer[(s - 1) % n];
    out += l.head;
    out.push_back(l.tag);
    AppendVarint(out, step[s - 1]);
  }
  out += inner;
  return out;
}

}  // namespace

std::string NestedRuleEnvelope(int levels, const common::MSPPrincipal& identity) {
  // SignaturePolicy{n_out_of(2): NOutOf{n(1): 1, rules(2): SignaturePolicy}}.
  const std::string signed_by_0("\x08\x00", 2);
  const std::string rule =
      Wrap(signed_by_0, {{std::string("\x08\x01", 2), '\x12'}, {"", '\x12'}}, levels);
  std::string envelope;
  envelope.push_back('\x12');  // rule
  AppendVarint(envelope, rule.size());
  envelope += rule;
  const std::string id = identity.SerializeAsString();
  envelope.push_back('\x1a');  // identities
  AppendVarint(envelope, id.size());
  envelope += id;
  return envelope;
}

common::MSPPrincipal NestedCombined(int levels, const common::MSPPrincipal& leaf) {
  // MSPPrincipal{classification(1): COMBINED, principal(2): CombinedPrincipal{
  //   principals(1): MSPPrincipal}}; the outermost layer is returned as a message.
  if (levels == 0) return leaf;
  const std::string combined_head("\x08\x04", 2);
  const std::string inner =
      Wrap(leaf.SerializeAsString(), {{"", '\x0a'}, {combined_head, '\x12'}}, levels - 1);
  std::string outer;
  outer.push_back('\x0a');
  AppendVarint(outer, inner.size());
  outer += inner;
  common::MSPPrincipal p;
  p.set_principal_classification(common::MSPPrincipal::COMBINED);
  p.set_principal(outer);
  return p;
}

common::MSPPrincipal MemberOf(const std::string& mspid) {
  common::MSPRole role;
  role.set_msp_identifier(mspid);
  role.set_role(common::MSPRole::MEMBER);
  common::MSPPrincipal p;
  p.set_principal_classification(common::MSPPrincipal::ROLE);
  p.set_principal(role.SerializeAsString());
  return p;
}

}  // namespace fabric::testing
