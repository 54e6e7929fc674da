// A key's version: the block and transaction that last wrote it (kvrwset.Version). What a
// read records, what MVCC compares and what the ledger stores with every value.
#ifndef FABRIC_LIB_RWSET_VERSION_H_
#define FABRIC_LIB_RWSET_VERSION_H_

#include <cstdint>

namespace fabric::rwset {

struct Version {
  uint64_t block = 0;
  uint64_t tx = 0;
  bool operator==(const Version& o) const { return block == o.block && tx == o.tx; }
  bool operator!=(const Version& o) const { return !(*this == o); }
};

}  // namespace fabric::rwset

#endif  // FABRIC_LIB_RWSET_VERSION_H_
