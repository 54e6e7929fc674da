// An identity that can sign: a certificate and its EC private key, as cryptogen lays them
// out (msp/signcerts/<name>-cert.pem, msp/keystore/priv_sk holding a PKCS#8 key).
//
//   auto signer = SigningIdentity::FromMspDir("Org1MSP", ".../User1@org1.example.com/msp");
//   std::string creator = (*signer)->serialized();
//   absl::StatusOr<std::string> sig = (*signer)->Sign(bytes);
//
// serialized() is SerializedIdentity{mspid, certificate PEM} marshaled as Fabric does;
// the PEM is the certificate re-encoded the way Go writes PEM, which for cryptogen's
// files is the file itself. The certificate is not low-S normalized here (that needs
// the issuer); Fabric's own signer would serialize the normalized form, which differs
// only for certificates carrying a high-S signature.
//
// Thread safety: immutable; Sign may be called concurrently.
#ifndef FABRIC_LIB_IDENTITY_SIGNING_IDENTITY_H_
#define FABRIC_LIB_IDENTITY_SIGNING_IDENTITY_H_

#include <openssl/base.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::identity {

class SigningIdentity {
 public:
  // `cert_pem`: its first PEM block is the certificate. `key_pem`: a PKCS#8 ("PRIVATE KEY")
  // or SEC1 ("EC PRIVATE KEY") EC key, which must match the certificate.
  static absl::StatusOr<std::unique_ptr<SigningIdentity>> FromPem(std::string mspid,
                                                                  absl::string_view cert_pem,
                                                                  absl::string_view key_pem);
  // Reads the first file of `msp_dir`/signcerts and the file of `msp_dir`/keystore that
  // holds its key.
  static absl::StatusOr<std::unique_ptr<SigningIdentity>> FromMspDir(std::string mspid,
                                                                     const std::string& msp_dir);

  ~SigningIdentity();
  SigningIdentity(const SigningIdentity&) = delete;
  SigningIdentity& operator=(const SigningIdentity&) = delete;

  const std::string& mspid() const { return mspid_; }
  const std::string& serialized() const { return serialized_; }
  const std::string& cert_der() const { return cert_der_; }
  const std::string& cert_pem() const { return cert_pem_; }

  // A DER ECDSA signature over SHA-256(`data`), always low-S.
  absl::StatusOr<std::string> Sign(absl::string_view data) const;

 private:
  SigningIdentity() = default;

  std::string mspid_;
  std::string cert_der_;
  std::string cert_pem_;
  std::string serialized_;
  bssl::UniquePtr<EC_KEY> key_;
};

}  // namespace fabric::identity

#endif  // FABRIC_LIB_IDENTITY_SIGNING_IDENTITY_H_
