// Append-only block files: <dir>/chains/blockfile_000000, blockfile_000001, ... Each
// record is varint64(length) followed by `length` bytes of a serialized common.Block.
// A new file is started when a record would take the current one past the size limit
// (a record larger than the limit gets a file of its own).
//
// Thread safety: Append is for one thread at a time; Read may run concurrently with it
// and with other reads (each read opens its own descriptor).
#ifndef FABRIC_LIB_LEDGER_BLOCK_FILES_H_
#define FABRIC_LIB_LEDGER_BLOCK_FILES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fabric::ledger {

// Where a block's bytes are: file number, offset of the bytes (after the length prefix),
// and their length.
struct BlockLocation {
  uint32_t file = 0;
  uint64_t offset = 0;
  uint64_t length = 0;
  bool operator==(const BlockLocation& o) const {
    return file == o.file && offset == o.offset && length == o.length;
  }
};

struct BlockFilesOptions {
  uint64_t max_file_size = 64 << 20;
  bool sync = true;  // fdatasync after every append
};

class BlockFiles {
 public:
  // Opens (creating when missing) the files in `chains_dir`. Scans the records after
  // `last_indexed` (the last block the index knows; nullptr when it knows none, then
  // every file is scanned) and appends their locations to `unindexed`, in order. A
  // partial record at the end of the last file is cut off (the file is truncated to its
  // last whole record). DataLoss when a file the index relies on is missing or short,
  // or a file other than the last ends in a partial record.
  static absl::StatusOr<std::unique_ptr<BlockFiles>> Open(const std::string& chains_dir,
                                                          const BlockFilesOptions& options,
                                                          const BlockLocation* last_indexed,
                                                          std::vector<BlockLocation>* unindexed);
  ~BlockFiles();
  BlockFiles(const BlockFiles&) = delete;
  BlockFiles& operator=(const BlockFiles&) = delete;

  // Appends one record (and syncs it when options.sync) and returns where it is.
  absl::StatusOr<BlockLocation> Append(absl::string_view block_bytes);

  // The bytes at `loc`. DataLoss when the file is missing or shorter than `loc` says.
  absl::StatusOr<std::string> Read(const BlockLocation& loc) const;

  std::string FilePath(uint32_t file) const;

 private:
  BlockFiles(std::string dir, BlockFilesOptions options)
      : dir_(std::move(dir)), options_(options) {}
  absl::Status OpenForAppend(uint32_t file, uint64_t size);

  std::string dir_;
  BlockFilesOptions options_;
  int fd_ = -1;        // current file, open for append
  uint32_t file_ = 0;  // its number
  uint64_t size_ = 0;  // its size
};

}  // namespace fabric::ledger

#endif  // FABRIC_LIB_LEDGER_BLOCK_FILES_H_
