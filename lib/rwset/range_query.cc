#include "lib/rwset/range_query.h"

#include <utility>

#include "lib/base/sha256.h"

namespace fabric::rwset {
namespace {

std::string HashOfConcatenation(const std::vector<std::string>& hashes) {
  Sha256Hasher h;
  for (const std::string& x : hashes) h.Update(x);
  return h.Finish();
}

}  // namespace

void RangeQueryResultsHelper::Result::SetInto(kvrwset::RangeQueryInfo* info) && {
  if (summary.has_value()) {
    *info->mutable_reads_merkle_hashes() = std::move(*summary);
  } else if (raw.kv_reads_size() > 0) {
    *info->mutable_raw_reads() = std::move(raw);
  }
}

RangeQueryResultsHelper::RangeQueryResultsHelper(uint32_t max_degree) : max_degree_(max_degree) {}

void RangeQueryResultsHelper::Add(absl::string_view key, const Version& version) {
  kvrwset::KVRead* r = pending_.add_kv_reads();
  r->set_key(std::string(key));
  r->mutable_version()->set_block_num(version.block);
  r->mutable_version()->set_tx_num(version.tx);
  if (static_cast<uint32_t>(pending_.kv_reads_size()) > max_degree_) HashPending();
}

void RangeQueryResultsHelper::HashPending() {
  std::string bytes;
  pending_.SerializeToString(&bytes);
  pending_.Clear();  // keeps the KVRead objects for reuse
  hashed_ = true;
  AddHash(1, Sha256(bytes));
}

void RangeQueryResultsHelper::AddHash(uint32_t level, std::string hash) {
  Level(level).push_back(std::move(hash));
  for (; Level(level).size() > max_degree_; ++level) {
    std::string up = HashOfConcatenation(Level(level));
    Level(level).clear();
    Level(level + 1).push_back(std::move(up));
    if (level + 1 > max_level_) max_level_ = level + 1;
  }
}

std::vector<std::string>& RangeQueryResultsHelper::Level(uint32_t level) {
  if (levels_.size() < level) levels_.resize(level);
  return levels_[level - 1];
}

RangeQueryResultsHelper::Result RangeQueryResultsHelper::Done() {
  Result out;
  if (!hashed_) {
    out.raw = std::move(pending_);
    return out;
  }
  if (pending_.kv_reads_size() > 0) HashPending();
  // Fold every lower level into the one above, up to the highest.
  for (uint32_t level = 1; level < max_level_; ++level) {
    std::vector<std::string>& hashes = Level(level);
    if (hashes.empty()) continue;
    std::string up = hashes.size() == 1 ? std::move(hashes[0]) : HashOfConcatenation(hashes);
    hashes.clear();
    Level(level + 1).push_back(std::move(up));
  }
  if (Level(max_level_).size() > max_degree_) {
    std::string top = HashOfConcatenation(Level(max_level_));
    Level(max_level_).clear();
    ++max_level_;
    Level(max_level_).push_back(std::move(top));
  }
  kvrwset::QueryReadsMerkleSummary& s = out.summary.emplace();
  s.set_max_degree(max_degree_);
  s.set_max_level(max_level_);
  for (std::string& h : Level(max_level_)) s.add_max_level_hashes(std::move(h));
  return out;
}

bool MerkleSummariesEqual(const kvrwset::QueryReadsMerkleSummary& a,
                          const kvrwset::QueryReadsMerkleSummary& b) {
  if (a.max_degree() != b.max_degree() || a.max_level() != b.max_level() ||
      a.max_level_hashes_size() != b.max_level_hashes_size()) {
    return false;
  }
  for (int i = 0; i < a.max_level_hashes_size(); ++i) {
    if (a.max_level_hashes(i) != b.max_level_hashes(i)) return false;
  }
  return true;
}

}  // namespace fabric::rwset
