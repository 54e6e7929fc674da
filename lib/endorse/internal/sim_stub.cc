// The Stub over a TxSimulator (simulator.h: NewSimulatorStub): what Fabric's chaincode
// shim (fabric-chaincode-go shim/stub.go) checks and substitutes before it asks the peer,
// and what the peer's handler (core/chaincode/handler.go) turns each call into.
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/endorse/contract.h"
#include "lib/endorse/simulator.h"

namespace fabric::endorse {
namespace {

// The shim's start key for a range that starts at the first simple key.
constexpr char kEmptyKeySubstitute[] = "\x01";
// U+10FFFF in UTF-8: the shim ends a partial composite key's range with it.
constexpr char kMaxUnicodeRune[] = "\xF4\x8F\xBF\xBF";

// The shim's validateSimpleKeys: a range over simple keys may not name a composite one.
absl::Status ValidateSimpleKeys(absl::string_view start, absl::string_view end) {
  for (absl::string_view key : {start, end}) {
    if (!key.empty() && key.front() == '\0') {
      return absl::InvalidArgumentError(
          absl::StrCat("first character of the key [", absl::CEscape(key),
                       "] contains a null character which is not allowed"));
    }
  }
  return absl::OkStatus();
}

// Keys, metadata names and event names travel to the peer in protobuf string fields,
// which Go's protobuf refuses to marshal unless they are valid UTF-8: the shim's call
// fails with that error, and so does ours.
absl::Status CheckUtf8(absl::string_view what, absl::string_view s) {
  if (IsValidUtf8(s)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " [", absl::BytesToHexString(s), "] is not a valid UTF-8 string"));
}

class SimulatorStub final : public Stub {
 public:
  SimulatorStub(TxSimulator* sim, std::string ns, const Invocation* invocation,
                const CollectionAccess* collections)
      : sim_(sim), ns_(std::move(ns)), invocation_(invocation), collections_(collections) {}

  const Invocation& invocation() const override { return *invocation_; }
  const std::optional<EventRecord>& event() const { return event_; }

  // Only PutState checks its key, as the shim: Fabric reads, deletes and gives metadata
  // to the empty key like any other.
  absl::StatusOr<std::optional<std::string>> GetState(absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    return sim_->GetState(ns_, key);
  }

  absl::Status PutState(absl::string_view key, absl::string_view value) override {
    if (key.empty()) return absl::InvalidArgumentError("key must not be an empty string");
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    return sim_->PutState(ns_, key, value);
  }

  absl::Status DelState(absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    return sim_->DelState(ns_, key);
  }

  absl::StatusOr<std::vector<KeyValue>> GetStateByRange(absl::string_view start,
                                                        absl::string_view end) override {
    if (start.empty()) start = kEmptyKeySubstitute;
    FABRIC_RETURN_IF_ERROR(ValidateSimpleKeys(start, end));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("start key", start));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("end key", end));
    return sim_->GetStateRange(ns_, start, end);
  }

  absl::StatusOr<RangePage> GetStateByRangeWithPagination(absl::string_view start,
                                                          absl::string_view end, int32_t page_size,
                                                          absl::string_view bookmark) override {
    if (start.empty()) start = kEmptyKeySubstitute;
    FABRIC_RETURN_IF_ERROR(ValidateSimpleKeys(start, end));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("start key", start));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("end key", end));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("bookmark", bookmark));
    if (page_size <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("the page size must be positive, not ", page_size));
    }
    // The peer resumes from the bookmark, the next key of the previous page.
    if (!bookmark.empty()) start = bookmark;
    return sim_->GetStateRangePage(ns_, start, end, static_cast<size_t>(page_size));
  }

  absl::StatusOr<std::vector<KeyValue>> GetStateByPartialCompositeKey(
      absl::string_view object_type, const std::vector<std::string>& attributes) override {
    FABRIC_ASSIGN_OR_RETURN(std::string start, CreateCompositeKey(object_type, attributes));
    const std::string end = absl::StrCat(start, kMaxUnicodeRune);
    return sim_->GetStateRange(ns_, start, end);
  }

  absl::StatusOr<std::map<std::string, std::string>> GetStateMetadata(
      absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    return sim_->GetStateMetadata(ns_, key);
  }

  // As the peer's handler: the metadata write holds this one entry, nothing is read.
  absl::Status SetStateMetadata(absl::string_view key, absl::string_view name,
                                absl::string_view value) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("metadata name", name));
    std::map<std::string, std::string> metadata;
    metadata.emplace(std::string(name), std::string(value));
    return sim_->SetStateMetadata(ns_, key, std::move(metadata));
  }

  absl::Status SetEvent(absl::string_view name, absl::string_view payload) override {
    if (name.empty()) return absl::InvalidArgumentError("event name can not be empty string");
    FABRIC_RETURN_IF_ERROR(CheckUtf8("event name", name));
    event_ = EventRecord{std::string(name), std::string(payload)};
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<KeyModification>> GetHistoryForKey(absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    return sim_->GetHistoryForKey(ns_, key);
  }

  // ---- Private data: the handler's collection checks, then the simulator ----

  absl::StatusOr<std::optional<std::string>> GetPrivateData(absl::string_view collection,
                                                            absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kRead));
    return sim_->GetPrivateData(ns_, collection, key);
  }

  absl::StatusOr<std::optional<std::string>> GetPrivateDataHash(absl::string_view collection,
                                                                absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kNone));
    return sim_->GetPrivateDataHash(ns_, collection, key);
  }

  absl::Status PutPrivateData(absl::string_view collection, absl::string_view key,
                              absl::string_view value) override {
    if (key.empty()) return absl::InvalidArgumentError("key must not be an empty string");
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kWrite));
    return sim_->PutPrivateData(ns_, collection, key, value);
  }

  absl::Status DelPrivateData(absl::string_view collection, absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kWrite));
    return sim_->DelPrivateData(ns_, collection, key);
  }

  absl::StatusOr<std::vector<KeyValue>> GetPrivateDataByRange(absl::string_view collection,
                                                              absl::string_view start,
                                                              absl::string_view end) override {
    if (start.empty()) start = kEmptyKeySubstitute;
    FABRIC_RETURN_IF_ERROR(ValidateSimpleKeys(start, end));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("start key", start));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("end key", end));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kRead));
    return sim_->GetPrivateDataRange(ns_, collection, start, end);
  }

  absl::StatusOr<std::vector<KeyValue>> GetPrivateDataByPartialCompositeKey(
      absl::string_view collection, absl::string_view object_type,
      const std::vector<std::string>& attributes) override {
    FABRIC_ASSIGN_OR_RETURN(std::string start, CreateCompositeKey(object_type, attributes));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kRead));
    return sim_->GetPrivateDataRange(ns_, collection, start, absl::StrCat(start, kMaxUnicodeRune));
  }

  absl::StatusOr<std::map<std::string, std::string>> GetPrivateDataMetadata(
      absl::string_view collection, absl::string_view key) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kRead));
    return sim_->GetPrivateDataMetadata(ns_, collection, key);
  }

  absl::Status SetPrivateDataMetadata(absl::string_view collection, absl::string_view key,
                                      absl::string_view name, absl::string_view value) override {
    FABRIC_RETURN_IF_ERROR(CheckUtf8("key", key));
    FABRIC_RETURN_IF_ERROR(CheckUtf8("metadata name", name));
    FABRIC_RETURN_IF_ERROR(Allowed(collection, Access::kWrite));
    std::map<std::string, std::string> metadata;
    metadata.emplace(std::string(name), std::string(value));
    return sim_->SetPrivateDataMetadata(ns_, collection, key, std::move(metadata));
  }

 private:
  enum class Access { kNone, kRead, kWrite };

  // The collection exists, and the creator may read (or write) its values.
  absl::Status Allowed(absl::string_view collection, Access access) const {
    if (collection.empty()) {
      return absl::InvalidArgumentError("collection must not be an empty string");
    }
    if (collections_ == nullptr) return NotFound(collection);
    FABRIC_ASSIGN_OR_RETURN(std::optional<CollectionAccess::Permission> p,
                            collections_->Check(collection));
    if (!p.has_value()) return NotFound(collection);
    if (access == Access::kRead && !p->read) {
      return absl::PermissionDeniedError(
          absl::StrCat("tx creator does not have read access permission on privatedata in "
                       "chaincodeName:",
                       ns_, " collectionName: ", collection));
    }
    if (access == Access::kWrite && !p->write) {
      return absl::PermissionDeniedError(
          absl::StrCat("tx creator does not have write access permission on privatedata in "
                       "chaincodeName:",
                       ns_, " collectionName: ", collection));
    }
    return absl::OkStatus();
  }

  // An argument error: the contract named a collection its chaincode does not have.
  absl::Status NotFound(absl::string_view collection) const {
    return absl::InvalidArgumentError(absl::StrCat("collection ", invocation_->channel_id, "/", ns_,
                                                   "/", collection, " could not be found"));
  }

  TxSimulator* const sim_;
  const std::string ns_;
  const Invocation* const invocation_;
  const CollectionAccess* const collections_;
  std::optional<EventRecord> event_;
};

}  // namespace

std::unique_ptr<Stub> NewSimulatorStub(TxSimulator* sim, std::string ns,
                                       const Invocation* invocation,
                                       const CollectionAccess* collections) {
  return std::make_unique<SimulatorStub>(sim, std::move(ns), invocation, collections);
}

std::optional<EventRecord> StubEvent(const Stub& stub) {
  const auto* s = dynamic_cast<const SimulatorStub*>(&stub);
  if (s == nullptr) return std::nullopt;
  return s->event();
}

}  // namespace fabric::endorse
