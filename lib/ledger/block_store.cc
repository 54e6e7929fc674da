#include "lib/ledger/block_store.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"
#include "lib/wire/hashes.h"
#include "lib/wire/proto/common.pb.h"

namespace fabric::ledger {
namespace {

using internal::GetFixed64BE;
using internal::GetLengthPrefixed;
using internal::GetVarint64;

// Block files hold no checksum: a block read back is checked against the number asked
// for and against its own header, which catches damage to its header or data (the
// metadata, which no hash covers, must still parse). A block committed unverified whose
// data hash never matched (the index says so) is checked for the rest. Sets
// `header_hash`, if not null, to the block's header hash.
absl::Status CheckStoredBlock(uint64_t number, absl::string_view bytes, bool data_hash_matches,
                              std::string* header_hash) {
  common::Block block;
  if (!block.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("block ", number, " in the block files does not parse: damaged on disk"));
  }
  if (block.header().number() != number) {
    return absl::DataLossError(absl::StrCat("the block files hold block ", block.header().number(),
                                            " where block ", number,
                                            " should be: damaged on disk"));
  }
  if (data_hash_matches && wire::BlockDataHash(block.data()) != block.header().data_hash()) {
    return absl::DataLossError(
        absl::StrCat("block ", number,
                     " in the block files does not match its header's data hash: "
                     "damaged on disk"));
  }
  if (header_hash != nullptr) *header_hash = wire::BlockHeaderHash(block.header());
  return absl::OkStatus();
}

rocksdb::Slice S(const std::string& s) { return rocksdb::Slice(s); }

}  // namespace

absl::StatusOr<std::unique_ptr<BlockStore>> BlockStore::Open(Db* db, const std::string& chains_dir,
                                                             const BlockFilesOptions& options,
                                                             uint64_t first_block) {
  std::unique_ptr<BlockStore> store(new BlockStore(db, first_block));
  ChainInfo info;
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> sp,
                          db->Get(Cf::kMeta, internal::kSavepointKey));
  if (sp.has_value() && !internal::DecodeSavepoint(*sp, &info)) {
    return absl::DataLossError("corrupt ledger savepoint");
  }
  std::optional<BlockLocation> last;
  if (info.height > first_block) {
    FABRIC_ASSIGN_OR_RETURN(last, store->Location(info.height - 1));
  }
  std::vector<BlockLocation> unindexed;
  FABRIC_ASSIGN_OR_RETURN(
      store->files_, BlockFiles::Open(chains_dir, options, last ? &*last : nullptr, &unindexed));
  absl::MutexLock lock(&store->mu_);
  store->info_ = std::move(info);
  store->unindexed_.assign(unindexed.begin(), unindexed.end());
  return store;
}

ChainInfo BlockStore::chain_info() const {
  absl::MutexLock lock(&mu_);
  return info_;
}

size_t BlockStore::unindexed_count() const {
  absl::MutexLock lock(&mu_);
  return unindexed_.size();
}

absl::StatusOr<std::string> BlockStore::ReadUnindexed(size_t i) const {
  BlockLocation loc;
  {
    absl::MutexLock lock(&mu_);
    if (i >= unindexed_.size()) return absl::OutOfRangeError("no such unindexed block");
    loc = unindexed_[i];
  }
  return files_->Read(loc);
}

absl::Status BlockStore::Stage(const wire::ParsedBlock& block, absl::string_view filter,
                               rocksdb::WriteBatchBase* batch) {
  FABRIC_ASSIGN_OR_RETURN(BlockLocation loc, Append(block, filter));
  StageIndex(block, filter, loc, batch);
  return absl::OkStatus();
}

absl::StatusOr<BlockLocation> BlockStore::Append(const wire::ParsedBlock& block,
                                                 absl::string_view filter) {
  ChainInfo info = chain_info();
  if (block.number() != info.height) {
    return absl::FailedPreconditionError(
        absl::StrCat("block number should have been ", info.height, " but was ", block.number()));
  }
  if (block.previous_hash() != info.current_hash) {
    return absl::FailedPreconditionError(
        absl::StrCat("unexpected Previous block hash. Expected PreviousHash = [",
                     absl::BytesToHexString(info.current_hash),
                     "], PreviousHash referred in the latest block= [",
                     absl::BytesToHexString(block.previous_hash()), "]"));
  }
  if (filter.size() < block.num_transactions()) {
    return absl::InvalidArgumentError(
        absl::StrCat("block ", block.number(), " has ", block.num_transactions(),
                     " transactions but a filter of ", filter.size()));
  }
  std::optional<BlockLocation> pending;
  {
    absl::MutexLock lock(&mu_);
    if (!unindexed_.empty()) pending = unindexed_.front();
  }
  BlockLocation loc;
  if (pending.has_value()) {
    // The files already hold this block (found at open, or a failed batch write).
    FABRIC_ASSIGN_OR_RETURN(std::string stored, files_->Read(*pending));
    if (stored != block.raw()) {
      return absl::FailedPreconditionError(
          absl::StrCat("block ", block.number(), " differs from the block the block files hold"));
    }
    loc = *pending;
  } else {
    FABRIC_ASSIGN_OR_RETURN(loc, files_->Append(block.raw()));
    absl::MutexLock lock(&mu_);
    unindexed_.push_back(loc);
  }
  return loc;
}

void BlockStore::StageIndex(const wire::ParsedBlock& block, absl::string_view filter,
                            const BlockLocation& loc, rocksdb::WriteBatchBase* batch) {
  const uint64_t n = block.number();
  auto* cf = db_->cf(Cf::kBlocks);
  batch->Put(cf, S(internal::BlockNumKey(n)),
             S(internal::EncodeLocation(loc, block.computed_data_hash() == block.data_hash())));
  std::string num;
  internal::PutFixed64BE(&num, n);
  batch->Put(cf, S(internal::BlockHashKey(block.header_hash())), S(num));
  // The (block, tx) keys first, one after another: each follows the one before in the
  // memtable, whose insert then reuses the last position instead of searching from the
  // top (interleaved with the random txid keys, every insert searched).
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    std::string by_tx(1, filter[i]);
    by_tx.append(block.tx(i).txid());
    batch->Put(cf, S(internal::BlockTxKey(n, i)), S(by_tx));
  }
  // Fabric's txid index: a transaction whose header has no txid is filed under the one
  // computed from its nonce and creator (wire::IndexTxId).
  // In key order, for the memtable's sake (see the keys above).
  std::vector<std::pair<std::string, size_t>> txid_keys;
  txid_keys.reserve(block.num_transactions());
  for (size_t i = 0; i < block.num_transactions(); ++i) {
    const std::string& header_txid = block.tx(i).txid();
    // Computed (and allocated) only for the rare transaction without one.
    const std::string computed = header_txid.empty() ? wire::IndexTxId(block.tx(i)) : "";
    const std::string& indexed = header_txid.empty() ? computed : header_txid;
    if (!indexed.empty()) txid_keys.emplace_back(internal::TxIdKey(indexed, n, i), i);
  }
  std::sort(txid_keys.begin(), txid_keys.end());
  for (const auto& [key, i] : txid_keys) batch->Put(cf, S(key), rocksdb::Slice(&filter[i], 1));
  ChainInfo next{n + 1, block.header_hash(), block.previous_hash()};
  batch->Put(db_->cf(Cf::kMeta), internal::kSavepointKey, S(internal::EncodeSavepoint(next)));
}

void BlockStore::Committed(const wire::ParsedBlock& block) {
  absl::MutexLock lock(&mu_);
  if (!unindexed_.empty()) unindexed_.pop_front();
  info_ = ChainInfo{block.number() + 1, block.header_hash(), block.previous_hash()};
}

absl::StatusOr<BlockLocation> BlockStore::Location(uint64_t number) const {
  bool data_hash_matches;
  return Location(number, &data_hash_matches);
}

absl::StatusOr<BlockLocation> BlockStore::Location(uint64_t number, bool* data_hash_matches) const {
  if (number < first_block_) {
    return absl::NotFoundError(absl::StrCat("no block ", number,
                                            ": the ledger was joined from a snapshot and holds "
                                            "blocks from ",
                                            first_block_, " on"));
  }
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> v,
                          db_->Get(Cf::kBlocks, internal::BlockNumKey(number)));
  if (!v.has_value()) return absl::NotFoundError(absl::StrCat("no block ", number));
  BlockLocation loc;
  if (!internal::DecodeLocation(*v, &loc, data_hash_matches)) {
    return absl::DataLossError(absl::StrCat("corrupt block index entry for block ", number));
  }
  return loc;
}

absl::StatusOr<std::string> BlockStore::BlockByNumber(uint64_t number) const {
  return ReadBlock(number, nullptr);
}

absl::StatusOr<std::string> BlockStore::ReadBlock(uint64_t number, std::string* header_hash) const {
  bool data_hash_matches;
  FABRIC_ASSIGN_OR_RETURN(BlockLocation loc, Location(number, &data_hash_matches));
  FABRIC_ASSIGN_OR_RETURN(std::string bytes, files_->Read(loc));
  FABRIC_RETURN_IF_ERROR(CheckStoredBlock(number, bytes, data_hash_matches, header_hash));
  return bytes;
}

absl::StatusOr<std::string> BlockStore::BlockByHash(absl::string_view header_hash) const {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> v,
                          db_->Get(Cf::kBlocks, internal::BlockHashKey(header_hash)));
  if (!v.has_value()) {
    return absl::NotFoundError(
        absl::StrCat("no block with hash ", absl::BytesToHexString(header_hash)));
  }
  absl::string_view in = *v;
  uint64_t number;
  if (!GetFixed64BE(&in, &number) || !in.empty()) {
    return absl::DataLossError("corrupt block hash index entry");
  }
  std::string stored_hash;
  FABRIC_ASSIGN_OR_RETURN(std::string bytes, ReadBlock(number, &stored_hash));
  if (stored_hash != header_hash) {
    return absl::DataLossError(absl::StrCat("block ", number, " stored for hash ",
                                            absl::BytesToHexString(header_hash),
                                            " has another header hash: the block index or block "
                                            "files are damaged"));
  }
  return bytes;
}

// Every occurrence of `txid` from `it`, a blocks iterator, into `out`.
absl::Status BlockStore::ScanTxId(rocksdb::Iterator* it, absl::string_view txid,
                                  std::vector<TxLocation>* out) {
  const std::string prefix = internal::TxIdPrefix(txid);
  for (it->Seek(S(prefix)); it->Valid() && it->key().starts_with(S(prefix)); it->Next()) {
    absl::string_view rest(it->key().data() + prefix.size(), it->key().size() - prefix.size());
    TxLocation t;
    if (!GetFixed64BE(&rest, &t.block) || !GetFixed64BE(&rest, &t.tx) || !rest.empty() ||
        it->value().size() > 1) {
      return absl::DataLossError(absl::StrCat("corrupt txid index entry for ", txid));
    }
    // An empty value: a txid imported from the snapshot the ledger was joined from.
    t.in_snapshot = it->value().empty();
    if (!t.in_snapshot) t.validation_code = static_cast<uint8_t>(it->value()[0]);
    out->push_back(t);
  }
  return FromRocks(it->status(), "scanning the txid index");
}

absl::StatusOr<std::vector<TxLocation>> BlockStore::TxLocations(absl::string_view txid) const {
  std::vector<TxLocation> out;
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kBlocks);
  FABRIC_RETURN_IF_ERROR(ScanTxId(it.get(), txid, &out));
  return out;
}

absl::StatusOr<std::vector<bool>> BlockStore::HasTxIds(
    const std::vector<absl::string_view>& txids) const {
  std::vector<bool> out(txids.size());
  if (txids.empty()) return out;
  // In key order (for txids under 128 bytes), so that the seeks move forward.
  std::vector<size_t> order(txids.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&txids](size_t a, size_t b) {
    return txids[a].size() != txids[b].size() ? txids[a].size() < txids[b].size()
                                              : txids[a] < txids[b];
  });
  std::unique_ptr<rocksdb::Iterator> it = db_->NewIterator(Cf::kBlocks);
  std::vector<TxLocation> found;
  for (size_t i : order) {
    found.clear();
    FABRIC_RETURN_IF_ERROR(ScanTxId(it.get(), txids[i], &found));
    out[i] = !found.empty();
  }
  return out;
}

absl::StatusOr<std::string> BlockStore::BlockByTxId(absl::string_view txid) const {
  FABRIC_ASSIGN_OR_RETURN(std::vector<TxLocation> locs, TxLocations(txid));
  if (locs.empty()) return absl::NotFoundError(absl::StrCat("no transaction ", txid));
  if (locs.front().in_snapshot) {
    return absl::NotFoundError(absl::StrCat("transaction ", txid,
                                            " is in the snapshot the ledger was joined from, "
                                            "which does not hold its block"));
  }
  return BlockByNumber(locs.front().block);
}

absl::StatusOr<std::pair<std::string, uint8_t>> BlockStore::TxAt(uint64_t block,
                                                                 uint64_t tx) const {
  FABRIC_ASSIGN_OR_RETURN(std::optional<std::string> v,
                          db_->Get(Cf::kBlocks, internal::BlockTxKey(block, tx)));
  if (!v.has_value()) return absl::NotFoundError(absl::StrCat("no transaction ", block, ":", tx));
  if (v->empty()) return absl::DataLossError("corrupt (block, tx) index entry");
  return std::make_pair(v->substr(1), static_cast<uint8_t>((*v)[0]));
}

}  // namespace fabric::ledger
