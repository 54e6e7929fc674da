// Channels (the committing peer, channel::Channel) through the C ABI: create/open,
// submit, block results, callbacks, waiting for transactions, the channel's ledger
// and config.
#include "lib/channel/channel.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "capi/internal.h"

using fabric::capi::Guard;
using fabric::capi::SaveError;
using fabric::capi::View;
using fabric::channel::BlockResult;
using fabric::channel::Channel;

// A BlockResult with the C views of its transactions and events, which point into it.
// Never moved once indexed.
struct fabric_block_result {
  BlockResult owned;  // unused by a view of a result owned elsewhere
  const BlockResult* rep = nullptr;
  std::vector<fabric_tx_result> txs;
  std::vector<fabric_chaincode_event> events;

  explicit fabric_block_result(BlockResult r) : owned(std::move(r)), rep(&owned) { Index(); }
  explicit fabric_block_result(const BlockResult* r) : rep(r) { Index(); }
  fabric_block_result(const fabric_block_result&) = delete;
  fabric_block_result& operator=(const fabric_block_result&) = delete;

 private:
  void Index() {
    txs.reserve(rep->txs.size());
    for (const fabric::channel::TxResult& t : rep->txs) {
      txs.push_back({t.txid.c_str(), static_cast<uint8_t>(t.code),
                     static_cast<uint8_t>(t.validator_code), t.reason.c_str()});
    }
    events.reserve(rep->events.size());
    for (const fabric::channel::ChaincodeEvent& e : rep->events) {
      events.push_back({rep->number, e.tx_index, e.txid.c_str(), e.chaincode_id.c_str(),
                        e.event_name.c_str(), reinterpret_cast<const uint8_t*>(e.payload.data()),
                        e.payload.size()});
    }
  }
};

namespace {

// The host's callbacks on one channel, called from the Channel's one subscription,
// on its worker thread, one block at a time.
class Subscribers {
 public:
  int Add(fabric_commit_cb commit, fabric_chaincode_event_cb event, void* payload) {
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    subs_[id] = Sub{commit, event, payload};
    return id;
  }

  // Returns false for an unknown id. Unless called from a callback, waits for a block
  // being dispatched, so that the callback is not running once it returns.
  bool Remove(int id) {
    absl::MutexLock lock(&mu_);
    if (subs_.erase(id) == 0) return false;
    if (dispatching_ && dispatcher_ != std::this_thread::get_id()) {
      const uint64_t round = rounds_;
      auto round_over = [this, round]()
                            ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return rounds_ != round; };
      mu_.Await(absl::Condition(&round_over));
    }
    return true;
  }

  void Dispatch(const BlockResult& r) {
    std::vector<int> ids;
    {
      absl::MutexLock lock(&mu_);
      if (subs_.empty()) return;
      for (const auto& [id, sub] : subs_) ids.push_back(id);
      dispatching_ = true;
      dispatcher_ = std::this_thread::get_id();
    }
    const fabric_block_result view(&r);
    for (int id : ids) {
      std::optional<Sub> sub = Get(id);
      if (!sub.has_value()) continue;
      if (sub->commit != nullptr) {
        sub->commit(&view, sub->payload);
        continue;
      }
      // Re-checked before each event: a callback may unsubscribe itself.
      for (size_t i = 0; i < view.events.size() && (i == 0 || Get(id).has_value()); ++i) {
        sub->event(&view.events[i], sub->payload);
      }
    }
    absl::MutexLock lock(&mu_);
    dispatching_ = false;
    ++rounds_;
  }

  // Forgets every subscriber. REQUIRES: no block is being dispatched.
  void Clear() {
    absl::MutexLock lock(&mu_);
    subs_.clear();
  }

 private:
  struct Sub {
    fabric_commit_cb commit;
    fabric_chaincode_event_cb event;
    void* payload;
  };

  std::optional<Sub> Get(int id) {
    absl::MutexLock lock(&mu_);
    auto it = subs_.find(id);
    if (it == subs_.end()) return std::nullopt;
    return it->second;
  }

  absl::Mutex mu_;
  std::map<int, Sub> subs_ ABSL_GUARDED_BY(mu_);
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool dispatching_ ABSL_GUARDED_BY(mu_) = false;
  std::thread::id dispatcher_ ABSL_GUARDED_BY(mu_);
  uint64_t rounds_ ABSL_GUARDED_BY(mu_) = 0;  // dispatches finished
};

}  // namespace

// The host's handle. Endorsers share the Channel (fabric::capi::SharedChannelOf), so that
// the two may be freed in any order: freeing the handle waits for queued blocks and
// forgets the host's callbacks, and the Channel closes when its last user lets go.
struct fabric_channel {
  std::shared_ptr<Subscribers> subscribers = std::make_shared<Subscribers>();
  std::shared_ptr<Channel> rep;

  ~fabric_channel() {
    if (rep == nullptr) return;
    rep->Drain();
    subscribers->Clear();
  }
};

namespace fabric::capi {

std::shared_ptr<const channel::Channel> SharedChannelOf(const fabric_channel& channel) {
  return channel.rep;
}

}  // namespace fabric::capi

namespace {

int InvalidNull(absl::string_view what, fabric_error** err) {
  return SaveError(FABRIC_EINVAL, std::string(what) + " is NULL", err);
}

int ReadOptions(const fabric_channel_options* o, fabric::channel::ChannelOptions* out,
                fabric_error** err) {
  if (o == nullptr) return FABRIC_OK;
  if (o->version == 0 || o->version > FABRIC_CHANNEL_OPTIONS_VERSION) {
    return SaveError(FABRIC_EINVAL,
                     "unknown fabric_channel_options version " + std::to_string(o->version), err);
  }
  out->threads = o->threads;
  out->max_pending = o->max_pending;
  if (o->version >= 2 && o->mspid != nullptr) out->mspid = o->mspid;
  return FABRIC_OK;
}

// Wraps a new Channel into a channel handle in *out.
int WrapChannel(absl::StatusOr<std::unique_ptr<Channel>> c, fabric_channel** out,
                fabric_error** err) {
  if (!c.ok()) return SaveError(c.status(), err);
  auto h = std::make_unique<fabric_channel>();
  h->rep = *std::move(c);
  h->rep->Subscribe([subs = h->subscribers](const BlockResult& r) { subs->Dispatch(r); });
  *out = h.release();
  return FABRIC_OK;
}

int ChannelCreate(fabric_channel** out, const char* dir, const uint8_t* genesis, size_t genesis_len,
                  const fabric_channel_options* options, fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  *out = nullptr;
  if (dir == nullptr) return InvalidNull("dir", err);
  if (genesis == nullptr && genesis_len != 0) {
    return SaveError(FABRIC_EINVAL, "genesis is NULL but genesis_len is not 0", err);
  }
  fabric::channel::ChannelOptions o;
  if (int rc = ReadOptions(options, &o, err); rc != FABRIC_OK) return rc;
  return WrapChannel(Channel::Create(dir, std::string(View(genesis, genesis_len)), o), out, err);
}

int ChannelJoin(fabric_channel** out, const char* dir, const char* snapshot_dir,
                const fabric_channel_options* options, fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  *out = nullptr;
  if (dir == nullptr || snapshot_dir == nullptr) return InvalidNull("dir or snapshot_dir", err);
  fabric::channel::ChannelOptions o;
  if (int rc = ReadOptions(options, &o, err); rc != FABRIC_OK) return rc;
  return WrapChannel(Channel::JoinFromSnapshot(dir, snapshot_dir, o), out, err);
}

int ChannelSnapshot(fabric_snapshot_info* info_out, fabric_channel* channel, uint64_t block_number,
                    const char* dir, fabric_error** err) {
  if (channel == nullptr || dir == nullptr) return InvalidNull("channel or dir", err);
  if (info_out != nullptr) {
    if (int rc = fabric::capi::CheckStructVersion(info_out->version, FABRIC_SNAPSHOT_INFO_VERSION,
                                                  "fabric_snapshot_info", err);
        rc != FABRIC_OK) {
      return rc;
    }
  }
  static_assert(FABRIC_SNAPSHOT_LAST_BLOCK == fabric::ledger::Ledger::kLastBlock,
                "the C and C++ names of the last block agree");
  auto m = channel->rep->Snapshot(block_number, dir);
  if (absl::IsCancelled(m.status())) {
    return SaveError(FABRIC_ECONFLICT, m.status().message(), err);  // the channel closed
  }
  if (!m.ok()) return SaveError(m.status(), err);
  return fabric::capi::FillSnapshotInfo(*m, info_out, err);
}

int ChannelOpen(fabric_channel** out, const char* dir, const fabric_channel_options* options,
                fabric_error** err) {
  if (out == nullptr) return InvalidNull("out", err);
  *out = nullptr;
  if (dir == nullptr) return InvalidNull("dir", err);
  fabric::channel::ChannelOptions o;
  if (int rc = ReadOptions(options, &o, err); rc != FABRIC_OK) return rc;
  return WrapChannel(Channel::Open(dir, o), out, err);
}

// Copies the private data records; FABRIC_EINVAL for a NULL or a transaction given twice.
int CopyPrivateData(const fabric_tx_private_data* pvt, size_t num,
                    fabric::ledger::HandedPvtData* out, fabric_error** err) {
  if (pvt == nullptr && num != 0) {
    return SaveError(FABRIC_EINVAL, "private_data is NULL but num is not 0", err);
  }
  for (size_t i = 0; i < num; ++i) {
    if (pvt[i].data == nullptr && pvt[i].data_len != 0) {
      return SaveError(FABRIC_EINVAL, "private data " + std::to_string(i) + " is NULL", err);
    }
    if (!out->emplace(pvt[i].tx_index, std::string(View(pvt[i].data, pvt[i].data_len))).second) {
      return SaveError(
          FABRIC_EINVAL,
          "private data of transaction " + std::to_string(pvt[i].tx_index) + " given twice", err);
    }
  }
  return FABRIC_OK;
}

// The arguments both submit functions take: the block, its private data and the flags,
// checked and turned into SubmitOptions (the private data copied).
int ReadSubmitArgs(const uint8_t* block, size_t block_len, const fabric_tx_private_data* pvt,
                   size_t num_pvt, unsigned int flags, fabric::channel::SubmitOptions* options,
                   fabric_error** err) {
  if (block == nullptr && block_len != 0) {
    return SaveError(FABRIC_EINVAL, "block is NULL but block_len is not 0", err);
  }
  if ((flags & ~FABRIC_SUBMIT_SKIP_VERIFICATION) != 0) {
    return SaveError(FABRIC_EINVAL, "unknown flags " + std::to_string(flags), err);
  }
  options->skip_verification = (flags & FABRIC_SUBMIT_SKIP_VERIFICATION) != 0;
  return CopyPrivateData(pvt, num_pvt, &options->pvt_data, err);
}

int Submit(fabric_block_result** out, fabric_channel* ch, const uint8_t* block, size_t block_len,
           const fabric_tx_private_data* pvt, size_t num_pvt, unsigned int flags,
           fabric_error** err) {
  if (out != nullptr) *out = nullptr;
  if (ch == nullptr) return InvalidNull("channel", err);
  fabric::channel::SubmitOptions options;
  if (int rc = ReadSubmitArgs(block, block_len, pvt, num_pvt, flags, &options, err);
      rc != FABRIC_OK) {
    return rc;
  }
  absl::StatusOr<BlockResult> r = ch->rep->Submit(std::string(View(block, block_len)), options);
  if (!r.ok()) return SaveError(r.status(), err);
  if (out != nullptr) *out = new fabric_block_result(*std::move(r));
  return FABRIC_OK;
}

int SubmitAsync(fabric_channel* ch, const uint8_t* block, size_t block_len,
                const fabric_tx_private_data* pvt, size_t num_pvt, unsigned int flags,
                fabric_submit_cb cb, void* payload, fabric_error** err) {
  if (ch == nullptr || cb == nullptr) return InvalidNull("channel or cb", err);
  fabric::channel::SubmitOptions options;
  if (int rc = ReadSubmitArgs(block, block_len, pvt, num_pvt, flags, &options, err);
      rc != FABRIC_OK) {
    return rc;
  }
  ch->rep->Enqueue(std::string(View(block, block_len)), options,
                   [cb, payload](absl::StatusOr<BlockResult> r) {
                     if (r.ok()) {
                       const fabric_block_result view(&*r);
                       cb(FABRIC_OK, &view, nullptr, payload);
                     } else {
                       const std::string message(r.status().message());
                       cb(fabric::capi::CodeOf(r.status()), nullptr, message.c_str(), payload);
                     }
                   });
  return FABRIC_OK;
}

int Subscribe(int* id_out, fabric_channel* ch, fabric_commit_cb commit,
              fabric_chaincode_event_cb event, void* payload, fabric_error** err) {
  if (id_out == nullptr || ch == nullptr || (commit == nullptr && event == nullptr)) {
    return InvalidNull("id_out, channel or cb", err);
  }
  *id_out = ch->subscribers->Add(commit, event, payload);
  return FABRIC_OK;
}

int WaitTx(uint8_t* code_out, fabric_channel* ch, const char* txid, uint64_t timeout_ms,
           fabric_error** err) {
  if (code_out == nullptr || ch == nullptr || txid == nullptr) {
    return InvalidNull("code_out, channel or txid", err);
  }
  // Beyond ~146 million years: forever.
  const absl::Duration timeout = timeout_ms >= (uint64_t{1} << 62)
                                     ? absl::InfiniteDuration()
                                     : absl::Milliseconds(static_cast<int64_t>(timeout_ms));
  absl::StatusOr<fabric::channel::TxResult> r = ch->rep->WaitForTransaction(txid, timeout);
  if (!r.ok()) return SaveError(r.status(), err);
  *code_out = static_cast<uint8_t>(r->code);
  return FABRIC_OK;
}

}  // namespace

extern "C" {

int fabric_channel_options_init(fabric_channel_options* opts, unsigned int version) {
  if (opts == nullptr || version == 0 || version > FABRIC_CHANNEL_OPTIONS_VERSION) {
    return FABRIC_EINVAL;
  }
  // Only the fields of the version the host knows: its struct may be shorter.
  const fabric_channel_options current = FABRIC_CHANNEL_OPTIONS_INIT;
  opts->version = version;
  opts->threads = current.threads;
  opts->max_pending = current.max_pending;
  if (version >= 2) opts->mspid = current.mspid;
  return FABRIC_OK;
}

int fabric_channel_create(fabric_channel** out, const char* dir, const uint8_t* genesis,
                          size_t genesis_len, const fabric_channel_options* options,
                          fabric_error** err) {
  return Guard(err, [&] { return ChannelCreate(out, dir, genesis, genesis_len, options, err); });
}

int fabric_channel_open(fabric_channel** out, const char* dir,
                        const fabric_channel_options* options, fabric_error** err) {
  return Guard(err, [&] { return ChannelOpen(out, dir, options, err); });
}

int fabric_channel_join_snapshot(fabric_channel** out, const char* dir, const char* snapshot_dir,
                                 const fabric_channel_options* options, fabric_error** err) {
  return Guard(err, [&] { return ChannelJoin(out, dir, snapshot_dir, options, err); });
}

int fabric_channel_snapshot(fabric_snapshot_info* info_out, fabric_channel* channel,
                            uint64_t block_number, const char* dir, fabric_error** err) {
  return Guard(err, [&] { return ChannelSnapshot(info_out, channel, block_number, dir, err); });
}

int fabric_channel_submit_async(fabric_channel* channel, const uint8_t* block, size_t block_len,
                                const fabric_tx_private_data* private_data,
                                size_t num_private_data, unsigned int flags, fabric_submit_cb cb,
                                void* payload, fabric_error** err) {
  return Guard(err, [&] {
    return SubmitAsync(channel, block, block_len, private_data, num_private_data, flags, cb,
                       payload, err);
  });
}

int fabric_channel_drain(fabric_channel* channel, fabric_error** err) {
  return Guard(err, [&] {
    if (channel == nullptr) return InvalidNull("channel", err);
    channel->rep->Drain();
    return static_cast<int>(FABRIC_OK);
  });
}

void fabric_channel_free(fabric_channel* channel) { delete channel; }

const char* fabric_channel_id(const fabric_channel* channel) {
  return channel == nullptr ? nullptr : channel->rep->channel_id().c_str();
}

int fabric_channel_current_config(fabric_channel_config** out, const fabric_channel* channel,
                                  fabric_error** err) {
  return Guard(err, [&] {
    if (out == nullptr || channel == nullptr) return InvalidNull("out or channel", err);
    auto c = std::make_unique<fabric_channel_config>();
    c->rep = channel->rep->config();
    *out = c.release();
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_channel_ledger(fabric_ledger** out, const fabric_channel* channel, fabric_error** err) {
  return Guard(err, [&] {
    if (out == nullptr || channel == nullptr) return InvalidNull("out or channel", err);
    auto l = std::make_unique<fabric_ledger>();
    l->rep = channel->rep->shared_ledger();
    l->channel_owned = true;
    *out = l.release();
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_channel_submit(fabric_block_result** out, fabric_channel* channel, const uint8_t* block,
                          size_t block_len, unsigned int flags, fabric_error** err) {
  return Guard(err, [&] { return Submit(out, channel, block, block_len, nullptr, 0, flags, err); });
}

int fabric_channel_supply_private_data(size_t* stored_out, fabric_channel* channel, uint64_t block,
                                       const fabric_tx_private_data* private_data, size_t num,
                                       fabric_error** err) {
  return Guard(err, [&] {
    if (stored_out != nullptr) *stored_out = 0;
    if (channel == nullptr) return InvalidNull("channel", err);
    fabric::ledger::HandedPvtData data;
    if (int rc = CopyPrivateData(private_data, num, &data, err); rc != FABRIC_OK) return rc;
    absl::StatusOr<size_t> stored = channel->rep->SupplyPrivateData(block, data);
    if (!stored.ok()) return SaveError(stored.status(), err);
    if (stored_out != nullptr) *stored_out = *stored;
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_channel_submit_with_private_data(fabric_block_result** out, fabric_channel* channel,
                                            const uint8_t* block, size_t block_len,
                                            const fabric_tx_private_data* private_data, size_t num,
                                            unsigned int flags, fabric_error** err) {
  return Guard(
      err, [&] { return Submit(out, channel, block, block_len, private_data, num, flags, err); });
}

void fabric_block_result_free(fabric_block_result* result) { delete result; }

uint64_t fabric_block_result_number(const fabric_block_result* result) {
  return result == nullptr ? 0 : result->rep->number;
}

void fabric_block_result_header_hash(const fabric_block_result* result,
                                     uint8_t out[FABRIC_HASH_SIZE]) {
  std::memset(out, 0, FABRIC_HASH_SIZE);
  if (result == nullptr) return;
  const std::string& h = result->rep->header_hash;
  std::memcpy(out, h.data(), std::min<size_t>(h.size(), FABRIC_HASH_SIZE));
}

int fabric_block_result_config_updated(const fabric_block_result* result) {
  return result != nullptr && result->rep->config_updated ? 1 : 0;
}

size_t fabric_block_result_tx_count(const fabric_block_result* result) {
  return result == nullptr ? 0 : result->txs.size();
}

const fabric_tx_result* fabric_block_result_tx(const fabric_block_result* result, size_t index) {
  if (result == nullptr || index >= result->txs.size()) return nullptr;
  return &result->txs[index];
}

size_t fabric_block_result_event_count(const fabric_block_result* result) {
  return result == nullptr ? 0 : result->events.size();
}

const fabric_chaincode_event* fabric_block_result_event(const fabric_block_result* result,
                                                        size_t index) {
  if (result == nullptr || index >= result->events.size()) return nullptr;
  return &result->events[index];
}

int fabric_channel_subscribe_commits(int* id_out, fabric_channel* channel, fabric_commit_cb cb,
                                     void* payload, fabric_error** err) {
  return Guard(err, [&] { return Subscribe(id_out, channel, cb, nullptr, payload, err); });
}

int fabric_channel_subscribe_events(int* id_out, fabric_channel* channel,
                                    fabric_chaincode_event_cb cb, void* payload,
                                    fabric_error** err) {
  return Guard(err, [&] { return Subscribe(id_out, channel, nullptr, cb, payload, err); });
}

int fabric_channel_unsubscribe(fabric_channel* channel, int id, fabric_error** err) {
  return Guard(err, [&] {
    if (channel == nullptr) return InvalidNull("channel", err);
    if (!channel->subscribers->Remove(id)) {
      return SaveError(FABRIC_ENOTFOUND, "no subscription " + std::to_string(id), err);
    }
    return static_cast<int>(FABRIC_OK);
  });
}

int fabric_channel_wait_tx(uint8_t* code_out, fabric_channel* channel, const char* txid,
                           uint64_t timeout_ms, fabric_error** err) {
  return Guard(err, [&] { return WaitTx(code_out, channel, txid, timeout_ms, err); });
}

int fabric_metrics_prometheus(fabric_buf* out, const fabric_channel* const* channels,
                              size_t num_channels, fabric_error** err) {
  return Guard(err, [&] {
    if (out == nullptr) return InvalidNull("out", err);
    if (channels == nullptr && num_channels != 0) return InvalidNull("channels", err);
    std::vector<std::pair<std::string, fabric::channel::MetricsSnapshot>> snapshots;
    for (size_t i = 0; i < num_channels; ++i) {
      if (channels[i] == nullptr) return InvalidNull("a channel", err);
      snapshots.emplace_back(channels[i]->rep->channel_id(), channels[i]->rep->metrics());
    }
    return fabric::capi::FillBuf(fabric::channel::RenderPrometheus(snapshots), out, err);
  });
}

}  // extern "C"
