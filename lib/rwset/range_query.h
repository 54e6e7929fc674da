// What a range query records of its results, for phantom-read detection: the results
// themselves, or, past `max_degree` results, Fabric's Merkle summary of them. The
// endorsement simulator builds it while the chaincode iterates; validation's MVCC
// rebuilds it over the latest state and compares (validate/mvcc.h).
//
// The summary (Fabric's rwsetutil RangeQueryResultsHelper): results are cut, in order,
// into groups of max_degree + 1 (the last group may be smaller); each group is hashed as
// SHA-256 of the serialized kvrwset.QueryReads holding its KVReads (key and version).
// Those hashes are level 1. Whenever a level holds more than max_degree hashes, they are
// replaced by one hash of their concatenation one level up. At the end, every level
// below the highest is folded upwards (a lone hash moves up as is, several are hashed
// together), and a highest level still holding more than max_degree hashes is hashed
// into one more level. The summary is {max_degree, that highest level, its hashes}.
// With max_degree results or fewer nothing is hashed and the raw reads are kept.
//
//   RangeQueryResultsHelper h;            // max_degree 50, as Fabric's simulator
//   for (...) h.Add(key, version);
//   h.Done().SetInto(&range_query_info);
//
// Thread safety: a helper is used by one thread.
#ifndef FABRIC_LIB_RWSET_RANGE_QUERY_H_
#define FABRIC_LIB_RWSET_RANGE_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "lib/rwset/version.h"
#include "lib/wire/proto/kv_rwset.pb.h"

namespace fabric::rwset {

// The degree Fabric's simulator uses.
inline constexpr uint32_t kDefaultMaxDegree = 50;

class RangeQueryResultsHelper {
 public:
  // What Done returns: the summary when results were hashed, else the raw reads (maybe
  // none).
  struct Result {
    std::optional<kvrwset::QueryReadsMerkleSummary> summary;
    kvrwset::QueryReads raw;

    // Records the result in `info` as Fabric's simulator does: the summary, else the raw
    // reads if there are any; with no results neither is set.
    void SetInto(kvrwset::RangeQueryInfo* info) &&;
  };

  // REQUIRES: max_degree >= 2 (Fabric refuses a smaller one).
  explicit RangeQueryResultsHelper(uint32_t max_degree = kDefaultMaxDegree);

  RangeQueryResultsHelper(const RangeQueryResultsHelper&) = delete;
  RangeQueryResultsHelper& operator=(const RangeQueryResultsHelper&) = delete;

  // The next result of the range, in key order.
  void Add(absl::string_view key, const Version& version);

  // Finishes. REQUIRES: called once, after the last Add.
  Result Done();

 private:
  void HashPending();
  void AddHash(uint32_t level, std::string hash);
  std::vector<std::string>& Level(uint32_t level);

  const uint32_t max_degree_;
  kvrwset::QueryReads pending_;  // results not hashed yet
  // levels_[i] holds the pending hashes of level i + 1.
  std::vector<std::vector<std::string>> levels_;
  uint32_t max_level_ = 1;
  bool hashed_ = false;  // some group was hashed
};

// Fabric's comparison of two summaries: same degree, level and hashes.
bool MerkleSummariesEqual(const kvrwset::QueryReadsMerkleSummary& a,
                          const kvrwset::QueryReadsMerkleSummary& b);

}  // namespace fabric::rwset

#endif  // FABRIC_LIB_RWSET_RANGE_QUERY_H_
