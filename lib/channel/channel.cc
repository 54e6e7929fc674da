#include "lib/channel/channel.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "lib/base/log.h"
#include "lib/base/status_macros.h"
#include "lib/base/thread_pool.h"
#include "lib/chaincode/collections.h"
#include "lib/snapshot/export.h"
#include "lib/snapshot/join.h"
#include "lib/ledger/update_batch.h"
#include "lib/validate/block_validator.h"
#include "lib/validate/block_verifier.h"
#include "lib/validate/mvcc.h"

namespace fabric::channel {
namespace {

// Where the chain stands: the number and previous hash the next block must carry.
struct Tip {
  uint64_t next_number = 0;
  std::string previous_hash;
  bool operator==(const Tip& o) const {
    return next_number == o.next_number && previous_hash == o.previous_hash;
  }
};

// The config the last valid config transaction stored in state, else the genesis
// block's.
absl::StatusOr<std::shared_ptr<const channelconfig::ChannelConfig>> LoadConfig(
    const ledger::Ledger& l) {
  FABRIC_ASSIGN_OR_RETURN(
      std::optional<ledger::VersionedValue> stored,
      l.state().Get(ledger::kChannelConfigNamespace, ledger::kChannelConfigKey));
  if (stored.has_value()) {
    common::ConfigEnvelope env;
    if (!env.ParseFromString(stored->value)) {
      return absl::DataLossError("the stored channel config does not parse");
    }
    return channelconfig::ChannelConfig::FromConfig(env.config(), l.channel_id());
  }
  FABRIC_ASSIGN_OR_RETURN(std::string genesis, l.blocks().BlockByNumber(0));
  FABRIC_ASSIGN_OR_RETURN(auto block, wire::ParsedBlock::Parse(std::move(genesis)));
  return channelconfig::ChannelConfig::FromBlock(*block);
}

}  // namespace

struct Channel::Impl {
  struct Job {
    std::string bytes;
    SubmitOptions options;
    DoneFn done;
  };
  // A job after the work that needs no ledger state.
  struct Staged {
    Job job;
    Tip tip;  // what it was verified against
    std::shared_ptr<const channelconfig::ChannelConfig> config;
    absl::Status error;  // parse or verification failure
    std::optional<validate::PreparedBlock> prepared;
  };
  struct Waiter {
    bool done = false;
    TxResult result;
  };

  Impl(const ChannelOptions& o, std::shared_ptr<ledger::Ledger> l,
       std::shared_ptr<const channelconfig::ChannelConfig> c)
      : options(o), pool(o.threads), ledger(std::move(l)), validator(&pool), config(std::move(c)) {
    worker = std::thread([this] { WorkerLoop(); });
  }
  ~Impl() { Stop(); }

  // Processes what is queued and stops the worker.
  void Stop() {
    if (!worker.joinable()) return;
    {
      absl::MutexLock lock(&mu);
      stopping = true;
    }
    worker.join();
  }

  Tip LedgerTip() const {
    ledger::ChainInfo info = ledger->chain_info();
    return Tip{info.height, info.current_hash};
  }

  std::shared_ptr<const channelconfig::ChannelConfig> CurrentConfig() {
    absl::MutexLock lock(&mu);
    return config;
  }

  Staged Stage(Job job, Tip tip, std::shared_ptr<const channelconfig::ChannelConfig> cfg) {
    Staged s{std::move(job), std::move(tip), std::move(cfg), absl::OkStatus(), std::nullopt};
    std::string bytes = s.job.bytes;  // kept: the job is staged again if the tip moves
    absl::StatusOr<std::shared_ptr<const wire::ParsedBlock>> block;
    if (s.job.options.skip_verification) {
      block = wire::ParsedBlock::Parse(std::move(bytes));
    } else {
      block = validate::ParseAndVerifyBlock(std::move(bytes), *s.config, s.tip.next_number,
                                            s.tip.previous_hash);
    }
    if (!block.ok()) {
      s.error = block.status();
      return s;
    }
    s.job.bytes.clear();  // the parsed block keeps them
    s.prepared = validator.Prepare(*block, s.config);
    return s;
  }

  absl::StatusOr<BlockResult> Finish(Staged s) {
    const Tip tip = LedgerTip();
    std::shared_ptr<const channelconfig::ChannelConfig> cfg = CurrentConfig();
    if (!(s.tip == tip) || s.config != cfg) {
      if (s.prepared.has_value()) s.job.bytes = s.prepared->block->raw();
      s = Stage(std::move(s.job), tip, cfg);
    }
    FABRIC_RETURN_IF_ERROR(s.error);
    const wire::ParsedBlock& block = *s.prepared->block;
    if (s.job.options.skip_verification && block.number() != tip.next_number) {
      return absl::FailedPreconditionError(absl::StrCat(
          "expected block number=", tip.next_number, ", received block number=", block.number()));
    }
    const absl::Time started = absl::Now();
    FABRIC_ASSIGN_OR_RETURN(validate::BlockValidation v, validator.Validate(*s.prepared, *ledger));
    std::string filter = validate::FilterOf(v.verdicts);
    FABRIC_RETURN_IF_ERROR(validate::CheckReadConflicts(
        block, ledger->state(),
        absl::MakeSpan(reinterpret_cast<uint8_t*>(filter.data()), filter.size()), &pool));
    const absl::Time validated = absl::Now();
    const chaincode::PeerCollectionRules collections(ledger->state(), *s.config, options.mspid);
    FABRIC_RETURN_IF_ERROR(ledger->Commit(block, filter, s.job.options.pvt_data, &collections));
    const absl::Time committed = absl::Now();
    metrics.RecordBlock(block, filter, block.number() + 1, committed - started,
                        ledger->last_commit_times().block_storage,
                        ledger->last_commit_times().state);
    if (log::Enabled(log::Level::kInfo)) {
      // As Fabric's peer logs it (kvledger), with our two stages.
      log::Write(log::Level::kInfo, "channel",
                 absl::StrCat(
                     "[", ledger->channel_id(), "] Committed block [", block.number(), "] with ",
                     block.num_transactions(), " transaction(s) in ",
                     absl::ToInt64Milliseconds(committed - started),
                     "ms (state_validation=", absl::ToInt64Milliseconds(validated - started),
                     "ms block_and_state_commit=", absl::ToInt64Milliseconds(committed - validated),
                     "ms)"));
    }

    BlockResult r;
    r.number = block.number();
    r.header_hash = block.header_hash();
    r.config_updated = v.new_config != nullptr;
    r.txs.resize(block.num_transactions());
    for (size_t i = 0; i < r.txs.size(); ++i) {
      const wire::TxView& tx = block.tx(i);
      TxResult& t = r.txs[i];
      t.txid = tx.txid();
      t.validator_code = v.verdicts[i].code;
      t.code = static_cast<protos::TxValidationCode>(static_cast<uint8_t>(filter[i]));
      t.reason = t.code == t.validator_code ? std::move(v.verdicts[i].reason)
                                            : protos::TxValidationCode_Name(t.code);
      if (t.code != protos::VALID || tx.type() != common::ENDORSER_TRANSACTION ||
          tx.actions.empty() || !tx.actions[0].has_event) {
        continue;
      }
      const protos::ChaincodeEvent& e = tx.actions[0].event;
      r.events.push_back(
          {static_cast<uint32_t>(i), t.txid, e.chaincode_id(), e.event_name(), e.payload()});
    }
    Publish(r, v.new_config);
    return r;
  }

  // Installs a new config, wakes the waiters of the block's transactions and calls the
  // subscribers.
  void Publish(const BlockResult& r, std::shared_ptr<const channelconfig::ChannelConfig> next) {
    std::vector<std::function<void(const BlockResult&)>> subs;
    {
      absl::MutexLock lock(&mu);
      if (next != nullptr) config = std::move(next);
      for (const TxResult& t : r.txs) {
        auto it = waiters.find(t.txid);
        if (it == waiters.end()) continue;
        for (Waiter* w : it->second) {
          w->done = true;
          w->result = t;
        }
        waiters.erase(it);
      }
      for (const auto& [id, fn] : subscribers) subs.push_back(fn);
    }
    for (const auto& fn : subs) fn(r);
  }

  // Takes the next job, waiting for one; nullopt when stopping with nothing queued.
  std::optional<Job> Pop(bool wait) {
    absl::MutexLock lock(&mu);
    if (wait) {
      mu.Await(absl::Condition(
          +[](Impl* i)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(i->mu) { return i->stopping || !i->queue.empty(); },
          this));
    }
    if (queue.empty()) return std::nullopt;
    Job j = std::move(queue.front());
    queue.pop_front();
    return j;
  }

  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return in_flight < std::max<size_t>(1, options.max_pending);
  }
  bool Idle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return in_flight == 0; }

  void Done(Job& job, absl::StatusOr<BlockResult> r) {
    if (!r.ok() && log::Enabled(log::Level::kWarn)) {
      log::Write(
          log::Level::kWarn, "channel",
          absl::StrCat("[", ledger->channel_id(), "] Block refused: ", r.status().ToString()));
    }
    if (job.done) job.done(std::move(r));
    absl::MutexLock lock(&mu);
    --in_flight;
  }

  void WorkerLoop() {
    while (std::optional<Job> first = Pop(/*wait=*/true)) {
      Staged current = Stage(*std::move(first), LedgerTip(), CurrentConfig());
      for (;;) {
        // Stage the next block while this one commits, unless this one may change
        // the config or was refused (the next would be staged against a wrong tip).
        std::optional<Job> next = Pop(/*wait=*/false);
        std::future<Staged> staged_next;
        if (next.has_value() && current.error.ok() && !current.prepared->block->IsConfigBlock()) {
          const wire::ParsedBlock& b = *current.prepared->block;
          Tip predicted{b.number() + 1, b.header_hash()};
          staged_next = std::async(std::launch::async, [this, job = std::move(*next), predicted,
                                                        cfg = current.config]() mutable {
            return Stage(std::move(job), std::move(predicted), std::move(cfg));
          });
          next.reset();
        }
        Job job_of_current{{}, current.job.options, current.job.done};
        absl::StatusOr<BlockResult> r = Finish(std::move(current));
        Done(job_of_current, std::move(r));
        if (staged_next.valid()) {
          current = staged_next.get();
        } else if (next.has_value()) {
          current = Stage(*std::move(next), LedgerTip(), CurrentConfig());
        } else {
          break;
        }
      }
    }
  }

  ChannelOptions options;
  ThreadPool pool;
  std::shared_ptr<ledger::Ledger> ledger;
  ChannelMetrics metrics;
  validate::BlockValidator validator;  // used by the worker thread only (Prepare: any thread)

  absl::Mutex mu;
  std::shared_ptr<const channelconfig::ChannelConfig> config ABSL_GUARDED_BY(mu);
  std::deque<Job> queue ABSL_GUARDED_BY(mu);
  size_t in_flight ABSL_GUARDED_BY(mu) = 0;  // queued or being processed
  bool stopping ABSL_GUARDED_BY(mu) = false;
  std::map<int, std::function<void(const BlockResult&)>> subscribers ABSL_GUARDED_BY(mu);
  int next_subscriber ABSL_GUARDED_BY(mu) = 1;
  absl::flat_hash_map<std::string, std::vector<Waiter*>> waiters ABSL_GUARDED_BY(mu);
  // Snapshot writers (RequestSnapshot): the finished ones are joined when another
  // starts, the rest on destruction.
  struct Exporter {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  absl::Mutex exporters_mu;
  std::vector<Exporter> exporters ABSL_GUARDED_BY(exporters_mu);
  std::thread worker;
};

Channel::Channel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Channel::~Channel() {
  if (impl_ == nullptr) return;
  impl_->Stop();
  // Requests for blocks that never came are cancelled when the ledger closes (unless a
  // query still shares it): cancel them now, so that no writer waits on them.
  impl_->ledger->CancelViews();
  std::vector<Impl::Exporter> exporters;
  {
    absl::MutexLock lock(&impl_->exporters_mu);
    exporters.swap(impl_->exporters);
  }
  for (Impl::Exporter& e : exporters) e.thread.join();
}

absl::StatusOr<std::unique_ptr<Channel>> Channel::Create(const std::string& dir,
                                                         std::string genesis_block,
                                                         const ChannelOptions& options) {
  FABRIC_ASSIGN_OR_RETURN(auto genesis, wire::ParsedBlock::Parse(genesis_block));
  FABRIC_ASSIGN_OR_RETURN(auto config, channelconfig::ChannelConfig::FromBlock(*genesis));
  FABRIC_ASSIGN_OR_RETURN(auto l,
                          ledger::Ledger::Create(dir, std::move(genesis_block), options.ledger));
  return std::unique_ptr<Channel>(
      new Channel(std::make_unique<Impl>(options, std::move(l), std::move(config))));
}

absl::StatusOr<std::unique_ptr<Channel>> Channel::Open(const std::string& dir,
                                                       const ChannelOptions& options) {
  FABRIC_ASSIGN_OR_RETURN(auto l, ledger::Ledger::Open(dir, options.ledger));
  FABRIC_ASSIGN_OR_RETURN(auto config, LoadConfig(*l));
  return std::unique_ptr<Channel>(
      new Channel(std::make_unique<Impl>(options, std::move(l), std::move(config))));
}

absl::StatusOr<std::unique_ptr<Channel>> Channel::JoinFromSnapshot(
    const std::string& dir, const std::string& snapshot_dir, const ChannelOptions& options) {
  FABRIC_ASSIGN_OR_RETURN(std::unique_ptr<ledger::Ledger> l,
                          snapshot::JoinFromSnapshot(snapshot_dir, dir, options.ledger));
  std::shared_ptr<ledger::Ledger> shared = std::move(l);
  FABRIC_ASSIGN_OR_RETURN(auto config, LoadConfig(*shared));
  return std::unique_ptr<Channel>(
      new Channel(std::make_unique<Impl>(options, std::move(shared), std::move(config))));
}

absl::Status Channel::RequestSnapshot(uint64_t number, std::string dir, SnapshotDoneFn done) {
  Impl* impl = impl_.get();
  std::shared_ptr<ledger::Ledger> keep = impl->ledger;
  return impl->ledger->ViewAt(
      number, [impl, keep, dir = std::move(dir),
               done = std::move(done)](absl::StatusOr<std::unique_ptr<ledger::LedgerView>> view) {
        if (!view.ok()) {
          done(view.status());
          return;
        }
        // Called under the ledger's commit lock: the files are written elsewhere.
        std::shared_ptr<ledger::LedgerView> v = *std::move(view);
        auto finished = std::make_shared<std::atomic<bool>>(false);
        absl::MutexLock lock(&impl->exporters_mu);
        auto& all = impl->exporters;
        for (auto it = all.begin(); it != all.end();) {
          if (it->done->load()) {
            it->thread.join();  // its function has returned
            it = all.erase(it);
          } else {
            ++it;
          }
        }
        all.push_back(Impl::Exporter{std::thread([keep, v, dir, done, finished] {
                                       done(snapshot::ExportSnapshot(*v, dir));
                                       finished->store(true);
                                     }),
                                     finished});
      });
}

absl::StatusOr<snapshot::SnapshotMetadata> Channel::Snapshot(uint64_t number,
                                                            const std::string& dir) {
  absl::Mutex mu;
  std::optional<absl::StatusOr<snapshot::SnapshotMetadata>> result;
  FABRIC_RETURN_IF_ERROR(RequestSnapshot(number, dir, [&](auto r) {
    absl::MutexLock lock(&mu);
    result = std::move(r);
  }));
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](std::optional<absl::StatusOr<snapshot::SnapshotMetadata>>* r) { return r->has_value(); },
      &result));
  return *std::move(result);
}

void Channel::Enqueue(std::string block, const SubmitOptions& options, DoneFn done) {
  absl::MutexLock lock(&impl_->mu);
  impl_->mu.Await(absl::Condition(impl_.get(), &Impl::HasRoom));
  ++impl_->in_flight;
  impl_->queue.push_back({std::move(block), options, std::move(done)});
}

void Channel::Drain() {
  absl::MutexLock lock(&impl_->mu);
  impl_->mu.Await(absl::Condition(impl_.get(), &Impl::Idle));
}

absl::StatusOr<BlockResult> Channel::Submit(std::string block, const SubmitOptions& options) {
  std::promise<absl::StatusOr<BlockResult>> result;
  std::future<absl::StatusOr<BlockResult>> f = result.get_future();
  Enqueue(std::move(block), options,
          [&result](absl::StatusOr<BlockResult> r) { result.set_value(std::move(r)); });
  return f.get();
}

int Channel::Subscribe(std::function<void(const BlockResult&)> fn) {
  absl::MutexLock lock(&impl_->mu);
  const int id = impl_->next_subscriber++;
  impl_->subscribers[id] = std::move(fn);
  return id;
}

void Channel::Unsubscribe(int id) {
  absl::MutexLock lock(&impl_->mu);
  impl_->subscribers.erase(id);
}

absl::StatusOr<TxResult> Channel::WaitForTransaction(const std::string& txid,
                                                     absl::Duration timeout) {
  Impl::Waiter w;
  absl::MutexLock lock(&impl_->mu);
  // Checked under the lock that Publish takes after each commit, so a block committing
  // now is either seen here or wakes us.
  FABRIC_ASSIGN_OR_RETURN(std::vector<ledger::TxLocation> locs,
                          impl_->ledger->blocks().TxLocations(txid));
  if (!locs.empty()) {
    if (locs.front().in_snapshot) {
      return absl::FailedPreconditionError(
          absl::StrCat("transaction ", txid,
                       " is in the snapshot the ledger was joined from, which does not keep "
                       "its validation code"));
    }
    TxResult r;
    r.txid = txid;
    r.code = r.validator_code = static_cast<protos::TxValidationCode>(locs.front().validation_code);
    return r;
  }
  std::vector<Impl::Waiter*>& list = impl_->waiters[txid];
  list.push_back(&w);
  if (!impl_->mu.AwaitWithTimeout(absl::Condition(&w.done), timeout)) {
    auto it = impl_->waiters.find(txid);
    if (it != impl_->waiters.end()) {
      it->second.erase(std::remove(it->second.begin(), it->second.end(), &w), it->second.end());
      if (it->second.empty()) impl_->waiters.erase(it);
    }
    return absl::DeadlineExceededError(absl::StrCat("transaction ", txid, " not committed within ",
                                                    absl::FormatDuration(timeout)));
  }
  return w.result;
}

const ledger::Ledger& Channel::ledger() const { return *impl_->ledger; }

absl::StatusOr<size_t> Channel::SupplyPrivateData(uint64_t number,
                                                  const ledger::HandedPvtData& data) {
  return impl_->ledger->SupplyPrivateData(number, data);
}
std::shared_ptr<ledger::Ledger> Channel::shared_ledger() const { return impl_->ledger; }
const std::string& Channel::channel_id() const { return impl_->ledger->channel_id(); }

MetricsSnapshot Channel::metrics() const { return impl_->metrics.Read(); }

absl::StatusOr<bool> Channel::HasTransaction(absl::string_view txid) const {
  FABRIC_ASSIGN_OR_RETURN(std::vector<ledger::TxLocation> found,
                          ledger().blocks().TxLocations(txid));
  return !found.empty();
}
std::shared_ptr<const channelconfig::ChannelConfig> Channel::config() const {
  return impl_->CurrentConfig();
}

}  // namespace fabric::channel
