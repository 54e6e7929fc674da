#include "lib/snapshot/config_history.h"

#include <limits>
#include <set>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/definition.h"
#include "lib/wire/proto/lifecycle.pb.h"

namespace fabric::snapshot {
namespace {

constexpr absl::string_view kKeyPrefix("slscc\0", 6);
constexpr absl::string_view kKeySuffix = "~collection";
constexpr absl::string_view kFieldsPrefix = "namespaces/fields/";
constexpr absl::string_view kSequenceField = "/Sequence";

// The stored value of (ns, key) as of the end of block `block`: its newest history
// entry at or before `block`, or, when the history has none (a ledger joined from a
// snapshot has no history of the blocks before it), the current value if it was
// written no later than `block`. nullopt when deleted or unknown.
absl::StatusOr<std::optional<std::string>> ValueAsOf(const ledger::LedgerView& view,
                                                     absl::string_view ns, absl::string_view key,
                                                     uint64_t block) {
  FABRIC_ASSIGN_OR_RETURN(std::vector<ledger::HistoryRecord> history,
                          view.history().Get(ns, key));
  for (const ledger::HistoryRecord& r : history) {  // newest first
    if (r.version.block > block) continue;
    if (r.modification.is_delete) return std::nullopt;
    return r.modification.value;
  }
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> current,
                          view.state().Get(ns, key));
  if (current.has_value() && current->version.block <= block) return current->value;
  return std::nullopt;
}

}  // namespace

std::string ConfigHistoryKey(absl::string_view cc, uint64_t block) {
  std::string k = absl::StrCat(kKeyPrefix, cc, kKeySuffix);
  const uint64_t inverted = std::numeric_limits<uint64_t>::max() - block;
  for (int shift = 56; shift >= 0; shift -= 8) k.push_back(static_cast<char>(inverted >> shift));
  return k;
}

bool DecodeConfigHistoryKey(absl::string_view key, std::string* cc, uint64_t* block) {
  if (!absl::StartsWith(key, kKeyPrefix) || key.size() < kKeyPrefix.size() + kKeySuffix.size() + 8) {
    return false;
  }
  absl::string_view name = key.substr(kKeyPrefix.size(), key.size() - kKeyPrefix.size() - 8);
  if (!absl::EndsWith(name, kKeySuffix)) return false;
  name.remove_suffix(kKeySuffix.size());
  uint64_t inverted = 0;
  for (size_t i = key.size() - 8; i < key.size(); ++i) {
    inverted = (inverted << 8) | static_cast<uint8_t>(key[i]);
  }
  *cc = std::string(name);
  *block = std::numeric_limits<uint64_t>::max() - inverted;
  return true;
}

absl::StatusOr<std::map<std::string, std::string>> ConfigHistory(const ledger::LedgerView& view) {
  std::map<std::string, std::string> out;
  FABRIC_ASSIGN_OR_RETURN(auto imported, view.ImportedConfigHistory());
  for (auto& [key, value] : imported) out[key] = std::move(value);

  // Every chaincode with a committed Sequence, and the blocks that wrote it.
  std::set<std::string> names;
  FABRIC_RETURN_IF_ERROR(view.ForEachKey(
      chaincode::kLifecycleNamespace,
      [&](absl::string_view key, const ledger::VersionedValue&) -> absl::Status {
        if (absl::StartsWith(key, kFieldsPrefix) && absl::EndsWith(key, kSequenceField)) {
          absl::string_view name = key.substr(kFieldsPrefix.size(),
                                              key.size() - kFieldsPrefix.size() -
                                                  kSequenceField.size());
          if (!name.empty() && name.find('/') == absl::string_view::npos) names.emplace(name);
        }
        return absl::OkStatus();
      }));
  for (const std::string& cc : names) {
    FABRIC_ASSIGN_OR_RETURN(
        std::vector<ledger::HistoryRecord> commits,
        view.history().Get(chaincode::kLifecycleNamespace, chaincode::SequenceKey(cc)));
    std::set<uint64_t> blocks;
    for (const ledger::HistoryRecord& r : commits) blocks.insert(r.version.block);
    for (uint64_t block : blocks) {
      FABRIC_ASSIGN_OR_RETURN(
          std::optional<std::string> stored,
          ValueAsOf(view, chaincode::kLifecycleNamespace,
                    chaincode::DefinitionFieldKey(cc, "Collections"), block));
      if (!stored.has_value()) continue;
      lifecycle::StateData data;
      protos::CollectionConfigPackage package;
      if (!data.ParseFromString(*stored) ||
          !package.ParseFromString(data.bytes())) {
        return absl::DataLossError(
            absl::StrCat("the collections of chaincode ", cc, " at block ", block,
                         " do not decode"));
      }
      // Fabric records a definition's collections only when it has some.
      if (package.config_size() == 0) continue;
      out[ConfigHistoryKey(cc, block)] = data.bytes();
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, protos::CollectionConfigPackage>> LatestCollections(
    const std::map<std::string, std::string>& entries) {
  std::map<std::string, protos::CollectionConfigPackage> out;
  std::map<std::string, uint64_t> newest;
  for (const auto& [key, value] : entries) {
    std::string cc;
    uint64_t block = 0;
    if (!DecodeConfigHistoryKey(key, &cc, &block)) {
      return absl::DataLossError("a collection config history key that is not Fabric's");
    }
    auto it = newest.find(cc);
    if (it != newest.end() && it->second >= block) continue;
    protos::CollectionConfigPackage package;
    if (!package.ParseFromString(value)) {
      return absl::DataLossError(
          absl::StrCat("the collection config history of chaincode ", cc, " at block ", block,
                       " does not parse"));
    }
    newest[cc] = block;
    out[cc] = std::move(package);
  }
  return out;
}

}  // namespace fabric::snapshot
