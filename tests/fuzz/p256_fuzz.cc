// P-256 verification with a key's table (lib/crypto EcdsaVerifyP256) against BoringSSL's
// ECDSA_do_verify, also with s's inverse handed in (right and wrong), and side by side
// in a P256VerifyBatch (next to a valid signature by another key, so that their steps
// share inversions): any input on which they answer differently is a crash, and so is
// one the batch confirms that ECDSA_do_verify refuses.
//
// Input: byte 0 picks one of the fixed keys (p256_cases FixedKeys: four scalars, G, -G,
// a point whose x is above n), byte 1 the mode, the rest is the subject:
//   0: [digest length % 65][digest][DER signature], read by BoringSSL's DER parser;
//   1: [33-byte r][33-byte s][digest], big-endian, any value up to 2^264;
//   2: [32-byte u2][flag]: a signature crafted so that u2 = r/s and u1 = +-u2*d, which
//      makes the additions meet equal (valid signature) or opposite (the sum at
//      infinity) points; the input's digest is ignored.
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>

#include "lib/crypto/p256_cases.h"
#include "lib/crypto/p256_key_table.h"

namespace {

using fabric::crypto::testing::Case;
using fabric::crypto::testing::FixedKeys;
using fabric::crypto::testing::KeyWithTable;

// A valid signature by the first fixed key, made once.
const Case& Companion() {
  static const Case* c = [] {
    std::mt19937_64 rng(1);
    const KeyWithTable& k = FixedKeys()[0];
    Case* valid = new Case();
    do {
      *valid = fabric::crypto::testing::RandomCase(rng, k, k);
    } while (valid->what != "valid");
    return valid;
  }();
  return *c;
}

// Both verifiers, and ours with s's inverse handed in and with a wrong one
// (p256_cases Compare), and the batch (CompareBatch): one answer, or a crash. `what`
// says how the case was made ("u1 = ..." for the crafted ones).
void CheckSame(const KeyWithTable& k, std::string what, std::string digest,
               bssl::UniquePtr<ECDSA_SIG> sig) {
  Case c;
  c.what = std::move(what);
  c.digest = std::move(digest);
  c.sig = std::move(sig);
  int answer = 0;
  std::string diff = fabric::crypto::testing::Compare(k, c, &answer);
  if (diff.empty()) {
    diff = fabric::crypto::testing::CompareBatch(
        {{&k, &c, answer}, {&FixedKeys()[0], &Companion(), 1}}, nullptr,
        /*all_valid_confirmed=*/false);
  }
  if (!diff.empty()) {
    std::fprintf(stderr, "%s\n", diff.c_str());
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (fabric::crypto::P256TablesAvailable()) {
    FixedKeys();  // built once, before the first input
    Companion();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || !fabric::crypto::P256TablesAvailable()) return 0;
  const std::vector<KeyWithTable>& keys = FixedKeys();
  const KeyWithTable& k = keys[data[0] % keys.size()];
  const uint8_t mode = data[1] % 3;
  std::string rest(reinterpret_cast<const char*>(data + 2), size - 2);
  if (mode == 0) {
    if (rest.empty()) return 0;
    size_t len = static_cast<uint8_t>(rest[0]) % 65;
    if (rest.size() < 1 + len) return 0;
    std::string digest = rest.substr(1, len);
    std::string der = rest.substr(1 + len);
    bssl::UniquePtr<ECDSA_SIG> sig(
        ECDSA_SIG_from_bytes(reinterpret_cast<const uint8_t*>(der.data()), der.size()));
    ERR_clear_error();
    if (sig != nullptr) CheckSame(k, "fuzz input", digest, std::move(sig));
  } else if (mode == 1) {
    if (rest.size() < 66) return 0;
    bssl::UniquePtr<ECDSA_SIG> sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const uint8_t*>(rest.data()), 33, nullptr);
    BIGNUM* s = BN_bin2bn(reinterpret_cast<const uint8_t*>(rest.data() + 33), 33, nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || !ECDSA_SIG_set0(sig.get(), r, s)) {
      BN_free(r);
      BN_free(s);
      return 0;
    }
    CheckSame(k, "fuzz input", rest.substr(66), std::move(sig));
  } else {
    if (rest.size() < 33 || EC_KEY_get0_private_key(k.key.get()) == nullptr) return 0;
    Case c = fabric::crypto::testing::CraftedCase(k, rest.substr(0, 32), (rest[32] & 1) != 0);
    CheckSame(k, c.what, std::move(c.digest), std::move(c.sig));
  }
  return 0;
}
