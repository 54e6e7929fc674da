// A channel's metrics, with the names, labels, help texts and buckets of a Fabric peer's
// ledger metrics (core/ledger/kvledger/metrics.go), so that dashboards made for Fabric
// read them unchanged:
//   ledger_blockchain_height{channel_name}                    gauge
//   ledger_block_processing_time{channel_name}                histogram, seconds
//   ledger_blockstorage_commit_time{channel_name}             histogram, seconds
//   ledger_statedb_commit_time{channel_name}                  histogram, seconds
//   ledger_transaction_counts{channel_name, transaction_type, chaincode_name,
//                             validation_code}                counter
// Block processing is validation, MVCC and commit of a block; block storage the block
// file's append and sync; state the database batch (state, history, index).
//
// Thread safety: every method may be called from any thread.
#ifndef FABRIC_LIB_CHANNEL_METRICS_H_
#define FABRIC_LIB_CHANNEL_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lib/wire/block.h"

namespace fabric::channel {

// Fabric's buckets for the ledger's timings, in seconds.
inline constexpr std::array<double, 7> kLedgerTimeBuckets = {0.005, 0.01, 0.015, 0.05, 0.1, 1, 10};

struct Histogram {
  std::array<uint64_t, kLedgerTimeBuckets.size()> buckets{};  // not cumulative
  uint64_t count = 0;
  double sum = 0;
  void Observe(absl::Duration d);
};

struct MetricsSnapshot {
  uint64_t height = 0;
  Histogram block_processing, blockstorage_commit, statedb_commit;
  // (transaction_type, chaincode_name, validation_code) -> count
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t> transactions;
};

class ChannelMetrics {
 public:
  // A committed block, its final codes (one per transaction) and its timings.
  void RecordBlock(const wire::ParsedBlock& block, absl::string_view filter, uint64_t height,
                   absl::Duration processing, absl::Duration block_storage, absl::Duration state);
  MetricsSnapshot Read() const;

 private:
  mutable absl::Mutex mu_;
  MetricsSnapshot m_ ABSL_GUARDED_BY(mu_);
};

// The Prometheus text exposition (format 0.0.4) of the channels' metrics: each family
// once, with its HELP and TYPE, then a sample per channel (and label set).
std::string RenderPrometheus(const std::vector<std::pair<std::string, MetricsSnapshot>>& channels);

}  // namespace fabric::channel

#endif  // FABRIC_LIB_CHANNEL_METRICS_H_
