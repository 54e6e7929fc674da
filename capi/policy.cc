// Policies through the C ABI.
#include "capi/internal.h"
#include "lib/policy/dsl.h"
#include "lib/policy/signature_policy.h"
#include "lib/policy/signature_set.h"

using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;

namespace {

// Copies the caller's triples into a SignatureSet over the channel's MSPs.
int BuildSet(const fabric_channel_config* config, const fabric_signed_data* sigs, size_t num,
             std::unique_ptr<fabric::policy::SignatureSet>* out, fabric_error** err) {
  if (config == nullptr) return SaveError(FABRIC_EINVAL, "config is NULL", err);
  if (sigs == nullptr && num != 0) {
    return SaveError(FABRIC_EINVAL, "signatures is NULL but num_signatures is not 0", err);
  }
  std::vector<fabric::policy::SignedData> data(num);
  for (size_t i = 0; i < num; ++i) {
    const fabric_signed_data& s = sigs[i];
    if ((s.identity == nullptr && s.identity_len != 0) || (s.data == nullptr && s.data_len != 0) ||
        (s.signature == nullptr && s.signature_len != 0)) {
      return SaveError(FABRIC_EINVAL, "a signature entry has a NULL pointer with a length", err);
    }
    data[i].identity = std::string(View(s.identity, s.identity_len));
    data[i].data = std::string(View(s.data, s.data_len));
    data[i].signature = std::string(View(s.signature, s.signature_len));
  }
  *out =
      std::make_unique<fabric::policy::SignatureSet>(std::move(data), config->rep->shared_msps());
  return FABRIC_OK;
}

int Evaluate(const fabric_channel_config* config, const fabric::policy::Policy& policy,
             const fabric_signed_data* sigs, size_t num, fabric_error** err) {
  std::unique_ptr<fabric::policy::SignatureSet> set;
  if (int rc = BuildSet(config, sigs, num, &set, err); rc != FABRIC_OK) return rc;
  absl::Status s = policy.Evaluate(*set);
  return s.ok() ? FABRIC_OK : SaveError(FABRIC_EDENIED, s.message(), err);
}

int EvalTree(const fabric_channel_config* config, absl::StatusOr<fabric::policy::RuleTree> tree,
             const fabric_signed_data* sigs, size_t num, fabric_error** err) {
  if (!tree.ok()) return SaveError(tree.status(), err);
  auto policy = fabric::policy::SignaturePolicy::Compile(*std::move(tree));
  if (!policy.ok()) return SaveError(FABRIC_EMALFORMED, policy.status().message(), err);
  return Evaluate(config, **policy, sigs, num, err);
}

absl::StatusOr<fabric::policy::RuleTree> CompileDslTree(const char* dsl) {
  auto envelope = fabric::policy::CompileDsl(dsl);
  if (!envelope.ok()) return envelope.status();
  return fabric::policy::FlattenRuleTree(*envelope);
}

int EvalPath(const fabric_channel_config* config, const char* path, const fabric_signed_data* sigs,
             size_t num, fabric_error** err) {
  if (config == nullptr || path == nullptr) {
    return SaveError(FABRIC_EINVAL, "config or path is NULL", err);
  }
  auto policy = config->rep->policies().Get(path);
  if (!policy.ok()) return SaveError(policy.status(), err);
  return Evaluate(config, **policy, sigs, num, err);
}

int Compile(fabric_buf* out, const char* dsl, fabric_error** err) {
  if (out == nullptr || dsl == nullptr) return SaveError(FABRIC_EINVAL, "out or dsl is NULL", err);
  auto envelope = fabric::policy::CompileDsl(dsl);
  if (!envelope.ok()) return SaveError(envelope.status(), err);
  return fabric::capi::FillBuf(envelope->SerializeAsString(), out, err);
}

int ToDsl(fabric_buf* out, const uint8_t* envelope, size_t len, fabric_error** err) {
  if (out == nullptr || (envelope == nullptr && len != 0)) {
    return SaveError(FABRIC_EINVAL, "out or envelope is NULL", err);
  }
  auto parsed = fabric::policy::DecodeRuleTree(View(envelope, len));
  if (!parsed.ok()) return SaveError(parsed.status(), err);
  return fabric::capi::FillBuf(fabric::policy::ToDsl(*parsed), out, err);
}

}  // namespace

extern "C" {

int fabric_policy_eval_dsl(const fabric_channel_config* config, const char* dsl,
                           const fabric_signed_data* signatures, size_t num_signatures,
                           fabric_error** err) {
  return Guard(err, [&] {
    if (dsl == nullptr) return SaveError(FABRIC_EINVAL, "dsl is NULL", err);
    return EvalTree(config, CompileDslTree(dsl), signatures, num_signatures, err);
  });
}

int fabric_policy_eval_envelope(const fabric_channel_config* config, const uint8_t* envelope,
                                size_t envelope_len, const fabric_signed_data* signatures,
                                size_t num_signatures, fabric_error** err) {
  return Guard(err, [&] {
    if (envelope == nullptr && envelope_len != 0) {
      return SaveError(FABRIC_EINVAL, "envelope is NULL but envelope_len is not 0", err);
    }
    return EvalTree(config, fabric::policy::DecodeRuleTree(View(envelope, envelope_len)),
                    signatures, num_signatures, err);
  });
}

int fabric_policy_eval_path(const fabric_channel_config* config, const char* path,
                            const fabric_signed_data* signatures, size_t num_signatures,
                            fabric_error** err) {
  return Guard(err, [&] { return EvalPath(config, path, signatures, num_signatures, err); });
}

int fabric_policy_compile(fabric_buf* out, const char* dsl, fabric_error** err) {
  return Guard(err, [&] { return Compile(out, dsl, err); });
}

int fabric_policy_to_dsl(fabric_buf* out, const uint8_t* envelope, size_t envelope_len,
                         fabric_error** err) {
  return Guard(err, [&] { return ToDsl(out, envelope, envelope_len, err); });
}

}  // extern "C"
