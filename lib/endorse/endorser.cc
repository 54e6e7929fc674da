#include "lib/endorse/endorser.h"

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/chaincode/collections.h"
#include "lib/chaincode/definition.h"
#include "lib/endorse/lifecycle_contract.h"
#include "lib/endorse/simulator.h"
#include "lib/policy/rule_tree.h"
#include "lib/policy/signature_policy.h"
#include "lib/policy/signature_set.h"
#include "lib/wire/field_reader.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/chaincode.pb.h"
#include "lib/wire/proto/chaincode_event.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/lifecycle.pb.h"
#include "lib/wire/proto/peer_configuration.pb.h"
#include "lib/wire/proto/policies.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/rwset.pb.h"

namespace fabric::endorse {
namespace {

constexpr char kWritersPolicy[] = "/Channel/Application/Writers";
constexpr char kReadersPolicy[] = "/Channel/Application/Readers";
// The version Fabric gives every system chaincode (core/scc).
constexpr char kSystemChaincodeVersion[] = "syscc";
constexpr char kBuiltinEndorsementPlugin[] = "escc";
constexpr char kValidationParameter[] = "VALIDATION_PARAMETER";
// Where a chaincode that requires init keeps its initialized version: "\x00", U+10FFFF,
// "initialized" (Fabric's InitializedKeyName), a key no simple or composite key can be.
constexpr char kInitializedKeyBytes[] =
    "\x00\xF4\x8F\xBF\xBF"
    "initialized";
constexpr absl::string_view kInitializedKey(kInitializedKeyBytes, sizeof(kInitializedKeyBytes) - 1);

// A proposal's parts, parsed once (Fabric's UnpackedProposal).
struct UnpackedProposal {
  protos::SignedProposal signed_proposal;
  common::ChannelHeader channel_header;
  common::SignatureHeader signature_header;
  std::string chaincode;
  protos::ChaincodeInput input;
  std::map<std::string, std::string> transient;
  // SHA-256(channel header || signature header || proposal payload without transient data).
  std::string proposal_hash;
};

template <typename Message>
absl::Status Parse(absl::string_view bytes, Message* out) {
  if (!out->ParseFromString(std::string(bytes))) {
    return absl::InvalidArgumentError(absl::StrCat("error unmarshalling ", out->GetTypeName()));
  }
  return absl::OkStatus();
}

// Fabric's UnpackProposal: every message parsed, the chaincode named, the input present.
absl::StatusOr<UnpackedProposal> Unpack(absl::string_view signed_proposal) {
  UnpackedProposal up;
  FABRIC_RETURN_IF_ERROR(Parse(signed_proposal, &up.signed_proposal));
  protos::Proposal proposal;
  FABRIC_RETURN_IF_ERROR(Parse(up.signed_proposal.proposal_bytes(), &proposal));
  common::Header header;
  FABRIC_RETURN_IF_ERROR(Parse(proposal.header(), &header));
  FABRIC_RETURN_IF_ERROR(Parse(header.channel_header(), &up.channel_header));
  FABRIC_RETURN_IF_ERROR(Parse(header.signature_header(), &up.signature_header));
  protos::ChaincodeHeaderExtension extension;
  FABRIC_RETURN_IF_ERROR(Parse(up.channel_header.extension(), &extension));
  if (!extension.has_chaincode_id()) {
    return absl::InvalidArgumentError("ChaincodeHeaderExtension.ChaincodeId is nil");
  }
  if (extension.chaincode_id().name().empty()) {
    return absl::InvalidArgumentError("ChaincodeHeaderExtension.ChaincodeId.Name is empty");
  }
  up.chaincode = extension.chaincode_id().name();
  protos::ChaincodeProposalPayload payload;
  FABRIC_RETURN_IF_ERROR(Parse(proposal.payload(), &payload));
  protos::ChaincodeInvocationSpec spec;
  FABRIC_RETURN_IF_ERROR(Parse(payload.input(), &spec));
  if (!spec.has_chaincode_spec()) {
    return absl::InvalidArgumentError("chaincode invocation spec did not contain chaincode spec");
  }
  if (!spec.chaincode_spec().has_input()) {
    return absl::InvalidArgumentError("chaincode input did not contain any input");
  }
  up.input = spec.chaincode_spec().input();
  up.transient.insert(payload.transientmap().begin(), payload.transientmap().end());

  protos::ChaincodeProposalPayload without_transient;
  without_transient.set_input(payload.input());
  Sha256Hasher h;
  h.Update(header.channel_header());
  h.Update(header.signature_header());
  h.Update(without_transient.SerializeAsString());
  up.proposal_hash = h.Finish();
  return up;
}

// Fabric's default peer runs the ExpirationCheck auth filter before anything else.
absl::Status CheckNotExpired(const UnpackedProposal& up, const identity::MspManager& msps) {
  auto creator = msps.Deserialize(up.signature_header.creator());
  if (creator.ok() && absl::Now() > (*creator)->not_after()) {
    return absl::PermissionDeniedError("proposal client identity expired");
  }
  return absl::OkStatus();  // an undecodable creator is refused by CheckCreator
}

// The headers and the txid: Fabric's channel lookup, then UnpackedProposal.Validate up
// to the creator.
absl::Status CheckHeaders(const UnpackedProposal& up, absl::string_view channel_id) {
  const common::ChannelHeader& ch = up.channel_header;
  if (ch.channel_id() != channel_id) {
    return absl::InvalidArgumentError(absl::StrCat("channel '", ch.channel_id(), "' not found"));
  }
  // Fabric's Validate lets CONFIG through as well ("oh well", its comment says).
  if (ch.type() != common::ENDORSER_TRANSACTION && ch.type() != common::CONFIG) {
    const std::string& name = common::HeaderType_Name(static_cast<common::HeaderType>(ch.type()));
    return absl::InvalidArgumentError(
        absl::StrCat("invalid header type ", name.empty() ? absl::StrCat(ch.type()) : name));
  }
  if (ch.epoch() != 0) return absl::InvalidArgumentError("epoch is non-zero");
  const common::SignatureHeader& sh = up.signature_header;
  if (sh.nonce().empty()) return absl::InvalidArgumentError("nonce is empty");
  if (sh.creator().empty()) return absl::InvalidArgumentError("creator is empty");
  const std::string want = wire::ComputeTxId(sh.nonce(), sh.creator());
  if (ch.tx_id() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat("incorrectly computed txid '", ch.tx_id(), "' -- expected '", want, "'"));
  }
  return absl::OkStatus();
}

// The rest of Validate: the creator is a valid member of a channel MSP and signed the
// proposal.
absl::StatusOr<std::shared_ptr<const identity::Identity>> CheckCreator(
    const UnpackedProposal& up, const identity::MspManager& msps, absl::string_view channel_id) {
  if (up.signed_proposal.signature().empty()) {
    return absl::PermissionDeniedError("empty signature bytes");
  }
  auto creator = msps.Deserialize(up.signature_header.creator());
  if (!creator.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("access denied: channel [", channel_id,
                     "] creator org unknown, creator is malformed: ", creator.status().message()));
  }
  const std::string denied = absl::StrCat("access denied: channel [", channel_id, "] creator org [",
                                          (*creator)->mspid(), "]");
  if (absl::Status s = msps.Validate(**creator); !s.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat(denied, ": identity is not valid: ", s.message()));
  }
  if (absl::Status s =
          (*creator)->Verify(up.signed_proposal.proposal_bytes(), up.signed_proposal.signature());
      !s.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        denied, ": creator's signature over the proposal is not valid: ", s.message()));
  }
  return *std::move(creator);
}

// Fabric's GetTransactionByID finds any stored transaction, valid or not.
absl::Status CheckNotDuplicate(const UnpackedProposal& up, const ChannelView& channel) {
  FABRIC_ASSIGN_OR_RETURN(const bool found, channel.HasTransaction(up.channel_header.tx_id()));
  if (found) {
    return absl::AlreadyExistsError(
        absl::StrCat("duplicate transaction found [", up.channel_header.tx_id(), "]. Creator [",
                     absl::BytesToHexString(up.signature_header.creator()), "]"));
  }
  return absl::OkStatus();
}

// The policy that guards API resource `resource` (e.g. "peer/Propose"): the channel's
// ACLs value if it names one (relative names are under /Channel/Application), else
// `fallback`, Fabric's default.
std::string ResourcePolicy(const channelconfig::ChannelConfig& config, absl::string_view resource,
                           absl::string_view fallback) {
  const auto& groups = config.config().channel_group().groups();
  auto app = groups.find("Application");
  if (app == groups.end()) return std::string(fallback);
  auto value = app->second.values().find("ACLs");
  protos::ACLs acls;
  if (value == app->second.values().end() || !acls.ParseFromString(value->second.value())) {
    return std::string(fallback);
  }
  auto acl = acls.acls().find(std::string(resource));
  if (acl == acls.acls().end() || acl->second.policy_ref().empty()) return std::string(fallback);
  const std::string& ref = acl->second.policy_ref();
  return ref[0] == '/' ? ref : absl::StrCat("/Channel/Application/", ref);
}

// The signed proposal of `creator` satisfies the channel policy `path` (Fabric's ACL
// check).
absl::Status CheckAccess(std::shared_ptr<const identity::Identity> creator,
                         const channelconfig::ChannelConfig& config, absl::string_view path) {
  absl::StatusOr<const policy::Policy*> p = config.policies().Get(path);
  if (!p.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "access denied for [", path, "][", config.channel_id(), "]: ", p.status().message()));
  }
  // Fabric evaluates the policy on SignedData{proposal, creator, signature}; the
  // creator's signature is verified already (CheckCreator), so not again here.
  policy::SignatureSet signers(std::move(creator), config.shared_msps());
  if (absl::Status s = (*p)->Evaluate(signers); !s.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat("access denied for [", path, "][", config.channel_id(), "]: ", s.message()));
  }
  return absl::OkStatus();
}

// The policy the signed proposal must satisfy. To endorse: what the channel's ACLs give
// peer/Propose (Fabric's check for user chaincodes) or `_lifecycle/<function>` (the
// lifecycle SCC's own check), by default the channel's Writers. To evaluate: the
// channel's Readers, since a query changes nothing. (Fabric's gateway sends a query
// through the same ProcessProposal and so checks peer/Propose for it too; we give read
// access to readers, as the product asks: a peer identity may query, not endorse.)
std::string AccessPolicy(const UnpackedProposal& up, const channelconfig::ChannelConfig& config,
                         bool is_query) {
  if (is_query) return kReadersPolicy;
  if (up.chaincode != chaincode::kLifecycleNamespace) {
    return ResourcePolicy(config, "peer/Propose", kWritersPolicy);
  }
  const std::string function = up.input.args_size() > 0 ? up.input.args(0) : "";
  return ResourcePolicy(config, absl::StrCat(chaincode::kLifecycleNamespace, "/", function),
                        kWritersPolicy);
}

// Fabric's ChaincodeEndorsementInfo, step one: the committed Sequence of `cc`, read
// through the simulator so that the transaction fails MVCC if the definition changes
// before it commits. NotFound when the chaincode is not defined.
absl::StatusOr<int64_t> DefinedSequence(TxSimulator& sim, absl::string_view cc,
                                        absl::string_view channel_id) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          sim.GetState(chaincode::kLifecycleNamespace, chaincode::SequenceKey(cc)));
  FABRIC_ASSIGN_OR_RETURN(const int64_t sequence, chaincode::DecodeSequence(cc, stored));
  if (sequence == 0) {
    return absl::NotFoundError(
        absl::StrCat("make sure the chaincode ", cc, " has been successfully defined on channel ",
                     channel_id, " and try again: chaincode ", cc, " not found"));
  }
  return sequence;
}

// Fabric's "init exactly once" (ChaincodeSupport.CheckInvocation). A definition with
// init_required keeps, in the chaincode's namespace, the version last initialized under
// kInitializedKey: its read is recorded, an invocation finding another version is
// refused, and an init (ChaincodeInput.is_init) is refused unless the definition
// requires one that has not been made; an endorsed init records the version.
absl::Status CheckInitialization(TxSimulator& sim, const UnpackedProposal& up,
                                 const lifecycle::ChaincodeEndorsementInfo& info, bool is_query) {
  bool needs_init = false;
  if (info.init_required()) {
    FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> initialized,
                            sim.GetState(up.chaincode, kInitializedKey));
    needs_init = initialized.value_or("") != info.version();
  }
  if (up.input.is_init()) {
    if (!info.init_required()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "chaincode '", up.chaincode, "' does not require initialization but called as init"));
    }
    if (!needs_init) {
      return absl::FailedPreconditionError(
          absl::StrCat("chaincode '", up.chaincode, "' is already initialized but called as init"));
    }
    // A query records nothing (and may not write).
    if (is_query) return absl::OkStatus();
    return sim.PutState(up.chaincode, kInitializedKey, info.version());
  }
  if (needs_init) {
    return absl::FailedPreconditionError(
        absl::StrCat("chaincode '", up.chaincode,
                     "' has not been initialized for this version, must call as init first"));
  }
  return absl::OkStatus();
}

Invocation MakeInvocation(const UnpackedProposal& up, const identity::Identity& creator,
                          bool is_query) {
  Invocation inv;
  const common::ChannelHeader& ch = up.channel_header;
  inv.channel_id = ch.channel_id();
  inv.txid = ch.tx_id();
  inv.chaincode = up.chaincode;
  if (up.input.args_size() > 0) inv.function = up.input.args(0);
  inv.args.assign(up.input.args().begin() + (up.input.args_size() > 0 ? 1 : 0),
                  up.input.args().end());
  inv.transient = up.transient;
  inv.creator = up.signature_header.creator();
  inv.creator_mspid = creator.mspid();
  inv.timestamp_seconds = ch.timestamp().seconds();
  inv.timestamp_nanos = ch.timestamp().nanos();
  inv.is_query = is_query;
  return inv;
}

bool IsSystemChaincode(absl::string_view name) {
  return name == chaincode::kLifecycleNamespace || name == "lscc" || name == "cscc" ||
         name == "qscc" || name == "escc" || name == "vscc";
}

// What a gateway needs to pick endorsers (Fabric's buildChaincodeInterest, public data
// only): per user chaincode the simulation touched, the key-level policies of the keys
// it writes (from committed metadata), and whether its own policy applies. Serialized
// by hand: a key's policy is embedded as stored, after checking that it decodes as
// Go's protobuf decodes it (rule_tree.h), since it may nest deeper than protobuf's C++
// parser and serializer can go on a host's stack.
absl::StatusOr<std::string> BuildInterest(absl::string_view rwset_bytes,
                                          const ledger::StateDb& state) {
  ::rwset::TxReadWriteSet rwset;
  FABRIC_RETURN_IF_ERROR(Parse(rwset_bytes, &rwset));
  std::string interest;
  for (const ::rwset::NsReadWriteSet& ns : rwset.ns_rwset()) {
    if (IsSystemChaincode(ns.namespace_())) continue;
    kvrwset::KVRWSet kv;
    FABRIC_RETURN_IF_ERROR(Parse(ns.rwset(), &kv));
    // Each key once, written or given metadata (Fabric's WritesetMetadata is by key).
    std::set<std::string> written;
    for (const kvrwset::KVWrite& w : kv.writes()) written.insert(w.key());
    for (const kvrwset::KVMetadataWrite& w : kv.metadata_writes()) written.insert(w.key());
    // Only reads: the chaincode's policy applies.
    bool needs_cc_policy = written.empty();
    std::vector<std::string> key_policies;
    for (const std::string& key : written) {
      FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> v,
                              state.Get(ns.namespace_(), key));
      kvrwset::KVMetadataWrite metadata;
      if (v.has_value() && !metadata.ParseFromString(v->metadata)) {
        return absl::DataLossError(
            absl::StrCat("corrupt metadata of ", ns.namespace_(), ":", absl::CHexEscape(key)));
      }
      bool has_policy = false;
      for (const kvrwset::KVMetadataEntry& e : metadata.entries()) {
        if (e.name() != kValidationParameter) continue;
        if (!policy::DecodeRuleTree(e.value()).ok()) {
          return absl::InvalidArgumentError("error unmarshalling common.SignaturePolicyEnvelope");
        }
        key_policies.push_back(e.value());
        has_policy = true;
      }
      if (!has_policy) needs_cc_policy = true;
    }
    if (key_policies.empty() && !needs_cc_policy) continue;
    // ChaincodeCall: name (1), key_policies (5), disregard_namespace_policy (6).
    protos::ChaincodeCall named;
    named.set_name(ns.namespace_());
    std::string call = named.SerializeAsString();
    for (const std::string& p : key_policies) wire::AppendBytesField(5, p, &call);
    if (!key_policies.empty() && !needs_cc_policy) call.append("\x30\x01", 2);
    wire::AppendBytesField(1, call, &interest);  // ChaincodeInterest.chaincodes
  }
  return interest;
}

// Fabric's builtin ESCC and ProposalResponse: the payload signed with the endorser's
// identity appended.
absl::StatusOr<std::string> SignResponse(const UnpackedProposal& up, const Response& response,
                                         const std::string& rwset,
                                         const std::optional<EventRecord>& event,
                                         const lifecycle::ChaincodeEndorsementInfo& info,
                                         absl::string_view interest,
                                         const identity::SigningIdentity& signer) {
  if (info.endorsement_plugin() != kBuiltinEndorsementPlugin) {
    return absl::FailedPreconditionError(absl::StrCat(
        "endorsing with plugin failed: plugin '", info.endorsement_plugin(), "' is not available"));
  }
  protos::Response res;
  res.set_status(response.status);
  res.set_message(response.message);
  res.set_payload(response.payload);

  protos::ChaincodeAction action;
  action.set_results(rwset);
  if (event.has_value()) {
    protos::ChaincodeEvent e;
    e.set_chaincode_id(up.chaincode);
    e.set_tx_id(up.channel_header.tx_id());
    e.set_event_name(event->name);
    e.set_payload(event->payload);
    action.set_events(e.SerializeAsString());
  }
  *action.mutable_response() = res;
  action.mutable_chaincode_id()->set_name(up.chaincode);
  action.mutable_chaincode_id()->set_version(info.version());

  protos::ProposalResponsePayload payload;
  payload.set_proposal_hash(up.proposal_hash);
  payload.set_extension(action.SerializeAsString());
  const std::string payload_bytes = payload.SerializeAsString();

  FABRIC_ASSIGN_OR_RETURN(std::string signature,
                          signer.Sign(absl::StrCat(payload_bytes, signer.serialized())));
  protos::ProposalResponse pr;
  pr.set_version(1);
  *pr.mutable_response() = std::move(res);
  pr.set_payload(payload_bytes);
  pr.mutable_endorsement()->set_endorser(signer.serialized());
  pr.mutable_endorsement()->set_signature(std::move(signature));
  // The interest is already serialized; it is field 7, the last.
  std::string out = pr.SerializeAsString();
  wire::AppendBytesField(7, interest, &out);
  return out;
}

}  // namespace

Endorser::Endorser(const ChannelView* channel,
                   std::shared_ptr<const identity::SigningIdentity> signer)
    : channel_(channel),
      signer_(std::move(signer)),
      lifecycle_(NewLifecycleContract(channel, signer_->mspid())) {}

Endorser::~Endorser() = default;

absl::Status Endorser::RegisterContract(std::string name, std::shared_ptr<Contract> contract) {
  if (name.empty()) return absl::InvalidArgumentError("a contract needs a chaincode name");
  if (name == chaincode::kLifecycleNamespace) {
    return absl::InvalidArgumentError("_lifecycle is built in and cannot be replaced");
  }
  if (contract == nullptr) return absl::InvalidArgumentError("null contract");
  absl::MutexLock l(&mu_);
  contracts_[std::move(name)] = std::move(contract);
  return absl::OkStatus();
}

std::shared_ptr<Contract> Endorser::FindContract(absl::string_view name) const {
  if (name == chaincode::kLifecycleNamespace) return lifecycle_;
  absl::MutexLock l(&mu_);
  auto it = contracts_.find(name);
  return it == contracts_.end() ? nullptr : it->second;
}

namespace {

// The chaincode's collections for the proposal's creator (Fabric's collection store):
// MemberOnlyRead/Write apply to a creator whose identity does not satisfy the
// collection's member_orgs_policy.
class CreatorCollections final : public CollectionAccess {
 public:
  CreatorCollections(const ledger::StateDb& state,
                     std::shared_ptr<const channelconfig::ChannelConfig> config, std::string cc,
                     std::shared_ptr<const identity::Identity> creator)
      : state_(state),
        config_(std::move(config)),
        cc_(std::move(cc)),
        creator_(std::move(creator)) {}

  absl::StatusOr<std::optional<Permission>> Check(absl::string_view collection) const override {
    FABRIC_ASSIGN_OR_RETURN(std::optional<protos::StaticCollectionConfig> c,
                            chaincode::FindCollection(state_, *config_, cc_, collection));
    if (!c.has_value()) return std::nullopt;
    if (!c->member_only_read() && !c->member_only_write()) return Permission{};
    auto members = policy::SignaturePolicy::Compile(c->member_orgs_policy().signature_policy());
    if (members.ok()) {
      policy::SignatureSet signers(creator_, config_->shared_msps());
      if ((*members)->Evaluate(signers).ok()) return Permission{};
    }
    return Permission{!c->member_only_read(), !c->member_only_write()};
  }

 private:
  const ledger::StateDb& state_;
  const std::shared_ptr<const channelconfig::ChannelConfig> config_;
  const std::string cc_;
  const std::shared_ptr<const identity::Identity> creator_;
};

}  // namespace

const std::string& Endorser::channel_id() const { return channel_->channel_id(); }

absl::StatusOr<ProposalResult> Endorser::Endorse(absl::string_view signed_proposal) const {
  return Process(signed_proposal, /*is_query=*/false);
}

absl::StatusOr<ProposalResult> Endorser::Evaluate(absl::string_view signed_proposal) const {
  return Process(signed_proposal, /*is_query=*/true);
}

absl::StatusOr<ProposalResult> Endorser::Process(absl::string_view signed_proposal,
                                                 bool is_query) const {
  const std::shared_ptr<const channelconfig::ChannelConfig> config = channel_->config();

  // Fabric's order: UnpackProposal and the expiration auth filter, the channel, Validate
  // (headers, txid, creator, signature), the duplicate check, the ACL, the chaincode's
  // endorsement info, simulation, ESCC.
  FABRIC_ASSIGN_OR_RETURN(UnpackedProposal up, Unpack(signed_proposal));
  FABRIC_RETURN_IF_ERROR(CheckNotExpired(up, config->msps()));
  FABRIC_RETURN_IF_ERROR(CheckHeaders(up, channel_id()));
  FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const identity::Identity> creator,
                          CheckCreator(up, config->msps(), channel_id()));
  FABRIC_RETURN_IF_ERROR(CheckNotDuplicate(up, *channel_));
  FABRIC_RETURN_IF_ERROR(CheckAccess(creator, *config, AccessPolicy(up, *config, is_query)));

  // A query is simulated as a proposal is, as Fabric's evaluate does: its writes are
  // recorded and dropped, never signed.
  TxSimulator sim(channel_->state(), channel_->history(), TxSimulator::Mode::kEndorse);
  lifecycle::ChaincodeEndorsementInfo info;
  if (up.chaincode == chaincode::kLifecycleNamespace) {
    info.set_version(kSystemChaincodeVersion);
    info.set_endorsement_plugin(kBuiltinEndorsementPlugin);
  } else {
    FABRIC_ASSIGN_OR_RETURN(const int64_t sequence,
                            DefinedSequence(sim, up.chaincode, channel_id()));
    FABRIC_ASSIGN_OR_RETURN(std::shared_ptr<const chaincode::ChaincodeDefinition> defined,
                            definitions_.At(channel_->state(), up.chaincode, sequence));
    info = defined->endorsement_info;
    if (info.endorsement_plugin().empty()) info.set_endorsement_plugin(kBuiltinEndorsementPlugin);
  }
  std::shared_ptr<Contract> contract = FindContract(up.chaincode);
  if (contract == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("chaincode definition for '", up.chaincode,
                     "' exists, but chaincode is not installed (no contract is "
                     "registered under that name)"));
  }

  FABRIC_RETURN_IF_ERROR(CheckInitialization(sim, up, info, is_query));

  const Invocation invocation = MakeInvocation(up, *creator, is_query);
  sim.set_txid(invocation.txid);
  const CreatorCollections collections(channel_->state(), config, up.chaincode, creator);
  std::unique_ptr<Stub> stub = NewSimulatorStub(&sim, up.chaincode, &invocation, &collections);
  ProposalResult result;
  result.txid = invocation.txid;
  result.response = contract->Invoke(*stub);
  if (!IsValidUtf8(result.response.message)) {
    // A protobuf string: a Go shim could not even send it, and no reader would accept
    // the response. (The C ABI's fabric_stub_respond refuses it earlier.)
    result.response = Response::Error("the contract's response message is not valid UTF-8");
  }
  if (is_query || result.response.status >= kStatusErrorThreshold) return result;

  FABRIC_ASSIGN_OR_RETURN(result.rwset, sim.Results());
  FABRIC_ASSIGN_OR_RETURN(result.private_rwset, sim.PrivateResults());
  FABRIC_ASSIGN_OR_RETURN(std::string interest, BuildInterest(result.rwset, channel_->state()));
  FABRIC_ASSIGN_OR_RETURN(
      result.proposal_response,
      SignResponse(up, result.response, result.rwset, StubEvent(*stub), info, interest, *signer_));
  return result;
}

}  // namespace fabric::endorse
