#include "lib/channel/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/wire/proto/common.pb.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::channel {
namespace {

// Fabric's transaction_type label: the header type's name ("CouldNotDetermine" when the
// header does not parse, the number for a type without a name).
std::string TransactionType(const wire::TxView& tx) {
  if (!tx.has_channel_header()) return "CouldNotDetermine";
  const std::string& name = common::HeaderType_Name(tx.type());
  return name.empty() ? absl::StrCat(static_cast<int>(tx.type())) : name;
}

std::string ChaincodeName(const wire::TxView& tx) {
  if (tx.actions.empty()) return "";
  return tx.actions[0].chaincode_action.chaincode_id().name();
}

std::string ValidationCode(uint8_t code) {
  const std::string& name =
      protos::TxValidationCode_Name(static_cast<protos::TxValidationCode>(code));
  return name.empty() ? absl::StrCat(code) : name;
}

// A label value, escaped as the text format requires.
std::string Escape(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Number(double v) { return absl::StrFormat("%.17g", v); }

void Family(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

void HistogramSamples(std::string* out, absl::string_view name, absl::string_view channel,
                      const Histogram& h) {
  const std::string label = absl::StrCat("channel_name=\"", Escape(channel), "\"");
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLedgerTimeBuckets.size(); ++i) {
    cumulative += h.buckets[i];
    absl::StrAppend(out, name, "_bucket{", label, ",le=\"", Number(kLedgerTimeBuckets[i]), "\"} ",
                    cumulative, "\n");
  }
  absl::StrAppend(out, name, "_bucket{", label, ",le=\"+Inf\"} ", h.count, "\n");
  absl::StrAppend(out, name, "_sum{", label, "} ", Number(h.sum), "\n");
  absl::StrAppend(out, name, "_count{", label, "} ", h.count, "\n");
}

}  // namespace

void Histogram::Observe(absl::Duration d) {
  const double seconds = absl::ToDoubleSeconds(d);
  for (size_t i = 0; i < kLedgerTimeBuckets.size(); ++i) {
    if (seconds <= kLedgerTimeBuckets[i]) {
      ++buckets[i];
      break;
    }
  }
  ++count;
  sum += seconds;
}

void ChannelMetrics::RecordBlock(const wire::ParsedBlock& block, absl::string_view filter,
                                 uint64_t height, absl::Duration processing,
                                 absl::Duration block_storage, absl::Duration state) {
  std::vector<std::tuple<std::string, std::string, std::string>> txs;
  txs.reserve(block.num_transactions());
  for (size_t i = 0; i < block.num_transactions() && i < filter.size(); ++i) {
    const wire::TxView& tx = block.tx(i);
    txs.emplace_back(TransactionType(tx), ChaincodeName(tx),
                     ValidationCode(static_cast<uint8_t>(filter[i])));
  }
  absl::MutexLock lock(&mu_);
  m_.height = height;
  m_.block_processing.Observe(processing);
  m_.blockstorage_commit.Observe(block_storage);
  m_.statedb_commit.Observe(state);
  for (auto& key : txs) ++m_.transactions[std::move(key)];
}

MetricsSnapshot ChannelMetrics::Read() const {
  absl::MutexLock lock(&mu_);
  return m_;
}

std::string RenderPrometheus(const std::vector<std::pair<std::string, MetricsSnapshot>>& channels) {
  std::string out;
  Family(&out, "ledger_blockchain_height", "gauge", "Height of the chain in blocks.");
  for (const auto& [channel, m] : channels) {
    absl::StrAppend(&out, "ledger_blockchain_height{channel_name=\"", Escape(channel), "\"} ",
                    m.height, "\n");
  }
  const struct {
    const char* name;
    const char* help;
    Histogram MetricsSnapshot::*field;
  } histograms[] = {
      {"ledger_block_processing_time", "Time taken in seconds for ledger block processing.",
       &MetricsSnapshot::block_processing},
      {"ledger_blockstorage_commit_time",
       "Time taken in seconds for committing block and private data to respective storage.",
       &MetricsSnapshot::blockstorage_commit},
      {"ledger_statedb_commit_time",
       "Time taken in seconds for committing block changes to state db.",
       &MetricsSnapshot::statedb_commit},
  };
  for (const auto& h : histograms) {
    Family(&out, h.name, "histogram", h.help);
    for (const auto& [channel, m] : channels) HistogramSamples(&out, h.name, channel, m.*h.field);
  }
  Family(&out, "ledger_transaction_counts", "counter", "Number of transactions processed.");
  for (const auto& [channel, m] : channels) {
    for (const auto& [key, n] : m.transactions) {
      const auto& [type, chaincode, code] = key;
      absl::StrAppend(&out, "ledger_transaction_counts{channel_name=\"", Escape(channel),
                      "\",transaction_type=\"", Escape(type), "\",chaincode_name=\"",
                      Escape(chaincode), "\",validation_code=\"", Escape(code), "\"} ", n, "\n");
    }
  }
  return out;
}

}  // namespace fabric::channel
