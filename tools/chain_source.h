// The blocks of a chain on disk, in order, for the commands that replay, import or join
// one. A chain is one of:
//   - the vectors' layout: DIR/genesis.block and DIR/blocks/NNNNNN.block;
//   - a directory of NNNNNN.block files (e.g. the vectors' committed/);
//   - a Fabric peer's block files (lib/ledger/fabric_block_files.h): a ledgersData
//     directory, its chains/, or a channel's directory of blockfile_NNNNNN.
#ifndef FABRIC_TOOLS_CHAIN_SOURCE_H_
#define FABRIC_TOOLS_CHAIN_SOURCE_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ledger/fabric_block_files.h"

namespace fabric::tools {

class ChainSource {
 public:
  struct Block {
    std::string bytes;  // serialized common.Block
    std::string name;   // for messages: the file, or the block-file directory and number
  };

  // `channel` picks a channel of a peer's ledgersData ("" when it has one).
  static absl::StatusOr<std::unique_ptr<ChainSource>> Open(const std::string& path,
                                                           const std::string& channel = "");

  // The next block; nullopt after the last.
  absl::StatusOr<std::optional<Block>> Next();

  // Ends the chain after its first `n` blocks (the genesis block included).
  void Limit(uint64_t n) { limit_ = n; }
  // Passes over the next `n` blocks (without reading their files when it can).
  absl::Status Skip(uint64_t n);

  // The number of blocks, when known without reading them (0 if not).
  size_t size_hint() const {
    const uint64_t end = std::min<uint64_t>(files_.size(), limit_);
    return end > skipped_ ? end - skipped_ : 0;
  }
  // Whether the blocks are a peer's block files (with their final metadata).
  bool is_fabric_peer() const { return reader_ != nullptr; }

 private:
  ChainSource() = default;

  std::vector<std::string> files_;
  size_t next_ = 0;
  std::unique_ptr<ledger::FabricBlockFileReader> reader_;
  uint64_t read_ = 0;
  uint64_t limit_ = ~uint64_t{0};
  uint64_t skipped_ = 0;  // files Skip passed over
};

}  // namespace fabric::tools

#endif  // FABRIC_TOOLS_CHAIN_SOURCE_H_
