#include "lib/ledger/fabric_block_files.h"

#include <cstdio>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/base/file.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"
#include "lib/wire/field_reader.h"

namespace fabric::ledger {
namespace {

namespace fs = std::filesystem;
using internal::GetLengthPrefixed;
using internal::GetVarint64;

// Fabric caps a block file at 64 MiB by default, but a block larger than that gets a
// file of its own; a peer's gRPC limit keeps blocks under 100 MiB.
constexpr size_t kMaxBlockFile = size_t{1} << 30;

std::string FilePath(const std::string& dir, uint32_t n) {
  return absl::StrFormat("%s/blockfile_%06d", dir, n);
}

bool HasBlockFiles(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(FilePath(dir, 0), ec);
}

void PutVarintField(int number, uint64_t v, std::string* out) {
  if (v == 0) return;  // proto3 default
  internal::PutVarint64(out, static_cast<uint64_t>(number) << 3);
  internal::PutVarint64(out, v);
}

}  // namespace

absl::StatusOr<std::string> DecodeFabricBlockRecord(absl::string_view in) {
  const auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("a block-store record with a bad ", what));
  };
  uint64_t number = 0, count = 0;
  absl::string_view data_hash, previous_hash, item;
  if (!GetVarint64(&in, &number)) return bad("block number");
  if (!GetLengthPrefixed(&in, &data_hash)) return bad("data hash");
  if (!GetLengthPrefixed(&in, &previous_hash)) return bad("previous hash");
  std::string header;
  PutVarintField(1, number, &header);
  if (!previous_hash.empty()) wire::AppendBytesField(2, previous_hash, &header);
  if (!data_hash.empty()) wire::AppendBytesField(3, data_hash, &header);

  std::string data;
  if (!GetVarint64(&in, &count)) return bad("transaction count");
  for (uint64_t i = 0; i < count; ++i) {
    if (!GetLengthPrefixed(&in, &item)) return bad("transaction");
    wire::AppendBytesField(1, item, &data);
  }
  std::string metadata;
  if (!GetVarint64(&in, &count)) return bad("metadata count");
  for (uint64_t i = 0; i < count; ++i) {
    if (!GetLengthPrefixed(&in, &item)) return bad("metadata entry");
    wire::AppendBytesField(1, item, &metadata);
  }
  if (!in.empty()) return bad("length (bytes after the metadata)");
  std::string block;
  wire::AppendBytesField(1, header, &block);
  wire::AppendBytesField(2, data, &block);
  wire::AppendBytesField(3, metadata, &block);
  return block;
}

bool FabricBlockFileReader::Recognizes(const std::string& path) {
  std::error_code ec;
  return HasBlockFiles(path) || fs::is_directory(path + "/chains/chains", ec) ||
         (fs::is_directory(path + "/chains", ec) && !fs::exists(path + "/blocks", ec) &&
          !fs::exists(path + "/index", ec));
}

absl::StatusOr<std::unique_ptr<FabricBlockFileReader>> FabricBlockFileReader::Open(
    const std::string& path, absl::string_view channel) {
  std::error_code ec;
  std::string dir;
  if (HasBlockFiles(path)) {
    dir = path;
  } else {
    // ledgersData/chains/chains/<channel>, or chains/chains/<channel>.
    std::string chains;
    for (const std::string& c : {path + "/chains/chains", path + "/chains"}) {
      if (fs::is_directory(c, ec)) {
        chains = c;
        break;
      }
    }
    if (chains.empty()) {
      return absl::NotFoundError(absl::StrCat("no Fabric block files in ", path,
                                              " (expected blockfile_000000, or "
                                              "chains/chains/<channel>/ under a peer's "
                                              "ledgersData)"));
    }
    if (!channel.empty()) {
      dir = absl::StrCat(chains, "/", channel);
    } else {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(chains, ec)) {
        if (HasBlockFiles(e.path().string())) found.push_back(e.path().string());
      }
      if (found.size() != 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            chains, " holds the block files of ", found.size(),
            " channels: name the channel"));
      }
      dir = found[0];
    }
    if (!HasBlockFiles(dir)) return absl::NotFoundError(absl::StrCat("no block files in ", dir));
  }
  return std::unique_ptr<FabricBlockFileReader>(new FabricBlockFileReader(dir));
}

absl::StatusOr<bool> FabricBlockFileReader::LoadFile() {
  const std::string path = FilePath(dir_, file_);
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  FABRIC_ASSIGN_OR_RETURN(data_, ReadFileBounded(path, kMaxBlockFile));
  offset_ = 0;
  return true;
}

absl::StatusOr<std::optional<std::string>> FabricBlockFileReader::Next() {
  while (!done_) {
    if (!loaded_) {
      FABRIC_ASSIGN_OR_RETURN(bool exists, LoadFile());
      if (!exists) {
        done_ = true;
        break;
      }
      loaded_ = true;
    }
    absl::string_view rest = absl::string_view(data_).substr(offset_);
    if (rest.empty()) {  // on to the next file
      ++file_;
      loaded_ = false;
      continue;
    }
    absl::string_view record;
    const size_t at = offset_;
    if (!GetLengthPrefixed(&rest, &record)) {
      // Cut short: the end of the chain if this is the last file.
      std::error_code ec;
      if (!fs::exists(FilePath(dir_, file_ + 1), ec)) {
        done_ = true;
        break;
      }
      return absl::DataLossError(absl::StrCat(FilePath(dir_, file_), ": a record cut short at byte ",
                                              at, ", and a later block file exists"));
    }
    offset_ = data_.size() - rest.size();
    absl::StatusOr<std::string> block = DecodeFabricBlockRecord(record);
    if (!block.ok()) {
      return absl::DataLossError(
          absl::StrCat(FilePath(dir_, file_), " at byte ", at, ": ", block.status().message()));
    }
    return std::optional<std::string>(*std::move(block));
  }
  data_.clear();
  return std::optional<std::string>();
}

}  // namespace fabric::ledger
