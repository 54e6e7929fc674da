#include "lib/identity/signing_identity.h"

#include <openssl/bytestring.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/base/file.h"
#include "lib/base/status_macros.h"
#include "lib/identity/ecdsa.h"
#include "lib/identity/internal/certificate.h"
#include "lib/identity/pem.h"
#include "lib/wire/proto/identities.pb.h"

namespace fabric::identity {
namespace {

absl::StatusOr<bssl::UniquePtr<EC_KEY>> ParseEcPrivateKey(absl::string_view key_pem) {
  std::optional<PemBlock> block = PemDecode(key_pem);
  if (!block.has_value()) return absl::InvalidArgumentError("private key: no PEM block");
  CBS cbs;
  CBS_init(&cbs, reinterpret_cast<const uint8_t*>(block->bytes.data()), block->bytes.size());
  bssl::UniquePtr<EVP_PKEY> pkey(EVP_parse_private_key(&cbs));
  bssl::UniquePtr<EC_KEY> key;
  if (pkey != nullptr && CBS_len(&cbs) == 0) {
    key.reset(EVP_PKEY_get1_EC_KEY(pkey.get()));
  } else {
    CBS_init(&cbs, reinterpret_cast<const uint8_t*>(block->bytes.data()), block->bytes.size());
    key.reset(EC_KEY_parse_private_key(&cbs, nullptr));
    if (CBS_len(&cbs) != 0) key.reset();
  }
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("private key: \"", block->type, "\" block is not a PKCS#8 or SEC1 EC key"));
  }
  return key;
}

bool KeyMatches(const EC_KEY* priv, const internal::Certificate& cert) {
  const EC_KEY* pub =
      cert.public_key != nullptr ? EVP_PKEY_get0_EC_KEY(cert.public_key.get()) : nullptr;
  if (pub == nullptr) return false;
  const EC_GROUP* group = EC_KEY_get0_group(pub);
  bool same =
      EC_GROUP_cmp(group, EC_KEY_get0_group(priv), nullptr) == 0 &&
      EC_POINT_cmp(group, EC_KEY_get0_public_key(pub), EC_KEY_get0_public_key(priv), nullptr) == 0;
  ERR_clear_error();
  return same;
}

absl::StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  return ReadFileBounded(path.string());
}

std::vector<std::filesystem::path> RegularFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

SigningIdentity::~SigningIdentity() = default;

absl::StatusOr<std::unique_ptr<SigningIdentity>> SigningIdentity::FromPem(
    std::string mspid, absl::string_view cert_pem, absl::string_view key_pem) {
  std::optional<PemBlock> block = PemDecode(cert_pem);
  if (!block.has_value()) return absl::InvalidArgumentError("certificate: no PEM block");
  absl::StatusOr<std::shared_ptr<const internal::Certificate>> cert =
      internal::ParseCertificate(block->bytes);
  if (!cert.ok()) return cert.status();
  FABRIC_ASSIGN_OR_RETURN(bssl::UniquePtr<EC_KEY> key, ParseEcPrivateKey(key_pem));
  if (!KeyMatches(key.get(), **cert)) {
    return absl::InvalidArgumentError("the private key does not match the certificate");
  }
  std::unique_ptr<SigningIdentity> s(new SigningIdentity());
  s->mspid_ = std::move(mspid);
  s->cert_der_ = (*cert)->raw;
  s->cert_pem_ = PemEncode("CERTIFICATE", s->cert_der_);
  msp::SerializedIdentity sid;
  sid.set_mspid(s->mspid_);
  sid.set_id_bytes(s->cert_pem_);
  if (!sid.SerializeToString(&s->serialized_)) {
    return absl::InternalError("cannot serialize the identity");
  }
  s->key_ = std::move(key);
  return s;
}

absl::StatusOr<std::unique_ptr<SigningIdentity>> SigningIdentity::FromMspDir(
    std::string mspid, const std::string& msp_dir) {
  const std::filesystem::path dir(msp_dir);
  std::vector<std::filesystem::path> certs = RegularFiles(dir / "signcerts");
  if (certs.empty()) {
    return absl::NotFoundError(absl::StrCat("no certificate in ", (dir / "signcerts").string()));
  }
  FABRIC_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(certs.front()));
  std::vector<std::filesystem::path> keys = RegularFiles(dir / "keystore");
  absl::Status last =
      absl::NotFoundError(absl::StrCat("no private key in ", (dir / "keystore").string()));
  for (const std::filesystem::path& key_file : keys) {
    FABRIC_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(key_file));
    absl::StatusOr<std::unique_ptr<SigningIdentity>> s = FromPem(mspid, cert_pem, key_pem);
    if (s.ok()) return s;
    last = absl::Status(s.status().code(),
                        absl::StrCat(key_file.string(), ": ", s.status().message()));
  }
  return last;
}

absl::StatusOr<std::string> SigningIdentity::Sign(absl::string_view data) const {
  return SignEcdsaSha256(key_.get(), data);
}

}  // namespace fabric::identity
