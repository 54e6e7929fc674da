// Msp::SatisfiesPrincipal: Fabric's SatisfiesPrincipal with collectPrincipals and
// satisfiesPrincipalInternalV142 -> V13 -> PreV13 (msp/mspimpl.go).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/identity/combined_principal.h"
#include "lib/identity/msp.h"
#include "lib/wire/field_reader.h"

namespace fabric::identity {
namespace {

std::string RoleName(int role) {
  if (common::MSPRole_MSPRoleType_IsValid(role)) {
    return common::MSPRole_MSPRoleType_Name(static_cast<common::MSPRole::MSPRoleType>(role));
  }
  return std::to_string(role);
}

// COMBINED principals flattened depth first, left to right (Fabric's collectPrincipals),
// with an explicit stack so deep nesting cannot exhaust ours, and nested principals read
// as views, so each byte is read once however deep they nest (parsing each level into
// messages copies the rest of the bytes per level: quadratic in the depth).
absl::StatusOr<std::vector<common::MSPPrincipal>> Collect(const common::MSPPrincipal& root) {
  std::vector<common::MSPPrincipal> out;
  std::vector<PrincipalView> stack = {{root.principal_classification(), root.principal()}};
  std::vector<PrincipalView> members;
  while (!stack.empty()) {
    const PrincipalView p = stack.back();
    stack.pop_back();
    if (p.classification != common::MSPPrincipal::COMBINED) {
      common::MSPPrincipal& leaf = out.emplace_back();
      leaf.set_principal_classification(
          static_cast<common::MSPPrincipal::Classification>(p.classification));
      leaf.set_principal(std::string(p.principal));
      continue;
    }
    members.clear();
    if (!ReadCombinedMembers(p.principal, members)) {
      return absl::InvalidArgumentError("could not unmarshal CombinedPrincipal from principal");
    }
    if (members.empty()) return absl::InvalidArgumentError("No principals in CombinedPrincipal");
    stack.insert(stack.end(), members.rbegin(), members.rend());
  }
  return out;
}

}  // namespace

bool ReadCombinedMembers(absl::string_view combined, std::vector<PrincipalView>& out) {
  wire::FieldReader r(combined);
  while (r.Next()) {
    if (r.number() != 1 || r.wire_type() != wire::FieldReader::kBytes) continue;
    PrincipalView& member = out.emplace_back();
    wire::FieldReader m(r.bytes());
    while (m.Next()) {
      if (m.number() == 1 && m.wire_type() == wire::FieldReader::kVarint) {
        member.classification = static_cast<int32_t>(m.varint());
      } else if (m.number() == 2 && m.wire_type() == wire::FieldReader::kBytes) {
        member.principal = m.bytes();
      }
    }
    if (!m.ok()) return false;
  }
  return r.ok();
}

absl::Status Msp::SatisfiesPrincipal(const Identity& id,
                                     const common::MSPPrincipal& principal) const {
  absl::StatusOr<std::vector<common::MSPPrincipal>> all = Collect(principal);
  if (!all.ok()) return all.status();
  for (const common::MSPPrincipal& p : *all) {
    if (absl::Status st = SatisfiesOne(id, p); !st.ok()) return st;
  }
  return absl::OkStatus();
}

bool Msp::IsAdmin(const Identity& id) const {
  return std::find(admins_.begin(), admins_.end(), id.cert_der()) != admins_.end();
}

// Fabric's hasOURole: the identity carries the node OU of `role` (by name only).
absl::Status Msp::HasNodeOu(const std::vector<OuIdentifier>& ous, int role) const {
  if (!ou_enforcement_) {
    return absl::PermissionDeniedError("NodeOUs not activated. Cannot tell apart identities.");
  }
  const std::optional<NodeOu>* node = nullptr;
  switch (role) {
    case common::MSPRole::CLIENT:
      node = &client_ou_;
      break;
    case common::MSPRole::PEER:
      node = &peer_ou_;
      break;
    case common::MSPRole::ADMIN:
      node = &admin_ou_;
      break;
    case common::MSPRole::ORDERER:
      node = &orderer_ou_;
      break;
    default:
      return absl::InvalidArgumentError(
          "Invalid MSPRoleType. It must be CLIENT, PEER, ADMIN or ORDERER");
  }
  if (!node->has_value()) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot test for classification, node ou for type [", RoleName(role),
                     "], not defined, msp: [", name_, "]"));
  }
  for (const OuIdentifier& ou : ous) {
    if (ou.organizational_unit == (*node)->organizational_unit) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      absl::StrCat("The identity does not contain OU [", RoleName(role), "], MSP: [", name_, "]"));
}

absl::Status Msp::SatisfiesRole(const Identity& id, const common::MSPPrincipal& principal) const {
  common::MSPRole role;
  if (!role.ParseFromString(principal.principal())) {
    return absl::InvalidArgumentError("could not unmarshal MSPRole from principal");
  }
  if (role.msp_identifier() != name_) {
    return absl::PermissionDeniedError(
        absl::StrCat("the identity is a member of a different MSP (expected ",
                     role.msp_identifier(), ", got ", id.mspid(), ")"));
  }
  const int r = role.role();
  const std::string valid_prefix =
      absl::StrCat("The identity is not valid under this MSP [", name_, "]");
  if (r == common::MSPRole::ADMIN) {
    if (IsAdmin(id)) return absl::OkStatus();
    if (!ou_enforcement_) return absl::PermissionDeniedError("This identity is not an admin");
  }
  if (r == common::MSPRole::MEMBER) return Validate(id);
  if (r == common::MSPRole::ORDERER && !ou_enforcement_) {
    return absl::InvalidArgumentError(absl::StrCat("invalid MSP role type ", r));
  }
  if (r != common::MSPRole::ADMIN && r != common::MSPRole::ORDERER &&
      r != common::MSPRole::CLIENT && r != common::MSPRole::PEER) {
    return absl::InvalidArgumentError(absl::StrCat("invalid MSP role type ", r));
  }
  std::shared_ptr<const internal::ValidationResult> v = ValidationOf(id);
  if (!v->status.ok()) return Prefixed(valid_prefix, v->status);
  if (absl::Status st = HasNodeOu(v->ous, r); !st.ok()) {
    return Prefixed(r == common::MSPRole::ADMIN
                        ? absl::StrCat("The identity is not an admin under this MSP [", name_, "]")
                        : absl::StrCat("The identity is not a [", RoleName(r), "] under this MSP [",
                                       name_, "]"),
                    st);
  }
  return absl::OkStatus();
}

absl::Status Msp::SatisfiesOne(const Identity& id, const common::MSPPrincipal& principal) const {
  switch (principal.principal_classification()) {
    case common::MSPPrincipal::ROLE:
      return SatisfiesRole(id, principal);
    case common::MSPPrincipal::COMBINED:
      return absl::InvalidArgumentError(
          "SatisfiesPrincipalInternal shall not be called with a CombinedPrincipal");
    case common::MSPPrincipal::ANONYMITY: {
      common::MSPIdentityAnonymity anon;
      if (!anon.ParseFromString(principal.principal())) {
        return absl::InvalidArgumentError(
            "could not unmarshal MSPIdentityAnonymity from principal");
      }
      switch (anon.anonymity_type()) {
        case common::MSPIdentityAnonymity::NOMINAL:
          return absl::OkStatus();
        case common::MSPIdentityAnonymity::ANONYMOUS:
          return absl::PermissionDeniedError(
              "Principal is anonymous, but X.509 MSP does not support anonymous identities");
        default:
          return absl::InvalidArgumentError(
              absl::StrCat("Unknown principal anonymity type: ", anon.anonymity_type()));
      }
    }
    case common::MSPPrincipal::IDENTITY: {
      absl::StatusOr<std::shared_ptr<const Identity>> other = Deserialize(principal.principal());
      if (!other.ok()) {
        return Prefixed("invalid identity principal, not a certificate", other.status());
      }
      if (id.cert_der() != (*other)->cert_der()) {
        return absl::PermissionDeniedError("The identities do not match");
      }
      return Validate(**other);
    }
    case common::MSPPrincipal::ORGANIZATION_UNIT: {
      common::OrganizationUnit ou;
      if (!ou.ParseFromString(principal.principal())) {
        return absl::InvalidArgumentError("could not unmarshal OrganizationUnit from principal");
      }
      if (ou.msp_identifier() != name_) {
        return absl::PermissionDeniedError(
            absl::StrCat("the identity is a member of a different MSP (expected ",
                         ou.msp_identifier(), ", got ", id.mspid(), ")"));
      }
      std::shared_ptr<const internal::ValidationResult> v = ValidationOf(id);
      if (!v->status.ok()) return v->status;
      for (const OuIdentifier& mine : v->ous) {
        if (mine.organizational_unit == ou.organizational_unit_identifier() &&
            mine.certifiers_id == ou.certifiers_identifier()) {
          return absl::OkStatus();
        }
      }
      return absl::PermissionDeniedError("The identities do not match");
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid principal type ", static_cast<int>(principal.principal_classification())));
  }
}

}  // namespace fabric::identity
