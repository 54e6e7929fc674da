#include "lib/inspect/internal/rules.h"

#include <climits>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace fabric::inspect::internal {

using google::protobuf::Message;

const RuleTable& FabricRules() {
  static const RuleTable* const table = [] {
    auto* t = new RuleTable();
    AddTransactionRules(t);
    AddBlockRules(t);
    AddConfigRules(t);
    return t;
  }();
  return *table;
}

FieldRule As(const Message& prototype) {
  FieldRule rule;
  rule.decode = [&prototype](Walker& w, const FieldValue& v) {
    return w.DecodeAs(prototype, v.bytes, &v.frame);
  };
  return rule;
}

FieldRule Pick(Chooser choose) {
  FieldRule rule;
  rule.decode = [choose = std::move(choose)](Walker& w, const FieldValue& v) {
    absl::StatusOr<const Message*> type = choose(v);
    if (!type.ok()) {
      if (v.bytes.empty()) return Decoded::Default();  // nothing there to misread
      return Decoded::Error(std::string(type.status().message()));
    }
    if (*type == nullptr) return Decoded::Default();
    return w.DecodeAs(**type, v.bytes, &v.frame);
  };
  return rule;
}

Decoded DecodeIfClean(Walker& walker, const FieldValue& value, const Message& prototype) {
  std::unique_ptr<Message> m(prototype.New());
  if (value.bytes.empty() || value.bytes.size() > INT_MAX ||
      !m->ParseFromArray(value.bytes.data(), static_cast<int>(value.bytes.size())) ||
      !m->GetReflection()->GetUnknownFields(*m).empty()) {
    return Decoded::Default();
  }
  return walker.DecodeAs(prototype, value.bytes, &value.frame);
}

namespace {

Json SummaryJson(const identity::CertSummary& s) {
  Json j = Json::object();
  j["subject"] = s.subject;
  j["issuer"] = s.issuer;
  j["serial_number"] = s.serial_number;
  j["not_before"] = s.not_before;
  j["not_after"] = s.not_after;
  j["subject_ous"] = s.subject_ous;
  j["is_ca"] = s.is_ca;
  j["subject_key_id"] = s.subject_key_id;
  j["authority_key_id"] = s.authority_key_id;
  j["public_key_algorithm"] = s.public_key_algorithm;
  j["public_key_curve"] = s.public_key_curve;
  j["signature_algorithm"] = s.signature_algorithm;
  return j;
}

Json TextOrBase64Value(absl::string_view bytes) {
  return IsPrintableUtf8(bytes) ? Json(std::string(bytes)) : Json(Base64(bytes));
}

}  // namespace

Json CertificateJson(absl::string_view bytes, const identity::CertSummary& summary) {
  Json j = Json::object();
  j[IsPrintableUtf8(bytes) ? "pem" : "der"] = TextOrBase64Value(bytes);
  j["certificate"] = SummaryJson(summary);
  return j;
}

FieldRule Certificate(std::string summary_key) {
  FieldRule rule;
  rule.decode = [summary_key = std::move(summary_key)](Walker&, const FieldValue& v) {
    if (v.bytes.empty()) return Decoded::Default();
    absl::StatusOr<identity::CertSummary> s = identity::SummarizeCertificate(v.bytes);
    if (!s.ok()) return Decoded::Default();
    Json siblings = Json::object();
    siblings[summary_key.empty() ? v.field->name() + "_summary" : summary_key] = SummaryJson(*s);
    return Decoded::Value(TextOrBase64Value(v.bytes), std::move(siblings));
  };
  return rule;
}

FieldRule CertificateList() {
  FieldRule rule;
  rule.decode = [](Walker&, const FieldValue& v) {
    Json j = Json::object();
    j[IsPrintableUtf8(v.bytes) ? "pem" : "der"] = TextOrBase64Value(v.bytes);
    absl::StatusOr<identity::CertSummary> s = identity::SummarizeCertificate(v.bytes);
    if (s.ok()) {
      j["certificate"] = SummaryJson(*s);
    } else {
      j["certificate_error"] = std::string(s.status().message());
    }
    return Decoded::Value(std::move(j));
  };
  return rule;
}

FieldRule TextOrBase64() {
  FieldRule rule;
  rule.decode = [](Walker&, const FieldValue& v) {
    if (IsPrintableUtf8(v.bytes)) return Decoded::Value(std::string(v.bytes));
    Json siblings = Json::object();
    siblings[v.field->name() + "_encoding"] = "base64";
    return Decoded::Value(Base64(v.bytes), std::move(siblings));
  };
  return rule;
}

FieldRule AsHex() {
  FieldRule rule;
  rule.decode = [](Walker&, const FieldValue& v) { return Decoded::Value(Hex(v.bytes)); };
  return rule;
}

}  // namespace fabric::inspect::internal
