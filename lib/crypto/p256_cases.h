// Test inputs for comparing EcdsaVerifyP256 with ECDSA_do_verify: keys with their
// tables, and signatures valid, invalid and at the edges. For the tests and the fuzz
// target only (testonly).
#ifndef FABRIC_LIB_CRYPTO_P256_CASES_H_
#define FABRIC_LIB_CRYPTO_P256_CASES_H_

#include <openssl/base.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lib/base/thread_pool.h"
#include "lib/crypto/p256_key_table.h"

namespace fabric::crypto::testing {

// A P-256 key (private key known) and its table.
struct KeyWithTable {
  bssl::UniquePtr<EC_KEY> key;
  std::unique_ptr<const P256KeyTable> table;
};

// A key for the private scalar `d` (1 <= d < n, big-endian hex), e.g. "1" for Q = G.
KeyWithTable KeyFromScalar(const std::string& hex_d);
// A fresh random key.
KeyWithTable RandomKey();

// The same keys in every process: four fixed scalars, G, -G, and KeyWithXAboveOrder's
// key (last, without a private scalar). Built once.
const std::vector<KeyWithTable>& FixedKeys();


// One verification to compare.
struct Case {
  std::string what;  // how it was made, for failure messages
  std::string digest;
  bssl::UniquePtr<ECDSA_SIG> sig;
};

// A case chosen at random from every kind: valid (low-S and high-S), one bit of r, s
// or the digest flipped, r or s +-1, random r and s, the other key's signature, digests
// of 0 to 64 bytes, r and s at and past 0 and n, and scalars that make the additions
// meet equal or opposite points (valid and invalid). `other` is another key.
Case RandomCase(std::mt19937_64& rng, const KeyWithTable& k, const KeyWithTable& other);

// A signature whose u2 = r/s is `u2_be` (32 bytes, big-endian, taken mod n; 0 becomes
// 1) and u1 = +-u2*d, so that adding Q's multiples starts from an accumulator equal (or
// opposite) to the first of them. Valid unless `opposite` (the sum is then at
// infinity). Needs the key's private scalar.
Case CraftedCase(const KeyWithTable& k, const std::string& u2_be, bool opposite);

// A key without a private scalar whose point's x is at least n (so x mod n = r < p - n),
// and a valid signature by it: digest 0, r = s = x - n (u1 = 0, u2 = 1).
KeyWithTable KeyWithXAboveOrder(Case* valid);

// The cases at the edges, every one of them, for `k` (those that need a signature only
// if `k` has a private scalar).
std::vector<Case> EdgeCases(const KeyWithTable& k);

// Both verifiers' answers on `c` with `k`; a message naming the case and its bytes
// when they differ, "" when they agree.
std::string Compare(const KeyWithTable& k, const Case& c, int* answer = nullptr);

// A case for CompareBatch, with its key and ECDSA_do_verify's answer.
struct BatchCase {
  const KeyWithTable* key;
  const Case* c;
  int answer;
};

// The cases verified side by side in one P256VerifyBatch (each under its index as the
// tag): "" when every case the batch confirms is valid and, if `all_valid_confirmed`,
// every valid one it does not confirm was crafted to meet equal or opposite points
// (RandomCase and CraftedCase say so in `what`; a fuzz input may be such a case unsaid);
// else a message naming the case. The number confirmed goes to `confirmed` when not null.
std::string CompareBatch(const std::vector<BatchCase>& cases, ThreadPool* pool,
                         bool all_valid_confirmed, size_t* confirmed = nullptr);

// Hex of the case's digest, r and s, for messages.
std::string Describe(const Case& c);

}  // namespace fabric::crypto::testing

#endif  // FABRIC_LIB_CRYPTO_P256_CASES_H_
