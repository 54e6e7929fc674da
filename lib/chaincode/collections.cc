#include "lib/chaincode/collections.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/definition.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"

namespace fabric::chaincode {
namespace {

// Fabric's SignedByMspMember(mspid) as a collection's member_orgs_policy.
protos::CollectionPolicyConfig MemberOf(absl::string_view mspid) {
  protos::CollectionPolicyConfig p;
  common::SignaturePolicyEnvelope* env = p.mutable_signature_policy();
  common::MSPRole role;
  role.set_msp_identifier(std::string(mspid));
  role.set_role(common::MSPRole::MEMBER);
  common::MSPPrincipal* principal = env->add_identities();
  principal->set_principal_classification(common::MSPPrincipal::ROLE);
  principal->set_principal(role.SerializeAsString());
  common::SignaturePolicy::NOutOf* rule = env->mutable_rule()->mutable_n_out_of();
  rule->set_n(1);
  rule->add_rules()->set_signed_by(0);
  return p;
}

}  // namespace

std::string ImplicitCollectionName(absl::string_view mspid) {
  return absl::StrCat(kImplicitCollectionPrefix, mspid);
}

absl::StatusOr<std::optional<protos::StaticCollectionConfig>> FindCollection(
    const ledger::StateReader& state, const channelconfig::ChannelConfig& config,
    absl::string_view cc, absl::string_view collection) {
  std::optional<ChaincodeDefinition> def;
  if (cc == kLifecycleNamespace) {
    def.emplace();  // always defined, implicit collections only
  } else {
    FABRIC_ASSIGN_OR_RETURN(def, ReadChaincodeDefinition(state, cc));
    if (!def.has_value()) return std::nullopt;
  }
  if (absl::StartsWith(collection, kImplicitCollectionPrefix)) {
    const absl::string_view mspid = collection.substr(strlen(kImplicitCollectionPrefix));
    for (const channelconfig::Organization& org : config.organizations()) {
      if (org.orderer || org.mspid != mspid) continue;
      protos::StaticCollectionConfig c;
      c.set_name(std::string(collection));
      *c.mutable_member_orgs_policy() = MemberOf(mspid);
      return c;
    }
    return std::nullopt;
  }
  for (const protos::CollectionConfig& c : def->collections.config()) {
    if (c.has_static_collection_config() && c.static_collection_config().name() == collection) {
      return c.static_collection_config();
    }
  }
  return std::nullopt;
}

std::set<std::string> MemberOrgs(const protos::StaticCollectionConfig& collection) {
  std::set<std::string> orgs;
  for (const common::MSPPrincipal& p :
       collection.member_orgs_policy().signature_policy().identities()) {
    switch (p.principal_classification()) {
      case common::MSPPrincipal::ROLE: {
        common::MSPRole role;
        if (role.ParseFromString(p.principal())) orgs.insert(role.msp_identifier());
        break;
      }
      case common::MSPPrincipal::ORGANIZATION_UNIT: {
        common::OrganizationUnit ou;
        if (ou.ParseFromString(p.principal())) orgs.insert(ou.msp_identifier());
        break;
      }
      case common::MSPPrincipal::IDENTITY: {
        msp::SerializedIdentity id;
        if (id.ParseFromString(p.principal())) orgs.insert(id.mspid());
        break;
      }
      default:
        break;
    }
  }
  return orgs;
}

absl::StatusOr<std::optional<ledger::CollectionRule>> PeerCollectionRules::Rule(
    absl::string_view ns, absl::string_view coll) const {
  const std::pair<std::string, std::string> k{std::string(ns), std::string(coll)};
  if (auto it = cache_.find(k); it != cache_.end()) return it->second;
  FABRIC_ASSIGN_OR_RETURN(std::optional<protos::StaticCollectionConfig> c,
                          FindCollection(state_, config_, ns, coll));
  std::optional<ledger::CollectionRule> rule;
  if (c.has_value())
    rule = ledger::CollectionRule{MemberOrgs(*c).count(mspid_) > 0, c->block_to_live()};
  cache_[k] = rule;
  return rule;
}

}  // namespace fabric::chaincode
