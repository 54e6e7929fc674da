// Channel configurations, identities and signers through the C ABI.
#include "capi/internal.h"
#include "lib/wire/proto/identities.pb.h"

using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;

namespace {

int ConfigLoad(fabric_channel_config** out, const uint8_t* block, size_t block_len,
               fabric_error** err) {
  if (out == nullptr) return SaveError(FABRIC_EINVAL, "out is NULL", err);
  *out = nullptr;
  if (block == nullptr && block_len != 0) {
    return SaveError(FABRIC_EINVAL, "block is NULL but block_len is not 0", err);
  }
  auto parsed = fabric::wire::ParsedBlock::Parse(std::string(View(block, block_len)));
  if (!parsed.ok()) return SaveError(parsed.status(), err);
  auto config = fabric::channelconfig::ChannelConfig::FromBlock(**parsed);
  if (!config.ok()) return SaveError(config.status(), err);
  auto c = std::make_unique<fabric_channel_config>();
  c->rep = *std::move(config);
  *out = c.release();
  return FABRIC_OK;
}

// Deserializes `identity`: EMALFORMED if the bytes are not a SerializedIdentity at all,
// EDENIED if they are one that the channel's MSPs refuse (unknown MSP, bad certificate).
int Deserialize(const fabric_channel_config* config, const uint8_t* identity, size_t len,
                std::shared_ptr<const fabric::identity::Identity>* out, fabric_error** err) {
  if (config == nullptr) return SaveError(FABRIC_EINVAL, "config is NULL", err);
  if (identity == nullptr && len != 0) {
    return SaveError(FABRIC_EINVAL, "identity is NULL but identity_len is not 0", err);
  }
  msp::SerializedIdentity sid;
  if (!sid.ParseFromArray(identity, static_cast<int>(len))) {
    return SaveError(FABRIC_EMALFORMED, "not a serialized msp.SerializedIdentity", err);
  }
  auto id = config->rep->msps().Deserialize(View(identity, len));
  if (!id.ok()) return SaveError(FABRIC_EDENIED, id.status().message(), err);
  *out = *std::move(id);
  return FABRIC_OK;
}

int IdentityValidate(const fabric_channel_config* config, const uint8_t* identity, size_t len,
                     fabric_error** err) {
  std::shared_ptr<const fabric::identity::Identity> id;
  if (int rc = Deserialize(config, identity, len, &id, err); rc != FABRIC_OK) return rc;
  absl::Status s = config->rep->msps().Validate(*id);
  return s.ok() ? FABRIC_OK : SaveError(FABRIC_EDENIED, s.message(), err);
}

int SignatureVerify(const fabric_channel_config* config, const uint8_t* identity,
                    size_t identity_len, const uint8_t* data, size_t data_len,
                    const uint8_t* signature, size_t signature_len, fabric_error** err) {
  if ((data == nullptr && data_len != 0) || (signature == nullptr && signature_len != 0)) {
    return SaveError(FABRIC_EINVAL, "data or signature is NULL with a non-zero length", err);
  }
  std::shared_ptr<const fabric::identity::Identity> id;
  if (int rc = Deserialize(config, identity, identity_len, &id, err); rc != FABRIC_OK) return rc;
  absl::Status s = id->Verify(View(data, data_len), View(signature, signature_len));
  return s.ok() ? FABRIC_OK : SaveError(FABRIC_EDENIED, s.message(), err);
}

int SignerLoad(fabric_signer** out, const char* mspid, const uint8_t* cert_pem, size_t cert_len,
               const uint8_t* key_pem, size_t key_len, fabric_error** err) {
  if (out == nullptr || mspid == nullptr || cert_pem == nullptr || key_pem == nullptr) {
    return SaveError(FABRIC_EINVAL, "out, mspid, cert_pem or key_pem is NULL", err);
  }
  *out = nullptr;
  auto signer = fabric::identity::SigningIdentity::FromPem(mspid, View(cert_pem, cert_len),
                                                           View(key_pem, key_len));
  if (!signer.ok()) return SaveError(signer.status(), err);
  auto s = std::make_unique<fabric_signer>();
  s->rep = *std::move(signer);
  *out = s.release();
  return FABRIC_OK;
}

int SignerSign(fabric_buf* out, const fabric_signer* signer, const uint8_t* data, size_t len,
               fabric_error** err) {
  if (out == nullptr || signer == nullptr || (data == nullptr && len != 0)) {
    return SaveError(FABRIC_EINVAL, "out, signer or data is NULL", err);
  }
  auto sig = signer->rep->Sign(View(data, len));
  if (!sig.ok()) return SaveError(sig.status(), err);
  return fabric::capi::FillBuf(*sig, out, err);
}

}  // namespace

extern "C" {

int fabric_channel_config_load(fabric_channel_config** out, const uint8_t* block, size_t block_len,
                               fabric_error** err) {
  return Guard(err, [&] { return ConfigLoad(out, block, block_len, err); });
}

void fabric_channel_config_free(fabric_channel_config* config) { delete config; }

const char* fabric_channel_config_channel_id(const fabric_channel_config* config) {
  return config == nullptr ? nullptr : config->rep->channel_id().c_str();
}

uint64_t fabric_channel_config_sequence(const fabric_channel_config* config) {
  return config == nullptr ? 0 : config->rep->sequence();
}

size_t fabric_channel_config_msp_count(const fabric_channel_config* config) {
  return config == nullptr ? 0 : config->rep->organizations().size();
}

const char* fabric_channel_config_msp_id(const fabric_channel_config* config, size_t index) {
  if (config == nullptr || index >= config->rep->organizations().size()) return nullptr;
  return config->rep->organizations()[index].mspid.c_str();
}

int fabric_identity_validate(const fabric_channel_config* config, const uint8_t* identity,
                             size_t identity_len, fabric_error** err) {
  return Guard(err, [&] { return IdentityValidate(config, identity, identity_len, err); });
}

int fabric_signature_verify(const fabric_channel_config* config, const uint8_t* identity,
                            size_t identity_len, const uint8_t* data, size_t data_len,
                            const uint8_t* signature, size_t signature_len, fabric_error** err) {
  return Guard(err, [&] {
    return SignatureVerify(config, identity, identity_len, data, data_len, signature, signature_len,
                           err);
  });
}

int fabric_signer_load(fabric_signer** out, const char* mspid, const uint8_t* cert_pem,
                       size_t cert_pem_len, const uint8_t* key_pem, size_t key_pem_len,
                       fabric_error** err) {
  return Guard(err, [&] {
    return SignerLoad(out, mspid, cert_pem, cert_pem_len, key_pem, key_pem_len, err);
  });
}

void fabric_signer_free(fabric_signer* signer) { delete signer; }

const uint8_t* fabric_signer_identity(const fabric_signer* signer, size_t* len_out) {
  if (signer == nullptr) return nullptr;
  const std::string& s = signer->rep->serialized();
  if (len_out != nullptr) *len_out = s.size();
  return reinterpret_cast<const uint8_t*>(s.data());
}

int fabric_signer_sign(fabric_buf* out, const fabric_signer* signer, const uint8_t* data,
                       size_t data_len, fabric_error** err) {
  return Guard(err, [&] { return SignerSign(out, signer, data, data_len, err); });
}

}  // extern "C"
