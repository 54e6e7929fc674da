#include "lib/validate/mvcc.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/rwset/range_query.h"
#include "lib/rwset/write_ops.h"
#include "lib/wire/proto/transaction.pb.h"

namespace fabric::validate {
namespace {

using ledger::Version;
using protos::TxValidationCode;

// ---- The block's writes so far (Fabric's update batch, without values) ----

struct Written {
  bool is_delete = false;
  Version version;
};

// Keys are views into the parsed block, which outlives the check.
using KeyMap = absl::flat_hash_map<absl::string_view, Written>;

class BlockWrites {
 public:
  const KeyMap* Namespace(absl::string_view ns) const {
    auto it = pub_.find(ns);
    return it == pub_.end() ? nullptr : &it->second;
  }
  const Written* Find(absl::string_view ns, absl::string_view key) const {
    return FindIn(Namespace(ns), key);
  }
  const Written* FindHashed(absl::string_view ns, absl::string_view coll,
                            absl::string_view key_hash) const {
    auto it = hashed_.find(std::make_pair(ns, coll));
    return FindIn(it == hashed_.end() ? nullptr : &it->second, key_hash);
  }

  KeyMap& Keys(absl::string_view ns, absl::string_view coll) {
    return coll.empty() ? pub_[ns] : hashed_[std::make_pair(ns, coll)];
  }

 private:
  static const Written* FindIn(const KeyMap* keys, absl::string_view key) {
    if (keys == nullptr) return nullptr;
    auto it = keys->find(key);
    return it == keys->end() ? nullptr : &it->second;
  }

  absl::flat_hash_map<absl::string_view, KeyMap> pub_;
  absl::flat_hash_map<std::pair<absl::string_view, absl::string_view>, KeyMap> hashed_;
};

// (namespace, collection or "", key or key hash) -> the flags the transaction added
// (rwset/write_ops.h).
using OpKey = std::tuple<absl::string_view, absl::string_view, absl::string_view>;
using TxOps = absl::flat_hash_map<OpKey, uint8_t>;

void CollectOps(const wire::ActionView& action, TxOps* ops) {
  rwset::ForEachWrite(
      action,
      [ops](const std::string& ns, const std::string& coll, const std::string& key, bool is_delete,
            const std::string&) {
        (*ops)[OpKey(ns, coll, key)] += is_delete ? rwset::kDelete : rwset::kUpsert;
      },
      [ops](const std::string& ns, const std::string& coll, const std::string& key,
            const rwset::MetadataEntries& entries) {
        (*ops)[OpKey(ns, coll, key)] += rwset::MetadataFlag(entries);
      });
}

// ---- Range queries ----

// The results of a range query over committed state overlaid with the block's writes
// (Fabric's combinedIterator): keys in [start, end) in byte order, a write replacing the
// committed entry and a delete hiding it; then `end` itself if `include_end`.
class MergedRange {
 public:
  MergedRange(const ledger::StateDb& state, const KeyMap* written, absl::string_view ns,
              absl::string_view start, absl::string_view end, bool include_end)
      : state_(state), ns_(ns), start_(start), end_(end), include_end_(include_end) {
    if (written != nullptr) {
      if (auto it = written->find(end); it != written->end()) end_written_ = &it->second;
      for (const auto& [key, w] : *written) {
        if (key >= start && (end.empty() || key < end)) written_.emplace_back(key, w);
      }
      std::sort(written_.begin(), written_.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
  }

  // The next result; false at the end. `*key` stays valid until the next call.
  absl::StatusOr<bool> Next(absl::string_view* key, Version* version) {
    for (;;) {
      FABRIC_RETURN_IF_ERROR(Refill());
      const ledger::KeyValue* c = ci_ < page_.kvs.size() ? &page_.kvs[ci_] : nullptr;
      const std::pair<absl::string_view, Written>* w =
          wi_ < written_.size() ? &written_[wi_] : nullptr;
      if (c == nullptr && w == nullptr) return ServeEnd(key, version);
      if (w == nullptr || (c != nullptr && c->key < w->first)) {
        ++ci_;
        *key = c->key;
        *version = c->value.version;
        return true;
      }
      if (c != nullptr && c->key == w->first) ++ci_;
      ++wi_;
      if (w->second.is_delete) continue;
      *key = w->first;
      *version = w->second.version;
      return true;
    }
  }

 private:
  static constexpr size_t kFirstPage = 64;
  static constexpr size_t kMaxPage = 4096;

  // Fetches the next page of committed entries once the current one is used up.
  absl::Status Refill() {
    if (ci_ < page_.kvs.size() || committed_done_) return absl::OkStatus();
    if (fetched_ && page_.bookmark.empty()) {
      committed_done_ = true;
      return absl::OkStatus();
    }
    std::string from = fetched_ ? std::move(page_.bookmark) : std::string(start_);
    FABRIC_ASSIGN_OR_RETURN(page_, state_.Range(ns_, from, end_, page_size_));
    fetched_ = true;
    ci_ = 0;
    page_size_ = std::min(page_size_ * 2, kMaxPage);
    if (page_.kvs.empty()) committed_done_ = true;
    return absl::OkStatus();
  }

  // Fabric's serveEndKeyIfNeeded: the end key, once, if asked for and present.
  absl::StatusOr<bool> ServeEnd(absl::string_view* key, Version* version) {
    if (!include_end_ || end_served_) return false;
    end_served_ = true;
    if (end_written_ != nullptr) {
      if (end_written_->is_delete) return false;
      *key = end_;
      *version = end_written_->version;
      return true;
    }
    FABRIC_ASSIGN_OR_RETURN(std::optional<Version> v, state_.GetVersion(ns_, end_));
    if (!v.has_value()) return false;
    *key = end_;
    *version = *v;
    return true;
  }

  const ledger::StateDb& state_;
  const absl::string_view ns_, start_, end_;
  const bool include_end_;
  std::vector<std::pair<absl::string_view, Written>> written_;  // in range, sorted
  const Written* end_written_ = nullptr;                        // the block's write of end
  size_t wi_ = 0;
  ledger::RangeResult page_;
  size_t ci_ = 0;
  size_t page_size_ = kFirstPage;
  bool fetched_ = false;
  bool committed_done_ = false;
  bool end_served_ = false;
};

// Fabric's rangeQueryResultsValidator: the same keys at the same versions, no more.
absl::StatusOr<bool> RawReadsHold(
    MergedRange* range, const google::protobuf::RepeatedPtrField<kvrwset::KVRead>& reads) {
  absl::string_view key;
  Version version;
  for (const kvrwset::KVRead& r : reads) {
    FABRIC_ASSIGN_OR_RETURN(bool more, range->Next(&key, &version));
    // A recorded result without a version cannot match (Fabric dereferences nil).
    if (!more || key != r.key() || !r.has_version() || r.version().block_num() != version.block ||
        r.version().tx_num() != version.tx) {
      return false;
    }
  }
  FABRIC_ASSIGN_OR_RETURN(bool extra, range->Next(&key, &version));
  return !extra;
}

// Fabric's rangeQueryHashValidator: the summary rebuilt over the results equals the
// recorded one. (Fabric compares as it goes and stops at the first difference; the
// verdict is the same.)
absl::StatusOr<bool> MerkleSummaryHolds(MergedRange* range,
                                        const kvrwset::QueryReadsMerkleSummary& recorded) {
  if (recorded.max_degree() < 2) return false;
  rwset::RangeQueryResultsHelper helper(recorded.max_degree());
  absl::string_view key;
  Version version;
  for (;;) {
    FABRIC_ASSIGN_OR_RETURN(bool more, range->Next(&key, &version));
    if (!more) break;
    helper.Add(key, version);
  }
  rwset::RangeQueryResultsHelper::Result rebuilt = helper.Done();
  return rebuilt.summary.has_value() && rwset::MerkleSummariesEqual(*rebuilt.summary, recorded);
}

absl::StatusOr<bool> RangeQueryHolds(const ledger::StateDb& state, const BlockWrites& writes,
                                     absl::string_view ns, const kvrwset::RangeQueryInfo& rq) {
  // An iterator the chaincode did not exhaust recorded the last key it returned as
  // end_key, so that key belongs to the results.
  MergedRange range(state, writes.Namespace(ns), ns, rq.start_key(), rq.end_key(),
                    !rq.itr_exhausted());
  if (rq.has_reads_merkle_hashes()) return MerkleSummaryHolds(&range, rq.reads_merkle_hashes());
  return RawReadsHold(&range, rq.raw_reads().kv_reads());
}

template <typename Read>
bool SameVersion(const std::optional<Version>& committed, const Read& read) {
  if (!committed.has_value()) return !read.has_version();
  return read.has_version() && read.version().block_num() == committed->block &&
         read.version().tx_num() == committed->tx;
}

// Fabric's validateTx: VALID, MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT.
// `prefetched`, if not null, holds the committed versions of the action's plain reads,
// in order (PrefetchVersions).
absl::StatusOr<TxValidationCode> CheckAction(const wire::ActionView& action,
                                             const ledger::StateDb& state,
                                             const BlockWrites& writes,
                                             const std::vector<std::optional<Version>>* prefetched) {
  size_t read_index = 0;
  for (const wire::NamespaceView& ns : action.namespaces) {
    for (const kvrwset::KVRead& r : ns.kv.reads()) {
      const size_t at = read_index++;
      if (writes.Find(ns.name, r.key()) != nullptr) return protos::MVCC_READ_CONFLICT;
      std::optional<Version> v;
      if (prefetched != nullptr) {
        v = (*prefetched)[at];
      } else {
        FABRIC_ASSIGN_OR_RETURN(v, state.GetVersion(ns.name, r.key()));
      }
      if (!SameVersion(v, r)) return protos::MVCC_READ_CONFLICT;
    }
    for (const kvrwset::RangeQueryInfo& rq : ns.kv.range_queries_info()) {
      FABRIC_ASSIGN_OR_RETURN(bool holds, RangeQueryHolds(state, writes, ns.name, rq));
      if (!holds) return protos::PHANTOM_READ_CONFLICT;
    }
    for (const wire::CollectionView& c : ns.collections) {
      for (const kvrwset::KVReadHash& r : c.hashed.hashed_reads()) {
        if (writes.FindHashed(ns.name, c.name, r.key_hash()) != nullptr) {
          return protos::MVCC_READ_CONFLICT;
        }
        FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> v,
                                state.GetHashed(ns.name, c.name, r.key_hash()));
        std::optional<Version> committed;
        if (v.has_value()) committed = v->version;
        if (!SameVersion(committed, r)) return protos::MVCC_READ_CONFLICT;
      }
    }
  }
  return protos::VALID;
}

// Fabric's preprocessing of a VALID endorser transaction: NIL_TXACTION when
// GetActionFromEnvelope finds no ChaincodeAction in the first action, INVALID_OTHER_REASON
// when its TxReadWriteSet does not parse, else VALID (the set is then in
// tx.actions[0].namespaces). The action's signature header, proposal payload and event
// play no part.
TxValidationCode ReadableRwset(const wire::TxView& tx) {
  if (tx.defect == wire::TxDefect::kTransaction || tx.actions.empty()) {
    return protos::NIL_TXACTION;
  }
  using D = wire::ActionDefect;
  const wire::ActionView& a = tx.actions[0];
  if (a.Failed(D::kActionPayload) || a.Failed(D::kMissingEndorsedAction) ||
      a.Failed(D::kResponsePayload) || a.Failed(D::kChaincodeAction) ||
      // Fabric treats empty bytes at these two levels as missing.
      a.payload.action().proposal_response_payload().empty() ||
      a.response_payload.extension().empty()) {
    return protos::NIL_TXACTION;
  }
  if (a.Failed(D::kReadWriteSet) || a.Failed(D::kNamespaceReadWriteSet) ||
      a.Failed(D::kCollectionHashedSet)) {
    return protos::INVALID_OTHER_REASON;
  }
  return protos::VALID;
}

// Makes a VALID transaction's writes visible to later ones (Fabric's prepareTxOps and
// applyWriteSet, without values).
absl::Status ApplyOps(const TxOps& ops, const Version& version, const ledger::StateDb& state,
                      BlockWrites* writes) {
  for (const auto& [k, flags] : ops) {
    const auto& [ns, coll, key] = k;
    KeyMap& keys = writes->Keys(ns, coll);
    Written w{false, version};
    switch (rwset::OutcomeOf(flags)) {
      case rwset::KeyOutcome::kDelete:
        w.is_delete = true;
        break;
      case rwset::KeyOutcome::kValueAndMetadata:
      case rwset::KeyOutcome::kValueKeepMetadata:
        break;  // a value is written
      case rwset::KeyOutcome::kMetadataOnly:
        if (auto it = keys.find(key); it != keys.end()) {
          // On a key the block already changed: a deleted key stays deleted.
          w.is_delete = it->second.is_delete;
          break;
        }
        // Nothing is written when the key has no committed value.
        bool exists;
        if (coll.empty()) {
          FABRIC_ASSIGN_OR_RETURN(std::optional<Version> v, state.GetVersion(ns, key));
          exists = v.has_value();
        } else {
          FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> v,
                                  state.GetHashed(ns, coll, key));
          exists = v.has_value();
        }
        if (!exists) continue;
        break;
    }
    keys[key] = w;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckReadConflicts(const wire::ParsedBlock& block, const ledger::StateDb& state,
                                absl::Span<uint8_t> codes, ThreadPool* pool) {
  if (codes.size() != block.num_transactions()) {
    return absl::InvalidArgumentError(absl::StrCat("block ", block.number(), ": ", codes.size(),
                                                   " codes for ", block.num_transactions(),
                                                   " transactions"));
  }
  // The committed versions of every plain read, fetched in parallel: the committed
  // state does not change while the block is checked, so each read's version is the
  // same whenever it is fetched. A transaction whose fetch met an error is checked the
  // sequential way instead, which meets that error only if it gets to that read.
  std::vector<std::vector<std::optional<Version>>> prefetched;
  std::vector<char> prefetch_failed;
  if (pool != nullptr) {
    prefetched.resize(codes.size());
    prefetch_failed.resize(codes.size(), 0);
    pool->ParallelFor(codes.size(), [&](size_t i) {
      const wire::TxView& tx = block.tx(i);
      if (codes[i] != protos::VALID || !tx.has_channel_header() ||
          tx.type() != common::ENDORSER_TRANSACTION || ReadableRwset(tx) != protos::VALID) {
        return;
      }
      for (const wire::NamespaceView& ns : tx.actions[0].namespaces) {
        for (const kvrwset::KVRead& r : ns.kv.reads()) {
          absl::StatusOr<std::optional<Version>> v = state.GetVersion(ns.name, r.key());
          if (!v.ok()) {
            prefetch_failed[i] = 1;
            return;
          }
          prefetched[i].push_back(*v);
        }
      }
    });
  }
  BlockWrites writes;
  TxOps ops;
  for (size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] != protos::VALID) continue;
    const wire::TxView& tx = block.tx(i);
    const Version version{block.number(), i};
    const bool endorser = tx.has_channel_header() && tx.type() == common::ENDORSER_TRANSACTION;
    if (!tx.has_channel_header() || (endorser && !tx.has_headers())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "block ", block.number(), ", tx ", i, " is VALID but malformed: ", tx.error.message()));
    }
    if (tx.type() == common::CONFIG) {
      writes.Keys(ledger::kChannelConfigNamespace, "")[ledger::kChannelConfigKey] =
          Written{tx.payload.data().empty(), version};
      continue;
    }
    if (!endorser) continue;  // no other type reads or writes state
    if (TxValidationCode readable = ReadableRwset(tx); readable != protos::VALID) {
      codes[i] = readable;
      continue;
    }
    const wire::ActionView& action = tx.actions[0];
    const std::vector<std::optional<Version>>* versions = nullptr;
    if (pool != nullptr && !prefetch_failed[i]) versions = &prefetched[i];
    FABRIC_ASSIGN_OR_RETURN(TxValidationCode code, CheckAction(action, state, writes, versions));
    codes[i] = code;
    if (code != protos::VALID) continue;
    ops.clear();
    CollectOps(action, &ops);
    FABRIC_RETURN_IF_ERROR(ApplyOps(ops, version, state, &writes));
  }
  return absl::OkStatus();
}

}  // namespace fabric::validate
