// The endorsing peer (endorse::Endorser) through the C ABI: hosted contracts,
// endorsement and evaluation of signed proposals, their results.
#include "lib/endorse/endorser.h"

#include <cstring>

#include "capi/internal.h"
#include "lib/channel/channel.h"

using fabric::capi::Bytes;
using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;
using fabric::endorse::Endorser;
using fabric::endorse::ProposalResult;

// The endorser shares its channel's Channel: destroyed after the endorser (members are
// destroyed last to first), so a host may free the channel handle first.
struct fabric_endorser {
  std::shared_ptr<const fabric::channel::Channel> channel;
  std::unique_ptr<Endorser> rep;
};

struct fabric_proposal_result {
  ProposalResult rep;
};

namespace {

int Create(fabric_endorser** out, const fabric_channel* channel, const fabric_signer* signer,
           fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (channel == nullptr || signer == nullptr) {
    return SaveError(FABRIC_EINVAL, "channel or signer is NULL", err);
  }
  auto e = std::make_unique<fabric_endorser>();
  e->channel = fabric::capi::SharedChannelOf(*channel);
  e->rep = std::make_unique<Endorser>(e->channel.get(), signer->rep);
  *out = e.release();
  return FABRIC_OK;
}

int Register(fabric_endorser* endorser, const char* name, fabric_contract_fn fn, void* payload,
             fabric_error** err) {
  if (endorser == nullptr || name == nullptr || fn == nullptr) {
    return SaveError(FABRIC_EINVAL, "endorser, name or fn is NULL", err);
  }
  // Argument errors, not malformed input: checked here so that they get their own code.
  if (*name == '\0') return SaveError(FABRIC_EINVAL, "a contract needs a chaincode name", err);
  if (std::strcmp(name, "_lifecycle") == 0) {
    return SaveError(FABRIC_EINVAL, "_lifecycle is built in and cannot be replaced", err);
  }
  return SaveError(endorser->rep->RegisterContract(name, fabric::capi::WrapContract(fn, payload)),
                   err);
}

// Endorses (or, for a query, evaluates) a signed proposal into *out.
int Process(fabric_proposal_result** out, const fabric_endorser* endorser,
            const uint8_t* signed_proposal, size_t len, bool is_query, fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (endorser == nullptr || (signed_proposal == nullptr && len != 0)) {
    return SaveError(FABRIC_EINVAL, "endorser or signed_proposal is NULL", err);
  }
  const absl::string_view proposal = View(signed_proposal, len);
  absl::StatusOr<ProposalResult> r =
      is_query ? endorser->rep->Evaluate(proposal) : endorser->rep->Endorse(proposal);
  if (!r.ok()) return SaveError(r.status(), err);
  auto result = std::make_unique<fabric_proposal_result>();
  result->rep = *std::move(r);
  *out = result.release();
  return FABRIC_OK;
}

}  // namespace

extern "C" {

int fabric_endorser_create(fabric_endorser** out, const fabric_channel* channel,
                           const fabric_signer* signer, fabric_error** err) {
  return Guard(err, [&] { return Create(out, channel, signer, err); });
}

void fabric_endorser_free(fabric_endorser* endorser) { delete endorser; }

int fabric_endorser_register_contract(fabric_endorser* endorser, const char* name,
                                      fabric_contract_fn fn, void* payload, fabric_error** err) {
  return Guard(err, [&] { return Register(endorser, name, fn, payload, err); });
}

int fabric_endorser_endorse(fabric_proposal_result** out, const fabric_endorser* endorser,
                            const uint8_t* signed_proposal, size_t signed_proposal_len,
                            fabric_error** err) {
  return Guard(err, [&] {
    return Process(out, endorser, signed_proposal, signed_proposal_len, false, err);
  });
}

int fabric_endorser_evaluate(fabric_proposal_result** out, const fabric_endorser* endorser,
                             const uint8_t* signed_proposal, size_t signed_proposal_len,
                             fabric_error** err) {
  return Guard(
      err, [&] { return Process(out, endorser, signed_proposal, signed_proposal_len, true, err); });
}

void fabric_proposal_result_free(fabric_proposal_result* result) { delete result; }

const char* fabric_proposal_result_txid(const fabric_proposal_result* result) {
  return result == nullptr ? nullptr : result->rep.txid.c_str();
}

int32_t fabric_proposal_result_status(const fabric_proposal_result* result) {
  return result == nullptr ? 0 : result->rep.response.status;
}

const char* fabric_proposal_result_message(const fabric_proposal_result* result) {
  return result == nullptr ? nullptr : result->rep.response.message.c_str();
}

const uint8_t* fabric_proposal_result_payload(const fabric_proposal_result* result,
                                              size_t* len_out) {
  return result == nullptr ? nullptr : Bytes(result->rep.response.payload, len_out);
}

const uint8_t* fabric_proposal_result_response(const fabric_proposal_result* result,
                                               size_t* len_out) {
  return result == nullptr ? nullptr : Bytes(result->rep.proposal_response, len_out);
}

const uint8_t* fabric_proposal_result_rwset(const fabric_proposal_result* result, size_t* len_out) {
  return result == nullptr ? nullptr : Bytes(result->rep.rwset, len_out);
}

const uint8_t* fabric_proposal_result_private_rwset(const fabric_proposal_result* result,
                                                    size_t* len_out) {
  return result == nullptr ? nullptr : Bytes(result->rep.private_rwset, len_out);
}

}  // extern "C"
