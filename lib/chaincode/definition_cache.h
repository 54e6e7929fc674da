// The definitions a peer has read, by chaincode and committed sequence (Fabric's
// lifecycle cache): a definition never changes without a new sequence, so one read per
// sequence serves every proposal after it.
//
//   DefinitionCache cache;
//   auto def = cache.At(ledger.state(), "basic", sequence);   // sequence just read
//
// Thread safety: every method may be called from any thread.
#ifndef FABRIC_LIB_CHAINCODE_DEFINITION_CACHE_H_
#define FABRIC_LIB_CHAINCODE_DEFINITION_CACHE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "lib/chaincode/definition.h"

namespace fabric::chaincode {

class DefinitionCache {
 public:
  // The definition of `cc` at `sequence`: from the cache, else read from `state` and
  // kept. Aborted when the committed definition is missing or at another sequence (it
  // changed since the caller read `sequence`: try again); DataLoss as
  // ReadChaincodeDefinition.
  absl::StatusOr<std::shared_ptr<const ChaincodeDefinition>> At(const ledger::StateReader& state,
                                                                absl::string_view cc,
                                                                int64_t sequence);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const ChaincodeDefinition>> definitions_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace fabric::chaincode

#endif  // FABRIC_LIB_CHAINCODE_DEFINITION_CACHE_H_
