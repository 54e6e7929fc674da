// Signature checks and policy evaluation on the conformance vectors' channel:
//   - Identity::Verify (our check: DER parse, low-S rule, SHA-256, ECDSA) against the raw
//     BoringSSL call on the same key, digest and signature;
//   - policies (AND of 2, OutOf(2,3), MAJORITY of 3 orgs' Endorsement) evaluated on a
//     signature set whose signatures are already verified (what a key-level or second
//     policy costs), and including the set's verification (what the first policy costs).
//   bazel build -c opt //bench:policy_bench && .bazel/bin/bench/policy_bench  (repo root)
#include <openssl/bio.h>
#include <openssl/ec_key.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "lib/channelconfig/channel_config.h"
#include "lib/identity/signing_identity.h"
#include "lib/policy/dsl.h"
#include "lib/policy/signature_policy.h"
#include "lib/policy/signature_set.h"
#include "lib/testing/testdata.h"
#include "lib/wire/proto/identities.pb.h"

namespace {

using fabric::policy::SignedData;

struct Fixture {
  std::shared_ptr<const fabric::channelconfig::ChannelConfig> config;
  std::vector<SignedData> peers;  // peer0 of Org1, Org2, Org3 over the same payload
  bool ok = false;

  Fixture() {
    auto bytes = fabric::testing::ReadFile(fabric::testing::ConformanceDir() + "/genesis.block");
    if (!bytes.ok()) return;
    auto block = fabric::wire::ParsedBlock::Parse(*bytes);
    if (!block.ok()) return;
    auto c = fabric::channelconfig::ChannelConfig::FromBlock(**block);
    if (!c.ok()) return;
    config = *c;
    const std::string payload(3000, 'p');  // about a proposal response payload
    for (int org = 1; org <= 3; ++org) {
      const std::string name = "peer0.org" + std::to_string(org) + ".example.com";
      auto signer = fabric::identity::SigningIdentity::FromMspDir(
          "Org" + std::to_string(org) + "MSP",
          fabric::testing::ConformanceDir() + "/msp/peerOrganizations/org" + std::to_string(org) +
              ".example.com/peers/" + name + "/msp");
      if (!signer.ok()) return;
      auto sig = (*signer)->Sign(payload);
      if (!sig.ok()) return;
      peers.push_back({payload, (*signer)->serialized(), *sig});
    }
    ok = true;
  }
};

const Fixture& F() {
  static const Fixture* f = new Fixture();
  return *f;
}

#define REQUIRE_FIXTURE(state)                                                 \
  if (!F().ok) {                                                               \
    state.SkipWithError("run from the repository root (conformance vectors)"); \
    return;                                                                    \
  }

void BM_IdentityVerify(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  const SignedData& sd = F().peers[0];
  auto id = F().config->msps().Deserialize(sd.identity);
  for (auto _ : state) {
    if (!(*id)->Verify(sd.data, sd.signature).ok()) state.SkipWithError("verify failed");
  }
  state.counters["verify/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IdentityVerify);

void BM_RawBoringSslVerify(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  const SignedData& sd = F().peers[0];
  msp::SerializedIdentity sid;
  sid.ParseFromString(sd.identity);
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(sid.id_bytes().data(), sid.id_bytes().size()));
  bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  bssl::UniquePtr<EVP_PKEY> pkey(X509_get_pubkey(cert.get()));
  const EC_KEY* key = EVP_PKEY_get0_EC_KEY(pkey.get());
  for (auto _ : state) {
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const uint8_t*>(sd.data.data()), sd.data.size(), digest);
    if (ECDSA_verify(0, digest, sizeof digest,
                     reinterpret_cast<const uint8_t*>(sd.signature.data()), sd.signature.size(),
                     key) != 1) {
      state.SkipWithError("verify failed");
    }
  }
  state.counters["verify/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RawBoringSslVerify);

// Policy `which`: 0 AND of 2 orgs, 1 OutOf(2, 3 orgs), 2 MAJORITY of 3 (channel policy).
std::unique_ptr<fabric::policy::Policy> owned[2];
const fabric::policy::Policy* PolicyFor(int which) {
  static const char* kDsl[] = {"AND('Org1MSP.peer','Org2MSP.peer')",
                               "OutOf(2,'Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"};
  if (which == 2) return *F().config->policies().Get("/Channel/Application/Endorsement");
  if (owned[which] == nullptr) {
    owned[which] =
        *fabric::policy::SignaturePolicy::Compile(*fabric::policy::CompileDsl(kDsl[which]));
  }
  return owned[which].get();
}

std::vector<SignedData> Signatures(int which) {
  // Two endorsements for each policy: Org1 and Org2 (AND), Org2 and Org3 (the others).
  return which == 0 ? std::vector<SignedData>{F().peers[0], F().peers[1]}
                    : std::vector<SignedData>{F().peers[1], F().peers[2]};
}

void BM_PolicyEvaluate(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  const int which = static_cast<int>(state.range(0));
  const fabric::policy::Policy* p = PolicyFor(which);
  fabric::policy::SignatureSet set(Signatures(which), F().config->shared_msps());
  if (!p->Evaluate(set).ok()) state.SkipWithError("policy not satisfied");
  for (auto _ : state) benchmark::DoNotOptimize(p->Evaluate(set));
}
BENCHMARK(BM_PolicyEvaluate)->ArgName("and2_outof23_majority3")->DenseRange(0, 2);

void BM_PolicyEvaluateWithVerification(benchmark::State& state) {
  REQUIRE_FIXTURE(state);
  const int which = static_cast<int>(state.range(0));
  const fabric::policy::Policy* p = PolicyFor(which);
  const std::vector<SignedData> sigs = Signatures(which);
  for (auto _ : state) {
    fabric::policy::SignatureSet set(sigs, F().config->shared_msps());
    if (!p->Evaluate(set).ok()) state.SkipWithError("policy not satisfied");
  }
}
BENCHMARK(BM_PolicyEvaluateWithVerification)->ArgName("and2_outof23_majority3")->DenseRange(0, 2);

}  // namespace

BENCHMARK_MAIN();
