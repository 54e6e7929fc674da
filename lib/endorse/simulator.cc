#include "lib/endorse/simulator.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/sha256.h"
#include "lib/base/status_macros.h"
#include "lib/rwset/range_query.h"
#include "lib/wire/proto/kv_rwset.pb.h"
#include "lib/wire/proto/rwset.pb.h"

namespace fabric::endorse {

// What one collection of a namespace recorded, by raw key (Fabric's builder sorts the
// hashed entries by raw key too).
struct TxSimulator::Collection {
  // key -> hashed version at the (last) read; nullopt: absent.
  std::map<std::string, std::optional<ledger::Version>> hashed_reads;
  // key -> value; empty: a delete.
  std::map<std::string, std::string> writes;
  // key -> the key's whole new metadata, entries by name.
  std::map<std::string, std::map<std::string, std::string>> metadata_writes;
};

// What one namespace of the transaction recorded. Maps keep keys in byte order, which is
// the order Fabric's builder sorts them in.
struct TxSimulator::Namespace {
  // key -> committed version at the (last) read; nullopt: the key was absent.
  std::map<std::string, std::optional<ledger::Version>> reads;
  // key -> value; an empty value is a delete (Fabric's newKVWrite).
  std::map<std::string, std::string> writes;
  // key -> the key's whole new metadata, entries by name.
  std::map<std::string, std::map<std::string, std::string>> metadata_writes;
  // In the order the queries ran; a query with the same (start, end, exhausted) as an
  // earlier one is dropped, as Fabric's builder does.
  std::vector<kvrwset::RangeQueryInfo> range_queries;
  // Collections by name.
  std::map<std::string, Collection, std::less<>> collections;

  void AddRangeQuery(kvrwset::RangeQueryInfo info) {
    auto same = [&info](const kvrwset::RangeQueryInfo& q) {
      return q.start_key() == info.start_key() && q.end_key() == info.end_key() &&
             q.itr_exhausted() == info.itr_exhausted();
    };
    if (std::none_of(range_queries.begin(), range_queries.end(), same)) {
      range_queries.push_back(std::move(info));
    }
  }
};

namespace {

// Fabric's peer stops a state query after this many results (core.yaml
// ledger.state.totalQueryLimit, default 100000) without asking the iterator for more.
constexpr size_t kTotalQueryLimit = 100000;

absl::Status WriteRefused() {
  return absl::FailedPreconditionError(
      "writes are not allowed in a query (evaluate); endorse the transaction to write");
}

absl::Status WriteAfterPageRefused() {
  return absl::FailedPreconditionError(
      "unsupported transaction: the transaction has already performed a paginated query; "
      "writes are not allowed");
}

// The RangeQueryInfo of a scan that returned `kvs`: read to its end (the iterator
// exhausted, end_key the query's end) unless `cut_short`, when Fabric's iterator stopped
// at the last result without asking for another (end_key that result's key).
kvrwset::RangeQueryInfo RangeInfo(absl::string_view start, absl::string_view end,
                                  const std::vector<ledger::KeyValue>& kvs, bool cut_short) {
  kvrwset::RangeQueryInfo info;
  info.set_start_key(std::string(start));
  if (cut_short && !kvs.empty()) {
    info.set_end_key(kvs.back().key);
    info.set_itr_exhausted(false);
  } else {
    info.set_end_key(std::string(end));
    info.set_itr_exhausted(true);
  }
  rwset::RangeQueryResultsHelper helper(rwset::kDefaultMaxDegree);
  for (const ledger::KeyValue& kv : kvs) helper.Add(kv.key, kv.value.version);
  helper.Done().SetInto(&info);
  return info;
}

std::vector<KeyValue> ToKeyValues(std::vector<ledger::KeyValue> kvs) {
  std::vector<KeyValue> out;
  out.reserve(kvs.size());
  for (ledger::KeyValue& kv : kvs) {
    out.push_back(KeyValue{std::move(kv.key), std::move(kv.value.value)});
  }
  return out;
}

}  // namespace

TxSimulator::TxSimulator(const ledger::StateDb& state, const ledger::HistoryDb& history, Mode mode)
    : state_(state), history_(history), mode_(mode) {}

TxSimulator::~TxSimulator() = default;

TxSimulator::Namespace& TxSimulator::Ns(absl::string_view ns) {
  auto it = namespaces_.find(ns);
  if (it == namespaces_.end()) {
    it = namespaces_.emplace(std::string(ns), std::make_unique<Namespace>()).first;
  }
  return *it->second;
}

absl::StatusOr<std::optional<std::string>> TxSimulator::GetState(absl::string_view ns,
                                                                 absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> vv, state_.Get(ns, key));
  std::optional<ledger::Version> version;
  if (vv.has_value()) version = vv->version;
  Ns(ns).reads[std::string(key)] = version;
  if (!vv.has_value()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(vv->value));
}

absl::Status TxSimulator::CheckWrite() {
  if (mode_ == Mode::kQuery) return WriteRefused();
  if (paginated_) return WriteAfterPageRefused();
  if (private_queried_) {
    return absl::FailedPreconditionError(
        absl::StrCat("txid [", txid_,
                     "]: unsuppored transaction. Transaction has already performed queries on "
                     "pvt data. Writes are not allowed"));
  }
  wrote_ = true;
  return absl::OkStatus();
}

absl::Status TxSimulator::PutState(absl::string_view ns, absl::string_view key,
                                   absl::string_view value) {
  FABRIC_RETURN_IF_ERROR(CheckWrite());
  Ns(ns).writes[std::string(key)] = std::string(value);
  return absl::OkStatus();
}

absl::Status TxSimulator::DelState(absl::string_view ns, absl::string_view key) {
  return PutState(ns, key, "");
}

absl::StatusOr<std::vector<KeyValue>> TxSimulator::GetStateRange(absl::string_view ns,
                                                                 absl::string_view start,
                                                                 absl::string_view end) {
  FABRIC_ASSIGN_OR_RETURN(ledger::RangeResult r, state_.Range(ns, start, end, kTotalQueryLimit));
  Ns(ns).AddRangeQuery(RangeInfo(start, end, r.kvs, r.kvs.size() == kTotalQueryLimit));
  return ToKeyValues(std::move(r.kvs));
}

absl::StatusOr<RangePage> TxSimulator::GetStateRangePage(absl::string_view ns,
                                                         absl::string_view start,
                                                         absl::string_view end, size_t limit) {
  if (limit == 0) return absl::InvalidArgumentError("the page size must be positive");
  if (wrote_) {
    return absl::FailedPreconditionError(
        "unsupported transaction: paginated queries are supported only in a read-only "
        "transaction");
  }
  paginated_ = true;
  limit = std::min(limit, kTotalQueryLimit);
  FABRIC_ASSIGN_OR_RETURN(ledger::RangeResult r, state_.Range(ns, start, end, limit));
  Ns(ns).AddRangeQuery(RangeInfo(start, end, r.kvs, r.kvs.size() == limit));
  RangePage page;
  page.bookmark = std::move(r.bookmark);
  page.kvs = ToKeyValues(std::move(r.kvs));
  return page;
}

absl::StatusOr<std::map<std::string, std::string>> TxSimulator::GetStateMetadata(
    absl::string_view ns, absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> vv, state_.Get(ns, key));
  std::optional<ledger::Version> version;
  if (vv.has_value()) version = vv->version;
  Ns(ns).reads[std::string(key)] = version;
  std::map<std::string, std::string> metadata;
  if (!vv.has_value() || vv->metadata.empty()) return metadata;
  kvrwset::KVMetadataWrite stored;
  if (!stored.ParseFromString(vv->metadata)) {
    return absl::DataLossError(absl::StrCat("the stored metadata of key \"", absl::CEscape(key),
                                            "\" in namespace \"", absl::CEscape(ns),
                                            "\" does not parse"));
  }
  for (const kvrwset::KVMetadataEntry& e : stored.entries()) metadata[e.name()] = e.value();
  return metadata;
}

absl::Status TxSimulator::SetStateMetadata(absl::string_view ns, absl::string_view key,
                                           std::map<std::string, std::string> metadata) {
  FABRIC_RETURN_IF_ERROR(CheckWrite());
  Ns(ns).metadata_writes[std::string(key)] = std::move(metadata);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<KeyModification>> TxSimulator::GetHistoryForKey(absl::string_view ns,
                                                                           absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::vector<ledger::HistoryRecord> records,
                          history_.Get(ns, key, kTotalQueryLimit));
  std::vector<KeyModification> out;
  out.reserve(records.size());
  for (ledger::HistoryRecord& r : records) {
    ledger::KeyModification& m = r.modification;
    out.push_back(KeyModification{std::move(m.txid), std::move(m.value), m.is_delete,
                                  m.timestamp_seconds, m.timestamp_nanos});
  }
  return out;
}

TxSimulator::Collection& TxSimulator::Coll(absl::string_view ns, absl::string_view coll) {
  Namespace& n = Ns(ns);
  auto it = n.collections.find(coll);
  if (it == n.collections.end()) it = n.collections.emplace(std::string(coll), Collection()).first;
  return it->second;
}

absl::StatusOr<std::optional<ledger::VersionedValue>> TxSimulator::ReadHashed(
    absl::string_view ns, absl::string_view coll, absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> hashed,
                          state_.GetHashed(ns, coll, Sha256(key)));
  std::optional<ledger::Version> version;
  if (hashed.has_value()) version = hashed->version;
  Coll(ns, coll).hashed_reads[std::string(key)] = version;
  return hashed;
}

absl::StatusOr<std::optional<std::string>> TxSimulator::GetPrivateData(absl::string_view ns,
                                                                       absl::string_view coll,
                                                                       absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> hashed,
                          state_.GetHashed(ns, coll, Sha256(key)));
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> value,
                          state_.GetPrivate(ns, coll, key));
  auto describe = [](const std::optional<ledger::VersionedValue>& v) {
    return v.has_value()
               ? absl::StrCat("{BlockNum: ", v->version.block, ", TxNum: ", v->version.tx, "}")
               : std::string("<nil>");
  };
  if (hashed.has_value() != value.has_value() ||
      (hashed.has_value() && !(hashed->version == value->version))) {
    return absl::FailedPreconditionError(
        absl::StrCat("private data matching public hash version is not available. Public hash "
                     "version = ",
                     describe(hashed), ", Private data version = ", describe(value)));
  }
  std::optional<ledger::Version> version;
  if (hashed.has_value()) version = hashed->version;
  Coll(ns, coll).hashed_reads[std::string(key)] = version;
  if (!value.has_value()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(value->value));
}

absl::StatusOr<std::optional<std::string>> TxSimulator::GetPrivateDataHash(absl::string_view ns,
                                                                           absl::string_view coll,
                                                                           absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> hashed, ReadHashed(ns, coll, key));
  if (!hashed.has_value()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(hashed->value));
}

absl::Status TxSimulator::PutPrivateData(absl::string_view ns, absl::string_view coll,
                                         absl::string_view key, absl::string_view value) {
  FABRIC_RETURN_IF_ERROR(CheckWrite());
  Coll(ns, coll).writes[std::string(key)] = std::string(value);
  return absl::OkStatus();
}

absl::Status TxSimulator::DelPrivateData(absl::string_view ns, absl::string_view coll,
                                         absl::string_view key) {
  return PutPrivateData(ns, coll, key, "");
}

absl::StatusOr<std::vector<KeyValue>> TxSimulator::GetPrivateDataRange(absl::string_view ns,
                                                                       absl::string_view coll,
                                                                       absl::string_view start,
                                                                       absl::string_view end) {
  if (wrote_) {
    return absl::FailedPreconditionError(
        absl::StrCat("txid [", txid_,
                     "]: unsuppored transaction. Queries on pvt data is supported only in a "
                     "read-only transaction"));
  }
  private_queried_ = true;
  FABRIC_ASSIGN_OR_RETURN(ledger::RangeResult r,
                          state_.RangePrivate(ns, coll, start, end, kTotalQueryLimit));
  return ToKeyValues(std::move(r.kvs));
}

absl::StatusOr<std::map<std::string, std::string>> TxSimulator::GetPrivateDataMetadata(
    absl::string_view ns, absl::string_view coll, absl::string_view key) {
  FABRIC_ASSIGN_OR_RETURN(std::optional<ledger::VersionedValue> hashed, ReadHashed(ns, coll, key));
  std::map<std::string, std::string> metadata;
  if (!hashed.has_value() || hashed->metadata.empty()) return metadata;
  kvrwset::KVMetadataWrite stored;
  if (!stored.ParseFromString(hashed->metadata)) {
    return absl::DataLossError(absl::StrCat("the stored metadata of private key \"",
                                            absl::CEscape(key), "\" in ", ns, "/", coll,
                                            " does not parse"));
  }
  for (const kvrwset::KVMetadataEntry& e : stored.entries()) metadata[e.name()] = e.value();
  return metadata;
}

absl::Status TxSimulator::SetPrivateDataMetadata(absl::string_view ns, absl::string_view coll,
                                                 absl::string_view key,
                                                 std::map<std::string, std::string> metadata) {
  FABRIC_RETURN_IF_ERROR(CheckWrite());
  Coll(ns, coll).metadata_writes[std::string(key)] = std::move(metadata);
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::pair<std::string, std::string>, std::string>>
TxSimulator::CollectionWrites() const {
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const auto& [name, ns] : namespaces_) {
    for (const auto& [coll_name, coll] : ns->collections) {
      if (coll.writes.empty() && coll.metadata_writes.empty()) continue;
      kvrwset::KVRWSet kv;
      for (const auto& [key, value] : coll.writes) {
        kvrwset::KVWrite* w = kv.add_writes();
        w->set_key(key);
        w->set_is_delete(value.empty());
        w->set_value(value);
      }
      // The private side of a metadata write carries no entries (Fabric's builder).
      for (const auto& [key, entries] : coll.metadata_writes)
        kv.add_metadata_writes()->set_key(key);
      std::string bytes;
      if (!kv.SerializeToString(&bytes)) {
        return absl::InternalError(
            absl::StrCat("cannot serialize the private rwset of ", name, "/", coll_name));
      }
      out[{name, coll_name}] = std::move(bytes);
    }
  }
  return out;
}

absl::StatusOr<std::string> TxSimulator::PrivateResults() const {
  FABRIC_ASSIGN_OR_RETURN(auto writes, CollectionWrites());
  if (writes.empty()) return std::string();
  ::rwset::TxPvtReadWriteSet tx;
  tx.set_data_model(::rwset::TxReadWriteSet::KV);
  ::rwset::NsPvtReadWriteSet* ns = nullptr;
  for (auto& [key, bytes] : writes) {
    if (ns == nullptr || ns->namespace_() != key.first) {
      ns = tx.add_ns_pvt_rwset();
      ns->set_namespace_(key.first);
    }
    ::rwset::CollectionPvtReadWriteSet* c = ns->add_collection_pvt_rwset();
    c->set_collection_name(key.second);
    c->set_rwset(std::move(bytes));
  }
  std::string out;
  if (!tx.SerializeToString(&out)) {
    return absl::InternalError("cannot serialize the transaction's private read-write set");
  }
  return out;
}

absl::StatusOr<std::string> TxSimulator::Results() const {
  FABRIC_ASSIGN_OR_RETURN(auto private_writes, CollectionWrites());
  ::rwset::TxReadWriteSet tx;
  tx.set_data_model(::rwset::TxReadWriteSet::KV);
  for (const auto& [name, ns] : namespaces_) {
    kvrwset::KVRWSet kv;
    for (const auto& [key, version] : ns->reads) {
      kvrwset::KVRead* r = kv.add_reads();
      r->set_key(key);
      if (version.has_value()) {
        r->mutable_version()->set_block_num(version->block);
        r->mutable_version()->set_tx_num(version->tx);
      }
    }
    for (const kvrwset::RangeQueryInfo& q : ns->range_queries) *kv.add_range_queries_info() = q;
    for (const auto& [key, value] : ns->writes) {
      kvrwset::KVWrite* w = kv.add_writes();
      w->set_key(key);
      w->set_is_delete(value.empty());
      w->set_value(value);
    }
    for (const auto& [key, entries] : ns->metadata_writes) {
      kvrwset::KVMetadataWrite* m = kv.add_metadata_writes();
      m->set_key(key);
      for (const auto& [entry_name, value] : entries) {
        kvrwset::KVMetadataEntry* e = m->add_entries();
        e->set_name(entry_name);
        e->set_value(value);
      }
    }
    if (kv.reads_size() + kv.range_queries_info_size() + kv.writes_size() +
                kv.metadata_writes_size() ==
            0 &&
        ns->collections.empty()) {
      continue;
    }
    ::rwset::NsReadWriteSet* out = tx.add_ns_rwset();
    out->set_namespace_(name);
    if (!kv.SerializeToString(out->mutable_rwset())) {
      return absl::InternalError(
          absl::StrCat("cannot serialize the read-write set of \"", name, "\""));
    }
    for (const auto& [coll_name, coll] : ns->collections) {
      kvrwset::HashedRWSet hashed;
      for (const auto& [key, version] : coll.hashed_reads) {
        kvrwset::KVReadHash* r = hashed.add_hashed_reads();
        r->set_key_hash(Sha256(key));
        if (version.has_value()) {
          r->mutable_version()->set_block_num(version->block);
          r->mutable_version()->set_tx_num(version->tx);
        }
      }
      for (const auto& [key, value] : coll.writes) {
        kvrwset::KVWriteHash* w = hashed.add_hashed_writes();
        w->set_key_hash(Sha256(key));
        w->set_is_delete(value.empty());
        if (!value.empty()) w->set_value_hash(Sha256(value));
      }
      for (const auto& [key, entries] : coll.metadata_writes) {
        kvrwset::KVMetadataWriteHash* m = hashed.add_metadata_writes();
        m->set_key_hash(Sha256(key));
        for (const auto& [entry_name, value] : entries) {
          kvrwset::KVMetadataEntry* e = m->add_entries();
          e->set_name(entry_name);
          e->set_value(value);
        }
      }
      ::rwset::CollectionHashedReadWriteSet* c = out->add_collection_hashed_rwset();
      c->set_collection_name(coll_name);
      if (!hashed.SerializeToString(c->mutable_hashed_rwset())) {
        return absl::InternalError(
            absl::StrCat("cannot serialize the hashed read-write set of ", name, "/", coll_name));
      }
      if (auto w = private_writes.find({name, coll_name}); w != private_writes.end()) {
        c->set_pvt_rwset_hash(Sha256(w->second));
      }
    }
  }
  std::string bytes;
  if (!tx.SerializeToString(&bytes)) {
    return absl::InternalError("cannot serialize the transaction's read-write set");
  }
  return bytes;
}

}  // namespace fabric::endorse
