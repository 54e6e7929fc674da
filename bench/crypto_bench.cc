// ECDSA P-256 through the BoringSSL we build (static, x86-64 assembly, no
// OPENSSL_SMALL): the verify rate bounds validation throughput, since every
// transaction costs one creator signature plus one per endorsement. In one run: plain
// ECDSA_verify, our Fabric-rules verification for a cold key (no table: ECDSA_do_verify)
// and a hot key (its P256KeyTable), and the cost of building a table.
//   bazel run -c opt //bench:crypto_bench
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/sha.h>

#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/base/sha256.h"
#include "lib/crypto/p256_inverse_batch.h"
#include "lib/crypto/p256_key_table.h"
#include "lib/crypto/p256_verify_batch.h"
#include "lib/identity/ecdsa.h"

namespace {

struct P256Fixture {
  bssl::UniquePtr<EC_KEY> key{EC_KEY_new_by_curve_name(NID_X9_62_prime256v1)};
  uint8_t digest[SHA256_DIGEST_LENGTH];
  std::vector<uint8_t> sig;

  P256Fixture() {
    EC_KEY_generate_key(key.get());
    SHA256(reinterpret_cast<const uint8_t*>("fabric"), 6, digest);
    sig.resize(ECDSA_size(key.get()));
    unsigned len = 0;
    ECDSA_sign(0, digest, sizeof(digest), sig.data(), &len, key.get());
    sig.resize(len);
  }
};

void BM_EcdsaP256Verify(benchmark::State& state) {
  P256Fixture p;
  for (auto _ : state) {
    if (ECDSA_verify(0, p.digest, sizeof(p.digest), p.sig.data(), p.sig.size(), p.key.get()) != 1) {
      state.SkipWithError("verify failed");
    }
  }
  state.counters["verify/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EcdsaP256Verify);

// What Identity::Verify does (DER and low-S checks, then the verification): for a cold
// key (no table: ECDSA_do_verify), a hot key (its P256KeyTable, which makes u2*Q as cheap
// as u1*G), and a hot key inside a block's validation, where s's inverse comes from the
// block's batch (P256InverseBatch; its cost per signature, three multiplications and a
// share of one inversion, is BM_InverseBatch600's).
enum class Key { kCold, kHot, kHotInBlock };

void VerifyFabricSignature(benchmark::State& state, Key kind) {
  P256Fixture p;
  std::shared_ptr<const fabric::crypto::P256KeyTable> table;
  if (kind != Key::kCold) {
    auto built = fabric::crypto::P256KeyTable::Build(p.key.get());
    if (!built.ok()) {
      state.SkipWithError("no P-256 tables here");
      return;
    }
    table = *std::move(built);
  }
  std::string digest(reinterpret_cast<const char*>(p.digest), sizeof p.digest);
  absl::StatusOr<std::string> low =
      fabric::identity::ToLowS(std::string(p.sig.begin(), p.sig.end()));
  fabric::crypto::P256InverseBatch batch;
  if (kind == Key::kHotInBlock) {
    batch.Add(*low);
    batch.Compute();
  }
  fabric::crypto::ScopedP256InverseBatch use(kind == Key::kHotInBlock ? &batch : nullptr);
  for (auto _ : state) {
    if (!fabric::identity::VerifyEcdsaDigest(p.key.get(), digest, *low, table).ok()) {
      state.SkipWithError("verify failed");
    }
  }
  state.counters["verify/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}

void BM_VerifyColdKey(benchmark::State& state) { VerifyFabricSignature(state, Key::kCold); }
BENCHMARK(BM_VerifyColdKey);
void BM_VerifyHotKey(benchmark::State& state) { VerifyFabricSignature(state, Key::kHot); }
BENCHMARK(BM_VerifyHotKey);
void BM_VerifyHotKeyInBlock(benchmark::State& state) {
  VerifyFabricSignature(state, Key::kHotInBlock);
}
BENCHMARK(BM_VerifyHotKeyInBlock);

// The inverses of a block's 600 signatures (200 transactions).
void BM_InverseBatch600(benchmark::State& state) {
  std::vector<std::string> sigs;
  for (int i = 0; i < 600; ++i) {
    P256Fixture p;
    sigs.emplace_back(p.sig.begin(), p.sig.end());
  }
  for (auto _ : state) {
    fabric::crypto::P256InverseBatch batch;
    for (const std::string& s : sigs) batch.Add(s);
    batch.Compute();
    benchmark::DoNotOptimize(batch.size());
  }
}
BENCHMARK(BM_InverseBatch600)->Unit(benchmark::kMicrosecond);

// Hot-key verifications side by side (P256VerifyBatch) on one thread: `range(0)`
// signatures by three keys, recorded and computed together. Per signature, against
// BM_VerifyHotKeyInBlock's one at a time.
void BM_VerifyBatch(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<std::shared_ptr<const fabric::crypto::P256KeyTable>> tables;
  std::vector<P256Fixture> keys(3);
  for (P256Fixture& k : keys) {
    auto built = fabric::crypto::P256KeyTable::Build(k.key.get());
    if (!built.ok()) {
      state.SkipWithError("no P-256 tables here");
      return;
    }
    tables.push_back(*std::move(built));
  }
  struct Signed {
    uint8_t digest[SHA256_DIGEST_LENGTH];
    bssl::UniquePtr<ECDSA_SIG> sig;
    size_t key;
  };
  std::vector<Signed> sigs(n);
  for (size_t i = 0; i < n; ++i) {
    std::string msg = "fabric " + std::to_string(i);
    SHA256(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), sigs[i].digest);
    sigs[i].key = i % keys.size();
    sigs[i].sig.reset(ECDSA_do_sign(sigs[i].digest, SHA256_DIGEST_LENGTH,
                                    keys[sigs[i].key].key.get()));
  }
  for (auto _ : state) {
    fabric::crypto::P256VerifyBatch batch;
    for (size_t i = 0; i < n; ++i) {
      fabric::crypto::ScopedP256VerifyBatch use(&batch, i);
      batch.Add(sigs[i].digest, SHA256_DIGEST_LENGTH, sigs[i].sig.get(), tables[sigs[i].key]);
    }
    if (!batch.Compute(nullptr).empty()) state.SkipWithError("a valid signature unconfirmed");
  }
  state.counters["verify/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_VerifyBatch)->Arg(16)->Arg(32)->Arg(64)->Arg(128)->Arg(300)->Arg(600)
    ->Unit(benchmark::kMicrosecond);

// A table's build: what a key costs the first time it turns hot.
void BM_P256KeyTableBuild(benchmark::State& state) {
  P256Fixture p;
  for (auto _ : state) {
    auto table = fabric::crypto::P256KeyTable::Build(p.key.get());
    if (!table.ok()) {
      state.SkipWithError("no P-256 tables here");
      return;
    }
    benchmark::DoNotOptimize(table->get());
  }
}
BENCHMARK(BM_P256KeyTableBuild)->Unit(benchmark::kMicrosecond);

void BM_EcdsaP256Sign(benchmark::State& state) {
  P256Fixture p;
  std::vector<uint8_t> sig(ECDSA_size(p.key.get()));
  for (auto _ : state) {
    unsigned len = 0;
    ECDSA_sign(0, p.digest, sizeof(p.digest), sig.data(), &len, p.key.get());
  }
  state.counters["sign/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EcdsaP256Sign);

// SHA-256 of a typical endorsed payload (~3 KB).
void BM_Sha256_3KB(benchmark::State& state) {
  std::string data(3072, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(fabric::Sha256(data));
  state.SetBytesProcessed(state.iterations() * data.size());
}
BENCHMARK(BM_Sha256_3KB);

}  // namespace

BENCHMARK_MAIN();
