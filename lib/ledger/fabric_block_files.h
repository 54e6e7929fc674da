// Reads the block files a Fabric peer writes for a channel (Fabric's
// common/ledger/blkstorage), so that an existing peer's chain can be replayed,
// verified or imported as it is on disk:
//   <ledgersData>/chains/chains/<channel>/blockfile_000000, blockfile_000001, ...
// Each file is a sequence of records varint(n) + n bytes, each record one block in the
// block store's own serialization (not protobuf):
//   varint(number) lp(data_hash) lp(previous_hash)     the header
//   varint(count)  count x lp(envelope)                 the data
//   varint(count)  count x lp(metadata entry)           the metadata
// (lp(x) = varint(len(x)) x.) Each block comes back as the serialized common.Block
// the peer's deliver service would send (what the peer was given to commit, with the
// metadata it stored).
//
//   auto r = FabricBlockFileReader::Open("/var/hyperledger/production/ledgersData", "");
//   while (true) { auto b = (*r)->Next(); if (!b.ok()) ...; if (!b->has_value()) break; }
//
// A record cut short at the end of the last file (a peer stopped while appending, which
// the peer itself truncates on restart) ends the chain; anything else that does not
// decode is DataLoss naming the file and offset.
//
// Thread safety: one thread per reader.
#ifndef FABRIC_LIB_LEDGER_FABRIC_BLOCK_FILES_H_
#define FABRIC_LIB_LEDGER_FABRIC_BLOCK_FILES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::ledger {

// The serialized common.Block of one block-store record. InvalidArgument when it does
// not decode.
absl::StatusOr<std::string> DecodeFabricBlockRecord(absl::string_view record);

class FabricBlockFileReader {
 public:
  // `path` is a directory holding blockfile_000000 (a channel's directory), or a peer's
  // ledgersData (or its chains/) directory, in which case `channel` names the channel
  // ("" when it holds exactly one). NotFound when there are no block files.
  static absl::StatusOr<std::unique_ptr<FabricBlockFileReader>> Open(const std::string& path,
                                                                     absl::string_view channel);

  // Whether `path` looks like one of the directories Open accepts.
  static bool Recognizes(const std::string& path);

  // The next block (serialized common.Block); nullopt after the last.
  absl::StatusOr<std::optional<std::string>> Next();

  // The channel's directory the blocks are read from.
  const std::string& dir() const { return dir_; }

 private:
  explicit FabricBlockFileReader(std::string dir) : dir_(std::move(dir)) {}
  // Loads file number `file_` into `data_`; false when it does not exist.
  absl::StatusOr<bool> LoadFile();

  std::string dir_;
  uint32_t file_ = 0;
  bool loaded_ = false;
  bool done_ = false;
  std::string data_;   // the current file
  size_t offset_ = 0;  // in data_
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_FABRIC_BLOCK_FILES_H_
