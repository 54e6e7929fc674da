#include "lib/inspect/json.h"

#include <climits>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "lib/base/status_macros.h"
#include "lib/identity/x509_summary.h"
#include "lib/inspect/internal/rules.h"
#include "lib/inspect/internal/walker.h"
#include "lib/wire/proto/chaincode.pb.h"
#include "lib/wire/proto/chaincode_event.pb.h"
#include "lib/wire/proto/collection.pb.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/configtx.pb.h"
#include "lib/wire/proto/configuration.pb.h"
#include "lib/wire/proto/etcdraft.pb.h"
#include "lib/wire/proto/identities.pb.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/ledger.pb.h"
#include "lib/wire/proto/lifecycle.pb.h"
#include "lib/wire/proto/msp_config.pb.h"
#include "lib/wire/proto/msp_principal.pb.h"
#include "lib/wire/proto/orderer_config.pb.h"
#include "lib/wire/proto/peer_configuration.pb.h"
#include "lib/wire/proto/policies.pb.h"
#include "lib/wire/proto/policy.pb.h"
#include "lib/wire/proto/proposal.pb.h"
#include "lib/wire/proto/proposal_response.pb.h"
#include "lib/wire/proto/query_result.pb.h"
#include "lib/wire/proto/rwset.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::inspect {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::Message;
using internal::Json;

constexpr const char* kPackages[] = {"common",  "msp",      "protos",    "rwset",      "kvrwset",
                                     "orderer", "etcdraft", "lifecycle", "queryresult"};

// Named in the error for an unknown type; any message of kPackages is accepted.
constexpr const char* kMainTypes[] = {
    "common.Block",          "common.Envelope",    "common.Payload",
    "common.ConfigEnvelope", "common.Config",      "common.ConfigUpdateEnvelope",
    "common.ConfigUpdate",   "common.Metadata",    "msp.SerializedIdentity",
    "msp.MSPConfig",         "protos.Transaction", "protos.ProposalResponse",
    "protos.SignedProposal", "protos.Proposal",    "protos.ProcessedTransaction",
    "rwset.TxReadWriteSet",  "kvrwset.KVRWSet"};

// Uses one message of every .proto file, which links them all into the binary and so
// puts every Fabric message into the generated pool, findable by name.
void LinkEveryProtoFile() {
  static const Descriptor* const kOnePerFile[] = {
      protos::ChaincodeID::descriptor(),       protos::ChaincodeEvent::descriptor(),
      protos::CollectionConfig::descriptor(),  common::Block::descriptor(),
      common::ConfigEnvelope::descriptor(),    common::HashingAlgorithm::descriptor(),
      etcdraft::ConfigMetadata::descriptor(),  msp::SerializedIdentity::descriptor(),
      kvrwset::KVRWSet::descriptor(),          common::BlockchainInfo::descriptor(),
      lifecycle::StateMetadata::descriptor(),  msp::MSPConfig::descriptor(),
      common::MSPPrincipal::descriptor(),      orderer::ConsensusType::descriptor(),
      protos::AnchorPeers::descriptor(),       common::Policy::descriptor(),
      protos::ApplicationPolicy::descriptor(), protos::Proposal::descriptor(),
      protos::ProposalResponse::descriptor(),  queryresult::KV::descriptor(),
      ::rwset::TxReadWriteSet::descriptor(),   protos::Transaction::descriptor(),
  };
  (void)kOnePerFile;
}

absl::StatusOr<const Message*> Prototype(absl::string_view type_name) {
  LinkEveryProtoFile();
  const Descriptor* d = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
      std::string(type_name));
  bool ours = false;
  for (const char* package : kPackages)
    ours = ours || (d != nullptr && d->file()->package() == package);
  if (!ours) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown message type \"", type_name,
                     "\"; supported: ", absl::StrJoin(kMainTypes, ", "), ", ", kCertificateType,
                     ", or any message of the packages ", absl::StrJoin(kPackages, ", ")));
  }
  return google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
}

bool Parse(absl::string_view bytes, Message* m) {
  return bytes.size() <= INT_MAX && m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

bool Clean(const Message& m) { return m.GetReflection()->GetUnknownFields(m).empty(); }

bool IsBlock(absl::string_view bytes) {
  common::Block b;
  return Parse(bytes, &b) && Clean(b) && b.has_data() && b.has_metadata() && Clean(b.data()) &&
         Clean(b.metadata()) && Clean(b.header());
}

bool IsEnvelope(absl::string_view bytes) {
  common::Envelope e;
  common::Payload p;
  common::ChannelHeader ch;
  return Parse(bytes, &e) && Clean(e) && Parse(e.payload(), &p) && p.has_header() &&
         Parse(p.header().channel_header(), &ch) && Clean(ch);
}

bool IsConfigEnvelope(absl::string_view bytes) {
  common::ConfigEnvelope c;
  return Parse(bytes, &c) && Clean(c) && c.has_config();
}

bool IsConfig(absl::string_view bytes) {
  common::Config c;
  return Parse(bytes, &c) && Clean(c) && c.has_channel_group();
}

absl::StatusOr<std::string> Dump(const Json& j, int indent) {
  try {
    return j.dump(indent < 0 ? -1 : indent, ' ', /*ensure_ascii=*/false,
                  Json::error_handler_t::replace);
  } catch (const Json::exception& e) {
    return absl::InternalError(absl::StrCat("cannot write JSON: ", e.what()));
  }
}

}  // namespace

absl::StatusOr<std::string> MessageJson(const Message& m, int indent) {
  internal::Walker walker(internal::FabricRules());
  return Dump(walker.Render(m), indent);
}

absl::StatusOr<std::string> DetectType(absl::string_view bytes) {
  if (IsBlock(bytes)) return std::string("common.Block");
  if (IsEnvelope(bytes)) return std::string("common.Envelope");
  if (IsConfigEnvelope(bytes)) return std::string("common.ConfigEnvelope");
  if (IsConfig(bytes)) return std::string("common.Config");
  if (identity::SummarizeCertificate(bytes).ok()) return std::string(kCertificateType);
  return absl::InvalidArgumentError(absl::StrCat(
      "not a Fabric block or any supported message (tried: common.Block, common.Envelope, "
      "common.ConfigEnvelope, common.Config, ",
      kCertificateType, ")"));
}

absl::StatusOr<std::string> InspectBytes(absl::string_view bytes, absl::string_view type_name,
                                         int indent) {
  std::string type(type_name);
  if (type.empty()) {
    FABRIC_ASSIGN_OR_RETURN(type, DetectType(bytes));
  }
  if (type == kCertificateType) {
    FABRIC_ASSIGN_OR_RETURN(identity::CertSummary summary, identity::SummarizeCertificate(bytes));
    return Dump(internal::CertificateJson(bytes, summary), indent);
  }
  FABRIC_ASSIGN_OR_RETURN(const Message* prototype, Prototype(type));
  std::unique_ptr<Message> m(prototype->New());
  if (!Parse(bytes, m.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a serialized ", type, " (", bytes.size(), " bytes)"));
  }
  return MessageJson(*m, indent);
}

}  // namespace fabric::inspect
