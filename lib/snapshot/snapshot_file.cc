#include "lib/snapshot/snapshot_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/base/status_macros.h"

namespace fabric::snapshot {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

SnapshotFileWriter::~SnapshotFileWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status SnapshotFileWriter::Create(const std::string& path, uint8_t format) {
  path_ = path;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) return Errno("creating the snapshot file", path);
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    ::close(fd);
    return Errno("opening the snapshot file", path);
  }
  const char byte = static_cast<char>(format);
  return Append(absl::string_view(&byte, 1));
}

absl::Status SnapshotFileWriter::Append(absl::string_view bytes) {
  if (file_ == nullptr) return absl::FailedPreconditionError("snapshot file not open");
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return Errno("writing the snapshot file", path_);
  }
  hash_.Update(bytes);
  return absl::OkStatus();
}

absl::Status SnapshotFileWriter::WriteUvarint(uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  return Append(absl::string_view(buf, n));
}

absl::Status SnapshotFileWriter::WriteBytes(absl::string_view bytes) {
  FABRIC_RETURN_IF_ERROR(WriteUvarint(bytes.size()));
  return Append(bytes);
}

absl::StatusOr<std::string> SnapshotFileWriter::Finish() {
  if (file_ == nullptr) return absl::FailedPreconditionError("snapshot file not open");
  std::FILE* f = file_;
  file_ = nullptr;
  const bool ok = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const int saved = errno;
  if (std::fclose(f) != 0 || !ok) {
    errno = ok ? errno : saved;
    return Errno("writing the snapshot file", path_);
  }
  return hash_.Finish();
}

SnapshotFileReader::~SnapshotFileReader() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::Status SnapshotFileReader::Open(const std::string& path, uint8_t format) {
  path_ = path;
  // Not a FIFO or device (whose open or reads would not end), checked before opening.
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  file_ = std::fopen(path.c_str(), "rb");
  if (file_ == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("opening the snapshot file ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(::fileno(file_), &st) != 0) return Errno("reading the snapshot file", path);
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  size_ = static_cast<uint64_t>(st.st_size);
  const int first = std::fgetc(file_);
  if (first == EOF) return Truncated("its data format byte");
  offset_ = 1;
  if (first != format) {
    return absl::InvalidArgumentError(absl::StrCat("the snapshot file ", path,
                                                   " has data format ", first, ", not ", format));
  }
  return absl::OkStatus();
}

absl::Status SnapshotFileReader::Truncated(absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("the snapshot file ", path_, " ends (at byte ", offset_, ") inside ", what));
}

absl::StatusOr<uint64_t> SnapshotFileReader::ReadUvarint() {
  if (file_ == nullptr) return absl::FailedPreconditionError("snapshot file not open");
  uint64_t v = 0;
  for (int i = 0; i < 10; ++i) {
    const int c = std::fgetc(file_);
    if (c == EOF) return Truncated("a varint");
    ++offset_;
    if (i == 9 && c > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the snapshot file ", path_, " has a varint over 64 bits at byte ", offset_ - 10));
    }
    v |= static_cast<uint64_t>(c & 0x7f) << (7 * i);
    if (c < 0x80) return v;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("the snapshot file ", path_, " has a varint over 64 bits"));
}

absl::StatusOr<std::string> SnapshotFileReader::ReadBytes() {
  FABRIC_ASSIGN_OR_RETURN(uint64_t len, ReadUvarint());
  // The length is checked against what the file still holds before anything is
  // allocated for it.
  if (offset_ > size_ || len > size_ - offset_) {
    return Truncated(absl::StrCat("a value of ", len, " bytes"));
  }
  std::string out(len, '\0');
  if (len > 0 && std::fread(out.data(), 1, len, file_) != len) {
    return Truncated(absl::StrCat("a value of ", len, " bytes"));
  }
  offset_ += len;
  return out;
}

bool SnapshotFileReader::AtEnd() { return file_ == nullptr || offset_ >= size_; }

}  // namespace fabric::snapshot
