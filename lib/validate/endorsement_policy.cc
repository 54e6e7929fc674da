#include "lib/validate/endorsement_policy.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/policy/application_policy.h"
#include "lib/policy/rule_tree.h"
#include "lib/wire/field_reader.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/policies.pb.h"
#include "lib/wire/proto/policy.pb.h"

namespace fabric::validate {
namespace {

constexpr char kValidationParameter[] = "VALIDATION_PARAMETER";

// The policies already checked for one namespace of one transaction (Fabric's
// policyCheckerV20 state).
class NamespaceCheck {
 public:
  NamespaceCheck(PolicySource& source, absl::string_view ns, absl::string_view cc_policy,
                 const policy::SignatureSet& set, absl::string_view where)
      : source_(source), ns_(ns), cc_policy_(cc_policy), set_(set), where_(where) {}

  // One written key: its own policy, else its collection's or the chaincode's.
  // nullopt when it holds; a failure verdict; or an error that halts the block.
  absl::StatusOr<std::optional<TxVerdict>> Key(absl::string_view coll, absl::string_view key) {
    FABRIC_ASSIGN_OR_RETURN(std::string vp, source_.KeyPolicy(ns_, coll, key));
    if (vp.empty()) return CollectionOrChaincode(coll);
    if (auto failed = Evaluate(vp)) {
      return Failure(absl::StrCat("validation of key ", Printable(key), " (coll'", coll, "':ns'",
                                  ns_, "') in tx ", where_, " failed: ", *failed));
    }
    some_checked_ = true;
    return std::nullopt;
  }

  // The chaincode's policy if nothing was checked.
  std::optional<TxVerdict> Finish() {
    if (some_checked_) return std::nullopt;
    return Chaincode();
  }

 private:
  static std::string Printable(absl::string_view key) { return absl::CHexEscape(key); }

  static TxVerdict Failure(std::string why) {
    return Invalid(protos::ENDORSEMENT_POLICY_FAILURE, std::move(why));
  }

  // The error message if `policy_bytes` does not compile or is not satisfied.
  std::optional<std::string> Evaluate(absl::string_view policy_bytes) {
    auto policy = source_.policies().Compile(policy_bytes);
    if (!policy.ok()) return std::string(policy.status().message());
    absl::Status s = (*policy)->Evaluate(set_);
    if (!s.ok()) return std::string(s.message());
    return std::nullopt;
  }

  absl::StatusOr<std::optional<TxVerdict>> CollectionOrChaincode(absl::string_view coll) {
    if (!coll.empty()) {
      if (checked_.contains(coll)) return std::nullopt;
      absl::StatusOr<std::string> coll_policy = source_.CollectionPolicy(ns_, coll);
      if (absl::IsNotFound(coll_policy.status())) {
        return Failure(std::string(coll_policy.status().message()));
      }
      if (!coll_policy.ok()) return coll_policy.status();
      if (!coll_policy->empty()) {
        if (auto failed = Evaluate(*coll_policy)) {
          return Failure(absl::StrCat("validation of endorsement policy for collection ", coll,
                                      " chaincode ", ns_, " in tx ", where_, " failed: ", *failed));
        }
        checked_.insert(std::string(coll));
        some_checked_ = true;
        return std::nullopt;
      }
    }
    if (checked_.contains("")) return std::nullopt;
    return Chaincode();
  }

  std::optional<TxVerdict> Chaincode() {
    if (auto failed = Evaluate(cc_policy_)) {
      return Failure(absl::StrCat("validation of endorsement policy for chaincode ", ns_, " in tx ",
                                  where_, " failed: ", *failed));
    }
    checked_.insert("");
    some_checked_ = true;
    return std::nullopt;
  }

  PolicySource& source_;
  const absl::string_view ns_;
  const absl::string_view cc_policy_;
  const policy::SignatureSet& set_;
  const absl::string_view where_;
  absl::flat_hash_set<std::string> checked_;  // "" for the chaincode, else collections
  bool some_checked_ = false;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const policy::Policy>> PolicyCache::Compile(
    absl::string_view bytes) {
  absl::MutexLock lock(&mu_);
  auto it = cache_.find(bytes);
  if (it != cache_.end()) return it->second;
  std::shared_ptr<const policy::PolicyManager> channel_policies(config_, &config_->policies());
  auto compiled = policy::CompileApplicationPolicy(bytes, channel_policies);
  cache_.emplace(std::string(bytes), compiled);
  return compiled;
}

absl::StatusOr<chaincode::ValidationInfo> PolicySource::Info(absl::string_view ns) {
  {
    absl::MutexLock lock(&mu_);
    auto it = infos_.find(ns);
    if (it != infos_.end()) return it->second;
  }
  absl::StatusOr<chaincode::ValidationInfo> info =
      chaincode::ReadValidationInfo(*state_, config(), ns);
  absl::MutexLock lock(&mu_);
  return infos_.emplace(std::string(ns), std::move(info)).first->second;
}

absl::StatusOr<std::string> PolicySource::CollectionPolicy(absl::string_view cc,
                                                           absl::string_view coll) {
  const std::string id = absl::StrCat(cc.size(), ":", cc, coll);
  {
    absl::MutexLock lock(&mu_);
    auto it = collections_.find(id);
    if (it != collections_.end()) return it->second;
  }
  absl::StatusOr<std::string> p = chaincode::ReadCollectionPolicy(*state_, config(), cc, coll);
  absl::MutexLock lock(&mu_);
  return collections_.emplace(id, std::move(p)).first->second;
}

absl::StatusOr<bool> PolicySource::MayHaveMetadata(absl::string_view ns, absl::string_view coll) {
  const std::string id = absl::StrCat(ns.size(), ":", ns, coll);
  {
    absl::MutexLock lock(&mu_);
    auto it = may_have_metadata_.find(id);
    if (it != may_have_metadata_.end()) return it->second;
  }
  absl::StatusOr<bool> may = state_->MayHaveMetadata(ns, coll);
  absl::MutexLock lock(&mu_);
  return may_have_metadata_.emplace(id, std::move(may)).first->second;
}

absl::StatusOr<std::string> PolicySource::KeyPolicy(absl::string_view ns, absl::string_view coll,
                                                    absl::string_view key) {
  // Most namespaces never hold a key with metadata: then no key needs reading.
  FABRIC_ASSIGN_OR_RETURN(bool may, MayHaveMetadata(ns, coll));
  if (!may) return std::string();
  std::optional<ledger::VersionedValue> v;
  if (coll.empty()) {
    FABRIC_ASSIGN_OR_RETURN(v, state_->Get(ns, key));
  } else {
    FABRIC_ASSIGN_OR_RETURN(v, state_->GetHashed(ns, coll, key));
  }
  if (!v.has_value() || v->metadata.empty()) return std::string();
  const std::string where = coll.empty()
                                ? absl::StrCat(ns, ":", absl::CHexEscape(key))
                                : absl::StrCat(ns, ":", coll, ":", absl::BytesToHexString(key));
  kvrwset::KVMetadataWrite metadata;
  if (!metadata.ParseFromString(v->metadata)) {
    return absl::DataLossError(absl::StrCat("could not retrieve metadata for ", where));
  }
  for (const kvrwset::KVMetadataEntry& e : metadata.entries()) {
    if (e.name() != kValidationParameter) continue;
    if (e.value().empty()) return std::string();
    // Fabric's translator parses the envelope (as Go does: up to 10,000 messages deep,
    // so not with protobuf's C++ parser, which stops at 100 and recurses per level) and
    // wraps it in an ApplicationPolicy: field 1, length-delimited.
    if (!policy::DecodeRuleTree(e.value()).ok()) {
      return absl::DataLossError(absl::StrCat("could not translate policy for ", where,
                                              ": could not unmarshal signature policy envelope"));
    }
    std::string app;
    wire::AppendBytesField(1, e.value(), &app);
    return app;
  }
  return std::string();
}

absl::StatusOr<TxVerdict> ValidateNamespace(PolicySource& source, const wire::ActionView& action,
                                            absl::string_view ns, absl::string_view cc_policy,
                                            const policy::SignatureSet& endorsements,
                                            absl::string_view where) {
  NamespaceCheck check(source, ns, cc_policy, endorsements, where);
  auto key = [&](absl::string_view coll,
                 absl::string_view k) -> absl::StatusOr<std::optional<TxVerdict>> {
    return check.Key(coll, k);
  };
  for (const wire::NamespaceView& n : action.namespaces) {
    if (n.name != ns) continue;
    for (const kvrwset::KVWrite& w : n.kv.writes()) {
      FABRIC_ASSIGN_OR_RETURN(auto failed, key("", w.key()));
      if (failed) return *failed;
    }
    for (const kvrwset::KVMetadataWrite& w : n.kv.metadata_writes()) {
      FABRIC_ASSIGN_OR_RETURN(auto failed, key("", w.key()));
      if (failed) return *failed;
    }
    for (const wire::CollectionView& c : n.collections) {
      for (const kvrwset::KVWriteHash& w : c.hashed.hashed_writes()) {
        FABRIC_ASSIGN_OR_RETURN(auto failed, key(c.name, w.key_hash()));
        if (failed) return *failed;
      }
    }
    for (const wire::CollectionView& c : n.collections) {
      for (const kvrwset::KVMetadataWriteHash& w : c.hashed.metadata_writes()) {
        FABRIC_ASSIGN_OR_RETURN(auto failed, key(c.name, w.key_hash()));
        if (failed) return *failed;
      }
    }
  }
  if (auto failed = check.Finish()) return *failed;
  return TxVerdict{};
}

}  // namespace fabric::validate
