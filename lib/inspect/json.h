// Fabric messages as readable JSON: what `fabric inspect FILE` prints.
//
//   absl::StatusOr<std::string> json = fabric::inspect::InspectBytes(file_bytes, "");
//
// The output follows Fabric's configtxlator (protolator): protojson with proto field
// names and every field shown, and `bytes` fields that hold serialized messages decoded
// in place, recursively, into JSON objects (Envelope.payload, Payload.data by header
// type, ConfigValue.value by its name, MSPConfig, policies, principals, ...). It goes
// further than configtxlator in a few places, for people reading blocks:
//   - transactions down to the read-write sets; KVWrite.value as a string when it is
//     printable UTF-8, else base64 with a sibling "value_encoding": "base64";
//   - certificates (SerializedIdentity.id_bytes, MSP root/admin/TLS certs, consenter
//     certs) as PEM text plus a summary (subject, issuer, serial, validity, OUs, CA);
//     id_bytes' summary is the sibling key "certificate", MSP cert lists become arrays
//     of {"pem", "certificate"};
//   - block metadata as an array of {"index", "name", "value"}: SIGNATURES and
//     LAST_CONFIG decoded, TRANSACTIONS_FILTER as TxValidationCode names, COMMIT_HASH
//     as hex, an empty slot's value null; and "header_hash" (the DER header hash the
//     next block's previous_hash must equal) right after a block's "header";
//   - bytes fields whose name contains "hash" in lowercase hex, not base64;
//   - unknown fields as base64 under "unknown_fields", so nothing is dropped.
// Bytes that should hold a message but do not parse stay base64, with a sibling
// "<field>_error" saying why (for repeated fields an object from index to message);
// rendering itself never fails on malformed input. Decoding nests at most 200 levels;
// deeper values stay base64 with an error.
//
// Thread safety: stateless; call from any thread.
#ifndef FABRIC_LIB_INSPECT_JSON_H_
#define FABRIC_LIB_INSPECT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace fabric::inspect {

// The pseudo type name of an X.509 certificate (PEM or DER) for InspectBytes.
inline constexpr absl::string_view kCertificateType = "x509.Certificate";

// Renders `m` with the rules above. `indent` < 0 gives one line.
absl::StatusOr<std::string> MessageJson(const google::protobuf::Message& m, int indent = 2);

// What `bytes` look like: "common.Block", "common.Envelope", "common.ConfigEnvelope",
// "common.Config" or kCertificateType, tried in that order; InvalidArgument if none.
//   - a block has data and metadata (a missing header is tolerated, to show damaged
//     blocks) and no unknown fields in itself, its header, data or metadata;
//   - an envelope's payload is a Payload with a header whose channel header parses,
//     with no unknown fields in the envelope or the channel header;
//   - a config envelope has a config, a config a channel group, neither unknown fields.
absl::StatusOr<std::string> DetectType(absl::string_view bytes);

// Renders `bytes` as the message `type_name` names (a full name such as
// "common.Block", "msp.SerializedIdentity", "protos.ProposalResponse": any message of
// Fabric's packages common, msp, protos, rwset, kvrwset, orderer, etcdraft, lifecycle,
// queryresult), or kCertificateType, or, when `type_name` is "", whatever DetectType
// finds. InvalidArgument for an unknown type name (the message lists the main ones),
// for bytes that do not parse as the type, and for undetectable input.
absl::StatusOr<std::string> InspectBytes(absl::string_view bytes, absl::string_view type_name,
                                         int indent = 2);

}  // namespace fabric::inspect

#endif  // FABRIC_LIB_INSPECT_JSON_H_
