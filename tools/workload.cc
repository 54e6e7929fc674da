#include "tools/workload.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/base/thread_pool.h"
#include "lib/channel/channel.h"
#include "lib/client/client.h"
#include "lib/endorse/contract.h"
#include "lib/endorse/endorser.h"
#include "lib/identity/signing_identity.h"
#include "lib/ordering/block_assembler.h"
#include "lib/testnet/material.h"
#include "lib/wire/proto/transaction.pb.h"
#include "tools/commands.h"
#include "tools/network/workload.h"
#include "tools/scratch_dir.h"

namespace fabric::tools {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Signer = std::shared_ptr<const identity::SigningIdentity>;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The key of index `i`: fixed width, so byte order is numeric order and a range of
// indexes is a range of keys.
std::string Key(uint64_t i) { return absl::StrFormat("k%010d", i); }

std::string Value(uint64_t key, uint64_t salt, uint64_t size) {
  std::string v(size, 'a');
  for (uint64_t j = 0; j < size; ++j) v[j] = static_cast<char>('a' + (key * 7 + salt + j) % 26);
  return v;
}

absl::StatusOr<std::vector<uint64_t>> Numbers(absl::string_view list) {
  std::vector<uint64_t> out;
  for (absl::string_view s : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    uint64_t n = 0;
    if (!absl::SimpleAtoi(s, &n))
      return absl::InvalidArgumentError(absl::StrCat("not a number: ", s));
    out.push_back(n);
  }
  return out;
}

// The chaincode "bench":
//   preload FIRST COUNT VALUE_SIZE      writes keys FIRST..FIRST+COUNT-1
//   put KEYS VALUE_SIZE                 writes the listed keys as preload does
//   tx READS WRITES RANGES RANGE_SIZE VALUE_SIZE SALT
//        (key indexes as comma-separated lists) reads each of READS, runs a range query
//        [Key(s), Key(s + RANGE_SIZE)) from each s of RANGES, writes each of WRITES.
class BenchContract : public endorse::Contract {
 public:
  endorse::Response Invoke(endorse::Stub& stub) override {
    absl::Status s = Run(stub);
    return s.ok() ? endorse::Response::Ok() : endorse::Response::Error(std::string(s.message()));
  }

 private:
  static absl::Status Run(endorse::Stub& stub) {
    const endorse::Invocation& inv = stub.invocation();
    const std::vector<std::string>& a = inv.args;
    if (inv.function == "preload" && a.size() == 3) {
      uint64_t first = 0, count = 0, size = 0;
      if (!absl::SimpleAtoi(a[0], &first) || !absl::SimpleAtoi(a[1], &count) ||
          !absl::SimpleAtoi(a[2], &size)) {
        return absl::InvalidArgumentError("preload FIRST COUNT VALUE_SIZE");
      }
      for (uint64_t k = first; k < first + count; ++k) {
        FABRIC_RETURN_IF_ERROR(stub.PutState(Key(k), Value(k, 0, size)));
      }
      return absl::OkStatus();
    }
    if (inv.function == "put" && a.size() == 2) {
      FABRIC_ASSIGN_OR_RETURN(std::vector<uint64_t> keys, Numbers(a[0]));
      uint64_t size = 0;
      if (!absl::SimpleAtoi(a[1], &size)) return absl::InvalidArgumentError("put KEYS VALUE_SIZE");
      for (uint64_t k : keys) FABRIC_RETURN_IF_ERROR(stub.PutState(Key(k), Value(k, 0, size)));
      return absl::OkStatus();
    }
    if (inv.function == "tx" && a.size() == 6) {
      FABRIC_ASSIGN_OR_RETURN(std::vector<uint64_t> reads, Numbers(a[0]));
      FABRIC_ASSIGN_OR_RETURN(std::vector<uint64_t> writes, Numbers(a[1]));
      FABRIC_ASSIGN_OR_RETURN(std::vector<uint64_t> ranges, Numbers(a[2]));
      uint64_t range_size = 0, value_size = 0, salt = 0;
      if (!absl::SimpleAtoi(a[3], &range_size) || !absl::SimpleAtoi(a[4], &value_size) ||
          !absl::SimpleAtoi(a[5], &salt)) {
        return absl::InvalidArgumentError("tx: RANGE_SIZE VALUE_SIZE SALT");
      }
      for (uint64_t k : reads) FABRIC_RETURN_IF_ERROR(stub.GetState(Key(k)).status());
      for (uint64_t s : ranges) {
        FABRIC_RETURN_IF_ERROR(stub.GetStateByRange(Key(s), Key(s + range_size)).status());
      }
      for (uint64_t k : writes)
        FABRIC_RETURN_IF_ERROR(stub.PutState(Key(k), Value(k, salt, value_size)));
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError("bench: preload FIRST COUNT VALUE_SIZE | tx ...");
  }
};

// One transaction to endorse: the arguments of "bench", who signs and who endorses.
struct PlannedTx {
  std::vector<std::string> args;
  size_t client = 0;
  std::vector<int> endorsers;  // orgs, 1-based
  std::string chaincode = kWorkloadChaincode;
  bool admin = false;
  protos::TxValidationCode expect = protos::VALID;
  // A measured transaction's keys (read or written) and range starts.
  std::vector<uint64_t> keys, ranges;
};

std::string JoinNumbers(const std::vector<uint64_t>& v) { return absl::StrJoin(v, ","); }

absl::StatusOr<Signer> LoadSigner(const std::string& root, const testnet::OrgSpec& org,
                                  const std::string& who) {
  FABRIC_ASSIGN_OR_RETURN(testnet::IdentityPem pem, testnet::ReadIdentity(root, org, who));
  FABRIC_ASSIGN_OR_RETURN(auto signer,
                          identity::SigningIdentity::FromPem(pem.mspid, pem.cert_pem, pem.key_pem));
  return Signer(std::move(signer));
}

absl::Status WriteFile(const fs::path& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return absl::InternalError("cannot write " + path.string());
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) return absl::InternalError("cannot write " + path.string());
  return absl::OkStatus();
}

// The generator's ledger, the "shadow" chain: every endorsement simulates against it,
// so it must hold what the measured transactions read, with the versions the written
// chain gives it. It takes the written chain's blocks, except that a preload
// transaction's shadow writes only those of its keys that a measured transaction reads,
// writes or ranges over: the same values at the same versions (block number, position
// in the block), for a ledger of thousands of keys rather than millions. The shadow
// blocks are cut by a second assembler, with the written chain's numbers.
class Generator {
 public:
  Generator(const WorkloadSpec& spec, std::string out, FILE* log)
      : spec_(spec),
        out_(std::move(out)),
        log_(log),
        pool_(static_cast<size_t>(spec.threads)),
        rng_(spec.seed) {}

  absl::StatusOr<WorkloadFacts> Run() {
    const auto t0 = Clock::now();
    FABRIC_RETURN_IF_ERROR(Setup());
    FABRIC_RETURN_IF_ERROR(DefineChaincode());
    facts_.setup_blocks = next_block_ - 1;
    facts_.setup_seconds = Since(t0);
    std::fprintf(log_,
                 "setup     %llu blocks  %6.2f s  crypto, genesis, chaincode %s defined (%s)\n",
                 static_cast<unsigned long long>(facts_.setup_blocks), facts_.setup_seconds,
                 kWorkloadChaincode, policy_.c_str());
    std::fflush(log_);
    std::vector<std::vector<PlannedTx>> measured;
    for (uint64_t planned = 0; planned < spec_.txs;) {
      const uint64_t n = std::min(spec_.txs_per_block, spec_.txs - planned);
      measured.push_back(PlanBlock(n));
      planned += n;
    }
    FABRIC_RETURN_IF_ERROR(Preload(KeysTouched(measured)));
    FABRIC_RETURN_IF_ERROR(Measured(measured));
    facts_.last_block = next_block_ - 1;
    return facts_;
  }

 private:
  absl::Status Setup() {
    std::error_code ec;
    if (fs::exists(fs::path(out_) / "genesis.block", ec) ||
        fs::exists(fs::path(out_) / "blocks", ec)) {
      return absl::AlreadyExistsError(out_ + " already holds a chain");
    }
    fs::create_directories(fs::path(out_) / "blocks", ec);
    if (ec) return absl::InternalError(absl::StrCat(out_, ": ", ec.message()));
    const std::string msp = out_ + "/msp";
    const int users = (spec_.clients + spec_.orgs - 1) / spec_.orgs;
    FABRIC_RETURN_IF_ERROR(testnet::GenerateCrypto(msp, spec_.orgs, 1, users));
    std::vector<int> orgs;
    for (int n = 1; n <= spec_.orgs; ++n) orgs.push_back(n);
    FABRIC_ASSIGN_OR_RETURN(
        genesis_, testnet::SampleGenesisBlock(msp, kWorkloadChannel, orgs, spec_.txs_per_block));
    FABRIC_RETURN_IF_ERROR(WriteFile(fs::path(out_) / "genesis.block", genesis_));
    for (int n = 1; n <= spec_.orgs; ++n) {
      const testnet::OrgSpec org = testnet::PeerOrgSpec(n, 1, users);
      FABRIC_ASSIGN_OR_RETURN(Signer peer, LoadSigner(msp, org, "peer0"));
      FABRIC_ASSIGN_OR_RETURN(Signer admin, LoadSigner(msp, org, "Admin"));
      admins_.push_back(admin);
      peers_.push_back(peer);
    }
    for (int c = 0; c < spec_.clients; ++c) {
      const testnet::OrgSpec org = testnet::PeerOrgSpec(c % spec_.orgs + 1, 1, users);
      FABRIC_ASSIGN_OR_RETURN(Signer user,
                              LoadSigner(msp, org, absl::StrCat("User", c / spec_.orgs + 1)));
      clients_.push_back(user);
    }
    FABRIC_ASSIGN_OR_RETURN(Signer orderer, LoadSigner(msp, testnet::OrdererOrgSpec(), "orderer0"));
    ordering::BatchOptions batch;  // blocks are cut explicitly
    batch.max_message_count = std::numeric_limits<size_t>::max();
    batch.preferred_max_bytes = std::numeric_limits<size_t>::max() / 2;
    FABRIC_ASSIGN_OR_RETURN(orderer_, ordering::BlockAssembler::Create(genesis_, orderer, batch));
    FABRIC_ASSIGN_OR_RETURN(shadow_orderer_,
                            ordering::BlockAssembler::Create(genesis_, orderer, batch));

    auto scratch = ScratchDir::Make("fabric-workload");
    if (!scratch.ok()) return scratch.status();
    scratch_.emplace(*std::move(scratch));
    channel::ChannelOptions options;
    options.threads = static_cast<size_t>(spec_.threads);
    options.ledger.storage.sync = false;  // a scratch ledger
    FABRIC_ASSIGN_OR_RETURN(
        channel_, channel::Channel::Create(scratch_->path() + "/ledger", genesis_, options));
    auto contract = std::make_shared<BenchContract>();
    for (const Signer& peer : peers_) {
      endorsers_.push_back(std::make_unique<endorse::Endorser>(channel_.get(), peer));
      FABRIC_RETURN_IF_ERROR(endorsers_.back()->RegisterContract(kWorkloadChaincode, contract));
    }
    return absl::OkStatus();
  }

  // Each org approves the definition (its own peer endorses), then it is committed,
  // endorsed by every org: blocks 1 and 2, as tools/network's workload does it.
  absl::Status DefineChaincode() {
    std::vector<int> orgs;
    for (int n = 1; n <= spec_.orgs; ++n) orgs.push_back(n);
    const int k = spec_.endorsers == 0 ? spec_.orgs : spec_.endorsers;
    policy_ = spec_.policy.empty() ? network::ChaincodePolicyDsl(orgs, k) : spec_.policy;
    FABRIC_ASSIGN_OR_RETURN(std::string definition,
                            network::CommitDefinitionArg(kWorkloadChaincode, "1.0", 1, policy_));
    std::vector<PlannedTx> approvals;
    for (int n = 1; n <= spec_.orgs; ++n) {
      PlannedTx p{
          {"ApproveChaincodeDefinitionForMyOrg", definition}, static_cast<size_t>(n - 1), {n}};
      p.chaincode = "_lifecycle";
      p.admin = true;
      approvals.push_back(std::move(p));
    }
    FABRIC_RETURN_IF_ERROR(Transact(approvals, nullptr));
    PlannedTx commit{{"CommitChaincodeDefinition", definition}, 0, orgs};
    commit.chaincode = "_lifecycle";
    commit.admin = true;
    return Transact({commit}, nullptr);
  }

  // The keys below preload_keys that the measured transactions read, write or range over.
  std::vector<uint64_t> KeysTouched(const std::vector<std::vector<PlannedTx>>& blocks) const {
    std::vector<uint64_t> keys;
    for (const auto& block : blocks) {
      for (const PlannedTx& p : block) {
        for (uint64_t k : p.keys) keys.push_back(k);
        for (uint64_t s : p.ranges) {
          for (uint64_t k = s; k < s + spec_.range_size; ++k) keys.push_back(k);
        }
      }
    }
    keys.erase(std::remove_if(keys.begin(), keys.end(),
                              [&](uint64_t k) { return k >= spec_.preload_keys; }),
               keys.end());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }

  // Write-only transactions of preload_keys_per_tx keys into the written chain, and
  // their shadows (only the `touched` keys) into the generator's ledger, committed
  // while the next blocks are endorsed (they read nothing).
  absl::Status Preload(const std::vector<uint64_t>& touched) {
    if (spec_.preload_keys == 0) return absl::OkStatus();
    const auto t0 = Clock::now();
    absl::Mutex mu;
    absl::Status failure;
    // Queued blocks report to `mu` and `failure`: wait for them before returning.
    absl::Status s = PreloadBlocks(touched, mu, failure);
    channel_->Drain();
    FABRIC_RETURN_IF_ERROR(s);
    FABRIC_RETURN_IF_ERROR(failure);
    facts_.preload_seconds = Since(t0);
    std::fprintf(log_,
                 "preload   %llu blocks  %6.2f s  %llu keys in %llu write-only transactions\n",
                 static_cast<unsigned long long>(facts_.preload_blocks), facts_.preload_seconds,
                 static_cast<unsigned long long>(spec_.preload_keys),
                 static_cast<unsigned long long>(facts_.preload_txs));
    std::fflush(log_);
    return absl::OkStatus();
  }

  absl::Status PreloadBlocks(const std::vector<uint64_t>& touched, absl::Mutex& mu,
                             absl::Status& failure) {
    const std::string value_size = absl::StrCat(spec_.preload_value_size);
    for (uint64_t first = 0; first < spec_.preload_keys;) {
      std::vector<PlannedTx> txs, shadows;
      while (first < spec_.preload_keys && txs.size() < spec_.preload_txs_per_block) {
        const uint64_t count = std::min(spec_.preload_keys_per_tx, spec_.preload_keys - first);
        const size_t client = tx_counter_ % clients_.size();
        std::vector<int> endorsers = EndorsersOf(tx_counter_++);
        txs.push_back(PlannedTx{
            {"preload", absl::StrCat(first), absl::StrCat(count), value_size}, client, endorsers});
        auto lo = std::lower_bound(touched.begin(), touched.end(), first);
        auto hi = std::lower_bound(lo, touched.end(), first + count);
        shadows.push_back(PlannedTx{
            {"put", JoinNumbers(std::vector<uint64_t>(lo, hi)), value_size}, client, endorsers});
        first += count;
      }
      FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> envelopes, EndorseAll(txs));
      FABRIC_ASSIGN_OR_RETURN(std::string block, Cut(*orderer_, std::move(envelopes)));
      FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> shadow_envelopes, EndorseAll(shadows));
      FABRIC_ASSIGN_OR_RETURN(std::string shadow,
                              Cut(*shadow_orderer_, std::move(shadow_envelopes)));
      {
        absl::MutexLock lock(&mu);
        FABRIC_RETURN_IF_ERROR(failure);
      }
      facts_.preload_txs += txs.size();
      ++facts_.preload_blocks;
      const uint64_t number = next_block_++;
      FABRIC_RETURN_IF_ERROR(WriteBlock(number, block));
      Count(protos::VALID, txs.size(), false);
      channel::SubmitOptions submit;
      submit.skip_verification = true;
      channel_->Enqueue(
          std::move(shadow), submit, [&, number](absl::StatusOr<channel::BlockResult> r) {
            absl::MutexLock lock(&mu);
            if (!failure.ok()) return;
            if (!r.ok()) {
              failure = r.status();
              return;
            }
            for (const channel::TxResult& t : r->txs) {
              if (t.code != protos::VALID) {
                failure = absl::InternalError(
                    absl::StrCat("preload block ", number, ": ", t.txid, " is ",
                                 protos::TxValidationCode_Name(t.code), ": ", t.reason));
                return;
              }
            }
          });
    }
    return absl::OkStatus();
  }

  absl::Status Measured(const std::vector<std::vector<PlannedTx>>& blocks) {
    const auto t0 = Clock::now();
    facts_.first_measured_block = next_block_;
    for (const std::vector<PlannedTx>& txs : blocks) {
      FABRIC_RETURN_IF_ERROR(Transact(txs, &facts_.measured_codes));
    }
    facts_.measured_txs = spec_.txs;
    facts_.measured_seconds = Since(t0);
    std::vector<std::string> codes;
    for (const auto& [name, n] : facts_.measured_codes) codes.push_back(absl::StrCat(name, " ", n));
    std::fprintf(log_, "measured  %zu blocks  %6.2f s  %llu transactions: %s\n", blocks.size(),
                 facts_.measured_seconds, static_cast<unsigned long long>(spec_.txs),
                 absl::StrJoin(codes, ", ").c_str());
    return absl::OkStatus();
  }

  // `n` transactions, each with the code it must get: a read of a key an earlier valid
  // transaction of the block wrote is an MVCC_READ_CONFLICT, a range over one a
  // PHANTOM_READ_CONFLICT (reads are checked first, as Fabric does).
  std::vector<PlannedTx> PlanBlock(uint64_t n) {
    std::unordered_set<uint64_t> written;
    std::vector<PlannedTx> txs;
    const int picks = std::max(spec_.reads, spec_.writes);
    for (uint64_t i = 0; i < n; ++i) {
      std::vector<uint64_t> keys;
      while (static_cast<int>(keys.size()) < picks) {
        const bool hot = spec_.hot_keys > 0 && Uniform() < spec_.hot_share;
        const uint64_t k = hot ? rng_() % spec_.hot_keys
                               : spec_.hot_keys + rng_() % (spec_.key_space - spec_.hot_keys);
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
      }
      std::vector<uint64_t> reads(keys.begin(), keys.begin() + spec_.reads);
      std::vector<uint64_t> writes(keys.begin(), keys.begin() + spec_.writes);
      std::vector<uint64_t> ranges;
      for (int q = 0; q < spec_.range_queries; ++q) {
        ranges.push_back(rng_() % (spec_.key_space - spec_.range_size + 1));
      }
      PlannedTx p{{"tx", JoinNumbers(reads), JoinNumbers(writes), JoinNumbers(ranges),
                   absl::StrCat(spec_.range_size), absl::StrCat(spec_.value_size),
                   absl::StrCat(tx_counter_)},
                  tx_counter_ % clients_.size(),
                  EndorsersOf(tx_counter_)};
      ++tx_counter_;
      auto seen = [&](uint64_t k) { return written.count(k) > 0; };
      if (std::any_of(reads.begin(), reads.end(), seen)) {
        p.expect = protos::MVCC_READ_CONFLICT;
      } else if (std::any_of(ranges.begin(), ranges.end(), [&](uint64_t s) {
                   for (uint64_t k = s; k < s + spec_.range_size; ++k) {
                     if (seen(k)) return true;
                   }
                   return false;
                 })) {
        p.expect = protos::PHANTOM_READ_CONFLICT;
      } else {
        written.insert(writes.begin(), writes.end());
      }
      p.keys = std::move(keys);
      p.ranges = std::move(ranges);
      txs.push_back(std::move(p));
    }
    return txs;
  }

  double Uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  std::vector<int> EndorsersOf(uint64_t i) const {
    const int k = spec_.endorsers == 0 ? spec_.orgs : spec_.endorsers;
    std::vector<int> out;
    for (int j = 0; j < k; ++j) out.push_back(static_cast<int>((i + j) % spec_.orgs) + 1);
    return out;
  }

  // The txid nonce of the i-th proposal: drawn from the seed, so txids repeat with it.
  std::string Nonce(uint64_t i) const {
    return Sha256(absl::StrCat("fabric workload ", spec_.seed, " ", i)).substr(0, 24);
  }

  absl::StatusOr<std::string> Endorse(const PlannedTx& p, uint64_t index) const {
    const identity::SigningIdentity& creator =
        p.admin ? *admins_.at(p.client) : *clients_.at(p.client);
    client::ProposalSpec ps;
    ps.channel_id = kWorkloadChannel;
    ps.chaincode = p.chaincode;
    ps.args = p.args;
    ps.nonce = Nonce(index);
    FABRIC_ASSIGN_OR_RETURN(client::SignedProposal proposal,
                            client::CreateSignedProposal(creator, ps));
    std::vector<std::string> responses;
    for (int org : p.endorsers) {
      FABRIC_ASSIGN_OR_RETURN(endorse::ProposalResult r,
                              endorsers_.at(org - 1)->Endorse(proposal.signed_proposal));
      if (r.proposal_response.empty()) {
        return absl::AbortedError(absl::StrCat("Org", org, " refused ", p.args[0], ": ",
                                               r.response.status, " ", r.response.message));
      }
      responses.push_back(std::move(r.proposal_response));
    }
    return client::CreateSignedTx(proposal.signed_proposal, responses, creator);
  }

  // The envelopes of `txs`, endorsed on the pool.
  absl::StatusOr<std::vector<std::string>> EndorseAll(const std::vector<PlannedTx>& txs) {
    std::vector<absl::StatusOr<std::string>> endorsed(txs.size(), absl::UnknownError("not run"));
    const uint64_t base = proposals_;
    proposals_ += txs.size();
    pool_.ParallelFor(txs.size(), [&](size_t i) { endorsed[i] = Endorse(txs[i], base + i); });
    std::vector<std::string> envelopes;
    for (auto& e : endorsed) {
      FABRIC_RETURN_IF_ERROR(e.status());
      envelopes.push_back(*std::move(e));
    }
    return envelopes;
  }

  // `envelopes` as the next block of `orderer`.
  static absl::StatusOr<std::string> Cut(ordering::BlockAssembler& orderer,
                                         std::vector<std::string> envelopes) {
    for (std::string& e : envelopes) {
      FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> cut, orderer.Add(std::move(e)));
      if (!cut.empty()) return absl::InternalError("the orderer cut a block early");
    }
    FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> block, orderer.Cut());
    if (!block.has_value()) return absl::InternalError("the orderer cut no block");
    return *std::move(block);
  }

  absl::Status WriteBlock(uint64_t number, const std::string& block) {
    return WriteFile(fs::path(out_) / "blocks" / absl::StrFormat("%06d.block", number), block);
  }

  void Count(protos::TxValidationCode code, uint64_t n, bool measured) {
    facts_.codes[protos::TxValidationCode_Name(code)] += n;
    if (measured) facts_.measured_codes[protos::TxValidationCode_Name(code)] += n;
  }

  // Endorses `txs`, writes them as the chain's next block, commits the same envelopes
  // to the generator's ledger and checks every code is the planned one; counts them
  // (also into `measured`, if given).
  absl::Status Transact(const std::vector<PlannedTx>& txs,
                        std::map<std::string, uint64_t>* measured) {
    FABRIC_ASSIGN_OR_RETURN(std::vector<std::string> envelopes, EndorseAll(txs));
    FABRIC_ASSIGN_OR_RETURN(std::string block, Cut(*orderer_, envelopes));
    FABRIC_ASSIGN_OR_RETURN(std::string shadow, Cut(*shadow_orderer_, std::move(envelopes)));
    const uint64_t number = next_block_++;
    FABRIC_RETURN_IF_ERROR(WriteBlock(number, block));
    channel::SubmitOptions submit;
    submit.skip_verification = true;
    FABRIC_ASSIGN_OR_RETURN(channel::BlockResult r, channel_->Submit(std::move(shadow), submit));
    if (r.txs.size() != txs.size()) return absl::InternalError("block lost transactions");
    for (size_t i = 0; i < txs.size(); ++i) {
      if (r.txs[i].code != txs[i].expect) {
        return absl::FailedPreconditionError(absl::StrCat(
            "block ", number, " transaction ", i, " (", r.txs[i].txid, ", ", txs[i].args[0],
            ") committed as ", protos::TxValidationCode_Name(r.txs[i].code), " (", r.txs[i].reason,
            "), the workload expected ", protos::TxValidationCode_Name(txs[i].expect),
            txs[i].chaincode == kWorkloadChaincode
                ? absl::StrCat("; do the endorsers satisfy the policy ", policy_, "?")
                : ""));
      }
      Count(txs[i].expect, 1, measured != nullptr);
    }
    return absl::OkStatus();
  }

  const WorkloadSpec spec_;
  const std::string out_;
  FILE* const log_;
  ThreadPool pool_;
  std::mt19937_64 rng_;
  std::string genesis_;
  std::string policy_;
  std::vector<Signer> peers_, admins_, clients_;
  std::unique_ptr<ordering::BlockAssembler> orderer_;         // the written chain
  std::unique_ptr<ordering::BlockAssembler> shadow_orderer_;  // the generator's ledger's
  std::optional<ScratchDir> scratch_;
  std::unique_ptr<channel::Channel> channel_;  // after scratch_: closed before it goes
  std::vector<std::unique_ptr<endorse::Endorser>> endorsers_;  // read channel_
  uint64_t next_block_ = 1;
  uint64_t tx_counter_ = 0;  // workload transactions planned (clients, endorsers rotate)
  uint64_t proposals_ = 0;   // proposals made (nonces)
  WorkloadFacts facts_;
};

}  // namespace

absl::Status WorkloadSpec::Check() const {
  auto bad = [](const std::string& why) { return absl::InvalidArgumentError(why); };
  if (orgs < 1 || orgs > 50) return bad("--orgs takes 1 to 50");
  if (endorsers < 0 || endorsers > orgs) return bad("--endorsers takes 1 to --orgs");
  if (clients < 1 || clients > 1000) return bad("--clients takes 1 to 1000");
  if (txs < 1) return bad("--txs (or --blocks) must give at least one transaction");
  if (txs_per_block < 1 || txs_per_block > 100000) return bad("--block-size takes 1 to 100000");
  if (reads < 0 || writes < 0 || reads > 1000 || writes > 1000) {
    return bad("--reads and --writes take 0 to 1000");
  }
  if (range_queries < 0 || range_queries > 100) return bad("--ranges takes 0 to 100");
  if (range_queries > 0 && (range_size < 1 || range_size > key_space)) {
    return bad("--range-size takes 1 to --key-space");
  }
  if (hot_share < 0 || hot_share > 1) return bad("--hot-share takes a fraction in [0, 1]");
  if (hot_keys > key_space) return bad("--hot-keys exceeds --key-space");
  const uint64_t picks = static_cast<uint64_t>(std::max(reads, writes));
  if (key_space - hot_keys < picks || (hot_share > 0 && hot_keys < picks && hot_share >= 1)) {
    return bad("--key-space leaves too few keys for the reads and writes of a transaction");
  }
  if (value_size < 1 || value_size > (1 << 20)) return bad("--value-size takes 1 to 1048576");
  if (preload_keys_per_tx < 1 || preload_keys_per_tx > 100000) {
    return bad("--preload-keys-per-tx takes 1 to 100000");
  }
  if (preload_txs_per_block < 1 || preload_txs_per_block > 100000) {
    return bad("--preload-block-size takes 1 to 100000");
  }
  if (preload_value_size < 1 || preload_value_size > 4096) {
    return bad("--preload-value-size takes 1 to 4096");
  }
  if (key_space > 9999999999ULL || preload_keys > 9999999999ULL) {
    return bad("--key-space and --preload-keys take at most 9999999999");
  }
  if (threads < 0) return bad("--threads takes a positive number");
  return absl::OkStatus();
}

nlohmann::json WorkloadSpec::ToJson() const {
  return {{"orgs", orgs},
          {"endorsers", endorsers == 0 ? orgs : endorsers},
          {"policy", policy},
          {"clients", clients},
          {"txs", txs},
          {"block_size", txs_per_block},
          {"reads", reads},
          {"writes", writes},
          {"key_space", key_space},
          {"value_size", value_size},
          {"hot_keys", hot_keys},
          {"hot_share", hot_share},
          {"ranges", range_queries},
          {"range_size", range_size},
          {"preload_keys", preload_keys},
          {"preload_keys_per_tx", preload_keys_per_tx},
          {"preload_block_size", preload_txs_per_block},
          {"preload_value_size", preload_value_size},
          {"seed", seed}};
}

nlohmann::json WorkloadFacts::ToJson(const WorkloadSpec& spec) const {
  return {
      {"spec", spec.ToJson()},
      {"channel", kWorkloadChannel},
      {"chaincode", kWorkloadChaincode},
      {"setup_blocks", setup_blocks},
      {"preload_blocks", preload_blocks},
      {"preload_txs", preload_txs},
      {"first_measured_block", first_measured_block},
      {"last_block", last_block},
      {"measured_txs", measured_txs},
      {"codes", codes},
      {"measured_codes", measured_codes},
      {"seconds",
       {{"setup", setup_seconds}, {"preload", preload_seconds}, {"measured", measured_seconds}}}};
}

absl::StatusOr<WorkloadFacts> GenerateWorkload(const WorkloadSpec& spec, const std::string& out_dir,
                                               FILE* log) {
  FABRIC_RETURN_IF_ERROR(spec.Check());
  Generator g(spec, out_dir, log);
  FABRIC_ASSIGN_OR_RETURN(WorkloadFacts facts, g.Run());
  FABRIC_RETURN_IF_ERROR(
      WriteFile(fs::path(out_dir) / kWorkloadFile, facts.ToJson(spec).dump(2) + "\n"));
  return facts;
}

absl::StatusOr<WorkloadLayout> ReadWorkloadLayout(const std::string& dir) {
  std::error_code ec;
  const std::string path = dir + "/" + kWorkloadFile;
  if (!fs::exists(path, ec)) return WorkloadLayout();
  FABRIC_ASSIGN_OR_RETURN(std::string text, ReadInput(path));
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("first_measured_block") ||
      !j["first_measured_block"].is_number_unsigned() || !j.contains("spec") ||
      !j["spec"].is_object() || !j["spec"].contains("preload_keys") ||
      !j["spec"]["preload_keys"].is_number_unsigned()) {
    return absl::InvalidArgumentError(
        path + ": not a fabric workload's (no first_measured_block or spec.preload_keys)");
  }
  WorkloadLayout layout;
  layout.first_measured_block = std::max<uint64_t>(1, j["first_measured_block"].get<uint64_t>());
  layout.preload_keys = j["spec"]["preload_keys"].get<uint64_t>();
  return layout;
}

}  // namespace fabric::tools
