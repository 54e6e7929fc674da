#include "lib/ledger/block_files.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/base/status_macros.h"
#include "lib/ledger/internal/schema.h"

namespace fabric::ledger {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Reads [offset, offset + len) of `fd` into `out`; fewer bytes if the file ends first.
absl::Status ReadAt(int fd, uint64_t offset, uint64_t len, const std::string& path,
                    std::string* out) {
  out->resize(len);
  uint64_t done = 0;
  while (done < len) {
    ssize_t n = pread(fd, &(*out)[done], len - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("reading", path);
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  out->resize(done);
  return absl::OkStatus();
}

absl::Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Errno("opening directory", dir);
  int rc = fsync(fd);
  close(fd);
  if (rc != 0) return Errno("syncing directory", dir);
  return absl::OkStatus();
}

// Scans the whole records of `path` from `pos`. Returns the end of the last whole record.
absl::StatusOr<uint64_t> ScanFile(const std::string& path, uint32_t file, uint64_t pos,
                                  std::vector<BlockLocation>* found) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return Errno("opening block file", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return Errno("stat of block file", path);
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < pos) {
    close(fd);
    return absl::DataLossError(absl::StrFormat(
        "block file %s has %d bytes but the block index says it holds %d", path, size, pos));
  }
  std::string data;
  absl::Status s = ReadAt(fd, pos, size - pos, path, &data);
  close(fd);
  FABRIC_RETURN_IF_ERROR(s);
  absl::string_view in = data;
  while (!in.empty()) {
    absl::string_view rest = in;
    uint64_t len;
    if (!internal::GetVarint64(&rest, &len) || len > rest.size()) break;
    uint64_t header = in.size() - rest.size();
    found->push_back(BlockLocation{file, pos + header, len});
    pos += header + len;
    in = rest.substr(len);
  }
  return pos;
}

}  // namespace

std::string BlockFiles::FilePath(uint32_t file) const {
  return absl::StrFormat("%s/blockfile_%06d", dir_, file);
}

absl::StatusOr<std::unique_ptr<BlockFiles>> BlockFiles::Open(
    const std::string& chains_dir, const BlockFilesOptions& options,
    const BlockLocation* last_indexed, std::vector<BlockLocation>* unindexed) {
  std::error_code ec;
  std::filesystem::create_directories(chains_dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("creating ", chains_dir, ": ", ec.message()));
  std::unique_ptr<BlockFiles> files(new BlockFiles(chains_dir, options));

  // The highest numbered file; files are numbered from 0 without gaps.
  int64_t last_file = -1;
  while (std::filesystem::exists(files->FilePath(static_cast<uint32_t>(last_file + 1)), ec)) {
    ++last_file;
  }
  uint32_t file = last_indexed ? last_indexed->file : 0;
  uint64_t pos = last_indexed ? last_indexed->offset + last_indexed->length : 0;
  if (last_indexed != nullptr && last_indexed->file > last_file) {
    return absl::DataLossError(absl::StrCat("block file ", files->FilePath(file),
                                            " is missing but the block index refers to it"));
  }
  if (last_file < 0) {
    FABRIC_RETURN_IF_ERROR(files->OpenForAppend(0, 0));
    return files;
  }
  for (;; ++file, pos = 0) {
    std::string path = files->FilePath(file);
    FABRIC_ASSIGN_OR_RETURN(uint64_t end, ScanFile(path, file, pos, unindexed));
    std::error_code size_ec;
    uint64_t size = std::filesystem::file_size(path, size_ec);
    if (size_ec)
      return absl::UnavailableError(absl::StrCat("stat ", path, ": ", size_ec.message()));
    if (end != size) {
      if (static_cast<int64_t>(file) != last_file) {
        return absl::DataLossError(absl::StrFormat(
            "block file %s ends in a partial record at offset %d but is not the last file", path,
            end));
      }
      // A torn append: keep the whole records only.
      if (truncate(path.c_str(), static_cast<off_t>(end)) != 0) return Errno("truncating", path);
    }
    if (static_cast<int64_t>(file) == last_file) {
      FABRIC_RETURN_IF_ERROR(files->OpenForAppend(file, end));
      return files;
    }
  }
}

BlockFiles::~BlockFiles() {
  if (fd_ >= 0) close(fd_);
}

absl::Status BlockFiles::OpenForAppend(uint32_t file, uint64_t size) {
  if (fd_ >= 0) close(fd_);
  std::string path = FilePath(file);
  bool created = !std::filesystem::exists(path);
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("opening block file", path);
  if (created && options_.sync) FABRIC_RETURN_IF_ERROR(SyncDir(dir_));
  file_ = file;
  size_ = size;
  return absl::OkStatus();
}

absl::StatusOr<BlockLocation> BlockFiles::Append(absl::string_view block_bytes) {
  std::string header;
  internal::PutVarint64(&header, block_bytes.size());
  const uint64_t record_size = header.size() + block_bytes.size();
  if (size_ > 0 && size_ + record_size > options_.max_file_size) {
    FABRIC_RETURN_IF_ERROR(OpenForAppend(file_ + 1, 0));
  }
  std::string path = FilePath(file_);
  // The length and the block in one gathering write each time round (no copy of the
  // block into a record of its own).
  uint64_t done = 0;
  while (done < record_size) {
    struct iovec parts[2];
    int count = 0;
    if (done < header.size()) {
      parts[count++] = {header.data() + done, header.size() - done};
      parts[count++] = {const_cast<char*>(block_bytes.data()), block_bytes.size()};
    } else {
      const uint64_t at = done - header.size();
      parts[count++] = {const_cast<char*>(block_bytes.data()) + at, block_bytes.size() - at};
    }
    ssize_t n = writev(fd_, parts, count);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = Errno("appending to", path);
      // Leave no partial record behind; if that fails too, the next open cuts it.
      if (ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
        return absl::Status(s.code(), absl::StrCat(s.message(),
                                                   "; the partial record left "
                                                   "is cut when the ledger reopens"));
      }
      return s;
    }
    done += static_cast<uint64_t>(n);
  }
  if (options_.sync && fdatasync(fd_) != 0) return Errno("syncing", path);
  BlockLocation loc{file_, size_ + header.size(), block_bytes.size()};
  size_ += record_size;
  return loc;
}

absl::StatusOr<std::string> BlockFiles::Read(const BlockLocation& loc) const {
  std::string path = FilePath(loc.file);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return absl::DataLossError(absl::StrCat("block file ", path, " is missing"));
    return Errno("opening block file", path);
  }
  std::string out;
  absl::Status s = ReadAt(fd, loc.offset, loc.length, path, &out);
  close(fd);
  FABRIC_RETURN_IF_ERROR(s);
  if (out.size() != loc.length) {
    return absl::DataLossError(absl::StrFormat(
        "block file %s is shorter than the block index says (%d bytes at offset %d)", path,
        loc.length, loc.offset));
  }
  return out;
}

}  // namespace fabric::ledger
