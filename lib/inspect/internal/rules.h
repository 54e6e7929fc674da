// The Fabric half of the renderer: which `bytes` fields hold serialized messages (and
// of which type, often decided by a sibling field, a map key or a metadata slot),
// which hold certificates, hashes or text. Modelled on Fabric's protolator
// (fabric-config/protolator/protoext), extended to blocks, transactions and rwsets.
#ifndef FABRIC_LIB_INSPECT_INTERNAL_RULES_H_
#define FABRIC_LIB_INSPECT_INTERNAL_RULES_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "lib/identity/x509_summary.h"
#include "lib/inspect/internal/walker.h"

namespace fabric::inspect::internal {

// Every rule below; built once, never destroyed.
const RuleTable& FabricRules();

// Rule sets, by area (tx_rules.cc, config_rules.cc).
void AddTransactionRules(RuleTable* table);  // envelopes, transactions, rwsets, proposals
void AddBlockRules(RuleTable* table);        // block data, metadata slots, header hash
void AddConfigRules(RuleTable* table);       // channel config, MSPs, policies

// ---- Building blocks (rules.cc) ----

// The prototype of generated message type T.
template <typename T>
const google::protobuf::Message& Type() {
  return T::default_instance();
}

// Decodes the field as a message of `prototype`'s type.
FieldRule As(const google::protobuf::Message& prototype);

// Decodes the field as the type `choose` picks, typically from the holder's other
// fields or its label. nullptr: the default rendering; an error: the default rendering
// plus "<field>_error" (no error for empty bytes: nothing there to misread).
using Chooser = std::function<absl::StatusOr<const google::protobuf::Message*>(const FieldValue&)>;
FieldRule Pick(Chooser choose);

// Decodes as `prototype`'s type only if the bytes are non-empty and parse without
// unknown fields (for slots whose type the block does not say); else the default
// rendering, no error.
Decoded DecodeIfClean(Walker& walker, const FieldValue& value,
                      const google::protobuf::Message& prototype);

// A certificate (PEM or DER): the field shows the PEM text (DER: base64) and a sibling
// key holds its summary; the sibling is `summary_key`, or "<field>_summary" if empty.
// Bytes that are not a certificate keep the default rendering (base64), no error.
FieldRule Certificate(std::string summary_key = "");

// Repeated certificates: each element becomes {"pem": text, "certificate": summary}
// ("der" instead of "pem" for binary input; "certificate_error" if it does not parse).
FieldRule CertificateList();

// Printable UTF-8 shows as a string; anything else as base64 with a sibling
// "<field>_encoding": "base64" (singular fields; repeated ones get no marker).
FieldRule TextOrBase64();

// Lowercase hex.
FieldRule AsHex();

// {"pem" or "der": ..., "certificate": summary} for a whole input that is a certificate.
Json CertificateJson(absl::string_view bytes, const identity::CertSummary& summary);

}  // namespace fabric::inspect::internal

#endif  // FABRIC_LIB_INSPECT_INTERNAL_RULES_H_
