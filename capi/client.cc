// The client's side through the C ABI: signed proposals, and transaction envelopes
// assembled from endorsements.
#include "lib/client/client.h"

#include <cstring>

#include "absl/time/time.h"
#include "capi/internal.h"
#include "lib/endorse/lifecycle_contract.h"
#include "lib/wire/proto/policy.pb.h"

using fabric::capi::FillBuf;
using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;

namespace {

int ReadOptions(const fabric_proposal_options* o, fabric::client::ProposalSpec* spec,
                fabric_error** err) {
  if (o == nullptr) return FABRIC_OK;
  if (o->version == 0 || o->version > FABRIC_PROPOSAL_OPTIONS_VERSION) {
    return SaveError(FABRIC_EINVAL,
                     "unknown fabric_proposal_options version " + std::to_string(o->version), err);
  }
  if ((o->transient == nullptr && o->num_transient != 0) ||
      (o->nonce == nullptr && o->nonce_len != 0)) {
    return SaveError(FABRIC_EINVAL, "options.transient or options.nonce is NULL", err);
  }
  for (size_t i = 0; i < o->num_transient; ++i) {
    const fabric_transient_entry& t = o->transient[i];
    if (t.key == nullptr || (t.value == nullptr && t.value_len != 0)) {
      return SaveError(FABRIC_EINVAL, "transient entry " + std::to_string(i) + " is NULL", err);
    }
    if (!spec->transient.emplace(t.key, std::string(View(t.value, t.value_len))).second) {
      return SaveError(FABRIC_EINVAL, std::string("transient key ") + t.key + " given twice", err);
    }
  }
  spec->nonce = std::string(View(o->nonce, o->nonce_len));
  if (o->timestamp_seconds != 0 || o->timestamp_nanos != 0) {
    spec->timestamp =
        absl::FromUnixSeconds(o->timestamp_seconds) + absl::Nanoseconds(o->timestamp_nanos);
  }
  return FABRIC_OK;
}

// Copies a (data, len) array; FABRIC_EINVAL if an entry is NULL with a length.
int CopyBytes(const fabric_bytes* items, size_t num, const char* what,
              std::vector<std::string>* out, fabric_error** err) {
  if (items == nullptr && num != 0) {
    return SaveError(FABRIC_EINVAL, std::string(what) + " is NULL but its count is not 0", err);
  }
  for (size_t i = 0; i < num; ++i) {
    if (items[i].data == nullptr && items[i].len != 0) {
      return SaveError(FABRIC_EINVAL, std::string(what) + " " + std::to_string(i) + " is NULL",
                       err);
    }
    out->emplace_back(View(items[i].data, items[i].len));
  }
  return FABRIC_OK;
}

int ProposalCreate(fabric_buf* out, char* txid_out, const fabric_signer* creator,
                   const char* channel_id, const char* chaincode, const fabric_bytes* args,
                   size_t num_args, const fabric_proposal_options* options, fabric_error** err) {
  if (out == nullptr || creator == nullptr || channel_id == nullptr || chaincode == nullptr) {
    return SaveError(FABRIC_EINVAL, "out, creator, channel_id or chaincode is NULL", err);
  }
  fabric::client::ProposalSpec spec;
  spec.channel_id = channel_id;
  spec.chaincode = chaincode;
  if (int rc = CopyBytes(args, num_args, "args", &spec.args, err); rc != FABRIC_OK) return rc;
  if (int rc = ReadOptions(options, &spec, err); rc != FABRIC_OK) return rc;
  absl::StatusOr<fabric::client::SignedProposal> p =
      fabric::client::CreateSignedProposal(*creator->rep, spec);
  if (!p.ok()) {
    // What CreateSignedProposal refuses as invalid is an argument (no chaincode, a
    // timestamp outside protobuf's range).
    return p.status().code() == absl::StatusCode::kInvalidArgument
               ? SaveError(FABRIC_EINVAL, p.status().message(), err)
               : SaveError(p.status(), err);
  }
  if (p->txid.size() >= FABRIC_TXID_SIZE) {
    return SaveError(FABRIC_ERROR, "transaction id longer than FABRIC_TXID_SIZE", err);
  }
  if (int rc = FillBuf(p->signed_proposal, out, err); rc != FABRIC_OK) return rc;
  if (txid_out != nullptr) std::memcpy(txid_out, p->txid.c_str(), p->txid.size() + 1);
  return FABRIC_OK;
}

int TxAssemble(fabric_buf* out, const fabric_signer* creator, const uint8_t* signed_proposal,
               size_t signed_proposal_len, const fabric_bytes* responses, size_t num_responses,
               fabric_error** err) {
  if (out == nullptr || creator == nullptr ||
      (signed_proposal == nullptr && signed_proposal_len != 0)) {
    return SaveError(FABRIC_EINVAL, "out, creator or signed_proposal is NULL", err);
  }
  if (num_responses == 0) {
    return SaveError(FABRIC_EINVAL, "at least one proposal response is required", err);
  }
  std::vector<std::string> rs;
  if (int rc = CopyBytes(responses, num_responses, "responses", &rs, err); rc != FABRIC_OK) {
    return rc;
  }
  absl::StatusOr<std::string> env =
      fabric::client::CreateSignedTx(View(signed_proposal, signed_proposal_len), rs, *creator->rep);
  if (!env.ok()) return SaveError(env.status(), err);
  return FillBuf(*env, out, err);
}

int LifecycleCommitArgs(fabric_buf* out, const fabric_chaincode_definition* d, fabric_error** err) {
  if (out == nullptr || d == nullptr)
    return SaveError(FABRIC_EINVAL, "out or definition is NULL", err);
  if (d->version == 0 || d->version > FABRIC_CHAINCODE_DEFINITION_VERSION) {
    return SaveError(FABRIC_EINVAL,
                     "unknown fabric_chaincode_definition version " + std::to_string(d->version),
                     err);
  }
  if (d->name == nullptr || d->chaincode_version == nullptr) {
    return SaveError(FABRIC_EINVAL, "definition.name or definition.chaincode_version is NULL", err);
  }
  if (d->signature_policy == nullptr && d->signature_policy_len != 0) {
    return SaveError(FABRIC_EINVAL, "definition.signature_policy is NULL with a length", err);
  }
  const bool has_signature_policy = d->signature_policy != nullptr;
  if (has_signature_policy && d->channel_config_policy != nullptr) {
    return SaveError(FABRIC_EINVAL,
                     "definition has a signature policy and a channel config policy: give one",
                     err);
  }
  std::string validation_parameter;  // empty: _lifecycle's default
  protos::ApplicationPolicy policy;
  if (has_signature_policy) {
    if (!policy.mutable_signature_policy()->ParseFromArray(
            d->signature_policy, static_cast<int>(d->signature_policy_len))) {
      return SaveError(FABRIC_EMALFORMED,
                       "definition.signature_policy is not a SignaturePolicyEnvelope", err);
    }
    validation_parameter = policy.SerializeAsString();
  } else if (d->channel_config_policy != nullptr) {
    policy.set_channel_config_policy_reference(d->channel_config_policy);
    validation_parameter = policy.SerializeAsString();
  }
  const std::vector<std::string> args = fabric::endorse::CommitChaincodeDefinitionArgs(
      d->name, d->chaincode_version, d->sequence, validation_parameter, d->init_required != 0);
  return FillBuf(args.at(1), out, err);
}

}  // namespace

extern "C" {

int fabric_lifecycle_commit_args(fabric_buf* out, const fabric_chaincode_definition* definition,
                                 fabric_error** err) {
  return Guard(err, [&] { return LifecycleCommitArgs(out, definition, err); });
}

int fabric_proposal_options_init(fabric_proposal_options* opts, unsigned int version) {
  if (opts == nullptr || version == 0 || version > FABRIC_PROPOSAL_OPTIONS_VERSION) {
    return FABRIC_EINVAL;
  }
  *opts = fabric_proposal_options FABRIC_PROPOSAL_OPTIONS_INIT;
  return FABRIC_OK;
}

int fabric_proposal_create(fabric_buf* out, char txid_out[FABRIC_TXID_SIZE],
                           const fabric_signer* creator, const char* channel_id,
                           const char* chaincode, const fabric_bytes* args, size_t num_args,
                           const fabric_proposal_options* options, fabric_error** err) {
  return Guard(err, [&] {
    return ProposalCreate(out, txid_out, creator, channel_id, chaincode, args, num_args, options,
                          err);
  });
}

int fabric_tx_assemble(fabric_buf* out, const fabric_signer* creator,
                       const uint8_t* signed_proposal, size_t signed_proposal_len,
                       const fabric_bytes* responses, size_t num_responses, fabric_error** err) {
  return Guard(err, [&] {
    return TxAssemble(out, creator, signed_proposal, signed_proposal_len, responses, num_responses,
                      err);
  });
}

}  // extern "C"
