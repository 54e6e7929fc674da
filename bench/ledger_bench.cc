// The ledger storage layer (lib/ledger) on a ledger preloaded with N keys of namespace
// "cc_and" ("key%08d" -> 32-byte value):
//   - BM_GetVersion: MVCC's point read of a random existing key's version;
//   - BM_ApplyBlockWrites: one block's state writes (500 puts of existing keys) applied to
//     a WriteBatch and written, with and without a synced WAL;
//   - BM_PrepareBlockUpdates200: the update batch of a synthetic 200-transaction block
//     (each transaction reads and writes 2-3 existing keys; 8 blocks used in turn), which
//     reads a key's state only where Fabric's rules need its metadata (here never: no key
//     of the namespace has metadata);
//   - BM_CommitBlock200: that preparation plus Storage::Commit of the block, durable
//     (StorageOptions.sync: fdatasync of the block file; the RocksDB batch is not synced,
//     doc/ledger_format.md "Atomicity"), each block of fresh random keys.
// N is the benchmark argument: 100,000 always, 10,000,000 only with FABRIC_BENCH_LARGE=1
// (the preload writes 10M keys and takes ~25 s and 470 MB). Each ledger is preloaded once per
// process, by StateDb::Apply of 100k-key batches written without sync (the first one
// starting the index of namespaces with metadata, as Ledger::Create does; no preloaded
// key has metadata), then flushed, with compactions waited for, in
// temp_directory_path()/fabric-ledger-bench-<pid>, removed at exit.
//   bazel build -c opt //bench:ledger_bench && .bazel/bin/bench/ledger_bench
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "benchmark/benchmark.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/db.h"
#include "lib/ledger/state_db.h"
#include "lib/ledger/storage.h"
#include "lib/ledger/update_batch.h"
#include "lib/wire/block.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/identities.pb.h"

namespace {

namespace fs = std::filesystem;
using fabric::ledger::BlockUpdates;
using fabric::ledger::ChainInfo;
using fabric::ledger::Db;
using fabric::ledger::StateDb;
using fabric::ledger::Storage;
using fabric::ledger::Update;
using fabric::ledger::Version;
using fabric::wire::ParsedBlock;
using Block = std::shared_ptr<const ParsedBlock>;

constexpr char kNamespace[] = "cc_and";
constexpr int64_t kPreloadBatch = 100000;
constexpr int kTxPerBlock = 200;
constexpr int kWritesPerBlock = 500;

std::string Key(int64_t i) { return absl::StrFormat("key%08d", i); }

// 32 hex digits derived from `seed` (splitmix64): no runs for Snappy to shrink, so table
// sizes (and block reads) are not flattered by compression.
std::string Value(uint64_t seed) {
  uint64_t z = seed + 0x9e3779b97f4a7c15;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return absl::StrFormat("%016x%016x", z ^ (z >> 31), z * 0x9e3779b97f4a7c15);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

const fs::path& BenchRoot() {
  static const fs::path* root =
      new fs::path(fs::temp_directory_path() / absl::StrCat("fabric-ledger-bench-", getpid()));
  return *root;
}

uint64_t DirBytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

// Writes keys [0, n) to the state, then flushes the memtable and waits for the
// compactions it triggers, so that every N is measured on settled tables.
absl::Status Preload(Db* db, int64_t n, const std::string& dir) {
  const auto start = std::chrono::steady_clock::now();
  StateDb state(db);
  for (int64_t first = 0; first < n; first += kPreloadBatch) {
    BlockUpdates updates;
    fabric::ledger::KeyUpdates& keys = updates.pub[kNamespace];
    for (int64_t i = first; i < std::min(n, first + kPreloadBatch); ++i) {
      Update u;
      u.value = Value(i);
      u.version = Version{static_cast<uint64_t>(i / kPreloadBatch),
                          static_cast<uint64_t>(i % kPreloadBatch)};
      keys.emplace_hint(keys.end(), Key(i), std::move(u));
    }
    rocksdb::WriteBatch batch;
    // As a ledger created by Ledger::Create: it indexes the namespaces with metadata.
    if (first == 0) state.StartMetadataIndex(&batch);
    state.Apply(updates, &batch);
    FABRIC_RETURN_IF_ERROR(db->Write(&batch, /*sync=*/false));
  }
  const double write_s = Seconds(start);
  const auto settle = std::chrono::steady_clock::now();
  rocksdb::DB* raw = db->raw();
  FABRIC_RETURN_IF_ERROR(fabric::ledger::FromRocks(
      raw->Flush(rocksdb::FlushOptions(),
                 {db->cf(fabric::ledger::Cf::kMeta), db->cf(fabric::ledger::Cf::kState)}),
      "flush"));
  for (;;) {
    uint64_t pending = 0, running = 0;
    raw->GetIntProperty(db->cf(fabric::ledger::Cf::kState), "rocksdb.compaction-pending", &pending);
    raw->GetIntProperty("rocksdb.num-running-compactions", &running);
    if (pending == 0 && running == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::fprintf(stderr,
               "ledger_bench: preloaded N=%lld keys in %.1f s (writes %.1f s, flush and "
               "compactions %.1f s), %.0f MB on disk\n",
               static_cast<long long>(n), Seconds(start), write_s, Seconds(settle),
               DirBytes(dir) / 1e6);
  return absl::OkStatus();
}

// A preloaded ledger directory, open either as a bare Db (state reads and writes) or as
// a Storage (block commits): RocksDB allows one opener, so switching closes the other.
class Ledger {
 public:
  // The ledger of `n` keys, preloaded on first use.
  static absl::StatusOr<Ledger*> Get(int64_t n) {
    std::unique_ptr<Ledger>& l = All()[n];
    if (l == nullptr) {
      auto fresh =
          std::unique_ptr<Ledger>(new Ledger((BenchRoot() / absl::StrCat("n", n)).string()));
      fs::remove_all(fresh->dir_);
      FABRIC_ASSIGN_OR_RETURN(Db * db, fresh->db());
      FABRIC_RETURN_IF_ERROR(Preload(db, n, fresh->dir_));
      l = std::move(fresh);
    }
    return l.get();
  }
  // Closes every ledger.
  static void CloseAll() { All().clear(); }

  absl::StatusOr<Db*> db() {
    if (db_ == nullptr) {
      storage_.reset();
      fs::create_directories(dir_);
      FABRIC_ASSIGN_OR_RETURN(db_, Db::Open(dir_ + "/index"));
      state_ = std::make_unique<StateDb>(db_.get());
    }
    return db_.get();
  }
  // REQUIRES: db() succeeded since the last storage().
  const StateDb& state() const { return *state_; }

  absl::StatusOr<Storage*> storage() {
    if (storage_ == nullptr) {
      state_.reset();
      db_.reset();
      fabric::ledger::StorageOptions options;
      options.sync = true;
      FABRIC_ASSIGN_OR_RETURN(storage_, Storage::Open(dir_, options));
    }
    return storage_.get();
  }

 private:
  explicit Ledger(std::string dir) : dir_(std::move(dir)) {}
  static std::map<int64_t, std::unique_ptr<Ledger>>& All() {
    static auto* all = new std::map<int64_t, std::unique_ptr<Ledger>>();
    return *all;
  }

  const std::string dir_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<StateDb> state_;
  std::unique_ptr<Storage> storage_;
};

// Synthetic endorser transactions and blocks the codec parses as Fabric's: each
// transaction reads and writes 2-3 random existing keys of "cc_and", signed (with
// made-up bytes) by a creator and two endorsers of about a certificate's size.
class BlockMaker {
 public:
  // Each maker draws other keys and nonces: Google Benchmark calls a benchmark function
  // several times, and a repeated key sequence would read back last run's memtable.
  explicit BlockMaker(int64_t n) : n_(n), seed_(NextSeed()), rng_(seed_) {
    msp::SerializedIdentity id;
    id.set_mspid("Org1MSP");
    id.set_id_bytes(std::string(800, 'c'));
    creator_ = id.SerializeAsString();
    for (int i = 0; i < 2; ++i) {
      id.set_mspid(absl::StrCat("Org", i + 1, "MSP"));
      id.set_id_bytes(std::string(800, 'e'));
      endorsers_[i] = id.SerializeAsString();
    }
  }

  // The block after `info` (number info.height, chained to info.current_hash), every
  // transaction VALID in its TRANSACTIONS_FILTER.
  absl::StatusOr<Block> Next(const ChainInfo& info) {
    common::Block b;
    for (int t = 0; t < kTxPerBlock; ++t) b.mutable_data()->add_data(Transaction());
    b.mutable_header()->set_number(info.height);
    b.mutable_header()->set_previous_hash(info.current_hash);
    b.mutable_header()->set_data_hash(fabric::wire::BlockDataHash(b.data()));
    for (int i = 0; i < 5; ++i) b.mutable_metadata()->add_metadata();
    b.mutable_metadata()->set_metadata(common::TRANSACTIONS_FILTER, std::string(kTxPerBlock, '\0'));
    return ParsedBlock::Parse(b.SerializeAsString());
  }

 private:
  std::string Transaction() {
    kvrwset::KVRWSet kv;
    const int num_keys = 2 + static_cast<int>(rng_() % 2);
    for (int k = 0; k < num_keys; ++k) {
      const int64_t i = static_cast<int64_t>(rng_() % n_);
      kvrwset::KVRead* r = kv.add_reads();
      r->set_key(Key(i));
      r->mutable_version()->set_block_num(i / kPreloadBatch);
      r->mutable_version()->set_tx_num(i % kPreloadBatch);
      kvrwset::KVWrite* w = kv.add_writes();
      w->set_key(Key(i));
      w->set_value(Value(rng_()));
    }
    ::rwset::TxReadWriteSet rws;
    ::rwset::NsReadWriteSet* ns = rws.add_ns_rwset();
    ns->set_namespace_(kNamespace);
    ns->set_rwset(kv.SerializeAsString());

    protos::ChaincodeAction action;
    action.set_results(rws.SerializeAsString());
    action.mutable_response()->set_status(200);
    action.mutable_chaincode_id()->set_name(kNamespace);
    action.mutable_chaincode_id()->set_version("1.0");
    protos::ProposalResponsePayload prp;
    prp.set_proposal_hash(std::string(32, 'h'));
    prp.set_extension(action.SerializeAsString());
    protos::ChaincodeActionPayload cap;
    protos::ChaincodeProposalPayload cpp;
    cpp.set_input(std::string(64, 'i'));
    cap.set_chaincode_proposal_payload(cpp.SerializeAsString());
    cap.mutable_action()->set_proposal_response_payload(prp.SerializeAsString());
    for (const std::string& endorser : endorsers_) {
      protos::Endorsement* e = cap.mutable_action()->add_endorsements();
      e->set_endorser(endorser);
      e->set_signature(std::string(71, 's'));
    }

    const std::string nonce = absl::StrFormat("nonce-%08d-%010d", seed_, nonce_++);
    common::SignatureHeader sh;
    sh.set_creator(creator_);
    sh.set_nonce(nonce);
    protos::Transaction tx;
    protos::TransactionAction* ta = tx.add_actions();
    ta->set_header(sh.SerializeAsString());
    ta->set_payload(cap.SerializeAsString());

    common::ChannelHeader ch;
    ch.set_type(common::ENDORSER_TRANSACTION);
    ch.set_channel_id("mychannel");
    ch.set_tx_id(fabric::wire::ComputeTxId(nonce, creator_));
    ch.mutable_timestamp()->set_seconds(1700000000 + nonce_);
    common::Payload payload;
    payload.mutable_header()->set_channel_header(ch.SerializeAsString());
    payload.mutable_header()->set_signature_header(sh.SerializeAsString());
    payload.set_data(tx.SerializeAsString());
    common::Envelope env;
    env.set_payload(payload.SerializeAsString());
    env.set_signature(std::string(71, 's'));
    return env.SerializeAsString();
  }

  static uint64_t NextSeed() {
    static uint64_t seed = 0;
    return ++seed;
  }

  const int64_t n_;
  const uint64_t seed_;
  std::mt19937_64 rng_;
  uint64_t nonce_ = 0;
  std::string creator_;
  std::string endorsers_[2];
};

#define ASSIGN_OR_SKIP(lhs, rexpr, state)                        \
  auto lhs##_or = (rexpr);                                       \
  if (!lhs##_or.ok()) {                                          \
    (state).SkipWithError(lhs##_or.status().ToString().c_str()); \
    return;                                                      \
  }                                                              \
  auto lhs = *std::move(lhs##_or)

void BM_GetVersion(benchmark::State& state) {
  const int64_t n = state.range(0);
  ASSIGN_OR_SKIP(ledger, Ledger::Get(n), state);
  ASSIGN_OR_SKIP(db, ledger->db(), state);
  (void)db;
  std::mt19937_64 rng(1);
  std::vector<std::string> keys(1 << 16);
  for (std::string& k : keys) k = Key(static_cast<int64_t>(rng() % n));
  size_t i = 0;
  for (auto _ : state) {
    auto v = ledger->state().GetVersion(kNamespace, keys[i++ & (keys.size() - 1)]);
    if (!v.ok() || !v->has_value()) {
      state.SkipWithError("GetVersion failed or key absent");
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  state.counters["reads/s"] = benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}

// Args: N, sync.
void BM_ApplyBlockWrites(benchmark::State& state) {
  const int64_t n = state.range(0);
  const bool sync = state.range(1) != 0;
  ASSIGN_OR_SKIP(ledger, Ledger::Get(n), state);
  ASSIGN_OR_SKIP(db, ledger->db(), state);
  // A few blocks' worth of updates of random existing keys, used in turn.
  std::mt19937_64 rng(2);
  std::vector<BlockUpdates> blocks(16);
  for (size_t b = 0; b < blocks.size(); ++b) {
    fabric::ledger::KeyUpdates& keys = blocks[b].pub[kNamespace];
    while (keys.size() < kWritesPerBlock) {
      Update u;
      u.value = Value(rng());
      u.version = Version{1000000 + b, keys.size()};
      keys.emplace(Key(static_cast<int64_t>(rng() % n)), std::move(u));
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    ledger->state().Apply(blocks[i++ % blocks.size()], &batch);
    absl::Status s = db->Write(&batch, sync);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.counters["writes/s"] =
      benchmark::Counter(state.iterations() * kWritesPerBlock, benchmark::Counter::kIsRate);
}

void BM_PrepareBlockUpdates200(benchmark::State& state) {
  const int64_t n = state.range(0);
  ASSIGN_OR_SKIP(ledger, Ledger::Get(n), state);
  ASSIGN_OR_SKIP(db, ledger->db(), state);
  (void)db;
  BlockMaker maker(n);
  std::vector<Block> blocks;
  for (int b = 0; b < 8; ++b) {
    ASSIGN_OR_SKIP(block, maker.Next(ChainInfo()), state);
    blocks.push_back(block);
  }
  size_t i = 0;
  for (auto _ : state) {
    const ParsedBlock& block = *blocks[i++ % blocks.size()];
    auto updates = fabric::ledger::PrepareBlockUpdates(
        block, block.metadata(common::TRANSACTIONS_FILTER), ledger->state());
    if (!updates.ok()) {
      state.SkipWithError(updates.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(updates);
  }
  state.counters["tx/s"] =
      benchmark::Counter(state.iterations() * kTxPerBlock, benchmark::Counter::kIsRate);
}

// Update preparation plus the durable commit; the block is built untimed.
void BM_CommitBlock200(benchmark::State& state) {
  const int64_t n = state.range(0);
  ASSIGN_OR_SKIP(ledger, Ledger::Get(n), state);
  ASSIGN_OR_SKIP(storage, ledger->storage(), state);
  BlockMaker maker(n);
  for (auto _ : state) {
    state.PauseTiming();
    auto block = maker.Next(storage->chain_info());
    if (!block.ok()) {
      state.SkipWithError(block.status().ToString().c_str());
      break;
    }
    state.ResumeTiming();
    auto updates = fabric::ledger::PrepareBlockUpdates(
        **block, (*block)->metadata(common::TRANSACTIONS_FILTER), storage->state());
    absl::Status s = updates.ok() ? storage->Commit(**block, *updates) : updates.status();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.counters["tx/s"] =
      benchmark::Counter(state.iterations() * kTxPerBlock, benchmark::Counter::kIsRate);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const char* large = std::getenv("FABRIC_BENCH_LARGE");
  const bool with_large = large != nullptr && std::string(large) == "1";
  std::vector<int64_t> sizes = {100000};
  if (with_large) sizes.push_back(10000000);
  std::fprintf(stderr, "ledger_bench: ledger sizes N = 100000%s\n",
               with_large ? ", 10000000" : " (FABRIC_BENCH_LARGE=1 adds 10000000)");
  // Grouped by N, the Db benchmarks before the Storage one: each ledger switches once.
  for (int64_t n : sizes) {
    benchmark::RegisterBenchmark("BM_GetVersion", BM_GetVersion)
        ->ArgName("N")
        ->Arg(n)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_ApplyBlockWrites", BM_ApplyBlockWrites)
        ->ArgNames({"N", "sync"})
        ->Args({n, 0})
        ->Args({n, 1})
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_PrepareBlockUpdates200", BM_PrepareBlockUpdates200)
        ->ArgName("N")
        ->Arg(n)
        ->UseRealTime();
    benchmark::RegisterBenchmark("BM_CommitBlock200", BM_CommitBlock200)
        ->ArgName("N")
        ->Arg(n)
        ->UseRealTime();
  }
  std::error_code ec;
  fs::remove_all(BenchRoot(), ec);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Ledger::CloseAll();
  fs::remove_all(BenchRoot(), ec);
  return 0;
}
