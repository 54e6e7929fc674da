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
  SimulatorStub(TxSimulator* sim, std::string ns, const Invocation* invocation)
      : sim_(sim), ns_(std::move(ns)), invocation_(invocation) {}

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

 private:
  TxSimulator* const sim_;
  const std::string ns_;
  const Invocation* const invocation_;
  std::optional<EventRecord> event_;
};

}  // namespace

std::unique_ptr<Stub> NewSimulatorStub(TxSimulator* sim, std::string ns,
                                       const Invocation* invocation) {
  return std::make_unique<SimulatorStub>(sim, std::move(ns), invocation);
}

std::optional<EventRecord> StubEvent(const Stub& stub) {
  const auto* s = dynamic_cast<const SimulatorStub*>(&stub);
  if (s == nullptr) return std::nullopt;
  return s->event();
}

}  // namespace fabric::endorse
