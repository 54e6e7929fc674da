#include "lib/endorse/lifecycle_contract.h"

#include <iterator>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/definition.h"
#include "lib/wire/proto/lifecycle.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::endorse {
namespace {

constexpr char kCommit[] = "CommitChaincodeDefinition";
constexpr char kQuery[] = "QueryChaincodeDefinition";
constexpr char kDefaultEndorsementPolicy[] = "/Channel/Application/Endorsement";
constexpr int32_t kStatusNotFound = 404;

// The stub's view of the `_lifecycle` namespace as committed state, for the readers of
// chaincode/definition.h. Reads go through the stub, so they are recorded.
class StubState : public ledger::StateReader {
 public:
  explicit StubState(Stub* stub) : stub_(stub) {}

  absl::StatusOr<std::optional<ledger::VersionedValue>> Get(absl::string_view ns,
                                                            absl::string_view key) const override {
    if (ns != chaincode::kLifecycleNamespace) {
      return absl::InternalError("the lifecycle contract reads only its own namespace");
    }
    FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> v, stub_->GetState(key));
    if (!v.has_value()) return std::nullopt;
    ledger::VersionedValue out;
    out.value = *std::move(v);
    return out;
  }
  absl::StatusOr<std::optional<ledger::VersionedValue>> GetHashed(
      absl::string_view, absl::string_view, absl::string_view) const override {
    return absl::UnimplementedError("the lifecycle contract reads no private data");
  }

 private:
  Stub* const stub_;
};

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Fabric's ChaincodeNameRegExp, ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$: alphanumeric runs
// joined by single '-' or '_'. Checked by hand: std::regex recurses once per character
// and a long name from a proposal would overflow the stack.
bool IsValidChaincodeName(absl::string_view name) {
  if (name.empty() || !IsAsciiAlnum(name.front()) || !IsAsciiAlnum(name.back())) return false;
  for (size_t i = 1; i < name.size(); ++i) {
    const bool separator = name[i] == '-' || name[i] == '_';
    if (!separator && !IsAsciiAlnum(name[i])) return false;
    if (separator && !IsAsciiAlnum(name[i - 1])) return false;  // two separators in a row
  }
  return true;
}

// Fabric's ChaincodeVersionRegExp, ^[A-Za-z0-9_.+-]+$.
bool IsValidChaincodeVersion(absl::string_view version) {
  if (version.empty()) return false;
  for (char c : version) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '.' && c != '+' && c != '-') return false;
  }
  return true;
}

// Fabric's validateInput, without the collection checks that need the channel's MSPs.
absl::Status ValidateDefinitionInput(const lifecycle::CommitChaincodeDefinitionArgs& args) {
  static const absl::flat_hash_set<std::string>* const kSystemNames =
      new absl::flat_hash_set<std::string>{"cscc", "escc", "lscc", "qscc", "vscc"};
  if (!IsValidChaincodeName(args.name())) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid chaincode name '", args.name(),
                     "'. Names can only consist of alphanumerics, '_', and '-' and can only "
                     "begin with alphanumerics"));
  }
  if (kSystemNames->contains(args.name())) {
    return absl::InvalidArgumentError(
        absl::StrCat("chaincode name '", args.name(), "' is the name of a system chaincode"));
  }
  if (!IsValidChaincodeVersion(args.version())) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid chaincode version '", args.version(),
                     "'. Versions can only consist of alphanumerics, '_', '-', '+', and '.'"));
  }
  return absl::OkStatus();
}

// The committed Sequence of chaincode `name` (0 if undefined), read through the stub.
absl::StatusOr<int64_t> CurrentSequence(Stub& stub, absl::string_view name) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          stub.GetState(chaincode::SequenceKey(name)));
  return chaincode::DecodeSequence(name, stored);
}

std::string BytesField(const std::string& bytes) {
  lifecycle::StateData d;
  d.set_bytes(bytes);
  return d.SerializeAsString();
}

// Fabric's Serializer.Serialize of a ChaincodeDefinition: every field whose stored bytes
// differ is written, the metadata only when its type or field list changes, and fields
// the old metadata listed but the type no longer has are deleted.
absl::Status SerializeDefinition(Stub& stub, absl::string_view name,
                                 const std::map<std::string, std::string>& fields) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> meta_bytes,
                          stub.GetState(chaincode::DefinitionMetadataKey(name)));
  lifecycle::StateMetadata metadata;
  if (meta_bytes.has_value() && !metadata.ParseFromString(*meta_bytes)) {
    return absl::DataLossError(
        absl::StrCat("could not unmarshal metadata for namespace namespaces/", name));
  }
  std::map<std::string, std::optional<std::string>> existing;
  for (const std::string& field : metadata.fields()) {
    const std::string key = chaincode::DefinitionFieldKey(name, field);
    FABRIC_ASSIGN_OR_RETURN(existing[key], stub.GetState(key));
  }
  for (const char* field : chaincode::kDefinitionFields) {
    const std::string key = chaincode::DefinitionFieldKey(name, field);
    const std::string& value = fields.at(field);
    auto it = existing.find(key);
    if (it == existing.end() || it->second != value) {
      FABRIC_RETURN_IF_ERROR(stub.PutState(key, value));
    }
    if (it != existing.end()) existing.erase(it);
  }
  const int num_fields = static_cast<int>(std::size(chaincode::kDefinitionFields));
  if (!existing.empty() || metadata.datatype() != chaincode::kDefinitionType ||
      metadata.fields_size() != num_fields) {
    metadata.set_datatype(chaincode::kDefinitionType);
    metadata.clear_fields();
    for (const char* field : chaincode::kDefinitionFields) metadata.add_fields(field);
    FABRIC_RETURN_IF_ERROR(
        stub.PutState(chaincode::DefinitionMetadataKey(name), metadata.SerializeAsString()));
  }
  for (const auto& [key, unused] : existing) FABRIC_RETURN_IF_ERROR(stub.DelState(key));
  return absl::OkStatus();
}

absl::StatusOr<std::string> Commit(Stub& stub, absl::string_view input) {
  lifecycle::CommitChaincodeDefinitionArgs args;
  if (!args.ParseFromString(std::string(input))) {
    return absl::InvalidArgumentError(
        "failed to decode input arg to lifecycle.CommitChaincodeDefinitionArgs");
  }
  if (absl::Status s = ValidateDefinitionInput(args); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("error validating chaincode definition: ", s.message()));
  }
  FABRIC_ASSIGN_OR_RETURN(int64_t current, CurrentSequence(stub, args.name()));
  if (args.sequence() != current + 1) {
    return absl::FailedPreconditionError(absl::StrCat("requested sequence is ", args.sequence(),
                                                      ", but new definition must be sequence ",
                                                      current + 1));
  }
  // Fabric's SetChaincodeDefinitionDefaults.
  lifecycle::ChaincodeEndorsementInfo endorsement;
  endorsement.set_version(args.version());
  endorsement.set_init_required(args.init_required());
  endorsement.set_endorsement_plugin(args.endorsement_plugin().empty() ? "escc"
                                                                       : args.endorsement_plugin());
  lifecycle::ChaincodeValidationInfo validation;
  validation.set_validation_plugin(args.validation_plugin().empty() ? "vscc"
                                                                    : args.validation_plugin());
  if (args.validation_parameter().empty()) {
    protos::ApplicationPolicy policy;
    policy.set_channel_config_policy_reference(kDefaultEndorsementPolicy);
    validation.set_validation_parameter(policy.SerializeAsString());
  } else {
    validation.set_validation_parameter(args.validation_parameter());
  }
  lifecycle::StateData sequence;
  sequence.set_int64(args.sequence());
  const std::map<std::string, std::string> fields = {
      {"Sequence", sequence.SerializeAsString()},
      {"EndorsementInfo", BytesField(endorsement.SerializeAsString())},
      {"ValidationInfo", BytesField(validation.SerializeAsString())},
      {"Collections", BytesField(args.collections().SerializeAsString())},
  };
  FABRIC_RETURN_IF_ERROR(SerializeDefinition(stub, args.name(), fields));
  return lifecycle::CommitChaincodeDefinitionResult().SerializeAsString();
}

// A missing definition is a 404, as Fabric's ErrNamespaceNotDefined.
absl::StatusOr<std::string> Query(Stub& stub, absl::string_view input) {
  lifecycle::QueryChaincodeDefinitionArgs args;
  if (!args.ParseFromString(std::string(input))) {
    return absl::InvalidArgumentError(
        "failed to decode input arg to lifecycle.QueryChaincodeDefinitionArgs");
  }
  StubState state(&stub);
  FABRIC_ASSIGN_OR_RETURN(std::optional<chaincode::ChaincodeDefinition> def,
                          chaincode::ReadChaincodeDefinition(state, args.name()));
  if (!def.has_value()) {
    return absl::NotFoundError(absl::StrCat("namespace ", args.name(), " is not defined"));
  }
  lifecycle::QueryChaincodeDefinitionResult result;
  result.set_sequence(def->sequence);
  result.set_version(def->endorsement_info.version());
  result.set_endorsement_plugin(def->endorsement_info.endorsement_plugin());
  result.set_validation_plugin(def->validation_info.validation_plugin());
  result.set_validation_parameter(def->validation_info.validation_parameter());
  result.set_init_required(def->endorsement_info.init_required());
  *result.mutable_collections() = def->collections;  // Fabric always sets it, empty or not
  return result.SerializeAsString();
}

class LifecycleContract : public Contract {
 public:
  Response Invoke(Stub& stub) override {
    const Invocation& inv = stub.invocation();
    if (inv.function.empty() && inv.args.empty()) {
      return Response::Error("lifecycle scc must be invoked with arguments");
    }
    if (inv.args.size() != 1) {
      return Response::Error(
          absl::StrCat("lifecycle scc operations require exactly two arguments but received ",
                       inv.args.size() + 1));
    }
    absl::StatusOr<std::string> out;
    if (inv.function == kCommit) {
      out = Commit(stub, inv.args[0]);
    } else if (inv.function == kQuery) {
      out = Query(stub, inv.args[0]);
    } else {
      out = absl::UnimplementedError(
          absl::StrCat("function '", inv.function, "' is not supported by this peer"));
    }
    if (out.ok()) return Response::Ok(*std::move(out));
    if (absl::IsNotFound(out.status())) {
      return Response{kStatusNotFound, std::string(out.status().message()), ""};
    }
    return Response::Error(absl::StrCat("failed to invoke backing implementation of '",
                                        inv.function, "': ", out.status().message()));
  }
};

}  // namespace

std::shared_ptr<Contract> NewLifecycleContract() { return std::make_shared<LifecycleContract>(); }

std::vector<std::string> CommitChaincodeDefinitionArgs(absl::string_view name,
                                                       absl::string_view version, int64_t sequence,
                                                       absl::string_view policy,
                                                       bool init_required) {
  lifecycle::CommitChaincodeDefinitionArgs args;
  args.set_name(std::string(name));
  args.set_version(std::string(version));
  args.set_sequence(sequence);
  args.set_validation_parameter(std::string(policy));
  args.set_init_required(init_required);
  return {kCommit, args.SerializeAsString()};
}

}  // namespace fabric::endorse
