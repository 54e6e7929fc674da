#include "lib/chaincode/definition_cache.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"

namespace fabric::chaincode {

absl::StatusOr<std::shared_ptr<const ChaincodeDefinition>> DefinitionCache::At(
    const ledger::StateReader& state, absl::string_view cc, int64_t sequence) {
  {
    absl::MutexLock l(&mu_);
    auto it = definitions_.find(cc);
    if (it != definitions_.end() && it->second->sequence == sequence) return it->second;
  }
  FABRIC_ASSIGN_OR_RETURN(std::optional<ChaincodeDefinition> def,
                          ReadChaincodeDefinition(state, cc));
  if (!def.has_value() || def->sequence != sequence) {
    return absl::AbortedError(
        absl::StrCat("chaincode definition for '", cc, "' changed during invoke, try again"));
  }
  auto shared = std::make_shared<const ChaincodeDefinition>(*std::move(def));
  absl::MutexLock l(&mu_);
  definitions_[std::string(cc)] = shared;
  return shared;
}

}  // namespace fabric::chaincode
