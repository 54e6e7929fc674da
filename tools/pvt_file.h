// The private data files of a vector directory (the shared vectors' README, `pvt/`):
// pvtdata/NNNNNN.pvt holds what was handed over with block NNNNNN, as records of
//   uint64 big-endian transaction index, uint32 big-endian length L, L bytes of a
//   serialized rwset.TxPvtReadWriteSet
// in ascending transaction order; an empty file means nothing was handed over.
#ifndef FABRIC_TOOLS_PVT_FILE_H_
#define FABRIC_TOOLS_PVT_FILE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lib/ledger/private_data.h"

namespace fabric::tools {

// The records of a .pvt file's bytes. InvalidArgument (naming `name`) for a truncated
// record, indexes out of order, or a record that is not a TxPvtReadWriteSet.
absl::StatusOr<ledger::HandedPvtData> ParsePvtFile(absl::string_view bytes,
                                                   const std::string& name);

// The private data of block `number` in vector directory `dir`: nullopt when the
// directory has no pvtdata/ (a chain without private data); an empty map when it has
// no file for the block.
absl::StatusOr<std::optional<ledger::HandedPvtData>> ReadPvtData(const std::string& dir,
                                                                 uint64_t number);

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_PVT_FILE_H_
