#include "lib/endorse/lifecycle_contract.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/collections.h"
#include "lib/chaincode/definition.h"
#include "lib/endorse/channel_view.h"
#include "lib/wire/proto/lifecycle.pb.h"
#include "lib/wire/proto/policies.pb.h"

namespace fabric::endorse {
namespace {

constexpr char kApprove[] = "ApproveChaincodeDefinitionForMyOrg";
constexpr char kCheck[] = "CheckCommitReadiness";
constexpr char kCommit[] = "CommitChaincodeDefinition";
constexpr char kQueryApproved[] = "QueryApprovedChaincodeDefinition";
constexpr char kQuery[] = "QueryChaincodeDefinition";
constexpr char kQueryAll[] = "QueryChaincodeDefinitions";
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

std::string StringField(const std::string& s) {
  lifecycle::StateData d;
  d.set_string(s);
  return d.SerializeAsString();
}

// One of Fabric's serializer states: the public `_lifecycle` namespace, or an org's
// implicit collection of it (ChaincodePrivateLedgerShim). Every access goes through the
// stub, so it is recorded as Fabric records it.
class SerializerState {
 public:
  SerializerState(Stub& stub, std::string collection)
      : stub_(stub), collection_(std::move(collection)) {}

  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) {
    if (collection_.empty()) return stub_.GetState(key);
    return stub_.GetPrivateData(collection_, key);
  }
  absl::StatusOr<std::optional<std::string>> Hash(const std::string& key) {
    return stub_.GetPrivateDataHash(collection_, key);
  }
  absl::Status Put(const std::string& key, const std::string& value) {
    if (collection_.empty()) return stub_.PutState(key, value);
    return stub_.PutPrivateData(collection_, key, value);
  }
  absl::Status Del(const std::string& key) {
    if (collection_.empty()) return stub_.DelState(key);
    return stub_.DelPrivateData(collection_, key);
  }

 private:
  Stub& stub_;
  const std::string collection_;
};

// A structure's fields as Fabric's serializer stores them: (field name, serialized
// lifecycle.StateData), in the structure's declaration order.
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string MetadataOf(absl::string_view datatype, const Fields& fields) {
  lifecycle::StateMetadata m;
  m.set_datatype(std::string(datatype));
  for (const auto& [name, value] : fields) m.add_fields(name);
  return m.SerializeAsString();
}

// The stored metadata of `name` in `space`, nullopt if none.
absl::StatusOr<std::optional<lifecycle::StateMetadata>> ReadMetadata(SerializerState& state,
                                                                     absl::string_view space,
                                                                     absl::string_view name) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                          state.Get(chaincode::MetadataKey(space, name)));
  if (!bytes.has_value()) return std::nullopt;
  lifecycle::StateMetadata metadata;
  if (!metadata.ParseFromString(*bytes)) {
    return absl::DataLossError(
        absl::StrCat("could not unmarshal metadata for namespace ", space, "/", name));
  }
  return metadata;
}

// Fabric's Serializer.Serialize: every field whose stored bytes differ is written, the
// metadata only when its type or field list changes, and fields the old metadata listed
// but the type no longer has are deleted.
absl::Status Serialize(SerializerState& state, absl::string_view space, absl::string_view name,
                       absl::string_view datatype, const Fields& fields) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<lifecycle::StateMetadata> stored,
                          ReadMetadata(state, space, name));
  lifecycle::StateMetadata metadata = stored.value_or(lifecycle::StateMetadata());
  std::map<std::string, std::optional<std::string>> existing;
  for (const std::string& field : metadata.fields()) {
    const std::string key = chaincode::FieldKey(space, name, field);
    FABRIC_ASSIGN_OR_RETURN(existing[key], state.Get(key));
  }
  for (const auto& [field, value] : fields) {
    const std::string key = chaincode::FieldKey(space, name, field);
    auto it = existing.find(key);
    if (it == existing.end() || it->second != value) {
      FABRIC_RETURN_IF_ERROR(state.Put(key, value));
    }
    if (it != existing.end()) existing.erase(it);
  }
  if (!existing.empty() || metadata.datatype() != datatype ||
      metadata.fields_size() != static_cast<int>(fields.size())) {
    FABRIC_RETURN_IF_ERROR(
        state.Put(chaincode::MetadataKey(space, name), MetadataOf(datatype, fields)));
  }
  for (const auto& [key, unused] : existing) FABRIC_RETURN_IF_ERROR(state.Del(key));
  return absl::OkStatus();
}

// Fabric's Serializer.IsSerialized: the hashes of the metadata and of every field equal
// those of the structure's serialization (read as hashes: any org's peer has them).
absl::StatusOr<bool> IsSerialized(SerializerState& state, absl::string_view space,
                                  absl::string_view name, absl::string_view datatype,
                                  const Fields& fields) {
  std::map<std::string, std::optional<std::string>> hashes;
  const std::string metadata_key = chaincode::MetadataKey(space, name);
  FABRIC_ASSIGN_OR_RETURN(hashes[metadata_key], state.Hash(metadata_key));
  for (const auto& [field, value] : fields) {
    const std::string key = chaincode::FieldKey(space, name, field);
    FABRIC_ASSIGN_OR_RETURN(hashes[key], state.Hash(key));
  }
  if (hashes[metadata_key] != Sha256(MetadataOf(datatype, fields))) return false;
  for (const auto& [field, value] : fields) {
    if (hashes[chaincode::FieldKey(space, name, field)] != Sha256(value)) return false;
  }
  return true;
}

// A definition as the lifecycle functions take it, with Fabric's
// SetChaincodeDefinitionDefaults applied.
struct Definition {
  std::string name;
  int64_t sequence = 0;
  lifecycle::ChaincodeEndorsementInfo endorsement;
  lifecycle::ChaincodeValidationInfo validation;
  protos::CollectionConfigPackage collections;

  // ChaincodeParameters: what an org approves.
  Fields Parameters() const {
    return {{"EndorsementInfo", BytesField(endorsement.SerializeAsString())},
            {"ValidationInfo", BytesField(validation.SerializeAsString())},
            {"Collections", BytesField(collections.SerializeAsString())}};
  }
  // ChaincodeDefinition: what the channel commits.
  Fields All() const {
    lifecycle::StateData sequence_data;
    sequence_data.set_int64(sequence);
    Fields fields = {{"Sequence", sequence_data.SerializeAsString()}};
    for (auto& f : Parameters()) fields.push_back(std::move(f));
    return fields;
  }
  // The private name of an approval: "<name>#<sequence>".
  std::string PrivateName() const { return absl::StrCat(name, "#", sequence); }
};

constexpr char kNamespaces[] = "namespaces";
constexpr char kSources[] = "chaincode-sources";
constexpr char kParametersType[] = "ChaincodeParameters";
constexpr char kLocalPackageType[] = "ChaincodeLocalPackage";

// The fields 1-8 that the Approve, CheckCommitReadiness and Commit arguments share.
template <typename Args>
Definition DefinitionOf(const Args& args) {
  Definition d;
  d.name = args.name();
  d.sequence = args.sequence();
  d.endorsement.set_version(args.version());
  d.endorsement.set_init_required(args.init_required());
  d.endorsement.set_endorsement_plugin(
      args.endorsement_plugin().empty() ? "escc" : args.endorsement_plugin());
  d.validation.set_validation_plugin(args.validation_plugin().empty() ? "vscc"
                                                                      : args.validation_plugin());
  if (args.validation_parameter().empty()) {
    protos::ApplicationPolicy policy;
    policy.set_channel_config_policy_reference(kDefaultEndorsementPolicy);
    d.validation.set_validation_parameter(policy.SerializeAsString());
  } else {
    d.validation.set_validation_parameter(args.validation_parameter());
  }
  d.collections = args.collections();
  return d;
}

template <typename Args>
absl::StatusOr<Args> Decode(absl::string_view input, absl::string_view type) {
  Args args;
  if (!args.ParseFromString(std::string(input))) {
    return absl::InvalidArgumentError(
        absl::StrCat("failed to decode input arg to lifecycle.", type));
  }
  return args;
}

bool IsValidCollectionName(absl::string_view name) {
  if (name.empty() || name.front() == '_') return false;
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

class LifecycleContract : public Contract {
 public:
  LifecycleContract(const ChannelView* channel, std::string peer_mspid)
      : channel_(channel), peer_mspid_(std::move(peer_mspid)) {}

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
    if (inv.function == kApprove) {
      out = Approve(stub, inv.args[0]);
    } else if (inv.function == kCheck) {
      out = CheckCommitReadiness(stub, inv.args[0]);
    } else if (inv.function == kCommit) {
      out = Commit(stub, inv.args[0]);
    } else if (inv.function == kQueryApproved) {
      out = QueryApproved(stub, inv.args[0]);
    } else if (inv.function == kQuery) {
      out = Query(stub, inv.args[0]);
    } else if (inv.function == kQueryAll) {
      out = QueryAll(stub, inv.args[0]);
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

 private:
  // The MSP ids of the channel's application orgs.
  std::vector<std::string> AppOrgs() const {
    std::vector<std::string> out;
    for (const channelconfig::Organization& org : channel_->config()->organizations()) {
      if (!org.orderer) out.push_back(org.mspid);
    }
    return out;
  }

  // Fabric's validateInput: the name, the version, the collections, and the collections
  // against the committed definition (read apart from the transaction, as Fabric does).
  absl::Status ValidateInput(const Definition& d) const {
    lifecycle::CommitChaincodeDefinitionArgs args;
    args.set_name(d.name);
    args.set_version(d.endorsement.version());
    FABRIC_RETURN_IF_ERROR(ValidateDefinitionInput(args));
    std::set<std::string> names;
    for (const protos::CollectionConfig& c : d.collections.config()) {
      if (!c.has_static_collection_config()) {
        return absl::InvalidArgumentError("unknown collection configuration type");
      }
      const protos::StaticCollectionConfig& s = c.static_collection_config();
      if (!IsValidCollectionName(s.name())) {
        return absl::InvalidArgumentError(absl::StrCat(
            "invalid collection name '", s.name(),
            "'. Names can only consist of alphanumerics, '_', and '-' and cannot begin with '_'"));
      }
      if (!names.insert(s.name()).second) {
        return absl::InvalidArgumentError(absl::StrCat(
            "collection-name: ", s.name(), " -- found duplicate in collection configuration"));
      }
      if (s.maximum_peer_count() < s.required_peer_count()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "collection-name: ", s.name(), " -- maximum peer count (", s.maximum_peer_count(),
            ") cannot be less than the required peer count (", s.required_peer_count(), ")"));
      }
      if (s.required_peer_count() < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("collection-name: ", s.name(), " -- requiredPeerCount (",
                         s.required_peer_count(), ") cannot be less than zero"));
      }
      if (!s.member_orgs_policy().has_signature_policy()) {
        return absl::InvalidArgumentError(
            absl::StrCat("collection member policy is not set for collection '", s.name(), "'"));
      }
    }
    FABRIC_ASSIGN_OR_RETURN(std::optional<chaincode::ChaincodeDefinition> committed,
                            chaincode::ReadChaincodeDefinition(channel_->state(), d.name));
    if (!committed.has_value() || committed->collections.config().empty()) {
      return absl::OkStatus();
    }
    if (d.collections.config().empty()) {
      return absl::InvalidArgumentError(
          "the proposed collection config does not contain previously defined collections");
    }
    for (const protos::CollectionConfig& c : committed->collections.config()) {
      const protos::StaticCollectionConfig& old = c.static_collection_config();
      const protos::StaticCollectionConfig* proposed = nullptr;
      for (const protos::CollectionConfig& n : d.collections.config()) {
        if (n.static_collection_config().name() == old.name()) {
          proposed = &n.static_collection_config();
        }
      }
      if (proposed == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("existing collection [", old.name(),
                                                       "] missing in the proposed collection "
                                                       "configuration"));
      }
      if (proposed->block_to_live() != old.block_to_live()) {
        return absl::InvalidArgumentError(
            absl::StrCat("the BlockToLive in an existing collection [", old.name(),
                         "] modified. Existing value [", old.block_to_live(), "]"));
      }
    }
    return absl::OkStatus();
  }

  // Which of the channel's orgs approved `d` (QueryOrgApprovals), read as hashes.
  absl::StatusOr<std::map<std::string, bool>> Approvals(Stub& stub, const Definition& d) const {
    std::map<std::string, bool> approvals;
    for (const std::string& mspid : AppOrgs()) {
      SerializerState org(stub, chaincode::ImplicitCollectionName(mspid));
      FABRIC_ASSIGN_OR_RETURN(approvals[mspid], IsSerialized(org, kNamespaces, d.PrivateName(),
                                                             kParametersType, d.Parameters()));
    }
    return approvals;
  }

  // CheckCommitReadiness' core: the sequence follows the committed one; the approvals.
  absl::StatusOr<std::map<std::string, bool>> Readiness(Stub& stub, const Definition& d) const {
    FABRIC_ASSIGN_OR_RETURN(int64_t current, CurrentSequence(stub, d.name));
    if (d.sequence != current + 1) {
      return absl::FailedPreconditionError(absl::StrCat("requested sequence is ", d.sequence,
                                                        ", but new definition must be sequence ",
                                                        current + 1));
    }
    return Approvals(stub, d);
  }

  absl::StatusOr<std::string> Approve(Stub& stub, absl::string_view input) const {
    FABRIC_ASSIGN_OR_RETURN(auto args, Decode<lifecycle::ApproveChaincodeDefinitionForMyOrgArgs>(
                                           input, "ApproveChaincodeDefinitionForMyOrgArgs"));
    const Definition d = DefinitionOf(args);
    if (absl::Status s = ValidateInput(d); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("error validating chaincode definition: ", s.message()));
    }
    const std::string package_id =
        args.source().has_local_package() ? args.source().local_package().package_id() : "";
    FABRIC_ASSIGN_OR_RETURN(int64_t current, CurrentSequence(stub, d.name));
    if (current == 0 && d.sequence == 0) {
      return absl::InvalidArgumentError(
          "requested sequence is 0, but first definable sequence number is 1");
    }
    if (d.sequence < current) {
      return absl::FailedPreconditionError(absl::StrCat("currently defined sequence ", current,
                                                        " is larger than requested sequence ",
                                                        d.sequence));
    }
    if (d.sequence > current + 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("requested sequence ", d.sequence,
                       " is larger than the next available sequence number ", current + 1));
    }
    SerializerState org(stub, chaincode::ImplicitCollectionName(peer_mspid_));
    if (d.sequence == current) {
      // Approving the committed sequence: only with its parameters.
      StubState state(&stub);
      FABRIC_ASSIGN_OR_RETURN(std::optional<chaincode::ChaincodeDefinition> committed,
                              chaincode::ReadChaincodeDefinition(state, d.name));
      if (!committed.has_value()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "missing metadata for currently committed sequence number (", current, ")"));
      }
      Definition c = d;
      c.endorsement = committed->endorsement_info;
      c.validation = committed->validation_info;
      c.collections = committed->collections;
      if (c.Parameters() != d.Parameters()) {
        return absl::FailedPreconditionError(
            absl::StrCat("attempted to redefine the current committed sequence (", current,
                         ") for namespace ", d.name, " with different parameters"));
      }
    } else {
      // The same uncommitted approval twice is refused.
      FABRIC_ASSIGN_OR_RETURN(std::optional<lifecycle::StateMetadata> approved,
                              ReadMetadata(org, kNamespaces, d.PrivateName()));
      if (approved.has_value()) {
        bool same = true;
        for (const auto& [field, value] : d.Parameters()) {
          FABRIC_ASSIGN_OR_RETURN(
              std::optional<std::string> stored,
              org.Get(chaincode::FieldKey(kNamespaces, d.PrivateName(), field)));
          same = same && stored == value;
        }
        if (same) {
          FABRIC_ASSIGN_OR_RETURN(std::optional<lifecycle::StateMetadata> source,
                                  ReadMetadata(org, kSources, d.PrivateName()));
          if (source.has_value()) {
            FABRIC_ASSIGN_OR_RETURN(
                std::optional<std::string> stored,
                org.Get(chaincode::FieldKey(kSources, d.PrivateName(), "PackageID")));
            if (stored == StringField(package_id)) {
              return absl::FailedPreconditionError(
                  absl::StrCat("attempted to redefine uncommitted sequence (", d.sequence,
                               ") for namespace ", d.name, " with unchanged content"));
            }
          }
        }
      }
    }
    FABRIC_RETURN_IF_ERROR(
        Serialize(org, kNamespaces, d.PrivateName(), kParametersType, d.Parameters()));
    FABRIC_RETURN_IF_ERROR(Serialize(org, kSources, d.PrivateName(), kLocalPackageType,
                                     {{"PackageID", StringField(package_id)}}));
    return lifecycle::ApproveChaincodeDefinitionForMyOrgResult().SerializeAsString();
  }

  absl::StatusOr<std::string> CheckCommitReadiness(Stub& stub, absl::string_view input) const {
    FABRIC_ASSIGN_OR_RETURN(
        auto args, Decode<lifecycle::CheckCommitReadinessArgs>(input, "CheckCommitReadinessArgs"));
    FABRIC_ASSIGN_OR_RETURN(auto approvals, Readiness(stub, DefinitionOf(args)));
    lifecycle::CheckCommitReadinessResult result;
    for (const auto& [org, approved] : approvals) (*result.mutable_approvals())[org] = approved;
    return result.SerializeAsString();
  }

  absl::StatusOr<std::string> Commit(Stub& stub, absl::string_view input) const {
    FABRIC_ASSIGN_OR_RETURN(auto args, Decode<lifecycle::CommitChaincodeDefinitionArgs>(
                                           input, "CommitChaincodeDefinitionArgs"));
    const Definition d = DefinitionOf(args);
    if (absl::Status s = ValidateInput(d); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("error validating chaincode definition: ", s.message()));
    }
    const std::vector<std::string> orgs = AppOrgs();
    if (std::find(orgs.begin(), orgs.end(), peer_mspid_) == orgs.end()) {
      return absl::FailedPreconditionError(
          "impossibly, this peer's org is processing requests for a channel it is not a member "
          "of");
    }
    FABRIC_ASSIGN_OR_RETURN(auto approvals, Readiness(stub, d));
    SerializerState state(stub, "");
    FABRIC_RETURN_IF_ERROR(
        Serialize(state, kNamespaces, d.name, chaincode::kDefinitionType, d.All()));
    if (!approvals[peer_mspid_]) {
      return absl::FailedPreconditionError(
          absl::StrCat("chaincode definition not agreed to by this org (", peer_mspid_, ")"));
    }
    return lifecycle::CommitChaincodeDefinitionResult().SerializeAsString();
  }

  // This org's approval of `name` at `sequence` (0: the next uncommitted one, else the
  // committed one).
  absl::StatusOr<std::string> QueryApproved(Stub& stub, absl::string_view input) const {
    FABRIC_ASSIGN_OR_RETURN(auto args, Decode<lifecycle::QueryApprovedChaincodeDefinitionArgs>(
                                           input, "QueryApprovedChaincodeDefinitionArgs"));
    SerializerState org(stub, chaincode::ImplicitCollectionName(peer_mspid_));
    std::vector<int64_t> sequences;
    if (args.sequence() != 0) {
      sequences.push_back(args.sequence());
    } else {
      FABRIC_ASSIGN_OR_RETURN(int64_t current, CurrentSequence(stub, args.name()));
      sequences = {current + 1, current};
    }
    for (int64_t sequence : sequences) {
      const std::string name = absl::StrCat(args.name(), "#", sequence);
      FABRIC_ASSIGN_OR_RETURN(std::optional<lifecycle::StateMetadata> metadata,
                              ReadMetadata(org, kNamespaces, name));
      if (!metadata.has_value()) continue;
      lifecycle::QueryApprovedChaincodeDefinitionResult result;
      result.set_sequence(sequence);
      std::map<std::string, lifecycle::StateData> fields;
      for (const char* field : {"EndorsementInfo", "ValidationInfo", "Collections"}) {
        FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                                org.Get(chaincode::FieldKey(kNamespaces, name, field)));
        if (bytes.has_value() && !fields[field].ParseFromString(*bytes)) {
          return absl::DataLossError(
              absl::StrCat("could not unmarshal field ", field, " of ", name));
        }
      }
      lifecycle::ChaincodeEndorsementInfo e;
      lifecycle::ChaincodeValidationInfo v;
      e.ParseFromString(fields["EndorsementInfo"].bytes());
      v.ParseFromString(fields["ValidationInfo"].bytes());
      result.mutable_collections()->ParseFromString(fields["Collections"].bytes());
      result.set_version(e.version());
      result.set_endorsement_plugin(e.endorsement_plugin());
      result.set_init_required(e.init_required());
      result.set_validation_plugin(v.validation_plugin());
      result.set_validation_parameter(v.validation_parameter());
      FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> package,
                              org.Get(chaincode::FieldKey(kSources, name, "PackageID")));
      lifecycle::StateData package_id;
      if (package.has_value() && package_id.ParseFromString(*package) &&
          !package_id.string().empty()) {
        result.mutable_source()->mutable_local_package()->set_package_id(package_id.string());
      } else {
        result.mutable_source()->mutable_unavailable();
      }
      return result.SerializeAsString();
    }
    return absl::NotFoundError(absl::StrCat(
        "could not fetch approved chaincode definition (name: '", args.name(), "', sequence: '",
        args.sequence(), "') on channel '", stub.invocation().channel_id, "'"));
  }

  // A missing definition is a 404, as Fabric's ErrNamespaceNotDefined.
  absl::StatusOr<std::string> Query(Stub& stub, absl::string_view input) const {
    FABRIC_ASSIGN_OR_RETURN(auto args, Decode<lifecycle::QueryChaincodeDefinitionArgs>(
                                           input, "QueryChaincodeDefinitionArgs"));
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
    Definition d;
    d.name = args.name();
    d.sequence = def->sequence;
    d.endorsement = def->endorsement_info;
    d.validation = def->validation_info;
    d.collections = def->collections;
    FABRIC_ASSIGN_OR_RETURN(auto approvals, Approvals(stub, d));
    for (const auto& [org, approved] : approvals) (*result.mutable_approvals())[org] = approved;
    return result.SerializeAsString();
  }

  // Every committed definition, by name.
  absl::StatusOr<std::string> QueryAll(Stub& stub, absl::string_view input) const {
    FABRIC_RETURN_IF_ERROR(
        Decode<lifecycle::QueryChaincodeDefinitionsArgs>(input, "QueryChaincodeDefinitionsArgs")
            .status());
    const std::string prefix = chaincode::MetadataKey(kNamespaces, "");
    std::string end = prefix;
    end.back() = static_cast<char>(end.back() + 1);
    FABRIC_ASSIGN_OR_RETURN(std::vector<KeyValue> metadata, stub.GetStateByRange(prefix, end));
    lifecycle::QueryChaincodeDefinitionsResult result;
    StubState state(&stub);
    for (const KeyValue& kv : metadata) {
      lifecycle::StateMetadata m;
      if (!m.ParseFromString(kv.value) || m.datatype() != chaincode::kDefinitionType) continue;
      const std::string name = kv.key.substr(prefix.size());
      FABRIC_ASSIGN_OR_RETURN(std::optional<chaincode::ChaincodeDefinition> def,
                              chaincode::ReadChaincodeDefinition(state, name));
      if (!def.has_value()) continue;
      auto* out = result.add_chaincode_definitions();
      out->set_name(name);
      out->set_sequence(def->sequence);
      out->set_version(def->endorsement_info.version());
      out->set_endorsement_plugin(def->endorsement_info.endorsement_plugin());
      out->set_validation_plugin(def->validation_info.validation_plugin());
      out->set_validation_parameter(def->validation_info.validation_parameter());
      out->set_init_required(def->endorsement_info.init_required());
      *out->mutable_collections() = def->collections;
    }
    return result.SerializeAsString();
  }

  const ChannelView* const channel_;
  const std::string peer_mspid_;
};

}  // namespace

std::shared_ptr<Contract> NewLifecycleContract(const ChannelView* channel, std::string peer_mspid) {
  return std::make_shared<LifecycleContract>(channel, std::move(peer_mspid));
}

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
